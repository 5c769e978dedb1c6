#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dev_run_without_cmocka.sh SRC SCRATCH - `./dev.sh run --once` works on a
# machine where the test-only packages are absent (issue 17, item 1), and
# the suite's configure step still fails loudly there.
#
# cmocka is hidden by pointing PKG_CONFIG_LIBDIR at a directory holding
# links to every .pc file pkg-config would otherwise find, except
# cmocka.pc. The build packages are all present, so dev.sh installs
# nothing.
set -euo pipefail
src=$1 scratch=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF)"; exit 77; }

rm -rf "$scratch"
mkdir -p "$scratch/pc"
pcdirs=$(pkg-config --variable pc_path pkg-config)
IFS=: read -ra dirs <<<"$pcdirs"
for d in "${dirs[@]}"; do
	[ -d "$d" ] || continue
	for f in "$d"/*.pc; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		[ "$b" = cmocka.pc ] && continue
		[ -e "$scratch/pc/$b" ] || ln -s "$f" "$scratch/pc/$b"
	done
done
export PKG_CONFIG_LIBDIR=$scratch/pc PKG_CONFIG_PATH=
if pkg-config --exists cmocka; then
	echo "FAIL: cmocka still visible to pkg-config" >&2
	exit 1
fi
pkg-config --exists libbpf || { echo "FAIL: hiding cmocka hid libbpf too" >&2; exit 1; }

# The README's first command, in a scratch build tree.
out=$(MFD_BUILD_DIR=$scratch/build "$src/dev.sh" run --once 2>"$scratch/run.err") || {
	echo "FAIL: ./dev.sh run --once exited $? without cmocka" >&2
	cat "$scratch/run.err" >&2
	exit 1
}
grep -q "MFD_TESTS=OFF\|without the test suite" "$scratch/run.err" || {
	echo "FAIL: dev.sh did not say it built without the suite" >&2
	cat "$scratch/run.err" >&2
	exit 1
}
# --once prints one snapshot: the zones the kernel lists in buddyinfo.
zone=$(awk 'NR==1 {print $4}' /proc/buddyinfo)
grep -q "$zone" <<<"$out" || {
	echo "FAIL: --once output does not name zone $zone from /proc/buddyinfo" >&2
	echo "$out" >&2
	exit 1
}
# (build/tests/workload exists either way: mfd-fragment is built without
# the suite too.)
grep -qx 'MFD_TESTS:BOOL=OFF' "$scratch/build/CMakeCache.txt" && [ ! -e "$scratch/build/tests/unit" ] || {
	echo "FAIL: the run path configured the test suite" >&2
	exit 1
}

# The suite must not quietly vanish: configuring it without cmocka fails.
if cmake -S "$src" -B "$scratch/build-tests" -DMFD_TESTS=ON \
	>"$scratch/tests.out" 2>&1; then
	echo "FAIL: configuring MFD_TESTS=ON without cmocka succeeded" >&2
	exit 1
fi
grep -q cmocka "$scratch/tests.out" || {
	echo "FAIL: the configure failure does not name cmocka" >&2
	cat "$scratch/tests.out" >&2
	exit 1
}
rm -rf "$scratch"
echo "PASS: dev.sh run --once without cmocka; MFD_TESTS=ON fails naming cmocka"

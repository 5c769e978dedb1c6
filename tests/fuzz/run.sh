#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/fuzz/run.sh - run every libFuzzer harness for SECONDS each.
#
#   tests/fuzz/run.sh [SECONDS] [NAME...]     default 20 s, every harness
#   tests/fuzz/run.sh 3600 buddyinfo          one harness for an hour
#   MFD_FUZZ_JOBS=2 tests/fuzz/run.sh 600     two processes per harness
#
# Builds build-fuzz/ with clang -DMFD_FUZZ=ON first (--no-build skips that;
# --build-dir DIR picks another tree; ctest -L fuzz calls it so). For each
# harness: the regressions in regressions/NAME/ and the seeds in
# corpus/NAME/ are replayed one by one, then the fuzzer runs with a scratch
# corpus (new inputs go there, so git stays clean) that starts from the
# seeds and the regressions. A crash leaves its input in
# BUILD/fuzz-artifacts/NAME/ and fails the run; fix the bug, then keep the
# input: cp BUILD/fuzz-artifacts/NAME/crash-* tests/fuzz/regressions/NAME/.
# MFD_FUZZ_KEEP=DIR keeps the grown corpora under DIR/NAME/ (to minimise
# into new seeds with -merge=1).
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
FUZZ=$SRC/tests/fuzz
BUILD=$SRC/build-fuzz
do_build=1
while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) BUILD=$(readlink -f "$2"); shift 2 ;;
	--no-build) do_build=0; shift ;;
	-h | --help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
SECONDS_EACH=${1:-20}
[ $# -gt 0 ] && shift
case "$SECONDS_EACH" in '' | *[!0-9]*)
	echo "run.sh: SECONDS must be a whole number, got '$SECONDS_EACH'" >&2; exit 2 ;;
esac

if [ "$do_build" = 1 ]; then
	command -v clang >/dev/null || { echo "run.sh: needs clang and libFuzzer (./dev.sh deps test)" >&2; exit 1; }
	CC=clang cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMFD_FUZZ=ON >/dev/null
	cmake --build "$BUILD" -j"$(nproc)" >/dev/null
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$FUZZ"/fuzz_*.c; do
		n=$(basename "$f" .c)
		names+=("${n#fuzz_}")
	done
fi

scratch=$(mktemp -d /tmp/mfd-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failed=()
for name in "${names[@]}"; do
	bin=$BUILD/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin not built (is tests/fuzz/fuzz_$name.c there?)" >&2
		failed+=("$name"); continue
	fi
	art=$BUILD/fuzz-artifacts/$name
	mkdir -p "$art" "$scratch/$name"
	seeds=() regress=()
	[ -d "$FUZZ/corpus/$name" ] && seeds=("$FUZZ/corpus/$name")
	[ -d "$FUZZ/regressions/$name" ] && regress=("$FUZZ/regressions/$name")
	log=$art/fuzz.log
	touch "$scratch/$name.start"
	echo "== $name: replay ${regress[*]:-(no regressions)} ${seeds[*]:-(no seeds)}, then fuzz ${SECONDS_EACH}s"
	# Replay first, each input on its own, so a regression is named.
	files=()
	for d in "${regress[@]}" "${seeds[@]}"; do
		while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$d" -type f ! -name '.*' -print0 | sort -z)
	done
	if [ ${#files[@]} -gt 0 ] &&
		! "$bin" -artifact_prefix="$art/" "${files[@]}" >"$log" 2>&1; then
		echo "FAIL - $name: a kept input crashes again:"; tail -30 "$log"
		failed+=("$name"); continue
	fi
	[ "$SECONDS_EACH" -eq 0 ] && { echo "ok   - $name: ${#files[@]} kept input(s)"; continue; }
	# New inputs land in the first (scratch) directory; the others are
	# only read. -timeout catches hangs, -rss_limit_mb runaway memory.
	jobs=${MFD_FUZZ_JOBS:-1}
	extra=()
	[ "$jobs" -gt 1 ] && extra=(-jobs="$jobs" -workers="$jobs")
	if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$art/" -print_final_stats=1 "${extra[@]}" \
		"$scratch/$name" "${regress[@]}" "${seeds[@]}" >>"$log" 2>&1; then
		echo "ok   - $name: $(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo '?') runs, corpus $(find "$scratch/$name" -type f | wc -l) new input(s), no crash"
	else
		echo "FAIL - $name: crash or hang; input(s) in $art/:"
		find "$art" -type f ! -name fuzz.log -newer "$scratch/$name.start" | sed 's/^/    /'
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -10
		failed+=("$name")
	fi
	if [ -n "${MFD_FUZZ_KEEP:-}" ]; then
		mkdir -p "$MFD_FUZZ_KEEP/$name" && cp -a "$scratch/$name/." "$MFD_FUZZ_KEEP/$name/"
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]} (logs in $BUILD/fuzz-artifacts/NAME/fuzz.log)"
	exit 1
fi
echo "fuzz: ${#names[@]} harness(es) passed"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# no_machine_paths.sh SRC BIN - no tracked file holds a path of the machine
# that built it (issue 17, item 4): generated text (bench results, docs)
# names paths relative to the repository.
#
# The patterns come from the build at hand, not from a list of known
# machines: its source and binary directories, and the directory tree they
# live under (the first component of the source path, or /home/USER), which
# catches text generated in another checkout on the same machine (a
# results file made in one clone and committed from another). System
# directories (/usr, /tmp, /sys, ...) are legitimate in docs and are not
# patterns. Also: no fuzz artifact outside tests/fuzz/regressions/.
set -euo pipefail
src=$(readlink -f "$1") bin=$(readlink -f "$2")
cd "$src"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || {
	echo "FAIL: $src is not a git checkout" >&2
	exit 1
}

pats=("$src/" "$bin/")
IFS=/ read -r _ top second _ <<<"$src"
case "$top" in
usr | etc | var | opt | tmp | proc | sys | dev | run | srv | mnt | media | lib | bin | sbin | '') ;;
home) [ -n "$second" ] && pats+=("/home/$second/") ;;
*) pats+=("/$top/") ;;
esac

fail=0
for p in "${pats[@]}"; do
	hits=$(git ls-files -z | xargs -0 grep -nIF -- "$p" 2>/dev/null || true)
	if [ -n "$hits" ]; then
		echo "FAIL: tracked files name the machine path $p:" >&2
		echo "$hits" | cut -c1-200 >&2
		fail=1
	fi
done
stray=$(git ls-files | grep -E '(^|/)(crash|leak|timeout|oom)-[0-9a-f]{8,}$' |
	grep -v '^tests/fuzz/regressions/[^/]*/' || true)
if [ -n "$stray" ]; then
	echo "FAIL: fuzz artifacts outside tests/fuzz/regressions/<harness>/ (never replayed):" >&2
	echo "$stray" >&2
	fail=1
fi
[ "$fail" = 0 ] && echo "PASS: no tracked file names ${pats[*]}; no stray fuzz artifact"
exit "$fail"

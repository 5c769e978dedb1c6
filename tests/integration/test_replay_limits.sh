#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --replay caps a line while it reads it: a 200 MB line costs at most the
# 64 MiB cap (peak RSS measured by the kernel, through getrusage of the
# child), is skipped with a warning, and the good samples after it still
# play; binary input (/dev/zero, a file with NUL bytes) stops at once with
# a clear error instead of growing until memory runs out. No root.
. "$(dirname "$0")/lib.sh" "$@"
# Under ASan, freed memory waiting in its quarantine is not the agent's.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
SRC=$(readlink -f "$(dirname "$0")/../..")
DEMO=$SRC/tests/fixtures/recordings/demo.jsonl

# run LIMIT_S ARGS...: the agent's exit status and peak RSS (KiB) in
# $TMP/rc and $TMP/rss, stderr in $TMP/err.
run() {
	python3 - "$TMP" "$AGENT" "$@" <<'PY'
import resource, subprocess, sys
tmp, agent, limit, args = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
with open(tmp + "/err", "wb") as err, open(tmp + "/out", "wb") as out:
    try:
        rc = subprocess.run([agent] + args, stdout=out, stderr=err, timeout=limit).returncode
    except subprocess.TimeoutExpired:
        rc = 124
open(tmp + "/rc", "w").write(str(rc))
open(tmp + "/rss", "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

# /dev/zero: no newline ever, only NUL bytes.
run 60 --replay /dev/zero --once
rc=$(cat "$TMP/rc") rss=$(cat "$TMP/rss")
[ "$rc" -eq 1 ] && pass "--replay /dev/zero stops with exit 1" || fail "--replay /dev/zero: exit $rc"
grep -q "NUL byte: this is not a JSON-lines recording" "$TMP/err" && pass "/dev/zero: the error says why" ||
	fail "/dev/zero: $(head -3 "$TMP/err")"
[ "$rss" -lt 65536 ] && pass "/dev/zero: peak RSS $rss KiB" || fail "/dev/zero: peak RSS $rss KiB"

# A 200 MB line (no newline, no NUL) between two good samples.
head -1 "$DEMO" >"$TMP/long.jsonl"
head -c 200000000 /dev/zero | tr '\0' 'x' >>"$TMP/long.jsonl"
printf '\n' >>"$TMP/long.jsonl"
sed -n '2,$p' "$DEMO" >>"$TMP/long.jsonl"
want=$(grep -c resourceMetrics "$DEMO")
run 120 --replay "$TMP/long.jsonl" --headless --http off --replay-speed 0 --format json
rc=$(cat "$TMP/rc") rss=$(cat "$TMP/rss")
rm -f "$TMP/long.jsonl"
[ "$rc" -eq 0 ] && pass "a 200 MB line: the replay runs to the end (exit 0)" || fail "200 MB line: exit $rc: $(tail -3 "$TMP/err")"
grep -q "line 2 skipped: longer than 67108864 bytes" "$TMP/err" && pass "the long line is skipped with a warning" ||
	fail "no skip warning: $(grep -m3 skipped "$TMP/err")"
# The cap (64 MiB, up to 96 MiB while a realloc copies 32 into 64, as
# ASan's realloc always does) plus the agent itself; reading the whole
# line first took 212 MB.
[ "$rss" -lt 160000 ] && pass "peak RSS $rss KiB with a 200 MB line" || fail "peak RSS $rss KiB with a 200 MB line"
got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["samples"])' "$TMP/out" 2>/dev/null || echo 0)
[ "$got" -eq "$want" ] && pass "all $want samples played around the long line" || fail "$got of $want samples played"

# NUL bytes after good samples: what came before plays, then it stops.
{ head -2 "$DEMO"; printf 'garbage\0more\n'; sed -n '3,$p' "$DEMO"; } >"$TMP/nul.jsonl"
run 60 --replay "$TMP/nul.jsonl" --headless --http off --replay-speed 0 --format json
rc=$(cat "$TMP/rc")
grep -q "nul.jsonl line 3: a NUL byte" "$TMP/err" && pass "a NUL byte mid-file: the line is named" ||
	fail "NUL mid-file: $(head -3 "$TMP/err")"
got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["samples"])' "$TMP/out" 2>/dev/null || echo 0)
[ "$rc" -eq 0 ] && [ "$got" -eq 1 ] && pass "the sample before it played, then the replay stopped" ||
	fail "NUL mid-file: exit $rc, $got samples"
finish

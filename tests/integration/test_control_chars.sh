#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Control characters from outside never reach a terminal. A recording
# (the demo fixture, rewritten) names a process "\e[2J\e]0;pwned\a..." and
# a zone "Nor\e[31mmal"; replayed through the real agent, the -s view, the
# default view, CSV, the "-c: no such zone" message and the text log show
# them escaped (\x1b...), with no ESC or BEL byte in any output.
# No root, no network.
. "$(dirname "$0")/lib.sh" "$@"
SRC=$(readlink -f "$(dirname "$0")/../..")
python3 - "$SRC/tests/fixtures/recordings/demo.jsonl" "$TMP/evil.jsonl" <<'PY'
import sys
out = open(sys.argv[2], "w")
for l in open(sys.argv[1]):
    l = l.replace('"stringValue":"mfd-fragment"', '"stringValue":"\\u001b[2J\\u001b]0;pwned\\u0007x"')
    out.write(l.replace('"stringValue":"Normal"', '"stringValue":"Nor\\u001b[31mmal"'))
PY
grep -q 'u001b\[2J' "$TMP/evil.jsonl" && grep -q 'Nor\\u001b' "$TMP/evil.jsonl" ||
	{ fail "could not plant the names in the fixture"; finish; exit 1; }

# clean NAME FILE: no ESC, BEL or other C0 byte but tab and newline.
clean() {
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$2"; then
		fail "$1: a control byte reached the output: $(LC_ALL=C grep -m1 $'[\x01-\x08\x0b-\x1f\x7f]' "$2" | cat -v | cut -c1-120)"
	else
		pass "$1: no control byte"
	fi
}
run() { # run NAME ARGS...: stdout in $TMP/NAME.out, stderr in .err
	local name=$1 rc=0
	shift
	timeout 60 "$AGENT" --replay "$TMP/evil.jsonl" --http off "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
	echo "$rc" >"$TMP/$name.rc"
}

# -s, frame after frame as a pipe gets them: the events carry the name.
run procs -s --log-format text
clean "-s view" "$TMP/procs.out"
clean "-s view, log" "$TMP/procs.err"
grep -qF '\x1b[2J\x1b]0;pwned\x07' "$TMP/procs.out" && pass "-s view: the process name shown escaped" ||
	fail "-s view: the escaped process name is missing"

run zones --once
clean "default view" "$TMP/zones.out"
grep -qF 'Nor\x1b[31mmal' "$TMP/zones.out" && pass "default view: the zone name shown escaped" ||
	fail "default view: the escaped zone name is missing: $(head -5 "$TMP/zones.out")"

run csv --once --format csv
clean "CSV" "$TMP/csv.out"
grep -qF 'Nor\x1b[31mmal' "$TMP/csv.out" && pass "CSV: the zone name escaped" || fail "CSV: escaped zone name missing"

run nozone --once -c Nowhere
[ "$(cat "$TMP/nozone.rc")" -eq 2 ] && pass "-c Nowhere: exit 2" || fail "-c Nowhere: exit $(cat "$TMP/nozone.rc")"
clean "-c: zones present" "$TMP/nozone.err"
grep -qF 'Nor\x1b[31mmal' "$TMP/nozone.err" && pass "-c: the zones present listed escaped" ||
	fail "-c: $(cat "$TMP/nozone.err")"

# The text log at debug level: the replay's own lines and whatever quotes
# a recorded value; the JSON state keeps the real name (JSON escapes it:
# a program reads it, not a terminal).
run log --headless --log-level debug --log-format text --format json --replay-speed 0
clean "text log at debug level" "$TMP/log.err"
python3 - "$TMP/log.out" <<'PY' && pass "JSON state: the process name kept exactly (escaped by JSON)" || fail "JSON state lost the process name"
import json, sys
procs = json.load(open(sys.argv[1])).get("procs", [])
sys.exit(0 if any(p["comm"].startswith("\x1b[2J\x1b]0;pwned\x07") for p in procs) else 1)
PY
finish

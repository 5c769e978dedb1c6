#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --record then --replay: the replayed samples equal the recorded run's own
# JSON output, line for line (procfs fixtures always; the live BPF source
# too when root); the recorded indices equal the ones recomputed from the
# recorded free blocks (checked here in Python, not by the C decoder); a
# cut-off last line and a garbage line are skipped with a warning; replay
# needs neither root nor BPF.
. "$(dirname "$0")/../integration/lib.sh" "$@"
FIX=$(cd "$(dirname "$0")/../fixtures/procfs" && pwd)

# compare_run NAME AGENT-ARGS...: record a run piped with --format json,
# replay it as fast as possible, compare.
compare_run() {
	local name=$1 n
	shift
	rm -f "$TMP/rec.jsonl"
	"$AGENT" --format json -d 0.05 --duration 0.6 --record "$TMP/rec.jsonl" \
		"$@" >"$TMP/live.jsonl" 2>"$TMP/live.err" || {
		fail "$name: recording run failed"
		sed 's/^/    | /' "$TMP/live.err" | head -5
		return
	}
	n=$(wc -l <"$TMP/live.jsonl")
	[ "$n" -ge 3 ] || { fail "$name: only $n samples printed"; return; }
	"$AGENT" --replay "$TMP/rec.jsonl" --replay-speed 0 --format json \
		>"$TMP/replay.jsonl" 2>"$TMP/replay.err" || {
		fail "$name: replay failed"
		sed 's/^/    | /' "$TMP/replay.err" | head -5
		return
	}
	# The recording also holds the final sample taken at shutdown.
	if head -n "$n" "$TMP/replay.jsonl" | cmp -s - "$TMP/live.jsonl"; then
		pass "$name: $n replayed samples equal the recorded run's JSON"
	else
		fail "$name: replayed samples differ from the recorded run"
		diff <(head -n "$n" "$TMP/replay.jsonl" | cut -c1-300) \
			<(cut -c1-300 "$TMP/live.jsonl") | head -6
	fi
	"$AGENT" --replay "$TMP/rec.jsonl" --once --format json >"$TMP/once.json" &&
		cmp -s "$TMP/once.json" <(head -n 1 "$TMP/live.jsonl") &&
		pass "$name: --replay --once prints the first sample" ||
		fail "$name: --replay --once differs from the first sample"
	grep -q "line [0-9]* skipped" "$TMP/replay.err" &&
		fail "$name: replay skipped lines: $(grep skipped "$TMP/replay.err" | head -2)" || true
	python3 "$(dirname "$0")/check_recorded.py" "$TMP/rec.jsonl" \
		"$TMP/replay.jsonl" >"$TMP/py.out" 2>&1 &&
		pass "$name: $(tail -1 "$TMP/py.out")" ||
		{ fail "$name: recorded values vs replay"; sed 's/^/    | /' "$TMP/py.out" | head -8; }
}

for dir in "$FIX"/*/; do
	[ -f "$dir/zoneinfo" ] || continue
	compare_run "procfs $(basename "$dir")" --source procfs --proc-dir "$dir" --no-events
	# Replaying a fixture run equals reading the fixture again, except for
	# the time and the collection time.
	"$AGENT" --source procfs --proc-dir "$dir" --once --format json >"$TMP/fix.json"
	python3 - "$TMP/fix.json" "$TMP/once.json" <<'PY' &&
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("time_unix_nano", "collection_ns"):
    a.pop(k); b.pop(k)
sys.exit(0 if a == b else 1)
PY
		pass "procfs $(basename "$dir"): replay equals the fixture's own snapshot" ||
		fail "procfs $(basename "$dir"): replay differs from the fixture's snapshot"
done

if [ "$(id -u)" -eq 0 ]; then
	compare_run "live bpf" --source bpf
else
	echo "skip - live BPF round trip (needs root)"
fi

# --replay-at: the third sample's own time picks it.
t3=$(sed -n 3p "$TMP/live.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["time_unix_nano"])')
at=$(python3 -c "import sys; print('%d.%09d' % divmod($t3, 10**9))")
"$AGENT" --replay "$TMP/rec.jsonl" --replay-at "$at" --once --format json >"$TMP/at.json" 2>/dev/null &&
	cmp -s "$TMP/at.json" <(sed -n 3p "$TMP/live.jsonl") &&
	pass "--replay-at (unix seconds) starts at the third sample" ||
	fail "--replay-at did not pick the third sample"
iso=$(python3 -c "import datetime; print(datetime.datetime.fromtimestamp($t3 // 10**9, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % ($t3 % 10**9))")
"$AGENT" --replay "$TMP/rec.jsonl" --replay-at "$iso" --once --format json >"$TMP/at.json" 2>/dev/null &&
	cmp -s "$TMP/at.json" <(sed -n 3p "$TMP/live.jsonl") &&
	pass "--replay-at $iso starts at the third sample" ||
	fail "--replay-at $iso did not pick the third sample"
expect_exit 2 "--replay-at without a zone" "$AGENT" --replay "$TMP/rec.jsonl" \
	--replay-at 2026-11-27T04:23:51 --once

# A recording cut off mid-line, with garbage in the middle.
rec=$TMP/rec.jsonl
n=$(grep -c resourceMetrics "$rec")
{
	head -n 1 "$rec"
	echo '{"resourceMetrics": [ this is not json'
	tail -n +2 "$rec" | head -c -200 # the last line loses its end
} >"$TMP/cut.jsonl"
expect_exit 0 "replay of a cut-off recording" \
	"$AGENT" --replay "$TMP/cut.jsonl" --replay-speed 0 --format json
got=$(wc -l <"$TMP/out")
[ "$got" -eq $((n - 1)) ] && pass "all $got complete samples replayed" ||
	fail "replayed $got samples, wanted $((n - 1))"
grep -q "line $(($(wc -l <"$TMP/cut.jsonl") + 1)) skipped: the last line is incomplete" "$TMP/err" &&
	pass "the cut-off last line is skipped with a warning" ||
	fail "no warning for the cut-off line: $(cat "$TMP/err")"
grep -q "line 2 skipped: not JSON" "$TMP/err" &&
	pass "the garbage line is skipped with a warning" ||
	fail "no warning for the garbage line"
grep -q "2 lines skipped" "$TMP/err" && pass "skipped lines are counted" ||
	fail "skip count missing: $(grep finished "$TMP/err")"

# Replay needs neither root nor BPF: as nobody, without capabilities.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cp "$rec" "$TMP/nobody.jsonl"
	chmod 755 "$TMP"
	chmod 644 "$TMP/nobody.jsonl"
	expect_exit 0 "replay as an unprivileged user" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$AGENT" --replay "$TMP/nobody.jsonl" --once --format json
	cmp -s "$TMP/out" <(head -n 1 "$TMP/replay.jsonl") &&
		pass "unprivileged replay gives the same first sample" ||
		fail "unprivileged replay differs"
fi

# Replayed events feed the -s view: its last frame's per-process counts
# equal the LogRecords per process.pid in the recording, and its total the
# recorded mfd.extfrag.events counters (the demo recording has both).
demo=$(dirname "$0")/../fixtures/recordings/demo.jsonl
if [ -f "$demo" ]; then
	"$AGENT" --replay "$demo" --replay-speed 0 -s >"$TMP/s.txt" 2>/dev/null
	python3 - "$demo" "$TMP/s.txt" <<'PY' >"$TMP/py.out" 2>&1 &&
import collections, json, re, sys
per_pid, total = collections.Counter(), 0
for line in open(sys.argv[1]):
    req = json.loads(line)
    for rl in req.get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {kv["key"]: kv["value"] for kv in r["attributes"]}
                per_pid[int(a["process.pid"]["intValue"])] += 1
    for rm in req.get("resourceMetrics", []):
        total = sum(int(dp["asInt"]) for m in rm["scopeMetrics"][0]["metrics"]
                    if m["name"] == "mfd.extfrag.events"
                    for dp in m["sum"]["dataPoints"])
lines = open(sys.argv[2]).read().splitlines()
starts = [i for i, l in enumerate(lines) if l.startswith("mfd extfrag events |")]
frame = lines[starts[-1]:]  # the last frame
head = next(l for l in frame if "events since start" in l)
shown = int(head.split()[0])
rows = {}
for l in frame[frame.index(next(l for l in frame if l.startswith("COMM"))) + 1:]:
    if not l.strip():
        break
    f = l.split()
    rows[int(f[1])] = int(f[-2])
if not per_pid:
    sys.exit("the demo recording has no events")
if rows != dict(per_pid):
    sys.exit(f"-s rows {rows} != recorded records {dict(per_pid)}")
if shown != total:
    sys.exit(f"-s says {shown} events, the recorded counters {total}")
print(f"{sum(per_pid.values())} recorded events in {len(rows)} processes, {total} counted")
PY
		pass "replayed events feed -s: $(cat "$TMP/py.out")" ||
		{ fail "replayed events vs -s"; sed 's/^/    | /' "$TMP/py.out" | head -5; }
fi

# Bad input is a clear error.
expect_exit 1 "--replay of a missing file" "$AGENT" --replay "$TMP/nope" --once
grep -q "cannot open" "$TMP/err" && pass "says it cannot open it" || fail "$(cat "$TMP/err")"
echo 'hello' >"$TMP/junk"
expect_exit 1 "--replay of a file with no sample" "$AGENT" --replay "$TMP/junk" --once
grep -q "holds no sample" "$TMP/err" && pass "says there is no sample" || fail "$(cat "$TMP/err")"
finish

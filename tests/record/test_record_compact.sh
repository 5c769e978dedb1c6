#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --record PATH.mfdz, the compact format (exporters/recording/mfdz.h),
# read back by mfdz.py, a decoder written from the format's description
# that shares no code with the agent: every sample is there, equal to the
# fixture's buddyinfo; a sample costs a small part of a JSON line; replay
# reads the file; a cut-off end, rotation and a foreign file at the path
# behave as documented.
. "$(dirname "$0")/../integration/lib.sh" "$@"
HERE=$(cd "$(dirname "$0")" && pwd)
FIXDIR=$(cd "$HERE/../fixtures/procfs/qemu-6.12.117+deb12-numa2" && pwd)
SRC=(--source procfs --proc-dir "$FIXDIR" --no-events --headless --http off)

# Both formats from two agents side by side, the same fixture and pace.
"$AGENT" "${SRC[@]}" -d 0.2 --duration 3 --record "$TMP/a.jsonl" 2>"$TMP/a.err" &
PIDS+=($!)
"$AGENT" "${SRC[@]}" -d 0.2 --duration 3 --record "$TMP/b.mfdz" 2>"$TMP/b.err" ||
	fail "recording b.mfdz failed: $(tail -2 "$TMP/b.err")"
wait
python3 "$HERE/mfdz.py" "$TMP/b.mfdz" >"$TMP/b.jsonl" 2>"$TMP/dec.err" &&
	pass "mfdz.py decodes every record" || fail "mfdz.py: $(head -3 "$TMP/dec.err")"

# check_lines FILE: each line OTLP/JSON, each sample's free blocks equal
# to the fixture's buddyinfo; prints the samples counter's first..last.
check_lines() {
	python3 - "$1" "$FIXDIR/buddyinfo" <<'PY'
import json, re, sys
buddy = {}
for line in open(sys.argv[2]):
    m = re.match(r"Node (\d+), zone\s+(\S+)\s+(.*)", line)
    for o, v in enumerate(m.group(3).split()):
        buddy[(int(m.group(1)), m.group(2), o)] = int(v)
samples = []
for line in open(sys.argv[1]):
    req = json.loads(line)
    for m in req["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]:
        if m["name"] == "mfd.agent.samples":
            samples += [int(dp["asInt"]) for dp in m["sum"]["dataPoints"]
                        if dp["attributes"][0]["value"]["stringValue"] == "ok"]
        if m["name"] != "mfd.zone.order.free_blocks":
            continue
        got = {}
        for dp in m["gauge"]["dataPoints"]:
            a = {x["key"]: x["value"] for x in dp["attributes"]}
            got[(int(a["numa.node"]["intValue"]), a["zone"]["stringValue"],
                 int(a["order"]["intValue"]))] = int(dp["asInt"])
        if got != buddy:
            sys.exit("free blocks differ from buddyinfo: %s" %
                     sorted(set(got.items()) ^ set(buddy.items()))[:3])
if not samples or samples != list(range(samples[0], samples[0] + len(samples))):
    sys.exit("samples not consecutive: %s" % samples)
print(len(samples), samples[0], samples[-1])
PY
}
if out=$(check_lines "$TMP/b.jsonl"); then
	pass "decoded lines: OTLP/JSON, free blocks equal buddyinfo, samples $out"
else
	fail "decoded lines: $out"
fi
read -r n_b _ <<<"$out"
n_a=$(wc -l <"$TMP/a.jsonl")
per_a=$(($(stat -c %s "$TMP/a.jsonl") / n_a))
per_b=$(($(stat -c %s "$TMP/b.mfdz") / n_b))
[ "$per_b" -lt $((per_a / 10)) ] &&
	pass "a sample costs $per_b bytes compact, $per_a as a JSON line" ||
	fail "compact is not a tenth of the lines: $per_b against $per_a bytes per sample"

# Replay reads it: every sample, nothing skipped.
"$AGENT" --replay "$TMP/b.mfdz" --replay-speed 0 --http off --headless >/dev/null 2>"$TMP/r.err"
grep -q "finished: $n_b samples, 0 lines skipped" "$TMP/r.err" &&
	pass "replay: $n_b samples, none skipped" || fail "replay: $(tail -1 "$TMP/r.err")"

# Cut off in the middle of the last record: the samples before it.
size=$(stat -c %s "$TMP/b.mfdz")
head -c $((size - 100)) "$TMP/b.mfdz" >"$TMP/cut.mfdz"
"$AGENT" --replay "$TMP/cut.mfdz" --replay-speed 0 --http off --headless >/dev/null 2>"$TMP/c.err"
grep -q "finished: $((n_b - 1)) samples" "$TMP/c.err" && grep -q "the last record is incomplete" "$TMP/c.err" &&
	pass "a cut-off end: $((n_b - 1)) samples and a warning" || fail "cut-off: $(tail -2 "$TMP/c.err")"

# Rotation: every file decodes from its own start, the samples run on.
"$AGENT" "${SRC[@]}" -d 0.05 --duration 3 --record "$TMP/c.mfdz" \
	--record-max-bytes 15000 --record-max-files 3 2>"$TMP/rot.err" ||
	fail "rotating recording failed"
: >"$TMP/all.jsonl"
ok=1
for f in "$TMP/c.mfdz.2" "$TMP/c.mfdz.1" "$TMP/c.mfdz"; do
	[ -f "$f" ] || { ok=0; fail "$f missing"; continue; }
	python3 "$HERE/mfdz.py" "$f" >>"$TMP/all.jsonl" 2>"$TMP/dec.err" || { ok=0; fail "$f: $(head -1 "$TMP/dec.err")"; }
done
if [ "$ok" = 1 ] && out=$(check_lines "$TMP/all.jsonl"); then
	pass "rotated files decode alone, samples consecutive: $out"
else
	fail "rotated files: ${out:-}"
fi

# A .mfdz path holding something else is not appended to.
echo '{"resourceMetrics":[]}' >"$TMP/x.mfdz"
expect_exit 1 "a .mfdz path holding JSON lines: start refused" \
	"$AGENT" "${SRC[@]}" -d 0.2 --duration 1 --record "$TMP/x.mfdz"
grep -q "holds something other than a compact recording" "$TMP/err" &&
	pass "and it says why" || fail "no reason: $(tail -2 "$TMP/err")"
finish

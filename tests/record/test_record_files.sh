#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --record's files: rotation by size keeps at most record.max_files files,
# none over record.max_bytes, the newest samples, in order and without a
# gap; a write error (/dev/full, a full tmpfs as root) is logged once,
# leaves no torn line, and the agent keeps running to the end.
. "$(dirname "$0")/../integration/lib.sh" "$@"
FIX=$(cd "$(dirname "$0")/../fixtures/procfs" && pwd)
SRC=(--source procfs --proc-dir "$FIX/qemu-6.12.117+deb12-numa2" --no-events)

# check_files MAX_BYTES FILE...: oldest first. Every line is a whole JSON
# request, no file is over MAX_BYTES, and the mfd.agent.samples counter
# runs on without a gap across the files.
check_files() {
	python3 - "$@" <<'PY'
import json, sys
max_bytes, files = int(sys.argv[1]), sys.argv[2:]
counts = []
for f in files:
    data = open(f, "rb").read()
    if len(data) > max_bytes:
        sys.exit(f"{f}: {len(data)} bytes > {max_bytes}")
    if not data.endswith(b"\n"):
        sys.exit(f"{f}: does not end with a whole line")
    for line in data.decode().splitlines():
        req = json.loads(line)
        for m in req["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]:
            if m["name"] == "mfd.agent.samples":
                for dp in m["sum"]["dataPoints"]:
                    if dp["attributes"][0]["value"]["stringValue"] == "ok":
                        counts.append(int(dp["asInt"]))
if counts != list(range(counts[0], counts[0] + len(counts))):
    sys.exit(f"samples counter not consecutive: {counts}")
print(f"{len(counts)} samples kept, {counts[0]}..{counts[-1]}")
PY
}

# Each sample of this two-node fixture is one line of about 50 KB (with
# the HugeTLB and CMA series of the host it runs on).
max=100000
"$AGENT" --headless -d 0.02 --duration 1.5 "${SRC[@]}" --record "$TMP/r.jsonl" \
	--record-max-bytes $max --record-max-files 3 2>"$TMP/err" ||
	fail "recording run failed: $(cat "$TMP/err")"
ls "$TMP"/r.jsonl* >"$TMP/files"
[ "$(wc -l <"$TMP/files")" -eq 3 ] && [ -f "$TMP/r.jsonl.2" ] &&
	pass "3 files kept: r.jsonl, r.jsonl.1, r.jsonl.2" ||
	fail "files: $(tr '\n' ' ' <"$TMP/files")"
if out=$(check_files $max "$TMP/r.jsonl.2" "$TMP/r.jsonl.1" "$TMP/r.jsonl"); then
	pass "rotated files are whole, under $max bytes, in order: $out"
else
	fail "rotated files: $out"
fi
last=$(echo "$out" | sed 's/.*\.\.//')
[ "${out##*kept, }" != "1..$last" ] && pass "the oldest samples were dropped at the cap (first kept: ${out##*kept, })" ||
	fail "nothing was dropped at the cap: $out"

# One file only: rotation starts it again.
"$AGENT" --headless -d 0.02 --duration 0.6 "${SRC[@]}" --record "$TMP/one.jsonl" \
	--record-max-bytes 120000 --record-max-files 1 2>"$TMP/err"
[ ! -e "$TMP/one.jsonl.1" ] && out=$(check_files 120000 "$TMP/one.jsonl") &&
	pass "--record-max-files 1 keeps one file: $out" ||
	fail "--record-max-files 1: $(ls "$TMP"/one.jsonl*) $out"

# /dev/full: every write fails with ENOSPC; logged once, the agent runs on.
start=$(date +%s%N)
expect_exit 0 "recording to /dev/full" "$AGENT" --headless -d 0.05 --duration 1 \
	"${SRC[@]}" --record /dev/full
el=$((($(date +%s%N) - start) / 1000000))
n=$(grep -c "writing to /dev/full failed" "$TMP/err" || true)
[ "$n" -eq 1 ] && pass "the write error is logged once (rate-limited)" ||
	fail "$n error lines: $(head -3 "$TMP/err")"
grep -q "No space left on device.*still running" "$TMP/err" &&
	pass "the message names the error and says the agent carries on" ||
	fail "message: $(grep failed "$TMP/err")"
grep -q -- "--duration reached" "$TMP/err" && pass "the agent ran to --duration (${el} ms)" ||
	fail "the agent stopped early"
[ -e /dev/full ] && [ -c /dev/full ] && pass "/dev/full was not rotated away" ||
	fail "/dev/full is gone or changed"

# A really full file system, as root: a 64 KiB tmpfs takes one sample.
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$TMP/full"
	if mount -t tmpfs -o size=64k tmpfs "$TMP/full"; then
		expect_exit 0 "recording to a full tmpfs" "$AGENT" --headless -d 0.05 \
			--duration 0.6 "${SRC[@]}" --record "$TMP/full/r.jsonl"
		grep -q "No space left on device" "$TMP/err" &&
			pass "ENOSPC is reported" || fail "no ENOSPC message: $(cat "$TMP/err")"
		out=$(check_files 65536 "$TMP/full/r.jsonl") &&
			pass "no torn line left behind: $out" || fail "after ENOSPC: $out"
		umount "$TMP/full"
	else
		echo "skip - tmpfs mount failed"
	fi
fi

expect_exit 1 "--record into a missing directory" "$AGENT" --headless --duration 0.1 \
	"${SRC[@]}" --record "$TMP/no/such/dir/r.jsonl"
grep -q "cannot open for appending" "$TMP/err" && pass "a clear start-up error" ||
	fail "$(cat "$TMP/err")"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The pageblock map (--pageblock-interval, issue 19 item 6) against the
# kernel's own count: /proc/pagetypeinfo's "Number of blocks type" table,
# per node, zone and migratetype. The map is read from the pageblock
# bitmap through BPF; pagetypeinfo walks the same bitmap in the kernel.
# Blocks change type while the system runs, so the kernel's table is read
# just before and just after the agent's scan, and a comparison counts
# only when those two reads agree (up to 5 tries).
# Also checked: the runs add up to the zone's blocks, and each type's
# count equals the blocks its runs cover.
. "$(dirname "$0")/lib.sh" "$@"
need_root
skip() { echo "skipped: $*"; exit 77; }

[ -r /proc/pagetypeinfo ] || skip "no /proc/pagetypeinfo"
probe=$("$AGENT" --probe 2>/dev/null || true)
grep -q '^zones_bpf: ok' <<<"$probe" || skip "no BPF zone walk here"

for try in 1 2 3 4 5; do
	cat /proc/pagetypeinfo >"$TMP/before"
	if ! "$AGENT" --once --format json --pageblock-interval 1 >"$TMP/map.json" 2>"$TMP/err"; then
		fail "--once --pageblock-interval failed: $(cat "$TMP/err")"
		finish
	fi
	cat /proc/pagetypeinfo >"$TMP/after"
	cmp -s <(sed -n '/Number of blocks/,$p' "$TMP/before") \
		<(sed -n '/Number of blocks/,$p' "$TMP/after") && break
	[ "$try" = 5 ] && skip "pagetypeinfo's block counts kept changing"
done

if python3 - "$TMP/after" "$TMP/map.json" <<'PY'
import json, re, sys

text = open(sys.argv[1]).read().split("Number of blocks type", 1)[1]
lines = text.strip().splitlines()
header = lines[0].split()
kernel = {}
for line in lines[1:]:
    m = re.match(r"Node\s+(\d+), zone\s+(\S+)\s+(.*)", line)
    if not m:
        break
    kernel[(int(m.group(1)), m.group(2))] = dict(zip(header, map(int, m.group(3).split())))

pb = json.load(open(sys.argv[2]))["pageblocks"]
types = pb["types"]
assert set(header) <= set(types), (header, types)
seen = set()
for z in pb["zones"]:
    key = (z["node"], z["zone"])
    runs = z["runs"]
    assert sum(n for _, n in runs) == z["blocks"], key
    for t, name in enumerate(types):
        covered = sum(n for rt, n in runs if rt == t)
        assert covered == z["count"][name], (key, name, covered)
    assert sum(n for rt, n in runs if rt == -1) == z["offline"], key
    assert sum(n for rt, n in runs if rt == -2) == z["other"], key
    if key not in kernel:
        continue
    seen.add(key)
    for name in header:
        if z["count"][name] != kernel[key][name]:
            sys.exit(f"{key} {name}: map {z['count'][name]}, kernel {kernel[key][name]}")
    print(key, {n: z["count"][n] for n in header}, "offline", z["offline"], "other", z["other"])
missing = set(kernel) - seen
assert not missing, f"zones in pagetypeinfo but not in the map: {missing}"
print(f"scan: {pb['scan_seconds'] * 1e6:.0f} us, {pb['reads']} kernel reads")
PY
then pass "pageblock map equals /proc/pagetypeinfo's block counts"
else fail "pageblock map differs from /proc/pagetypeinfo"; fi

# A recording holds no pageblock map: asking for one says so and fails.
if "$AGENT" --once --replay "$(dirname "$0")/../fixtures/recordings/demo.jsonl" --pageblock-interval 1 \
	>/dev/null 2>"$TMP/replay.err"; then
	fail "--pageblock-interval on a replay succeeded"
fi
if grep -q "recording holds no pageblock map" "$TMP/replay.err"; then
	pass "a replay refuses --pageblock-interval"
else
	fail "replay refusal: $(cat "$TMP/replay.err")"
fi
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --min-order (issue 20's series budget): the per-zone-and-order families
# lose exactly the orders below it, on every exporter path that a backend
# stores, and nothing else changes; a recording keeps every order.
#
# Two agents read the same procfs fixture (2 nodes, 5 zones, orders 0-10),
# one with --min-order 9. The free blocks each exports are checked against
# the fixture's own buddyinfo columns, and every other series of the two
# scrapes against each other.
. "$(dirname "$0")/lib.sh" "$@"

FIX=$(cd "$(dirname "$0")/../fixtures/procfs/numa2-movable" && pwd)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P_ALL=$(free_port)
P_MIN=$(free_port)
"$AGENT" --headless --source procfs --proc-dir "$FIX" --interval 0.2 \
	--http "127.0.0.1:$P_ALL" >"$TMP/all.out" 2>&1 &
PIDS+=($!)
"$AGENT" --headless --source procfs --proc-dir "$FIX" --interval 0.2 \
	--http "127.0.0.1:$P_MIN" --min-order 9 --record "$TMP/rec.jsonl" \
	>"$TMP/min.out" 2>&1 &
PIDS+=($!)
for p in "$P_ALL" "$P_MIN"; do
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$p/metrics" 2>/dev/null | grep -q '^mfd_zone_order_free_blocks' && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$p/metrics" >"$TMP/m.$p" || fail "scrape of port $p"
done

python3 - "$FIX/buddyinfo" "$TMP/m.$P_ALL" "$TMP/m.$P_MIN" >"$TMP/cmp" 2>&1 <<'PY' && rc=0 || rc=$?
import re, sys

buddy = {}
for line in open(sys.argv[1]):
    m = re.match(r"Node (\d+), zone\s+(\S+)\s+(.*)", line)
    for o, v in enumerate(m.group(3).split()):
        buddy[(m.group(1), m.group(2), o)] = int(v)

def series(path):
    out = {}
    for line in open(path):
        m = re.match(r"^(\w+)(\{.*\})? (\S+)$", line)
        if m:
            out[(m.group(1), m.group(2) or "")] = m.group(3)
    return out

ORDER_FAMILIES = ("mfd_zone_order_free_blocks", "mfd_zone_order_suitable_blocks",
                  "mfd_zone_order_extfrag_index_ratio", "mfd_zone_order_unusable_index_ratio")
VOLATILE = re.compile(r"^mfd_(agent|process)_|^mfd_http_")
full, trimmed = series(sys.argv[2]), series(sys.argv[3])
bad = 0
for name, want_min in (("all", 0), ("min", 9)):
    s = full if name == "all" else trimmed
    got = {}
    for (fam, labels), v in s.items():
        if fam in ORDER_FAMILIES:
            o = int(re.search(r'order="(\d+)"', labels).group(1))
            got.setdefault(fam, set()).add(o)
            if o < want_min:
                print("FAIL - %s: %s%s exported below --min-order" % (name, fam, labels))
                bad += 1
            if fam == "mfd_zone_order_free_blocks":
                node = re.search(r'numa_node="(\d+)"', labels).group(1)
                zone = re.search(r'zone="(\w+)"', labels).group(1)
                if int(float(v)) != buddy[(node, zone, o)]:
                    print("FAIL - %s: %s%s = %s, buddyinfo says %d" % (name, fam, labels, v, buddy[(node, zone, o)]))
                    bad += 1
    for fam in ORDER_FAMILIES:
        if got.get(fam) != set(range(want_min, 11)):
            print("FAIL - %s: %s has orders %s" % (name, fam, sorted(got.get(fam, ()))))
            bad += 1
# everything else: the same series, the same values
rest = lambda s: {k: v for k, v in s.items() if k[0] not in ORDER_FAMILIES and not VOLATILE.search(k[0])}
a, b = rest(full), rest(trimmed)
if a.keys() != b.keys():
    print("FAIL - other series differ: %s" % sorted(a.keys() ^ b.keys())[:5])
    bad += 1
diff = [k for k in a if k in b and a[k] != b[k]]
if diff:
    print("FAIL - other values differ: %s" % diff[:5])
    bad += 1
dropped = sum(1 for k in full if k[0] in ORDER_FAMILIES) - sum(1 for k in trimmed if k[0] in ORDER_FAMILIES)
print("%d series in the full scrape, %d fewer with --min-order 9" % (len(full), dropped))
sys.exit(1 if bad else 0)
PY
if [ "$rc" -eq 0 ]; then pass "$(tail -1 "$TMP/cmp")"; else
	fail "series with --min-order 9"
	sed 's/^/    | /' "$TMP/cmp" | head -20
fi

# The recording of the trimmed agent still holds order 0 free blocks.
python3 - "$TMP/rec.jsonl" <<'PY' && pass "the recording keeps every order" || fail "the recording lost orders below --min-order"
import json, sys
orders = set()
for line in open(sys.argv[1]):
    for rm in json.loads(line).get("resourceMetrics", []):
        for sm in rm["scopeMetrics"]:
            for m in sm["metrics"]:
                if m["name"] != "mfd.zone.order.free_blocks":
                    continue
                for dp in m["gauge"]["dataPoints"]:
                    for a in dp["attributes"]:
                        if a["key"] == "order":
                            orders.add(int(a["value"]["intValue"]))
sys.exit(0 if orders == set(range(11)) else 1)
PY
expect_exit 2 "--min-order past its range is refused" "$AGENT" --min-order 64 --check-config
finish

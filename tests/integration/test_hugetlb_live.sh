#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# HugeTLB pools and CMA figures on /metrics against the kernel's own files.
#
# Sets node 0's 2 MiB pool to 8 pages (then 3), and checks that every
# mfd_hugetlb_pages, mfd_node_hugetlb_pages and mfd_zone_cma_pages series
# equals what sysfs and /proc/zoneinfo say, read just before and just
# after the scrape (a value that moved in between is read again). The
# gigantic candidate count is checked against the order-10 free blocks of
# the same scrape, by this script's own arithmetic. The old pool size is
# restored on exit, whatever happens.
. "$(dirname "$0")/lib.sh" "$@"
need_root

NODE_NR=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
[ -w "$NODE_NR" ] || { echo "FAIL - $NODE_NR not writable (no HugeTLB?)"; exit 1; }
OLD=$(cat "$NODE_NR")
restore() {
	echo "$OLD" >"$NODE_NR" || true
	cleanup
}
trap restore EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# --vmstat-interval 0: the pools and CMA are read every sample (by
# default they are read on the /proc/vmstat period, 10 s).
"$AGENT" --headless --http "127.0.0.1:$PORT" --interval 0.5 --vmstat-interval 0 >"$TMP/out" 2>"$TMP/err" &
PIDS+=($!)
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$PORT/metrics" 2>/dev/null | grep -q '^mfd_node_hugetlb_pages' && break
	sleep 0.2
done

# compare.py: exit 0 when every series equals the kernel's files, read
# before and after the scrape; 3 when a file changed during the scrape.
cat >"$TMP/compare.py" <<'EOF'
import glob, os, re, sys, urllib.request

port = sys.argv[1]
ITEMS = {"total": "nr_hugepages", "free": "free_hugepages",
         "reserved": "resv_hugepages", "surplus": "surplus_hugepages"}

def kernel():
    k = {}
    for d in glob.glob("/sys/kernel/mm/hugepages/hugepages-*kB"):
        size = int(re.search(r"(\d+)kB$", d).group(1)) * 1024
        for st, f in ITEMS.items():
            k[("g", size, st)] = int(open(os.path.join(d, f)).read())
    for d in glob.glob("/sys/devices/system/node/node*/hugepages/hugepages-*kB"):
        node = int(re.search(r"/node(\d+)/", d).group(1))
        size = int(re.search(r"(\d+)kB$", d).group(1)) * 1024
        for st, f in ITEMS.items():
            if st == "reserved":
                assert not os.path.exists(os.path.join(d, f)), d
                continue
            k[("n", node, size, st)] = int(open(os.path.join(d, f)).read())
    node = zone = None
    for line in open("/proc/zoneinfo"):
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            node, zone = int(m.group(1)), m.group(2)
            continue
        t = line.split()
        if len(t) == 2 and t[0] in ("cma", "nr_free_cma"):
            k[("c", node, zone, "total" if t[0] == "cma" else "free")] = int(t[1])
    return k

def scrape():
    text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port).read().decode()
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+)\{(.*)\} (\S+)$", line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        out.setdefault(m.group(1), []).append((labels, float(m.group(3))))
    return out

before = kernel()
m = scrape()
after = kernel()
bad = 0
seen = 0
for name, key in (("mfd_hugetlb_pages", lambda l: ("g", int(l["hugepage_size"]), l["state"])),
                  ("mfd_node_hugetlb_pages", lambda l: ("n", int(l["numa_node"]), int(l["hugepage_size"]), l["state"])),
                  ("mfd_zone_cma_pages", lambda l: ("c", int(l["numa_node"]), l["zone"], l["state"]))):
    for labels, v in m.get(name, []):
        k = key(labels)
        if before.get(k) != after.get(k):
            sys.exit(3)
        seen += 1
        if k not in before or before[k] != v:
            print("FAIL - %s %s: agent %s, kernel %s" % (name, labels, v, before.get(k)))
            bad += 1
# every pool the kernel has is published (zones: populated ones only)
for k in before:
    if k[0] in "gn":
        name = "mfd_hugetlb_pages" if k[0] == "g" else "mfd_node_hugetlb_pages"
        if not any(
            ("g", int(l["hugepage_size"]), l["state"]) == k or
            ("n", int(l.get("numa_node", -1)), int(l["hugepage_size"]), l["state"]) == k
            for l, _ in m.get(name, [])):
            print("FAIL - %s %s: not published" % (name, k))
            bad += 1
# gigantic candidates: floor(order-10 free blocks * 4 KiB / 1 GiB), from
# the same scrape's free blocks (x86-64, 4 KiB pages, NR_PAGE_ORDERS 11)
fb = {(l["numa_node"], l["zone"], int(l["order"])): v
      for l, v in m.get("mfd_zone_order_free_blocks", [])}
maxo = max(o for _, _, o in fb) if fb else 0
for labels, v in m.get("mfd_zone_hugetlb_gigantic_candidates", []):
    size = int(labels["hugepage_size"])
    want = int(fb[(labels["numa_node"], labels["zone"], maxo)]) * (4096 << maxo) // size
    seen += 1
    if v != want:
        print("FAIL - gigantic %s: agent %s, computed %s" % (labels, v, want))
        bad += 1
print("checked %d series" % seen)
sys.exit(1 if bad else 0)
EOF

# check NAME: up to 10 tries (the agent reads sysfs every 0.5 s sample).
check() {
	local rc=0
	for _ in $(seq 10); do
		rc=0
		python3 "$TMP/compare.py" "$PORT" >"$TMP/cmp" 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && break
		sleep 0.5
	done
	if [ "$rc" -eq 0 ]; then pass "$1: $(tail -1 "$TMP/cmp")"; else
		fail "$1 (rc $rc)"
		sed 's/^/    | /' "$TMP/cmp" | head -20
	fi
}

echo 8 >"$NODE_NR"
got=$(cat "$NODE_NR")
echo "node0 2 MiB pool: asked 8, kernel gave $got"
check "pool of $got pages"
# (curl to a file first: grep -q closing the pipe early would fail it)
curl -sf "http://127.0.0.1:$PORT/metrics" >"$TMP/m"
grep -q "^mfd_node_hugetlb_pages{numa_node=\"0\",hugepage_size=\"2097152\",state=\"total\"} $got\$" "$TMP/m" &&
	pass "node 0 total shows $got" || fail "node 0 total does not show $got"
# --once -m --format json carries the same pools, read on both sides
cat >"$TMP/once.py" <<'PY'
import glob, json, re, subprocess, sys

def pools():
    k = {}
    for f in glob.glob("/sys/devices/system/node/node*/hugepages/hugepages-*kB/*_hugepages"):
        m = re.search(r"/node(\d+)/hugepages/hugepages-(\d+)kB/(\w+)_hugepages$", f)
        k[(int(m.group(1)), int(m.group(2)), m.group(3))] = int(open(f).read())
    return k

for _ in range(5):
    before = pools()
    d = json.loads(subprocess.run([sys.argv[1], "--once", "-m", "--format", "json"],
                                  capture_output=True, check=True).stdout)
    if before == pools():
        break
got = {}
for s in d["compaction"]["hugetlb"]["sizes"]:
    for n in s["nodes"]:
        if "reserved" in n:
            sys.exit("reserved reported per node")
        for st, f in (("total", "nr"), ("free", "free"), ("surplus", "surplus")):
            got[(n["node"], s["size_kib"], f)] = n[st]
print("%d values" % len(got))
sys.exit(0 if got == before else "json %s != sysfs %s" % (got, before))
PY
if python3 "$TMP/once.py" "$AGENT" >"$TMP/once" 2>&1; then pass "--once json pools equal sysfs: $(cat "$TMP/once")"; else
	fail "--once json pools"
	sed 's/^/    | /' "$TMP/once" | head -5
fi
echo 3 >"$NODE_NR"
got=$(cat "$NODE_NR")
sleep 1.5
check "pool shrunk to $got pages"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$TMP/m"
if grep -q '^cma_alloc_success ' /proc/vmstat; then
	v=$(awk '$1 == "cma_alloc_success" { print $2 }' /proc/vmstat)
	grep -q 'counter="cma_alloc_success"' "$TMP/m" &&
		pass "cma_alloc_success published (kernel: $v)" || fail "cma_alloc_success missing"
else
	grep -q 'counter="cma_alloc' "$TMP/m" &&
		fail "cma_alloc_* published though /proc/vmstat lacks them (no CONFIG_CMA)" ||
		pass "no CONFIG_CMA: cma_alloc_* absent, not zero"
fi
finish

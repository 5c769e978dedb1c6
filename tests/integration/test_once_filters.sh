#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_once_filters.sh AGENT BUILD - --once --format json|csv honours -c,
# -i and -m (issue 17, item 7), and so does the piped loop with --format
# json.
#
# References: the unfiltered output of the same agent (the filtered one
# must hold exactly its zones of that name or node, no more, no fewer),
# and for -m the kernel's own counters: every /proc/vmstat counter in the
# JSON lies between two reads of /proc/vmstat taken before and after the
# agent ran, the mTHP counters likewise against sysfs, and the proactive
# compaction knob equals /proc/sys/vm/compaction_proactiveness.
set -euo pipefail
AGENT=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF)"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
A() { "$AGENT" --log-level error "$@"; }

A --once --format json >"$TMP/all.json"
A --once --format csv >"$TMP/all.csv"
zone=$(awk 'NR==1 {print $4}' /proc/buddyinfo) # a zone this machine has
lower=$(tr '[:upper:]' '[:lower:]' <<<"$zone")
node=$(awk 'NR==1 {sub(",", "", $2); print $2}' /proc/buddyinfo)
A --once --format json -c "$lower" >"$TMP/c.json"
A --once --format json -i "$node" >"$TMP/i.json"
A --once --format csv -c "$lower" >"$TMP/c.csv"
A --once --format csv -i "$node" >"$TMP/i.csv"
A --once --format json >"$TMP/plain.json"
cat /proc/vmstat >"$TMP/vm.before"
for f in /sys/kernel/mm/transparent_hugepage/hugepages-*kB/stats/anon_fault_*; do
	[ -r "$f" ] && echo "$f $(cat "$f")"
done >"$TMP/mthp.before"
A --once --format json -m -c "$lower" >"$TMP/m.json"
cat /proc/vmstat >"$TMP/vm.after"
for f in /sys/kernel/mm/transparent_hugepage/hugepages-*kB/stats/anon_fault_*; do
	[ -r "$f" ] && echo "$f $(cat "$f")"
done >"$TMP/mthp.after"
# The piped loop prints the same schema per sample: filters apply there too.
timeout 20 "$AGENT" --log-level error --format json -c "$lower" -d 0.5 --duration 1.2 \
	--http off >"$TMP/loop.json"
pro=$(cat /proc/sys/vm/compaction_proactiveness 2>/dev/null || echo none)

python3 - "$TMP" "$zone" "$node" "$pro" <<'PY'
import csv, json, sys
tmp, zone, node, pro = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fails = []
def ok(cond, what):
    print(("ok  " if cond else "FAIL") + " " + what)
    if not cond: fails.append(what)
def keys_json(d):
    return sorted((n["node"], z["zone"]) for n in d["nodes"] for z in n["zones"])
def load(name): return json.load(open(f"{tmp}/{name}"))
allj = load("all.json")
every = keys_json(allj)
want_c = [k for k in every if k[1].lower() == zone.lower()]
want_i = [k for k in every if k[0] == node]
ok(want_c and len(want_c) < len(every) or len(set(z for _, z in every)) == 1,
   f"the machine has zone {zone} and others to filter out: {every}")
ok(keys_json(load("c.json")) == want_c, f"-c {zone.lower()} JSON holds exactly {want_c}")
ok(keys_json(load("i.json")) == want_i, f"-i {node} JSON holds exactly {want_i}")
ok("compaction" not in load("plain.json"), "without -m no compaction object")
def keys_csv(name):
    rows = list(csv.DictReader(open(f"{tmp}/{name}")))
    return rows, sorted(set((int(r["node"]), r["zone"]) for r in rows))
rows_all, all_csv = keys_csv("all.csv")
rows_c, c_csv = keys_csv("c.csv")
rows_i, i_csv = keys_csv("i.csv")
ok(all_csv == every, "unfiltered CSV and JSON list the same zones")
ok(c_csv == want_c and len(rows_c) == len(want_c) * allj["nr_orders"],
   f"-c CSV: {len(rows_c)} rows, the zones {want_c} x {allj['nr_orders']} orders")
ok(i_csv == want_i, f"-i CSV holds exactly {want_i}")

m = load("m.json")
ok(keys_json(m) == want_c, "-m -c JSON keeps the zone filter")
c = m.get("compaction")
ok(isinstance(c, dict), "-m adds a compaction object")
def vmstat(name):
    return dict((l.split()[0], int(l.split()[1])) for l in open(f"{tmp}/{name}"))
before, after = vmstat("vm.before"), vmstat("vm.after")
vm = c["vmstat"] if c else {}
ok(len(vm) >= 5, f"{len(vm)} /proc/vmstat counters in the JSON")
for k, v in vm.items():
    ok(k in before and before[k] <= v <= after[k],
       f"vmstat {k}={v} within the kernel's {before.get(k)}..{after.get(k)}")
for k in ("compact_stall", "compact_fail", "compact_success", "thp_fault_alloc",
          "thp_fault_fallback"):
    if k in before:
        ok(k in vm, f"vmstat {k}, which the kernel has, is in the JSON")
for z, v in (c or {}).get("allocstall", {}).items():
    k = "allocstall_" + z
    ok(k in before and before[k] <= v <= after[k], f"{k}={v} within the kernel's range")
def mthp(name):
    d = {}
    for l in open(f"{tmp}/{name}"):
        path, v = l.split()
        size = int(path.split("hugepages-")[1].split("kB")[0])
        d[(size, path.rsplit("/", 1)[1])] = int(v)
    return d
mb, ma = mthp("mthp.before"), mthp("mthp.after")
for e in (c or {}).get("thp_mthp", []):
    for k, v in e.items():
        if k == "size_kib": continue
        key = (e["size_kib"], k)
        ok(key in mb and mb[key] <= v <= ma[key], f"mTHP {key}={v} within sysfs' range")
ok(len((c or {}).get("thp_mthp", [])) == len(set(s for s, _ in mb)),
   "one mTHP entry per hugepages-*kB directory")
pc = (c or {}).get("proactive_compaction")
ok(isinstance(pc, dict), "proactive compaction scores present")
if pc:
    ok(str(pc["proactiveness"]) == pro, f"proactiveness {pc['proactiveness']} == sysctl {pro}")
    got = sorted((z["node"], z["zone"]) for z in pc["zones"])
    ok(got and set(got) <= set(want_c), f"zone scores {got} only for the -c zone")
    ok(all(0 <= z["score"] <= 100 for z in pc["zones"] + pc["nodes"]), "scores in 0..100")
lines = [json.loads(l) for l in open(f"{tmp}/loop.json") if l.strip()]
ok(len(lines) >= 1 and all(keys_json(l) == want_c for l in lines),
   f"piped loop --format json -c: {len(lines)} samples, each only {want_c}")
sys.exit(1 if fails else 0)
PY

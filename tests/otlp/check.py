#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check.py - assertions over what the test receiver recorded.

  check.py STATE.json CHECK [ARGS]

Checks (exit 1 with a message on failure):
  model                 no data-model violations; gzip, User-Agent, type
  seq [--no-dups]       the agent's sample counter (mfd.agent.samples,
                        outcome=ok) arrived as 1..N without a gap for each
                        agent run (start time), values of rejected requests
                        excepted (and never accepted); --no-dups: none twice
  order                 per series, first arrivals have increasing times
  buddyinfo FILE        free_blocks points equal the buddyinfo FILE counts
  resource K=V...       the resource has these attributes
  logs COMM            extfrag LogRecords: fields, severities, COMM seen,
                        a cap summary, and records + suppressed <= events
  metric NAME [K=V...] [--min X]  some accepted point of NAME with these
                        attributes (and value >= X)
"""
import json
import sys
from collections import defaultdict


def die(msg):
    print(f"check.py: {msg}")
    sys.exit(1)


def samples(points):
    out = defaultdict(list)
    for p in points:
        if p["m"] == "mfd.agent.samples" and "outcome=ok" in p["a"]:
            out[p["s"]].append(int(p["v"]))
    return out


def main():
    st = json.load(open(sys.argv[1]))
    what = sys.argv[2]
    args = sys.argv[3:]
    if what == "model":
        if st["violations"]:
            die("data model violations: " + "; ".join(st["violations"][:10]))
        if not st["requests"]:
            die("no request arrived")
        for r in st["requests"]:
            if r["encoding"] != "gzip":
                die(f"request without gzip: {r}")
            if not r["ua"].startswith("mfd-agent/"):
                die(f"User-Agent {r['ua']!r}")
            if r["ctype"] != "application/x-protobuf":
                die(f"Content-Type {r['ctype']!r}")
    elif what == "seq":
        acc = samples(st["points"])
        rej = samples(st["rejected"])
        if not acc:
            die("no mfd.agent.samples point arrived")
        for start, vals in acc.items():
            got = set(vals)
            bad = got & set(rej.get(start, []))
            if bad:
                die(f"values of a rejected request were accepted later (retried?): {sorted(bad)[:5]}")
            want = set(range(1, max(got | set(rej.get(start, []))) + 1)) - set(rej.get(start, []))
            missing = sorted(want - got)
            if missing:
                die(f"run {start}: samples missing: {missing[:20]} (of {len(want)})")
            if "--no-dups" in args and len(vals) != len(got):
                die(f"run {start}: duplicates although none expected")
            print(f"run {start}: samples 1..{max(got)} complete "
                  f"({len(vals) - len(got)} duplicate(s), {len(rej.get(start, []))} rejected)")
    elif what == "order":
        seen = defaultdict(list)
        first = defaultdict(set)
        for p in st["points"]:
            key = (p["m"], p["a"], p["s"])
            t = int(p["t"])
            if t in first[key]:
                continue
            first[key].add(t)
            if seen[key] and t <= seen[key][-1]:
                die(f"series {key}: time {t} arrived after {seen[key][-1]}")
            seen[key].append(t)
        print(f"{len(seen)} series in order")
    elif what == "buddyinfo":
        want = {}
        for line in open(args[0]):
            f = line.split()
            node = f[1].rstrip(",")
            for o, c in enumerate(f[4:]):
                want[(node, f[3], o)] = int(c)
        got = {}
        for p in st["points"]:
            if p["m"] != "mfd.zone.order.free_blocks":
                continue
            a = dict(kv.split("=", 1) for kv in p["a"].split(","))
            got[(a["numa.node"], a["zone"], int(a["order"]))] = int(p["v"])
        if got != want:
            die(f"free_blocks differ from buddyinfo: got {sorted(got.items())[:5]}..., want {sorted(want.items())[:5]}...")
        print(f"{len(got)} free_blocks series equal buddyinfo")
    elif what == "logs":
        recs = [l for l in st["logs"] if "suppressed" not in l["a"]]
        summ = [l for l in st["logs"] if "suppressed" in l["a"]]
        if not recs:
            die("no extfrag log record arrived")
        need = ["process.pid", "process.executable.name", "cgroup.id", "pfn",
                "alloc_order", "fallback_order", "alloc_migratetype",
                "fallback_migratetype", "fragmenting"]
        for l in recs:
            miss = [k for k in need if k not in l["a"]]
            if miss:
                die(f"log record lacks {miss}: {l}")
            frag = l["a"]["fragmenting"] is True
            if (l["sev"], l["text"]) != ((13, "WARN") if frag else (9, "INFO")):
                die(f"severity {l['sev']}/{l['text']} for fragmenting={frag}")
        if not any(l["a"]["process.executable.name"] == args[0] for l in recs):
            die(f"no record from {args[0]}")
        if not summ:
            die("no cap summary record although the cap was small")
        sup = sum(int(l["a"]["suppressed"]) for l in summ)
        total = 0
        last = {}
        for p in st["points"]:
            if p["m"] == "mfd.extfrag.events":
                last[p["a"]] = max(last.get(p["a"], 0), int(p["v"]))
        total = sum(last.values())
        if len(recs) + sup > total:
            die(f"{len(recs)} records + {sup} suppressed > {total} events counted")
        print(f"{len(recs)} records, {len(summ)} summaries ({sup} suppressed), {total} events counted")
    elif what == "resource":
        res = st["resources"][0] if st["resources"] else {}
        for kv in args:
            k, v = kv.split("=", 1)
            if v == "<absent>":
                if k in res:
                    die(f"resource has {k}={res[k]!r}, expected none")
            elif str(res.get(k)) != v:
                die(f"resource {k}={res.get(k)!r}, want {v!r} (all: {res})")
    elif what == "metric":
        name, conds, minv = args[0], [], None
        rest = args[1:]
        if "--min" in rest:
            i = rest.index("--min")
            minv = float(rest[i + 1])
            rest = rest[:i] + rest[i + 2:]
        conds = rest
        best = None
        for p in st["points"]:
            if p["m"] != name or not all(c in p["a"].split(",") for c in conds):
                continue
            v = float(p["v"])
            best = v if best is None else max(best, v)
        if best is None:
            die(f"no point of {name} {conds}")
        if minv is not None and best < minv:
            die(f"{name} {conds}: largest value {best} < {minv}")
        print(f"{name} {conds}: max {best}")
    else:
        die(f"unknown check {what}")


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# check_recorded.py RECORDING REPLAY_JSONL: for each sample of the
# recording (read here from the OTLP/JSON, independently of exporters/recording/replay.c)
# the replayed --format json line has the same free blocks per node, zone
# and order, and its indices (recomputed by the agent from those blocks)
# equal the recorded ones to the kernel's three decimals.
import json
import sys


def attrs(dp):
    out = {}
    for kv in dp.get("attributes", []):
        v = kv["value"]
        out[kv["key"]] = v.get("stringValue", v.get("intValue", v.get("boolValue")))
    return out


samples = []
with open(sys.argv[1]) as f:
    for line in f:
        req = json.loads(line)
        if "resourceMetrics" not in req:
            continue
        got = {}
        for rm in req["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    key = {"mfd.zone.order.free_blocks": "free_blocks",
                           "mfd.zone.order.unusable_index": "unusable_index",
                           "mfd.zone.order.extfrag_index": "extfrag_index"}.get(m["name"])
                    if not key:
                        continue
                    for dp in m["gauge"]["dataPoints"]:
                        a = attrs(dp)
                        v = int(dp["asInt"]) if key == "free_blocks" else round(dp["asDouble"], 3)
                        got[(int(a["numa.node"]), a["zone"], int(a["order"]), key)] = v
        samples.append(got)

with open(sys.argv[2]) as f:
    replayed = [json.loads(l) for l in f]
if len(replayed) != len(samples):
    sys.exit(f"{len(samples)} recorded samples, {len(replayed)} replayed")
values = 0
for i, (rec, rep) in enumerate(zip(samples, replayed)):
    seen = {}
    for n in rep["nodes"]:
        for z in n["zones"]:
            for o in z["orders"]:
                for key in ("free_blocks", "unusable_index", "extfrag_index"):
                    seen[(n["node"], z["zone"], o["order"], key)] = (
                        o[key] if key == "free_blocks" else round(o[key], 3))
    if seen != rec:
        diff = [k for k in set(seen) | set(rec) if seen.get(k) != rec.get(k)]
        sys.exit(f"sample {i + 1}: {len(diff)} values differ, e.g. "
                 f"{diff[0]}: recorded {rec.get(diff[0])}, replayed {seen.get(diff[0])}")
    values += len(rec)
print(f"{values} recorded free-block and index values equal the replay's")

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a synthetic recording whose huge-page blocks follow a known line.

make_decline.py TEMPLATE OUT --samples N --interval S --zone Z
                --start B --rate R [--order 9] [--floor 0]

The first sample of TEMPLATE (a recording made by mfd-agent --record) is
repeated N times, S seconds apart. In zone Z of node 0, order ORDER holds
max(FLOOR, B - R * t) free blocks at t seconds and larger orders hold none,
so the suitable blocks at ORDER follow that line exactly; everything else
stays as recorded. The forecast's answer is then known in closed form.
"""
import argparse
import copy
import json


def attrs(point):
    out = {}
    for a in point.get("attributes", []):
        v = a["value"]
        out[a["key"]] = v.get("stringValue", v.get("intValue"))
    return out


def other_zones_suitable(template, zone, order=9):
    """What the tests add to a declining zone to get its node's answer:
    the blocks of order >= ORDER in node 0's other zones, in TEMPLATE's
    first sample, counted in ORDER-sized blocks as fill_contig_page_info()
    does. {zone: blocks}."""
    with open(template) as f:
        first = next(json.loads(line) for line in f
                     if line.startswith('{"resourceMetrics"'))
    other = {}
    for rm in first["resourceMetrics"]:
        for sm in rm["scopeMetrics"]:
            for m in sm["metrics"]:
                if m["name"] != "mfd.zone.order.free_blocks":
                    continue
                for p in m["gauge"]["dataPoints"]:
                    at = attrs(p)
                    o = int(at["order"])
                    if at["zone"] != zone and str(at.get("numa.node")) == "0" \
                            and o >= order:
                        other[at["zone"]] = other.get(at["zone"], 0) + \
                            (int(p["asInt"]) << (o - order))
    return other


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("template")
    ap.add_argument("out")
    ap.add_argument("--samples", type=int, required=True)
    ap.add_argument("--interval", type=float, required=True)
    ap.add_argument("--zone", required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--rate", type=float, required=True)
    ap.add_argument("--order", type=int, default=9)
    ap.add_argument("--floor", type=float, default=0)
    a = ap.parse_args()

    with open(a.template) as f:
        first = next(json.loads(line) for line in f
                     if line.startswith('{"resourceMetrics"'))
    t0 = None
    with open(a.out, "w") as out:
        for i in range(a.samples):
            t = i * a.interval
            blocks = max(a.floor, round(a.start - a.rate * t))
            doc = copy.deepcopy(first)
            for rm in doc["resourceMetrics"]:
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        body = next(v for k, v in m.items()
                                    if k in ("gauge", "sum", "histogram"))
                        for p in body["dataPoints"]:
                            if t0 is None:
                                t0 = int(p["timeUnixNano"])
                            p["timeUnixNano"] = str(t0 + int(t * 1e9))
                            if m["name"] != "mfd.zone.order.free_blocks":
                                continue
                            at = attrs(p)
                            if at.get("zone") != a.zone or \
                                    str(at.get("numa.node")) != "0":
                                continue
                            order = int(at["order"])
                            if order == a.order:
                                p["asInt"] = str(int(blocks))
                            elif order > a.order:
                                p["asInt"] = "0"
            out.write(json.dumps(doc, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()

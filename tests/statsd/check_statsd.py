#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare what the reference statsd daemon holds with what the agent
should have sent.

Gauges: the expected names and values come from the agent's own
`--once --format json` over the same procfs fixture (and so from the
fixture files), named by the rules in docs/statsd.md, not by the encoder.
Counters: the daemon sums the deltas it received, so each must equal the
agent's cumulative value at its last send. Those are derived from the
wire capture (tee.py): one batch per sample, so samples.ok and
collection.duration.count equal the number of batches, and
export.requests{sent} equals the packets of every batch but the last
(a batch reports the packets sent before it).

usage: check_statsd.py STYLE PREFIX MTU ONCE_JSON WIRE_LOG GAUGES COUNTERS [tcp|udp [changed]]
Over TCP the capture is a stream of lines; packets are rebuilt from it by
the documented packing rule (greedy, at most MTU bytes, a 0-then-negative
gauge pair kept together, a longer line alone).
With "changed" (--statsd-send changed) a sample sends only what moved, so
the wire has no batch to count samples by: the counter totals derived
from batches are not checked (test_statsd_encode checks that skipped
increases are carried into the next line); every gauge still must equal
the fixture's, which is the point of that mode.
Prints one line per check; exits 1 if any failed."""
import json
import math
import sys

style, prefix, mtu = sys.argv[1], sys.argv[2], int(sys.argv[3])
once = json.load(open(sys.argv[4]))
wire = [json.loads(line) for line in open(sys.argv[5])]
gauges = json.load(open(sys.argv[6]))
counters = json.load(open(sys.argv[7]))
tcp = len(sys.argv) > 8 and sys.argv[8] == "tcp"
changed = len(sys.argv) > 9 and sys.argv[9] == "changed"
fails = 0


def check(ok, what):
    global fails
    print(("ok   - " if ok else "FAIL - ") + what)
    if not ok:
        fails += 1


def name(base, attrs):
    """The key statsd 0.9.0 files a point under. Untagged: attributes are
    name components (ints as leaf-of-key + value, strings as the value).
    Tagged (DogStatsD |#k:v,k:v or Graphite ;k=v;k=v): statsd 0.9.0 turns
    both into 'name;k=v;k=v' in tag order."""
    if style == "none":
        parts = []
        for k, v in attrs:
            if isinstance(v, int):
                parts.append(k.split(".")[-1] + str(v))
            else:
                parts.append(v)
        return prefix + base + "".join("." + p for p in parts)
    return prefix + base + "".join(";%s=%s" % (k, v) for k, v in attrs)


# --- expected gauges from the --once snapshot ---------------------------------
want_g = {}
for node in once["nodes"]:
    for z in node["zones"]:
        za = [("numa.node", node["node"]), ("zone", z["zone"])]
        for field, metric in (("start_pfn", "start_pfn"),
                              ("zone_idx", "index"),
                              ("free_pages", "free_pages"),
                              ("managed_pages", "managed_pages"),
                              ("present_pages", "present_pages"),
                              ("spanned_pages", "spanned_pages"),
                              ("reserved_highatomic", "reserved_highatomic_pages")):
            if z.get(field) is not None:
                want_g[name("zone." + metric, za)] = z[field]
        for wm in ("min", "low", "high", "boost"):
            if z.get("watermark_" + wm) is not None:
                want_g[name("zone.watermark_pages", za + [("watermark", wm)])] = z["watermark_" + wm]
        for o in z["orders"]:
            oa = za + [("order", o["order"])]
            want_g[name("zone.order.free_blocks", oa)] = o["free_blocks"]
            want_g[name("zone.order.suitable_blocks", oa)] = o["free_blocks_suitable"]
            want_g[name("zone.order.unusable_index", oa)] = o["unusable_index"]
            want_g[name("zone.order.extfrag_index", oa)] = o["extfrag_index"]

# Only the metrics this test derives from the snapshot; others (kernel
# signals with their own tests) are not its business.
bases = {"zone." + m for m in ("start_pfn", "index", "free_pages", "managed_pages",
                               "present_pages", "spanned_pages",
                               "reserved_highatomic_pages", "watermark_pages",
                               "order.free_blocks", "order.suitable_blocks",
                               "order.unusable_index", "order.extfrag_index")}
def ours(k):
    return any(k == prefix + b or k.startswith((prefix + b + ".", prefix + b + ";"))
               for b in bases)
got_g = {k: v for k, v in gauges.items() if ours(k)}
missing = sorted(set(want_g) - set(got_g))
extra = sorted(set(got_g) - set(want_g))
check(not missing, "every expected gauge is held (%d expected; missing %s)" % (len(want_g), missing[:5]))
check(not extra, "no unexpected gauge (%s)" % extra[:5])
wrong = [(k, got_g[k], v) for k, v in want_g.items()
         if k in got_g and not (isinstance(got_g[k], (int, float)) and math.isclose(got_g[k], v, rel_tol=1e-9, abs_tol=1e-9))]
check(not wrong, "gauge values equal the snapshot (%s)" % wrong[:5])
neg = [k for k, v in want_g.items() if v < 0]
check(len(neg) > 0, "the fixture has negative gauges (%d), so the 0-then-negative pair is exercised" % len(neg))

# --- the wire -----------------------------------------------------------------
def repack(stream):
    lines = [x for x in stream.split("\n") if x]
    units = []
    for x in lines:
        k, v, t = parse(x)
        if t == "g" and v < 0 and units and "\n" not in units[-1] \
                and parse(units[-1]) == (k, 0.0, "g"):
            units[-1] += "\n" + x
        else:
            units.append(x)
    packets, cur = [], ""
    first = parse(units[0].split("\n")[0])[0] if units else None
    for u in units:
        # Each send starts a new packet: its first line opens a batch.
        if cur and (len(cur) + 1 + len(u) > mtu or
                    parse(u.split("\n")[0])[0] == first):
            packets.append(cur)
            cur = ""
        cur = cur + "\n" + u if cur else u
        if len(u) > mtu:
            packets.append(cur)
            cur = ""
    if cur:
        packets.append(cur)
    return packets


def parse(line):
    """(key as statsd files it, value, type) of one wire line."""
    if style == "dogstatsd":
        head, _, tags = line.partition("|#")
        nm, _, rest = head.partition(":")
        key = nm + "".join(";" + t.replace(":", "=", 1) for t in tags.split(",") if tags)
    else:
        key, _, rest = line.partition(":")
    value, _, typ = rest.partition("|")
    return key, float(value), typ


if tcp:
    check(all(c.endswith("\n") for c in wire[-1:]), "the TCP stream ends with a whole line")
    wire = repack("".join(wire))
check(len(wire) > 0, "the agent sent %d packets" % len(wire))
check(all(len(p.encode("latin-1")) <= mtu for p in wire),
      "every packet fits the mtu %d (largest %d)" % (mtu, max((len(p) for p in wire), default=0)))
batches = []
first = None
counter_lines = 0
negatives = []
for p in wire:
    lines = [parse(x) for x in p.split("\n")]
    if first is None:
        first = lines[0][0]
    if lines[0][0] == first:
        batches.append(0)
    batches[-1] += 1
    for i, (key, value, typ) in enumerate(lines):
        if typ == "c":
            counter_lines += 1
            if value < 0:
                negatives.append(key)
        if typ == "g" and value < 0 and (i == 0 or lines[i - 1] != (key, 0.0, "g")):
            negatives.append("unpaired " + key)
check(not negatives, "no negative counter delta and every negative gauge follows a 0 in its packet (%s)" % negatives[:3])
check(counter_lines > 0, "counters were sent (%d lines)" % counter_lines)
n = len(batches)
if changed:
    check(counters.get("statsd.bad_lines_seen") == 0, "statsd saw no bad line")
    nlines = sum(len(p.split("\n")) for p in wire)
    check(counters.get("statsd.metrics_received") == nlines,
          "statsd received every line (%s of %d)" % (counters.get("statsd.metrics_received"), nlines))
    sys.exit(1 if fails else 0)
check(n >= 2, "%d batches (samples) on the wire" % n)

# --- expected counters ----------------------------------------------------------
want_c = {
    name("agent.samples", [("outcome", "ok")]): n,
    name("agent.samples", [("outcome", "failed")]): 0,
    name("agent.collection.duration.count", [("source", "procfs")]): n,
    name("agent.export.requests", [("exporter", "statsd"), ("outcome", "failed")]): 0,
    name("agent.export.requests", [("exporter", "statsd"), ("outcome", "retried")]): 0,
}
for reason in ("queue_full", "permanent_error", "partial_success", "spool_evicted",
               "log_cap", "encode_error", "send_error", "spool_write_failed"):
    want_c[name("agent.export.dropped_points", [("exporter", "statsd"), ("reason", reason)])] = 0
sent_key = name("agent.export.requests", [("exporter", "statsd"), ("outcome", "sent")])
want_c[sent_key] = len(wire) - batches[-1]
sum_key = name("agent.collection.duration.sum", [("source", "procfs")])
# The agent's own counters are this test's business; kernel counters
# (vmstat, kernel log) depend on the machine and are checked elsewhere.
got_c = {k: v for k, v in counters.items() if k.startswith(prefix + "agent.")}
missing = sorted(set(want_c) - set(got_c))
extra = sorted(set(got_c) - set(want_c) - {sum_key, sent_key})
check(not missing, "every expected counter is held (missing %s)" % missing[:5])
check(not extra, "no unexpected counter (%s)" % extra[:5])
if tcp:
    # Over TCP a packet counts as sent once the queue has drained into the
    # kernel, which happens between samples but is not synchronised with
    # them: every batch but the last is certainly out by the last send
    # (a whole interval later), the one before the last almost surely.
    del want_c[sent_key]
    lo = len(wire) - batches[-1] - (batches[-2] if n >= 2 else 0)
    hi = len(wire) - batches[-1]
    check(lo <= got_c.get(sent_key, -1) <= hi,
          "packets-sent counter %s is within [%d, %d]" % (got_c.get(sent_key), lo, hi))
wrong = [(k, got_c.get(k), v) for k, v in want_c.items() if k in got_c and got_c[k] != v]
check(not wrong, "counter totals equal the agent's cumulative values (%s)" % wrong)
s = got_c.get(sum_key)
check(isinstance(s, (int, float)) and 0 < s < 10 * n,
      "collection.duration.sum holds a plausible total of seconds (%s)" % s)
check(counters.get("statsd.bad_lines_seen") == 0, "statsd saw no bad line")
nlines = sum(len(p.split("\n")) for p in wire)
check(counters.get("statsd.metrics_received") == nlines,
      "statsd received every line (%s of %d)" % (counters.get("statsd.metrics_received"), nlines))
if not tcp:
    check(counters.get("statsd.packets_received") == len(wire),
          "statsd received every packet (%s of %d)" % (counters.get("statsd.packets_received"), len(wire)))
sys.exit(1 if fails else 0)

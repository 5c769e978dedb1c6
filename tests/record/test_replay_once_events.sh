#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_replay_once_events.sh AGENT BUILD - `--replay R --once -s` shows the
# events of the sample it shows (issue 17, item 8), with and without
# --replay-at, and never complains about a BPF tracepoint (a replay loads
# no BPF).
#
# Reference: the recording itself, read here with Python's json: for the
# k-th sample, the extfrag total is the sum of its mfd.extfrag.events data
# points, and the per-process table holds the LogRecords of the
# ExportLogsServiceRequest lines before it, counted by process.pid.
# Needs no root.
set -euo pipefail
AGENT=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
REC=$SRC/tests/fixtures/recordings/demo.jsonl
python3 - "$AGENT" "$REC" <<'PY'
import collections, json, subprocess, sys
agent, rec = sys.argv[1], sys.argv[2]
fails = []
def ok(cond, what):
    print(("ok  " if cond else "FAIL") + " " + what)
    if not cond: fails.append(what)

samples, pids = [], collections.Counter()
for line in open(rec):
    d = json.loads(line)
    if "resourceLogs" in d:
        for sl in d["resourceLogs"][0]["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {x["key"]: x["value"] for x in r["attributes"]}
                pids[int(a["process.pid"]["intValue"])] += 1
        continue
    t, total = None, 0
    for sm in d["resourceMetrics"][0]["scopeMetrics"]:
        for m in sm["metrics"]:
            body = m.get("gauge") or m.get("sum") or m.get("histogram") or {}
            pts = body.get("dataPoints", [])
            if pts and t is None:
                t = int(pts[0]["timeUnixNano"])
            if m["name"] == "mfd.extfrag.events":
                total += sum(int(p.get("asInt", 0)) for p in pts)
    samples.append((t, total, dict(pids)))
ok(len(samples) >= 3 and samples[-1][1] > 0, f"{len(samples)} samples in {rec}, events in the last")

def run(*args):
    r = subprocess.run([agent, "--replay", rec, "--once", "-s", *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr

def table(out):
    """events N from the header, {pid: COUNT} from the process table."""
    head = out.split("\n", 1)[0]
    total = int(head.rsplit("events", 1)[1].strip()) if "events" in head else None
    rows, cols = {}, None
    for l in out.splitlines():
        f = l.split()
        if f[:2] == ["COMM", "PID"]:
            cols = f
            continue
        if cols and len(f) == len(cols) and f[1].isdigit():
            rows[int(f[1])] = int(f[cols.index("COUNT")])
        elif cols and not l.strip():
            cols = None
    return total, rows

for i, (t, total, want) in enumerate(samples):
    at = f"{t // 10**9}.{t % 10**9:09d}"
    args = ("--replay-at", at) if i else ()
    rc, out, err = run(*args)
    what = f"sample {i} ({'--replay-at ' + at if i else 'the first'})"
    ok(rc == 0, f"{what}: exit 0 (got {rc}: {err.strip()[:200]})")
    got_total, rows = table(out)
    ok(got_total == total, f"{what}: header says {got_total} events, the sample's counters {total}")
    ok(rows == want, f"{what}: per-process table {rows} == records before it {want}")
    ok("not attached" not in out + err, f"{what}: no BPF-tracepoint complaint")
    ok("capabilities dropped" not in err, f"{what}: no capability message")
sys.exit(1 if fails else 0)
PY

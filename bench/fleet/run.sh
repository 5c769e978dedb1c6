#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/fleet/run.sh [N] [SECONDS] - fleet-scale simulation on one machine.
#
# N mfd-agent instances (default 200) replay one recording (--replay,
# so no BPF and no kernel reads: the export path is what is measured) and
# export over the real OTLP/HTTP path to one receiver (receiver.py), each
# as a distinct node: OTEL_RESOURCE_ATTRIBUTES host.name / k8s.node.name
# and K8S_NODE_NAME = node-<i>. After a warm-up it measures, over SECONDS
# (default 60): requests/s and bytes/s at the receiver, bytes per node per
# export interval, the receiver's CPU, and the agents' total CPU and RSS.
# docs/deployment.md, "Fleet scale", extrapolates these per-node figures to 10,000 nodes.
#
# Environment: MFD_AGENT (build/mfd-agent), INTERVAL (sample interval, 10),
# EXPORT (OTLP export interval, 60), PORT (9489), OUT (results JSON file).
# Needs an agent with --replay and --otlp-endpoint. Not a pass/fail test.
set -euo pipefail
N=${1:-200}
SECONDS_MEASURED=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
AGENT=${MFD_AGENT:-$HERE/../../build/mfd-agent}
INTERVAL=${INTERVAL:-10}
EXPORT=${EXPORT:-60}
PORT=${PORT:-9489}
HELP=$("$AGENT" --help)
for f in --replay --otlp-endpoint --record; do
	grep -q -- "$f " <<<"$HELP" || { echo "fleet: $AGENT has no $f (needs the OTLP and record/replay merges)" >&2; exit 77; }
done
# Each instance would bind the HTTP server's default port: not here.
HTTP_OFF=()
grep -q -- "--http " <<<"$HELP" && HTTP_OFF=(--http off)
TMP=$(mktemp -d /tmp/mfd-fleet.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)

# 1. A recording of this machine long enough for the whole run, taken
#    fast (every 0.2 s) and replayed slowed down to one sample per
#    INTERVAL, so every agent keeps producing fresh samples (a held last
#    sample would not be exported again).
WARMUP=$((EXPORT + 5))
NSAMPLES=$(((WARMUP + SECONDS_MEASURED) / INTERVAL + 4))
SPEED=$(python3 -c "print(0.2 / $INTERVAL)")
echo "fleet: recording $NSAMPLES samples" >&2
"$AGENT" --headless -d 0.2 --duration "$(python3 -c "print($NSAMPLES * 0.2 + 0.1)")" --no-events "${HTTP_OFF[@]}" \
	--record "$TMP/rec.jsonl" >/dev/null 2>"$TMP/rec.err" ||
	{ echo "fleet: recording failed: $(tail -3 "$TMP/rec.err")" >&2; exit 1; }

# 2. The receiver.
python3 "$HERE/receiver.py" "$PORT" &
RPID=$!
PIDS+=("$RPID")
stats() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "http://127.0.0.1:$PORT/stats"; }
for _ in $(seq 50); do stats >/dev/null 2>&1 && break; sleep 0.1; done

# 3. N agents, each a node, replaying the recording in a loop (hold the
#    last sample: the state stays, the export path keeps running).
echo "fleet: starting $N agents (interval ${INTERVAL}s, export every ${EXPORT}s)" >&2
APIDS=()
for i in $(seq 1 "$N"); do
	K8S_NODE_NAME="node-$i" OTEL_RESOURCE_ATTRIBUTES="host.name=node-$i,k8s.node.name=node-$i" \
		OTEL_SERVICE_NAME=mfd-agent \
		"$AGENT" --headless --replay "$TMP/rec.jsonl" --replay-speed "$SPEED" --replay-hold --no-events \
		-d "$INTERVAL" --otlp-endpoint "http://127.0.0.1:$PORT" --export-interval "$EXPORT" \
		"${HTTP_OFF[@]}" --log-level warn >/dev/null 2>"$TMP/agent-$i.err" &
	APIDS+=("$!")
	PIDS+=("$!")
done
# Warm-up: every agent up and one full export round behind us.
sleep "$WARMUP"
alive=0
for p in "${APIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
[ "$alive" -eq "$N" ] || { echo "fleet: only $alive of $N agents alive; e.g.: $(cat "$TMP"/agent-*.err | sort | uniq -c | sort -rn | head -3)" >&2; exit 1; }

# One reading of everything at once: receiver counters, receiver CPU
# ticks, the agents' summed CPU ticks, and the time.
snap() {
	python3 - "$PORT" "$RPID" "${APIDS[@]}" <<'PY'
import sys, time, urllib.request
port, rpid, pids = sys.argv[1], sys.argv[2], sys.argv[3:]
def ticks(p):
    try:
        f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except OSError:
        return 0
t = time.time()
s = urllib.request.urlopen("http://127.0.0.1:%s/stats" % port, timeout=10).read().decode()
print("%s|%d|%d|%f" % (s, ticks(rpid), sum(ticks(p) for p in pids), t))
PY
}
s0=$(snap)
sleep "$SECONDS_MEASURED"
s1=$(snap)
rss=0
for p in "${APIDS[@]}"; do rss=$((rss + $(rss_kib "$p"))); done

python3 - "$s0" "$s1" "$N" "$INTERVAL" "$EXPORT" "$HZ" "$rss" "${OUT:-}" "$(uname -r)" "$(nproc)" <<'PY'
import json, sys
s0, s1, n, interval, export, hz, rss, out, kernel, cpus = sys.argv[1:11]
def parse(s):
    st, r, a, t = s.split("|")
    return json.loads(st), int(r), int(a), float(t)
(a0, r0, g0, t0), (a1, r1, g1, t1) = parse(s0), parse(s1)
dt = t1 - t0; n = int(n); export = float(export); hz = int(hz)
req = a1["requests"] - a0["requests"]; byt = a1["bytes"] - a0["bytes"]
res = {
    "agents": n, "sample_interval_s": float(interval), "export_interval_s": export,
    "measured_s": round(dt, 1), "kernel": kernel, "cpus": int(cpus),
    "requests_per_s": round(req / dt, 2),
    "bytes_per_s": round(byt / dt),
    "bytes_per_request": round(byt / req) if req else None,
    "bytes_per_node_per_export": round(byt / dt * export / n),
    "receiver_cpu_pct": round((r1 - r0) / hz / dt * 100, 2),
    "agents_cpu_pct_total": round((g1 - g0) / hz / dt * 100, 2),
    "agent_cpu_ms_per_export": round((g1 - g0) / hz * 1000 / n / (dt / export), 2),
    "agents_rss_mib_total": round(int(rss) / 1024, 1),
    "agent_rss_mib": round(int(rss) / 1024 / n, 2),
    "by_path": {p: {"requests": a1["by_path"][p]["requests"] - a0["by_path"].get(p, {}).get("requests", 0),
                    "bytes": a1["by_path"][p]["bytes"] - a0["by_path"].get(p, {}).get("bytes", 0)} for p in a1["by_path"]},
}
# 10,000 nodes, on paper: each node sends one request of about
# bytes_per_request per export interval (measured per request, so a
# loaded simulation host that delays exports does not shrink it).
per_node_bps = (res["bytes_per_request"] or 0) / export
res["extrapolated_10000_nodes"] = {
    "requests_per_s": round(10000 / export, 1),
    "ingest_bytes_per_s": round(per_node_bps * 10000),
    "bandwidth_gib_per_day": round(per_node_bps * 10000 * 86400 / 2**30, 1),
}
print(json.dumps(res, indent=2))
if out:
    json.dump(res, open(out, "w"), indent=2)
PY

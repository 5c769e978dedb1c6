#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every query in containers/grafana-dashboard.json and every "promql:"
# example in containers/otel-collector.yaml returns data from a real
# Prometheus (Debian's) that scraped a running agent's /metrics while the
# workload made extfrag events inside a kubelet-named pod cgroup. So the
# dashboard, the collector examples and the agent's metric names provably
# agree. The scrape adds k8s_node_name/host_name as target labels: what
# the collector's resource_to_telemetry_conversion does with the agent's
# resource attributes. Needs --http (after the HTTP merge): skips before.
# Ports 9483 (agent), 9484 (Prometheus).
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
need_root
grep -q -- "--http " <<<"$("$AGENT" --help)" || { echo "skipped: $AGENT has no --http yet (HTTP server merge)"; exit 77; }
PROM=$(command -v prometheus || echo /usr/bin/prometheus)
[ -x "$PROM" ] || { echo "skipped: prometheus (Debian package) missing"; exit 77; }
FRAG="$BUILD/mfd-fragment"
[ -x "$FRAG" ] || { fail "workload $FRAG not built"; finish; }
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then ROOT=/sys/fs/cgroup
elif [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then ROOT=/sys/fs/cgroup/unified
else ROOT=""; fi

"$AGENT" --headless -d 1 --http 127.0.0.1:9483 ${ROOT:+--cgroup-root "$ROOT"} >"$TMP/agent.out" 2>"$TMP/agent.err" &
PIDS+=("$!")
cat >"$TMP/prom.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: mfd-agent
    static_configs:
      - targets: ["127.0.0.1:9483"]
        labels: {k8s_node_name: node-a, host_name: node-a}
YML
"$PROM" --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address=127.0.0.1:9484 --log.level=warn >"$TMP/prom.log" 2>&1 &
PIDS+=("$!")

# The workload in a Burstable pod's container cgroup (systemd driver
# naming), so per-pod series exist.
if [ -n "$ROOT" ]; then
	uid=$(cat /proc/sys/kernel/random/uuid)
	cid=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	top="$ROOT/mfd-test-$$"
	pod="$top/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice"
	ctr="$pod/cri-containerd-$cid.scope"
	mkdir -p "$ctr"
	trap 'for d in "$ctr" "$pod" "${pod%/*}" "${pod%/*/*}" "$top"; do rmdir "$d" 2>/dev/null || true; done; cleanup' EXIT
fi
# Up to three rounds of the workload, until the kernel's own witness (the
# tracepoint in a private tracefs instance) has seen it fall back.
T=/sys/kernel/tracing
[ -d "$T/instances" ] || mount -t tracefs none "$T" 2>/dev/null || true
I="$T/instances/mfd-queries-$$"
if mkdir "$I" 2>/dev/null && echo 1 >"$I/events/kmem/mm_page_alloc_extfrag/enable"; then :; else I=""; fi
for round in 1 2 3; do
	if [ -n "$ROOT" ]; then
		sh -c 'echo $$ >>"$3" && echo $$ >"$1/cgroup.procs" && exec "$2" pt --seconds 6 --loop' \
			sh "$ctr" "$FRAG" "$TMP/frag.pids" >>"$TMP/frag.out" 2>&1 || true
	else
		sh -c 'echo $$ >>"$2" && exec "$1" pt --seconds 6 --loop' sh "$FRAG" "$TMP/frag.pids" >>"$TMP/frag.out" 2>&1 || true
	fi
	[ -n "$I" ] || break
	grep -qE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" && break
done
export MFD_NO_EVENTS=0
if [ -n "$I" ]; then
	echo 0 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
	grep -qE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" || MFD_NO_EVENTS=1
	rmdir "$I" 2>/dev/null || true
fi

python3 - "$SRC" "$AGENT" <<'PY' || fails=$((fails + 1))
import json, os, re, sys, time, urllib.parse, urllib.request
src, agent = sys.argv[1], sys.argv[2]
binary = open(agent, "rb").read()
def q(expr):
    url = "http://127.0.0.1:9484/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)
# Wait (bounded) until Prometheus holds a few scrapes of the agent,
# including ones after the workload.
deadline = time.time() + 90
while time.time() < deadline:
    try:
        r = q('count_over_time(mfd_agent_samples_total{outcome="ok"}[5m])')
        if r["data"]["result"] and float(r["data"]["result"][0]["value"][1]) >= 5:
            break
    except Exception:
        pass
    time.sleep(1)
else:
    print("FAIL - Prometheus never scraped the agent 5 times"); sys.exit(1)

dash = json.load(open(src + "/containers/grafana-dashboard.json"))
queries = []
def walk(panels):
    for p in panels:
        for t in p.get("targets", []):
            queries.append(("dashboard: " + p["title"] + " [" + t["refId"] + "]", t["expr"]))
        walk(p.get("panels", []))
walk(dash["panels"])
for line in open(src + "/containers/otel-collector.yaml"):
    m = re.match(r"\s*#\s*promql:\s*(.+)$", line)
    if m:
        queries.append(("collector example", m.group(1).strip()))
subst = {"$__rate_interval": "30s", "$__range": "10m", "$node": ".*"}
for v in dash["templating"]["list"]:
    if v["type"] == "constant":
        subst["$" + v["name"]] = v["query"]
    elif v["type"] == "custom":
        subst["$" + v["name"]] = v["current"]["value"]
# Series that exist only once the kernel did the thing they count.
event_only = {"mfd_compaction_stall_duration_seconds", "mfd_compaction_stalls_total"}
ok = True
for what, expr in queries:
    e = expr
    for k in sorted(subst, key=len, reverse=True):
        e = e.replace(k, subst[k])
    if "$" in e:
        print("FAIL - %s: unresolved variable in %s" % (what, e)); ok = False; continue
    names = set(re.findall(r"\b(mfd_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=\s*[{\[)])", e))
    missing = [n for n in names if n.encode() not in binary]
    if missing:
        print("skip - %s: %s not in this build's catalogue (merge pending)" % (what, ", ".join(missing))); continue
    r = q(e)
    if r.get("status") != "success":
        print("FAIL - %s: %s -> %s" % (what, e, r)); ok = False; continue
    res = r["data"]["result"]
    if not res and os.environ.get("MFD_NO_EVENTS") == "1" and any("extfrag" in n for n in names):
        print("skip - %s: the kernel made no extfrag fallback for the workload this run (tracefs saw none)" % what); continue
    if not res and names & event_only:
        print("skip - %s: no %s series (no such kernel event happened)" % (what, ", ".join(names & event_only))); continue
    if res:
        print("ok   - %s: %d series" % (what, len(res) if isinstance(res, list) else 1))
    else:
        print("FAIL - %s: no data for %s" % (what, e)); ok = False
sys.exit(0 if ok else 1)
PY
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The fleet path on a real OTLP backend. VictoriaMetrics (Debian sid's
# victoria-metrics, fetched by fetch-victoria-metrics.sh into a cache
# outside git) ingests the agent's OTLP/HTTP protobuf with
# -opentelemetry.usePrometheusNaming: the OpenTelemetry-to-Prometheus
# translation that the Collector's prometheusremotewrite applies, resource
# attributes becoming labels. The agent pushes to it with the resource a
# DaemonSet pod has (K8S_NODE_NAME from the downward API,
# OTEL_RESOURCE_ATTRIBUTES with the cluster and node pool) while
# mfd-fragment makes extfrag fallbacks inside a pod cgroup. Then every
# dashboard query, every alert expression and its operands, and every
# collector example has data there (check_queries.py reads them from the
# files), and every series carries the resource labels the dashboard
# filters on. Logs go to a small local OTLP sink (VictoriaMetrics takes
# no logs). The alert unit tests run on VictoriaMetrics' rule engine too
# (vmalert-tool, from the same package). Loopback only, ports picked at run time; an unavailable
# VictoriaMetrics fails the test.
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE="$SRC/tests/fleet"
need_root
. "$HERE/workload.sh"

VM=$("$HERE/fetch-victoria-metrics.sh" 2>"$TMP/fetch.err") ||
	{ fail "victoria-metrics unavailable: $(tail -3 "$TMP/fetch.err")"; finish; }
pass "VictoriaMetrics $(cat "${VM%/usr/bin/*}/VERSION" 2>/dev/null) from Debian sid: $VM"
VMPORT=$(free_port)
"$VM" -httpListenAddr=127.0.0.1:"$VMPORT" -storageDataPath="$TMP/vm" \
	-opentelemetry.usePrometheusNaming -search.latencyOffset=0s \
	-search.disableCache -loggerLevel=WARN >"$TMP/vm.log" 2>&1 &
PIDS+=("$!")
# The logs sink: answers every OTLP/HTTP POST with 200 and an empty body.
SINKPORT=$(free_port)
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$SINKPORT" &
PIDS+=("$!")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$VMPORT/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$VMPORT/health" >/dev/null || { fail "VictoriaMetrics did not start: $(tail -3 "$TMP/vm.log")"; finish; }

K8S_NODE_NAME=node-a OTEL_SERVICE_NAME=mfd-agent \
	OTEL_RESOURCE_ATTRIBUTES="k8s.cluster.name=fleet-test,k8s.node.pool=pool-a" \
	"$AGENT" --headless -d 1 --http off ${CGROUP_ROOT:+--cgroup-root "$CGROUP_ROOT"} \
	--otlp-metrics-endpoint "http://127.0.0.1:$VMPORT/opentelemetry/v1/metrics" \
	--otlp-logs-endpoint "http://127.0.0.1:$SINKPORT/v1/logs" \
	--export-interval 1 >"$TMP/agent.out" 2>"$TMP/agent.err" &
PIDS+=("$!")
AGENT_PID=$!

run_workload
# A few more exports after the workload, so increase() and rate() windows
# hold points on both sides of it.
sleep 4
kill -0 "$AGENT_PID" 2>/dev/null || { fail "the agent died: $(tail -5 "$TMP/agent.err")"; finish; }
grep -q "collector rejected\|export failed" "$TMP/agent.err" &&
	fail "the agent's exports failed: $(grep -m3 "rejected\|failed" "$TMP/agent.err")"

# The rule unit tests (tests/fleet/mfd-rules.test.yaml, promtool's format)
# also pass on VictoriaMetrics' own rule engine, which ships in the same
# package: the alerts behave the same on a VictoriaMetrics backend (vmalert).
# A copy where one alert never fires must fail there too.
VMTOOL="$(dirname "$VM")/vmalert-tool"
if [ -x "$VMTOOL" ]; then
	(cd "$HERE" && timeout 120 "$VMTOOL" unittest --disableAlertgroupLabel --files mfd-rules.test.yaml) >"$TMP/vmtool.out" 2>&1 &&
		pass "vmalert-tool unittest: every alert fires and stays quiet as under promtool" ||
		fail "vmalert-tool unittest: $(grep -v '^$' "$TMP/vmtool.out" | tail -8)"
	mkdir -p "$TMP/mut/t"
	python3 - "$SRC" "$TMP/mut" <<'PY'
import sys, yaml
src, out = sys.argv[1:3]
r = yaml.safe_load(open(src + "/containers/alerts/mfd-rules.yaml"))
r["groups"][0]["rules"][0]["expr"] = "sum by (k8s_cluster_name, k8s_node_name) (mfd_no_such_series)"
yaml.safe_dump(r, open(out + "/rules.yaml", "w"))
t = yaml.safe_load(open(src + "/tests/fleet/mfd-rules.test.yaml"))
t["rule_files"] = ["../rules.yaml"]
yaml.safe_dump(t, open(out + "/t/test.yaml", "w"))
PY
	if (cd "$TMP/mut/t" && timeout 120 "$VMTOOL" unittest --disableAlertgroupLabel --files test.yaml) >"$TMP/vmtool-mut.out" 2>&1; then
		fail "vmalert-tool passed a rule file where MfdHighOrderExhausted never fires"
	else
		pass "vmalert-tool fails a rule file where MfdHighOrderExhausted never fires"
	fi
else
	fail "no vmalert-tool next to $VM"
fi

args=(--label k8s_node_name=node-a --label host_name=node-a --label k8s_cluster_name=fleet-test
	--label k8s_node_pool=pool-a --label os_version="$(uname -r)" --label service_name=mfd-agent)
[ "$NO_EVENTS" = 1 ] && args+=(--no-events)
python3 "$HERE/check_queries.py" "http://127.0.0.1:$VMPORT" "$SRC" "${args[@]}" || fails=$((fails + 1))
finish

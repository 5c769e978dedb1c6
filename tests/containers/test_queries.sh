#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The scrape path: a real Prometheus (Debian's) scrapes a running agent's
# /metrics while mfd-fragment makes extfrag fallbacks inside a
# kubelet-named pod cgroup. Then every dashboard query, every alert
# expression (and its operands and selectors), and every collector
# example has data there: tests/fleet/check_queries.py reads them from
# containers/, the same checker tests/fleet/test_otlp_backend.sh runs on
# the OTLP path, so one dashboard and one rule file provably work on both.
# The scrape adds the labels a Kubernetes scrape config's relabelling adds
# (docs/deployment.md): node name, cluster, node pool, kernel.
# Also: every family of the catalogue is declared from the first scrape,
# and the series count per node stays within the budget docs/metrics
# gives for this node's zones and orders (read from /proc/buddyinfo).
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
need_root
PROM=$(command -v prometheus || echo /usr/bin/prometheus)
[ -x "$PROM" ] || { fail "prometheus (Debian package, in dev.sh TEST_PKGS) missing"; finish; }
. "$SRC/tests/fleet/workload.sh"
APORT=$(free_port)
PPORT=$(free_port)

"$AGENT" --headless -d 1 --http 127.0.0.1:"$APORT" ${CGROUP_ROOT:+--cgroup-root "$CGROUP_ROOT"} >"$TMP/agent.out" 2>"$TMP/agent.err" &
PIDS+=("$!")
KERNEL=$(uname -r)
cat >"$TMP/prom.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: mfd-agent
    static_configs:
      - targets: ["127.0.0.1:$APORT"]
        labels: {k8s_node_name: node-a, host_name: node-a, k8s_cluster_name: fleet-test,
                 k8s_node_pool: pool-a, os_version: "$KERNEL"}
YML
"$PROM" --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address=127.0.0.1:"$PPORT" --log.level=warn >"$TMP/prom.log" 2>&1 &
PIDS+=("$!")

# The first scrape, before any event: every family is declared.
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$APORT/metrics" >"$TMP/first.txt" 2>/dev/null && break; sleep 0.2; done
declared=$(grep -c '^# TYPE ' "$TMP/first.txt" || true)
catalogue=$("$BUILD/tests/otlp/gen_metric_table" | grep -c '^| `mfd\.' || true)
[ "$declared" -gt 0 ] && [ "$declared" = "$catalogue" ] &&
	pass "the first scrape declares all $catalogue families of the catalogue" ||
	fail "the first scrape declares $declared families, the catalogue has $catalogue"

run_workload
args=(--label k8s_node_name=node-a --label k8s_cluster_name=fleet-test --label k8s_node_pool=pool-a
	--label os_version="$KERNEL")
[ "$NO_EVENTS" = 1 ] && args+=(--no-events)
python3 - "$PPORT" <<'PY' || fails=$((fails + 1))
import json, sys, time, urllib.parse, urllib.request
url = "http://127.0.0.1:%s/api/v1/query?" % sys.argv[1]
# Wait (bounded) until Prometheus holds a few scrapes after the workload.
deadline = time.time() + 90
while time.time() < deadline:
    try:
        with urllib.request.urlopen(url + urllib.parse.urlencode(
                {"query": 'count_over_time(mfd_agent_samples_total{outcome="ok"}[5m])'}), timeout=10) as r:
            res = json.load(r)["data"]["result"]
        if res and float(res[0]["value"][1]) >= 5:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(1)
print("FAIL - Prometheus never scraped the agent 5 times"); sys.exit(1)
PY
python3 "$SRC/tests/fleet/check_queries.py" "http://127.0.0.1:$PPORT" "$SRC" "${args[@]}" || fails=$((fails + 1))

# Series per node: Prometheus' own count of what it scraped, against the
# budget of docs/metric-reference.md for this node's topology.
read -r N Z O < <(awk '/zone/ { n[$2]; z++; if (NF - 4 > o) o = NF - 4 } END { print length(n), z, o }' /proc/buddyinfo)
got=$(curl -sf "http://127.0.0.1:$PPORT/api/v1/query?query=scrape_samples_scraped" |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)')
budget=$((4 * Z * O + 12 * Z + 5 * N + 300))
[ "$got" -gt 0 ] && [ "$got" -le "$budget" ] &&
	pass "$got series per scrape, within the budget 4*Z*O + 12*Z + 5*N + 300 = $budget (N=$N nodes, Z=$Z zones, O=$O orders)" ||
	fail "$got series per scrape, budget $budget (N=$N, Z=$Z, O=$O)"
finish

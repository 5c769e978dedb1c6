#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deployed.sh BUILD_DIR - the agent as a DaemonSet runs it, side by side
# with node_exporter in one run (issue 20): mfd-agent --headless
# --interval 1 with /metrics scraped once a second and OTLP on
# (--export-interval 10 to tests/robust/receiver.py on loopback), and
# Debian's prometheus-node-exporter with only its buddyinfo and zoneinfo
# collectors, also scraped once a second. Over MFD_DEPLOYED_SECONDS
# (default 60) after a 5 s warm-up: whole-process CPU per second (every
# thread, /proc/PID/task/*/schedstat, ns), RSS (VmRSS), and for the agent
# the BPF map memory (memlock of every map fd in /proc/PID/fdinfo), which
# a pod is charged too. Prints one markdown table (a bench/run.sh section).
# Needs root (BPF); ports are picked free at run time, loopback only.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BUILD=$(readlink -f "${1:-$SRC/build}")
AGENT=${AGENT:-$BUILD/mfd-agent}
DUR=${MFD_DEPLOYED_SECONDS:-60}
PATH=$PATH:/usr/sbin
NE=$(command -v prometheus-node-exporter || true)
[ -n "$NE" ] || { echo "deployed.sh: prometheus-node-exporter missing (apt-get install prometheus-node-exporter)" >&2; exit 1; }
[ -x "$AGENT" ] || { echo "deployed.sh: $AGENT missing: build first" >&2; exit 1; }
TMP=$(mktemp -d /tmp/mfd-deployed.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P_HTTP=$(free_port) P_RECV=$(free_port) P_UDP=$(free_port) P_NE=$(free_port)
P_HTTP2=$(free_port)
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' /proc/"$1"/status; }
bpf_map_bytes() {
	local f s=0 ml
	for f in /proc/"$1"/fdinfo/*; do
		grep -q '^map_type:' "$f" 2>/dev/null || continue
		ml=$(awk '/^memlock:/ {print $2}' "$f")
		s=$((s + ${ml:-0}))
	done
	echo "$s"
}
wait_http() {
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$1$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "deployed.sh: nothing answers on port $1" >&2
	exit 1
}

python3 "$SRC/tests/robust/receiver.py" --http-port "$P_RECV" --udp-port "$P_UDP" \
	--log "$TMP/recv.log" &
PIDS+=($!)
"$AGENT" --headless --interval 1 --http "127.0.0.1:$P_HTTP" \
	--otlp-endpoint "http://127.0.0.1:$P_RECV" --export-interval 10 \
	>"$TMP/agent.log" 2>&1 &
AG=$!
PIDS+=("$AG")
# Where the agent's CPU goes: the same agent without OTLP (its /metrics
# scraped too), and one that only samples (no exporter at all), side by
# side with the deployed one.
"$AGENT" --headless --interval 1 --http "127.0.0.1:$P_HTTP2" \
	>"$TMP/agent2.log" 2>&1 &
AG2=$!
PIDS+=("$AG2")
"$AGENT" --headless --interval 1 --http off >"$TMP/agent3.log" 2>&1 &
AG3=$!
PIDS+=("$AG3")
"$NE" --collector.disable-defaults --collector.buddyinfo --collector.zoneinfo \
	--web.listen-address "127.0.0.1:$P_NE" >"$TMP/ne.log" 2>&1 &
NEP=$!
PIDS+=("$NEP")
wait_http "$P_HTTP" /metrics
wait_http "$P_NE" /metrics
wait_http "$P_HTTP2" /metrics
sleep 5
a0=$(cpu_ns "$AG") n0=$(cpu_ns "$NEP") b0=$(cpu_ns "$AG2") c0=$(cpu_ns "$AG3")
for _ in $(seq "$DUR"); do
	t0=$(date +%s%N)
	curl -fsS -o /dev/null "http://127.0.0.1:$P_HTTP/metrics"
	curl -fsS -o /dev/null "http://127.0.0.1:$P_NE/metrics"
	curl -fsS -o /dev/null "http://127.0.0.1:$P_HTTP2/metrics"
	t1=$(date +%s%N)
	sleep "$(awk -v d=$((t1 - t0)) 'BEGIN { s = 1 - d / 1e9; print (s > 0 ? s : 0) }')"
done
a1=$(cpu_ns "$AG") n1=$(cpu_ns "$NEP") b1=$(cpu_ns "$AG2") c1=$(cpu_ns "$AG3")
kill -0 "$AG" || { echo "deployed.sh: the agent died" >&2; tail -5 "$TMP/agent.log" >&2; exit 1; }
a_rss=$(rss_kib "$AG") n_rss=$(rss_kib "$NEP") a_bpf=$(bpf_map_bytes "$AG")
# The ring buffers (and any mmapable map) are mapped into the agent, so
# their pages are in its RSS too, a ring's data pages twice (a ring maps
# them twice in a row so a record can wrap). A pod is charged each map's
# memory once, with the map: RSS without those mappings, plus memlock.
a_bpf_rss=$(awk '/^[0-9a-f]+-/ { m = ($6 == "anon_inode:bpf-map") } m && /^Rss:/ { s += $2 } END { print s * 1024 }' /proc/"$AG"/smaps)
posts=$(tail -1 "$TMP/recv.log" | awk '{print $3}')
a_us=$(((a1 - a0) / DUR / 1000)) n_us=$(((n1 - n0) / DUR / 1000))
b_us=$(((b1 - b0) / DUR / 1000)) c_us=$(((c1 - c0) / DUR / 1000))
a_mem=$((a_rss - a_bpf_rss / 1024 + a_bpf / 1024))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo "#### Deployed setup, side by side ($(date -u +%F), $(nproc) CPUs, kernel $(uname -r), ${DUR} s)"
echo
echo "| what | mfd-agent | node_exporter | mfd / node_exporter | target (issue 20) |"
echo "| --- | --- | --- | --- | --- |"
echo "| whole-process CPU, µs per second (1 sample/s, /metrics scraped 1/s, OTLP every 10 s: $posts POSTs) | $a_us | $n_us | $(ratio "$a_us" "$n_us") | ≤ 0.05 |"
echo "| the same, without OTLP (/metrics scraped 1/s) | $b_us | | $(ratio "$b_us" "$n_us") | |"
echo "| the same, sampling only (no exporter) | $c_us | | $(ratio "$c_us" "$n_us") | |"
echo "| RSS, MiB | $(awk -v a="$a_rss" 'BEGIN{printf "%.1f", a/1024}') | $(awk -v a="$n_rss" 'BEGIN{printf "%.1f", a/1024}') | $(ratio "$a_rss" "$n_rss") | |"
echo "| BPF map memory (fdinfo memlock), MiB | $(awk -v a="$a_bpf" 'BEGIN{printf "%.2f", a/1048576}') | 0 | | |"
echo "| RSS without the mapped BPF maps, plus all BPF map memory, MiB | $(awk -v a="$a_mem" 'BEGIN{printf "%.1f", a/1024}') | $(awk -v a="$n_rss" 'BEGIN{printf "%.1f", a/1024}') | $(ratio "$a_mem" "$n_rss") | ≤ 0.33 |"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh - the benchmark suite, side by side in one run.
#
# Usage (root): bench/run.sh [BUILD_DIR]        (default: build)
#   MFD_BENCH_RUNS=7      repeats of every measurement (min / median / max)
#
# Every figure is set against a peer or a baseline measured in this same
# run, with min / median / max over MFD_BENCH_RUNS repeats, the machine and
# the date: collection on the BPF path vs procfs; the running agent and
# node_exporter 1.5 (buddyinfo + zoneinfo collectors only), CPU and RSS;
# pages faulted per second by bench_alloc with the agent running vs not,
# interleaved; BPF ns per event of every program the agent attached
# (kernel.bpf_stats_enabled), against an empty handler on the same events;
# exec to first snapshot. When `mfd-agent --help` lists them: /metrics
# scrape cost vs node_exporter's (--http), agent CPU per interval with OTLP
# on vs off and bytes per sample (--otlp-endpoint), StatsD packets and
# bytes per interval (--statsd).
#
# Plug-ins, run as `bash SCRIPT BUILD_DIR` with BUILD, AGENT, RUNS and
# MFD_BENCH_TMP in the environment; exit 77 means "not measurable in this
# build" and is reported as skipped, another failure leaves it out:
#   bench/run.d/*.sh  the lines it prints that start with "| " are rows of
#                     the main table (what | mfd | baseline | ratio | target);
#   bench/*.sh        (but run.sh and soak.sh) the markdown table it prints
#                     becomes its own section under the main table.
#
# Writes bench/results/latest.md, the one place the numbers live
# (docs/performance.md explains them and links there). Paths in it are
# relative to the repository: no path of the machine that ran it. Timing is
# never part of the pass/fail test suite. Ports: 9490-9494 (MFD_BENCH_PORT_BASE).
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$SRC"
BUILD=${1:-build}
BUILD=$(readlink -f "$BUILD")
AGENT=$BUILD/mfd-agent
OUT=bench/results/latest.md
RUNS=${MFD_BENCH_RUNS:-7}
PORT=${MFD_BENCH_PORT_BASE:-9490}
P_NE=$PORT P_HTTP=$((PORT + 1)) P_RECV=$((PORT + 2)) P_UDP=$((PORT + 3))
PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: needs root (BPF)" >&2; exit 1; }
for b in "$AGENT" "$BUILD/bench/bench_collect" "$BUILD/bench/bench_floor" "$BUILD/bench/bench_alloc" "$BUILD/mfd-fragment"; do
	[ -x "$b" ] || { echo "bench/run.sh: $b missing: build first (./dev.sh build)" >&2; exit 1; }
done
if ! command -v prometheus-node-exporter >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-node-exporter >/dev/null
	systemctl stop prometheus-node-exporter 2>/dev/null || true
fi
TMP=$(mktemp -d /tmp/mfd-bench.XXXXXX)
PIDS=()
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	rm -rf "$TMP"
}
trap cleanup EXIT
. tests/robust/exporters.sh
ROWS=$TMP/rows
: >"$ROWS"
row() { printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$ROWS"; }

# CPU time of every thread of a process in ns (schedstat: ns resolution;
# /proc/PID/stat's clock ticks are too coarse for microsecond work).
cpu_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{s += $1} END{printf "%.0f\n", s}'; }
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
# The process's own memory: anonymous pages, without the shared libraries'
# file pages every process using them shares (libcurl alone maps TLS,
# Kerberos and LDAP libraries the agent pays nothing extra for).
anon_kib() { awk '/^RssAnon/{print $2}' "/proc/$1/status"; }
# min median max of the numbers on stdin, one per line.
stats() { sort -g | awk '{a[NR]=$1} END{printf "%s %s %s\n", a[1], a[int((NR+1)/2)], a[NR]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "n/a"; else printf "%.1f", a / b }'; }
us() { awk -v a="$1" 'BEGIN{printf "%.2f", a / 1000}'; }
mmm_us() { echo "$(us "$1") / $(us "$2") / $(us "$3")"; } # min med max ns -> µs
wait_log() { # FILE PATTERN PID: wait until the agent logged PATTERN
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# The HTTP server, where there is one, is on by default: keep it on (it is
# part of the default cost) but on this suite's port, not 9464.
BASE_ARGS=()
mfd_has_opt "$AGENT" --http && BASE_ARGS=(--http "127.0.0.1:$P_HTTP")
# start_agent LOG ARGS...: start mfd-agent --headless, wait for its loop; AG=pid
start_agent() {
	local log=$1
	shift
	"$AGENT" --headless --log-level info "${BASE_ARGS[@]}" "$@" >/dev/null 2>"$log" &
	AG=$!
	PIDS+=("$AG")
	wait_log "$log" "collecting every" "$AG" || { echo "agent did not start:" >&2; cat "$log" >&2; exit 1; }
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

echo "== collection cost per sample (BPF vs procfs, alternating, $RUNS runs)"
"$BUILD/bench/bench_collect" "$RUNS" 2000 | tee "$TMP/collect"
field() { grep "path=$1" "$TMP/collect" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }
bpf_min=$(field bpf cpu_ns_min); bpf_med=$(field bpf cpu_ns_median); bpf_max=$(field bpf cpu_ns_max)
pfs_min=$(field procfs cpu_ns_min); pfs_med=$(field procfs cpu_ns_median); pfs_max=$(field procfs cpu_ns_max)

echo "== node_exporter (buddyinfo + zoneinfo only) CPU per scrape"
prometheus-node-exporter --collector.disable-defaults --collector.buddyinfo \
	--collector.zoneinfo --web.listen-address=127.0.0.1:$P_NE >/dev/null 2>&1 &
ne=$!
PIDS+=("$ne")
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:$P_NE/metrics && break; sleep 0.1; done
SCRAPES=300
# ns of CPU per scrape of URL by PID, over SCRAPES scrapes, minus what PID
# burns idle over the same wall time (0 for node_exporter; the agent's
# timer for /metrics).
scrape_cost() { # PID URL
	local t0 t1 w0 w1 i0 i1
	i0=$(cpu_ns "$1"); w0=$(date +%s%N)
	for _ in $(seq $SCRAPES); do curl -sf -o /dev/null "$2"; done
	w1=$(date +%s%N); t1=$(cpu_ns "$1")
	t0=$i0
	# idle baseline over the same wall time
	i0=$(cpu_ns "$1"); sleep "$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.3f", (b - a) / 1e9}')"; i1=$(cpu_ns "$1")
	awk -v a="$t0" -v b="$t1" -v c="$i0" -v d="$i1" -v n=$SCRAPES 'BEGIN{v = ((b - a) - (d - c)) / n; printf "%.0f\n", v < 0 ? 0 : v}'
}
for r in $(seq "$RUNS"); do scrape_cost "$ne" "http://127.0.0.1:$P_NE/metrics"; done >"$TMP/ne_cpu"
read -r ne_min ne_med ne_max < <(stats <"$TMP/ne_cpu")
ne_rss=$(rss_kib "$ne")
ne_anon=$(anon_kib "$ne")
ne_bytes=$(curl -sf http://127.0.0.1:$P_NE/metrics | wc -c)
echo "node_exporter ns/scrape min/med/max: $ne_min $ne_med $ne_max, RSS ${ne_rss} KiB, ${ne_bytes} bytes/scrape"

echo "== mfd-agent at 100 samples/s: CPU per sample, RSS; BPF ns per event of every program"
sysctl -qw kernel.bpf_stats_enabled=1
# An empty handler on the extfrag tracepoint sees the very same events. It
# is attached first, so it runs first and pays the cold entry into the
# tracepoint on these rare events; mfd's handler then shows what it adds.
"$BUILD/bench/bench_floor" 600 &
fl=$!
PIDS+=("$fl")
sleep 1
start_agent "$TMP/agent100.log" -d 0.01
sleep 2
for r in $(seq "$RUNS"); do
	t0=$(cpu_ns "$AG")
	sleep 3
	t1=$(cpu_ns "$AG")
	echo "$(((t1 - t0) / 300))"
done >"$TMP/ag_cpu"
read -r ag_min ag_med ag_max < <(stats <"$TMP/ag_cpu")
ag_rss=$(rss_kib "$AG")
ag_anon=$(anon_kib "$AG")
echo "mfd-agent ns/sample min/med/max: $ag_min $ag_med $ag_max, RSS ${ag_rss} KiB"
"$BUILD/mfd-fragment" pt --seconds 8 --loop >/dev/null 2>&1 || true
# Every program the agent holds (its fdinfo names them), run time and count.
prog_ids=$(grep -h '^prog_id:' /proc/"$AG"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -un)
: >"$TMP/progs"
for id in $prog_ids; do
	bpftool prog show id "$id" --json 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
print(p.get("name", "?"), p.get("type", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0), p.get("id", 0))' >>"$TMP/progs"
done
read -r _ _ fl_ns fl_cnt < <(bpftool prog show name mfd_floor --json 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
p = p[0] if isinstance(p, list) else p
print("mfd_floor x", p.get("run_time_ns", 0), p.get("run_cnt", 0))' || echo "x x 0 0")
# Then a storm of warm events (bench/storm.sh), charged to the handler as
# the difference in its and the floor's bpf_stats across it.
prog_ns_cnt() { # ID: "run_time_ns run_cnt"
	bpftool prog show id "$1" --json 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
print(p.get("run_time_ns", 0), p.get("run_cnt", 0))' || echo "0 0"
}
xf_id=$(awk '$1 == "mfd_extfrag" { print $5 }' "$TMP/progs" | head -1)
fl_id=$(bpftool prog show name mfd_floor --json 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
p = p[0] if isinstance(p, list) else p
print(p.get("id", ""))' || true)
st_per="" st_cnt=0 st_fl_per="" st_drops=""
if [ -n "$xf_id" ] && [ -n "$fl_id" ]; then
	read -r x0_ns x0_cnt < <(prog_ns_cnt "$xf_id")
	read -r f0_ns f0_cnt < <(prog_ns_cnt "$fl_id")
	d0=$(curl -sf "http://127.0.0.1:$P_HTTP/metrics" | awk '/^mfd_extfrag_ringbuf_drops_total/ { print $2 }')
	# storm.sh sizes its page tables from the state of memory and keeps
	# kcompactd from undoing its holes (tests/workload/README.md); should a
	# run still not storm, it is repeated, up to three runs in all, until
	# one made 20,000 events. Every run's events are counted.
	st_tries=0
	for st_tries in 1 2 3; do
		bench/storm.sh "$BUILD" >/dev/null 2>&1 || true
		sleep 1 # a last sample drains the ring
		read -r x1_ns x1_cnt < <(prog_ns_cnt "$xf_id")
		[ $((x1_cnt - x0_cnt)) -ge 20000 ] && break
	done
	read -r f1_ns f1_cnt < <(prog_ns_cnt "$fl_id")
	d1=$(curl -sf "http://127.0.0.1:$P_HTTP/metrics" | awk '/^mfd_extfrag_ringbuf_drops_total/ { print $2 }')
	st_cnt=$((x1_cnt - x0_cnt))
	if [ "$st_cnt" -gt 0 ]; then
		st_per=$(((x1_ns - x0_ns) / st_cnt))
		st_fl_per=$(((f1_ns - f0_ns) / (f1_cnt - f0_cnt > 0 ? f1_cnt - f0_cnt : 1)))
		st_drops=$((${d1:-0} - ${d0:-0}))
	fi
	echo "storm: $st_cnt events in $st_tries runs, mfd_extfrag ${st_per:-?} ns/event, floor ${st_fl_per:-?}, records dropped ${st_drops:-?}"
fi
stop_pid "$fl"
stop_pid "$AG"
sysctl -qw kernel.bpf_stats_enabled="$stats_was"
fl_per=$((fl_cnt > 0 ? fl_ns / fl_cnt : 0))
cat "$TMP/progs"

echo "== allocation-heavy microbenchmark: pages faulted/s, agent (defaults) off vs on, interleaved"
: >"$TMP/alloc_pairs"
for r in $(seq "$RUNS"); do
	# ABBA order, so drift over the run hits both sides alike.
	if [ $((r % 2)) -eq 1 ]; then order="off on"; else order="on off"; fi
	for side in $order; do
		if [ "$side" = on ]; then start_agent "$TMP/alloc_agent.log"; sleep 0.5; fi
		"$BUILD/bench/bench_alloc" 2 64 >"$TMP/alloc.out"
		eval "alloc_$side=$(grep -oE 'pages_per_s=[0-9]+' "$TMP/alloc.out" | cut -d= -f2)"
		eval "allocc_$side=$(grep -oE 'pages_per_cpu_s=[0-9]+' "$TMP/alloc.out" | cut -d= -f2)"
		if [ "$side" = on ]; then stop_pid "$AG"; fi
	done
	echo "$alloc_off $alloc_on $allocc_off $allocc_on" >>"$TMP/alloc_pairs"
done
read -r aoff_min aoff_med aoff_max < <(awk '{print $1}' "$TMP/alloc_pairs" | stats)
read -r aon_min aon_med aon_max < <(awk '{print $2}' "$TMP/alloc_pairs" | stats)
# Slowdown per interleaved pair, in percent (negative: faster with the agent).
read -r slow_min slow_med slow_max < <(awk '{printf "%.2f\n", (1 - $2 / $1) * 100}' "$TMP/alloc_pairs" | stats)
read -r coff_min coff_med coff_max < <(awk '{print $3}' "$TMP/alloc_pairs" | stats)
read -r con_min con_med con_max < <(awk '{print $4}' "$TMP/alloc_pairs" | stats)
read -r cslow_min cslow_med cslow_max < <(awk '{printf "%.2f\n", (1 - $4 / $3) * 100}' "$TMP/alloc_pairs" | stats)
echo "off: $aoff_min $aoff_med $aoff_max; on: $aon_min $aon_med $aon_max pages/s; slowdown %: $slow_min $slow_med $slow_max"

echo "== exec to first snapshot (--once --format json)"
for r in $(seq "$RUNS"); do
	t0=$(date +%s%N); "$AGENT" --once --format json >/dev/null; t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
done >"$TMP/first"
read -r fs_min fs_med fs_max < <(stats <"$TMP/first")

# --- exporters, when this build has them ------------------------------------
python3 tests/robust/receiver.py --http-port "$P_RECV" --udp-port "$P_UDP" --log "$TMP/receiver.log" &
rcv=$!
PIDS+=("$rcv")
mfd_exporter_args "$AGENT" "$P_RECV" "$P_UDP" "$P_HTTP" "$TMP"
# The receiver logs its totals every second; wait for its first line.
for _ in $(seq 100); do [ -s "$TMP/receiver.log" ] && break; sleep 0.1; done
recv_totals() { # posts body_bytes datagrams udp_bytes, as of the last second
	sleep 1.2
	tail -1 "$TMP/receiver.log" 2>/dev/null | awk '{print $3, $4, $5, $6} END{if (!NR) print 0, 0, 0, 0}'
}

scrape_row=""
if mfd_has_opt "$AGENT" --http; then
	echo "== /metrics scrape cost: mfd vs node_exporter"
	start_agent "$TMP/http.log"
	for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$P_HTTP/metrics" && break; sleep 0.1; done
	# Interleave with node_exporter so both see the same machine.
	: >"$TMP/sc_mfd"; : >"$TMP/sc_ne"
	for r in $(seq "$RUNS"); do
		scrape_cost "$AG" "http://127.0.0.1:$P_HTTP/metrics" >>"$TMP/sc_mfd"
		scrape_cost "$ne" "http://127.0.0.1:$P_NE/metrics" >>"$TMP/sc_ne"
	done
	read -r sm_min sm_med sm_max < <(stats <"$TMP/sc_mfd")
	read -r sn_min sn_med sn_max < <(stats <"$TMP/sc_ne")
	m_bytes=$(curl -sf "http://127.0.0.1:$P_HTTP/metrics" | wc -c)
	stop_pid "$AG"
	row "/metrics scrape, CPU per scrape (µs), page bytes" "$(mmm_us "$sm_min" "$sm_med" "$sm_max"), $m_bytes B" "node_exporter: $(mmm_us "$sn_min" "$sn_med" "$sn_max"), $ne_bytes B" "1/$(ratio "$sn_med" "$sm_med")" "side by side (issue 4)"
fi
if mfd_has_opt "$AGENT" --otlp-endpoint; then
	echo "== OTLP: agent CPU per interval, on vs off (interleaved); bytes per sample"
	otlp_args=(--otlp-endpoint "http://127.0.0.1:$P_RECV")
	mfd_has_opt "$AGENT" --export-interval && otlp_args+=(--export-interval 1)
	: >"$TMP/otlp_pairs"
	IV=1 WIN=10
	for r in $(seq "$RUNS"); do
		start_agent "$TMP/otlp_off.log" -d $IV
		c0=$(cpu_ns "$AG"); sleep $WIN; c1=$(cpu_ns "$AG"); stop_pid "$AG"
		read -r p0 b0 _ _ < <(recv_totals)
		start_agent "$TMP/otlp_on.log" -d $IV "${otlp_args[@]}"
		sleep 1.5
		read -r p1 b1 _ _ < <(recv_totals)
		d0=$(cpu_ns "$AG"); sleep $WIN; d1=$(cpu_ns "$AG")
		read -r p2 b2 _ _ < <(recv_totals)
		stop_pid "$AG"
		echo "$(((c1 - c0) / WIN)) $(((d1 - d0) / WIN)) $(( (b2 - b1) * IV / WIN )) $((p2 - p1))" >>"$TMP/otlp_pairs"
	done
	read -r of_min of_med of_max < <(awk '{print $1}' "$TMP/otlp_pairs" | stats)
	read -r on_min on_med on_max < <(awk '{print $2}' "$TMP/otlp_pairs" | stats)
	read -r ob_min ob_med ob_max < <(awk '{print $3}' "$TMP/otlp_pairs" | stats)
	row "agent CPU per 1 s interval with OTLP export on vs off (µs)" "$(mmm_us "$on_min" "$on_med" "$on_max")" "OTLP off: $(mmm_us "$of_min" "$of_med" "$of_max")" "$(ratio "$on_med" "$of_med")×" "side by side (issue 3)"
	row "OTLP bytes on the wire per sample, live agent, one sample per request (-d 1, export every 1 s; request bodies as sent)" "$ob_min / $ob_med / $ob_max" "" "" "recorded: no batching"
	# The default batching: -d 2 with a 60 s export is 30 samples per
	# request; -d 0.2 with a 6 s export is the same ratio, ten times
	# faster.
	if mfd_has_opt "$AGENT" --export-interval; then
		read -r p1 b1 _ _ < <(recv_totals)
		start_agent "$TMP/otlp_batch.log" -d 0.2 --otlp-endpoint "http://127.0.0.1:$P_RECV" --export-interval 6
		t0=$(date +%s%N)
		sleep 30
		stop_pid "$AG" # the final flush sends the rest
		t1=$(date +%s%N)
		read -r p2 b2 _ _ < <(recv_totals)
		# one sample at start, then one every 0.2 s
		nsamp=$(( (t1 - t0) / 200000000 + 1 ))
		row "OTLP bytes on the wire per sample, live agent, default batching (30 samples per request: -d 0.2, export every 6 s; $((p2 - p1)) requests)" "$(( (b2 - b1) / nsamp )) B ($nsamp samples)" "" "" "≤ 2 KiB gzip (issue 3)"
	fi
fi
if mfd_has_opt "$AGENT" --statsd; then
	echo "== StatsD packets and bytes per interval"
	read -r _ _ g0 u0 < <(recv_totals)
	start_agent "$TMP/statsd.log" -d 1 --statsd "127.0.0.1:$P_UDP"
	sleep 10
	stop_pid "$AG"
	read -r _ _ g1 u1 < <(recv_totals)
	row "StatsD per 1 s interval: packets, bytes" "$(((g1 - g0) / 10)) packets, $(((u1 - u0) / 10)) B" "" "" "recorded (issue 4)"
fi

# --- plug-ins ----------------------------------------------------------------
# bench/run.d/*.sh add rows to the main table; every other bench/*.sh (the
# exporter and signal branches' own benchmarks, called as SCRIPT BUILD_DIR)
# adds its markdown table as a section under it: its lines that start with
# "|", and "#### " headings between tables. (bench/storm.sh is a workload.)
stop_pid "$rcv"
SECTIONS=$TMP/sections
: >"$SECTIONS"
for p in bench/run.d/*.sh bench/*.sh; do
	case "$p" in bench/run.sh | bench/soak.sh | bench/storm.sh) continue ;; esac
	[ -f "$p" ] || continue
	echo "== plug-in $p"
	prc=0
	BUILD=$BUILD AGENT=$AGENT RUNS=$RUNS MFD_BENCH_RUNS=$RUNS MFD_BENCH_TMP=$TMP \
		timeout 900 bash "$p" "$BUILD" >"$TMP/plugin.out" 2>"$TMP/plugin.err" || prc=$?
	if [ "$prc" -eq 77 ]; then echo "skipped: $(tail -1 "$TMP/plugin.out")"; continue; fi
	if [ "$prc" -ne 0 ]; then
		echo "plug-in $p failed ($prc), left out:"; tail -n 5 "$TMP/plugin.err" "$TMP/plugin.out"
		continue
	fi
	case "$p" in
	bench/run.d/*) grep '^| ' "$TMP/plugin.out" >>"$ROWS" || true ;;
	*)
		if grep -q '^|' "$TMP/plugin.out"; then
			{ echo; echo "From \`$p\`:"; echo; awk '/^\|/ { print; next } /^#### / { print ""; print; print "" }' "$TMP/plugin.out"; } >>"$SECTIONS"
		fi
		;;
	esac
done

cpu_model=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)
{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) vCPU, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), ${cpu_model}; $RUNS runs each, min / median / max; every baseline measured in the same run. Generated by \`bench/run.sh\`."
	echo
	echo "| what | mfd | baseline | ratio (median) | target |"
	echo "| --- | --- | --- | --- | --- |"
	echo "| CPU per sample, BPF path vs procfs path (µs) | $(mmm_us "$bpf_min" "$bpf_med" "$bpf_max") | procfs: $(mmm_us "$pfs_min" "$pfs_med" "$pfs_max") | $(ratio "$pfs_med" "$bpf_med")× cheaper | ≤ 10 µs, ≥ 5× cheaper (issue 2) |"
	echo "| CPU per sample of the same data: mfd's collection (BPF path) vs node_exporter per scrape (µs) | $(mmm_us "$bpf_min" "$bpf_med" "$bpf_max") | node_exporter 1.5: $(mmm_us "$ne_min" "$ne_med" "$ne_max") | 1/$(ratio "$ne_med" "$bpf_med") | ≤ 1/20 (issue 2) |"
	echo "| CPU per sample in the whole running agent at 100 samples/s (timer, wakeups, counters) vs node_exporter per scrape (µs) | $(mmm_us "$ag_min" "$ag_med" "$ag_max") | node_exporter 1.5: $(mmm_us "$ne_min" "$ne_med" "$ne_max") | 1/$(ratio "$ne_med" "$ag_med") | ≤ 1/20 (issue 2) |"
	echo "| steady-state RSS (MiB) | $(awk -v a="$ag_rss" 'BEGIN{printf "%.1f", a/1024}') | node_exporter: $(awk -v a="$ne_rss" 'BEGIN{printf "%.1f", a/1024}') | 1/$(ratio "$ne_rss" "$ag_rss") | ≤ 1/3 (issue 2) |"
	echo "| steady-state anonymous RSS, the process's own memory (MiB) | $(awk -v a="$ag_anon" 'BEGIN{printf "%.1f", a/1024}') | node_exporter: $(awk -v a="$ne_anon" 'BEGIN{printf "%.1f", a/1024}') | 1/$(ratio "$ne_anon" "$ag_anon") | |"
	echo "| pages faulted per second (wall) by bench_alloc, agent running with defaults vs not, interleaved | $aon_min / $aon_med / $aon_max | agent off: $aoff_min / $aoff_med / $aoff_max | slowdown per pair $slow_min / **$slow_med** / $slow_max % | ≤ 1% slower (issue 5) |"
	echo "| the same, pages per CPU-second of bench_alloc (handlers in its context count, neighbours on a busy machine do not) | $con_min / $con_med / $con_max | agent off: $coff_min / $coff_med / $coff_max | slowdown per pair $cslow_min / **$cslow_med** / $cslow_max % | ≤ 1% slower (issue 5) |"
	while read -r name type ns cnt _; do
		per=$((cnt > 0 ? ns / cnt : 0))
		if [ "$name" = mfd_zones_snapshot ]; then
			echo "| BPF ns per run of the zone walk, $name ($type, run once per sample with BPF_PROG_TEST_RUN; bpf_stats, $cnt runs) | $per | | | ≤ 10 µs per sample in all (issue 2) |"
		elif [ "$name" = mfd_extfrag ] && [ "$cnt" -eq 0 ]; then
			echo "| BPF ns per event, $name ($type) | no extfrag event in this run: the workload (mfd-fragment pt) found the Unmovable pool large enough | | | ≤ 300 ns (issue 2) |"
		elif [ "$name" = mfd_extfrag ]; then
			echo "| BPF ns per event, $name ($type; bpf_stats, $cnt events), cold: a trickle from \`mfd-fragment pt\`, vs an empty handler attached before it, same events | $per | empty handler: $fl_per ($fl_cnt events) | $(ratio "$per" "$fl_per")× the floor | ≤ 300 ns (issue 2) |"
			if [ "$st_cnt" -gt 0 ]; then
				echo "| BPF ns per event, $name, on \`bench/storm.sh\` ($st_cnt events in $st_tries runs, repeated, up to three runs, until one storms: tests/workload/README.md; $st_drops records dropped by a full ring, counters exact), vs the same empty handler | $st_per | empty handler: $st_fl_per | $(ratio "$st_per" "$st_fl_per")× the floor | ≤ 300 ns (issue 2) |"
			else
				echo "| BPF ns per event, $name: \`bench/storm.sh\` made no extfrag event in this run | | | | ≤ 300 ns (issue 2) |"
			fi
		elif [ "$name" = mfd_extfrag_flush ]; then
			echo "| BPF ns per run of the stage flush, $name ($type, run with BPF_PROG_TEST_RUN on a CPU holding staged extfrag events, at most once a second; bpf_stats, $cnt runs) | $per | | | off the allocation path |"
		else
			if [ "$cnt" -gt 0 ]; then
				echo "| BPF ns per event, $name ($type; bpf_stats, $cnt events in the same run) | $per | empty extfrag handler: $fl_per | $(ratio "$per" "$fl_per")× | ≤ 300 ns per handler (issues 2, 5) |"
			else
				echo "| BPF program $name ($type) | no event in this run | | | |"
			fi
		fi
	done <"$TMP/progs"
	echo "| exec to first snapshot, --once (ms) | $(mmm_us "$fs_min" "$fs_med" "$fs_max") | | | |"
	cat "$ROWS"
	cat "$SECTIONS"
} >"$OUT"
cat "$OUT"


#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/signals.sh - cost of the compaction/reclaim signals (issue 5).
#
# Usage (root): bench/signals.sh [BUILD_DIR]   (default: build)
#   MFD_BENCH_ROUNDS  interleaved rounds per configuration (default 7)
#   MFD_BENCH_SECS    seconds per bench_alloc run (default 3)
#
# 1. BPF ns per event of every handler of bpf/compaction.bpf.c
#    (kernel.bpf_stats_enabled), with the opt-in kmem:mm_page_alloc
#    counter on, while bench_alloc allocates and compact_memory runs.
# 2. Slowdown of bench_alloc (pages faulted per second) with the agent
#    off, on with defaults, and on with --alloc-fail-counter, interleaved
#    round by round so drift hits all three alike. Median of the rounds.
# Writes bench/results/signals.md. Never part of the pass/fail suite.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
BUILD=${1:-build}
AGENT=$BUILD/mfd-agent
PF=$BUILD/bench/bench_alloc
ROUNDS=${MFD_BENCH_ROUNDS:-7}
SECS=${MFD_BENCH_SECS:-3}
OUT=bench/results/signals.md
PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || { echo "bench/signals.sh: needs root (BPF)" >&2; exit 1; }
[ -x "$AGENT" ] && [ -x "$PF" ] || { echo "build first: ./dev.sh build" >&2; exit 1; }
TMP=$(mktemp -d)
AG=
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
	[ -n "$AG" ] && kill "$AG" 2>/dev/null && wait "$AG" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$old_stats"
	rm -rf "$TMP"
}
trap cleanup EXIT

start_agent() {
	"$AGENT" --headless --log-level warn "$@" >/dev/null 2>"$TMP/agent.err" &
	AG=$!
	for _ in $(seq 50); do
		bpftool prog show name mfd_compact_end >/dev/null 2>&1 && break
		sleep 0.1
	done
	sleep 1 # start-up (verifier, BTF, first sample) is not steady state
}
stop_agent() { kill "$AG"; wait "$AG" 2>/dev/null || true; AG=; }

echo "== BPF ns per event, every handler (alloc-fail counter on)"
sysctl -qw kernel.bpf_stats_enabled=1
start_agent --alloc-fail-counter
"$PF" "$SECS" >/dev/null
echo 1 >/proc/sys/vm/compact_memory
bpftool -j prog show >"$TMP/progs.json"
stop_agent
sysctl -qw kernel.bpf_stats_enabled="$old_stats"
python3 - "$TMP/progs.json" >"$TMP/handlers" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1])):
    n = p.get("name", "")
    if n.startswith("mfd_") and p.get("type") == "tracepoint" and n != "mfd_extfrag":
        cnt, ns = p.get("run_cnt", 0), p.get("run_time_ns", 0)
        print(f"{n} {cnt} {ns // cnt if cnt else 0}")
PY
cat "$TMP/handlers"

echo "== bench_alloc: off / defaults / --alloc-fail-counter, interleaved"
for r in $(seq "$ROUNDS"); do
	for cfg in off on fail; do
		case $cfg in
		on) start_agent ;;
		fail) start_agent --alloc-fail-counter ;;
		esac
		v=$("$PF" "$SECS" | grep -oE 'pages_per_s=[0-9]+' | cut -d= -f2)
		[ "$cfg" = off ] || stop_agent
		echo "$cfg $v" | tee -a "$TMP/pf"
	done
done
med() { grep "^$1 " "$TMP/pf" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
off=$(med off); on=$(med on); fail=$(med fail)
slow() { awk -v a="$1" -v b="$off" 'BEGIN{printf "%.2f", (b - a) * 100 / b}'; }
{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) vCPU, kernel $(uname -r); $ROUNDS interleaved rounds of ${SECS}s, medians."
	echo
	echo "| handler (bpf/compaction.bpf.c) | events | ns/event |"
	echo "| --- | --- | --- |"
	while read -r n c ns; do echo "| $n | $c | $ns |"; done <"$TMP/handlers"
	echo
	echo "| bench_alloc, pages faulted/s | median | slowdown vs off | target |"
	echo "| --- | --- | --- | --- |"
	echo "| agent off | $off | | |"
	echo "| agent on, defaults | $on | $(slow "$on")% | ≤ 1% |"
	echo "| agent on, --alloc-fail-counter | $fail | $(slow "$fail")% | reported |"
} >"$OUT"
cat "$OUT"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/xfcost.sh - the extfrag handler against its variants on the same
# events (bench/bench_xfcost.c, bench/xfcost.bpf.c). A bench/run.sh
# plug-in: prints a markdown table. Root only.
#
# Usage: bench/xfcost.sh [BUILD_DIR]
#   MFD_BENCH_XF_WORKLOAD  one event source instead of the two default
#                          runs: mfd-fragment pt (a trickle of cold
#                          events), then bench/storm.sh (a storm of warm
#                          ones)
#   MFD_BENCH_XF_RUNS      repeats of the first (default 13: each of the
#                          12 rotated variants goes first once)
#   MFD_BENCH_XF_STORM_RUNS  repeats of the storm (default 3, ~1 min each)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
BUILD=${1:-build}
[ "$(id -u)" -eq 0 ] || { echo "bench/xfcost.sh needs root"; exit 77; }
[ -x "$BUILD/bench/bench_xfcost" ] || { echo "bench_xfcost not built"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Two event sources, measured apart: page-table pressure gives a trickle
# of cold events (each meets cold caches and TLB), bench/storm.sh a storm
# of warm ones.
COLD="$BUILD/mfd-fragment pt --seconds 4 --loop"
# What the table says was run: the same commands with the build directory
# relative to the repository (bench/run.sh passes an absolute one), so the
# committed results carry no path of the machine that made them.
SHOWN=$BUILD
case "$BUILD" in
"$PWD"/*) SHOWN=${BUILD#"$PWD"/} ;;
/*) SHOWN=BUILD_DIR ;;
esac
COLD_SHOWN="$SHOWN/mfd-fragment pt --seconds 4 --loop"
STORM_SHOWN="bench/storm.sh $SHOWN"
WORKLOAD_SHOWN=${MFD_BENCH_XF_WORKLOAD:-}
WORKLOAD_SHOWN=${WORKLOAD_SHOWN//"$PWD"\//}
RUNS=${MFD_BENCH_XF_RUNS:-13}
STORM_RUNS=${MFD_BENCH_XF_STORM_RUNS:-3}
if [ -n "${MFD_BENCH_XF_WORKLOAD:-}" ]; then
	read -r -a workload <<<"$MFD_BENCH_XF_WORKLOAD"
	"$BUILD/bench/bench_xfcost" "$RUNS" -- "${workload[@]}" 2>"$TMP/xf.err" >"$TMP/cold" || true
	: >"$TMP/storm"
else
	read -r -a workload <<<"$COLD"
	"$BUILD/bench/bench_xfcost" "$RUNS" -- "${workload[@]}" 2>"$TMP/xf.err" >"$TMP/cold" || true
	grep '^repeat' "$TMP/xf.err" >&2 || true
	"$BUILD/bench/bench_xfcost" "$STORM_RUNS" -- bench/storm.sh "$BUILD" 2>"$TMP/xf.err" >"$TMP/storm" || true
fi
grep '^repeat' "$TMP/xf.err" >&2 || true

declare -A what=(
	[mfd]="**bpf/extfrag.bpf.c as shipped**: per-CPU counters, the record staged next to them, task fields loaded from current, clock read; a batch of 16 to the ring in one copy"
	[mfd_callsites]="the same with --callsites: each event's kernel and user stacks counted too (bpf/callsites.bpf.h)"
	[floor]="empty handler, always attached first"
	[empty]="empty handler in the rotation (what running first costs)"
	[counters]="exact per-kind counters only (per-CPU map)"
	[cur]="the earlier handler: helpers for pid/comm/cgroup/ktime, bpf_ringbuf_query wakeup"
	[nowake]="cur without the wakeup query (reader never woken: drops)"
	[lean]="the handler shipped before staging: a ring record per event, task fields as direct loads, ktime, counted wakeups"
	[nots]="lean without the clock read"
	[ro]="nots reading pageblock_order and the wakeup mask from .rodata"
	[nocg]="nots without the cgroup id (its mismatches show the cross-check bites)"
	[arr]="nots with its counters in a mmapable array indexed by CPU"
	[gcount]="counters only, in a global array indexed by CPU"
	[lru]="no records: per-tgid tallies in an LRU hash"
)
table() {
	echo "| variant | what it does | events | ns/event min / median / max | mean ns/event | median × floor | records / drops | records whose task fields differ from cur's / records compared (-: none; a repeat of over 65,536 records is not compared) |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	awk '$1 != "variant" && NF == 10' "$1" | while read -r v ev mn md mx mean xf rec dr mm; do
		echo "| $v | ${what[$v]:-} | $ev | $mn / $md / $mx | $mean | $xf | $rec / $dr | $mm |"
	done
}
echo "Extfrag handler variants attached together after an empty handler, order rotated per repeat. ns/event per repeat min / median / max, and the mean over all events."
echo
echo "#### Cold: a trickle of events, \`${WORKLOAD_SHOWN:-$COLD_SHOWN}\` ($RUNS repeats)"
echo
table "$TMP/cold"
if [ -s "$TMP/storm" ]; then
	echo
	echo "#### \`$STORM_SHOWN\` ($STORM_RUNS repeats): a storm of warm events (tests/workload/README.md)"
	echo
	table "$TMP/storm"
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/storm.sh [BUILD_DIR] - a storm of kmem:mm_page_alloc_extfrag events
# (tests/workload/README.md). mfd-fragment frag touches all but 1280 MiB of
# the available memory and frees one page in four, so that no pageblock is
# free enough to be claimed whole, and holds it. Then mfd-fragment pt
# --steal maps page tables past what Unmovable allocations take without
# stealing single pages (its pt_auto_gib(): the free Unmovable pool, and
# every free block of a pageblock or more, claimed whole, one event per
# block, in DMA32 too, as ALLOC_NOFRAGMENT prefers). Each page-table page
# beyond those steals one page from a hole. Proactive compaction is off meanwhile
# (vm.compaction_proactiveness, restored on exit): kcompactd otherwise
# migrates frag's pages to merge the holes into whole free blocks, and
# the page tables then claim those instead of storming. Root
# (/proc/pagetypeinfo, the sysctl).
set -euo pipefail
BUILD=${1:-build}
FRAG="$BUILD/mfd-fragment"
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
mib=$((avail - 1280))
if [ "$mib" -lt 1024 ]; then
	echo "storm: only $avail MiB available, need at least 2304" >&2
	exit 1
fi
out=$(mktemp)
fpid=
pro=/proc/sys/vm/compaction_proactiveness
pro_was=
cleanup() {
	if [ -n "$pro_was" ]; then echo "$pro_was" >"$pro" || true; fi
	if [ -n "$fpid" ]; then kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null || true; fi
	rm -f "$out"
}
trap cleanup EXIT
if [ -w "$pro" ]; then
	pro_was=$(cat "$pro")
	echo 0 >"$pro"
fi
"$FRAG" frag --mib "$mib" --free-every 4 --thp-off >"$out" 2>&1 &
fpid=$!
# frag prints "freed N pages" once the holes are made, then holds.
until grep -q "frag: freed" "$out"; do
	kill -0 "$fpid" 2>/dev/null || { cat "$out" >&2; exit 1; }
	sleep 0.2
done
# pt --steal sizes its page tables from /proc/pagetypeinfo: the free
# Unmovable pool, every free block of a pageblock or more, and then 60 % of
# the holes, the single-page steals that make the storm. (frag's own count
# of holes: /proc/pagetypeinfo prints >100000 past six digits.)
holes=$(sed -n 's/.*frag: freed \([0-9]*\) pages.*/\1/p' "$out")
echo "storm: $mib MiB touched, ${holes:-0} holes" >&2
"$FRAG" pt --steal $((${holes:-0} * 6 / 10)) --hold 0

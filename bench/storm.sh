#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/storm.sh [BUILD_DIR] - a storm of kmem:mm_page_alloc_extfrag events
# (tests/workload/README.md). mfd-fragment frag touches all but 1280 MiB of
# the available memory and frees one page in four, so that no pageblock is
# free enough to be claimed whole, and holds it. Then mfd-fragment pt maps
# page tables past the free Unmovable pool and the whole blocks left free,
# sized from /proc/pagetypeinfo after frag has run: each page-table page
# beyond those steals one page. Whether it storms depends on the state of
# memory: a large free Unmovable pool left by earlier runs has been seen
# to absorb it. Root (/proc/pagetypeinfo).
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
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -f "$out"
}
trap cleanup EXIT
"$FRAG" frag --mib "$mib" --free-every 4 --thp-off >"$out" 2>&1 &
fpid=$!
# frag prints "freed N pages" once the holes are made, then holds.
until grep -q "frag: freed" "$out"; do
	kill -0 "$fpid" 2>/dev/null || { cat "$out" >&2; exit 1; }
	sleep 0.2
done
# Page tables for the free Unmovable pool, for the 1280 MiB left free
# (whole free blocks, claimed one event per block), and then for 60 % of
# the holes: the single-page steals that make the storm.
pool=$(awk '$1 == "Node" && $6 == "Unmovable" {
	for (i = 7; i <= NF; i++) { c = $i; sub(/^>/, "", c); s += c * 2 ^ (i - 7) }
} END { printf "%d", s }' /proc/pagetypeinfo)
steal=$((mib / 4 * 256 * 6 / 10))
gib=$(((pool + 1280 * 256 + steal) / 512 + 1))
echo "storm: $mib MiB touched, $pool free Unmovable pages, mapping $gib GiB" >&2
"$FRAG" pt --gib "$gib" --hold 0

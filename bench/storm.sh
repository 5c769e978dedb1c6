#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/storm.sh [BUILD_DIR] - a storm of kmem:mm_page_alloc_extfrag events
# (tests/workload/README.md): mfd-fragment touches all but 1280 MiB of the
# available memory, frees one page in four (no pageblock is then free enough
# to be claimed whole), and faults page tables worth about 60 % of what is
# free after that, so every page-table page steals a page. Sized from
# MemAvailable when it starts, so each run fits the memory it finds. Root
# not needed; the events need a kernel whose Unmovable pool runs out.
set -euo pipefail
BUILD=${1:-build}
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
mib=$((avail - 1280))
if [ "$mib" -lt 1024 ]; then
	echo "storm: only $avail MiB available, need at least 2304" >&2
	exit 1
fi
# Page tables: one 4 KiB page per 2 MiB mapped, 2 MiB per GiB.
gib=$(((mib / 4 + 1280) * 3 / 10))
exec "$BUILD/mfd-fragment" both --mib "$mib" --free-every 4 --thp-off \
	--gib "$gib" --hold 0

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run.sh plug-in: the CPU one /metrics page costs to render from a
# snapshot (bench_prom, the 3-zone fixture), text 0.0.4 and OpenMetrics.
# A page is rendered at most once per sample, on the first scrape after
# it. Exit 77 when this build has no bench_prom.
set -euo pipefail
bin=$BUILD/bench/bench_prom
[ -x "$bin" ] || { echo "no $bin in this build"; exit 77; }
out=$("$bin" "" 2000 2>&1)
txt=$(grep -oE 'text 0.0.4: +[0-9.]+ us, [0-9]+ bytes' <<<"$out" | grep -oE '[0-9.]+ us, [0-9]+')
om=$(grep -oE 'OpenMetrics: +[0-9.]+ us' <<<"$out" | grep -oE '[0-9.]+ us')
echo "| /metrics page render on the 3-zone fixture (bench_prom, µs, bytes) | ${txt/ us,/ µs,} B | OpenMetrics ${om/ us/ µs} | | renderer |"

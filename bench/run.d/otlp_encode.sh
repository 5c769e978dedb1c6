#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run.sh plug-in: encode + gzip cost of one OTLP export of a full
# snapshot, and bytes per sample, from the OTLP branch's bench_otlp binary
# (issue 3). Rows it prints that start with "| " are used as they are;
# otherwise its last line is quoted in one row. Exit 77 when this build
# has no bench_otlp.
set -euo pipefail
bin=$BUILD/bench/bench_otlp
[ -x "$bin" ] || { echo "no $bin in this build"; exit 77; }
out=$("$bin" "$RUNS" 2>&1)
if grep -q '^| ' <<<"$out"; then
	grep '^| ' <<<"$out"
else
	echo "| OTLP encode + gzip of one export of a full snapshot (bench_otlp) | $(tail -1 <<<"$out" | tr '|' '/') | | | ≤ 2 KiB gzip per sample (issue 3) |"
fi

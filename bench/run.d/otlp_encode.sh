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
# The fixture's 3 zones, batches of 1 (a lone sample) and of 30 (-d 2 with
# the default 60 s export interval).
lone=$("$bin" "" 1 2>&1 | grep -oE 'per sample: [0-9]+' | grep -oE '[0-9]+$')
out=$("$bin" "" 30 2>&1)
per=$(grep -oE 'per sample: [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
enc=$(grep -oE 'export of 30 samples: +[0-9.]+ us' <<<"$out" | grep -oE '[0-9.]+ us')
echo "| OTLP bytes per sample, encoder alone on the 3-zone fixture (zone metrics only, no kernel counters), gzip (bench_otlp) | $per B (30 per export) | a lone sample: $lone B | | encoder |"
echo "| OTLP encode + gzip of one 30-sample export (bench_otlp, µs) | ${enc% us} | | | |"

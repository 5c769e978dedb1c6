#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh plug-in: the HTTP server under hostile load (issue 16) -
# history CPU per request, /metrics p50/p99 under a 200-connection
# slowloris, peak RSS under a pipelined flood that never reads - from
# bench/http_bench.py's hostile-load section (its plain scrape sections
# are skipped: SCRAPES=0). Builds named in MFD_BENCH_BASELINE
# (LABEL=BUILD_DIR,...) are measured side by side in the same run.
set -euo pipefail
build=${1:?usage: http_hostile.sh BUILD_DIR}
[ -x "$build/mfd-agent" ] || { echo "no $build/mfd-agent"; exit 77; }
exec python3 "$(dirname "$0")/http_bench.py" "$build" 0

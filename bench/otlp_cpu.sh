#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/otlp_cpu.sh [BUILD_DIR] [SECONDS] - agent CPU per sample with the
# OTLP exporter on (sending to the test receiver) against off, side by
# side in one run. Sampling every 0.2 s, exporting every 10 s, from BPF
# when root (else procfs). Prints a small markdown table. Not a test.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
BUILD=${1:-build}
SECS=${2:-30}
AGENT=$BUILD/mfd-agent
ROOTJS=${MFD_OTLP_ROOTJS:-/var/cache/mfd-test/npm/otlp-transformer-0.52.1/node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js}
[ -f "$ROOTJS" ] || { echo "run the otlp tests once first (npm cache)" >&2; exit 1; }
SRC=procfs
[ "$(id -u)" -eq 0 ] && SRC=bpf
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; rm -rf "$TMP"' EXIT
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END{printf "%.0f\n", s}'; }

node tests/otlp/receiver.js "$ROOTJS" 4316 4317 >"$TMP/recv.log" 2>&1 &
PIDS+=($!)
sleep 1
run() { # run LABEL [args]: CPU ns per sample over SECS
	local label=$1 pid c0 c1
	shift
	"$AGENT" --source $SRC --no-events --headless -d 0.2 "$@" 2>/dev/null &
	pid=$!
	PIDS+=($pid)
	sleep 2 # start-up excluded
	c0=$(cpu_ns $pid)
	sleep "$SECS"
	c1=$(cpu_ns $pid)
	kill -TERM $pid
	wait $pid || true
	echo "| $label | $(((c1 - c0) / (SECS * 5) / 1000)) |"
}
echo "| agent, $SRC source, -d 0.2, ${SECS}s | CPU µs per sample |"
echo "| --- | --- |"
run "OTLP off"
run "OTLP on (export every 10 s, gzip)" --otlp-endpoint http://127.0.0.1:4316 --export-interval 10
run "OTLP off (again)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/statsd_packets.sh - StatsD packets and bytes per interval on this
# machine, for each tag style, at the default MTU (and one small MTU).
#
# Usage: bench/statsd_packets.sh [BUILD_DIR] [SECONDS]   (default build, 6)
# A UDP sink on 127.0.0.1:18125 counts what the agent sends; the agent's
# own summary line gives the number of sends (one per sample). As root the
# agent uses its default source (BPF) with extfrag events, so the series
# are what a real deployment sends; otherwise procfs without events.
# Not a pass/fail test.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
BUILD=${1:-build}
SECS=${2:-6}
AGENT=$BUILD/mfd-agent
PORT=18125
[ -x "$AGENT" ] || { echo "build first: ./dev.sh build" >&2; exit 1; }
TMP=$(mktemp -d)
SINK=
trap '[ -n "$SINK" ] && kill $SINK 2>/dev/null; rm -rf "$TMP"' EXIT
SRC=()
[ "$(id -u)" -eq 0 ] || SRC=(--source procfs --no-events)

# A UDP sink that writes "packets bytes lines largest" to $TMP/sink on SIGTERM.
start_sink() {
	rm -f "$TMP/sink" "$TMP/sink.ready"
	python3 - "$PORT" "$TMP/sink" <<'EOP' &
import signal, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
n = b = lines = big = 0
def done(*_):
    open(sys.argv[2], "w").write("%d %d %d %d\n" % (n, b, lines, big))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
open(sys.argv[2] + ".ready", "w").close()
while True:
    d = s.recv(65536)
    n += 1; b += len(d); lines += d.count(b"\n") + 1; big = max(big, len(d))
EOP
	SINK=$!
	for _ in $(seq 50); do [ -f "$TMP/sink.ready" ] && break; sleep 0.1; done
}
stop_sink() {
	kill "$SINK" 2>/dev/null || true
	wait "$SINK" 2>/dev/null || true
	SINK=
}

printf '| tag style | MTU | packets/interval | bytes/interval | lines/interval | largest packet |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for run in "none 1432" "dogstatsd 1432" "graphite 1432" "dogstatsd 512"; do
	set -- $run
	start_sink
	"$AGENT" --headless -d 1 --duration "$SECS" "${SRC[@]}" \
		--statsd 127.0.0.1:$PORT --statsd-tags "$1" --statsd-mtu "$2" 2>"$TMP/log"
	sleep 0.3 # loopback delivery, then the sink's totals
	stop_sink
	sends=$(sed -n 's/.*statsd: \([0-9]*\) sends:.*/\1/p' "$TMP/log")
	read -r pk by li big <"$TMP/sink"
	awk -v s="$1" -v m="$2" -v n="$sends" -v pk="$pk" -v by="$by" -v li="$li" -v big="$big" \
		'BEGIN{printf "| %s | %d | %.1f | %.0f | %.1f | %d |\n", s, m, pk/n, by/n, li/n, big}'
done
echo
echo "(lines counts a negative gauge's 0-then-value pair as two; $(grep -c . /proc/buddyinfo) zones in /proc/buddyinfo)"

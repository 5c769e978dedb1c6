# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the StatsD tests: install the reference daemon (npm statsd
# 0.9.0) into a cache outside git, start it, ask its admin port.
# Ports: 18121-18139 (this test's block).
NPM_CACHE=${MFD_NPM_CACHE:-/var/cache/mfd-test/npm}
STATSD_DIR=$NPM_CACHE/statsd-0.9.0
STATSD_JS=$STATSD_DIR/node_modules/statsd/stats.js
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)

need_statsd() {
	command -v node >/dev/null && command -v npm >/dev/null ||
		{ echo "skipped: node/npm missing"; exit 77; }
	[ -f "$STATSD_JS" ] && return 0
	mkdir -p "$STATSD_DIR" || { echo "skipped: cannot create $STATSD_DIR"; exit 77; }
	# flock: parallel tests may install at once.
	(
		flock 9
		[ -f "$STATSD_JS" ] || npm install --no-audit --no-fund --ignore-scripts \
			--prefix "$STATSD_DIR" statsd@0.9.0 >&2
	) 9>"$STATSD_DIR.lock"
	[ -f "$STATSD_JS" ] || { echo "FAIL - npm install statsd@0.9.0"; exit 1; }
}

# start_statsd PORT MGMT_PORT [udp|tcp]: a fresh daemon that never
# flushes, so counters and gauges hold everything received.
start_statsd() {
	local port=$1 mgmt=$2 proto=${3:-udp} i
	cat >"$TMP/statsd.js" <<EOC
{ servers: [ { server: "./servers/$proto", address: "127.0.0.1", port: $port } ],
  mgmt_port: $mgmt, mgmt_address: "127.0.0.1",
  flushInterval: 2000000000, deleteGauges: false, deleteCounters: false,
  backends: [] }
EOC
	node "$STATSD_JS" "$TMP/statsd.js" >"$TMP/statsd.log" 2>&1 &
	STATSD_PID=$!
	PIDS+=("$STATSD_PID")
	for i in $(seq 100); do # until the admin port answers
		admin "$mgmt" counters >/dev/null 2>&1 && return 0
		kill -0 "$STATSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL - statsd did not start:"; sed 's/^/    | /' "$TMP/statsd.log"; exit 1
}

stop_statsd() {
	kill "$STATSD_PID" 2>/dev/null || true
	wait "$STATSD_PID" 2>/dev/null || true
}

admin() { node "$HERE/statsd_admin.js" "$@"; }

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGTERM drains within the DaemonSet's grace period: a final snapshot,
# a final flush, exit 0 - also when the collector accepts the connection
# and never answers (the flush is bounded by --shutdown-timeout). The
# grace period is read from containers/k8s/daemonset.yaml: a pod that
# overstays it is SIGKILLed, so it is the requirement, not a benchmark.
# The OTLP half needs --otlp-endpoint (after the OTLP merge); ports
# 9485-9486.
. "$(dirname "$0")/lib.sh" "$@"
need_root
# After the HTTP merge every loop-mode agent binds 127.0.0.1:9464 by
# default; these tests do not need it (and must not collide on it).
HTTP_OFF=()
grep -q -- "--http " <<<"$("$AGENT" --help)" && HTTP_OFF=(--http off)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
grace=$(awk '/terminationGracePeriodSeconds:/ {print $2; exit}' "$SRC/containers/k8s/daemonset.yaml")
[ -n "$grace" ] && pass "grace period from the DaemonSet: ${grace}s" || { fail "no terminationGracePeriodSeconds"; finish; }

# wait_exit PID SECONDS: the exit status, or 124 (and a SIGKILL, as the
# kubelet would) when it overstays.
wait_exit() {
	local pid=$1 i
	for i in $(seq $(($2 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 124; fi
	wait "$pid"
}
started() { for _ in $(seq 100); do grep -q "collecting every" "$1" && return 0; sleep 0.1; done; return 1; }

# 1. Plain: final snapshot, JSON state, exit 0.
"$AGENT" "${HTTP_OFF[@]}" --headless -d 3600 --format json >"$TMP/state.json" 2>"$TMP/err" &
apid=$!; PIDS+=("$apid")
started "$TMP/err" || fail "agent did not start: $(cat "$TMP/err")"
kill -TERM "$apid"
rc=0; wait_exit "$apid" "$grace" || rc=$?
[ "$rc" -eq 0 ] && pass "SIGTERM: exit 0 within ${grace}s" || fail "SIGTERM: exit $rc"
# -d 3600: no tick ran, so a second sample can only be the final one.
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["samples"] >= 2 and s["sample_failures"] == 0 else 1)' "$TMP/state.json" &&
	pass "a final snapshot was taken on SIGTERM" || fail "no final snapshot: $(cat "$TMP/state.json")"

# 2. With an OTLP collector that never answers: still exit 0 in time.
if ! grep -q -- "--otlp-endpoint" <<<"$("$AGENT" --help)"; then
	echo "note: no --otlp-endpoint in this build; the flush-to-collector half runs after the OTLP merge"
	finish
	exit 0
fi
python3 - <<'PY' >"$TMP/srv.log" 2>&1 &
import socket, threading, time, http.server
# 9485: answers every export with 200 and logs it; 9486: accepts, never answers.
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0"); self.end_headers()
        print("POST", self.path, n, flush=True)
    def log_message(self, *a): pass
threading.Thread(target=http.server.HTTPServer(("127.0.0.1", 9485), H).serve_forever, daemon=True).start()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 9486)); s.listen(64)
held = []
while True:
    c, _ = s.accept(); held.append(c)
PY
PIDS+=("$!")
sleep 0.5
for mode in answering silent; do
	port=9485; [ "$mode" = silent ] && port=9486
	: >"$TMP/srv.log.mark"
	"$AGENT" "${HTTP_OFF[@]}" --headless -d 3600 --otlp-endpoint "http://127.0.0.1:$port" --shutdown-timeout 5 >"$TMP/out" 2>"$TMP/err" &
	apid=$!; PIDS+=("$apid")
	started "$TMP/err" || fail "$mode: agent did not start: $(cat "$TMP/err")"
	before=$(grep -c "^POST /v1/metrics" "$TMP/srv.log" || true)
	kill -TERM "$apid"
	rc=0; wait_exit "$apid" "$grace" || rc=$?
	[ "$rc" -eq 0 ] && pass "$mode collector: exit 0 within ${grace}s" || fail "$mode collector: exit $rc"
	if [ "$mode" = answering ]; then
		after=$(grep -c "^POST /v1/metrics" "$TMP/srv.log" || true)
		[ "$after" -gt "$before" ] && pass "the final flush reached the collector" || fail "no export on SIGTERM ($before -> $after)"
	else
		grep -qiE "deadline|timed? ?out|in flight" "$TMP/err" && pass "silent collector: the log says the flush was cut short" || fail "silent collector: nothing logged: $(tail -3 "$TMP/err")"
	fi
done
finish

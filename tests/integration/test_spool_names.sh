#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Spool file names: a file named 9999999999999999.spool once made every
# later name 17 digits long, and the next start ignored those files:
# never sent, never evicted, not counted against the cap. Here a real
# spool (left by a run killed with -9 while the collector was down) gets
# that name, a copy under another width (7.spool) and one whose number
# overflows 64 bits. The next start must queue every file (its log line
# against the files' own sizes from stat), keep the names at 16 digits,
# and a third run against a collector that answers 200 must send them all
# and leave the spool empty. That collector is Python's http.server,
# which speaks HTTP/1.0 and closes each connection after its response:
# the backlog goes out back to back, so no send may fail by being written
# into the closed connection. No root; ports picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
FIX=$(readlink -f "$(dirname "$0")/../fixtures/procfs/vm-6.18")
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SPOOL=$TMP/spool
DEAD=$(free_port)
RUN=(--source procfs --proc-dir "$FIX" --no-events --headless -d 0.1 --export-interval 0.3
	--otlp-max-backoff 1 --spool "$SPOOL" --http off --shutdown-timeout 2)

"$AGENT" "${RUN[@]}" --otlp-endpoint "http://127.0.0.1:$DEAD" 2>"$TMP/a1.log" &
APID=$!
PIDS+=("$APID")
for _ in $(seq 100); do [ "$(find "$SPOOL" -name '*.spool' 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
sleep 0.5
kill -9 "$APID"
wait "$APID" 2>/dev/null || true
n=$(find "$SPOOL" -name '*.spool' | wc -l)
[ "$n" -ge 3 ] && pass "a killed run left $n spool files" || { fail "only $n spool files"; finish; exit 1; }
newest=$(ls "$SPOOL" | sort | tail -1)
oldest=$(ls "$SPOOL" | sort | head -1)
mv "$SPOOL/$newest" "$SPOOL/9999999999999999.spool"
cp "$SPOOL/$oldest" "$SPOOL/7.spool"
cp "$SPOOL/$oldest" "$SPOOL/123456789012345678901234567.spool"
files=$(find "$SPOOL" -name '*.spool' | wc -l)
bytes=$(find "$SPOOL" -name '*.spool' -printf '%s\n' | awk '{ s += $1 } END { print s }')

# Second run, collector still down: everything found is queued and counted.
"$AGENT" "${RUN[@]}" --otlp-endpoint "http://127.0.0.1:$DEAD" 2>"$TMP/a2.log" &
APID=$!
PIDS+=("$APID")
for _ in $(seq 100); do grep -q "collecting every" "$TMP/a2.log" && break; sleep 0.1; done
sleep 1
kill -TERM "$APID"
wait "$APID" || true
grep -q "spool $SPOOL: $files batch(es), $bytes bytes from an earlier run queued first" "$TMP/a2.log" &&
	pass "all $files files ($bytes bytes, by stat) queued and counted against the cap" ||
	fail "queued: $(grep 'from an earlier run' "$TMP/a2.log"), want $files files, $bytes bytes"
long=$(ls "$SPOOL" | grep -cvE '^[0-9]{16}\.spool$' || true)
[ "$long" -eq 0 ] && pass "every name is 16 digits after the run" || fail "names left: $(ls "$SPOOL" | grep -vE '^[0-9]{16}\.spool$' | head -3)"
now=$(find "$SPOOL" -name '*.spool' | wc -l)
said=$(sed -n 's/.*at exit \([0-9]*\) export batch(es) with [0-9]* undelivered points\/records stay in the spool.*/\1/p' "$TMP/a2.log")
[ "${said:-x}" = "$now" ] && pass "the exit message counts the $now files on disk" || fail "exit message says '${said}', $now files there"

# Third run, a collector that accepts everything: the spool drains.
CP=$(free_port)
: >"$TMP/posts"
python3 - "$CP" "$TMP/posts" <<'PY' 2>"$TMP/srv.log" &
import http.server, sys
port, log = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(log, "a") as f:
            f.write(self.path + "\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
PIDS+=("$!")
for _ in $(seq 100); do
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$CP" 2>/dev/null && break
	sleep 0.1
done
"$AGENT" "${RUN[@]}" --otlp-endpoint "http://127.0.0.1:$CP" 2>"$TMP/a3.log" &
APID=$!
PIDS+=("$APID")
# Until the old batches went out and only the batch being filled is left.
for _ in $(seq 300); do
	[ "$(wc -l <"$TMP/posts")" -ge "$now" ] && [ "$(find "$SPOOL" -name '*.spool' | wc -l)" -le 1 ] && break
	sleep 0.1
done
kill -TERM "$APID"
wait "$APID" || true
posts=$(wc -l <"$TMP/posts")
[ "$posts" -ge "$now" ] && pass "$posts requests for $now spooled batches" || fail "$posts requests for $now batches"
left=$(find "$SPOOL" -name '*.spool' | wc -l)
[ "$left" -eq 0 ] && pass "the spool is empty: every file was sent" || fail "$left spool files left: $(ls "$SPOOL" | head -3)"
grep -q "failed:" "$TMP/a3.log" && fail "sends failed against the HTTP/1.0 collector: $(grep -m2 'failed:' "$TMP/a3.log")" ||
	pass "no send failed against the HTTP/1.0 collector"
finish

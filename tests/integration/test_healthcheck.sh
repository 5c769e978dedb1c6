#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --healthcheck URL, the container image's HEALTHCHECK (no shell, no curl
# in the image): exit 0 on a 2xx answer from a real HTTP server (Python's
# http.server), 1 on any other status, a refused connection or a bad URL.
# Needs no root. Ports picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
read -r OK CLOSED <<<"$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')"
python3 - "$OK" >"$TMP/srv.log" 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
PIDS+=("$!")
for _ in $(seq 50); do python3 -c 'import socket; socket.create_connection(("127.0.0.1", '"$OK"'), 1)' 2>/dev/null && break; sleep 0.1; done

expect_exit 0 "200 from /healthz" "$AGENT" --healthcheck http://127.0.0.1:$OK/healthz
expect_exit 1 "503 is unhealthy" "$AGENT" --healthcheck http://127.0.0.1:$OK/other
grep -q "HTTP 503" "$TMP/err" && pass "says the status" || fail "no status in: $(cat "$TMP/err")"
expect_exit 1 "refused connection" "$AGENT" --healthcheck http://127.0.0.1:$CLOSED/healthz
grep -q "refused" "$TMP/err" && pass "says why" || fail "no reason in: $(cat "$TMP/err")"
for bad in "ftp://127.0.0.1/" "http://" "http://[::1:9480/" "http://h:99999/" "http://h:/x" "http://h/a b"; do
	expect_exit 1 "bad URL '$bad'" "$AGENT" --healthcheck "$bad"
done

# A server that trickles its answer one byte a second ("HTTP/1.0 200 OK"
# would take 17 s) and one that accepts and never answers: the timeout
# (3 s) is for the whole exchange, so both end unhealthy with a message,
# not with the 200 a per-read timeout would finally let through. Free
# ports, picked now; timeout(1) makes a hang exit 124, not a pass.
SLOW=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$SLOW" >"$TMP/slow.log" 2>&1 <<'PY' &
import socket, sys, threading, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(8)
def trickle(c):
    try:
        c.recv(4096)
        for b in b"HTTP/1.0 200 OK\r\n\r\nok\n":
            c.sendall(bytes([b]))
            time.sleep(1)
    except OSError:
        pass
    c.close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=trickle, args=(c,), daemon=True).start()
PY
PIDS+=("$!")
MUTE=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$MUTE" >"$TMP/mute.log" 2>&1 <<'PY' &
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(8)
held = []
while True:
    c, _ = srv.accept()
    held.append(c)  # never read, never answer
PY
PIDS+=("$!")
for p in "$SLOW" "$MUTE"; do
	for _ in $(seq 50); do python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$p" 2>/dev/null && break; sleep 0.1; done
done
expect_exit 1 "a server trickling one byte a second" timeout 60 "$AGENT" --healthcheck "http://127.0.0.1:$SLOW/healthz"
grep -q "no complete status line within 3s in total" "$TMP/err" && pass "trickle: says the total timeout ran out" ||
	fail "trickle: $(cat "$TMP/err")"
expect_exit 1 "a server that never answers" timeout 60 "$AGENT" --healthcheck "http://127.0.0.1:$MUTE/healthz"
grep -q "within 3s in total" "$TMP/err" && pass "mute: says the total timeout ran out" || fail "mute: $(cat "$TMP/err")"
finish

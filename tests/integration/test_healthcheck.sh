#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --healthcheck URL, the container image's HEALTHCHECK (no shell, no curl
# in the image): exit 0 on a 2xx answer from a real HTTP server (Python's
# http.server), 1 on any other status, a refused connection or a bad URL.
# Needs no root. Ports 9480-9481 (this suite's range).
. "$(dirname "$0")/lib.sh" "$@"
python3 - 9480 >"$TMP/srv.log" 2>&1 <<'PY' &
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
for _ in $(seq 50); do python3 -c 'import socket; socket.create_connection(("127.0.0.1", 9480), 1)' 2>/dev/null && break; sleep 0.1; done

expect_exit 0 "200 from /healthz" "$AGENT" --healthcheck http://127.0.0.1:9480/healthz
expect_exit 1 "503 is unhealthy" "$AGENT" --healthcheck http://127.0.0.1:9480/other
grep -q "HTTP 503" "$TMP/err" && pass "says the status" || fail "no status in: $(cat "$TMP/err")"
expect_exit 1 "refused connection" "$AGENT" --healthcheck http://127.0.0.1:9481/healthz
grep -q "refused" "$TMP/err" && pass "says why" || fail "no reason in: $(cat "$TMP/err")"
for bad in "ftp://127.0.0.1/" "http://" "http://[::1:9480/" "http://h:99999/" "http://h:/x" "http://h/a b"; do
	expect_exit 1 "bad URL '$bad'" "$AGENT" --healthcheck "$bad"
done
finish

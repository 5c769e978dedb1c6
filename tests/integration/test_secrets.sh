#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An OTLP auth header given by file (the DaemonSet's mounted Secret)
# reaches the collector and nowhere else: not in the agent's logs at debug
# level, not in /proc/PID/cmdline or environ, not in the error messages of
# a collector that rejects it (401) or of one that is down. Needs
# --otlp-headers-file (after the OTLP/config merge): skips before it.
# Ports picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
need_root
# After the HTTP merge every loop-mode agent binds 127.0.0.1:9464 by
# default; these tests do not need it (and must not collide on it).
HTTP_OFF=()
grep -q -- "--http " <<<"$("$AGENT" --help)" && HTTP_OFF=(--http off)
grep -q -- "--otlp-headers-file" <<<"$("$AGENT" --help)" ||
	{ echo "skipped: $AGENT has no --otlp-headers-file yet (OTLP merge)"; exit 77; }
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
P401=$(free_port) PDEAD=$(free_port)
token="mfd-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'Authorization=Bearer %s\n' "$token" >"$TMP/headers"
chmod 0400 "$TMP/headers"

python3 - "$TMP/seen" "$P401" <<'PY' >"$TMP/srv.log" 2>&1 &
import http.server, sys
seen = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        with open(seen, "a") as f:
            f.write(self.headers.get("Authorization", "") + "\n")
        self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), H).serve_forever()
PY
PIDS+=("$!")
sleep 0.5

for ep in "http://127.0.0.1:$P401" "http://127.0.0.1:$PDEAD"; do
	"$AGENT" "${HTTP_OFF[@]}" --headless -d 0.3 --log-level debug --otlp-endpoint "$ep" --otlp-headers-file "$TMP/headers" \
		--export-interval 0.5 >"$TMP/out" 2>"$TMP/err" &
	apid=$!; PIDS+=("$apid")
	for _ in $(seq 100); do grep -q "collecting every" "$TMP/err" && break; sleep 0.1; done
	sleep 2 # a few exports, each rejected (401) or refused (closed port)
	tr '\0' ' ' </proc/$apid/cmdline >"$TMP/cmdline"
	tr '\0' '\n' </proc/$apid/environ >"$TMP/environ"
	kill -TERM "$apid"; wait "$apid" || true
	for f in out err cmdline environ; do
		grep -q "$token" "$TMP/$f" && fail "$ep: the token is in $f" || pass "$ep: not in $f"
	done
	grep -qiE "401|refused|fail|error" "$TMP/err" && pass "$ep: the failure was logged (without the token)" || fail "$ep: no failure logged: $(tail -3 "$TMP/err")"
done
grep -q "Bearer $token" "$TMP/seen" && pass "the collector received the header from the file" || fail "the header never reached the collector"

# A collector that answers 400 with the request's headers in the body (some
# proxies and debug endpoints do), reached through a URL with a password:
# the body excerpt is logged, every secret in it starred out, and the URL
# is logged with "***" for the password. Free port, picked now.
EPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$EPORT" "$TMP/echoed" <<'PY' >"$TMP/echo.log" 2>&1 &
import http.server, sys
port, seen = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        body = ("bad request, you sent: " + " | ".join("%s: %s" % kv for kv in self.headers.items())).encode()
        with open(seen, "ab") as f:
            f.write(body + b"\n")
        self.send_response(400); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
PIDS+=("$!")
for _ in $(seq 50); do python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$EPORT" 2>/dev/null && break; sleep 0.1; done
pw="pw-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
basic=$(printf 'agent:%s' "$pw" | base64)
# Not Authorization: a custom one would replace curl's Basic credential.
printf 'x-api-key=%s\n' "$token" >"$TMP/headers2"
"$AGENT" "${HTTP_OFF[@]}" --headless -d 0.3 --log-level debug --otlp-endpoint "http://agent:$pw@127.0.0.1:$EPORT" \
	--otlp-headers-file "$TMP/headers2" --export-interval 0.5 >"$TMP/out" 2>"$TMP/err" &
apid=$!; PIDS+=("$apid")
for _ in $(seq 100); do grep -q "bad request, you sent" "$TMP/err" && break; sleep 0.1; done
kill -TERM "$apid"; wait "$apid" || true
grep -q "$token" "$TMP/echoed" && grep -q "$basic" "$TMP/echoed" &&
	pass "the echoing collector got the token and the Basic credential" || fail "the echo server did not see the secrets"
grep -q "bad request, you sent" "$TMP/err" && pass "the 400 body excerpt is logged" || fail "no body excerpt logged: $(tail -3 "$TMP/err")"
for secret in "$token" "$pw" "$basic"; do
	grep -qF -- "$secret" "$TMP/err" && fail "a secret (${secret:0:6}...) reached the log" || pass "secret ${secret:0:6}... not in the log"
done
grep -q "agent:\*\*\*@127.0.0.1:$EPORT" "$TMP/err" && pass "the URL is logged with its password redacted" ||
	fail "no redacted URL in the log"
finish

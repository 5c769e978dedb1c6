#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --check-config runs the exporters' own validation, the one a start runs:
# every setting an exporter would refuse makes both --check-config and a
# real start exit 2 (bad configuration) with the same message, before
# anything is loaded or sent. A good configuration passes both. No root,
# no BPF: procfs on a fixture; ports are picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
FIX=$(readlink -f "$(dirname "$0")/../fixtures/procfs/vm-6.18")
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
START=(--source procfs --proc-dir "$FIX" --no-events --headless -d 0.2 --duration 1)
printf 'x-ok=fine\nauthorization=Bearer%%zz\n' >"$TMP/bad-headers"
printf 'authorization=Bearer%%20good\n' >"$TMP/good-headers"

# case NAME MESSAGE-REGEX ARGS...: both runs exit 2 and say MESSAGE.
case_() {
	local name=$1 re=$2 rc
	shift 2
	for mode in check start; do
		rc=0
		if [ "$mode" = check ]; then
			timeout 30 "$AGENT" --check-config "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
		else
			timeout 30 "$AGENT" "${START[@]}" --http off "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
		fi
		if [ "$rc" -eq 2 ] && grep -Eq -- "$re" "$TMP/err"; then
			pass "$name: $mode exits 2 with /$re/"
		else
			fail "$name: $mode exit $rc: $(head -3 "$TMP/err")"
		fi
	done
}
# The HTTP listener is on by default, so its own case passes --http last.
case_http() {
	local rc
	for mode in check start; do
		rc=0
		if [ "$mode" = check ]; then
			timeout 30 "$AGENT" --check-config --http 127.0.0.1:99999 >"$TMP/out" 2>"$TMP/err" || rc=$?
		else
			timeout 30 "$AGENT" "${START[@]}" --http 127.0.0.1:99999 >"$TMP/out" 2>"$TMP/err" || rc=$?
		fi
		[ "$rc" -eq 2 ] && grep -q "99999" "$TMP/err" && pass "--http 127.0.0.1:99999: $mode exits 2" ||
			fail "--http 127.0.0.1:99999: $mode exit $rc: $(head -3 "$TMP/err")"
	done
}
case_http
case_ "StatsD port 0" "statsd.*port from 1 to 65535" --statsd 127.0.0.1:0
case_ "ftp:// endpoint" "not an http:// or https:// URL" --otlp-endpoint ftp://127.0.0.1/
case_ "--otlp-protocol grpc" "grpc' is not supported" --otlp-endpoint http://127.0.0.1:1 --otlp-protocol grpc
case_ "bad percent-encoding in a headers file" "malformed header list" \
	--otlp-endpoint http://127.0.0.1:1 --otlp-headers-file "$TMP/bad-headers"
# The same from the environment (OTEL_*), which the exporter also reads.
OTEL_EXPORTER_OTLP_HEADERS='a=%zz' case_ "bad percent-encoding in OTEL_EXPORTER_OTLP_HEADERS" \
	"OTEL_EXPORTER_OTLP_HEADERS: malformed header list" --otlp-endpoint http://127.0.0.1:1
OTEL_EXPORTER_OTLP_PROTOCOL=grpc case_ "OTEL_EXPORTER_OTLP_PROTOCOL=grpc" "grpc' is not supported" \
	--otlp-endpoint http://127.0.0.1:1
# No secret in the message.
grep -q "Bearer" "$TMP/err" && fail "a header value reached the message" || true

# An endpoint's password is never shown in full: not by --check-config,
# not in the start-up line, not in a SIGHUP's change log.
pw1="pw-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pw2="pw-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dead=$(free_port)
"$AGENT" --check-config --otlp-endpoint "http://me:$pw1@127.0.0.1:$dead" >"$TMP/out" 2>"$TMP/err" || true
grep -q "endpoint: \"http://me:\*\*\*@127.0.0.1:$dead\"" "$TMP/out" && ! grep -q "$pw1" "$TMP/out" "$TMP/err" &&
	pass "--check-config shows the endpoint with *** for the password" || fail "check-config: $(grep endpoint "$TMP/out" | head -1)"
printf 'otlp:\n  endpoint: "http://me:%s@127.0.0.1:%s"\n' "$pw1" "$dead" >"$TMP/pw.yaml"
"$AGENT" --config "$TMP/pw.yaml" --source procfs --proc-dir "$FIX" --no-events --headless -d 0.2 --http off >"$TMP/out" 2>"$TMP/agent.err" &
apid=$!
PIDS+=("$apid")
for _ in $(seq 100); do grep -q "collecting every" "$TMP/agent.err" && break; sleep 0.1; done
printf 'otlp:\n  endpoint: "http://me:%s@127.0.0.1:%s"\n' "$pw2" "$dead" >"$TMP/pw.yaml"
kill -HUP "$apid"
for _ in $(seq 50); do grep -q "SIGHUP: otlp.endpoint" "$TMP/agent.err" && break; sleep 0.1; done
kill -TERM "$apid"
wait "$apid" || true
grep -q "SIGHUP: otlp.endpoint: \"http://me:\*\*\*@127.0.0.1:$dead\"" "$TMP/agent.err" &&
	pass "the SIGHUP change log shows *** for the password" || fail "SIGHUP log: $(grep SIGHUP "$TMP/agent.err" | head -2)"
grep -qE "$pw1|$pw2" "$TMP/agent.err" && fail "a password reached the log" || pass "no password in the log"

# A good configuration passes both (a closed port is fine: only the
# delivery fails, at run time).
hp=$(free_port)
rc=0
"$AGENT" --check-config --http "127.0.0.1:$hp" --statsd "127.0.0.1:$(free_port)" \
	--otlp-endpoint "http://127.0.0.1:$(free_port)" --otlp-headers-file "$TMP/good-headers" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 0 ] && pass "a good configuration: --check-config exits 0" || fail "good configuration: check exit $rc: $(head -3 "$TMP/err")"
rc=0
timeout 30 "$AGENT" "${START[@]}" --http "127.0.0.1:$hp" --statsd "127.0.0.1:$(free_port)" \
	--otlp-endpoint "http://127.0.0.1:$(free_port)" --otlp-headers-file "$TMP/good-headers" --shutdown-timeout 1 \
	>"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 0 ] && pass "a good configuration: the start runs and exits 0" || fail "good configuration: start exit $rc: $(tail -3 "$TMP/err")"
finish

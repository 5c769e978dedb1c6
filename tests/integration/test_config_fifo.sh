#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A FIFO (or any file that is not a regular one) at the config path must
# not block the agent. At start: a clear message and exit 2, at once. On
# SIGHUP: the running configuration is kept, the refusal logged, and
# sampling and the HTTP server go on. The same for a secret file
# (--otlp-headers-file). Every run is bounded by timeout(1), which would
# turn a block into exit 124. No root; ports picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
FIX=$(readlink -f "$(dirname "$0")/../fixtures/procfs/vm-6.18")
RUN=(--source procfs --proc-dir "$FIX" --no-events --headless -d 0.1)
mkfifo "$TMP/fifo"

rc=0
timeout 20 "$AGENT" --config "$TMP/fifo" --check-config >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is not a regular file (a FIFO)" "$TMP/err" &&
	pass "--check-config with a FIFO config: exit 2, says why" || fail "check-config FIFO: exit $rc: $(head -2 "$TMP/err")"
rc=0
timeout 20 "$AGENT" --config "$TMP/fifo" "${RUN[@]}" --http off --duration 1 >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is not a regular file (a FIFO)" "$TMP/err" &&
	pass "start with a FIFO config: exit 2, says why" || fail "start FIFO: exit $rc: $(head -2 "$TMP/err")"
rc=0
timeout 20 "$AGENT" --config "$TMP" "${RUN[@]}" --http off --duration 1 >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is not a regular file (a directory)" "$TMP/err" &&
	pass "start with a directory as config: exit 2" || fail "directory config: exit $rc: $(head -2 "$TMP/err")"
rc=0
timeout 20 "$AGENT" "${RUN[@]}" --http off --duration 1 --otlp-endpoint http://127.0.0.1:1 \
	--otlp-headers-file "$TMP/fifo" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "is not a regular file (a FIFO)" "$TMP/err" &&
	pass "a FIFO as --otlp-headers-file: exit 2" || fail "headers FIFO: exit $rc: $(head -2 "$TMP/err")"

# SIGHUP with a FIFO put where the config file was.
HP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'collection:\n  interval: 0.1\n' >"$TMP/mfd.yaml"
"$AGENT" --config "$TMP/mfd.yaml" "${RUN[@]}" --http "127.0.0.1:$HP" 2>"$TMP/agent.err" &
APID=$!
PIDS+=("$APID")
samples() { # the agent's own sample counter, from /metrics
	# Not "curl | awk '... exit'": curl would die of SIGPIPE, and under
	# pipefail and set -e that ends the test.
	curl -s --max-time 5 -o "$TMP/metrics" "http://127.0.0.1:$HP/metrics" || : >"$TMP/metrics"
	awk '$1 ~ /^mfd_agent_samples(_total)?\{.*outcome="ok"/ { print int($2); exit }' "$TMP/metrics"
}
for _ in $(seq 100); do [ -n "$(samples)" ] && break; sleep 0.1; done
rm "$TMP/mfd.yaml"
mkfifo "$TMP/mfd.yaml"
kill -HUP "$APID"
for _ in $(seq 50); do grep -q "SIGHUP" "$TMP/agent.err" && break; sleep 0.1; done
grep -q "SIGHUP: keeping the current configuration.*not a regular file (a FIFO)" "$TMP/agent.err" &&
	pass "SIGHUP with a FIFO: the current configuration kept, and why logged" ||
	fail "SIGHUP: $(grep SIGHUP "$TMP/agent.err" | head -2)"
s1=$(samples)
sleep 1
s2=$(samples)
[ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ] && pass "sampling and /metrics go on after it ($s1 -> $s2)" ||
	fail "sampling stopped after SIGHUP ($s1 -> $s2)"
rc=0
kill -TERM "$APID"
timeout 20 tail --pid="$APID" -f /dev/null || rc=$?
# A blocked agent never ends on SIGTERM: end it, and fail, rather than hang.
[ "$rc" -eq 0 ] || kill -9 "$APID" 2>/dev/null || true
wait "$APID" 2>/dev/null || true
[ "$rc" -eq 0 ] && pass "SIGTERM after it ends the agent" || fail "the agent did not stop on SIGTERM"
finish

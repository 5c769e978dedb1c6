#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A StatsD that cannot be reached must not stop sampling: with a closed
# port (UDP or TCP) or a name that does not resolve, the agent keeps
# taking samples (one send per sample), counts every failed packet, logs
# the failure rate-limited, and exits cleanly. Bad settings are start-up
# errors.
. "$(dirname "$0")/../integration/lib.sh" "$@"
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/../fixtures/procfs/vm-6.18
CLOSED=18139
RUN=(--source procfs --no-events --headless --http off -d 0.5 --duration 2.5 --proc-dir "$FIX")

# summary LOG: "sends sent failed dropped" from the exporter's last line.
summary() {
	sed -n 's/.*statsd: \([0-9]*\) sends: \([0-9]*\) packets sent, \([0-9]*\) failed, \([0-9]*\) lines dropped.*/\1 \2 \3 \4/p' "$1"
}

# Make sure nothing listens on the closed port (it is ours; bind proves it).
python3 -c "import socket
for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
    socket.socket(socket.AF_INET, t).bind(('127.0.0.1', $CLOSED))" ||
	{ echo "skipped: port $CLOSED is in use"; exit 77; }

expect_exit 0 "closed UDP port: the agent runs to --duration" \
	"$AGENT" "${RUN[@]}" --statsd 127.0.0.1:$CLOSED
read -r sends sent failed dropped <<<"$(summary "$TMP/err")"
echo "    sends=$sends sent=$sent failed=$failed dropped=$dropped"
# start + final are 2; 3 or more means the timer kept firing in between.
[ "${sends:-0}" -ge 3 ] && pass "sampling went on ($sends sends)" || fail "only ${sends:-0} sends"
[ "${failed:-0}" -gt 0 ] && [ "${dropped:-0}" -gt 0 ] &&
	pass "failed packets and dropped lines are counted" || fail "nothing counted: $(cat "$TMP/err")"
n=$(grep -c "Connection refused" "$TMP/err" || true)
[ "$n" -ge 1 ] && pass "the refusal is logged" || fail "no log line names the refusal"
[ "$n" -lt "${failed:-0}" ] && pass "logging is rate-limited ($n lines for $failed failures)" ||
	fail "$n log lines for $failed failures"

expect_exit 0 "closed TCP port: the agent runs to --duration" \
	"$AGENT" "${RUN[@]}" --statsd 127.0.0.1:$CLOSED --statsd-proto tcp
read -r sends sent failed dropped <<<"$(summary "$TMP/err")"
echo "    sends=$sends sent=$sent failed=$failed dropped=$dropped"
[ "${sends:-0}" -ge 3 ] && pass "sampling went on ($sends sends)" || fail "only ${sends:-0} sends"
[ "${sent:-1}" -eq 0 ] && [ "${failed:-0}" -gt 0 ] && [ "${dropped:-0}" -gt 0 ] &&
	pass "every packet counted as failed" || fail "counts: $sent sent, $failed failed"
grep -q "TCP connection to 127.0.0.1:$CLOSED failed: Connection refused" "$TMP/err" &&
	pass "the refused connection is logged" || fail "log: $(cat "$TMP/err")"

expect_exit 0 "unresolvable name: the agent runs to --duration" \
	"$AGENT" "${RUN[@]}" --statsd no-such-host.invalid:8125
read -r sends sent failed dropped <<<"$(summary "$TMP/err")"
echo "    sends=$sends sent=$sent failed=$failed dropped=$dropped"
[ "${sends:-0}" -ge 3 ] && pass "sampling went on ($sends sends)" || fail "only ${sends:-0} sends"
[ "${sent:-1}" -eq 0 ] && [ "${failed:-0}" -gt 0 ] && [ "${dropped:-0}" -gt 0 ] &&
	pass "every packet counted as failed" || fail "counts: $sent sent, $failed failed"
grep -q "no-such-host.invalid:8125" "$TMP/err" && pass "the log names the address" ||
	fail "log: $(cat "$TMP/err")"

for bad in "nohost" "host:" "host:0" "host:65536" ":8125" "a:b:8125" "[::1]8125"; do
	expect_exit 2 "--statsd '$bad' is refused at start-up (bad configuration)" "$AGENT" "${RUN[@]}" --statsd "$bad"
	grep -q "HOST:PORT" "$TMP/err" || fail "message for '$bad' does not say HOST:PORT"
done
expect_exit 2 "--statsd-prefix with ':' is refused (bad configuration)" "$AGENT" "${RUN[@]}" \
	--statsd 127.0.0.1:$CLOSED --statsd-prefix "a:b."
expect_exit 2 "--statsd-tags bogus is a usage error" "$AGENT" "${RUN[@]}" \
	--statsd 127.0.0.1:$CLOSED --statsd-tags bogus
expect_exit 2 "--statsd-proto sctp is a usage error" "$AGENT" "${RUN[@]}" \
	--statsd 127.0.0.1:$CLOSED --statsd-proto sctp
expect_exit 2 "--statsd-mtu 10 is a usage error" "$AGENT" "${RUN[@]}" \
	--statsd 127.0.0.1:$CLOSED --statsd-mtu 10
finish

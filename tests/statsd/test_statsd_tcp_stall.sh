#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A StatsD over TCP that accepts and then stops reading (a real kernel
# socket with a tiny receive buffer): the write timeout
# (--statsd-write-timeout) drops the stalled connection, counts what was
# queued, and reconnects, so the queue is not held at its cap forever; and
# the exit summary agrees with /metrics, which publishes the same counters
# (every reason, not only send_error: the summary once said "0 lines
# dropped" while /metrics counted 238,876). No root; ports picked free.
. "$(dirname "$0")/../integration/lib.sh" "$@"
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/../fixtures/procfs/vm-6.18
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SP=$(free_port)
HP=$(free_port)
python3 - "$SP" "$TMP/conns" <<'PY' >"$TMP/peer.log" 2>&1 &
import socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # inherited by accepted sockets
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(16)
held = []
n = 0
while True:
    c, _ = srv.accept()
    held.append(c)  # never read
    n += 1
    open(sys.argv[2], "w").write("%d\n" % n)
PY
PIDS+=("$!")
for _ in $(seq 50); do python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$SP" 2>/dev/null && break; sleep 0.1; done
# The probe above was connection 1.
"$AGENT" --source procfs --proc-dir "$FIX" --no-events --headless -d 0.05 \
	--statsd "127.0.0.1:$SP" --statsd-proto tcp --statsd-write-timeout 1 \
	--http "127.0.0.1:$HP" --shutdown-timeout 1 2>"$TMP/agent.log" &
APID=$!
PIDS+=("$APID")
for _ in $(seq 600); do
	[ "$(cat "$TMP/conns" 2>/dev/null || echo 0)" -ge 3 ] && break
	kill -0 "$APID" 2>/dev/null || break
	sleep 0.1
done
conns=$(cat "$TMP/conns" 2>/dev/null || echo 0)
[ "$conns" -ge 3 ] && pass "the stalled connection was dropped and reopened ($((conns - 1)) connections)" ||
	fail "$((conns - 1)) connection(s) from the agent in 60 s"
grep -q "TCP connection to 127.0.0.1:$SP dropped: no byte taken in 1s" "$TMP/agent.log" &&
	pass "the write timeout is logged" || fail "no write-timeout line: $(grep statsd "$TMP/agent.log" | tail -3)"

# /metrics, then the exit summary: same counters, summary taken later.
curl -s --max-time 5 -o "$TMP/metrics" "http://127.0.0.1:$HP/metrics" || : >"$TMP/metrics"
kill -TERM "$APID"
wait "$APID" || true
python3 - "$TMP/metrics" "$TMP/agent.log" <<'PY' && pass "exit summary agrees with /metrics" || fail "exit summary disagrees with /metrics"
import re, sys
scraped = {}
for l in open(sys.argv[1]):
    m = re.match(r'mfd_agent_export_dropped_points\w*\{exporter="statsd",reason="(\w+)"\} (\S+)', l)
    if m:
        scraped[m.group(1)] = float(m.group(2))
s = [l for l in open(sys.argv[2]) if "statsd:" in l and " sends: " in l]
if not s or not scraped:
    print("no summary or no /metrics counters:", s, scraped); sys.exit(1)
m = re.search(r"(\d+) lines dropped \(send_error (\d+), queue_full (\d+), encode_error (\d+)\)", s[-1])
if not m:
    print("summary:", s[-1]); sys.exit(1)
total, send, qfull, enc = map(int, m.groups())
print("scraped", scraped, "summary", total, send, qfull, enc)
ok = total == send + qfull + enc and total > 0 and sum(scraped.values()) > 0
# Later than the scrape: every counter at least what /metrics said.
ok = ok and send >= scraped.get("send_error", 0) and qfull >= scraped.get("queue_full", 0) \
    and enc >= scraped.get("encode_error", 0) and total >= sum(scraped.values())
sys.exit(0 if ok else 1)
PY
finish

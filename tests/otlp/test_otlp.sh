#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_otlp.sh AGENT BUILD_DIR SCENARIO - the OTLP exporter against an
# independent receiver (receiver.js: official OpenTelemetry protobuf
# definitions from npm @opentelemetry/otlp-transformer@0.52.1, installed at
# test time into a cache outside the tree), with injected faults.
#
# The agent runs unprivileged-style (--source procfs on a fixture,
# --no-events, headless, a sample every 0.2 s, an export every 0.5 s), so
# what it sends is deterministic. The agent's own sample counter
# (mfd.agent.samples, outcome=ok) numbers its samples 1, 2, 3...: "every
# sample arrived at least once" is "the values arrived without a gap".
#
# Waits are bounded polls on what the receiver recorded; nothing passes or
# fails on timing, except the Retry-After lower bound, which is a bound the
# agent must honour, not a measurement.
set -euo pipefail
AGENT=$(readlink -f "${1:?usage: test_otlp.sh AGENT BUILD_DIR SCENARIO}")
BUILD=${2:?}
SCEN=${3:?}
HERE=$(dirname "$(readlink -f "$0")")
SRC=$(readlink -f "$HERE/../..")
FIX=$SRC/tests/fixtures/procfs/vm-6.18
# Free ports, picked now: other suites (and other checkouts' suites on
# the same machine) run OTLP receivers too.
free_ports() {
	python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}
read -r DATA_PORT CTL_PORT <<<"$(free_ports)"
URL=http://127.0.0.1:$DATA_PORT
TMP=$(mktemp -d /tmp/mfd-otlp.XXXXXX)
PIDS=()
fails=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
pass() { echo "ok   - $*"; }
fail() {
	echo "FAIL - $*"
	fails=$((fails + 1))
}
finish() {
	if [ "$fails" -ne 0 ]; then
		echo "--- agent log (tail)"
		tail -30 "$TMP"/agent*.log 2>/dev/null || true
		echo "$fails check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

command -v node >/dev/null || {
	echo "skipped: node is not installed"
	exit 77
}

# --- the reference decoder, from npm, cached outside the tree --------------
PKG=@opentelemetry/otlp-transformer@0.52.1
if [ -n "${MFD_TEST_NPM_CACHE:-}" ]; then
	CACHE=$MFD_TEST_NPM_CACHE/otlp-transformer-0.52.1
elif [ -w /var/cache ] || [ -w /var/cache/mfd-test ] 2>/dev/null; then
	CACHE=/var/cache/mfd-test/npm/otlp-transformer-0.52.1
else
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/mfd-test/npm/otlp-transformer-0.52.1
fi
ROOTJS=$CACHE/node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js
mkdir -p "$CACHE"
(
	flock 9
	if [ ! -f "$ROOTJS" ]; then
		npm install --prefix "$CACHE" "$PKG" --no-audit --no-fund \
			>"$TMP/npm.log" 2>&1 || {
			cat "$TMP/npm.log" >&2
			exit 1
		}
	fi
) 9>"$CACHE.lock" || {
	echo "skipped: cannot install $PKG from npm"
	exit 77
}

# --- helpers -----------------------------------------------------------------
ctl() { # ctl PATH?QUERY: talk to the receiver's control port
	python3 -c 'import sys, urllib.request
m = "GET" if sys.argv[1].startswith("/state") else "POST"
r = urllib.request.urlopen(urllib.request.Request(
    "http://127.0.0.1:'$CTL_PORT'" + sys.argv[1], method=m, data=None if m == "GET" else b""), timeout=10)
sys.stdout.write(r.read().decode())' "$1"
}
state() { ctl /state >"$TMP/state.json"; }
check() { python3 "$HERE/check.py" "$TMP/state.json" "$@"; }
# wait_for DESC PYEXPR: poll until PYEXPR (over s = the state) holds, <= 60 s.
wait_for() {
	local desc=$1 expr=$2 i
	for i in $(seq 1 300); do
		state
		if python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
R = s["requests"]
sys.exit(0 if ('"$expr"') else 1)' "$TMP/state.json"; then
			return 0
		fi
		if [ -n "${APID:-}" ] && ! grep -qs '^State:[[:space:]]*[^Z]' "/proc/$APID/status"; then
			fail "the agent died while waiting for: $desc"
			finish
		fi
		sleep 0.2
	done
	fail "timed out waiting for: $desc"
	finish
}
ok_after() { # number of 200 answers after request index $1
	echo "sum(1 for r in R[$1:] if r[\"status\"] == 200)"
}
nreq() {
	state
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["requests"]))' "$TMP/state.json"
}

# tls: the data port speaks HTTPS with a certificate for 127.0.0.1 made
# here, its own CA.
TLS_ARGS=()
if [ "$SCEN" = tls ]; then
	command -v openssl >/dev/null || {
		echo "skipped: openssl is not installed"
		exit 77
	}
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" \
		-out "$TMP/cert.pem" >"$TMP/openssl.log" 2>&1 || {
		cat "$TMP/openssl.log"
		fail "openssl could not make a certificate"
		finish
	}
	TLS_ARGS=("$TMP/cert.pem" "$TMP/key.pem")
	URL=https://127.0.0.1:$DATA_PORT
fi
node "$HERE/receiver.js" "$ROOTJS" $DATA_PORT $CTL_PORT "${TLS_ARGS[@]}" >"$TMP/receiver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
	grep -q ready "$TMP/receiver.log" && break
	sleep 0.1
done
grep -q ready "$TMP/receiver.log" || {
	cat "$TMP/receiver.log"
	fail "receiver did not start"
	finish
}

AGENT_ARGS=(--source procfs --proc-dir "$FIX" --no-events --headless -d 0.2
	--otlp-endpoint "$URL" --export-interval 0.5 --otlp-max-backoff 1
	--shutdown-timeout 5)
start_agent() { # start_agent LOGNAME [args...]
	local log=$1
	shift
	"$AGENT" "${AGENT_ARGS[@]}" "$@" 2>"$TMP/$log.log" &
	APID=$!
	PIDS+=("$APID")
}
stop_agent() {
	kill -TERM "$APID"
	local rc=0
	wait "$APID" || rc=$?
	[ "$rc" -eq 0 ] && pass "agent exited 0 after SIGTERM" ||
		fail "agent exit status $rc after SIGTERM"
}
expect_log() { # expect_log LOG REGEX DESC
	if grep -Eq "$2" "$TMP/$1.log"; then pass "$3"; else fail "$3: no /$2/ in $1.log"; fi
}
expect() { # expect DESC CHECK...
	local desc=$1 out
	shift
	if out=$(check "$@" 2>&1); then pass "$desc${out:+: ${out//$'\n'/; }}"; else fail "$desc: $out"; fi
}

case "$SCEN" in
basic)
	printf 'x-file=s3cret-token\n' >"$TMP/headers"
	OTEL_SERVICE_NAME=mfd-test K8S_NODE_NAME=node-x \
		OTEL_RESOURCE_ATTRIBUTES='deployment.environment=test%20env, team = a' \
		OTEL_EXPORTER_OTLP_HEADERS='x-test=hello%2Cworld' \
		start_agent agent --otlp-headers-file "$TMP/headers" --duration 3
	rc=0
	wait "$APID" || rc=$?
	[ "$rc" -eq 0 ] && pass "agent ran 3 s and exited 0" || fail "agent exit $rc"
	state
	expect "data model (official decoder)" model
	expect "every sample exactly once" seq --no-dups
	expect "series in order" order
	expect "free blocks equal the fixture's buddyinfo" buddyinfo "$FIX/buddyinfo"
	expect "resource attributes" resource service.name=mfd-test \
		"deployment.environment=test env" team=a k8s.node.name=node-x \
		os.type=linux "host.id=$(tr -d '\n' </etc/machine-id 2>/dev/null || echo '<absent>')"
	expect "sums are cumulative monotonic with a start time" metric \
		mfd.agent.samples outcome=ok --min 1
	expect "collection-duration histogram" metric mfd.agent.collection.duration
	expect "self-telemetry: requests sent" metric mfd.agent.export.requests \
		exporter=otlp outcome=sent --min 1
	python3 - "$TMP/state.json" <<'PY' && pass "headers: env (percent-decoded) and file" || fail "custom headers did not arrive"
import json, sys
R = json.load(open(sys.argv[1]))["requests"]
sys.exit(0 if all(r["hdr"] == "hello,world" and r["hdr_file"] == "s3cret-token" for r in R) else 1)
PY
	if grep -q s3cret "$TMP/agent.log"; then fail "a secret header value reached the log"; else pass "secret not logged"; fi

	ctl /reset >/dev/null
	OTEL_RESOURCE_ATTRIBUTES='good=1,broken' start_agent agent2 --duration 1
	wait "$APID" || true
	state
	expect_log agent2 "OTEL_RESOURCE_ATTRIBUTES is malformed" "malformed OTEL_RESOURCE_ATTRIBUTES warned"
	expect "malformed resource attributes discarded whole" resource "good=<absent>" service.name=mfd-agent

	# A sample is about 12 KiB before gzip: a 16 KiB cap splits every
	# export into one request per sample, and nothing is lost or doubled.
	ctl /reset >/dev/null
	start_agent agent5 --otlp-max-request-kib 16 --duration 2
	wait "$APID" || true
	state
	expect "split requests: every sample exactly once" seq --no-dups
	python3 - "$TMP/state.json" <<'PY' && pass "requests split at the size cap (one sample each)" || fail "requests not split"
import json, sys
s = json.load(open(sys.argv[1]))
n = [r["n"] for r in s["requests"] if r["path"] == "/v1/metrics"]
samples = len({p["t"] for p in s["points"] if p["m"] == "mfd.agent.samples" and "outcome=ok" in p["a"]})
sys.exit(0 if len(n) == samples and len(set(n)) <= 2 else 1)
PY

	rc=0
	OTEL_EXPORTER_OTLP_PROTOCOL=grpc "$AGENT" "${AGENT_ARGS[@]}" --duration 1 2>"$TMP/agent3.log" || rc=$?
	[ "$rc" -ne 0 ] && pass "grpc refused at start (exit $rc)" || fail "grpc accepted"
	expect_log agent3 "grpc' is not supported" "grpc: clear message"
	rc=0
	"$AGENT" "${AGENT_ARGS[@]}" --otlp-endpoint ftp://x --duration 1 2>"$TMP/agent4.log" || rc=$?
	[ "$rc" -ne 0 ] && pass "non-http endpoint refused (exit $rc)" || fail "ftp endpoint accepted"
	;;
outage)
	# The issue asks for a 60 s outage. 12 s exercises the same path (about
	# 24 export intervals queue up, about 10 retries at the 1 s backoff cap)
	# and keeps the suite short on shared machines.
	start_agent agent
	wait_for "first delivery" "$(ok_after 0) >= 1"
	ctl "/fault?mode=down" >/dev/null
	sleep 12
	ctl "/fault?mode=up" >/dev/null
	n=$(nreq)
	wait_for "deliveries after the outage" "$(ok_after "$n") >= 3"
	stop_agent
	state
	expect "data model" model
	expect "every sample of the outage arrived" seq
	expect "series in order" order
	expect "retries counted" metric mfd.agent.export.requests outcome=retried --min 1
	expect_log agent "failed: .*(refused|Couldn't connect|connect)" "connection failures logged"
	;;
retry)
	# Retry-After is clamped to --otlp-max-backoff: give it room.
	start_agent agent --otlp-max-backoff 5
	wait_for "first delivery" "$(ok_after 0) >= 1"
	n=$(nreq)
	ctl "/fault?mode=status&code=503&retry_after=2&count=1" >/dev/null
	ctl "/fault?mode=status&code=429&count=2" >/dev/null
	wait_for "503, 429, 429, then deliveries" "sum(1 for r in R[$n:] if r[\"status\"] in (503, 429)) >= 3 and $(ok_after "$n") >= 2"
	stop_agent
	state
	expect "data model" model
	expect "nothing lost to 503/429" seq
	expect "series in order" order
	python3 - "$TMP/state.json" <<'PY' && pass "Retry-After: 2 honoured (next request >= 2 s later)" || fail "retried before Retry-After"
import json, sys
R = json.load(open(sys.argv[1]))["requests"]
i = next(i for i, r in enumerate(R) if r["status"] == 503)
sys.exit(0 if R[i + 1]["t"] - R[i]["t"] >= 1990 else 1)
PY
	expect "retries counted" metric mfd.agent.export.requests outcome=retried --min 3
	# The HTTP-date form, 5 s ahead: the next request may not come before
	# that date (the receiver stamps requests with the same clock).
	start_agent agent --otlp-max-backoff 8
	wait_for "first delivery" "$(ok_after 0) >= 1"
	n=$(nreq)
	date_s=$(python3 -c 'import time; print(int(time.time()) + 5)')
	when=$(python3 -c 'import email.utils, sys, urllib.parse
print(urllib.parse.quote(email.utils.formatdate(int(sys.argv[1]), usegmt=True)))' "$date_s")
	ctl "/fault?mode=status&code=503&retry_after=$when&count=1" >/dev/null
	# Deliveries after the 503 itself (not the ones before it): a stop
	# sends what waits at once, so stopping early would prove nothing.
	wait_for "503 with a date, then deliveries" "sum(1 for r in R[$n:][next((i for i, q in enumerate(R[$n:]) if q[\"status\"] == 503), len(R)):] if r[\"status\"] == 200) >= 2"
	stop_agent
	state
	python3 - "$TMP/state.json" "$n" "$date_s" <<'PY' && pass "Retry-After: an HTTP-date honoured (no request before it)" || fail "retried before the Retry-After date"
import json, sys
R = json.load(open(sys.argv[1]))["requests"][int(sys.argv[2]):]
i = next(i for i, r in enumerate(R) if r["status"] == 503)
sys.exit(0 if R[i + 1]["t"] >= int(sys.argv[3]) * 1000 else 1)
PY
	;;
permanent)
	start_agent agent
	wait_for "first delivery" "$(ok_after 0) >= 1"
	n=$(nreq)
	ctl "/fault?mode=status&code=400&count=1" >/dev/null
	wait_for "400 then deliveries" "any(r[\"status\"] == 400 for r in R[$n:]) and $(ok_after "$n") >= 2"
	n=$(nreq)
	ctl "/fault?mode=partial&rejected=7&count=1" >/dev/null
	wait_for "partial_success then deliveries" "any(r[\"mode\"] == \"partial\" for r in R[$n:]) and $(ok_after "$n") >= 4"
	# A collector claiming 2^63-1 rejections, twice: the counter must
	# count at most the points of those requests, not wrap.
	n=$(nreq)
	ctl "/fault?mode=partial&rejected=9223372036854775807&count=2" >/dev/null
	wait_for "huge partial_success twice then deliveries" "sum(r[\"mode\"] == \"partial\" for r in R[$n:]) >= 2 and $(ok_after "$n") >= 6"
	stop_agent
	state
	expect "data model" model
	expect "400 never retried, the rest complete" seq --no-dups
	expect "series in order" order
	python3 - "$TMP/state.json" <<'PY' && pass "exactly one 400 answered" || fail "400 count"
import json, sys
R = json.load(open(sys.argv[1]))["requests"]
sys.exit(0 if sum(r["status"] == 400 for r in R) == 1 else 1)
PY
	expect_log agent "rejected metrics with HTTP 400.*injected 400" "400 logged with a body excerpt"
	expect_log agent "partially: 7 rejected: injected partial" "partial_success logged"
	expect "permanent drop counted" metric mfd.agent.export.dropped_points \
		exporter=otlp reason=permanent_error --min 1
	expect "partial_success rejections counted" metric \
		mfd.agent.export.dropped_points exporter=otlp reason=partial_success --min 7
	expect "failed request counted" metric mfd.agent.export.requests outcome=failed --min 1
	python3 - "$TMP/state.json" <<'PY' && pass "partial_success count clamped to the points of the request" || fail "partial_success count not clamped"
import json, sys
s = json.load(open(sys.argv[1]))
partial = [r for r in s["requests"] if r["mode"] == "partial"]
# 7 from the first, then at most every point of the two huge ones (the
# receiver's own decoder counted them).
want = 7 + sum(r["n"] for r in partial[1:3])
got = max(float(p["v"]) for p in s["points"]
          if p["m"] == "mfd.agent.export.dropped_points"
          and "reason=partial_success" in p["a"].split(",") and "exporter=otlp" in p["a"].split(","))
print("partial_success dropped %d, want %d" % (got, want))
sys.exit(0 if got == want else 1)
PY
	expect_log agent "partially: 9223372036854775807 rejected" "the collector's claim is logged as it came"
	;;
slow)
	start_agent agent --otlp-timeout 1
	wait_for "first delivery" "$(ok_after 0) >= 1"
	n=$(nreq)
	ctl "/fault?mode=slow&delay_ms=3000&count=1" >/dev/null
	wait_for "slow answer then deliveries" "any(r[\"mode\"] == \"slow\" for r in R[$n:]) and $(ok_after "$n") >= 2"
	n=$(nreq)
	ctl "/fault?mode=reset&count=1" >/dev/null
	wait_for "reset then deliveries" "any(r[\"mode\"] == \"reset\" for r in R[$n:]) and $(ok_after "$n") >= 2"
	stop_agent
	state
	expect "data model" model
	expect "nothing lost to a timeout or a reset" seq
	expect "series in order" order
	expect_log agent "[Tt]imeout|timed out" "timeout logged"
	expect "retries counted" metric mfd.agent.export.requests outcome=retried --min 2
	;;
spool)
	SPOOL=$TMP/spool
	start_agent agent1 --spool "$SPOOL"
	wait_for "first delivery" "$(ok_after 0) >= 1"
	ctl "/fault?mode=down" >/dev/null
	t_down=$(date +%s%N)
	sleep 3
	kill -9 "$APID"
	wait "$APID" 2>/dev/null || true
	ls "$SPOOL"/*.spool >/dev/null 2>&1 && pass "spool files survive kill -9" || fail "no spool files after kill -9"
	# A torn write at the end of the newest file must cost nothing else.
	newest=$(ls "$SPOOL"/*.spool | tail -1)
	head -c 37 /dev/urandom >>"$newest"
	start_agent agent2 --spool "$SPOOL"
	sleep 2
	ctl "/fault?mode=up" >/dev/null
	n=$(nreq)
	wait_for "deliveries after restart" "$(ok_after "$n") >= 4"
	stop_agent
	state
	expect "data model" model
	expect "both runs complete (at least once)" seq
	expect "series in order" order
	expect_log agent2 "skipped 1 corrupt span" "torn record skipped with a warning"
	python3 - "$TMP/state.json" "$t_down" <<'PY' && pass "samples taken during the outage before kill -9 arrived" || fail "outage samples of the killed run missing"
import json, sys
from collections import defaultdict
P = json.load(open(sys.argv[1]))["points"]
t_down = int(sys.argv[2])
runs = defaultdict(list)
for p in P:
    if p["m"] == "mfd.agent.samples" and "outcome=ok" in p["a"]:
        runs[int(p["s"])].append(int(p["t"]))
first = min(runs)
# The first run sampled every 0.2 s for 3 s of outage before the kill.
sys.exit(0 if len(runs) == 2 and max(runs[first]) >= t_down + 2_000_000_000 else 1)
PY
	if ls "$SPOOL"/*.spool >/dev/null 2>&1; then fail "spool not empty after a clean flush"; else pass "spool empty after delivery"; fi
	;;
events)
	# Real extfrag events from the BPF tracepoint, as OTLP LogRecords.
	[ "$(id -u)" -eq 0 ] || {
		echo "skipped: needs root for the extfrag tracepoint"
		exit 77
	}
	FRAG=$BUILD/mfd-fragment
	[ -x "$FRAG" ] || {
		fail "workload $FRAG not built"
		finish
	}
	"$AGENT" -d 0.5 --headless --otlp-endpoint "$URL" --export-interval 1 \
		--otlp-log-cap 5 2>"$TMP/agent.log" &
	APID=$!
	PIDS+=("$APID")
	wait_for "first delivery" "$(ok_after 0) >= 1"
	# A private trace instance witnesses whether the kernel made any
	# extfrag event at all: in some memory states the workload makes none,
	# and then there is nothing to export (skipped, not passed).
	TI=/sys/kernel/tracing/instances/mfd-otlp-events-$$
	mkdir "$TI" 2>/dev/null && echo 1 >"$TI/events/kmem/mm_page_alloc_extfrag/enable" || TI=
	"$FRAG" pt --seconds 4 --loop >"$TMP/frag.out" 2>&1 || true
	sleep 1.5
	stop_agent
	if [ -n "$TI" ]; then
		seen=$(grep -c mm_page_alloc_extfrag "$TI/trace" || true)
		echo 0 >"$TI/events/kmem/mm_page_alloc_extfrag/enable"
		rmdir "$TI"
		if [ "${seen:-0}" -eq 0 ]; then
			echo "skipped: the kernel made no extfrag event during the workload (tracefs saw 0)"
			exit 77
		fi
	fi
	state
	expect "data model" model
	expect "extfrag events as LogRecords" logs mfd-fragment
	expect "capped records counted" metric mfd.agent.export.dropped_points \
		exporter=otlp reason=log_cap --min 1
	;;
dlopen)
	# libcurl (and the TLS, Kerberos and LDAP libraries behind it) is not
	# linked: the exporter dlopen()s it when it starts. Witness: the
	# agent's own /proc/PID/maps, which must list libevent (it is linked)
	# for a missing libcurl to mean anything.
	n=$(ldd "$AGENT" | grep -c libcurl || true)
	[ "$n" -eq 0 ] && pass "ldd lists no libcurl" || fail "ldd lists libcurl: $(ldd "$AGENT" | grep libcurl)"
	"$AGENT" --source procfs --proc-dir "$FIX" --no-events --headless -d 0.2 \
		--http off 2>"$TMP/agent0.log" &
	APID=$!
	PIDS+=("$APID")
	for _ in $(seq 1 300); do
		grep -q "collecting every" "$TMP/agent0.log" && break
		kill -0 "$APID" 2>/dev/null || break
		sleep 0.2
	done
	expect_log agent0 "collecting every" "agent without OTLP running"
	cp "/proc/$APID/maps" "$TMP/maps0"
	stop_agent
	grep -q '/libevent' "$TMP/maps0" && pass "maps read (libevent mapped)" || fail "libevent not in the maps read"
	if grep -q 'libcurl' "$TMP/maps0"; then
		fail "libcurl mapped without OTLP: $(grep -m1 libcurl "$TMP/maps0")"
	else
		pass "without OTLP, libcurl is not mapped"
	fi

	# A plain http:// collector: libevent's client carries the requests,
	# libcurl stays out (the tls scenario shows it loaded for https://).
	start_agent agent --http off
	wait_for "first delivery" "$(ok_after 0) >= 2"
	cp "/proc/$APID/maps" "$TMP/maps1"
	stop_agent
	if grep -q 'libcurl' "$TMP/maps1"; then
		fail "libcurl mapped for an http:// endpoint: $(grep -m1 libcurl "$TMP/maps1")"
	else
		pass "exporting to http://, libcurl is not mapped"
	fi
	state
	expect "data model (official decoder)" model
	expect "every sample exactly once" seq --no-dups

	# A proxy in the environment: libcurl, which honours it, is loaded
	# (the proxy here is the receiver itself, which answers a request for
	# an absolute URL like any other).
	ctl /reset >/dev/null
	http_proxy=http://127.0.0.1:$DATA_PORT start_agent agentp --http off
	wait_for "delivery through the proxy" "$(ok_after 0) >= 2"
	cp "/proc/$APID/maps" "$TMP/mapsp"
	stop_agent
	grep -q '/libcurl\.so\.4' "$TMP/mapsp" && pass "with http_proxy set, libcurl.so.4 is mapped" ||
		fail "libcurl.so.4 not mapped with http_proxy set"
	state
	python3 -c 'import json, sys
R = json.load(open(sys.argv[1]))["requests"]
sys.exit(0 if R and all(r["proxied"] for r in R) else 1)' "$TMP/state.json" &&
		pass "every request went through the proxy" || fail "requests bypassed http_proxy"

	# What needs libcurl from here on: an https:// endpoint (nothing
	# listens there with TLS; the start is refused before any request).
	AGENT_ARGS+=(--otlp-endpoint "https://127.0.0.1:$DATA_PORT")

	# refused_with DIR TARGET LOG WHAT REGEX: the agent started with the
	# libcurl.so.4 built in DIR (by TARGET) is refused, exit 1..123 (not a
	# crash, not a hang), and its log LOG matches REGEX.
	refused_with() {
		[ -e "$1/libcurl.so.4" ] || {
			fail "$1/libcurl.so.4 not built (target $2)"
			finish
		}
		rc=0
		LD_LIBRARY_PATH=$1 timeout 60 "$AGENT" "${AGENT_ARGS[@]}" --http off \
			--duration 2 2>"$TMP/$3.log" || rc=$?
		[ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && pass "$4: start refused (exit $rc)" ||
			fail "$4: exit $rc, wanted 1..123"
		expect_log "$3" "$5" "$4: says why, naming the package"
	}
	# A libcurl.so.4 that lacks the functions mfd calls: a clear error
	# naming the first missing one, and a non-zero exit, not a crash.
	refused_with "$BUILD/tests/otlp/fakecurl" fake_libcurl agent2 "incomplete libcurl" \
		"libcurl\.so\.4 cannot be used: libcurl\.so\.4 has no curl_global_cleanup.*install the libcurl4 package"
	# One with every function but older than CURLOPT_PROTOCOLS_STR: it
	# would ignore that option, so it is refused, naming both versions.
	refused_with "$BUILD/tests/otlp/oldcurl" fake_oldcurl agent3 "old libcurl" \
		"libcurl\.so\.4 cannot be used: libcurl\.so\.4 is libcurl 7\.81\.0; mfd needs 7\.85\.0 or later; install the libcurl4 package, 7\.85\.0 or later"
	;;
tls)
	# HTTPS to a collector whose certificate the agent is given: libcurl
	# carries it, every sample arrives whole; without the CA the agent
	# refuses the certificate and says so.
	start_agent agent --http off --otlp-certificate "$TMP/cert.pem"
	wait_for "first delivery over TLS" "$(ok_after 0) >= 2"
	cp "/proc/$APID/maps" "$TMP/maps1"
	stop_agent
	grep -q '/libcurl\.so\.4' "$TMP/maps1" && pass "https://: libcurl.so.4 is mapped" ||
		fail "libcurl.so.4 not mapped while exporting over https://"
	state
	expect "data model over TLS (official decoder)" model
	expect "every sample exactly once over TLS" seq --no-dups
	expect "free blocks equal the fixture's buddyinfo over TLS" buddyinfo "$FIX/buddyinfo"
	ctl /reset >/dev/null
	start_agent agent2 --http off
	sleep 2
	stop_agent
	[ "$(nreq)" -eq 0 ] && pass "an unknown CA: nothing delivered" || fail "delivered despite an unknown CA"
	expect_log agent2 "sending metrics to https://127\.0\.0\.1:$DATA_PORT/v1/metrics failed: .*(certificate|SSL)" \
		"an unknown CA: the certificate failure is logged"
	;;
nolibcurl)
	# libcurl.so.4 missing (here: /dev/null bind-mounted over the file
	# the dynamic loader resolves, in a private mount namespace): with an
	# OTLP endpoint the start fails with a clear message and exit status.
	[ "$(id -u)" -eq 0 ] || {
		echo "skipped: needs root for a private mount namespace"
		exit 77
	}
	command -v unshare >/dev/null || {
		echo "skipped: unshare (util-linux) missing"
		exit 77
	}
	# The file dlopen("libcurl.so.4") resolves to, found by the same
	# loader (python's ctypes), through its own /proc/self/maps.
	LIB=$(python3 -c 'import ctypes
ctypes.CDLL("libcurl.so.4")
print(next(l.split()[-1] for l in open("/proc/self/maps") if "/libcurl.so.4" in l))') || {
		echo "skipped: libcurl.so.4 is not installed, nothing to hide"
		exit 77
	}
	pass "libcurl.so.4 resolves to $LIB"
	# An http:// endpoint does without libcurl; an https:// one needs it.
	rc=0
	timeout 60 unshare --mount --propagation private -- sh -c '
		mount --bind /dev/null "$1" || exit 99
		shift
		exec "$@"' sh "$LIB" "$AGENT" "${AGENT_ARGS[@]}" --http off --duration 1 \
		2>"$TMP/agenth.log" || rc=$?
	[ "$rc" -eq 0 ] && pass "no libcurl, http:// endpoint: the agent runs (exit 0)" ||
		fail "no libcurl, http:// endpoint: exit $rc"
	AGENT_ARGS+=(--otlp-endpoint "https://127.0.0.1:$DATA_PORT")
	rc=0
	timeout 60 unshare --mount --propagation private -- sh -c '
		mount --bind /dev/null "$1" || exit 99
		[ -s "$1" ] && exit 98
		shift
		exec "$@"' sh "$LIB" "$AGENT" "${AGENT_ARGS[@]}" --http off --duration 2 \
		2>"$TMP/agent.log" || rc=$?
	case $rc in
	98 | 99) fail "could not hide $LIB (exit $rc)" ;;
	0) fail "the agent ran with OTLP and no libcurl (exit 0)" ;;
	*) [ "$rc" -lt 124 ] && pass "no libcurl: start refused (exit $rc)" ||
		fail "no libcurl: exit $rc (a loader failure, timeout or signal), wanted 1..123" ;;
	esac
	expect_log agent "libcurl\.so\.4 cannot be used: .*libcurl\.so\.4.*install the libcurl4 package" \
		"no libcurl: names libcurl.so.4, the reason and the package"
	expect_log agent "starting the otlp exporter failed" "no libcurl: the exporter start failed"
	if grep -Eq 'Sanitizer|Segmentation|core dumped' "$TMP/agent.log"; then
		fail "no libcurl: the agent crashed"
	else
		pass "no libcurl: no crash"
	fi
	;;
*)
	echo "unknown scenario $SCEN" >&2
	exit 2
	;;
esac
finish

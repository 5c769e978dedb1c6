#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent against the reference StatsD daemon, once per tag style: what
# statsd holds afterwards must equal what the agent sent (see
# check_statsd.py for how the expected values are derived).
. "$(dirname "$0")/../integration/lib.sh" "$@"
. "$(dirname "$0")/statsd_lib.sh"
need_statsd
FIX=$SRC/tests/fixtures/procfs/vm-6.18
UDP=18122 MGMT=18123 TEE=18121

"$AGENT" --once --format json --source procfs --no-events --proc-dir "$FIX" >"$TMP/once.json"

run_style() { # STYLE PREFIX MTU [PROTO [SEND]]
	local style=$1 prefix=$2 mtu=$3 proto=${4:-udp} send=${5:-all} i want got
	echo "# tags=$style prefix='$prefix' mtu=$mtu proto=$proto send=$send"
	: >"$TMP/wire"
	rm -f "$TMP/tee.ready"
	start_statsd $UDP $MGMT "$proto"
	python3 "$HERE/tee.py" "$proto" $TEE $UDP "$TMP/wire" "$TMP/tee.ready" &
	local tee=$!
	PIDS+=("$tee")
	for i in $(seq 100); do [ -f "$TMP/tee.ready" ] && break; sleep 0.1; done
	expect_exit 0 "agent with --statsd-tags $style" "$AGENT" --source procfs \
		--no-events --headless --http off -d 0.5 --duration 1.6 --proc-dir "$FIX" \
		--statsd 127.0.0.1:$TEE --statsd-tags "$style" \
		--statsd-prefix "$prefix" --statsd-mtu "$mtu" --statsd-proto "$proto" \
		--statsd-send "$send"
	# Let the daemon take in every line the relay logged (loopback is not
	# lossy; a missing line fails the check below).
	want=$(python3 -c 'import json,sys; print(sum(len([l for l in json.loads(x).split("\n") if l]) for x in open(sys.argv[1])))' "$TMP/wire")
	echo "$want" >"$TMP/lines.$send"
	for i in $(seq 50); do
		got=$(admin $MGMT counters | python3 -c \
			'import json,sys; print(json.load(sys.stdin)["statsd.metrics_received"])')
		[ "$got" -ge "$want" ] && break
		sleep 0.1
	done
	admin $MGMT gauges >"$TMP/gauges.json"
	admin $MGMT counters >"$TMP/counters.json"
	if python3 "$HERE/check_statsd.py" "$style" "$prefix" "$mtu" "$TMP/once.json" \
		"$TMP/wire" "$TMP/gauges.json" "$TMP/counters.json" "$proto" "$send" >"$TMP/check"; then
		pass "statsd holds what the agent sent ($style, $proto)"
	else
		fail "statsd disagrees ($style, $proto):"
	fi
	sed 's/^/    /' "$TMP/check"
	kill "$tee" 2>/dev/null || true
	wait "$tee" 2>/dev/null || true
	stop_statsd
}

run_style none mfd. 1432
run_style dogstatsd mfd. 1432
# A custom prefix and a small mtu: many packets, negative gauge pairs at
# packet edges.
run_style graphite ci.frag. 200
# TCP: the same lines as a stream, queued while the connection opens.
run_style dogstatsd mfd. 300 tcp
# Only what changed: the daemon still ends up holding every value the
# agent has (it keeps gauges between flushes), from fewer lines.
run_style dogstatsd mfd. 1432 udp all
run_style dogstatsd mfd. 1432 udp changed
all=$(cat "$TMP/lines.all") changed=$(cat "$TMP/lines.changed")
if [ "$changed" -lt "$all" ]; then
	pass "--statsd-send changed: $changed lines against $all for every sample"
else
	fail "--statsd-send changed sent $changed lines, all sent $all"
fi
finish

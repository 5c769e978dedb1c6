#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Allocation failures where the DaemonSet runs. The agent runs as in a pod
# as shipped: exactly the DaemonSet's capability set (read from
# containers/k8s/daemonset.yaml, enforced with setpriv's bounding set) and
# a /dev like a container runtime makes it (a tmpfs with null, zero,
# full, random, urandom and tty: no kmsg), in a private mount namespace.
# It must say it reads the kernel log with syslog(2), serve
# mfd_kernel_log_alloc_failures_total at 0 for every order the kernel has
# (counted in /proc/buddyinfo) from the first scrape, report
# mfd_agent_signal_enabled{signal="kernel_log"} 1, and keep CAP_SYSLOG
# alone after start-up (/proc/PID/status). Without SYSLOG in the set the
# counter is off, the log says so naming CAP_SYSLOG, the signal metric
# says 0, and the family stays declared, with no series.
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
need_root
. "$SRC/tests/fleet/workload.sh"
command -v setpriv >/dev/null || { fail "setpriv (util-linux) missing"; finish; }
command -v unshare >/dev/null || { fail "unshare (util-linux) missing"; finish; }
caps=$(grep -E '^\s*add: \[' "$SRC/containers/k8s/daemonset.yaml" | head -1 | sed -E 's/.*\[(.*)\].*/\1/; s/ //g' | tr 'A-Z' 'a-z')
[ -n "$caps" ] && pass "DaemonSet adds: $caps" || { fail "no capability line in daemonset.yaml"; finish; }
orders=$(awk '/zone/ { if (NF - 4 > o) o = NF - 4 } END { print o }' /proc/buddyinfo)

cat >"$TMP/pod.sh" <<'SH'
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=755 none /dev
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r n a b <<<"$d"; mknod -m 666 "/dev/$n" c "$a" "$b"
done
exec "$@"
SH

run_pod() { # NAME CAPS: start the agent pod-like, wait for /metrics
	local name=$1 set=$2 port
	port=$(free_port)
	unshare -m bash "$TMP/pod.sh" setpriv --bounding-set=-all,+${set//,/,+} --inh-caps=-all -- \
		"$AGENT" --headless -d 1 --http 127.0.0.1:"$port" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS+=("$!")
	POD_PID=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/metrics" >"$TMP/$name.metrics" 2>/dev/null && grep -q "capabilities dropped" "$TMP/$name.err" && break
		sleep 0.1
	done
	AGENT_PID=$(pgrep -P "$POD_PID" -f mfd-agent || echo "$POD_PID")
	grep Cap "/proc/$AGENT_PID/status" >"$TMP/$name.caps" 2>/dev/null || true
	kill "$POD_PID" 2>/dev/null || true
	wait "$POD_PID" 2>/dev/null || true
}

run_pod shipped "$caps"
grep -q "reading the kernel log with syslog(2)" "$TMP/shipped.err" &&
	pass "as shipped: the kernel log is read with syslog(2) (no /dev/kmsg in the pod)" ||
	fail "as shipped: $(grep -m2 -i "kernel log\|kmsg" "$TMP/shipped.err")"
n=$(grep -c '^mfd_kernel_log_alloc_failures_total{order="[0-9]*"} 0$' "$TMP/shipped.metrics" || true)
[ "$n" = "$orders" ] && pass "as shipped: mfd_kernel_log_alloc_failures_total at 0 for all $orders orders from the first scrape" ||
	fail "as shipped: $n zero series for $orders orders: $(grep -m3 kernel_log_alloc "$TMP/shipped.metrics")"
grep -q '^mfd_agent_signal_enabled{signal="kernel_log"} 1$' "$TMP/shipped.metrics" &&
	pass "as shipped: mfd_agent_signal_enabled{signal=\"kernel_log\"} is 1" ||
	fail "as shipped: $(grep -m1 'signal="kernel_log"' "$TMP/shipped.metrics")"
eff=$(awk '/^CapEff/ { print $2 }' "$TMP/shipped.caps")
[ -n "$eff" ] && [ "$((16#$eff))" = "$((1 << 34))" ] &&
	pass "as shipped: after start-up only CAP_SYSLOG is left (CapEff $eff)" ||
	fail "as shipped: CapEff '$eff', want CAP_SYSLOG alone; log: $(grep -m1 'capabilities' "$TMP/shipped.err")"

run_pod nosyslog "$(echo "$caps" | tr ',' '\n' | grep -v '^syslog$' | paste -sd,)"
grep -q "page allocation failures from the kernel log unavailable.*CAP_SYSLOG" "$TMP/nosyslog.err" &&
	pass "without SYSLOG: the log says the counter is off and why" ||
	fail "without SYSLOG: $(grep -m2 -i "kernel log\|kmsg" "$TMP/nosyslog.err")"
grep -q '^# TYPE mfd_kernel_log_alloc_failures_total counter' "$TMP/nosyslog.metrics" &&
	! grep -q '^mfd_kernel_log_alloc_failures_total{' "$TMP/nosyslog.metrics" &&
	pass "without SYSLOG: the family is declared, with no series" ||
	fail "without SYSLOG: $(grep -m3 kernel_log_alloc "$TMP/nosyslog.metrics")"
grep -q '^mfd_agent_signal_enabled{signal="kernel_log"} 0$' "$TMP/nosyslog.metrics" &&
	pass "without SYSLOG: mfd_agent_signal_enabled{signal=\"kernel_log\"} says 0" ||
	fail "without SYSLOG: $(grep -m1 'signal="kernel_log"' "$TMP/nosyslog.metrics")"
finish

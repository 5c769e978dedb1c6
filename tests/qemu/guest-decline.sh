#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the decline guest (mkinitramfs.sh copies it in when run.sh is
# given --decline). NUMA node 1's free huge-page blocks are used up step by
# step by small fragmenting allocations, while the agent forecasts when they
# will run out. Every half second the guest records, side by side, the
# agent's forecast for node 1 (its /metrics) and the kernel's own
# /proc/buddyinfo line for node 1; check_decline.py holds the one against the
# other on the host.
#
# Node 1 because on x86-64 QEMU it has a single zone (DMA32), so the node's
# forecast follows exactly the blocks of that buddyinfo line; node 0 also has
# DMA, which user allocations never drain.

. /guest-lib.sh

uname -r >/tmp/uname
section uname /tmp/uname
section cmdline /proc/cmdline

thp=/sys/kernel/mm/transparent_hugepage
# No huge pages at all: a THP fault would take a whole order-9 block at once
# (a jump, not a decline) and defrag would compact blocks back together.
echo never >$thp/enabled
echo never >$thp/defrag
# Proactive compaction would rebuild blocks in the background and bend the
# decline (docs/forecast.md, "Limits").
[ -w /proc/sys/vm/compaction_proactiveness ] &&
	echo 0 >/proc/sys/vm/compaction_proactiveness
cat $thp/enabled $thp/defrag >/tmp/thp
section thp /tmp/thp

# A 10 s window (the least the agent takes): the fit speaks after 1 s and 5
# samples, the horizon (10 windows) is 100 s, and the decline below lasts
# about 25 s, two to three windows, as a real one of an hour or more does
# with the default 30 min. The fit follows a change of trend within about
# one window (docs/forecast.md), so a decline of one window or less would
# test its inertia more than its forecast (a 20 s window: the first warning
# said 97 s where 26 s were left).
/mfd-agent --headless --interval 0.5 --forecast-window 10 \
	--http 127.0.0.1:9464 >/tmp/agent.out 2>/tmp/agent.err &
agent=$!
up=no
for i in $(seq 1 100); do
	if wget -q -O /tmp/healthz http://127.0.0.1:9464/healthz 2>/dev/null; then
		up=yes
		break
	fi
	sleep 0.2
done
echo "up=$up" >/tmp/up
section agent.up /tmp/up
section buddyinfo.before /proc/buddyinfo

# One sample: the guest's uptime, the agent's forecast line for node 1 and
# the kernel's buddyinfo line for node 1, raw (the host does the
# arithmetic). /metrics first: the agent's value is at most one interval
# old, so the buddyinfo read just after it is never older than the sample
# the forecast was made from.
sample() {
	read -r up _ </proc/uptime
	if wget -q -O /tmp/m http://127.0.0.1:9464/metrics 2>/dev/null; then
		f=$(grep '^mfd_node_exhaustion_forecast_seconds{.*numa_node="1"' /tmp/m)
	else
		f=none
	fi
	b=$(grep '^Node 1,' /proc/buddyinfo | tr -s ' ')
	echo "S $up|$f|$b"
}
# Node 1's suitable order-9 blocks (count << (order - 9) over orders >= 9),
# for the workload to know when to stop; the check recomputes them.
# (Debian's busybox awk has no math support, hence no 2 ^ n.)
blocks1() {
	grep '^Node 1,' /proc/buddyinfo |
		awk '{ s = 0; m = 1; for (o = 9; o + 5 <= NF; o++) { s += $(o + 5) * m; m *= 2 }; print s }'
}

(
	while [ ! -e /tmp/stop ]; do
		sample
		sleep 0.5
	done
) >/tmp/samples 2>&1 &
sampler=$!

# A few samples of a steady node first: the forecast must not cry wolf.
sleep 3
# Then 16 MiB at a time, a second apart, on CPU 1 (node 1's CPU, so the
# pages come from node 1 first): each chunk touches 16 MiB of small pages
# and frees every other one. The next chunk fills those 4 KiB holes first
# (the buddy allocator takes the smallest free block), so each one takes
# about 8 MiB of new memory and leaves none of its 2 MiB blocks whole: node
# 1's suitable blocks fall by about 4 a second, from about 90 (measured on
# 6.12). Stop once the kernel has shown none for 3 s; at most 30 chunks
# (240 MiB held, under half the guest).
read -r up _ </proc/uptime
echo "$up" >/tmp/workload.start
n=0 zero=0
while [ $n -lt 30 ] && [ $zero -lt 3 ]; do
	taskset 2 /mfd-fragment frag --mib 16 --thp-off --populate --hold 600 \
		>>/tmp/frag.out 2>>/tmp/frag.err &
	n=$((n + 1))
	sleep 1
	if [ "$(blocks1)" = 0 ]; then
		zero=$((zero + 1))
	else
		zero=0
	fi
done
echo "chunks=$n" >/tmp/chunks
# The exhausted state, held for two more samples.
sleep 1
touch /tmp/stop
wait $sampler

section buddyinfo.after /proc/buddyinfo
section workload.start /tmp/workload.start
section chunks /tmp/chunks
section samples /tmp/samples
wget -q -O /tmp/metrics http://127.0.0.1:9464/metrics
echo $? >/tmp/metrics.rc
kill -TERM $agent
wait $agent
echo $? >/tmp/agent.rc
killall mfd-fragment 2>/dev/null
section metrics /tmp/metrics
section metrics.rc /tmp/metrics.rc
section frag.err /tmp/frag.err
section agent.err /tmp/agent.err
section agent.rc /tmp/agent.rc

echo "==MFD-DONE=="
poweroff -f

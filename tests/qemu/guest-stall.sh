#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the stall guest (mkinitramfs.sh copies it in when run.sh is given
# "stall"). A guest of a few hundred MiB is fragmented at 4 KiB, then asked
# for transparent huge pages with THP defrag=always, so page faults compact
# and reclaim directly: the real direct-compaction and direct-reclaim stalls
# that never happen on the 24 GiB build host (NOTES.md). The agent runs
# through all of it; the guest prints the kernel's own /proc/vmstat before
# and after, the agent's /metrics and its stall records (one debug log line
# each), between the same ==MFD-BEGIN/END== markers as guest-init.sh, and
# check_stall.py compares them on the host.

. /guest-lib.sh

uname -r >/tmp/uname
section uname /tmp/uname
section cmdline /proc/cmdline

thp=/sys/kernel/mm/transparent_hugepage
# defrag=always: a THP fault that finds no free order-9 block compacts and
# reclaims in the faulting task (direct), instead of falling back at once.
echo always >$thp/enabled
echo always >$thp/defrag
# kcompactd's proactive compaction would merge the holes back into whole
# blocks between the two workloads (tests/workload/README.md).
[ -w /proc/sys/vm/compaction_proactiveness ] &&
	echo 0 >/proc/sys/vm/compaction_proactiveness
cat $thp/enabled $thp/defrag >/tmp/thp
section thp /tmp/thp
sleep 1

# Threshold 0: every stall becomes a ring-buffer record, so the records can
# be counted against the histograms. Debug logging prints one line a record.
/mfd-agent --headless --interval 0.5 --http 127.0.0.1:9464 \
	--stall-threshold-ms 0 --log-level debug \
	>/tmp/agent.out 2>/tmp/agent.err &
agent=$!
# Attached once /healthz answers: the probes load before the server starts.
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

# The kernel's own counters from here on; the agent is attached already.
cat /proc/vmstat >/tmp/vmstat.before
section buddyinfo.before /proc/buddyinfo

# 1. Fill most of memory and free every other 4 KiB page. --thp-off: the
#    fill itself uses small pages, so the holes split every pageblock.
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
fill=$((avail * 70 / 100))
taskset 1 /mfd-fragment frag --mib "$fill" --thp-off --populate --hold 600 \
	>/tmp/frag.out 2>/tmp/frag.err &
frag=$!
# frag says "freed" on stderr once the pattern is in place (its summary
# line comes at exit).
for i in $(seq 1 600); do
	grep -q 'freed' /tmp/frag.err && break
	sleep 0.2
done
section buddyinfo.fragmented /proc/buddyinfo
# 2. Fault THP-sized memory into what is left: each 2 MiB fault wants an
#    order-9 block, finds none, and compacts (and reclaims) directly.
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
want=$((avail * 80 / 100))
taskset 1 /mfd-fragment frag --mib "$want" --free-every 1024 --hold 0 \
	>/tmp/thp.out 2>/tmp/thp.err
echo $? >/tmp/thp.rc
kill $frag
wait $frag
section frag.out /tmp/frag.out
section frag.err /tmp/frag.err
section thp.out /tmp/thp.out
section thp.err /tmp/thp.err
section thp.rc /tmp/thp.rc

# Nothing allocates huge pages from here on: let the agent take two more
# samples (its BPF counters are read at each), then read both sides.
sleep 1.5
cat /proc/vmstat >/tmp/vmstat.after
wget -q -O /tmp/metrics http://127.0.0.1:9464/metrics
echo $? >/tmp/metrics.rc
kill -TERM $agent
wait $agent
echo $? >/tmp/agent.rc
section vmstat.before /tmp/vmstat.before
section vmstat.after /tmp/vmstat.after
section metrics /tmp/metrics
section metrics.rc /tmp/metrics.rc
section agent.err /tmp/agent.err
section agent.rc /tmp/agent.rc

echo "==MFD-DONE=="
poweroff -f

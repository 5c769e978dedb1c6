#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the test guest (copied into the initramfs by mkinitramfs.sh).
#
# Runs every check once and prints each result between
#     ==MFD-BEGIN <name>==
#     ==MFD-END <name>==
# lines on the serial console, then powers off. Output of a command goes to a
# file first and is printed whole afterwards, so kernel messages and stderr
# never interleave with the text the host parses. Exit codes are sections of
# their own ("<name>.rc").

. /guest-lib.sh

# run NAME CMD...: run CMD with stdout and stderr in files, then print
# NAME.out, NAME.err and NAME.rc sections.
run() {
	name=$1
	shift
	"$@" >"/tmp/$name.out" 2>"/tmp/$name.err"
	echo $? >"/tmp/$name.rc"
	section "$name.out" "/tmp/$name.out"
	section "$name.err" "/tmp/$name.err"
	section "$name.rc" "/tmp/$name.rc"
}

# Let the boot's memory churn (initramfs unpacking, freeing of init memory)
# settle so buddyinfo stays still across the reads below.
sleep 1

uname -r >/tmp/uname
section uname /tmp/uname
section cmdline /proc/cmdline

# --- BPF snapshot against the kernel's own buddyinfo ----------------------
# buddyinfo is read right before and right after the agent so the host can
# tell a real mismatch from a page that moved between the reads. Starting a
# process allocates and frees pages itself, so a cell can move even in an idle
# guest: three rounds are run and the host needs one that matches. A CO-RE
# mistake (a wrong stride or offset) is wrong in every round.
for round in 1 2 3; do
	cat /proc/buddyinfo >/tmp/buddyinfo.before
	/mfd-agent --once --format json --source bpf >/tmp/bpf.out 2>/tmp/bpf.err
	echo $? >/tmp/bpf.rc
	cat /proc/buddyinfo >/tmp/buddyinfo.after
	section "buddyinfo.before.$round" /tmp/buddyinfo.before
	section "bpf.out.$round" /tmp/bpf.out
	section "bpf.err.$round" /tmp/bpf.err
	section "bpf.rc.$round" /tmp/bpf.rc
	section "buddyinfo.after.$round" /tmp/buddyinfo.after
done

# --- probe: load and run the zones program, load+attach extfrag ------------
run probe /mfd-agent --probe

# --- compaction/reclaim stall programs: every one loads and attaches, or is
# reported absent with a log line while the agent still runs ---------------
run stalls /mfd-agent --headless --duration 1 --interval 0.5 \
	--alloc-fail-counter --log-level info

# --- extfrag events: the agent's exact count against the kernel's own ------
# A hist trigger on the tracepoint (ftrace, CONFIG_HIST_TRIGGERS) counts
# every hit in the kernel: the reference the agent's in-kernel counters must
# equal. Both are read once the agent runs and again after page-table
# pressure from mfd-fragment (unmovable page tables steal from movable
# pageblocks), with time for the agent's once-a-second flush in between; an
# idle busybox guest makes no fallbacks of its own between the reads.
ev=/sys/kernel/tracing/events/kmem/mm_page_alloc_extfrag
echo 'hist:keys=alloc_order' >$ev/trigger
/mfd-agent --headless --interval 0.5 --http 127.0.0.1:9464 \
	>/tmp/xf.agent.out 2>/tmp/xf.agent.err &
xf_agent=$!
for i in $(seq 1 100); do
	wget -q -O /dev/null http://127.0.0.1:9464/healthz 2>/dev/null && break
	sleep 0.2
done
sleep 1
cat $ev/hist >/tmp/xf.hist.before
wget -q -O /tmp/xf.metrics.before http://127.0.0.1:9464/metrics
/mfd-fragment pt --gib 32 --seconds 0 >/tmp/xf.pt.out 2>/tmp/xf.pt.err
echo $? >/tmp/xf.pt.rc
sleep 2.5
cat $ev/hist >/tmp/xf.hist.after
wget -q -O /tmp/xf.metrics.after http://127.0.0.1:9464/metrics
kill -TERM $xf_agent
wait $xf_agent
echo $? >/tmp/xf.agent.rc
echo '!hist:keys=alloc_order' >$ev/trigger
for f in hist.before metrics.before pt.err pt.rc hist.after metrics.after agent.err agent.rc; do
	section "extfrag.$f" "/tmp/xf.$f"
done

# --- the procfs path on the same kernel ------------------------------------
run procfs /mfd-agent --once --format json --source procfs

# --- fixture capture ------------------------------------------------------
# A fixture must be one consistent picture: buddyinfo is read before and after
# zoneinfo and the debugfs index files, and the capture is repeated until both
# buddyinfo reads are identical (an idle busybox guest settles quickly).
stable=no
for try in 1 2 3 4 5 6 7 8 9 10; do
	cat /proc/buddyinfo >/tmp/fx.buddyinfo
	cat /proc/zoneinfo >/tmp/fx.zoneinfo
	cat /sys/kernel/debug/extfrag/unusable_index >/tmp/fx.unusable_index
	cat /sys/kernel/debug/extfrag/extfrag_index >/tmp/fx.extfrag_index
	cat /proc/buddyinfo >/tmp/fx.buddyinfo2
	if cmp -s /tmp/fx.buddyinfo /tmp/fx.buddyinfo2; then
		stable=yes
		break
	fi
	sleep 1
done
echo "stable=$stable tries=$try" >/tmp/fx.stable
section fixture.stable /tmp/fx.stable
section fixture.buddyinfo /tmp/fx.buddyinfo
section fixture.zoneinfo /tmp/fx.zoneinfo
section fixture.unusable_index /tmp/fx.unusable_index
section fixture.extfrag_index /tmp/fx.extfrag_index

echo "==MFD-DONE=="
poweroff -f

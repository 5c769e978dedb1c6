#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest-lib.sh: what every test guest's /init does first, sourced from
# /guest-lib.sh (mkinitramfs.sh copies it in): the file systems the agent
# and the checks read, loopback up (the agent's /metrics is read with
# busybox wget), and section(), the marker format check.py parses.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
# tracefs is reachable through debugfs too, but the agent looks in
# /sys/kernel/tracing first, as on a modern distribution.
mount -t tracefs tracefs /sys/kernel/tracing
# cgroup2 is optional: the agent's BPF zone walk goes through the task's memory
# cgroup, which exists (the root one) whether or not cgroup2 is mounted.
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up

# section NAME FILE: print FILE between markers. CRs are stripped on the host.
# The empty line first keeps the marker off a line where the console driver
# may have left terminal escapes.
section() {
	echo
	echo "==MFD-BEGIN $1=="
	cat "$2"
	echo "==MFD-END $1=="
}


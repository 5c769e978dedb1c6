# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the fleet query tests (after tests/integration/lib.sh): run
# the fragmenting workload (mfd-fragment pt) inside a kubelet-named pod
# cgroup, so per-pod series exist, until the kernel's own witness (the
# extfrag tracepoint in a private tracefs instance) has seen it fall back.
# Sets CGROUP_ROOT (for the agent's --cgroup-root) before the agent starts,
# and NO_EVENTS=1 after run_workload when the kernel made no fallback.
FRAG="$BUILD/mfd-fragment"
[ -x "$FRAG" ] || { fail "workload $FRAG not built"; finish; }
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then CGROUP_ROOT=/sys/fs/cgroup
elif [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then CGROUP_ROOT=/sys/fs/cgroup/unified
else CGROUP_ROOT=""; fi
NO_EVENTS=0

run_workload() {
	local uid cid top pod ctr round T I
	if [ -n "$CGROUP_ROOT" ]; then
		uid=$(cat /proc/sys/kernel/random/uuid)
		cid=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
		top="$CGROUP_ROOT/mfd-test-$$"
		pod="$top/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice"
		ctr="$pod/cri-containerd-$cid.scope"
		mkdir -p "$ctr"
		WORKLOAD_CGROUPS=("$ctr" "$pod" "${pod%/*}" "${pod%/*/*}" "$top")
		trap 'for d in "${WORKLOAD_CGROUPS[@]}"; do rmdir "$d" 2>/dev/null || true; done; cleanup' EXIT
	fi
	T=/sys/kernel/tracing
	[ -d "$T/instances" ] || mount -t tracefs none "$T" 2>/dev/null || true
	I="$T/instances/mfd-fleet-$$"
	if mkdir "$I" 2>/dev/null && echo 1 >"$I/events/kmem/mm_page_alloc_extfrag/enable"; then :; else I=""; fi
	for round in 1 2 3; do
		if [ -n "$CGROUP_ROOT" ]; then
			sh -c 'echo $$ >>"$3" && echo $$ >"$1/cgroup.procs" && exec "$2" pt --seconds 6 --loop' \
				sh "$ctr" "$FRAG" "$TMP/frag.pids" >>"$TMP/frag.out" 2>&1 || true
		else
			sh -c 'echo $$ >>"$2" && exec "$1" pt --seconds 6 --loop' sh "$FRAG" "$TMP/frag.pids" >>"$TMP/frag.out" 2>&1 || true
		fi
		[ -n "$I" ] || break
		grep -qE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" && break
	done
	if [ -n "$I" ]; then
		echo 0 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
		grep -qE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" || NO_EVENTS=1
		rmdir "$I" 2>/dev/null || true
	fi
}

# free_port: a loopback TCP port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

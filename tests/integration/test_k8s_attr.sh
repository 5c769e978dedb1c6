#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pod attribution, live: a real cgroup v2 directory named the way kubelet
# (systemd driver, containerd) names a Burstable pod's container; the
# workload runs inside it; its extfrag events must carry that pod's UID,
# container id and QoS class, and the cgroup id must be the directory's
# inode number (the kernel's own answer, read with stat).
. "$(dirname "$0")/lib.sh" "$@"
need_root
# After the HTTP merge every loop-mode agent binds 127.0.0.1:9464 by
# default; these tests do not need it (and must not collide on it).
HTTP_OFF=()
grep -q -- "--http " <<<"$("$AGENT" --help)" && HTTP_OFF=(--http off)
FRAG="$BUILD/mfd-fragment"
[ -x "$FRAG" ] || { fail "workload $FRAG not built"; finish; }
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then ROOT=/sys/fs/cgroup
elif [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then ROOT=/sys/fs/cgroup/unified
else echo "skipped: no cgroup v2 hierarchy mounted"; exit 77; fi

uid=$(cat /proc/sys/kernel/random/uuid)
cid=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
top="$ROOT/mfd-test-$$"
pod="$top/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid//-/_}.slice"
ctr="$pod/cri-containerd-$cid.scope"
mkdir -p "$ctr"
rmcg() { # leaf first; the workload has exited by then
	local d
	for d in "$ctr" "$pod" "${pod%/*}" "${pod%/*/*}" "$top"; do rmdir "$d" 2>/dev/null || true; done
}
trap 'rmcg; cleanup' EXIT
want_id=$(stat -c %i "$ctr")

"$AGENT" "${HTTP_OFF[@]}" --headless -d 0.5 --format json --cgroup-root "$ROOT" >"$TMP/state.json" 2>"$TMP/err" &
apid=$!
PIDS+=("$apid")
for _ in $(seq 100); do grep -q "collecting every" "$TMP/err" && break; sleep 0.1; done
# The shell moves itself into the container's cgroup, then becomes the
# workload, so every event it causes is charged there.
# (Other mfd-fragment processes may run on this machine: match by pid.)
# How many fallbacks a round causes depends on the machine's memory
# state: up to three rounds, until the kernel's own witness (the
# tracepoint in a private tracefs instance, so no other tracer is
# disturbed) has seen the workload fall back at least once.
T=/sys/kernel/tracing
[ -d "$T/instances" ] || mount -t tracefs none "$T" 2>/dev/null || true
I="$T/instances/mfd-k8s-$$"
if mkdir "$I" 2>/dev/null && echo 1 >"$I/events/kmem/mm_page_alloc_extfrag/enable"; then :; else I=""; fi
for round in 1 2 3; do
	sh -c 'echo $$ >>"$3" && echo $$ >"$1/cgroup.procs" && exec "$2" pt --seconds 6 --loop' \
		sh "$ctr" "$FRAG" "$TMP/frag.pids" >>"$TMP/frag.out" 2>&1 || true
	[ -n "$I" ] || break # no witness: one round
	grep -qE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" && break
done
witnessed=unknown
if [ -n "$I" ]; then
	echo 0 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
	witnessed=$(grep -cE "mfd-fragment-($(paste -sd'|' "$TMP/frag.pids")) " "$I/trace" || true)
	rmdir "$I" 2>/dev/null || true
fi
kill -TERM "$apid"
rc=0
wait "$apid" || rc=$?
[ "$rc" -eq 0 ] && pass "agent exit 0 after SIGTERM" || fail "agent exit $rc"
if [ "$witnessed" = 0 ]; then
	echo "skipped: the kernel made no extfrag fallback for the workload in 3 rounds (tracefs saw none): nothing to attribute in this memory state"
	exit 77
fi
[ "$witnessed" = unknown ] || pass "tracefs saw the workload fall back $witnessed times"

python3 - "$TMP/state.json" "$uid" "$cid" "$want_id" "$(tr '\n' , <"$TMP/frag.pids")" <<'PY' || fails=$((fails + 1))
import json, sys
state, uid, cid, want_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pids = {int(p) for p in sys.argv[5].split(",") if p}
s = json.load(open(state))
rows = [p for p in s["procs"] if p["pid"] in pids]
def check(ok, what):
    print(("ok   - " if ok else "FAIL - ") + what)
    return bool(ok)
ok = check(rows, "the workload's events are in the table (%d events in all)" % s["events"])
for p in rows[:1]:
    ok &= check(p["cgroup_id"] == want_id, "cgroup_id %d is the directory's inode %d" % (p["cgroup_id"], want_id))
    ok &= check(p.get("k8s.pod.uid") == uid, "k8s.pod.uid %s" % p.get("k8s.pod.uid"))
    ok &= check(p.get("container.id") == cid, "container.id is the scope's id")
    ok &= check(p.get("k8s.pod.qos") == "burstable", "k8s.pod.qos %s" % p.get("k8s.pod.qos"))
    ok &= check(p.get("container.runtime") == "containerd", "container.runtime %s" % p.get("container.runtime"))
others = [p for p in s["procs"] if p["pid"] not in pids and p.get("k8s.pod.uid") == uid]
ok &= check(not others, "no other process is attributed to the test pod")
sys.exit(0 if ok else 1)
PY
finish

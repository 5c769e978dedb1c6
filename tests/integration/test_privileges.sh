#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Least privilege, proven: the agent runs with exactly the DaemonSet's
# capability set (read from containers/k8s/daemonset.yaml) and no other,
# takes the BPF path, and once its programs are loaded holds no
# capability at all (the kernel's own /proc/PID/status says so) while it
# keeps sampling through BPF. With any one of those capabilities removed it
# names the missing one and falls back to procfs.
. "$(dirname "$0")/lib.sh" "$@"
need_root
# After the HTTP merge every loop-mode agent binds 127.0.0.1:9464 by
# default; these tests do not need it (and must not collide on it).
HTTP_OFF=()
grep -q -- "--http " <<<"$("$AGENT" --help)" && HTTP_OFF=(--http off)
command -v capsh >/dev/null || { echo "skipped: capsh (libcap2-bin) missing"; exit 77; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
line=$(grep -E '^\s*add: \[' "$SRC/containers/k8s/daemonset.yaml" | head -1)
set_caps=$(echo "$line" | sed -E 's/.*\[(.*)\].*/\1/; s/ //g' | tr 'A-Z' 'a-z' | sed -E 's/(^|,)/\1cap_/g')
[ -n "$set_caps" ] && pass "DaemonSet adds: $set_caps" || { fail "no capability line in daemonset.yaml"; finish; }
last=$(cat /proc/sys/kernel/cap_last_cap)
# capsh --drop takes names or numbers; keep = the numbers of set_caps.
num() { capsh --explain="$1" 2>/dev/null | head -1 | grep -oE '^[0-9]+' || python3 -c "
import sys; print({'cap_bpf':39,'cap_perfmon':38,'cap_syslog':34,'cap_sys_admin':21,'cap_sys_resource':24}[sys.argv[1]])" "$1"; }
# only(CAPS): run CMD with exactly CAPS (bounding set = CAPS; root gets
# the bounding set as permitted and effective at exec).
only() {
	local keep=$1 drop="" i c
	shift
	local nums=" "
	for c in ${keep//,/ }; do nums+="$(num "$c") "; done
	for i in $(seq 0 "$last"); do
		case "$nums" in *" $i "*) ;; *) drop+="${drop:+,}$i" ;; esac
	done
	# exec all the way down: the caller's $! is the agent's pid.
	exec capsh --drop="$drop" -- -c 'exec "$@"' sh "$@"
}
run_only() { (only "$@"); }
mask() { # hex CapBnd mask of CAPS
	local m=0 c
	for c in ${1//,/ }; do m=$((m | (1 << $(num "$c")))); done
	printf '%016x' "$m"
}

# 1. Exactly the DaemonSet's set: BPF path, then no capability at all.
(only "$set_caps" "$AGENT" "${HTTP_OFF[@]}" --headless -d 0.2 --format json) >"$TMP/state.json" 2>"$TMP/err" &
apid=$!
PIDS+=("$apid")
for _ in $(seq 100); do grep -q "collecting every" "$TMP/err" && break; sleep 0.1; done
st=/proc/$apid/status
bnd=$(awk '/^CapBnd/ {print $2}' "$st")
[ "$bnd" = "$(mask "$set_caps")" ] && pass "bounding set is exactly $set_caps ($bnd)" || fail "bounding set $bnd, wanted $(mask "$set_caps")"
grep -q "from bpf, extfrag events attached" "$TMP/err" && pass "BPF zone snapshots and extfrag events with $set_caps" || fail "not on the BPF path: $(cat "$TMP/err")"
eff=$(awk '/^CapEff/ {print $2}' "$st"); prm=$(awk '/^CapPrm/ {print $2}' "$st")
[ "$eff" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] && pass "after loading: no effective or permitted capability" || fail "CapEff $eff CapPrm $prm after loading"
grep -q "^NoNewPrivs:.*1" "$st" && pass "no_new_privs set" || fail "no_new_privs not set"
grep -q "capabilities dropped after loading BPF; kept: none" "$TMP/err" && pass "the log says what was kept" || fail "no drop log line: $(cat "$TMP/err")"
kill -TERM "$apid"
rc=0; wait "$apid" || rc=$?
[ "$rc" -eq 0 ] && pass "exit 0 on SIGTERM" || fail "exit $rc"
python3 - "$TMP/state.json" <<'PY' && pass "still sampling through BPF after the drop, no failures" || fail "state after the drop: $(cat "$TMP/state.json")"
import json, sys
s = json.load(open(sys.argv[1]))
# the start-up sample precedes the drop; the final one (and ticks) follow it
assert s["source"] == "bpf" and s["samples"] >= 2 and s["sample_failures"] == 0 and s["events_attached"], s
PY

# 2. --probe with the same set: both programs work.
expect_exit 0 "--probe with exactly $set_caps" run_only "$set_caps" "$AGENT" --probe
grep -q "^zones_bpf: ok" "$TMP/out" && grep -q "^extfrag_bpf: ok" "$TMP/out" && pass "both BPF programs work with $set_caps" || fail "probe: $(cat "$TMP/out")"

# 3. One BPF capability fewer: named, and procfs instead. (CAP_SYSLOG is
# for the kernel log only: tests/containers/test_pod_kmsg.sh.)
for c in ${set_caps//,/ }; do
	[ "$c" = cap_syslog ] && continue
	fewer=$(echo ",$set_caps," | sed "s/,$c,/,/; s/^,//; s/,$//")
	expect_exit 0 "without $c" run_only "$fewer" "$AGENT" --once --format json
	src=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"])' "$TMP/out" 2>/dev/null || echo "?")
	[ "$src" = procfs ] && pass "without $c: procfs snapshot" || fail "without $c: source $src"
	up=$(echo "$c" | tr a-z A-Z)
	grep -q "missing capability $up" "$TMP/err" && pass "without $c: the log names $up" || fail "without $c: log: $(cat "$TMP/err")"
done
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGTERM and SIGINT end the agent cleanly and leave no BPF link or program.
. "$(dirname "$0")/lib.sh" "$@"
need_root
command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
ours() { bpftool prog show 2>/dev/null | grep -cE "mfd_extfrag|mfd_zones_snap" || true; }
# Links (tracepoints attach as perf_event links) whose program is ours.
links() {
	python3 - <<'PY'
import json, subprocess
def j(*a):
    out = subprocess.run(["bpftool", "-j", *a], capture_output=True, text=True).stdout
    return json.loads(out or "[]")
names = {p["id"]: p.get("name", "") for p in j("prog", "show")}
print(sum(1 for l in j("link", "show") if names.get(l.get("prog_id")) == "mfd_extfrag"))
PY
}

base_progs=$(ours)
base_links=$(links)
for sig in TERM INT; do
	"$AGENT" --headless -d 0.2 --http off >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 50); do
		[ "$(ours)" -gt "$base_progs" ] && [ "$(links)" -gt "$base_links" ] && break
		sleep 0.1
	done
	[ "$(links)" -gt "$base_links" ] && pass "SIG$sig: extfrag link attached while running" || fail "SIG$sig: no link seen"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] && pass "SIG$sig: exit 0" || fail "SIG$sig: exit $rc"
	[ "$(links)" -eq "$base_links" ] && pass "SIG$sig: no link left" || fail "SIG$sig: link left behind"
	[ "$(ours)" -eq "$base_progs" ] && pass "SIG$sig: no program left" || fail "SIG$sig: program left behind"
	grep -q "shutting down" "$TMP/err" && pass "SIG$sig: logged the shutdown" || fail "SIG$sig: no shutdown log"
done
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGTERM and SIGINT end the agent cleanly and leave no BPF link or program.
. "$(dirname "$0")/lib.sh" "$@"
need_root
command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
# Programs and links are identified through the agent's own fds (fdinfo
# shows prog_id / link_id): other agents may be running on the machine, so
# system-wide counts by name would race with them.
held() { cat /proc/"$1"/fdinfo/* 2>/dev/null | awk -v k="$2:" '$1 == k {print $2}' | sort -u; }
gone() { # gone prog|link ID...: none of the ids exists any more
	local kind=$1 id
	shift
	for id in "$@"; do bpftool "$kind" show id "$id" >/dev/null 2>&1 && return 1; done
	return 0
}

for sig in TERM INT; do
	"$AGENT" --headless -d 0.2 --http off >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	PIDS+=("$pid")
	links=() progs=()
	for _ in $(seq 50); do
		mapfile -t links < <(held "$pid" link_id)
		mapfile -t progs < <(held "$pid" prog_id)
		[ "${#links[@]}" -gt 0 ] && [ "${#progs[@]}" -ge 2 ] && break
		sleep 0.1
	done
	[ "${#links[@]}" -gt 0 ] && pass "SIG$sig: extfrag link attached while running (${#links[@]} link(s), ${#progs[@]} program(s))" || fail "SIG$sig: no link seen"
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] && pass "SIG$sig: exit 0" || fail "SIG$sig: exit $rc"
	gone link "${links[@]}" && pass "SIG$sig: no link left" || fail "SIG$sig: link left behind"
	gone prog "${progs[@]}" && pass "SIG$sig: no program left" || fail "SIG$sig: program left behind"
	grep -q "shutting down" "$TMP/err" && pass "SIG$sig: logged the shutdown" || fail "SIG$sig: no shutdown log"
done
finish

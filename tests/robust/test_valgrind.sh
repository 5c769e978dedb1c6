#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_valgrind.sh AGENT BUILD_DIR - the agent under valgrind memcheck.
#
# 60 s (MFD_VALGRIND_SECONDS) of --headless sampling every 0.2 s with every
# exporter this build has (tests/robust/exporters.sh: --http, --statsd,
# --otlp-endpoint, --record, when --help lists them) talking to
# receiver.py, the extfrag workload running, a SIGHUP reload half way and
# SIGTERM at the end. Passes only if memcheck reports no error at all
# (invalid reads/writes, uses of uninitialised values, bad frees) and no
# definitely lost block, and the agent exits 0 after logging the reload.
# valgrind.supp holds the one known false positive (libbpf's short
# bpf_attr). valgrind 3.19 runs the BPF path (it warns about bpf commands
# it does not model, LINK_CREATE and PROG_BIND_MAP, which write no user
# memory); if the BPF path cannot start under valgrind the test says why and
# runs --source procfs instead, so the rest is still checked.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../integration/lib.sh" "$@"
. "$HERE/exporters.sh"
need_root
command -v valgrind >/dev/null || { echo "skipped: valgrind not installed (./dev.sh deps test)"; exit 77; }
SECS=${MFD_VALGRIND_SECONDS:-60}
P_RECV=${MFD_VG_RECV_PORT:-4320} P_UDP=${MFD_VG_UDP_PORT:-4321} P_HTTP=${MFD_VG_HTTP_PORT:-4322}

python3 "$HERE/receiver.py" --http-port "$P_RECV" --udp-port "$P_UDP" \
	--log "$TMP/receiver.log" &
PIDS+=($!)
mfd_exporter_args "$AGENT" "$P_RECV" "$P_UDP" "$P_HTTP" "$TMP"
echo "exporters in this build: ${MFD_EXPORTERS[*]:-none}"

# A fixed 32 GiB sparse mapping: 64 MiB of page tables per pass. Without
# --gib, pt sizes itself against the free Unmovable pool, and two such
# runs at once on a shared machine drove it into the OOM killer.
"$BUILD/mfd-fragment" pt --gib 32 --loop --seconds $((SECS + 30)) >"$TMP/workload.out" 2>&1 &
PIDS+=($!)

# run_agent SOURCE: start the agent under valgrind; sets VG_PID.
run_agent() {
	: >"$TMP/agent.log"
	valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--track-origins=yes --suppressions="$HERE/valgrind.supp" \
		--log-file="$TMP/valgrind.log" \
		"$AGENT" --headless -d 0.2 --source "$1" --log-level info \
		"${MFD_EXPORTER_ARGS[@]}" >"$TMP/agent.out" 2>"$TMP/agent.log" &
	VG_PID=$!
	PIDS+=("$VG_PID")
	# valgrind makes start-up slow (over a minute on a loaded 2-vCPU
	# VM): wait for the loop's first log line while the agent lives.
	for _ in $(seq 600); do
		grep -q "collecting every" "$TMP/agent.log" && return 0
		kill -0 "$VG_PID" 2>/dev/null || return 1
		sleep 0.5
	done
	return 2
}

source=bpf
rc=0
run_agent bpf || rc=$?
if [ "$rc" -eq 2 ]; then
	fail "agent under valgrind logged no 'collecting every' line in 300 s"
	finish
elif [ "$rc" -ne 0 ]; then
	echo "the BPF path did not start under valgrind; log:"
	sed 's/^/    | /' "$TMP/agent.log" | tail -5
	kill "$VG_PID" 2>/dev/null || true
	wait "$VG_PID" 2>/dev/null || true
	echo "falling back to --source procfs: valgrind cannot run this BPF path here"
	source=procfs
	if ! run_agent procfs; then
		fail "agent did not start under valgrind (--source procfs)"
		sed 's/^/    | /' "$TMP/agent.log" "$TMP/valgrind.log" | tail -30
		finish
	fi
fi
pass "agent started under valgrind (--source $source)"

# Keep the HTTP endpoint busy too, if there is one.
if [[ " ${MFD_EXPORTERS[*]} " == *" http "* ]]; then
	(while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/metrics" || true; done) &
	PIDS+=($!)
fi

sleep $((SECS / 2))
kill -HUP "$VG_PID"
sleep $((SECS - SECS / 2))
kill -TERM "$VG_PID"
rc=0
wait "$VG_PID" || rc=$?

if [ "$rc" -eq 0 ]; then pass "agent exited 0 after SIGTERM"; else
	fail "agent (under valgrind) exited $rc (99: memcheck found errors)"
fi
if grep -q "SIGHUP: configuration reloaded" "$TMP/agent.log"; then
	pass "SIGHUP reload happened"
else
	fail "no 'SIGHUP: configuration reloaded' in the agent log"
	tail -5 "$TMP/agent.log" | sed 's/^/    | /'
fi
if grep -q "ERROR SUMMARY: 0 errors" "$TMP/valgrind.log"; then
	pass "memcheck: $(grep -o 'ERROR SUMMARY.*' "$TMP/valgrind.log")"
else
	fail "memcheck found errors:"
	grep -E "Invalid|uninitialised|definitely lost|ERROR SUMMARY" "$TMP/valgrind.log" | sed 's/^/    | /' | head -20
fi
if grep -qE "definitely lost: [1-9]" "$TMP/valgrind.log"; then
	fail "definite leaks:"; grep -A12 "definitely lost in" "$TMP/valgrind.log" | head -40
else
	pass "no definitely lost blocks ($(grep -oE '(in use at exit|definitely lost):.*' "$TMP/valgrind.log" | head -2 | tr '\n' ';'))"
fi
grep -q "Invalid \(read\|write\)" "$TMP/valgrind.log" && fail "invalid reads/writes reported"
# The exporters must really have run under valgrind, not just been created.
sleep 1.2
read -r _ _ posts _ grams _ < <(tail -1 "$TMP/receiver.log" 2>/dev/null || echo "x x 0 0 0 0")
if [[ " ${MFD_EXPORTERS[*]} " == *" otlp "* ]]; then
	[ "${posts:-0}" -gt 0 ] && pass "OTLP exporter sent $posts request(s)" || fail "OTLP exporter on, but the receiver got no request"
fi
if [[ " ${MFD_EXPORTERS[*]} " == *" statsd "* ]]; then
	[ "${grams:-0}" -gt 0 ] && pass "StatsD exporter sent $grams datagram(s)" || fail "StatsD exporter on, but the receiver got no datagram"
fi
if [[ " ${MFD_EXPORTERS[*]} " == *" record "* ]]; then
	[ -s "$TMP/record.jsonl" ] && pass "recording written ($(wc -l <"$TMP/record.jsonl") lines)" || fail "--record on, but $TMP/record.jsonl is empty"
fi
[ "$fails" -eq 0 ] || sed 's/^/    vg| /' "$TMP/valgrind.log" | tail -60
finish

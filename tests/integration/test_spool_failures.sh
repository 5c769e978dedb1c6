#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The OTLP spool when the disk fails it, with a collector that is down (a
# closed loopback port): a read-only mount, a full file system and no file
# descriptor left (EMFILE, by lowering RLIMIT_NOFILE of the running agent
# with prlimit). In each case:
#   - the export queue stays within --otlp-queue-batches in memory (the
#     queue_depth gauge, and RSS measured by the kernel);
#   - batches beyond it are dropped and counted, reason spool_write_failed;
#   - the failure is logged a bounded number of times, with a
#     "(N more suppressed)" summary, not once per batch;
#   - the exit message says exactly what is on disk (checked against the
#     files really there) and what was lost.
# Needs root (mount). Ports are picked free at run time.
. "$(dirname "$0")/lib.sh" "$@"
need_root
# Under ASan, freed batches waiting in its quarantine are not the agent's.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
command -v prlimit >/dev/null || { fail "prlimit (util-linux) missing"; finish; exit 1; }
FIX=$(readlink -f "$(dirname "$0")/../fixtures/procfs/vm-6.18")
CAP=4
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
DEAD=$(free_port) # nothing listens there: connection refused
MNT=()
cleanup_mounts() {
	local m
	for m in "${MNT[@]}"; do umount "$m" 2>/dev/null || true; done
}
trap 'cleanup_mounts; cleanup' EXIT

# metric NAME_PREFIX LABELS: one value from the agent's /metrics.
# Not "curl | awk '... exit'": curl would die of SIGPIPE, and under
# pipefail and set -e that ends the test.
metric() {
	curl -s --max-time 5 -o "$TMP/metrics" "http://127.0.0.1:$HP/metrics" || : >"$TMP/metrics"
	awk -v n="$1" -v l="$2" 'index($1, n) == 1 && index($1, l) { print $2; exit }' "$TMP/metrics"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$APID/status"; }
start() { # start NAME SPOOLDIR
	HP=$(free_port)
	LOG=$TMP/$1.log
	: >"$LOG"
	"$AGENT" --source procfs --proc-dir "$FIX" --no-events --headless \
		-d 0.01 --export-interval 0.1 --otlp-endpoint "http://127.0.0.1:$DEAD" \
		--otlp-max-backoff 1 --otlp-queue-batches $CAP --spool "$2" \
		--http "127.0.0.1:$HP" --http-history 10 --shutdown-timeout 1 2>"$LOG" &
	APID=$!
	PIDS+=("$APID")
	for _ in $(seq 100); do
		grep -q "collecting every" "$LOG" && curl -s -o /dev/null "http://127.0.0.1:$HP/healthz" && return 0
		sleep 0.1
	done
	fail "$1: the agent did not start: $(tail -3 "$LOG")"
	finish
	exit 1
}
stop() {
	local rc=0
	kill -TERM "$APID"
	wait "$APID" || rc=$?
	[ "$rc" -eq 0 ] && pass "$1: exit 0 after SIGTERM" || fail "$1: exit $rc after SIGTERM"
}
# Over 8 s the queue would reach about 80 batches; sample the depth.
# RSS is compared between 3 s (the cap long reached, start-up allocations
# done) and 8 s: bounded, it stays flat; kept, 100 samples a second of
# about 12 KiB each would add some 6 MB.
watch_depth() { # watch_depth NAME: max queue depth seen over 8 s
	local max=0 d i
	for i in $(seq 16); do
		sleep 0.5
		[ "$i" -eq 6 ] && rss_kib >"$TMP/rss0"
		d=$(metric mfd_agent_export_queue_depth 'exporter="otlp"')
		d=${d%.*}
		[ -n "$d" ] && [ "$d" -gt "$max" ] && max=$d
	done
	echo "$max"
}
# Every failure kind: bounded lines, a summary, no per-batch unlink noise.
check_log() { # check_log NAME
	local n
	n=$(grep -c "writing spool file .* failed" "$LOG" || true)
	# 8+ s of runs is at most 2 windows of 10 s: 5 lines each, plus the
	# summaries; per batch it would be about 80.
	[ "$n" -ge 1 ] && [ "$n" -le 12 ] && pass "$1: $n 'writing spool file failed' lines for ~80 batches" ||
		fail "$1: $n 'writing spool file failed' lines"
	grep -Eq "writing spool file .* failed.*\\(([0-9]+) more suppressed\\)" "$LOG" &&
		pass "$1: the suppressed ones are counted" || fail "$1: no '(N more suppressed)' summary"
	n=$(grep -c "cannot remove spool file" "$LOG" || true)
	[ "$n" -le 6 ] && pass "$1: 'cannot remove' not logged per batch ($n)" || fail "$1: $n 'cannot remove' lines"
	n=$(wc -l <"$LOG")
	[ "$n" -le 80 ] && pass "$1: $n log lines in all" || fail "$1: $n log lines"
}
# The exit message against the files really left in DIR.
check_exit_message() { # check_exit_message NAME DIR
	local files said lost
	files=$(find "$2" -maxdepth 1 -name '*.spool' | wc -l)
	said=$(sed -n 's/.*at exit \([0-9]*\) export batch(es) with [0-9]* undelivered points\/records stay in the spool.*/\1/p' "$LOG")
	said=${said:-0}
	[ "$said" -eq "$files" ] && pass "$1: exit message says $said batch(es) stay in the spool; $files file(s) there" ||
		fail "$1: exit message says $said batch(es) in the spool, $files file(s) there"
	lost=$(sed -n 's/.*at exit \([0-9]*\) export batch(es) with [0-9]* points\/records are lost: they were held in memory.*/\1/p' "$LOG")
	[ -n "$lost" ] && [ "$lost" -ge 1 ] && [ "$lost" -le $((CAP + 1)) ] &&
		pass "$1: exit message says $lost batch(es) held in memory are lost (cap $CAP + the last)" ||
		fail "$1: no truthful 'lost' count at exit (got '${lost}')"
	grep -q "undelivered at exit; they stay in the spool" "$LOG" && fail "$1: the old false claim is back" || true
}
check_drops() { # check_drops NAME
	local d
	d=$(metric mfd_agent_export_dropped_points 'reason="spool_write_failed"')
	d=${d%.*}
	[ -n "$d" ] && [ "$d" -gt 0 ] && pass "$1: $d points dropped, reason=spool_write_failed" ||
		fail "$1: no spool_write_failed drops counted (got '$d')"
}

# --- a read-only mount ---------------------------------------------------
RO=$TMP/ro
mkdir -p "$RO"
mount -t tmpfs -o size=1m,ro tmpfs "$RO" && MNT+=("$RO") || { fail "cannot mount a read-only tmpfs"; finish; exit 1; }
start ro "$RO"
max=$(watch_depth)
r0=$(cat "$TMP/rss0") r1=$(rss_kib)
# Points per batch: the queue cap in memory and one batch being filled.
[ "$max" -le "$CAP" ] && pass "ro: queue depth stayed <= $CAP (max $max)" || fail "ro: queue depth reached $max, cap $CAP"
check_drops ro
[ $((r1 - r0)) -lt 2048 ] && pass "ro: RSS grew $((r1 - r0)) KiB from 3 s to 8 s" || fail "ro: RSS grew $((r1 - r0)) KiB from 3 s to 8 s"
stop ro
check_log ro
check_exit_message ro "$RO"

# --- a full file system ----------------------------------------------------
FULL=$TMP/full
mkdir -p "$FULL"
# Room for a few batches, not for 8 s of them: later writes get ENOSPC.
mount -t tmpfs -o size=256k tmpfs "$FULL" && MNT+=("$FULL") || { fail "cannot mount a small tmpfs"; finish; exit 1; }
start full "$FULL"
max=$(watch_depth)
r0=$(cat "$TMP/rss0") r1=$(rss_kib)
files=$(find "$FULL" -maxdepth 1 -name '*.spool' | wc -l)
[ "$max" -le $((CAP + files + 1)) ] && pass "full: queue depth $max <= $CAP in memory + $files on disk (+1 being written)" ||
	fail "full: queue depth reached $max ($files on disk, cap $CAP)"
check_drops full
[ $((r1 - r0)) -lt 2048 ] && pass "full: RSS grew $((r1 - r0)) KiB from 3 s to 8 s" || fail "full: RSS grew $((r1 - r0)) KiB from 3 s to 8 s"
grep -q "No space left on device" "$LOG" && pass "full: ENOSPC reported" || fail "full: no ENOSPC in the log"
stop full
check_log full
check_exit_message full "$FULL"
[ "$(find "$FULL" -maxdepth 1 -name '*.spool' | wc -l)" -ge 1 ] && pass "full: the batches that fit are kept on disk" ||
	fail "full: nothing kept on disk"

# --- no file descriptor left (EMFILE) ----------------------------------------
EM=$TMP/emfile
mkdir -p "$EM"
start emfile "$EM"
sleep 0.5
# RLIMIT_NOFILE bounds descriptor numbers: set it to the lowest number
# that no long-lived descriptor holds (a spool file comes and goes), so
# every new spool file (and socket) fails with EMFILE until it is raised.
low=$(python3 - "$APID" <<'PY'
import os, sys
d = "/proc/%s/fd" % sys.argv[1]
held = {int(f) for f in os.listdir(d) if not os.readlink(os.path.join(d, f)).endswith(".spool")}
print(next(i for i in range(len(held) + 1) if i not in held))
PY
)
# The soft limit only: raising a hard limit again needs CAP_SYS_RESOURCE.
prlimit --pid "$APID" --nofile="$low:" || fail "prlimit failed"
sleep 3
r0=$(rss_kib)
sleep 5
r1=$(rss_kib)
prlimit --pid "$APID" --nofile=1024: || fail "prlimit (raise) failed"
sleep 0.3
d=$(metric mfd_agent_export_queue_depth 'exporter="otlp"')
d=${d%.*}
files=$(find "$EM" -maxdepth 1 -name '*.spool' | wc -l)
[ -n "$d" ] && [ "$d" -le $((CAP + files + 1)) ] && pass "emfile: queue depth $d <= $CAP in memory + $files on disk (+1)" ||
	fail "emfile: queue depth '$d' ($files on disk, cap $CAP)"
grep -q "Too many open files" "$LOG" && pass "emfile: EMFILE reported" || fail "emfile: no EMFILE in the log"
check_drops emfile
[ $((r1 - r0)) -lt 2048 ] && pass "emfile: RSS grew $((r1 - r0)) KiB from 3 s to 8 s" || fail "emfile: RSS grew $((r1 - r0)) KiB from 3 s to 8 s"
stop emfile
check_log emfile
check_exit_message emfile "$EM"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# extfrag events appear while the workload runs, attributed to it, and the
# agent's exact in-kernel count is no lower than what tracefs saw of the
# same tracepoint in a window inside the agent's.
. "$(dirname "$0")/lib.sh" "$@"
need_root
FRAG="$BUILD/mfd-fragment"
[ -x "$FRAG" ] || { fail "workload $FRAG not built"; finish; }
T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs none "$T" 2>/dev/null || true

# --duration is only a bound: on a loaded machine the workload can take far
# longer than its 8 s, so the agent is stopped once the window has closed
# and it has drawn a frame after it.
"$AGENT" -s -d 1 --duration 120 >"$TMP/view" 2>"$TMP/err" &
apid=$!
PIDS+=("$apid")
sleep 2
# tracefs as the independent witness, inside the agent's window. A trace
# instance of our own: the global buffer and tracing_on are shared with
# whatever else runs on the machine.
I="$T/instances/mfd-test-events-$$"
mkdir "$I" || { fail "cannot create trace instance $I"; finish; }
trap 'cleanup; rmdir "$I" 2>/dev/null || true' EXIT
echo 1 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
"$FRAG" pt --seconds 8 --loop >"$TMP/frag.out" 2>&1 &
fpid=$!
wait "$fpid" || true
echo 0 >"$I/tracing_on"
echo 0 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
seen=$(grep -c "mm_page_alloc_extfrag" "$I/trace" || true)
seen_frag=$(grep -c "mm_page_alloc_extfrag.* fragmenting=1" "$I/trace" || true)
sleep 2.5 # two more frames
kill -TERM "$apid" 2>/dev/null || true
wait "$apid" || true

# In some memory states (right after a storm, say) the workload makes no
# fallback at all: then there is nothing to compare, which is a skip, not
# a pass.
if [ "${seen:-0}" -eq 0 ]; then
	echo "skipped: the kernel made no extfrag event during the workload (tracefs saw 0)"
	exit 77
fi
pass "tracefs saw $seen extfrag events"
# The totals line of the last frame: "events N" (exact, per-CPU counters).
total=$(grep -oE 'events[ :=]+[0-9]+' "$TMP/view" | tail -1 | grep -oE '[0-9]+$' || echo 0)
[ "${total:-0}" -ge "$seen" ] && pass "agent counted $total >= tracefs $seen" || fail "agent counted ${total:-0} < tracefs $seen"
# The kernel prints its own "fragmenting" (fallback_order < pageblock_order);
# the handler computes it from the pageblock_order user space gave it.
frag=$(grep -oE '[0-9]+ fragmenting' "$TMP/view" | tail -1 | grep -oE '^[0-9]+' || echo 0)
if [ "${frag:-0}" -ge "$seen_frag" ] && [ $((total - frag)) -ge $((seen - seen_frag)) ]; then
	pass "fragmenting $frag >= tracefs $seen_frag, others $((total - frag)) >= $((seen - seen_frag))"
else
	fail "fragmenting split $frag / $((total - frag)) against tracefs $seen_frag / $((seen - seen_frag))"
fi
grep -q "mfd-fragment" "$TMP/view" && pass "events attributed to mfd-fragment" || fail "mfd-fragment not in the -s table"
# comm and process id come from the kernel's task_struct: the row must
# carry the pid the shell started (the -s table's COMM PID columns).
grep -qE "^mfd-fragment +$fpid " "$TMP/view" && pass "row carries the workload's pid $fpid" || fail "no mfd-fragment row with pid $fpid"
# Records are staged per CPU in the kernel and sent to the ring in batches;
# each sample flushes what is staged. In the last frame, drawn two samples
# after the workload ended, the table's COUNT column (second to last; a comm
# may hold spaces) must add up to the exact counters less the records
# counted as dropped: nothing left waiting in a stage, nothing delivered
# twice.
awk '/^mfd extfrag events \|/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
	"$TMP/view" >"$TMP/last"
events=$(grep -oE '^[0-9]+ events since start' "$TMP/last" | grep -oE '^[0-9]+' || echo -1)
dropped=$(grep -oE '[0-9]+ dropped' "$TMP/last" | grep -oE '^[0-9]+' || echo -1)
read -r rows nrows < <(awk '/^COMM / { t = 1; next } t && NF == 0 { t = 0 }
	t { s += $(NF - 1); n++ } END { print s + 0, n + 0 }' "$TMP/last")
if [ "$nrows" -ge 20 ]; then
	# The view shows the top 20 processes: with more, the sum is short.
	echo "note: $nrows processes in the table, more may be cut; sum not compared"
elif [ "$events" -gt 0 ] && [ "$dropped" -ge 0 ] && [ "$rows" -eq $((events - dropped)) ]; then
	pass "the table holds every record: $rows = $events events - $dropped dropped"
else
	fail "table rows add up to $rows, counters say $events events - $dropped dropped"
	cat "$TMP/last" >&2
fi
finish

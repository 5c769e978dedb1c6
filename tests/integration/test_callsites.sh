#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --callsites: the kernel stacks the agent counts for extfrag fallbacks of
# the workload, symbolized, are stacks perf records of the same tracepoint
# for the same workload (perf record -e kmem:mm_page_alloc_extfrag -a -g,
# the independent witness): the same function names in the same order for
# the top frames, and the innermost user frame named alike. The agent's
# stacks add up to its own exact extfrag counter (less what it says it
# could not store), and to no fewer events than tracefs saw in a window
# inside the agent's.
. "$(dirname "$0")/lib.sh" "$@"
need_root
FRAG="$BUILD/mfd-fragment"
[ -x "$FRAG" ] || { fail "workload $FRAG not built"; finish; }
command -v perf >/dev/null || { echo "skipped: perf is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
TOP=5 # frames compared

T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs none "$T" 2>/dev/null || true

# perf first, on its own: while any BPF program is attached to a
# tracepoint, the kernel hands an event to perf only when the program
# returns non-zero (perf_trace_run_bpf_submit()), and the agent's return
# 0. So the witness records one run of the workload and the agent counts
# the next; the workload's code paths, hence its kernel stacks, are the
# same each run.
perf record -q -e kmem:mm_page_alloc_extfrag -a -g -o "$TMP/perf.data" \
	-- "$FRAG" pt --seconds 6 --loop >"$TMP/perf.out" 2>&1 || true

"$AGENT" -k -d 1 --callsites --duration 120 >"$TMP/view" 2>"$TMP/err" &
apid=$!
PIDS+=("$apid")
sleep 2
# tracefs counts the agent's run (ftrace is not filtered by BPF): an
# instance of our own, the global buffer being shared.
I="$T/instances/mfd-test-callsites-$$"
mkdir "$I" || { fail "cannot create trace instance $I"; finish; }
trap 'cleanup; rmdir "$I" 2>/dev/null || true' EXIT
echo 1 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
"$FRAG" pt --seconds 6 --loop >"$TMP/frag.out" 2>&1 &
fpid=$!
wait "$fpid" || true
echo 0 >"$I/tracing_on"
echo 0 >"$I/events/kmem/mm_page_alloc_extfrag/enable"
seen=$(grep -c "mm_page_alloc_extfrag" "$I/trace" || true)
sleep 2.5 # two more frames
kill -TERM "$apid" 2>/dev/null || true
wait "$apid" || true
perf script -i "$TMP/perf.data" -F comm,pid,event,ip,sym >"$TMP/perf.txt" 2>/dev/null || true
# The last frame of the view.
awk '/^mfd call sites \|/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
	"$TMP/view" >"$TMP/last"

python3 - "$TMP/perf.txt" "$TMP/last" "$fpid" "$TOP" >"$TMP/check" <<'PY' || true
import re, sys
perf_txt, last, fpid, top = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

# perf script: a header line per sample, then one "ADDR SYM" line a frame.
perf, cur = [], None
for line in open(perf_txt, errors="replace"):
    if not line.strip():
        cur = None
        continue
    if not line[0].isspace():
        m = re.match(r"\s*(.*?)\s+(\d+)\s+kmem:mm_page_alloc_extfrag", line)
        cur = {"comm": m.group(1) if m else "", "k": [], "u": []}
        perf.append(cur)
        continue
    if cur is None:
        continue
    parts = line.split(None, 1)
    addr, sym = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym.split(" (")[0])
    (cur["k"] if addr.startswith("ffffffff") else cur["u"]).append(sym)
perf_k = {tuple(s["k"][:top]) for s in perf if s["k"] and s["comm"] == "mfd-fragment"}
# The innermost user frame of each whole kernel path (12 frames): a
# path the agent's run took but perf's did not is not compared.
perf_u = {}
for s in perf:
    if s["u"] and s["comm"] == "mfd-fragment":
        perf_u.setdefault(tuple(s["k"][:12]), set()).add(s["u"][0])

agent, cur, user = [], None, False
total = exact = full = None
for line in open(last, errors="replace"):
    m = re.match(r"extfrag: (\d+) events in \d+ stacks \(exact counter (\d+)\)", line)
    if m and total is None:
        total, exact = int(m.group(1)), int(m.group(2))
    m = re.match(r"\s+lost: (\d+) not stored", line)
    if m and full is None:
        full = int(m.group(1))
    m = re.match(r"#\d+ (\S+) count (\d+) pid (\d+)", line)
    if m:
        cur = {"kind": m.group(1), "count": int(m.group(2)), "pid": m.group(3), "k": [], "u": []}
        agent.append(cur)
        user = False
        continue
    if cur is None or not line.startswith("    "):
        cur = None if not line.strip() else cur
        continue
    f = line.strip()
    if f == "-- user --":
        user = True
    elif not f.startswith("("):
        name = re.sub(r"\+0x[0-9a-f]+( \(.*\))?$", "", f)
        (cur["u"] if user else cur["k"]).append(name)

print("perf_samples %d" % len([s for s in perf if s["comm"] == "mfd-fragment"]))
print("agent_total %s exact %s full %s" % (total, exact, full))
mine = [a for a in agent if a["kind"] == "extfrag" and a["pid"] == fpid and a["k"]]
print("workload_stacks %d" % len(mine))
for a in mine:
    k = tuple(a["k"][:top])
    print("%s %s" % ("match" if k in perf_k else "nomatch", " < ".join(k)))
    pu = perf_u.get(tuple(a["k"][:12]))
    if a["u"] and pu:
        print("%s user %s (perf: %s)" % ("umatch" if a["u"][0] in pu else "unomatch",
                                          a["u"][0], ",".join(sorted(pu))))
PY
cat "$TMP/check"
samples=$(awk '/^perf_samples/ { print $2 }' "$TMP/check")
if [ "${samples:-0}" -eq 0 ]; then
	echo "skipped: perf recorded no extfrag event of the workload (the kernel made none, or another BPF program on the tracepoint filtered them)"
	exit 77
fi
pass "perf recorded $samples extfrag events"
read -r _ total _ exact _ full < <(grep '^agent_total' "$TMP/check")
if [ "$total" != None ] && [ "$exact" != None ] && [ "$full" != None ] &&
	[ $((total + full)) -eq "$exact" ]; then
	pass "stacks add up: $total counted + $full not stored = exact counter $exact"
else
	fail "stacks $total + not stored $full against the exact counter $exact"
	cat "$TMP/last" >&2
fi
[ "$total" != None ] && [ "$total" -ge "${seen:-0}" ] && [ "${seen:-0}" -gt 0 ] &&
	pass "agent's stacks count $total >= tracefs's $seen (its window is inside the agent's)" ||
	fail "agent's stacks count $total, tracefs saw ${seen:-0}"
n=$(awk '/^workload_stacks/ { print $2 }' "$TMP/check")
[ "${n:-0}" -ge 1 ] && pass "$n stacks of the workload (pid $fpid) in the view" ||
	fail "no stack of the workload (pid $fpid) in the view"
bad=$(grep -c '^nomatch' "$TMP/check" || true)
good=$(grep -c '^match' "$TMP/check" || true)
[ "$good" -ge 1 ] && [ "$bad" -eq 0 ] &&
	pass "all $good workload stacks: top $TOP kernel frames as perf recorded them" ||
	fail "$bad of $((good + bad)) workload stacks have top frames perf never recorded"
if grep -q '^u' "$TMP/check"; then
	ubad=$(grep -c '^unomatch' "$TMP/check" || true)
	[ "$ubad" -eq 0 ] && pass "innermost user frames named as perf names them" ||
		fail "$ubad innermost user frames differ from perf's"
fi
grep -q "kptr_restrict" "$TMP/last" && fail "kernel symbols were unreadable"
finish

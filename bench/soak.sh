#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/soak.sh - run the agent hard for a long time and prove it does not
# grow: RSS, open fds, BPF maps and their memory, CPU, over time.
#
#   sudo bench/soak.sh                      30 minutes, results in bench/results/
#   sudo bench/soak.sh --minutes 2 --warmup 30 --out /tmp/soak   (the CI run)
#
# The agent samples every 0.1 s (--interval) with every exporter its
# --help lists (tests/robust/exporters.sh) pointed at
# tests/robust/receiver.py, which flaps: UP s answering 200, ERR s
# answering 503 + Retry-After, DOWN s closed (--flap UP,ERR,DOWN, default
# 20,10,10). The workload cycles (mfd-fragment frag, then pt, then a
# pause) and /metrics is scraped every second if there is one. Every
# --sample seconds one CSV row: elapsed s, RSS KiB, open fds, BPF maps the
# agent holds (its /proc/PID/fdinfo map_id lines), their bytes_memlock
# (bpftool map show --json), CPU % of one core since the last row, and the
# receiver's phase. Fails if, after --warmup seconds, RSS rises more than
# 1 MiB above its value at the end of the warm-up, or maps or map memory
# rise at all above their warm-up maximum, or the fds still held at the end
# (the least of the last three rows: a connection open at one row's
# instant comes and goes, a leaked fd stays) exceed theirs, or the agent
# dies. gnuplot draws OUT/soak.svg.
# RssAnon is recorded beside RSS: under memory pressure the kernel drops
# the agent's file-backed pages (libraries), so RSS can fall while the
# anonymous part, where a leak would show, stays put.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
MINUTES=30 WARMUP=60 INTERVAL=0.1 SAMPLE= FLAP=20,10,10
BUILD=$SRC/build AGENT= OUT=$SRC/bench/results
P_RECV=${MFD_SOAK_RECV_PORT:-4325} P_UDP=${MFD_SOAK_UDP_PORT:-4326} P_HTTP=${MFD_SOAK_HTTP_PORT:-4327}
while [ $# -gt 0 ]; do
	case "$1" in
	--minutes) MINUTES=$2; shift 2 ;;
	--warmup) WARMUP=$2; shift 2 ;;
	--interval) INTERVAL=$2; shift 2 ;;
	--sample) SAMPLE=$2; shift 2 ;;
	--flap) FLAP=$2; shift 2 ;;
	--agent) AGENT=$2; shift 2 ;;
	--build-dir) BUILD=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
AGENT=${AGENT:-$BUILD/mfd-agent}
PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || { echo "skipped: soak.sh needs root (BPF)"; exit 77; }
[ -x "$AGENT" ] || { echo "soak.sh: no agent at $AGENT (./dev.sh build)" >&2; exit 1; }
DURATION=$(awk -v m="$MINUTES" 'BEGIN{printf "%d", m * 60}')
[ "$DURATION" -gt "$WARMUP" ] || { echo "soak.sh: --minutes must exceed --warmup" >&2; exit 2; }
# About 200 rows whatever the length, never more often than every 2 s.
SAMPLE=${SAMPLE:-$(awk -v d="$DURATION" 'BEGIN{s = d / 200; printf "%d", s < 2 ? 2 : s}')}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/mfd-soak.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
. "$SRC/tests/robust/exporters.sh"

python3 "$SRC/tests/robust/receiver.py" --http-port "$P_RECV" --udp-port "$P_UDP" \
	--flap "$FLAP" --log "$TMP/receiver.log" &
PIDS+=($!)
mfd_exporter_args "$AGENT" "$P_RECV" "$P_UDP" "$P_HTTP" "$TMP"

# The workload, cycling until the soak ends.
(
	while :; do
		"$BUILD/mfd-fragment" frag --mib 256 --hold 5 >/dev/null 2>&1 || true
		# A fixed 32 GiB sparse mapping (64 MiB of page tables): sized
		# to the free Unmovable pool instead, pt reached the OOM killer
		# on a shared machine.
		"$BUILD/mfd-fragment" pt --gib 32 --seconds 5 >/dev/null 2>&1 || true
		sleep 3
	done
) &
PIDS+=($!)

"$AGENT" --headless -d "$INTERVAL" --log-level warn "${MFD_EXPORTER_ARGS[@]}" \
	>"$TMP/agent.out" 2>"$TMP/agent.log" &
AG=$!
PIDS+=("$AG")
if [[ " ${MFD_EXPORTERS[*]} " == *" http "* ]]; then
	(while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/metrics" || true; done) &
	PIDS+=($!)
fi
echo "soak: ${MINUTES} min, warm-up ${WARMUP} s, agent every ${INTERVAL} s, row every ${SAMPLE} s, receiver flapping ${FLAP} (up,503,down s), exporters: ${MFD_EXPORTERS[*]:-none in this build}"

# CPU time of all threads in ns (schedstat; /proc/PID/stat ticks are 10 ms).
# Threads come and go (libcurl resolves names in a short-lived thread), so
# a file can vanish between the glob and the read: that is not an error.
cpu_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{s += $1} END{printf "%.0f\n", s}'; }
# Maps held through fds, and their memlock from bpftool (fdinfo as fallback).
bpf_maps() {
	local ids
	ids=$({ grep -h '^map_id:' /proc/"$1"/fdinfo/* 2>/dev/null || true; } | awk '{print $2}' | sort -un | tr '\n' ' ')
	bpftool map show --json 2>/dev/null | python3 -c '
import json, sys
ids = set(int(x) for x in sys.argv[1].split())
maps = [m for m in json.load(sys.stdin) if m.get("id") in ids]
print(len(ids), sum(int(m.get("bytes_memlock", 0)) for m in maps))' "$ids"
}
CSV=$OUT/soak.csv
echo "elapsed_s,rss_kib,fds,bpf_maps,bpf_map_bytes,cpu_pct,receiver,rss_anon_kib" >"$CSV"
t0=$(date +%s.%N)
prev_t=$t0 prev_c=$(cpu_ns "$AG")
while :; do
	sleep "$SAMPLE"
	kill -0 "$AG" 2>/dev/null || { echo "FAIL - the agent died:"; tail -20 "$TMP/agent.log"; exit 1; }
	now=$(date +%s.%N)
	c=$(cpu_ns "$AG")
	rss=$(awk '/^VmRSS/{print $2}' "/proc/$AG/status")
	anon=$(awk '/^RssAnon/{print $2}' "/proc/$AG/status")
	fds=$({ find /proc/"$AG"/fd -mindepth 1 -maxdepth 1 2>/dev/null || true; } | wc -l)
	read -r maps mbytes < <(bpf_maps "$AG")
	phase=$(tail -1 "$TMP/receiver.log" 2>/dev/null | awk '{print $2}')
	awk -v t="$now" -v t0="$t0" -v pt="$prev_t" -v c="$c" -v pc="$prev_c" \
		-v r="$rss" -v f="$fds" -v m="$maps" -v mb="$mbytes" -v ph="${phase:-?}" -v an="$anon" \
		'BEGIN{printf "%.1f,%d,%d,%d,%d,%.2f,%s,%d\n", t - t0, r, f, m, mb, (c - pc) / 1e9 / (t - pt) * 100, ph, an}' >>"$CSV"
	prev_t=$now prev_c=$c
	awk -v t="$now" -v t0="$t0" -v d="$DURATION" 'BEGIN{exit !(t - t0 >= d)}' && break
done
kill -TERM "$AG"
rc=0
wait "$AG" || rc=$?

# Verdict.
verdict=$(awk -F, -v w="$WARMUP" '
NR == 1 { next }
$1 <= w { rss_w = $2; an_w = $8; if ($3 > fd_w) fd_w = $3; if ($4 > m_w) m_w = $4; if ($5 > mb_w) mb_w = $5; nw++; next }
{ n++; if ($2 > rss_max) rss_max = $2; if ($8 > an_max) an_max = $8; if ($3 > fd_max) fd_max = $3; if ($4 > m_max) m_max = $4; if ($5 > mb_max) mb_max = $5; cpu += $6
  f3 = f2; f2 = f1; f1 = $3 }
END {
	if (!nw || !n) { print "FAIL too few rows (warm-up " nw ", after " n ")"; exit }
	bad = ""
	if (rss_max - rss_w > 1024) bad = bad sprintf(" RSS grew %d KiB (> 1024) after warm-up;", rss_max - rss_w)
	# A leaked fd is never given back; a connection open at the instant
	# of one row is. So the fds held at the end (the least of the last
	# three rows) must not exceed the warm-up maximum.
	fd_end = f1; if (n >= 2 && f2 < fd_end) fd_end = f2; if (n >= 3 && f3 < fd_end) fd_end = f3
	if (fd_end > fd_w) bad = bad sprintf(" fds grew %d -> %d (held to the end);", fd_w, fd_end)
	if (m_max > m_w) bad = bad sprintf(" BPF maps grew %d -> %d;", m_w, m_max)
	if (mb_max > mb_w) bad = bad sprintf(" BPF map memory grew %d -> %d bytes;", mb_w, mb_max)
	printf "%s RSS %d KiB at warm-up end, max %d after (+%d KiB; anonymous part %d -> max %d KiB); fds %d / %d at the end (max %d); BPF maps %d / %d, %d / %d bytes; mean CPU %.2f%% of a core over %d rows;%s\n",
		bad == "" ? "PASS" : "FAIL", rss_w, rss_max, rss_max - rss_w, an_w, an_max, fd_w, fd_end, fd_max, m_w, m_max, mb_w, mb_max, cpu / n, n, bad
}' "$CSV")
echo "soak: $verdict"
[ "$rc" -eq 0 ] || echo "FAIL - agent exited $rc after SIGTERM"
posts=$(tail -1 "$TMP/receiver.log" | awk '{print $3}')
echo "soak: receiver saw ${posts:-0} POSTs; agent warnings: $(wc -l <"$TMP/agent.log") lines"

{
	echo "Soak $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPU, kernel $(uname -r): ${MINUTES} min at -d ${INTERVAL}, warm-up ${WARMUP} s, receiver flapping ${FLAP} s (up,503,down), exporters: ${MFD_EXPORTERS[*]:-none in this build}."
	echo
	echo "$verdict"
} >"$OUT/soak.md"

if command -v gnuplot >/dev/null; then
	gnuplot <<GP || echo "soak: gnuplot failed; the CSV is still in $CSV"
set terminal svg size 900,640 dynamic font "sans,11"
set output "$OUT/soak.svg"
set datafile separator ","
set key top left
set xrange [0:$DURATION]
set multiplot layout 3,1 title "mfd-agent soak: ${MINUTES} min at -d ${INTERVAL} s, receiver flapping, workload cycling"
set xlabel ""
set arrow 1 from $WARMUP, graph 0 to $WARMUP, graph 1 nohead dt 2
set yrange [0:*]
set ylabel "RSS (MiB)"
plot "$CSV" using 1:(\$2/1024) with lines lw 2 title "RSS", "" using 1:(\$8/1024) with lines title "RSS anonymous (heap, stacks)"
set ylabel "CPU (% of a core)"
plot "$CSV" using 1:6 with lines title "CPU"
set xlabel "seconds (dashed: end of warm-up)"
set ylabel "count"
set key bottom right
set y2label "BPF map KiB"
set y2tics
set yrange [0:*]
set y2range [0:*]
plot "$CSV" using 1:3 with steps lw 2 title "open fds", "" using 1:4 with steps lw 2 title "BPF maps", "" using 1:(\$5/1024) axes x1y2 with steps title "BPF map memory (KiB)"
unset multiplot
GP
	echo "soak: plot $OUT/soak.svg"
fi
[ "$rc" -eq 0 ] && [[ "$verdict" == PASS* ]]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_rough_edges.sh AGENT BUILD - the rough edges a newcomer met in the
# first hour (issue 17, item 10), one check each:
#  1. the compaction start-up line never ends in an empty "absent:";
#  2. a replay does not claim "capabilities dropped after loading BPF";
#  3. --probe as a user without capabilities prints the missing
#     capability, and no libbpf noise;
#  4. --help shows no sentinel default such as "(default -1)";
#  5. -m on 80 columns wraps prose at spaces, never inside a word;
#  6. an unterminated YAML list is a syntax error, not "expected a single
#     value, found a list" (a real list still gets that message).
# References: tracefs for which tracepoints exist; the agent's own --probe
# line for the unwrapped text of the -m paragraph.
set -euo pipefail
AGENT=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, setpriv)"; exit 77; }
command -v setpriv >/dev/null || { echo "FAIL: setpriv (util-linux) missing" >&2; exit 1; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
ok() { if eval "$1"; then echo "ok   $2"; else echo "FAIL $2" >&2; fails=$((fails + 1)); fi; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

# 1. The start-up line.
timeout 30 "$AGENT" --headless --duration 1 --http off --log-level info 2>"$TMP/live.log" || true
line=$(grep "compaction: attached" "$TMP/live.log" || true)
ok '[ -n "$line" ]' "the compaction start-up line is logged: $line"
ok '! grep -qE "absent:[[:space:]]*$" <<<"$line"' "it does not end in an empty 'absent:'"
tp=/sys/kernel/tracing/events
[ -d "$tp" ] || tp=/sys/kernel/debug/tracing/events
have_all=1
for e in compaction/mm_compaction_try_to_compact_pages compaction/mm_compaction_end \
	compaction/mm_compaction_deferred vmscan/mm_vmscan_direct_reclaim_begin \
	compaction/mm_compaction_kcompactd_wake vmscan/mm_vmscan_kswapd_wake; do
	[ -d "$tp/$e" ] || have_all=0
done
if [ "$have_all" = 1 ]; then
	ok '! grep -q "absent" <<<"$line"' "every tracepoint exists in tracefs, so nothing is listed absent"
fi
ok 'grep -q "capabilities dropped after loading BPF" "$TMP/live.log"' \
	"a live run says it dropped capabilities after loading BPF"

# 2. A replay loads no BPF.
timeout 30 "$AGENT" --replay "$SRC/tests/fixtures/recordings/demo.jsonl" --replay-speed 0 \
	--headless --http off --log-level info 2>"$TMP/replay.log" || true
ok '! grep -q "after loading BPF" "$TMP/replay.log"' "a replay does not claim it loaded BPF"
ok 'grep -q "capabilities dropped (no BPF loaded)" "$TMP/replay.log"' "a replay says no BPF was loaded"

# 3. --probe without capabilities.
rc=0
nobody "$AGENT" --probe >"$TMP/probe.out" 2>&1 || rc=$?
ok '[ "$rc" = 1 ]' "--probe without capabilities exits 1 (got $rc)"
ok 'grep -q "^privileges: missing capability CAP_BPF" "$TMP/probe.out"' "it names the missing capability"
ok '! grep -qi "libbpf" "$TMP/probe.out"' "no libbpf noise: $(grep -i libbpf "$TMP/probe.out" | head -1)"
first=$(head -1 "$TMP/probe.out")
ok '[ "$first" = "kernel btf: yes" ] || [ "$first" = "kernel btf: no" ]' "its output starts with the first check: $first"

# 4. --help.
"$AGENT" --help >"$TMP/help.txt"
ok '! grep -q "(default -1)" "$TMP/help.txt"' "--help shows no '(default -1)'"
ok 'grep -E -- "-i, --node ID.*\(default: every node\)" "$TMP/help.txt" >/dev/null' "-i says its default is every node"

# 5. -m on 80 columns, piped (the plain frame is 80 wide).
nobody timeout 30 "$AGENT" -m --duration 1 --http off --log-level error >"$TMP/m.out" 2>/dev/null || true
long=$(awk 'length($0) > 80' "$TMP/m.out" | head -1)
ok '[ -z "$long" ]' "no -m line is wider than 80 columns: $long"
want=$(sed -n 's/^privileges: //p' "$TMP/probe.out")
got=$(awk '/^Stall histograms unavailable: / {on = 1; sub(/^Stall histograms unavailable: /, ""); printf "%s", $0; next}
	on && /^  [^ ]/ {sub(/^  /, " "); printf "%s", $0; next} {on = 0}' "$TMP/m.out")
ok '[ -n "$want" ] && [ "$got" = "$want" ]' "the wrapped reason reads back word for word as --probe's: '$got'"

# 6. YAML.
printf 'collection:\n  interval: [1, 2\n' >"$TMP/open.yaml"
printf 'collection:\n  interval: [1, 2]\n' >"$TMP/list.yaml"
rc=0
"$AGENT" --config "$TMP/open.yaml" --check-config >/dev/null 2>"$TMP/open.err" || rc=$?
ok '[ "$rc" = 2 ]' "an unterminated list exits 2 (got $rc)"
ok 'grep -q "YAML syntax error" "$TMP/open.err" && ! grep -q "found a list" "$TMP/open.err"' \
	"it is reported as a YAML syntax error: $(head -1 "$TMP/open.err")"
rc=0
"$AGENT" --config "$TMP/list.yaml" --check-config >/dev/null 2>"$TMP/list.err" || rc=$?
ok '[ "$rc" = 2 ] && grep -q "expected a single value, found a list" "$TMP/list.err"' \
	"a well-formed list where a value belongs is still a type error"

[ "$fails" = 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "PASS"

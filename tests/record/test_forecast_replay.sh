#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The exhaustion forecast on replayed recordings with known outcomes.
# make_decline.py writes recordings whose order-9 blocks in zone Normal
# follow a straight line (from the demo recording's first sample); the
# agent replays each as fast as it can, and the -m view's last frame must
# give the closed-form answer: blocks left / rate, a steady zone, an
# exhausted one, and a decline too slow to forecast within ten windows.
set -euo pipefail
agent=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# last_row FILE ZONE: the zone's row of the last forecast table.
last_row() {
	awk -v z="$2" '/^NODE ZONE .*FORECAST/ { n = 1; next }
		n && $1 == "0" && $2 == z { row = $0 }
		/^$/ { n = 0 } END { print row }' "$1"
}

# run NAME SAMPLES INTERVAL START RATE [AGENT OPTIONS]: record, replay,
# print the row.
run() {
	python3 "$here/make_decline.py" \
		"$here/../fixtures/recordings/demo.jsonl" "$tmp/$1.jsonl" \
		--samples "$2" --interval "$3" --zone Normal --start "$4" \
		--rate "$5"
	"$agent" --replay "$tmp/$1.jsonl" --replay-speed 0 -m --http off "${@:6}" \
		>"$tmp/$1.out" 2>"$tmp/$1.err" ||
		{ fail "$1: replay failed: $(tail -2 "$tmp/$1.err")"; return; }
	last_row "$tmp/$1.out" Normal
}

# 3,000 blocks falling 0.3 a second, 300 samples 10 s apart.
row=$(run decline 300 10 3000 0.3)
want=$(python3 -c '
left = round(3000 - 0.3 * 299 * 10)
eta = round(left / 0.3)
print("%d %+.1f in %dh %dm (no suitable block)" % (left, -0.3 * 60, eta // 3600, eta % 3600 // 60))')
read -r left trend rest <<<"$want"
if [[ $row == *" $left "*" $trend  $rest"* ]]; then
	pass "decline: $row"
else
	fail "decline: want '$want' in '$row'"
fi

# The node: its other zones' suitable blocks (from the template, counted
# as fill_contig_page_info() does) added to Normal's, at the same rate.
row=$(last_row "$tmp/decline.out" node)
want=$(python3 - "$here" "$here/../fixtures/recordings/demo.jsonl" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from make_decline import other_zones_suitable
other = sum(other_zones_suitable(sys.argv[2], "Normal").values())
left = round(3000 - 0.3 * 299 * 10) + other
eta = round(left / 0.3)
print("%d in %dh %dm" % (left, eta // 3600, eta % 3600 // 60))
PY
)
read -r left rest <<<"$want"
if [[ $row == *" $left "*" -18.0  $rest"* ]]; then
	pass "node: $row"
else
	fail "node: want '$want' in '$row'"
fi

row=$(run steady 200 10 3000 0)
[[ $row == *" 3000 "*"steady: none in sight"* ]] &&
	pass "steady: $row" || fail "steady: $row"

# 600 blocks falling 0.5 a second are gone after 1,200 s of 1,990.
row=$(run exhausted 200 10 600 0.5)
[[ $row == *" 0 "*"exhausted now (no suitable block)"* ]] &&
	pass "exhausted: $row" || fail "exhausted: $row"

# 0.01 a second from 3,000: about 3.6 days away, past ten 30-min windows.
row=$(run slow 300 10 3000 0.01)
[[ $row == *"-0.6"*"steady: none in sight"* ]] &&
	pass "past the horizon: $row" || fail "past the horizon: $row"

# The first samples say nothing yet.
row=$(run short 3 10 3000 0.3)
[[ $row == *"learning the trend"* ]] &&
	pass "learning: $row" || fail "learning: $row"

# --forecast-window: a window longer than ten times the recording keeps
# the forecast learning; a short one brings the horizon (ten windows) in.
row=$(run wide 300 10 3000 0.3 --forecast-window 60000)
[[ $row == *"learning the trend"* ]] &&
	pass "--forecast-window 60000 on 2,990 s: $row" || fail "--forecast-window 60000: $row"
# A window of 300 s: the horizon is ten of them, 3,000 s; 2,103 blocks at
# 0.3 a second are 7,010 s away, past it.
row=$(run narrow 300 10 3000 0.3 --forecast-window 300)
[[ $row == *"steady: none in sight"* ]] &&
	pass "--forecast-window 300, 7,010 s away: $row" || fail "--forecast-window 300: $row"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }

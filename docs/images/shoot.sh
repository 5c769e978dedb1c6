#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# docs/images/shoot.sh [BUILD_DIR] - remake the README's two pictures on
# this machine, as root: terminal-v.png (mfd-agent -v in a 92x30 tmux
# pane, rendered through HTML by headless chromium) and dashboard.png (the
# dashboard of a live agent at -d 1 after a minute of mfd-fragment; its
# header and the Normal zone). Needs tmux, chromium and pngquant; leaves
# the two PNGs in docs/images/ for a look before committing.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
BUILD=${1:-build}
OUT=docs/images
[ "$(id -u)" -eq 0 ] || { echo "shoot.sh: needs root (BPF)" >&2; exit 1; }
for t in tmux chromium pngquant python3; do
	command -v "$t" >/dev/null || { echo "shoot.sh: $t missing (apt-get install $t)" >&2; exit 1; }
done
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	tmux kill-session -t mfd-shoot 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
shot() { # URL PNG WIDTH HEIGHT
	TZ=UTC timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --user-data-dir="$TMP/profile.$RANDOM" --window-size="$3,$4" \
		--virtual-time-budget=5000 --screenshot="$2" "$1" >/dev/null 2>&1
}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BUILD/mfd-agent" --headless -d 1 --http "127.0.0.1:$port" 2>/dev/null &
PIDS+=($!)
sleep 3
"$BUILD/mfd-fragment" both --mib 2048 --seconds 20 >/dev/null 2>&1 &
PIDS+=($!)
sleep 55

# The terminal view, while the workload holds its fragmented memory.
tmux new-session -d -s mfd-shoot -x 92 -y 30 "TERM=xterm-256color $BUILD/mfd-agent -v --http off"
sleep 5
tmux capture-pane -t mfd-shoot -e -p >"$TMP/v.ansi"
python3 - "$TMP/v.ansi" >"$TMP/v.html" <<'PY'
import html, re, sys
col = {30: "#1e1e1e", 31: "#e05252", 32: "#4caf50", 33: "#d7ba4f", 34: "#5c8fd6",
       35: "#c678dd", 36: "#56b6c2", 37: "#d0d0d0"}
lines = [l for l in open(sys.argv[1]).read().split("\n") if re.sub(r"\x1b\[[0-9;]*m", "", l).strip()]
out = []
for l in lines:
    st, s = {"b": False, "r": False, "fg": None}, ""
    for p in re.split(r"(\x1b\[[0-9;]*m)", l):
        m = re.match(r"\x1b\[([0-9;]*)m", p)
        if m:
            for c in (m.group(1) or "0").split(";"):
                c = int(c or 0)
                if c == 0: st = {"b": False, "r": False, "fg": None}
                elif c == 1: st["b"] = True
                elif c == 7: st["r"] = True
                elif 30 <= c <= 37: st["fg"] = col[c]
                elif c == 39: st["fg"] = None
            continue
        if p:
            fg, bg = (st["fg"] or "#d0d0d0"), "transparent"
            if st["r"]: fg, bg = "#1e1e1e", "#d0d0d0"
            w = "bold" if st["b"] else "normal"
            s += f'<span style="color:{fg};background:{bg};font-weight:{w}">{html.escape(p)}</span>'
    out.append(s)
print('<!doctype html><meta charset=utf-8><body style="margin:0;background:#1e1e1e">'
      '<pre style="margin:0;padding:10px 12px;font:14px/1.3 DejaVu Sans Mono,monospace;color:#d0d0d0">'
      + "\n".join(out) + "</pre>")
PY
shot "file://$TMP/v.html" "$TMP/v.png" 780 250
pngquant --force --quality 60-85 --output "$OUT/terminal-v.png" "$TMP/v.png"

# The dashboard: its header and the Normal zone's card and the events.
shot "http://127.0.0.1:$port/" "$TMP/d.png" 1000 2600
python3 - "$TMP/d.png" "$TMP/crop.png" <<'PY'
import sys
sys.path.insert(0, "tests/http")
import pngimg
im = pngimg.read(sys.argv[1])
# Rows of the page background (#f7f7f5-ish) separate the cards.
def blank(y):
    return all(abs(im.rgb(x, y)[0] - im.rgb(0, y)[0]) < 4 for x in range(0, im.w, 25))
cards, y = [], 48
while y < im.h:
    while y < im.h and blank(y): y += 1
    top = y
    while y < im.h and not blank(y): y += 1
    if y - top > 40: cards.append((top, y))
normal = [c for c in cards if c[0] > 48][2:]  # DMA, DMA32, then Normal and the events
a, b = normal[0][0] - 12, normal[-1][1] + 12 if len(normal) > 1 else normal[0][1] + 12
rows = list(im.rows[0:50]) + list(im.rows[a:b])
pngimg.write_rgb(sys.argv[2], im.w, len(rows), rows)
PY
pngquant --force --quality 60-85 --output "$OUT/dashboard.png" "$TMP/crop.png"
ls -l "$OUT"/*.png

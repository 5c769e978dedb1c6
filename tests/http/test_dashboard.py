#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The dashboard in a real browser (Debian's headless chromium).

The agent reads a procfs fixture (two nodes, a Movable zone), so the data
is fixed while the page polls. Chromium loads http://127.0.0.1:PORT/, runs
its scripts until the data arrived (--virtual-time-budget) and dumps the
DOM; every free-block count and unusable index the page shows must equal
/api/v1/snapshot, and every zone must have its card and heatmap. A
screenshot is saved as a test artefact (BUILD/test-artifacts/dashboard.png)
and must not be blank: its pixels are decoded here (PNG via zlib, no
third-party code, tests/http/pngimg.py) and their variance and colours
checked. The layout itself is checked against a golden screenshot of a
replayed recording by test_dashboard_golden.py.
Usage: test_dashboard.py MFD_AGENT BUILD_DIR PORT
"""
import os
import shutil
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngimg  # noqa: E402
from httplib_mfd import Agent, chromium, finish, fixture_copy, need_chromium, ok  # noqa: E402

AGENT, BUILD = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 9478
need_chromium()


def browse(url, *args):
    return chromium(url, "--hide-scrollbars", "--window-size=1366,1000",
                    "--virtual-time-budget=6000", *args)


class Cells(HTMLParser):
    """td.fb / td.ui cells with their data attributes, zone cards,
    canvases and the body's data-ready flag."""

    def __init__(self):
        super().__init__()
        self.cells, self.cards, self.canvases = {}, set(), 0
        self.ready = False
        self._cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and a.get("data-ready") == "1":
            self.ready = True
        if tag == "article" and "zone" in (a.get("class") or ""):
            self.cards.add((a["data-node"], a["data-zone"]))
        if tag == "canvas" and "heat" in (a.get("class") or ""):
            self.canvases += 1
        if tag == "td" and a.get("class") in ("fb", "ui"):
            self._cur = (a["class"], a["data-node"], a["data-zone"], a["data-order"])
            self.cells[self._cur] = ""

    def handle_data(self, data):
        if self._cur:
            self.cells[self._cur] += data

    def handle_endtag(self, tag):
        if tag == "td":
            self._cur = None


tmp, proc = fixture_copy()
a = Agent(AGENT, ["--source", "procfs", "--proc-dir", proc, "--no-events", "-d", "0.5"], PORT)
try:
    url = a.base + "/"
    r = browse(url, "--dump-dom")
    dom = r.stdout.decode(errors="replace")
    ok(r.returncode == 0 and "<article" in dom, f"chromium rendered the page (exit {r.returncode})")
    p = Cells()
    p.feed(dom)
    ok(p.ready, "the page says its data arrived (body data-ready)")
    snap = a.json("/api/v1/snapshot")
    want, zones = {}, set()
    for n in snap["nodes"]:
        for z in n["zones"]:
            zones.add((str(n["node"]), z["zone"]))
            for o in z["orders"]:
                k = (str(n["node"]), z["zone"], str(o["order"]))
                want[("fb",) + k] = str(o["free_blocks"])
                u = o["unusable_index"]
                want[("ui",) + k] = "-" if u < 0 else f"{u:.3f}"
    ok(p.cards == zones, f"one card per zone: {sorted(p.cards)}")
    ok(p.canvases == len(zones), f"{p.canvases} heatmaps for {len(zones)} zones")
    bad = [(k, p.cells.get(k), v) for k, v in want.items() if p.cells.get(k) != v]
    ok(want and not bad, f"{len(want)} free-block and unusable-index cells equal /api/v1/snapshot" +
       (f"; differ: {bad[:3]}" if bad else ""))
    ok("://" not in "".join(l for l in dom.splitlines() if "src=" in l or "href=" in l)
       .replace(a.base, ""), "no external URLs in the rendered page")

    art = os.path.join(BUILD, "test-artifacts")
    os.makedirs(art, exist_ok=True)
    shot = os.path.join(art, "dashboard.png")
    if os.path.exists(shot):
        os.remove(shot)
    r = browse(url, "--screenshot=" + shot)
    ok(r.returncode == 0 and os.path.exists(shot), f"screenshot saved to {shot}")
    if os.path.exists(shot):
        img = pngimg.read(shot)
        w, h = img.w, img.h
        grey, colours = [], set()
        for y in range(0, h, 2):
            for x in range(0, w, 2):
                rgb = img.rgb(x, y)
                colours.add(bytes(rgb))
                grey.append((rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000)
        mean = sum(grey) / len(grey)
        var = sum((g - mean) ** 2 for g in grey) / len(grey)
        ok(w == 1366 and var > 200 and len(colours) > 50,
           f"screenshot {w}x{h} not blank: grey variance {var:.0f}, {len(colours)} colours")
        # The heatmap's green (unusable index near 0) must be painted.
        greens = sum(1 for c in colours if c[1] > 120 and c[0] < 80 and c[2] < 110)
        ok(greens > 0, f"heatmap colours present ({greens} green shades)")
    ok(a.alive(), "agent alive after the browser's visits")
finally:
    rc = a.stop()
    # Under ASan a leak or error makes this non-zero.
    ok(rc == 0, f"agent exited {rc} on SIGTERM" + ("" if rc == 0 else ": " + a.output()[-2000:]))
    shutil.rmtree(tmp, ignore_errors=True)
finish()

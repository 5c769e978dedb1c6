#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The dashboard's layout against a golden screenshot, from a replay.

The agent replays tests/fixtures/recordings/demo.jsonl as fast as it can
and holds the last sample (--replay-speed 0 --replay-hold), so the data is
fixed; the page shows times from the samples, never the wall clock. Once
/healthz says the replay finished, Debian's headless chromium loads the
page at a fixed size (1280x1900, device scale 1, no scrollbars), with a
private fontconfig that offers only DejaVu Sans (fonts-dejavu-core), a
grayscale, unhinted rasteriser, reduced motion, TZ=UTC and one locale. In
the same page load it dumps the DOM (which must say data-ready, replay
finished, and as many samples as the recording holds) and takes the
screenshot.

The screenshot is compared pixel by pixel with
tests/golden/dashboard/replay-demo.png (decoded here with zlib + struct):
a pixel differs when one of its channels moves by more than THRESHOLD;
more than MAX_PIXELS such pixels fail. On a failure the actual screenshot,
the golden and a diff image (differing pixels red) are written to
BUILD/test-artifacts/dashboard-golden/. MFD_UPDATE_GOLDEN=1 writes the
actual screenshot as the new golden instead (check it by eye first).

So that the check can fail: the same page one sample earlier in the
recording (--replay-at) must not match the golden, nor may the actual
screenshot shifted by one pixel or with one glyph-sized block inverted.
Usage: test_dashboard_golden.py MFD_AGENT BUILD_DIR PORT (uses PORT+1 too)
"""
import json
import os
import shutil
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngimg  # noqa: E402
from httplib_mfd import SRC, Agent, chromium, finish, get, need_chromium, ok, skip, wait_until  # noqa: E402

AGENT, BUILD = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 9465
RECORDING = os.path.join(SRC, "tests", "fixtures", "recordings", "demo.jsonl")
GOLDEN = os.path.join(SRC, "tests", "golden", "dashboard", "replay-demo.png")
ART = os.path.join(BUILD, "test-artifacts", "dashboard-golden")
WIDTH, HEIGHT = 1280, 1900  # the whole page: zones, forecast, events
THRESHOLD = 24  # of 255, per channel: anti-aliasing noise stays far below
MAX_PIXELS = 20  # a changed digit alone moves more pixels than this
FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"]
UPDATE = os.environ.get("MFD_UPDATE_GOLDEN") == "1"

need_chromium()
missing = [f for f in FONTS if not os.path.exists(f)]
if missing:
    skip(f"{missing[0]} missing: install fonts-dejavu-core (./dev.sh deps test)")

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
  <match target="font">
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
  </match>
</fontconfig>
"""


def load(url, shot, tmp):
    """Load url once: (exit code, DOM after the scripts ran)."""
    env = dict(os.environ, FONTCONFIG_FILE=os.path.join(tmp, "fonts.conf"),
               TZ="UTC", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    r = chromium(url, "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}",
                 "--force-device-scale-factor=1", "--force-prefers-reduced-motion",
                 "--disable-lcd-text", "--font-render-hinting=none", "--lang=en-US",
                 "--virtual-time-budget=5000", "--dump-dom", "--screenshot=" + shot,
                 env=env, profile_dir=tmp)
    return r.returncode, r.stdout.decode(errors="replace")


class Page(HTMLParser):
    """The body's data-* flags and the status line."""

    def __init__(self):
        super().__init__()
        self.body, self.status, self._in_status = {}, "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        self._in_status = a.get("id") == "status"

    def handle_data(self, data):
        if self._in_status:
            self.status += data

    def handle_endtag(self, tag):
        self._in_status = False


def replayed_page(port, extra, shot, tmp):
    """Replay the recording (held), wait for its end, load the page once.
    Returns (Page, exit code of chromium, samples in the history API)."""
    a = Agent(AGENT, ["--replay", RECORDING, "--replay-speed", "0", "--replay-hold"] + extra,
              port)
    try:
        done = wait_until(lambda: json.loads(get(a.base + "/healthz")[2]).get("replay")
                          == "finished", 30)
        ok(done, f"replay on :{port} finished and held (/healthz)")
        n = a.json("/api/v1/history")["count"]
        rc, dom = load(a.base + "/", shot, tmp)
        p = Page()
        p.feed(dom)
        ok(a.alive(), "agent alive after the browser's visit")
    finally:
        rc_agent = a.stop()
        ok(rc_agent == 0, f"agent exited {rc_agent} on SIGTERM" +
           ("" if rc_agent == 0 else ": " + a.output()[-2000:]))
    return p, rc, n


def matches(a, b):
    try:
        n, worst, box, bad = pngimg.compare(a, b, THRESHOLD)
    except ValueError as e:
        return False, str(e), set()
    return n <= MAX_PIXELS, (f"{n} pixels differ by more than {THRESHOLD}/255 "
                             f"(largest difference {worst}, box {box})"), bad


def main():
    tmp = tempfile.mkdtemp(prefix="mfd-golden.")
    try:
        fonts = os.path.join(tmp, "fonts")
        os.mkdir(fonts)
        for f in FONTS:
            os.symlink(f, os.path.join(fonts, os.path.basename(f)))
        with open(os.path.join(tmp, "fonts.conf"), "w") as f:
            f.write(FONTS_CONF.format(fonts=fonts, cache=os.path.join(tmp, "fc-cache")))
        shutil.rmtree(ART, ignore_errors=True)
        recorded = sum(1 for l in open(RECORDING) if '"resourceMetrics"' in l)

        shot = os.path.join(tmp, "actual.png")
        p, rc, n = replayed_page(PORT, [], shot, tmp)
        ok(rc == 0 and os.path.exists(shot), f"chromium took the screenshot (exit {rc})")
        ok(n == recorded, f"the history API holds all {recorded} recorded samples ({n})")
        ready = (p.body.get("data-ready") == "1" and p.body.get("data-replay") == "finished"
                 and p.status.startswith("replay finished")
                 and f" {recorded} samples kept" in p.status)
        ok(ready, f"the page drew the finished replay before the screenshot: {p.status!r}")
        if not (ready and os.path.exists(shot)):
            return
        actual = pngimg.read(shot)
        ok((actual.w, actual.h) == (WIDTH, HEIGHT), f"screenshot is {actual.w}x{actual.h}")

        if UPDATE:
            os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
            shutil.copyfile(shot, GOLDEN)
            print(f"MFD_UPDATE_GOLDEN=1: wrote {GOLDEN}; look at it before committing")
            return
        if not os.path.exists(GOLDEN):
            ok(False, f"no golden {GOLDEN}: run with MFD_UPDATE_GOLDEN=1 to create it")
            return
        golden = pngimg.read(GOLDEN)
        same, why, bad = matches(actual, golden)
        ok(same, "the screenshot matches the golden: " + why)
        if not same:
            os.makedirs(ART, exist_ok=True)
            shutil.copyfile(shot, os.path.join(ART, "actual.png"))
            shutil.copyfile(GOLDEN, os.path.join(ART, "golden.png"))
            if bad:
                pngimg.diff_image(os.path.join(ART, "diff.png"), actual, bad)
            print(f"    artefacts: {ART}/{{actual,golden,diff}}.png; if the change is "
                  "intended: MFD_UPDATE_GOLDEN=1 ctest -R dashboard_golden")

        # Negative controls: the comparison must see real differences.
        shifted = pngimg.Image(actual.w, actual.h, actual.bpp,
                               [r[actual.bpp:] + r[-actual.bpp:] for r in actual.rows])
        ok(not matches(shifted, actual)[0], "a one-pixel shift is caught: " +
           matches(shifted, actual)[1])
        rows = list(actual.rows)
        for y in range(20, 32):  # a glyph-sized 8x12 block, in the header text
            r = bytearray(rows[y])
            for i in range(24 * actual.bpp, 32 * actual.bpp):
                r[i] = 255 - r[i]
            rows[y] = bytes(r)
        glyph = pngimg.Image(actual.w, actual.h, actual.bpp, rows)
        ok(not matches(glyph, actual)[0], "one inverted glyph-sized block is caught: " +
           matches(glyph, actual)[1])
        # The recording one sample later: other values, a shorter heatmap.
        first = json.loads(open(RECORDING).readline())
        t0 = min(int(dp["timeUnixNano"]) for m in
                 first["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
                 for k in ("gauge", "sum") if k in m for dp in m[k]["dataPoints"])
        other = os.path.join(tmp, "other.png")
        p2, rc2, n2 = replayed_page(PORT + 1, ["--replay-at", f"{t0 / 1e9 + 0.5:.3f}"], other, tmp)
        ok(rc2 == 0 and n2 == recorded - 1 and p2.body.get("data-ready") == "1",
           f"a replay from the second sample drew {n2} samples")
        if os.path.exists(other):
            same2, why2, _ = matches(pngimg.read(other), golden)
            ok(not same2, "that page does not match the golden: " + why2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
finish()

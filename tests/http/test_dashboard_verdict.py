#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The dashboard's headline per zone says how usable the high orders are
(issue 17, item 9), and a finished replay shows no "events/s now".

The headline used to say, in green, "blocks free up to the top order 10"
as soon as one block of order 10 was free, even with order 10's unusable
index at 0.91. Now it is green only when at least half of free memory is
usable at the top order, amber ("scarce") when blocks exist there but
most free memory is unusable for it, red when nothing is free there.

Reference: the unusable index computed here from the free blocks per
order with the kernel's own integer formula (mm/vmstat.c,
unusable_free_index() over fill_contig_page_info()), not the agent's.
Part 1 serves a procfs fixture edited so that its zones cover all three
cases, and reads the buddyinfo file itself; part 2 replays
tests/fixtures/recordings/demo.jsonl to its end and compares with the
free blocks of /api/v1/snapshot. Headless chromium renders the page
(--dump-dom); the verdict element carries data-verdict, data-top-usable
(percent) and data-half-order (highest order with at least half of free
memory usable) next to its text.
Usage: test_dashboard_verdict.py MFD_AGENT BUILD_DIR
"""
import os
import shutil
import sys
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httplib_mfd import Agent, SRC, dump_dom, finish, fixture_copy, free_port, get, need_chromium, ok, wait_until  # noqa: E402

AGENT = sys.argv[1]
RECORDING = os.path.join(SRC, "tests", "fixtures", "recordings", "demo.jsonl")
need_chromium()


def dom_of(url):
    return dump_dom(url, "--window-size=1280,1600")


class Page(HTMLParser):
    """Each zone card's verdict (attributes and text) and the events line."""

    def __init__(self):
        super().__init__()
        self.verdicts, self.events, self.events_attrs = {}, "", {}
        self._card, self._in = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "zone" in (a.get("class") or ""):
            self._card = (int(a["data-node"]), a["data-zone"])
        if "verdict" in (a.get("class") or "").split() and self._card:
            self.verdicts[self._card] = dict(a, text="")
            self._in = ("v", self._card)
        if a.get("id") == "events-summary":
            self.events_attrs = a
            self._in = ("e", None)

    def handle_endtag(self, tag):
        if tag == "div" and self._in and self._in[0] == "v":
            self._in = None
        if tag == "div" and self._in and self._in[0] == "e":
            self._in = None

    def handle_data(self, data):
        if self._in and self._in[0] == "v":
            self.verdicts[self._in[1]]["text"] += data
        elif self._in and self._in[0] == "e":
            self.events += data


def unusable_milli(nr_free, order):
    """mm/vmstat.c: fill_contig_page_info() + unusable_free_index()."""
    free_pages = sum(n << o for o, n in enumerate(nr_free))
    suitable = sum(n << (o - order) for o, n in enumerate(nr_free) if o >= order)
    if free_pages == 0:
        return 0
    return ((free_pages - (suitable << order)) * 1000) // free_pages


def expected(nr_free):
    n = len(nr_free)
    highest = max((o for o, c in enumerate(nr_free) if c), default=-1)
    u = [unusable_milli(nr_free, o) for o in range(n)]
    half = max((o for o in range(n) if u[o] < 500), default=-1)
    if highest < 0:
        return "bad", 0, half
    pct = round((1000 - u[-1]) / 10)
    if highest < n - 1:
        return "bad", pct, half
    return ("good" if u[-1] < 500 else "warn"), pct, half


def check(page, zones, what):
    ok(set(page.verdicts) == set(zones), f"{what}: one verdict per zone {sorted(zones)}")
    for key, nr_free in sorted(zones.items()):
        v = page.verdicts.get(key, {})
        want = expected(nr_free)
        got = (v.get("data-verdict"), int(v.get("data-top-usable", -1)),
               int(v.get("data-half-order", -2)))
        ok(got == want, f"{what} {key}: verdict {got} == kernel formula {want}: {v.get('text', '')!r}")
        if want[0] != "good":
            ok("up to the top order" not in v.get("text", ""),
               f"{what} {key}: no 'free up to the top order' claim")
        ok(f"{want[1]}% of free memory usable" in v.get("text", "") or want[0] == "bad",
           f"{what} {key}: the text says {want[1]}% usable at the top order")


# Part 1: a procfs fixture whose zones cover good, warn and bad.
tmp, proc = fixture_copy()
bi = os.path.join(proc, "buddyinfo")
lines = open(bi).read().splitlines()
# Node 0 Normal: one order-10 block among much smaller free memory (warn).
lines = [l.rsplit(None, 1)[0] + " 1 " if "Node 0, zone   Normal" in l else l for l in lines]
open(bi, "w").write("\n".join(lines) + "\n")
zones = {}
for l in lines:
    f = l.replace(",", " ").split()
    zones[(int(f[1]), f[3])] = [int(x) for x in f[4:]]
kinds = {expected(v)[0] for v in zones.values()}
ok(kinds == {"good", "warn", "bad"}, f"the edited fixture covers good, warn and bad: {kinds}")
a = Agent(AGENT, ["--source", "procfs", "--proc-dir", proc, "--no-events", "-d", "0.5"], free_port())
try:
    rc, dom = dom_of(a.base + "/")
    ok(rc == 0 and "<article" in dom, f"chromium rendered the live page (exit {rc})")
    p = Page()
    p.feed(dom)
    check(p, zones, "live")
finally:
    a.stop()
    shutil.rmtree(tmp, ignore_errors=True)

# Part 2: a replay that has finished.
a = Agent(AGENT, ["--replay", RECORDING, "--replay-speed", "0", "--replay-hold"], free_port())
try:
    import json
    ok(wait_until(lambda: json.loads(get(a.base + "/healthz")[2]).get("replay") == "finished", 30),
       "the replay finished and is held")
    snap = a.json("/api/v1/snapshot")
    zones = {(n["node"], z["zone"]): [o["free_blocks"] for o in z["orders"]]
             for n in snap["nodes"] for z in n["zones"]}
    rc, dom = dom_of(a.base + "/")
    p = Page()
    p.feed(dom)
    check(p, zones, "replay")
    ok("now" not in p.events and p.events_attrs.get("data-replay-finished") == "1",
       f"finished replay: no 'events/s now': {p.events.strip()!r}")
    ok("last minute" in p.events, "finished replay: the rate over the recording's last minute")
finally:
    a.stop()
finish()

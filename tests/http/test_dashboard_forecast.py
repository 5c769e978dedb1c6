#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The exhaustion forecast and the HugeTLB/CMA panel of the dashboard,
along the user's path: agent, JSON API, headless chromium.

Part 1, the forecast (issue 19, item 4). tests/record/make_decline.py
writes recordings whose order-9 blocks in zone Normal follow a known line
(as tests/record/test_forecast_replay.sh does); the agent replays each to
its end and holds it. /api/v1/forecast must give the closed-form answer
(blocks left, the rate, blocks left / rate, the state), computed here
from the line and the template recording, not from the agent; the page
(chromium --dump-dom) must show what the API says, in the words of the
terminal's -m view, which is run on the same recording as a third,
independent peer: every row's forecast text must equal the view's.

Part 2, HugeTLB and CMA (issue 19, item 3). The agent serves a procfs
fixture whose zoneinfo is edited to give node 1's Normal zone a CMA
area; HugeTLB pools come from this machine's /sys (the agent always
reads /sys). Every pool and CMA figure the page shows must equal
--once -m --format json's compaction.hugetlb on the same files, and
the files themselves, read here.
Usage: test_dashboard_forecast.py MFD_AGENT BUILD_DIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "record"))
from httplib_mfd import Agent, SRC, dump_dom, finish, fixture_copy, free_port, get, need_chromium, ok, wait_until  # noqa: E402
from make_decline import other_zones_suitable  # noqa: E402

AGENT = sys.argv[1]
TEMPLATE = os.path.join(SRC, "tests", "fixtures", "recordings", "demo.jsonl")
MAKE_DECLINE = os.path.join(SRC, "tests", "record", "make_decline.py")
need_chromium()


def dom_of(url):
    return dump_dom(url, "--window-size=1280,1600")


class Rows(HTMLParser):
    """The rows of one table (by id): each row's attributes and its
    cells' (class, data-pages, text)."""

    def __init__(self, table):
        super().__init__()
        self.table, self.rows = table, []
        self._in, self._body, self._cell = False, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == self.table:
            self._in = True
        elif self._in and tag == "tbody":
            self._body = True
        elif self._body and tag == "tr":
            self.rows.append({"attrs": a, "cells": []})
        elif self._body and tag == "td":
            self._cell = {"class": a.get("class") or "", "pages": a.get("data-pages"), "text": ""}
            self.rows[-1]["cells"].append(self._cell)

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "table" and self._in:
            self._in = self._body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def parse(dom, table):
    p = Rows(table)
    p.feed(dom)
    return p.rows


def cell(row, cls):
    return next((c for c in row["cells"] if cls in c["class"].split()), None)


# ---- Part 1: the forecast on replayed declines with known answers ----


def human(secs):
    """views/view_forecast.c duration(), written again."""
    t = round(secs)
    if t >= 86400:
        return f"{t // 86400}d {t % 86400 // 3600}h"
    if t >= 3600:
        return f"{t // 3600}h {t % 3600 // 60}m"
    if t >= 60:
        return f"{t // 60}m {t % 60}s"
    return f"{t}s"


def view_rows(path):
    """The last -m frame's forecast rows: {(node, zone): forecast text}."""
    out = subprocess.run([AGENT, "--replay", path, "--replay-speed", "0", "-m", "--http", "off"],
                         capture_output=True, timeout=120).stdout.decode()
    rows, inside = {}, False
    for line in out.splitlines():
        if re.match(r"^NODE ZONE .*FORECAST", line):
            inside, rows = True, {}
            continue
        if inside and not line.strip():
            inside = False
            continue
        if inside:
            f = line.split(None, 4)
            rows[(int(f[0]), f[1])] = f[4].strip()
    return rows


tmp = tempfile.mkdtemp(prefix="mfd-forecast.")
other = other_zones_suitable(TEMPLATE, "Normal")
# name: (samples, interval, start, rate)
CASES = {
    "decline": (300, 10, 3000, 0.3),
    "steady": (200, 10, 3000, 0.0),
    "exhausted": (200, 10, 600, 0.5),
    "learning": (3, 10, 3000, 0.3),
}
try:
    for name, (n, dt, start, rate) in CASES.items():
        rec = os.path.join(tmp, name + ".jsonl")
        subprocess.run([sys.executable, MAKE_DECLINE, TEMPLATE, rec, "--samples", str(n),
                        "--interval", str(dt), "--zone", "Normal", "--start", str(start),
                        "--rate", str(rate)], check=True)
        # The closed form: the line at the last sample, and its time to 0.
        left = max(0, round(start - rate * (n - 1) * dt))
        node_left = left + sum(other.values())
        want = {"Normal": {"blocks": left}, "node": {"blocks": node_left}}
        for z, b in other.items():
            want[z] = {"blocks": b, "state": "steady"}
        if name == "decline":
            want["Normal"].update(state="declining", eta=round(left / rate), rate=-rate)
            want["node"].update(state="declining", eta=round(node_left / rate), rate=-rate)
        elif name == "steady":
            want["Normal"].update(state="steady", eta=None, rate=0.0)
            want["node"].update(state="steady", eta=None, rate=0.0)
        elif name == "exhausted":
            # The node's line bends when Normal hits 0: only its blocks
            # are known in closed form (and its words must be -m's).
            want["Normal"].update(state="exhausted", eta=0)
            want["node"].update(state=None)
        else:
            for z in want:
                want[z].update(state="learning", eta=None, rate=None)
        for z, w in want.items():
            w["text"] = {"learning": "learning the trend", "steady": "steady: none in sight",
                         "exhausted": "exhausted now (no suitable block)"}.get(w["state"])
            if w["state"] == "declining":
                w["text"] = f"in {human(w['eta'])} (no suitable block)"

        a = Agent(AGENT, ["--replay", rec, "--replay-speed", "0", "--replay-hold"], free_port())
        try:
            ok(wait_until(lambda: json.loads(get(a.base + "/healthz")[2]).get("replay") == "finished", 60),
               f"{name}: the replay finished and is held")
            fc = a.json("/api/v1/forecast")
            rows = {("node" if r.get("zone") is None else r["zone"]): r
                    for r in fc["zones"] + fc["nodes"] if r["node"] == 0}
            ok(fc["order"] == 9 and fc["window_seconds"] == 1800 and fc["horizon_seconds"] == 18000
               and fc["outcome"] == "unknown",
               f"{name}: order 9, 30 min window, 5 h horizon, outcome unknown (no vmstat in a replay): "
               f"{fc['order']} {fc['window_seconds']} {fc['horizon_seconds']} {fc['outcome']}")
            snap = a.json("/api/v1/snapshot")
            ok(fc["time_unix_nano"] == snap["time_unix_nano"],
               f"{name}: the forecast is of the latest snapshot")
            ok(set(rows) == set(want), f"{name}: rows {sorted(rows)} == {sorted(want)}")
            for z, w in want.items():
                r = rows.get(z, {})
                ok(r.get("blocks") == w["blocks"] and w["state"] in (None, r.get("state")),
                   f"{name} {z}: API blocks {r.get('blocks')} state {r.get('state')} == "
                   f"closed form {w['blocks']} {w['state']}")
                if "eta" in w:
                    got = r.get("eta_seconds")
                    ok(got == w["eta"] if w["eta"] is None or got is None else abs(got - w["eta"]) <= 1,
                       f"{name} {z}: API eta {got} s == closed form {w['eta']} s (±1)")
                if w.get("rate") is None and "rate" in w:
                    ok(r.get("blocks_per_second") is None, f"{name} {z}: no trend while learning")
                elif "rate" in w:
                    got = r.get("blocks_per_second")
                    ok(got is not None and abs(got - w["rate"]) <= 1e-3,
                       f"{name} {z}: API {got} blocks/s == closed form {w['rate']}")
                if w["state"] is None:
                    pass
                elif w["state"] in ("declining", "exhausted"):
                    ok(r.get("runs_out") == "blocks", f"{name} {z}: the blocks run out first")
                else:
                    ok(r.get("runs_out") is None, f"{name} {z}: nothing runs out")

            rc, dom = dom_of(a.base + "/")
            ok(rc == 0 and 'data-ready="1"' in dom, f"{name}: chromium rendered the page (exit {rc})")
            shown = {r["attrs"].get("data-zone"): r for r in parse(dom, "forecast")}
            ok(set(shown) == set(rows), f"{name}: the page's forecast rows {sorted(shown)} == the API's")
            view = view_rows(rec)
            for z, r in rows.items():
                s = shown.get(z)
                if not s:
                    continue
                eta = "" if r["eta_seconds"] is None else str(r["eta_seconds"])
                ok(s["attrs"].get("data-state") == r["state"] and s["attrs"].get("data-eta") == eta
                   and cell(s, "fc-blocks")["text"] == str(r["blocks"]),
                   f"{name} {z}: page state/eta/blocks {s['attrs'].get('data-state')}/"
                   f"{s['attrs'].get('data-eta')}/{cell(s, 'fc-blocks')['text']} == API")
                text = cell(s, "fc-verdict")["text"]
                if want[z]["text"] is not None:
                    ok(text == want[z]["text"],
                       f"{name} {z}: page says {text!r}, closed form {want[z]['text']!r}")
                ok(text == view.get((0, z)), f"{name} {z}: page says what -m says: {view.get((0, z))!r}")
                if r["blocks_per_second"] is not None:
                    m = r["blocks_per_second"] * 60
                    trend = "0.0" if abs(m) < 0.05 else f"{m:+.1f}"
                    ok(cell(s, "fc-trend")["text"] == trend,
                       f"{name} {z}: trend {cell(s, 'fc-trend')['text']}/min == API's {trend}")
            if name == "decline":
                ok("in 1h 56m (no suitable block)" == cell(shown["Normal"], "fc-verdict")["text"],
                   "decline: Normal runs out 'in 1h 56m' (2,103 blocks at 0.3/s, docs/forecast.md)")
        finally:
            a.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)


# ---- Part 2: HugeTLB pools and CMA against the JSON and the files ----

CMA = {(1, "Normal"): (65536, 12345)}  # (cma, nr_free_cma) pages written into the fixture
tmp, proc = fixture_copy()
try:
    zi = os.path.join(proc, "zoneinfo")
    out, node, zone = [], None, None
    for line in open(zi).read().splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            node, zone = int(m[1]), m[2]
        f = line.split()
        if (node, zone) in CMA and len(f) == 2 and f[0] in ("cma", "nr_free_cma"):
            line = re.sub(r"\d+$", str(CMA[(node, zone)][f[0] == "nr_free_cma"]), line)
        out.append(line)
    open(zi, "w").write("\n".join(out) + "\n")
    # The files, read here: /proc/zoneinfo's cma lines and /sys's pools.
    files_cma, node = {}, None
    for line in out:
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            node, zone = int(m[1]), m[2]
            continue
        f = line.split()
        if len(f) == 2 and f[0] in ("cma", "nr_free_cma"):
            files_cma.setdefault((node, zone), {})["total" if f[0] == "cma" else "free"] = int(f[1])
    # An empty zone prints its header ("cma" included) but no counters:
    # only populated zones (those with nr_free_cma) have buddy lists.
    files_cma = {k: v for k, v in files_cma.items() if "free" in v}
    names = {"total": "nr_hugepages", "free": "free_hugepages", "surplus": "surplus_hugepages",
             "reserved": "resv_hugepages"}
    files_htlb = {}
    for d in glob.glob("/sys/kernel/mm/hugepages/hugepages-*kB"):
        kib = int(re.search(r"(\d+)kB$", d)[1])
        files_htlb[("all", kib * 1024)] = {k: int(open(os.path.join(d, f)).read()) for k, f in names.items()}
    for d in glob.glob("/sys/devices/system/node/node*/hugepages/hugepages-*kB"):
        n = re.search(r"node(\d+)/", d)[1]
        kib = int(re.search(r"(\d+)kB$", d)[1])
        files_htlb[(n, kib * 1024)] = {k: int(open(os.path.join(d, f)).read())
                                       for k, f in names.items() if k != "reserved"}

    once = subprocess.run([AGENT, "--once", "-m", "--format", "json", "--source", "procfs",
                           "--proc-dir", proc], capture_output=True, timeout=60)
    ok(once.returncode == 0, f"--once -m --format json ran (exit {once.returncode})")
    h = json.loads(once.stdout)["compaction"]["hugetlb"]
    json_htlb = {}
    for s in h["sizes"]:
        json_htlb[("all", s["size_kib"] * 1024)] = {k: s[k] for k in names if k in s}
        for nd in s["nodes"]:
            json_htlb[(str(nd["node"]), s["size_kib"] * 1024)] = {k: nd[k] for k in names if k in nd}
    json_cma = {(z["node"], z["zone"]): {"total": z.get("cma_pages"), "free": z.get("cma_free_pages")}
                for z in h["zones"]}
    ok(json_cma.get((1, "Normal")) == {"total": 65536, "free": 12345},
       f"the JSON has node 1 Normal's CMA area from the edited zoneinfo: {json_cma.get((1, 'Normal'))}")

    a = Agent(AGENT, ["--source", "procfs", "--proc-dir", proc, "--no-events", "-d", "0.5"], free_port())
    try:
        rc, dom = dom_of(a.base + "/")
        ok(rc == 0 and 'data-ready="1"' in dom, f"chromium rendered the live page (exit {rc})")
        ok('id="hugetlb-section" hidden' not in dom, "the HugeTLB/CMA panel is shown")
        page_htlb = {}
        for r in parse(dom, "hugetlb"):
            page_htlb[(r["attrs"]["data-node"], int(r["attrs"]["data-size"]))] = {
                k: int(cell(r, "h-" + k)["text"]) for k in names if cell(r, "h-" + k)["text"] not in ("", "-")}
        ok(page_htlb and page_htlb == json_htlb,
           f"HugeTLB pools shown {sorted(page_htlb.items())} == the JSON {sorted(json_htlb.items())}")
        ok(page_htlb == files_htlb, f"HugeTLB pools shown == the sysfs files {sorted(files_htlb.items())}")
        page_cma = {}
        for r in parse(dom, "cma"):
            key = (int(r["attrs"]["data-node"]), r["attrs"]["data-zone"])
            page_cma[key] = {k: int(cell(r, "cma-" + k)["pages"]) for k in ("total", "free")}
            for k in ("total", "free"):
                c = cell(r, "cma-" + k)
                ok(c["text"] == f"{int(c['pages']) * 4 / 1024:.0f} MiB",
                   f"CMA {key} {k}: {c['text']} is {c['pages']} pages in MiB")
        ok(page_cma == json_cma, f"CMA shown {sorted(page_cma.items())} == the JSON")
        ok(page_cma == files_cma, "CMA shown == the zoneinfo file's cma/nr_free_cma")
    finally:
        a.stop()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""--procs-by (issue 20's series budget): with pid a row of the
per-process table is one process; with executable it is one program in one
cgroup, all its processes added up, and the per-process metric carries
that cgroup's id instead of a process_pid label.

Reference: the recording itself, read here with Python's json: its
ExportLogsServiceRequest lines hold one LogRecord per extfrag event,
counted by process.pid and by (process.executable.name, cgroup.id). The
demo recording has two mfd-fragment processes in one cgroup. The agent
replays it as fast as it can, holds the last sample, and is asked over
HTTP (/api/v1/events and /metrics) and through the dashboard in headless
chromium (--dump-dom): its process table must show the same rows, its
first column headed "pid" or "latest pid". Needs no root; ports picked
free.
Usage: test_procs_by.py MFD_AGENT
"""
import collections
import html.parser
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httplib_mfd import CHROMIUM, SRC, Agent, dump_dom, finish, free_port, get, ok  # noqa: E402

AGENT = sys.argv[1]
REC = os.path.join(SRC, "tests", "fixtures", "recordings", "demo.jsonl")
SERIES = re.compile(r'^mfd_process_extfrag_fragmenting_events_total\{([^}]*)\}', re.M)

by_pid, by_exe = collections.Counter(), collections.Counter()
for line in open(REC):
    d = json.loads(line)
    for rl in d.get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {x["key"]: list(x["value"].values())[0] for x in r["attributes"]}
                by_pid[int(a["process.pid"])] += 1
                by_exe[(a["process.executable.name"], int(a["cgroup.id"]))] += 1
ok(len(by_pid) > len(by_exe),
   "the recording has more processes (%d) than programs (%d)" % (len(by_pid), len(by_exe)))


class Table(html.parser.HTMLParser):
    """The #procs table of the dashboard: its header cells and rows."""

    def __init__(self):
        super().__init__()
        self.head, self.rows, self.where, self.cell = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == "procs":
            self.where = "table"
        elif self.where and tag in ("thead", "tbody"):
            self.where = tag
        elif self.where == "tbody" and tag == "tr":
            self.rows.append([])
        elif self.where in ("thead", "tbody") and tag in ("th", "td"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.where = None
        elif self.cell is not None and tag in ("th", "td"):
            (self.head if self.where == "thead" else self.rows[-1]).append(self.cell.strip())
            self.cell = None

    def handle_data(self, d):
        if self.cell is not None:
            self.cell += d


def run(by, rec=REC):
    """The events JSON, /metrics and the dashboard's table (None without
    chromium) of an agent holding the end of rec."""
    a = Agent(AGENT, ["--replay", rec, "--replay-speed", "0", "--replay-hold",
                      "--procs-by", by], free_port())
    page = None
    try:
        # Until every recorded event is in the table (or 10 s).
        for _ in range(100):
            ev = a.json("/api/v1/events")
            if sum(x["events"] for x in ev["processes"]) >= sum(by_pid.values()):
                break
            time.sleep(0.1)
        metrics = get(a.base + "/metrics")[2].decode()
        if CHROMIUM:
            page = Table()
            page.feed(dump_dom(a.base + "/")[1])
    finally:
        rc = a.stop()
    ok(rc == 0, "--procs-by %s: exit 0 (%s)" % (by, a.output().strip().splitlines()[-1:]))
    return ev, metrics, page


def check_page(by, page, ev, first):
    if page is None:
        print("skip - chromium is not installed: the dashboard part")
        return
    want = [[str(x["tgid"]), x["comm"], str(x["events"])] for x in ev["processes"]]
    got = [r[:3] for r in page.rows]
    ok(page.head[:1] == [first], "%s: the dashboard's first column is '%s' (%s)" % (by, first, page.head[:1]))
    ok(got == want, "%s: the dashboard's rows are the API's: %s vs %s" % (by, got, want))


ev, metrics, page = run("pid")
check_page("pid", page, ev, "pid")
rows = {x["tgid"]: x["events"] for x in ev["processes"]}
ok(ev["processes_by"] == "pid", "pid: processes_by says pid")
ok(rows == dict(by_pid), "pid: one row per process, counts as recorded: %s vs %s" % (rows, dict(by_pid)))
series = SERIES.findall(metrics)
pids = sorted(int(re.search(r'process_pid="(\d+)"', s).group(1)) for s in series if "process_pid=" in s)
ok(len(series) == len(by_pid) and pids == sorted(by_pid),
   "pid: a series per process, labelled with its pid: %s" % series)

ev, metrics, page = run("executable")
check_page("executable", page, ev, "latest pid")
rows = {(x["comm"], x["cgroup_id"]): x["events"] for x in ev["processes"]}
ok(ev["processes_by"] == "executable", "executable: processes_by says executable")
ok(rows == dict(by_exe), "executable: one row per program and cgroup, counts added up: %s vs %s" % (rows, dict(by_exe)))
ok(all(x["tgid"] in by_pid for x in ev["processes"]), "executable: tgid is one of the program's processes")
series = SERIES.findall(metrics)
keys = sorted((re.search(r'process_executable_name="([^"]*)"', s).group(1),
               int(re.search(r'cgroup_id="(\d+)"', s).group(1)) if "cgroup_id=" in s else None)
              for s in series)
ok(keys == sorted(by_exe), "executable: a series per program and cgroup, labelled with both: %s" % series)
ok(not any("process_pid" in s for s in series), "executable: no process_pid label")

# One program in two cgroups (two services, neither in a pod): the same
# recording with the second process's events moved to another cgroup must
# give two rows and two series whose label sets differ (a duplicate would
# fail the whole scrape in Prometheus).
moved = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False)
second = sorted(by_pid)[-1]
name, cg = next(iter(by_exe))
for line in open(REC):
    d = json.loads(line)
    for rl in d.get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {x["key"]: x["value"] for x in r["attributes"]}
                if int(a["process.pid"]["intValue"]) == second:
                    a["cgroup.id"]["intValue"] = str(cg + 1)
    moved.write(json.dumps(d) + "\n")
moved.close()
ev, metrics, page = run("executable", moved.name)
os.unlink(moved.name)
rows = sorted((x["comm"], x["cgroup_id"], x["events"]) for x in ev["processes"])
want = sorted((name, cg + 1 if p == second else cg, c) for p, c in by_pid.items())
ok(rows == want, "two cgroups: one row each: %s vs %s" % (rows, want))
series = SERIES.findall(metrics)
ok(len(series) == 2 and len(set(series)) == 2, "two cgroups: two distinct series: %s" % series)
finish()

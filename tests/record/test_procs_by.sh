#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_procs_by.sh AGENT BUILD - --procs-by (issue 20's series budget):
# with pid a row of the per-process table is one process; with executable
# it is one program in one cgroup, all its processes added up, and the
# per-process metric loses its process_pid label.
#
# Reference: the recording itself, read here with Python's json: its
# ExportLogsServiceRequest lines hold one LogRecord per extfrag event,
# counted by process.pid and by (process.executable.name, cgroup.id). The
# demo recording has two mfd-fragment processes in one cgroup. The agent
# replays it as fast as it can, holds the last sample, and is asked over
# HTTP (/api/v1/events and /metrics). Needs no root; ports picked free.
set -euo pipefail
AGENT=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
REC=$SRC/tests/fixtures/recordings/demo.jsonl
python3 - "$AGENT" "$REC" <<'PY'
import collections, json, re, socket, subprocess, sys, time, urllib.request
agent, rec = sys.argv[1], sys.argv[2]
fails = []
def ok(cond, what):
    print(("ok   - " if cond else "FAIL - ") + what)
    if not cond: fails.append(what)

by_pid, by_exe = collections.Counter(), collections.Counter()
for line in open(rec):
    d = json.loads(line)
    for rl in d.get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {x["key"]: list(x["value"].values())[0] for x in r["attributes"]}
                by_pid[int(a["process.pid"])] += 1
                by_exe[(a["process.executable.name"], int(a["cgroup.id"]))] += 1
ok(len(by_pid) > len(by_exe),
   "the recording has more processes (%d) than programs (%d)" % (len(by_pid), len(by_exe)))

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def get(port, path):
    return urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5).read().decode()

def run(by):
    port = free_port()
    p = subprocess.Popen([agent, "--replay", rec, "--replay-speed", "0", "--replay-hold",
                          "--headless", "--http", "127.0.0.1:%d" % port, "--procs-by", by],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ev, metrics = None, ""
    try:
        # Until every recorded event is in the table (or 10 s).
        for _ in range(100):
            time.sleep(0.1)
            try:
                ev = json.loads(get(port, "/api/v1/events"))
            except OSError:
                continue
            if sum(x["events"] for x in ev["processes"]) >= sum(by_pid.values()):
                break
        metrics = get(port, "/metrics")
    finally:
        p.terminate()
        err = p.communicate(timeout=10)[1]
    ok(p.returncode == 0, "--procs-by %s: exit 0 (%s)" % (by, err.strip().splitlines()[-1:]))
    return ev, metrics

ev, metrics = run("pid")
rows = {x["tgid"]: x["events"] for x in ev["processes"]}
ok(ev["processes_by"] == "pid", "pid: processes_by says pid")
ok(rows == dict(by_pid), "pid: one row per process, counts as recorded: %s vs %s" % (rows, dict(by_pid)))
series = re.findall(r'^mfd_process_extfrag_fragmenting_events_total\{([^}]*)\}', metrics, re.M)
pids = sorted(int(re.search(r'process_pid="(\d+)"', s).group(1)) for s in series if "process_pid=" in s)
ok(len(series) == len(by_pid) and pids == sorted(by_pid),
   "pid: a series per process, labelled with its pid: %s" % series)

ev, metrics = run("executable")
rows = {(x["comm"], x["cgroup_id"]): x["events"] for x in ev["processes"]}
ok(ev["processes_by"] == "executable", "executable: processes_by says executable")
ok(rows == dict(by_exe), "executable: one row per program and cgroup, counts added up: %s vs %s" % (rows, dict(by_exe)))
ok(all(x["tgid"] in by_pid for x in ev["processes"]), "executable: tgid is one of the program's processes")
series = re.findall(r'^mfd_process_extfrag_fragmenting_events_total\{([^}]*)\}', metrics, re.M)
names = sorted(re.search(r'process_executable_name="([^"]*)"', s).group(1) for s in series)
ok(names == sorted(n for n, _ in by_exe), "executable: a series per program: %s" % series)
ok(not any("process_pid" in s for s in series), "executable: no process_pid label")
sys.exit(1 if fails else 0)
PY

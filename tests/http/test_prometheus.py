#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A real Prometheus server (Debian's prometheus) scrapes the agent.

Two agents run: "static" samples once at start (-d 3600), so the page it
serves is one known snapshot; "live" samples every second while the
workload (mfd-fragment) causes extfrag fallbacks. After Prometheus has
scraped each at least twice, its HTTP API must show:
  1. free blocks per node/zone/order equal to the agent's snapshot, and to
     `mfd-agent --once --format json` at the same moment. Drift rule: the
     static agent's snapshot is taken between two --once runs ("before"
     and "after"); wherever before and after agree, Prometheus must hold
     exactly that value (a page that changed in between proves nothing
     either way, and is counted, not compared). Every series must also
     equal the agent's own /api/v1/snapshot exactly (same sample);
  2. the unusable and extfrag indices for every order of every zone;
  3. mfd_extfrag_events_total increasing while the workload runs.
Prometheus parses whichever format it negotiated (OpenMetrics here), so a
scrape that is "up" with no error is also a parser check.
Needs root (BPF); exits 77 otherwise.
Usage: test_prometheus.py MFD_AGENT BUILD_DIR PORT_BASE   (uses 3 ports)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httplib_mfd import Agent, finish, get, ok, skip, wait_until  # noqa: E402

AGENT, BUILD = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 9474
STATIC, LIVE, PROM = PORT, PORT + 1, PORT + 2

if os.geteuid() != 0:
    skip("needs root (BPF collection and extfrag events)")
PROMETHEUS = shutil.which("prometheus")
if not PROMETHEUS:
    skip("Debian's prometheus is not installed (./dev.sh deps test)")
FRAG = os.path.join(BUILD, "mfd-fragment")

tmp = tempfile.mkdtemp(prefix="mfd-prom.")
procs = []


def once():
    r = subprocess.run([AGENT, "--once", "--format", "json"], capture_output=True, check=True)
    return json.loads(r.stdout)


def flat(snap):
    out = {}
    for n in snap["nodes"]:
        for z in n["zones"]:
            for o in z["orders"]:
                out[(str(n["node"]), z["zone"], str(o["order"]))] = o["free_blocks"]
    return out


def query(expr):
    st, _, body = get(f"http://127.0.0.1:{PROM}/api/v1/query?" +
                      urllib.parse.urlencode({"query": expr}))
    if st != 200:
        raise RuntimeError(f"query {expr}: HTTP {st}: {body[:200]}")
    return json.loads(body)["data"]["result"]


def by_labels(result):
    return {(r["metric"]["numa_node"], r["metric"]["zone"], r["metric"]["order"]):
            float(r["value"][1]) for r in result}


def bracket_bad(before, snap, after):
    b, s, a = flat(before), flat(snap), flat(after)
    agree = [k for k in b if a.get(k) == b[k]]
    return agree, [k for k in agree if s.get(k) != b[k]]


try:
    # A value can move and come back inside the bracket (A-B-A) on a busy
    # machine, so a bracket that disagrees is taken again, up to 5 times;
    # a real mismatch disagrees every time.
    for attempt in range(5):
        before = once()
        static = Agent(AGENT, ["-d", "3600", "--no-events"], STATIC)
        after = once()
        static_snap = static.json("/api/v1/snapshot")
        agree, bad = bracket_bad(before, static_snap, after)
        if agree and not bad:
            break
        print(f"# bracket {attempt + 1}: {len(bad)} steady series differ, again")
        static.stop()
    procs.append(static)
    live = Agent(AGENT, ["-d", "1"], LIVE)
    procs.append(live)
    ok(live.json("/api/v1/events")["have_events"], "live agent has extfrag events attached")

    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: static
    static_configs: [{{targets: ['127.0.0.1:{STATIC}']}}]
  - job_name: live
    static_configs: [{{targets: ['127.0.0.1:{LIVE}']}}]
""")
    plog = open(os.path.join(tmp, "prometheus.log"), "w")
    prom = subprocess.Popen([PROMETHEUS, "--config.file", os.path.join(tmp, "prometheus.yml"),
                             "--storage.tsdb.path", os.path.join(tmp, "data"),
                             "--web.listen-address", f"127.0.0.1:{PROM}",
                             "--log.level", "warn"], stdout=plog, stderr=plog)

    # The server on PROM must be this test's: a Prometheus left over from
    # an interrupted run holds the port, ours exits, and the stale one
    # would answer every query about targets that no longer exist.
    def flags():
        try:
            st, _, body = get(f"http://127.0.0.1:{PROM}/api/v1/status/flags", timeout=2)
        except OSError:
            return None
        return json.loads(body)["data"] if st == 200 else None
    wait_until(lambda: prom.poll() is not None or flags() is not None, 30, 0.2)
    f = flags() or {}
    mine = os.path.join(tmp, "prometheus.yml")
    if not ok(prom.poll() is None and f.get("config.file") == mine,
              f"the Prometheus on port {PROM} is this test's (config {f.get('config.file')!r}, "
              f"ours {'running' if prom.poll() is None else 'exited'})"):
        plog.flush()
        with open(os.path.join(tmp, "prometheus.log")) as lf:
            print(lf.read()[-800:])
        finish()

    def two_scrapes():
        try:
            r = query('count_over_time(up[1m])')
        except (OSError, RuntimeError):
            return False
        got = {x["metric"]["job"]: float(x["value"][1]) for x in r}
        return got.get("static", 0) >= 2 and got.get("live", 0) >= 2
    ok(wait_until(two_scrapes, 60, 0.5), "Prometheus scraped both agents at least twice")

    st, _, body = get(f"http://127.0.0.1:{PROM}/api/v1/targets")
    for t in json.loads(body)["data"]["activeTargets"]:
        ok(t["health"] == "up" and not t["lastError"],
           f"target {t['labels']['job']} up, parsed without error {t['lastError']!r}")

    # 1. free blocks
    prom_fb = by_labels(query('mfd_zone_order_free_blocks{job="static"}'))
    agent_fb = {k: float(v) for k, v in flat(static_snap).items()}
    ok(prom_fb == agent_fb and prom_fb, f"{len(prom_fb)} free-block series equal the agent's snapshot")
    b = flat(before)
    bad = bad + [k for k in agree if prom_fb.get(k) != b[k]]
    ok(agree and not bad, f"{len(agree)} of {len(b)} series steady across the bracket equal "
       f"--once json ({len(b) - len(agree)} moved, not compared)" + (f"; differ: {bad[:3]}" if bad else ""))
    ok(set(prom_fb) == set(b), "the same node/zone/order series as --once json")

    # 2. indices for every order
    nr = static_snap["nr_orders"]
    for metric in ("mfd_zone_order_unusable_index_ratio", "mfd_zone_order_extfrag_index_ratio"):
        got = by_labels(query(metric + '{job="static"}'))
        zones = {(k[0], k[1]) for k in b}
        missing = [(n, z, str(o)) for n, z in zones for o in range(nr) if (n, z, str(o)) not in got]
        ok(not missing and len(got) == len(zones) * nr,
           f"{metric}: all {nr} orders of {len(zones)} zones" + (f"; missing {missing[:3]}" if missing else ""))

    # 3. extfrag counter increases while the workload runs
    def events_total():
        r = query('sum(mfd_extfrag_events_total{job="live"})')
        return float(r[0]["value"][1]) if r else 0.0
    v0 = events_total()
    if not os.access(FRAG, os.X_OK):
        ok(False, f"workload {FRAG} not built")
    else:
        # tracefs, in a trace instance of our own, is the independent
        # witness: in some memory states the workload makes no fallback
        # at all, and then there is nothing to compare (not a failure).
        inst = f"/sys/kernel/tracing/instances/mfd-test-prom-{os.getpid()}"
        if not os.path.isdir("/sys/kernel/tracing/instances"):
            inst = inst.replace("/sys/kernel/tracing", "/sys/kernel/debug/tracing")
        os.mkdir(inst)
        try:
            with open(f"{inst}/events/kmem/mm_page_alloc_extfrag/enable", "w") as f:
                f.write("1")
            w = subprocess.Popen([FRAG, "pt", "--seconds", "8", "--loop"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            w.wait()
            with open(f"{inst}/events/kmem/mm_page_alloc_extfrag/enable", "w") as f:
                f.write("0")
            with open(f"{inst}/trace") as f:
                seen = sum(1 for line in f if "mm_page_alloc_extfrag" in line)
        finally:
            os.rmdir(inst)
        if seen == 0:
            print("note: the kernel made no extfrag event during the workload "
                  "(tracefs saw 0); the counter check has nothing to compare")
        else:
            v1 = wait_until(lambda: events_total() >= v0 + seen and events_total(), 40, 0.5)
            ok(v1 and v1 >= v0 + seen,
               f"mfd_extfrag_events_total rose from {v0:.0f} to {v1 or 0:.0f}, "
               f"by at least the {seen} events tracefs saw")
            agent_now = live.json("/api/v1/events")["totals"]["events"]
            ok(v1 and v1 <= agent_now, f"Prometheus' {v1 or 0:.0f} <= agent's current total {agent_now}")
finally:
    if "prom" in dir():
        prom.terminate()
        try:
            prom.wait(15)
        except subprocess.TimeoutExpired:
            prom.kill()
    for p in procs:
        p.stop()
    shutil.rmtree(tmp, ignore_errors=True)
finish()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/http_bench.py - the HTTP server's costs, side by side.

  1. /metrics scrape cost: mfd-agent vs node_exporter 1.5 (Debian
     prometheus-node-exporter, only the buddyinfo and zoneinfo collectors,
     i.e. the same data). CPU per scrape from the server's schedstat (ns),
     minus what the server burns idle over the same time; wall time and
     bytes per scrape as a client sees them.
  2. JSON API latency under 10 concurrent keep-alive clients (p50/p99 per
     endpoint).
Numbers, never pass/fail. Usage (root for BPF; else add --source procfs):
  bench/http_bench.py [BUILD_DIR] [SCRAPES] [extra agent args...]
Ports: agent 9477, node_exporter 9479 (the HTTP helper's range).
"""
import glob
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
SCRAPES = int(sys.argv[2]) if len(sys.argv) > 2 else 300
EXTRA = sys.argv[3:]
AGENT_PORT, NE_PORT = 9477, 9479


def cpu_ns(pid):
    s = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            s += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return s


def wait_http(port, path="/metrics"):
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.1)
    return False


def scrape_cost(name, pid, port, accept=None):
    hdr = {"Accept": accept} if accept else {}
    # Idle burn over a quiet second, to subtract.
    i0, t0 = cpu_ns(pid), time.monotonic()
    time.sleep(1.0)
    idle_per_s = (cpu_ns(pid) - i0) / (time.monotonic() - t0)
    walls, size = [], 0
    c0, t0 = cpu_ns(pid), time.monotonic()
    for _ in range(SCRAPES):
        w0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics", headers=hdr)
        body = conn.getresponse().read()
        conn.close()
        walls.append(time.perf_counter() - w0)
        size = len(body)
    dt = time.monotonic() - t0
    cpu = (cpu_ns(pid) - c0 - idle_per_s * dt) / SCRAPES
    walls.sort()
    print(f"| {name} | {cpu / 1000:.1f} | {statistics.median(walls) * 1e3:.2f} | "
          f"{walls[int(len(walls) * 0.99) - 1] * 1e3:.2f} | {size} |")


def api_latency(port, clients=10, per_client=200):
    paths = ["/api/v1/snapshot", "/api/v1/events", "/api/v1/history?minutes=1", "/metrics", "/healthz"]
    lat = {p: [] for p in paths}
    lock = threading.Lock()
    errors = [0]

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i in range(per_client):
            p = paths[(i + k) % len(paths)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", p)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    lat[p].append(dt)
                else:
                    errors[0] += 1
    th = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in th:
        t.start()
    for t in th:
        t.join()
    wall = time.perf_counter() - t0
    n = sum(len(v) for v in lat.values())
    print(f"\n{clients} concurrent keep-alive clients, {n} requests in {wall:.2f} s "
          f"({n / wall:.0f} req/s), {errors[0]} errors\n")
    print("| endpoint | p50 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- |")
    for p in paths:
        v = sorted(lat[p])
        if v:
            print(f"| {p} | {statistics.median(v) * 1e3:.2f} | {v[int(len(v) * 0.99) - 1] * 1e3:.2f} | "
                  f"{v[-1] * 1e3:.2f} |")


procs = []
try:
    agent = subprocess.Popen([os.path.join(BUILD, "mfd-agent"), "--headless", "--log-level", "warn",
                              "--http", f"127.0.0.1:{AGENT_PORT}"] + EXTRA)
    procs.append(agent)
    ne_bin = shutil.which("prometheus-node-exporter")
    if ne_bin:
        ne = subprocess.Popen([ne_bin, "--collector.disable-defaults", "--collector.buddyinfo",
                               "--collector.zoneinfo", f"--web.listen-address=127.0.0.1:{NE_PORT}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(ne)
    if not wait_http(AGENT_PORT):
        sys.exit("agent did not come up")
    print(f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on {os.cpu_count()} vCPU, "
          f"kernel {os.uname().release}; {SCRAPES} sequential scrapes, new connection each.\n")
    print("| server | CPU µs/scrape | wall p50 ms | wall p99 ms | bytes |")
    print("| --- | --- | --- | --- | --- |")
    scrape_cost("mfd-agent /metrics (text 0.0.4)", agent.pid, AGENT_PORT)
    scrape_cost("mfd-agent /metrics (OpenMetrics)", agent.pid, AGENT_PORT,
                "application/openmetrics-text;version=1.0.0")
    if ne_bin and wait_http(NE_PORT):
        scrape_cost("node_exporter 1.5 (buddyinfo+zoneinfo)", ne.pid, NE_PORT)
    else:
        print("| node_exporter | not installed | | | |")
    api_latency(AGENT_PORT)
finally:
    for p in procs:
        p.terminate()
        p.wait()

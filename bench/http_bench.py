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
  3. Under hostile load (issue 16), each build given in MFD_BENCH_BASELINE
     (comma-separated LABEL=BUILD_DIR, e.g. a build of the commit before
     the bounds) side by side with this one, all on the same procfs fixture
     with a full history (1800 samples): /api/v1/history CPU per request;
     /metrics p50/p99 with and without a 200-connection slowloris; peak RSS
     while one connection pipelines GET /healthz without reading.
Numbers, never pass/fail. Usage (root for BPF; else add --source procfs):
  bench/http_bench.py [BUILD_DIR] [SCRAPES] [extra agent args...]
Ports: agent 9477, node_exporter 9479 (the HTTP helper's range); section 3
picks free ports.
"""
import glob
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "http"))
from httplib_mfd import free_port, rss  # noqa: E402

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


FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "tests", "fixtures", "procfs", "numa2-movable")


def rss_mib(pid):
    return rss(pid) / (1 << 20)


def get_ms(port, path, timeout=10):
    """(ok, ms) for one GET on a new connection."""
    t0 = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status == 200, (time.perf_counter() - t0) * 1e3
    except (OSError, http.client.HTTPException):
        return False, (time.perf_counter() - t0) * 1e3


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * q))] if v else float("nan")


def hostile(build, label):
    """One row: the same hostile load on the agent of one build."""
    agent = os.path.join(build, "mfd-agent")
    port = free_port()
    args = [agent, "--headless", "--log-level", "error", "--source", "procfs", "--proc-dir", FIXTURE,
            "--no-events", "-d", "0.005", "--http-history", "1800", "--http", f"127.0.0.1:{port}"]
    if "--http-max-output-kib" in subprocess.run([agent, "--help"], capture_output=True, text=True).stdout:
        args += ["--http-max-output-kib", "8192"]  # the whole history in one reply, as before
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_http(port, "/healthz"):
            return f"| {label} | did not start | | | | | |"
        # Fill the history ring.
        for _ in range(300):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            n = json.loads(c.getresponse().read()).get("samples", 0)
            if n >= 1900:
                break
            time.sleep(0.1)
        base = rss_mib(p.pid)
        # History CPU per request, idle burn (sampling at 200/s) subtracted.
        i0, t0 = cpu_ns(p.pid), time.monotonic()
        time.sleep(1.0)
        idle = (cpu_ns(p.pid) - i0) / (time.monotonic() - t0)
        n, size = 40, 0
        c0, t0 = cpu_ns(p.pid), time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(n):
            conn.request("GET", "/api/v1/history")
            size = len(conn.getresponse().read())
        conn.close()
        hist_ms = (cpu_ns(p.pid) - c0 - idle * (time.monotonic() - t0)) / n / 1e6
        # /metrics latency, then again under a 200-connection slowloris.
        quiet = [get_ms(port, "/metrics")[1] for _ in range(200)]
        slow, stop = [], threading.Event()
        for _ in range(200):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
                s.setblocking(False)
                slow.append(s)
            except OSError:
                pass

        def drip():
            while not stop.wait(1.0):
                for s in slow:
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
        th = threading.Thread(target=drip)
        th.start()
        attacked, fails = [], 0
        t_end = time.monotonic() + 20
        while len(attacked) + fails < 200 and time.monotonic() < t_end:
            ok, ms = get_ms(port, "/metrics")
            if ok:
                attacked.append(ms)
            else:
                fails += 1
            time.sleep(0.05)
        stop.set()
        th.join()
        still = 0
        for s in slow:
            try:
                still += s.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                still += 1
            except OSError:
                pass
            s.close()
        # Pipelined flood without reading: peak RSS over 3 s.
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 2000
        peak, t_end = base, time.monotonic() + 3
        while time.monotonic() < t_end:
            try:
                s.send(req)
            except BlockingIOError:
                time.sleep(0.005)
            except OSError:
                break
            peak = max(peak, rss_mib(p.pid))
        s.close()
        time.sleep(1)
        after = rss_mib(p.pid)
        return (f"| {label} | {size / 1024:.0f} | {hist_ms:.2f} | {pct(quiet, .5):.2f} / {pct(quiet, .99):.2f} | "
                f"{pct(attacked, .5):.2f} / {pct(attacked, .99):.2f} ({fails} failed) | {still} of {len(slow)} | "
                f"{base:.1f} | {peak:.1f} | {after:.1f} |")
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def sections_1_2():
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


print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} vCPU, "
      f"kernel {os.uname().release}; {SCRAPES} sequential scrapes, new connection each.\n")
if SCRAPES > 0:  # 0: only the hostile-load section
    sections_1_2()
print("\nUnder hostile load (issue 16), same procfs fixture, 1800 samples of history, "
      "sampling every 5 ms; /metrics over a new connection each time.\n")
print("| build | history KiB | history CPU ms/request | /metrics p50 / p99 ms | "
      "/metrics p50 / p99 ms under 200-conn slowloris | slowloris conns still open after ~10 s | "
      "RSS MiB | peak RSS MiB, pipelined flood | RSS MiB 1 s after |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for b in [x for x in os.environ.get("MFD_BENCH_BASELINE", "").split(",") if x]:
    label, _, bdir = b.rpartition("=")
    print(hostile(bdir, label or "baseline"), flush=True)
print(hostile(BUILD, "this build"))

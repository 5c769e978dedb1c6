#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The HTTP server against independent references, without root.

The agent reads a copy of a procfs fixture (--source procfs), so its data
is fixed and every check is exact:
  - /metrics parses with Prometheus' own parser (promtool check metrics);
    OpenMetrics is served when Accept asks for it and follows its rules;
  - /api/v1/snapshot equals `mfd-agent --once --format json` on the same
    files, byte for byte apart from the two timing fields;
  - /healthz turns 503 when collection stalls (the fixture's buddyinfo is
    taken away) and 200 again when it comes back;
  - bad input (malformed request lines, huge headers, unknown paths, other
    methods, bad query strings) gets 4xx and the agent keeps serving;
  - a port in use and a bad address are clear start-up errors.
Usage: test_http_api.py MFD_AGENT PORT_BASE
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from httplib_mfd import (Agent, finish, fixture_copy, get, ok, raw,  # noqa: E402
                         wait_until)

AGENT = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 9471

tmp, proc = fixture_copy()
common = ["--source", "procfs", "--proc-dir", proc, "--no-events"]
a = Agent(AGENT, common + ["-d", "0.2"], PORT)
try:
    # --- /metrics: text 0.0.4 through promtool ---------------------------
    st, hdr, text = get(a.base + "/metrics")
    ok(st == 200 and hdr.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
       f"/metrics text format ({st}, {hdr.get('Content-Type')})")
    pt = subprocess.run(["promtool", "check", "metrics"], input=text,
                        capture_output=True)
    ok(pt.returncode == 0, "promtool check metrics accepts the page: " +
       (pt.stdout + pt.stderr).decode().strip()[:500])

    # Every free-block and index series equals the fixture's snapshot.
    once = json.loads(subprocess.run([AGENT, "--once", "--format", "json"] + common,
                                     capture_output=True, check=True).stdout)
    series = {}
    for line in text.decode().splitlines():
        m = re.match(r'^(mfd_zone_order_\w+)\{numa_node="(\d+)",zone="(\w+)",order="(\d+)"\} (\S+)$', line)
        if m:
            series[(m[1], int(m[2]), m[3], int(m[4]))] = float(m[5])
    want = {}
    for n in once["nodes"]:
        for z in n["zones"]:
            for o in z["orders"]:
                k = (n["node"], z["zone"], o["order"])
                want[("mfd_zone_order_free_blocks",) + k] = o["free_blocks"]
                want[("mfd_zone_order_unusable_index_ratio",) + k] = o["unusable_index"]
                want[("mfd_zone_order_extfrag_index_ratio",) + k] = o["extfrag_index"]
    bad = [k for k in want if series.get(k) != want[k]]
    ok(want and not bad, f"{len(want)} free-block/index series equal --once json" +
       (f"; differ: {bad[:3]}" if bad else ""))

    # --- OpenMetrics ------------------------------------------------------
    st, hdr, om = get(a.base + "/metrics", {
        "Accept": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"})
    omt = om.decode()
    ok(hdr.get("Content-Type", "").startswith("application/openmetrics-text; version=1.0.0"),
       "OpenMetrics served for Prometheus' Accept header")
    ok(omt.endswith("# EOF\n") and omt.count("# EOF") == 1, "OpenMetrics ends with one # EOF")
    ok("# TYPE mfd_agent_samples counter" in omt and "\nmfd_agent_samples_total{" in omt,
       "OpenMetrics counter family has no _total, its samples do")
    ok("# UNIT mfd_agent_collection_duration_seconds seconds" in omt,
       "OpenMetrics UNIT line for seconds")
    ok(not re.search(r"# TYPE \S+_total ", omt), "no OpenMetrics family named *_total")
    st, hdr, _ = get(a.base + "/metrics", {"Accept": "text/plain;q=0.9, application/openmetrics-text;q=0.2"})
    ok(hdr.get("Content-Type", "").startswith("text/plain"), "text served when it has the higher q")

    # --- /api/v1/snapshot is the --once json ------------------------------
    snap = a.json("/api/v1/snapshot")
    for d in (snap, once):
        d.pop("time_unix_nano")
        d.pop("collection_ns")
    ok(snap == once, "/api/v1/snapshot equals --once --format json (timing fields aside)")
    st, hdr, body = get(a.base + "/api/v1/snapshot")
    ok(hdr.get("Content-Type") == "application/json", "snapshot is application/json")

    # --- history ----------------------------------------------------------
    wait_until(lambda: a.json("/api/v1/history")["count"] >= 3, 10)
    h = a.json("/api/v1/history")
    ok(h["count"] >= 3 and h["count"] == len(h["samples"]), f"history holds {h['count']} samples")
    ts = [s["time_unix_nano"] for s in h["samples"]]
    ok(ts == sorted(ts) and len(set(ts)) == len(ts), "history oldest first, distinct times")
    last = h["samples"][-1]
    fb = {(z["node"], z["zone"]): z["free_blocks"] for z in last["zones"]}
    wfb = {(n["node"], z["zone"]): [o["free_blocks"] for o in z["orders"]]
           for n in once["nodes"] for z in n["zones"]}
    ok(fb == wfb, "history's newest free blocks equal the snapshot")
    h1 = a.json("/api/v1/history?minutes=1")
    ok(0 < h1["count"] <= h["count"] + 10, "history?minutes=1 answers a window")
    for q in ["minutes=0", "minutes=-1", "minutes=abc", "minutes=10081", "minutes=99999999999999999999",
              "minutes=", "hours=1", "minutes=1&x=2", "minutes=1%00"]:
        st, _, body = get(a.base + "/api/v1/history?" + q)
        ok(st == 400 and b"error" in body, f"history?{q} -> {st}")

    # --- events without BPF ----------------------------------------------
    ev = a.json("/api/v1/events")
    ok(ev["have_events"] is False and "no-events" in (ev["why"] or ""),
       "events say why they are unavailable")

    # --- health: stall and recovery ----------------------------------------
    st, _, body = get(a.base + "/healthz")
    ok(st == 200 and json.loads(body)["status"] == "ok", "/healthz 200 while sampling")
    os.rename(os.path.join(proc, "buddyinfo"), os.path.join(proc, "buddyinfo.away"))
    st = wait_until(lambda: get(a.base + "/healthz")[0] == 503, 15)
    st, _, body = get(a.base + "/healthz")
    ok(st == 503 and json.loads(body)["status"] == "stalled",
       f"/healthz 503 once no good sample arrives: {body.decode().strip()}")
    os.rename(os.path.join(proc, "buddyinfo.away"), os.path.join(proc, "buddyinfo"))
    wait_until(lambda: get(a.base + "/healthz")[0] == 200, 15)
    ok(get(a.base + "/healthz")[0] == 200, "/healthz 200 again after recovery")
    h = a.json("/api/v1/history")
    ts = [s["time_unix_nano"] for s in h["samples"]]
    gaps = [b - a_ for a_, b in zip(ts, ts[1:])]
    ok(len(set(ts)) == len(ts) and max(gaps) > 1.5e9,
       f"failed samples add no history entries (largest gap {max(gaps) / 1e9:.1f} s)")

    # --- dashboard assets -------------------------------------------------
    st, hdr, body = get(a.base + "/")
    ok(st == 200 and hdr["Content-Type"].startswith("text/html") and b"/app.js" in body, "/ serves the dashboard")
    for path, typ in [("/app.js", "text/javascript"), ("/style.css", "text/css")]:
        st, hdr, body = get(a.base + path)
        ok(st == 200 and hdr["Content-Type"].startswith(typ) and len(body) > 100, f"{path} served")
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "exporters", "http", "web", path[1:]), "rb") as f:
            ok(body == f.read(), f"{path} equals exporters/http/web{path}")
    st, hdr, body = get(a.base + "/")
    ok(not re.search(rb"(src|href)=\"(https?:)?//", body), "no external URLs in the page")

    # --- bad input --------------------------------------------------------
    for path in ["/nope", "/metrics/", "/api/v1/", "/api/v1/snapshotx", "/../etc/passwd", "/index.html"]:
        st, _, _ = get(a.base + path)
        ok(st == 404, f"GET {path} -> {st}")
    r = raw(PORT, b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    ok(r.startswith(b"HTTP/1.1 405") and b"Allow: GET, HEAD" in r, "POST -> 405 with Allow")
    r = raw(PORT, b"HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    m = re.search(rb"Content-Length: (\d+)\r\n", r)
    ok(r.startswith(b"HTTP/1.1 200") and r.endswith(b"\r\n\r\n") and m and int(m[1]) > 1000,
       "HEAD -> 200 with GET's Content-Length and no body")
    for name, req in [
            ("garbage request line", b"\x00\x01\x02 garbage\r\n\r\n"),
            ("no version", b"GET\r\n\r\n"),
            ("bad version", b"GET /metrics HTTP/9.9\r\n\r\n"),
            ("absolute URI", b"GET http://evil/metrics HTTP/1.1\r\nConnection: close\r\n\r\n"),
            ("bad header line", b"GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n"),
            ("huge header", b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"),
            ("many headers", b"GET /metrics HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(4000)) + b"\r\n"),
            ("huge URI", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n"),
            ("body on GET", b"GET /metrics HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000)]:
        r = raw(PORT, req)
        m = re.match(rb"HTTP/1\.[01] (\d+)", r)
        code = int(m[1]) if m else None
        # evhttp may also just close the connection on garbage: that is
        # a refusal too; what must not happen is a 2xx or a dead agent.
        ok((code is None or 400 <= code < 500) and a.alive(), f"{name}: {code or 'closed'}, agent alive")
    # A half-sent request is dropped by evhttp's timeout; meanwhile others
    # are served (single thread, non-blocking).
    s = socket.create_connection(("127.0.0.1", PORT))
    s.sendall(b"GET /metrics HTTP/1.1\r\nX-Slow: ")
    st, _, _ = get(a.base + "/healthz")
    ok(st == 200, "served while another client sends slowly")
    s.close()
    st, _, body = get(a.base + "/api/v1/snapshot")
    ok(st == 200 and a.alive(), "agent still serving after the bad input")
finally:
    rc = a.stop()
    # Under ASan a leak or error makes this non-zero.
    ok(rc == 0, f"agent exited {rc} on SIGTERM" + ("" if rc == 0 else ": " + a.output()[-2000:]))

# --- start-up errors ------------------------------------------------------
hold = socket.socket()
hold.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
hold.bind(("127.0.0.1", PORT + 1))
hold.listen(1)
r = subprocess.run([AGENT, "--headless", "--http", f"127.0.0.1:{PORT + 1}"] + common,
                   capture_output=True, timeout=30)
err = [ln for ln in r.stderr.decode().splitlines() if "error http:" in ln]
ok(r.returncode != 0 and err and "cannot listen on" in err[0] and "in use" in err[0],
   f"port in use: exit {r.returncode}: {err[0] if err else r.stderr.decode()}")
hold.close()
# A malformed address is a configuration error (exit 2, naming it); one
# that is well formed but cannot be bound is a run-time one (exit 1).
for addr in ["nonsense", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:9x",
             ":9471", "[::1]9471"]:
    r = subprocess.run([AGENT, "--headless", "--http", addr, "--duration", "2"] + common,
                       capture_output=True, timeout=30)
    err = [ln for ln in r.stderr.decode().splitlines() if f"'{addr}'" in ln]
    ok(r.returncode == 2 and err, f"--http {addr}: exit {r.returncode}: {err[0] if err else r.stderr.decode()}")
for addr in ["256.1.1.1:" + str(PORT + 2), "no.such.host.invalid:" + str(PORT + 2)]:
    r = subprocess.run([AGENT, "--headless", "--http", addr, "--duration", "2"] + common,
                       capture_output=True, timeout=30)
    err = [ln for ln in r.stderr.decode().splitlines() if "error http:" in ln]
    ok(r.returncode == 1 and err and "cannot listen" in err[0],
       f"--http {addr}: exit {r.returncode}: {err[0] if err else r.stderr.decode()}")
r = subprocess.run([AGENT, "--headless", "--http", "off", "--duration", "0.5", "-d", "0.2"] + common,
                   capture_output=True, timeout=30)
ok(r.returncode == 0 and b"serving" not in r.stderr, "--http off runs without a server")
shutil.rmtree(tmp, ignore_errors=True)
finish()

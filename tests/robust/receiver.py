#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""receiver.py - a deliberately unreliable sink for the agent's exporters.

One HTTP port (OTLP/HTTP POSTs, any path) and one UDP port (StatsD lines).
With --flap UP,ERR,DOWN seconds it cycles forever through three phases:
  up    HTTP answers 200 with an empty body (an empty protobuf
        Export*ServiceResponse, i.e. full success); UDP datagrams are read;
  503   HTTP answers 503 with "Retry-After: 1"; UDP still read;
  down  both sockets are closed: connections are refused and UDP sends get
        ICMP port unreachable.
Without --flap it stays up. Counts per phase are appended to --log as
"time phase posts body_bytes datagrams udp_bytes" lines (totals
since start, every second without --flap), so a test can see that the agent
kept talking to it. Only the standard library; stops on SIGTERM.
"""
import argparse
import http.server
import signal
import socket
import sys
import threading
import time

state = {"phase": "up", "posts": 0, "bytes": 0, "datagrams": 0, "udp_bytes": 0}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_POST(self):
        body = self._body()
        with lock:
            phase = state["phase"]
            state["posts"] += 1
            state["bytes"] += len(body)
        if phase == "503":
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ctype = self.headers.get("Content-Type", "application/x-protobuf")
        resp = b"{}" if "json" in ctype else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if resp else "application/x-protobuf")
        self.send_header("Content-Length", str(len(resp)))
        self.end_headers()
        self.wfile.write(resp)

    do_PUT = do_POST


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(host, http_port, udp_port):
    srv = Server((host, http_port), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((host, udp_port))
    udp.settimeout(0.2)
    stop = threading.Event()

    def drain():
        while not stop.is_set():
            try:
                b = udp.recv(65536)
                with lock:
                    state["datagrams"] += 1
                    state["udp_bytes"] += len(b)
            except socket.timeout:
                pass
            except OSError:
                return

    d = threading.Thread(target=drain, daemon=True)
    d.start()

    def close():
        stop.set()
        srv.shutdown()
        srv.server_close()
        d.join()
        udp.close()

    return close


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--udp-port", type=int, required=True)
    ap.add_argument("--flap", help="UP,ERR,DOWN seconds per phase")
    ap.add_argument("--log", default="/dev/null")
    a = ap.parse_args()
    log = open(a.log, "a", buffering=1)
    close = serve(a.host, a.http_port, a.udp_port)

    def note(phase):
        with lock:
            log.write("%.1f %s %d %d %d %d\n" % (time.time(), phase, state["posts"],
                                                 state["bytes"], state["datagrams"],
                                                 state["udp_bytes"]))

    def stop(*_):
        note("end")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    if not a.flap:
        try:
            while True:
                time.sleep(1)
                note("up")
        finally:
            close()
    up, err, down = (float(x) for x in a.flap.split(","))
    while True:
        note("up")
        time.sleep(up)
        with lock:
            state["phase"] = "503"
        note("503")
        time.sleep(err)
        note("down")
        close()
        time.sleep(down)
        with lock:
            state["phase"] = "up"
        close = serve(a.host, a.http_port, a.udp_port)


if __name__ == "__main__":
    main()

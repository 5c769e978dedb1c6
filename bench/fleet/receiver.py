#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A minimal OTLP/HTTP receiver for the fleet simulation: accepts
POST /v1/metrics and /v1/logs (protobuf or JSON, gzip or not), answers 200
with an empty ExportServiceResponse, and counts requests and bytes on the
wire per path. GET /stats returns the counters as JSON. It decodes
nothing, so its CPU is the floor of what a real collector's receiver
spends on HTTP alone."""
import http.server
import json
import sys
import threading

lock = threading.Lock()
stats = {"requests": 0, "bytes": 0, "by_path": {}}


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        with lock:
            stats["requests"] += 1
            stats["bytes"] += n
            p = stats["by_path"].setdefault(self.path, {"requests": 0, "bytes": 0})
            p["requests"] += 1
            p["bytes"] += n
        self.send_response(200)
        self.send_header("Content-Type", self.headers.get("Content-Type", "application/x-protobuf"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            body = json.dumps(stats).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class S(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


if __name__ == "__main__":
    S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Relay what the agent sends to the statsd daemon on 127.0.0.1, and append
each UDP datagram (or each chunk of a TCP stream), as a JSON string, to LOG.
The StatsD test uses it to know exactly what the agent put on the wire.
usage: tee.py udp|tcp LISTEN_PORT FORWARD_PORT LOG READY_FILE"""
import json
import socket
import sys

proto, listen, forward = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
log, ready = sys.argv[4], sys.argv[5]
out = open(log, "a")


def record(data):
    out.write(json.dumps(data.decode("latin-1")) + "\n")
    out.flush()


if proto == "udp":
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", listen))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    open(ready, "w").write("ready\n")
    while True:
        data = rx.recv(65536)
        record(data)
        tx.sendto(data, ("127.0.0.1", forward))
else:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen))
    srv.listen(4)
    open(ready, "w").write("ready\n")
    while True:  # one connection at a time, in order
        conn, _ = srv.accept()
        up = socket.create_connection(("127.0.0.1", forward))
        while True:
            data = conn.recv(65536)
            if not data:
                break
            record(data)
            up.sendall(data)
        up.close()
        conn.close()

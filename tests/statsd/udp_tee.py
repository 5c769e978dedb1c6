#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Relay UDP datagrams from LISTEN_PORT to FORWARD_PORT on 127.0.0.1 and
append each one, as a JSON string, to LOG. The StatsD test uses it to know
exactly what the agent put on the wire, packet by packet.
usage: udp_tee.py LISTEN_PORT FORWARD_PORT LOG READY_FILE"""
import json
import socket
import sys

listen, forward, log, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", listen))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with open(ready, "w") as f:
    f.write("ready\n")
with open(log, "a") as out:
    while True:
        data = rx.recv(65536)
        out.write(json.dumps(data.decode("latin-1")) + "\n")
        out.flush()
        tx.sendto(data, ("127.0.0.1", forward))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Decode a compact recording (--record PATH.mfdz) into OTLP/JSON lines.

usage: mfdz.py FILE.mfdz >FILE.jsonl

Written from the format as exporters/recording/mfdz.h describes it, with
Python's own zlib bindings, so the tests read the files with a decoder
that shares no code with the agent's; it is also how a compact recording
becomes lines a Collector's otlpjsonfile receiver takes. A record that
does not decode, and every delta of its kind after it until a key, is
reported on stderr and left out; a record cut off at the end too.
Exit 1 when anything was left out.
"""
import sys
import zlib

MAGIC, CHUNK = b"MFDZ1\n", 16384


def varint(buf, i):
    v = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("cut off")
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, i
        shift += 7


def records(data):
    """(kind, line) for each record; kind 0 metrics, 1 logs; line None
    when the record does not decode."""
    if not data.startswith(MAGIC):
        raise ValueError("not a compact recording (no MFDZ1 magic)")
    i, prev = len(MAGIC), [None, None]
    while i < len(data):
        n, i = varint(data, i)
        if i + n > len(data):
            raise ValueError("the last record is cut off")
        rec, i = data[i:i + n], i + n
        kind, key = rec[0] & 1, bool(rec[0] & 2)
        try:
            total, j = varint(rec, 1)
            crc = int.from_bytes(rec[j:j + 4], "little")
            j += 4
            if not key and prev[kind] is None:
                raise ValueError("a delta without its previous line")
            out = bytearray()
            for off in range(0, total, CHUNK):
                clen, j = varint(rec, j)
                d = zlib.decompressobj(-15, zdict=prev[kind][max(0, off - CHUNK):off + CHUNK]
                                       if not key and prev[kind][max(0, off - CHUNK):off + CHUNK] else b"")
                out += d.decompress(rec[j:j + clen])
                j += clen
            if len(out) != total or j != len(rec) or zlib.crc32(out) != crc:
                raise ValueError("length, framing or CRC mismatch")
            prev[kind] = bytes(out)
            yield kind, prev[kind]
        except (ValueError, zlib.error, TypeError):
            prev[kind] = None
            yield kind, None


def main():
    bad = 0
    try:
        for _, line in records(open(sys.argv[1], "rb").read()):
            if line is None:
                bad += 1
                print("mfdz.py: a record does not decode; left out", file=sys.stderr)
            else:
                sys.stdout.write(line.decode() + "\n")
    except ValueError as e:
        print("mfdz.py: %s" % e, file=sys.stderr)
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: GPL-2.0-or-later
"""PNG read/write and a tolerant pixel comparison, standard library only
(zlib + struct), so the screenshot tests need no third-party code.

Reads 8-bit greyscale, RGB and RGBA PNGs without interlacing (what
chromium writes), writes 8-bit RGB.
"""
import struct
import zlib

SIG = b"\x89PNG\r\n\x1a\n"


class Image:
    """Decoded pixels: rows of bytes, bpp bytes per pixel (RGB first)."""

    def __init__(self, w, h, bpp, rows):
        self.w, self.h, self.bpp, self.rows = w, h, bpp, rows

    def rgb(self, x, y):
        r = self.rows[y]
        i = x * self.bpp
        if self.bpp < 3:
            return (r[i], r[i], r[i])
        return (r[i], r[i + 1], r[i + 2])


def _unfilter(raw, w, h, bpp):
    stride, rows = w * bpp, []
    prev = bytes(stride)
    for y in range(h):
        off = y * (stride + 1)
        ft = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        if ft == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:  # Up
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ft == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:  # Paeth
            for i in range(stride):
                if i >= bpp:
                    a, c = line[i - bpp], prev[i - bpp]
                else:
                    a = c = 0
                b = prev[i]
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif ft != 0:
            raise ValueError(f"bad PNG filter type {ft} in row {y}")
        line = bytes(line)
        rows.append(line)
        prev = line
    return rows


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != SIG:
        raise ValueError(f"{path}: not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        elif typ == b"IEND":
            break
        pos += 12 + n
    if not ihdr:
        raise ValueError(f"{path}: no IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or bpp is None or interlace:
        raise ValueError(f"{path}: unsupported PNG ({depth}-bit, type {ctype}, interlace {interlace})")
    return Image(w, h, bpp, _unfilter(zlib.decompress(b"".join(idat)), w, h, bpp))


def _chunk(typ, body):
    return struct.pack(">I", len(body)) + typ + body + struct.pack(">I", zlib.crc32(typ + body))


def write_rgb(path, w, h, rows):
    """rows: h byte strings of w*3 RGB bytes."""
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    with open(path, "wb") as f:
        f.write(SIG + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))


def compare(a, b, threshold):
    """Pixels whose largest channel difference exceeds threshold (0-255),
    as (count, largest difference seen, bounding box or None, set of
    (x, y)). Both images must have the same size."""
    if (a.w, a.h) != (b.w, b.h):
        raise ValueError(f"sizes differ: {a.w}x{a.h} and {b.w}x{b.h}")
    bad, worst = set(), 0
    for y in range(a.h):
        ra, rb = a.rows[y], b.rows[y]
        if a.bpp == b.bpp and ra == rb:
            continue
        for x in range(a.w):
            d = max(abs(p - q) for p, q in zip(a.rgb(x, y), b.rgb(x, y)))
            worst = max(worst, d)
            if d > threshold:
                bad.add((x, y))
    box = None
    if bad:
        xs, ys = [p[0] for p in bad], [p[1] for p in bad]
        box = (min(xs), min(ys), max(xs), max(ys))
    return len(bad), worst, box, bad


def diff_image(path, actual, bad):
    """The actual screenshot faded to light grey, differing pixels red."""
    rows = []
    for y in range(actual.h):
        row = bytearray()
        for x in range(actual.w):
            if (x, y) in bad:
                row += b"\xff\x00\x00"
            else:
                r, g, b = actual.rgb(x, y)
                v = 160 + ((r * 299 + g * 587 + b * 114) // 1000) * 95 // 255
                row += bytes((v, v, v))
        rows.append(row)
    write_rgb(path, actual.w, actual.h, rows)

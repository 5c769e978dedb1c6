#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The shape of the source tree, as docs/architecture.md draws it.

usage: shape.py SOURCE_DIR

Checks, printing one line per breach and exiting 1 if there is any:
  - layers include downward only: core < model < collect < views <
    exporters < daemon. A file may include its own layer's headers and
    lower ones (bpf/'s shared structs are visible to every layer; a
    generated header is placed by what generates it);
  - an exporter is self-contained: exporters/NAME/ includes nothing from
    another exporter's folder, and exporters/*.c nothing from below them,
    except the registry exporters/exporter.c, whose job that is;
  - no include climbs with "../";
  - at most MAX_C .c files per folder, MAX_LINES lines per .c file and
    MAX_FUNC lines per function (from its opening line to its closing
    brace).
The limits are issue 18's "about 15 files, about 1,000 lines, about 120
lines".
"""
import os
import re
import sys

MAX_C, MAX_LINES, MAX_FUNC = 15, 1000, 120
LAYERS = ["core", "model", "collect", "views", "exporters", "daemon"]
# Generated headers: which layer owns them.
GENERATED = {
    re.compile(r".*\.skel\.h$"): "collect",  # bpftool, from bpf/*.bpf.c
    re.compile(r".*\.pb-c\.h$"): "exporters",  # protoc-c, from proto/
}
REGISTRY = "exporters/exporter.c"

src = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
breaches = []


def rel(p):
    return os.path.relpath(p, src)


def layer_of(path):
    top = path.split("/", 1)[0]
    return LAYERS.index(top) if top in LAYERS else None


def exporter_of(path):
    """exporters/NAME/... -> NAME; exporters/x.c -> ''; else None."""
    parts = path.split("/")
    if parts[0] != "exporters":
        return None
    return parts[1] if len(parts) > 2 else ""


# Every header of the tree, by the name an include uses.
headers = {}
for top in LAYERS + ["bpf"]:
    for root, _, files in os.walk(os.path.join(src, top)):
        for f in files:
            if f.endswith(".h"):
                headers.setdefault(f, []).append(rel(os.path.join(root, f)))

include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
sources = []
for top in LAYERS:
    for root, dirs, files in os.walk(os.path.join(src, top)):
        dirs[:] = [d for d in dirs if d != "web"]
        cs = [f for f in files if f.endswith(".c")]
        if len(cs) > MAX_C:
            breaches.append("%s/: %d .c files (at most %d)" % (rel(root), len(cs), MAX_C))
        sources += [rel(os.path.join(root, f)) for f in files if f.endswith((".c", ".h"))]

for path in sorted(sources):
    me = layer_of(path)
    mine = exporter_of(path)
    lines = open(os.path.join(src, path), encoding="utf-8", errors="replace").read().split("\n")
    for n, line in enumerate(lines, 1):
        m = include_re.match(line)
        if not m:
            continue
        inc = m.group(1)
        if "../" in inc:
            breaches.append("%s:%d: includes \"%s\" (no ../)" % (path, n, inc))
            continue
        name = os.path.basename(inc)
        targets = headers.get(name)
        if not targets:
            owner = next((l for r, l in GENERATED.items() if r.match(name)), None)
            if owner and LAYERS.index(owner) > me:
                breaches.append("%s:%d: includes generated %s of %s/ (above %s/)" %
                                (path, n, inc, owner, LAYERS[me]))
            continue
        if len(targets) > 1:
            breaches.append("%s:%d: \"%s\" names %d headers: %s" % (path, n, inc, len(targets), targets))
            continue
        t = targets[0]
        if t.startswith("bpf/"):
            continue
        tl = layer_of(t)
        if tl > me:
            breaches.append("%s:%d: includes %s, a layer above (%s/ over %s/)" %
                            (path, n, t, LAYERS[tl], LAYERS[me]))
            continue
        theirs = exporter_of(t)
        if mine is not None and theirs and theirs != mine and path != REGISTRY:
            breaches.append("%s:%d: includes %s, another exporter's" % (path, n, t))

    if not path.endswith(".c"):
        continue
    if len(lines) - 1 > MAX_LINES:
        breaches.append("%s: %d lines (at most %d)" % (path, len(lines) - 1, MAX_LINES))
    # Functions: a line at column 0 opening a body, closed by "}" at column 0.
    start = name = None
    for n, line in enumerate(lines, 1):
        if start is None and line == "{" and n > 1:
            # the signature starts where its first line does
            s = n - 1
            while s > 1 and lines[s - 2] and not lines[s - 2].startswith(("}", "/*", " *", "#")) \
                    and not lines[s - 2].endswith((";", "*/")):
                s -= 1
            fm = re.search(r"(\w+)\s*\(", " ".join(lines[s - 1:n - 1]))
            name = fm.group(1) if fm else "?"
            start = s
        elif start is not None and line == "}":
            length = n - start + 1
            if length > MAX_FUNC:
                breaches.append("%s:%d: %s() is %d lines (at most %d)" %
                                (path, start, name, length, MAX_FUNC))
            start = None

for b in breaches:
    print("FAIL - " + b)
if breaches:
    print("%d breach(es) of the tree's shape" % len(breaches))
    sys.exit(1)
print("ok   - %d files: layers downward, exporters apart, folders, files and functions in bounds" % len(sources))

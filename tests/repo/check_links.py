#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every relative link in README.md and docs/*.md resolves (issue 17).

For each markdown link or image [text](target) outside code blocks and
code spans, a target that is not a URL must name a tracked file (or
directory) relative to the document, and a #anchor must be a heading of
the target document, slugged the way GitHub does (lower case, punctuation
dropped, spaces to hyphens, -N suffixes for repeats). Also: README.md
stays under 400 lines (the newcomer's first screen or two).

So that the check can fail, it first runs itself on a document with a
broken file link and a broken anchor and requires both to be reported.
Usage: check_links.py SRC
"""
import os
import re
import subprocess
import sys
import tempfile

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def slug(heading, seen):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)  # GitHub keeps letters, digits, _, -, space
    s = s.replace(" ", "-")
    n = seen.get(s, 0)
    seen[s] = n + 1
    return s if n == 0 else f"{s}-{n}"


def strip_code(text, spans=True):
    """Lines outside fenced blocks; code spans blanked too when spans."""
    out, fence = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fence = not fence
            out.append("")
            continue
        out.append("" if fence else re.sub(r"`[^`]*`", "", line) if spans else line)
    return out


def anchors(path):
    # A heading's code spans count: GitHub slugs their text.
    seen, res = {}, set()
    for line in strip_code(open(path, encoding="utf-8").read(), spans=False):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            # Markup goes, an underscore inside a word (cap_syslog) stays.
            res.add(slug(re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", m.group(1)), seen))
    return res


def check(doc, root):
    bad = []
    for n, line in enumerate(strip_code(open(doc, encoding="utf-8").read()), 1):
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, mailto:
                continue
            path, _, frag = target.partition("#")
            full = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            if not full.startswith(root + os.sep) and full != root:
                bad.append(f"{doc}:{n}: {target}: outside the repository")
                continue
            if not os.path.exists(full):
                bad.append(f"{doc}:{n}: {target}: no such file")
                continue
            if frag and full.endswith(".md") and frag not in anchors(full):
                bad.append(f"{doc}:{n}: {target}: no heading #{frag} in {os.path.relpath(full, root)}")
    return bad


def main():
    root = os.path.realpath(sys.argv[1])
    # The check must be able to fail.
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.md")
        with open(probe, "w") as f:
            f.write("# Real heading\n## Code `--x y`\n## A: CAP_SYSLOG\n"
                    "[ok](#real-heading) [gone](missing.md) [span](#code---x-y) [u](#a-cap_syslog) "
                    "[anchor](#no-such-heading) `[code](ignored.md)`\n")
        got = check(probe, os.path.realpath(tmp))
        if len(got) != 2 or "missing.md" not in got[0] or "no-such-heading" not in got[1]:
            print(f"FAIL: the checker missed a planted broken link: {got}")
            return 1
    files = subprocess.run(["git", "ls-files", "README.md", "docs/*.md"], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split()
    docs = [os.path.join(root, "README.md")] + sorted(
        os.path.join(root, f) for f in files if f.startswith("docs/"))
    # Untracked new docs count too: the test runs before a commit as well.
    docs += sorted(os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs"))
                   if f.endswith(".md") and os.path.join(root, "docs", f) not in docs)
    bad, links = [], 0
    for d in docs:
        bad += check(d, root)
        links += sum(len(LINK.findall(l)) for l in strip_code(open(d, encoding="utf-8").read()))
    lines = open(os.path.join(root, "README.md"), encoding="utf-8").read().count("\n")
    if lines >= 400:
        bad.append(f"README.md: {lines} lines, the first screen must stay under 400")
    for b in bad:
        print("FAIL:", b)
    if not bad:
        print(f"PASS: {links} links in {len(docs)} documents resolve; README.md {lines} lines")
    return 1 if bad else 0


sys.exit(main())

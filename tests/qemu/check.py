#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host-side checks on the console log of one test guest (see guest-init.sh).

The guest prints each result between ``==MFD-BEGIN name==`` and
``==MFD-END name==`` lines. This script holds the agent's BPF snapshot up
against the guest kernel's own /proc/buddyinfo and /proc/zoneinfo: equal
numbers on a kernel whose struct layouts differ from the build host's are the
proof that the CO-RE relocations work. It also writes the guest's procfs and
debugfs files out as fixtures.

Exit status 0 when every check passed, 1 otherwise; a readable diff of every
failed check is printed either way.
"""

import argparse
import datetime
import json
import os
import re
import sys

# Searched, not anchored: a console may put terminal escapes before a line.
BEGIN = re.compile(r"==MFD-BEGIN (\S+)==\s*$")
END = re.compile(r"^==MFD-END (\S+)==\s*$")


FAILS = []


def check(ok, what, detail=""):
    """One TAP-like line; a failure is remembered in FAILS (the stall and
    decline checks share this list)."""
    print(("ok   - " if ok else "FAIL - ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        FAILS.append(what)


def guest_agent_ran():
    """For the scenario checks (check_stall.py, check_decline.py): read
    --log and --package, print the kernel line, and check what every guest
    run of the agent must show: /healthz answered, /metrics scraped, exit 0
    on SIGTERM. The log's sections."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--package", default="?")
    a = ap.parse_args()
    with open(a.log, errors="replace") as f:
        sec = parse_sections(f.read())
    print(f"# kernel {sec.get('uname', '?').strip()} ({a.package})")
    check("agent.up" in sec and "up=yes" in sec["agent.up"], "the agent answered /healthz in the guest")
    check(sec.get("metrics.rc", "").strip() == "0", "/metrics was scraped in the guest")
    check(sec.get("agent.rc", "").strip() == "0", "the agent exited 0 on SIGTERM",
          sec.get("agent.rc", "missing"))
    return sec


def parse_sections(text):
    """Return {name: text} for every complete BEGIN/END pair in the log."""
    sections, name, buf = {}, None, []
    for line in text.replace("\r", "").split("\n"):
        m = BEGIN.search(line)
        if m:
            name, buf = m.group(1), []
            continue
        m = END.match(line)
        if m and name == m.group(1):
            sections[name] = "\n".join(buf) + ("\n" if buf else "")
            name = None
            continue
        if name is not None:
            buf.append(line)
    return sections


def parse_buddyinfo(text):
    """{(node, zone): [free blocks per order]} from /proc/buddyinfo text.

    Format (mm/vmstat.c frag_show_print):
    ``Node 0, zone      DMA      1      0 ...``
    """
    cells = {}
    for line in text.splitlines():
        m = re.match(r"^Node\s+(\d+),\s+zone\s+(\S+)\s+(.*)$", line)
        if m:
            cells[(int(m.group(1)), m.group(2))] = [int(v) for v in m.group(3).split()]
    return cells


def parse_zoneinfo(text):
    """{(node, zone): {field: int}} for the fields the agent also reports.

    mm/vmstat.c zoneinfo_show_print prints ``Node N, zone NAME`` then
    ``pages free``, ``min``, ``low``, ``high``, ``spanned``, ``present``,
    ``managed`` and, further down, ``start_pfn:``.
    """
    zones, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^Node\s+(\d+),\s+zone\s+(\S+)", line)
        if m:
            cur = zones.setdefault((int(m.group(1)), m.group(2)), {})
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+(pages free|min|low|high|spanned|present|managed|start_pfn:)\s+(\d+)$", line)
        if m:
            cur[m.group(1).rstrip(":")] = int(m.group(2))
    return zones


def hist_hits(text):
    """Total hits of an ftrace hist trigger's output ("Hits: N"), or None."""
    m = re.search(r"^\s*Hits:\s*(\d+)", text, re.M)
    return int(m.group(1)) if m else None


def metric_total(text, name):
    """Sum of every sample of one family in Prometheus text, or None."""
    vals = [float(m.group(1)) for m in
            re.finditer(r"^" + re.escape(name) + r"(?:\{[^}]*\})?\s+(\S+)", text, re.M)]
    return sum(vals) if vals else None


class Checker:
    """Counts passed checks and collects a readable report of failed ones."""

    def __init__(self):
        self.failures = []
        self.notes = []
        self.passed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what + (":\n" + detail if detail else ""))
        return ok


def json_zones(snap):
    """{(node, zone): zone object} from an mfd-agent JSON snapshot."""
    out = {}
    for node in snap.get("nodes", []):
        for zone in node.get("zones", []):
            out[(node["node"], zone["zone"])] = zone
    return out


def compare_buddyinfo(label, snap, before, after):
    """Hold a snapshot's free_blocks up against buddyinfo read around it.

    Returns (problems, cells compared, cells that moved). A cell may differ
    from buddyinfo only where the two buddyinfo reads disagree (pages moved
    while the agent ran); the agent's value must then lie within their range
    widened by their difference.
    """
    problems = []
    zones = json_zones(snap)
    # buddyinfo lists populated zones only (mm/vmstat.c walk_zones_in_node()
    # skips !populated_zone(), i.e. present_pages == 0); an empty zone in the
    # snapshot is fine if it really is empty.
    populated = {k: z for k, z in zones.items() if z.get("present_pages", 0) > 0}
    for k, z in zones.items():
        if k not in populated and any(o.get("free_blocks", 0) for o in z.get("orders", [])):
            problems.append(f"{label}: empty zone {k} has free blocks")
    if set(populated) != set(before):
        problems.append(f"{label}: zone set differs from /proc/buddyinfo\n"
                        f"  snapshot (present>0): {sorted(populated)}\n  buddyinfo:            {sorted(before)}")
    ncols = {len(v) for v in before.values()}
    if len(ncols) != 1:
        problems.append(f"buddyinfo has rows of different lengths {sorted(ncols)}")
    ncols = max(ncols) if ncols else 0
    if snap.get("nr_orders") != ncols:
        problems.append(f"{label}: nr_orders {snap.get('nr_orders')} != buddyinfo columns {ncols}")

    rows, moved = [], 0
    for key in sorted(set(populated) & set(before)):
        orders = populated[key].get("orders", [])
        idx = [o.get("order") for o in orders]
        if idx != list(range(ncols)):
            problems.append(f"{label}: node {key[0]} zone {key[1]} has orders {idx}, want 0..{ncols - 1}")
        got = [o.get("free_blocks") for o in orders]
        b, a = before[key], after.get(key, before[key])
        bad = []
        for i in range(ncols):
            g = got[i] if i < len(got) else None
            if g == b[i] == a[i]:
                continue
            d = abs(a[i] - b[i])
            if d and g is not None and min(a[i], b[i]) - d <= g <= max(a[i], b[i]) + d:
                moved += 1
                continue
            bad.append(i)
        if bad:
            rows.append(f"  node {key[0]} zone {key[1]}: orders {bad} differ\n"
                        f"    buddyinfo before: {b}\n    {label + ' snapshot':>16}: {got}\n"
                        f"    buddyinfo after:  {a}")
    if rows:
        problems.append(f"{label}: free_blocks differ from /proc/buddyinfo\n" + "\n".join(rows))
    return problems, len(set(populated) & set(before)) * ncols, moved


def compare_zoneinfo(c, label, snap, zoneinfo):
    """Static zone fields the agent reads by CO-RE offset must equal zoneinfo's."""
    fields = [("start_pfn", "start_pfn"), ("spanned_pages", "spanned"),
              ("present_pages", "present"), ("managed_pages", "managed")]
    rows = []
    for key, z in sorted(json_zones(snap).items()):
        zi = zoneinfo.get(key)
        if zi is None or z.get("present_pages", 0) == 0:
            continue
        for jf, zf in fields:
            if zf in zi and z.get(jf) != zi[zf]:
                rows.append(f"  node {key[0]} zone {key[1]} {jf}: agent {z.get(jf)} zoneinfo {zi[zf]}")
    c.check(not rows, f"{label}: zone geometry differs from /proc/zoneinfo", "\n".join(rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True, help="guest console log")
    ap.add_argument("--package", required=True, help="kernel package=version")
    ap.add_argument("--qemu-command", required=True, help="file holding the qemu command")
    ap.add_argument("--fixture-dir", help="write the captured files here")
    ap.add_argument("--update-fixtures", metavar="DIR",
                    help="also write them to DIR/qemu-<kernel>-numa2/ (source tree)")
    args = ap.parse_args()

    with open(args.log, errors="replace") as f:
        log = f.read()
    s = parse_sections(log)
    c = Checker()
    kernel = s.get("uname", "?").strip()

    def section_ok(name):
        return c.check(name in s, f"guest printed no '{name}' section (see {args.log})")

    if not c.check("==MFD-DONE==" in log, "guest did not reach the end of /init"):
        print("last 60 console lines:\n" + "\n".join(log.replace("\r", "").splitlines()[-60:]))

    # --- BPF snapshot vs buddyinfo, best of the guest's rounds -------------
    # Every round must run cleanly; the numbers must match in at least one
    # (process start-up alone moves pages, see guest-init.sh). A CO-RE error
    # is wrong in every round, so it still fails.
    cells = moved = 0
    snap = None
    rounds = sorted(int(m.group(1)) for n in s for m in [re.match(r"bpf\.rc\.(\d+)$", n)] if m)
    c.check(len(rounds) > 0, f"guest printed no BPF snapshot round (see {args.log})")
    round_problems, matched, exact = {}, None, 0
    for r in rounds:
        rc = s[f"bpf.rc.{r}"].strip()
        if not c.check(rc == "0", f"round {r}: mfd-agent --once --source bpf exited {rc}",
                       "  stderr:\n" + s.get(f"bpf.err.{r}", "")):
            continue
        try:
            rs = json.loads(s.get(f"bpf.out.{r}", ""))
        except ValueError as e:
            c.check(False, f"round {r}: bpf snapshot is not JSON ({e})",
                    "  stdout:\n" + s.get(f"bpf.out.{r}", "")[:2000] + "\n  stderr:\n" + s.get(f"bpf.err.{r}", ""))
            continue
        snap = snap or rs
        c.check(rs.get("source") == "bpf", f"round {r}: snapshot has source {rs.get('source')!r}, want 'bpf'")
        jn = sorted(n.get("node") for n in rs.get("nodes", []))
        c.check(jn == [0, 1], f"round {r}: bpf snapshot has nodes {jn}, want [0, 1]")
        before = parse_buddyinfo(s.get(f"buddyinfo.before.{r}", ""))
        after = parse_buddyinfo(s.get(f"buddyinfo.after.{r}", ""))
        bn = sorted({n for n, _ in before})
        c.check(bn == [0, 1], f"round {r}: /proc/buddyinfo shows nodes {bn}, want [0, 1] (NUMA topology not applied?)")
        probs, ncells, nmoved = compare_buddyinfo("bpf", rs, before, after)
        round_problems[r] = probs
        exact += not probs and not nmoved
        if not probs and matched is None:
            matched, snap, cells, moved = r, rs, ncells, nmoved
    if round_problems:
        detail = "\n".join(f"  round {r}: " + p.replace("\n", "\n  ")
                           for r, ps in sorted(round_problems.items()) for p in ps)
        c.check(matched is not None,
                "BPF snapshot differs from /proc/buddyinfo in every round", detail)
        if matched is not None:
            ok = sum(1 for ps in round_problems.values() if not ps)
            c.notes.append(f"bpf rounds matching buddyinfo: {ok} of {len(rounds)}, {exact} of them with "
                           f"no page moving between the reads (cell for cell equal)")
    if snap is not None and "fixture.zoneinfo" in s:
        compare_zoneinfo(c, "bpf", snap, parse_zoneinfo(s["fixture.zoneinfo"]))

    probe_lines = []
    if section_ok("probe.rc"):
        probe_lines = [ln for ln in s.get("probe.out", "").splitlines() if ln.strip()]
        rc = s["probe.rc"].strip()
        c.check(rc == "0", f"mfd-agent --probe exited {rc}",
                "  stdout:\n" + s.get("probe.out", "") + "  stderr:\n" + s.get("probe.err", ""))
        # The probe prints one line per check, e.g.
        #   zones_bpf: ok (2 nodes, 3 zones, 11 orders)
        #   extfrag_bpf: ok (attached to kmem:mm_page_alloc_extfrag)
        # The zones program must have run and the extfrag one be attached.
        def probe_ok(word, extra=""):
            return any(re.search(word, ln, re.I) and re.search(r"\bok\b", ln, re.I)
                       and re.search(extra, ln, re.I) and not re.search(r"fail|error", ln, re.I)
                       for ln in probe_lines)
        c.check(probe_ok(r"zones"), "mfd-agent --probe does not report the zones program working",
                "  stdout:\n" + s.get("probe.out", ""))
        c.check(probe_ok(r"extfrag", r"attached"),
                "mfd-agent --probe does not report the extfrag program attached",
                "  stdout:\n" + s.get("probe.out", ""))

    # Every signal of bpf/compaction.bpf.c is either attached or reported
    # absent with a warning naming its tracepoint; the agent runs either way.
    if section_ok("stalls.rc"):
        err = s.get("stalls.err", "")
        rc = s["stalls.rc"].strip()
        c.check(rc == "0", f"mfd-agent with the stall programs exited {rc}", "  stderr:\n" + err)
        # "; absent: ..." is left out when nothing is absent.
        m = re.search(r"compaction: attached:([^;\n]*)(?:; absent:(.*))?", err)
        if c.check(m is not None, "no 'compaction: attached:' line from the stall loader", "  stderr:\n" + err):
            attached, absent = m.group(1).split(), (m.group(2) or "").split()
            want = ["compaction-stalls", "compaction-deferred", "reclaim-stalls",
                    "kcompactd-wakeups", "kswapd-wakeups", "alloc-failures"]
            for w in want:
                c.check(w in attached or w in absent, f"stall signal {w} neither attached nor reported absent", err)
            c.check(not absent or re.search(r"switched off|signal absent", err) is not None,
                    f"signals {absent} absent without a log line saying why", err)
            c.notes.append(f"stall programs attached: {' '.join(attached) or 'none'}; absent: {' '.join(absent) or 'none'}")

    # The agent's extfrag count against the kernel's own hist trigger.
    if section_ok("extfrag.agent.rc"):
        err = s.get("extfrag.agent.err", "")
        c.check(s["extfrag.agent.rc"].strip() == "0", "the extfrag agent did not exit 0", err[-2000:])
        c.check(s.get("extfrag.pt.rc", "").strip() == "0", "mfd-fragment pt failed in the guest",
                s.get("extfrag.pt.err", ""))
        hits = [hist_hits(s.get(f"extfrag.hist.{w}", "")) for w in ("before", "after")]
        seen = [metric_total(s.get(f"extfrag.metrics.{w}", ""), "mfd_extfrag_events_total")
                for w in ("before", "after")]
        if c.check(None not in hits and None not in seen, "extfrag: no hist or no mfd_extfrag_events_total",
                   f"hist {hits}, agent {seen}"):
            kernel, agent = hits[1] - hits[0], seen[1] - seen[0]
            c.check(kernel > 0, "extfrag: page-table pressure made no fallback in the guest")
            c.check(agent == kernel, "extfrag: the agent's count differs from the tracepoint's hist trigger",
                    f"  agent +{agent:.0f}, kernel +{kernel}")
            c.notes.append(f"extfrag events: agent +{agent:.0f}, kernel hist +{kernel}")

    if section_ok("procfs.rc"):
        rc = s["procfs.rc"].strip()
        c.check(rc == "0", f"mfd-agent --once --source procfs exited {rc}", "  stderr:\n" + s.get("procfs.err", ""))
        try:
            psnap = json.loads(s.get("procfs.out", ""))
            c.check(psnap.get("source") == "procfs", f"procfs snapshot has source {psnap.get('source')!r}")
            if snap is not None:
                pz = {k for k, z in json_zones(psnap).items() if z.get("present_pages", 0) > 0}
                bz = {k for k, z in json_zones(snap).items() if z.get("present_pages", 0) > 0}
                c.check(pz == bz, "procfs and bpf snapshots list different zones", f"  procfs {sorted(pz)}\n  bpf    {sorted(bz)}")
                c.check(psnap.get("nr_orders") == snap.get("nr_orders"),
                        f"nr_orders: procfs {psnap.get('nr_orders')} bpf {snap.get('nr_orders')}")
        except ValueError as e:
            c.check(False, f"procfs snapshot is not JSON ({e})", s.get("procfs.out", "")[:2000])

    # --- fixtures ---------------------------------------------------------
    stable = s.get("fixture.stable", "").strip()
    fx = {n: s.get("fixture." + n) for n in ("buddyinfo", "zoneinfo", "unusable_index", "extfrag_index")}
    have_fx = all(v for v in fx.values()) and stable.startswith("stable=yes")
    c.check(have_fx, f"guest could not capture a consistent fixture ({stable or 'no sections'})")
    if have_fx:
        with open(args.qemu_command) as f:
            qcmd = f.read().strip()
        source = (f"kernel package: {args.package}\n"
                  f"uname -r: {kernel}\n"
                  f"captured: {datetime.date.today().isoformat()} by tests/qemu/run.sh "
                  f"(idle busybox guest, buddyinfo identical before and after the reads)\n"
                  f"qemu: {qcmd}\n")
        dirs = [args.fixture_dir] if args.fixture_dir else []
        if args.update_fixtures:
            short = kernel.replace("-cloud-amd64", "")
            dirs.append(os.path.join(args.update_fixtures, f"qemu-{short}-numa2"))
        for d in dirs:
            os.makedirs(d, exist_ok=True)
            for name, text in list(fx.items()) + [("SOURCE", source)]:
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            c.notes.append(f"fixture written to {d}")

    # --- summary ----------------------------------------------------------
    print(f"== qemu CO-RE check: {args.package} (uname {kernel}) ==")
    if snap is not None:
        zl = ", ".join(f"{n}/{z}" for n, z in sorted(json_zones(snap)))
        print(f"  bpf snapshot: nr_orders {snap.get('nr_orders')}, zones {zl}")
        print(f"  buddyinfo cells compared: {cells}, moved between reads: {moved}")
    for ln in probe_lines:
        print(f"  probe: {ln}")
    for n in c.notes:
        print(f"  note: {n}")
    for f in c.failures:
        print("FAIL: " + f)
    print(f"{c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())

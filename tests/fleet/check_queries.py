#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_queries.py URL SRC [--no-events] [--label K=V ...]

Every query a person will run against an mfd fleet must return data from
the backend at URL (a Prometheus-compatible /api/v1/query):

- every panel target and every template variable of
  containers/grafana-dashboard.json (label_values(M, L) is run as
  count by (L) (M) and must yield non-empty values of L), with the
  dashboard's variables substituted: $group is tried with each of its
  options, multi-value variables with their "All" value;
- every alerting rule of containers/alerts/mfd-rules.yaml: the whole
  expression must evaluate, and each operand of its top-level comparison
  and set operators (and, or, unless) must have data, so no alert can be
  silently blind because a name or label is wrong on this path;
- every "# promql:" example in containers/otel-collector.yaml.

The queries are read from those files, never copied. --no-events: the
kernel made no extfrag fallback for the workload this run, so series that
only exist once a process fragmented (per-process counters) may be empty.
--label K=V: every mfd series must carry label K with value V (resource
attributes on the OTLP path, target labels on the scrape path).
"""
import json
import re
import sys
import urllib.parse
import urllib.request

import yaml

EVENT_ONLY = {"mfd_process_extfrag_fragmenting_events_total"}
# A series selector: a name with its matchers (the range is left out).
SELECTOR = re.compile(r"\bmfd_[a-z_]+(\{[^}]*\})?")


def query(url, expr):
    u = url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(u, timeout=20) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return {"status": "error", "error": "HTTP %d: %s" % (e.code, e.read()[:300])}


def split_top(expr, ops):
    """Split expr at top-level binary operators in ops (outside brackets,
    strings, and the by/without/on/ignoring(...) groupings)."""
    parts, depth, i, start, q = [], 0, 0, 0, None
    words = [o for o in ops if o.isalpha()]
    syms = sorted((o for o in ops if not o.isalpha()), key=len, reverse=True)
    while i < len(expr):
        c = expr[i]
        if q:
            if c == "\\":
                i += 2
                continue
            if c == q:
                q = None
            i += 1
            continue
        if c in "\"'`":
            q = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            m = re.match(r"\b(%s)\b" % "|".join(words), expr[i:]) if words else None
            if m and (i == 0 or not (expr[i - 1].isalnum() or expr[i - 1] == "_")):
                parts.append(expr[start:i])
                i += len(m.group(1))
                start = i
                continue
            for s in syms:
                if expr.startswith(s, i) and not (s in "<>" and expr.startswith(s + "=", i)):
                    parts.append(expr[start:i])
                    i += len(s)
                    # "bool" modifier and on()/ignoring()/group_left() after it
                    m2 = re.match(r"\s*(bool\s*)?((on|ignoring)\s*\([^)]*\)\s*)?((group_left|group_right)\s*(\([^)]*\))?)?", expr[i:])
                    i += m2.end()
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    parts.append(expr[start:])
    return [p.strip() for p in parts if p.strip()]


def operands(expr):
    out = []
    for side in split_top(expr, ["and", "or", "unless"]):
        for o in split_top(side, [">=", "<=", "==", "!=", ">", "<"]):
            if not re.fullmatch(r"[\d.\s*/+()-]+", o):  # not a constant
                out.append(o)
    return out


def main():
    url, src = sys.argv[1], sys.argv[2]
    no_events = "--no-events" in sys.argv
    labels = [a.split("=", 1) for i, a in enumerate(sys.argv) if i > 2 and sys.argv[i - 1] == "--label"]
    dash = json.load(open(src + "/containers/grafana-dashboard.json"))
    rules = yaml.safe_load(open(src + "/containers/alerts/mfd-rules.yaml"))

    subst = {"$__rate_interval": "30s", "$__range": "10m", "$__interval": "15s"}
    groups = [None]
    for v in dash["templating"]["list"]:
        if v["type"] == "custom" and v["name"] == "group":
            groups = [o.split(":")[-1].strip() for o in v["query"].split(",")]
        elif v["type"] == "custom":
            subst["$" + v["name"]] = v["current"]["value"]
        elif v["type"] == "constant":
            subst["$" + v["name"]] = v["query"]
        elif v["type"] == "query":
            subst["$" + v["name"]] = v.get("allValue", ".*")

    checks = []  # (what, expr, want_label)
    for v in dash["templating"]["list"]:
        if v["type"] != "query":
            continue
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        m = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", q.strip())
        if not m:
            checks.append(("dashboard variable $%s: unsupported query" % v["name"], None, None))
            continue
        checks.append(("dashboard variable $%s" % v["name"], "count by (%s) (%s)" % (m[2], m[1]), m[2]))

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))
    for p in panels(dash["panels"]):
        for t in p.get("targets", []):
            checks.append(("dashboard: %s [%s]" % (p["title"], t["refId"]), t["expr"], None))
    for g in rules["groups"]:
        for r in g["rules"]:
            name = r.get("alert") or r.get("record")
            checks.append(("rule %s (whole expression evaluates)" % name, r["expr"], "EVAL"))
            for i, o in enumerate(operands(r["expr"])):
                checks.append(("rule %s operand %d" % (name, i + 1), o, "OPERAND"))
            for sel in sorted(set(m.group(0) for m in SELECTOR.finditer(r["expr"]))):
                checks.append(("rule %s selector %s" % (name, sel), "count(%s)" % sel, None))
    for line in open(src + "/containers/otel-collector.yaml"):
        m = re.match(r"\s*#\s*promql:\s*(.+)$", line)
        if m:
            checks.append(("collector example", m.group(1).strip(), None))

    fails = 0
    for what, expr, want in checks:
        if expr is None:
            print("FAIL - " + what)
            fails += 1
            continue
        for g in groups if "$group" in expr else [None]:
            e = expr
            if g:
                e = e.replace("$group", g)
            for k in sorted(subst, key=len, reverse=True):
                e = e.replace(k, subst[k])
            tag = what + (" [$group=%s]" % g if g else "")
            if "$" in re.sub(r"\{\{[^}]*\}\}", "", e):
                print("FAIL - %s: unresolved variable in %s" % (tag, e))
                fails += 1
                continue
            r = query(url, e)
            if r.get("status") != "success":
                print("FAIL - %s: %s -> %s" % (tag, e, r.get("error", r)))
                fails += 1
                continue
            if want == "EVAL":
                print("ok   - %s (%d series firing now)" % (tag, len(r["data"]["result"])))
                continue
            res = r["data"]["result"]
            if want == "OPERAND":
                # An operand may be empty on a healthy node only where its
                # arithmetic is NaN (a quantile of an empty histogram, 0/0)
                # and the backend drops NaN (VictoriaMetrics does); its
                # selectors are checked on their own.
                if res:
                    print("ok   - %s: %d series" % (tag, len(res)))
                else:
                    print("ok   - %s: empty here (NaN on a healthy node); selectors checked below" % tag)
                continue
            if want:
                vals = sorted({s["metric"].get(want, "") for s in res} - {""})
                if vals:
                    print("ok   - %s: %s" % (tag, ", ".join(vals[:5])))
                else:
                    print("FAIL - %s: no values of %s from %s" % (tag, want, e))
                    fails += 1
                continue
            names = set(re.findall(r"\b(mfd_[a-z_]+)\b", e))
            if not res and no_events and names & EVENT_ONLY:
                print("skip - %s: the kernel made no extfrag fallback for the workload this run" % tag)
                continue
            if res:
                print("ok   - %s: %d series" % (tag, len(res) if isinstance(res, list) else 1))
            else:
                print("FAIL - %s: no data for %s" % (tag, e))
                fails += 1

    for k, v in labels:
        e = 'count by (%s) ({__name__=~"mfd_.+"})' % k
        r = query(url, e)
        got = {s["metric"].get(k, "") for s in r.get("data", {}).get("result", [])}
        r2 = query(url, 'count({__name__=~"mfd_.+", %s!="%s"})' % (k, v))
        stray = r2.get("data", {}).get("result", [])
        if got == {v} and not stray:
            print("ok   - every mfd series carries %s=\"%s\"" % (k, v))
        else:
            print("FAIL - label %s: values %s, %s series without it" % (k, sorted(got), stray[0]["value"][1] if stray else 0))
            fails += 1
    print("%d of %d checks failed" % (fails, len(checks)) if fails else "all %d checks passed" % len(checks))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

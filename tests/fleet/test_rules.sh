#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The alerting rules (containers/alerts/mfd-rules.yaml) against promtool,
# Prometheus' own rule checker and evaluator (Debian "prometheus"):
#   - the file loads (promtool check rules);
#   - containers/k8s/prometheusrule.yaml carries the same groups;
#   - tests/fleet/mfd-rules.test.yaml passes: each alert fires for the node
#     that crosses its threshold and stays quiet for the others;
#   - those tests can fail: for each alert, a copy of the rules where it
#     never fires, and one where it fires for every node, must each make
#     promtool fail (so every alert has a firing and a not-firing case);
#   - each alert has its runbook section in docs/alerts.md.
set -euo pipefail
SRC=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
PROMTOOL=$(command -v promtool || true)
[ -n "$PROMTOOL" ] || { echo "FAIL - promtool missing (Debian package prometheus, in dev.sh TEST_PKGS)"; exit 1; }
TMP=$(mktemp -d /tmp/mfd-rules.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
exec python3 - "$SRC" "$PROMTOOL" "$TMP" <<'PY'
import os, re, subprocess, sys, yaml
src, promtool, tmp = sys.argv[1:4]
rules_path = os.path.join(src, "containers/alerts/mfd-rules.yaml")
tests_path = os.path.join(src, "tests/fleet/mfd-rules.test.yaml")
fails = 0
def ok(cond, what):
    global fails
    print(("ok   - " if cond else "FAIL - ") + what)
    fails += 0 if cond else 1

def run(*args):
    r = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr

rc, out = run("check", "rules", rules_path)
ok(rc == 0, "promtool check rules: " + out.strip().splitlines()[-1])
rules = yaml.safe_load(open(rules_path))
cr = yaml.safe_load(open(os.path.join(src, "containers/k8s/prometheusrule.yaml")))
ok(cr["kind"] == "PrometheusRule" and cr["spec"] == rules,
   "containers/k8s/prometheusrule.yaml carries the rule file's groups")

rc, out = run("test", "rules", tests_path)
ok(rc == 0, "promtool test rules mfd-rules.test.yaml" + ("" if rc == 0 else ":\n" + out))

# Mutants: the tests are copied next to a mutated rule file (rule_files is
# relative to the test file).
tests = yaml.safe_load(open(tests_path))
alerts = [(g, i, r["alert"]) for g in range(len(rules["groups"]))
          for i, r in enumerate(rules["groups"][g]["rules"]) if "alert" in r]
os.makedirs(os.path.join(tmp, "t"))
tests["rule_files"] = ["../rules.yaml"]
yaml.safe_dump(tests, open(os.path.join(tmp, "t", "test.yaml"), "w"))
never = "sum by (k8s_cluster_name, k8s_node_name) (mfd_no_such_series)"
always = ('max by (k8s_cluster_name, k8s_node_name, exporter, reason) '
          '({__name__=~"mfd_.+"})')
for g, i, name in alerts:
    for what, expr in (("never fires", never), ("fires for every node", always)):
        m = yaml.safe_load(open(rules_path))
        m["groups"][g]["rules"][i]["expr"] = expr
        yaml.safe_dump(m, open(os.path.join(tmp, "rules.yaml"), "w"))
        rc, out = run("test", "rules", os.path.join(tmp, "t", "test.yaml"))
        ok(rc != 0 and name in out, "%s: the tests catch a rule that %s" % (name, what))

doc = os.path.join(src, "docs/alerts.md")
text = open(doc).read() if os.path.exists(doc) else ""
for g, i, name in alerts:
    ok(re.search(r"^## %s$" % name, text, re.M) is not None, "%s has a runbook in docs/alerts.md" % name)
print("%d check(s) failed" % fails if fails else "all checks passed")
sys.exit(1 if fails else 0)
PY

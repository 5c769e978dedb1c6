#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DaemonSet starts with and without the auth Secret. The agent gets the
# ConfigMap's exact mfd.yaml (read from containers/k8s/configmap.yaml),
# the DaemonSet's args and environment (read from daemonset.yaml; the
# secretKeyRef filled in from secret.example.yaml only in the "with"
# case, as the kubelet does for an optional key), and only the files the
# pod has: the in-pod paths (config, cgroup tree, spool) are mapped to
# temporary directories standing for the pod's mounts, the HTTP port and
# the collector to loopback ports picked now. In both cases
# --check-config accepts it and a real start serves /healthz and pushes
# OTLP to the collector stand-in, which records the Authorization header:
# the Secret's value with the Secret, none without. A configured auth
# that cannot be used still fails loudly, naming the problem: a headers
# file that does not exist, a malformed header value from the Secret
# (both exit 2, a configuration error, at --check-config and at start).
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
need_root
. "$SRC/tests/fleet/workload.sh"
K="$SRC/containers/k8s"
HPORT=$(free_port)
CPORT=$(free_port)
mkdir -p "$TMP/pod/spool" "$TMP/pod/etc"

# The pod's view: mfd.yaml with the in-pod paths mapped, and the env.
python3 - "$K" "$TMP" "$HPORT" "$CPORT" <<'PY' || { fail "cannot read the manifests"; finish; }
import sys, yaml
k, tmp, hport, cport = sys.argv[1:5]
cm = yaml.safe_load(open(k + "/configmap.yaml"))
ds = yaml.safe_load(open(k + "/daemonset.yaml"))
sec = yaml.safe_load(open(k + "/secret.example.yaml"))
c = ds["spec"]["template"]["spec"]["containers"][0]
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
cfg = cm["data"]["mfd.yaml"]
cfg_path = mounts["config"]
cfg = cfg.replace(mounts["cgroup"], "/sys/fs/cgroup").replace(mounts["spool"], tmp + "/pod/spool")
cfg = cfg.replace("0.0.0.0:9464", "127.0.0.1:" + hport)
open(tmp + "/pod/etc/mfd.yaml", "w").write(cfg)
args = [a.replace("--config=" + cfg_path, "--config=" + tmp + "/pod/etc/mfd.yaml") for a in c["args"]]
open(tmp + "/args", "w").write("\n".join(args) + "\n")
env_plain, env_secret = {}, {}
for e in c["env"]:
    if "value" in e:
        env_plain[e["name"]] = e["value"]
    elif "fieldRef" in e.get("valueFrom", {}):
        env_plain[e["name"]] = "node-a"  # spec.nodeName
    elif "secretKeyRef" in e.get("valueFrom", {}):
        ref = e["valueFrom"]["secretKeyRef"]
        assert ref.get("optional") is True, "the Secret must be optional"
        assert ref["name"] == sec["metadata"]["name"]
        env_secret[e["name"]] = sec["stringData"][ref["key"]]
# $(VAR) references, as the kubelet expands them
for n, v in env_plain.items():
    for m, w in env_plain.items():
        v = v.replace("$(%s)" % m, w)
    env_plain[n] = v
env_plain["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:" + cport
with open(tmp + "/env.plain", "w") as f:
    for n, v in env_plain.items():
        f.write("%s=%s\n" % (n, v))
with open(tmp + "/env.secret", "w") as f:
    for n, v in env_secret.items():
        f.write("%s=%s\n" % (n, v))
PY
mapfile -t ARGS <"$TMP/args"
mapfile -t ENV_PLAIN <"$TMP/env.plain"
mapfile -t ENV_SECRET <"$TMP/env.secret"
[ "${#ENV_SECRET[@]}" -gt 0 ] && pass "the DaemonSet takes the auth header from the optional Secret (${ENV_SECRET[*]%%=*})" ||
	fail "no optional secretKeyRef in the DaemonSet"
want_auth=$(printf '%s\n' "${ENV_SECRET[@]}" | sed -n 's/^OTEL_EXPORTER_OTLP_HEADERS=Authorization=//p')

# The collector stand-in: 200 to every POST, records each request's
# Authorization header (or "-").
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write("%s %s\n" % (self.path, self.headers.get("Authorization", "-")))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$CPORT" "$TMP/requests" &
PIDS+=("$!")

start_pod() { # NAME ENV...: --check-config, then a real start
	local name=$1 pid
	shift
	expect_exit 0 "$name: --check-config accepts the ConfigMap's config" env -i PATH="$PATH" "$@" "$AGENT" "${ARGS[@]}" --check-config
	: >"$TMP/requests"
	env -i PATH="$PATH" "$@" "$AGENT" "${ARGS[@]}" --export-interval 1 >"$TMP/$name.out" 2>"$TMP/$name.err" &
	pid=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$HPORT/healthz" >/dev/null 2>&1 && grep -q "^/v1/metrics " "$TMP/requests" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if curl -sf "http://127.0.0.1:$HPORT/healthz" >/dev/null 2>&1 && grep -q "^/v1/metrics " "$TMP/requests"; then
		pass "$name: the agent starts, serves /healthz and exports to the collector"
	else
		fail "$name: the agent did not come up: $(tail -3 "$TMP/$name.err")"
	fi
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

start_pod without-secret "${ENV_PLAIN[@]}"
auths=$(awk '{ print $2 }' "$TMP/requests" | sort -u)
[ "$auths" = "-" ] && pass "without the Secret: no Authorization header" || fail "without the Secret: Authorization '$auths'"

start_pod with-secret "${ENV_PLAIN[@]}" "${ENV_SECRET[@]}"
auths=$(cut -d' ' -f2- "$TMP/requests" | sort -u)
[ -n "$want_auth" ] && [ "$auths" = "$want_auth" ] && pass "with the Secret: every request carries its Authorization header" ||
	fail "with the Secret: Authorization '$auths', want '$want_auth'"

# Configured auth that cannot be used fails loudly.
cat "$TMP/pod/etc/mfd.yaml" >"$TMP/bad.yaml"
sed -i "s#^otlp:#otlp:\n  headers_file: $TMP/pod/no-such-secret#" "$TMP/bad.yaml"
expect_exit 2 "a configured headers file that does not exist" env -i PATH="$PATH" "${ENV_PLAIN[@]}" "$AGENT" --headless --config="$TMP/bad.yaml" --check-config
grep -q "no-such-secret" "$TMP/err" && pass "  and the message names it" || fail "  message: $(head -2 "$TMP/err")"
expect_exit 2 "a malformed header in the Secret: --check-config" env -i PATH="$PATH" "${ENV_PLAIN[@]}" OTEL_EXPORTER_OTLP_HEADERS="Authorization" "$AGENT" "${ARGS[@]}" --check-config
grep -qi "OTEL_EXPORTER_OTLP_HEADERS" "$TMP/err" && pass "  and the message names it" || fail "  message: $(head -2 "$TMP/err")"
expect_exit 2 "a malformed header in the Secret stops the start" timeout 20 env -i PATH="$PATH" "${ENV_PLAIN[@]}" OTEL_EXPORTER_OTLP_HEADERS="Authorization" "$AGENT" "${ARGS[@]}"
grep -qi "OTEL_EXPORTER_OTLP_HEADERS" "$TMP/err" && pass "  and the message names it" || fail "  message: $(head -2 "$TMP/err")"
finish

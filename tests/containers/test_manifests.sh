#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every manifest in containers/k8s/ validates against the Kubernetes API
# schema for its kind (npm kubernetes-models' OpenAPI validators, strict
# about unknown fields), the validator rejects broken copies (so it can
# fail), the deployment policy holds (check_deploy.mjs), and - once the
# agent has --config - the ConfigMap's agent YAML is accepted by the agent
# itself. npm packages go to a cache outside git.
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
HERE="$SRC/tests/containers"
command -v node >/dev/null || { echo "skipped: node missing"; exit 77; }
NPM_DIR=${MFD_NPM_CACHE:-/var/cache/mfd-test/npm-k8s}
if [ ! -f "$NPM_DIR/node_modules/kubernetes-models/package.json" ] || [ ! -f "$NPM_DIR/node_modules/yaml/package.json" ] ||
	[ ! -f "$NPM_DIR/node_modules/@kubernetes-models/prometheus-operator/package.json" ]; then
	mkdir -p "$NPM_DIR"
	npm install --silent --no-audit --no-fund --prefix "$NPM_DIR" kubernetes-models@5.1.0 yaml@2.9.1 \
		@kubernetes-models/prometheus-operator@6.0.0 >"$TMP/npm.log" 2>&1 ||
		{ fail "npm install kubernetes-models: $(tail -3 "$TMP/npm.log")"; finish; }
fi

K="$SRC/containers/k8s"
files=("$K"/*.yaml)
files=("${files[@]/*kustomization.yaml/}")
node "$HERE/validate_k8s.mjs" "$NPM_DIR" ${files[*]} >"$TMP/v.out" 2>&1 && pass "every object validates ($(grep -c '^ok' "$TMP/v.out") objects)" ||
	fail "schema validation: $(grep -A5 FAIL "$TMP/v.out")"
sed 's/^/    /' "$TMP/v.out"

# The validator must reject what the API server would (or, for unknown
# fields, what kubectl apply --validate=strict would).
mutate() { # NAME SED-EXPR
	sed "$2" "$K/daemonset.yaml" >"$TMP/bad.yaml"
	cmp -s "$TMP/bad.yaml" "$K/daemonset.yaml" && { fail "mutation '$1' changed nothing"; return; }
	if node "$HERE/validate_k8s.mjs" "$NPM_DIR" "$TMP/bad.yaml" >"$TMP/bad.out" 2>&1; then
		fail "validator accepted $1"
	else
		pass "validator rejects $1"
	fi
}
mutate "a misspelt field" 's/privileged: false/privilegd: false/'
mutate "a wrong type" 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: "yes"/'
mutate "a missing required field" 's/fieldPath: spec.nodeName/fieldPth: spec.nodeName/'
mutate "a bad enum value" 's/type: RollingUpdate/type: Sometimes/'
mutate "duplicate keys" 's/^\(\s*\)privileged: false/\1privileged: false\n\1privileged: true/'

node "$HERE/check_deploy.mjs" "$NPM_DIR" "$SRC" >"$TMP/d.out" 2>&1 && pass "deployment policy holds" || fail "deployment policy"
sed 's/^/    /' "$TMP/d.out"

# The agent YAML in the ConfigMap, checked by the agent (after the config
# file support is merged), with the in-cluster paths pointed at temp files.
if grep -q -- "--check-config" <<<"$("$AGENT" --help)"; then
	node -e '
const Y = require(process.argv[1]);
const d = Y.parseAllDocuments(require("fs").readFileSync(process.argv[2], "utf8"))[0].toJS();
process.stdout.write(d.data["mfd.yaml"]);' "$NPM_DIR/node_modules/yaml" "$K/configmap.yaml" |
		sed -e "s#/host/sys/fs/cgroup#/sys/fs/cgroup#" -e "s#/var/lib/mfd/spool#$TMP/spool#" >"$TMP/mfd.yaml"
	mkdir -p "$TMP/spool"
	expect_exit 0 "the agent accepts the ConfigMap's mfd.yaml" "$AGENT" --config "$TMP/mfd.yaml" --check-config
else
	echo "note: $AGENT has no --check-config yet; the ConfigMap's agent YAML is checked after the config merge"
fi
finish

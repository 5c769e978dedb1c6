#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every line of a recording decodes with the official OpenTelemetry protobuf
# definitions (npm @opentelemetry/otlp-transformer@0.52.1, whose
# build/src/generated/root.js is opentelemetry-proto compiled for
# protobufjs) and follows the OTLP/JSON rules; see check_otlp.js. A
# deliberately broken line must be caught, so the check itself can fail.
. "$(dirname "$0")/../integration/lib.sh" "$@"
HERE=$(cd "$(dirname "$0")" && pwd)
PKG=@opentelemetry/otlp-transformer@0.52.1
command -v node >/dev/null && command -v npm >/dev/null ||
	{ echo "skipped: node/npm missing"; exit 77; }
NPM_DIR=${MFD_NPM_OTLP_DIR:-/var/cache/mfd-test/npm-otlp}
mkdir -p "$NPM_DIR" 2>/dev/null && [ -w "$NPM_DIR" ] ||
	NPM_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/mfd-test/npm-otlp
ROOT_JS=$NPM_DIR/node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js
if [ ! -f "$ROOT_JS" ]; then
	mkdir -p "$NPM_DIR"
	npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error "$PKG" >&2 ||
		{ echo "skipped: npm install $PKG failed (registry unreachable?)"; exit 77; }
fi

FIX=$(cd "$HERE/../fixtures/procfs" && pwd)
src=(--source procfs --proc-dir "$FIX/qemu-6.12.117+deb12-numa2" --no-events)
[ "$(id -u)" -eq 0 ] && src=(--source bpf) # events too, when root
"$AGENT" --headless -d 0.05 --duration 0.5 --record "$TMP/rec.jsonl" "${src[@]}" 2>"$TMP/err" ||
	{ fail "recording run failed: $(cat "$TMP/err")"; finish; }
if node "$HERE/check_otlp.js" "$ROOT_JS" "$TMP/rec.jsonl" >"$TMP/node.out" 2>&1; then
	pass "every line decodes and round-trips: $(tail -1 "$TMP/node.out")"
else
	fail "OTLP check failed"; sed 's/^/    | /' "$TMP/node.out" | head -20
fi

# The demo recording committed for the dashboard must pass too.
demo=$HERE/../fixtures/recordings/demo.jsonl
if [ -f "$demo" ]; then
	node "$HERE/check_otlp.js" "$ROOT_JS" "$demo" >"$TMP/node.out" 2>&1 &&
		pass "demo.jsonl: $(tail -1 "$TMP/node.out")" ||
		{ fail "demo.jsonl fails the OTLP check"; head -5 "$TMP/node.out"; }
fi

# Negative controls: each breaks one rule and must be caught.
line=$(head -n 1 "$TMP/rec.jsonl")
bad() {
	printf '%s\n' "$line" | sed "$1" >"$TMP/bad.jsonl"
	if node "$HERE/check_otlp.js" "$ROOT_JS" "$TMP/bad.jsonl" >/dev/null 2>&1; then
		fail "the check missed: $2"
	else
		pass "the check catches $2"
	fi
}
bad 's/"timeUnixNano":"\([0-9]*\)"/"timeUnixNano":\1/' "a 64-bit integer as a JSON number"
bad 's/"asInt"/"as_int"/' "a snake_case key"
bad 's/"aggregationTemporality":2/"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE"/' "an enum by name"
bad 's/"unit"/"units"/' "an unknown field"
finish

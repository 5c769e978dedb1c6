#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The config file on a running agent: --check-config and --dump-config,
# SIGHUP with a valid file (new value logged) and an invalid one (old kept,
# reason with file:line:column logged), restart-only keys, structured log
# formats, quiet steady state, and secrets from files that never show in
# logs, output or /proc/PID/cmdline. Needs no root: --source procfs.
. "$(dirname "$0")/lib.sh" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CFG=$TMP/mfd.yaml

# wait_for FILE PATTERN: until grep finds it (or 10 s pass: a failure).
wait_for() {
	for _ in $(seq 100); do grep -q -- "$2" "$1" && return 0; sleep 0.1; done
	return 1
}

# --dump-config is the committed documented file.
expect_exit 0 "--dump-config" "$AGENT" --dump-config
cmp -s "$TMP/out" "$SRC/config/mfd.yaml" && pass "dump equals config/mfd.yaml" ||
	fail "dump differs from config/mfd.yaml (cmake --build build --target config-yaml)"
# ... and validates as a config file.
cp "$SRC/config/mfd.yaml" "$CFG"
expect_exit 0 "the default file checks" "$AGENT" --config "$CFG" --check-config

printf 'collection:\n  interval: 0.3\nlog:\n  level: info\n' >"$CFG"
expect_exit 0 "--check-config valid" "$AGENT" --config "$CFG" --check-config
grep -q "interval: 0.3  # from the file" "$TMP/out" && pass "effective value from the file" ||
	fail "effective value from the file"
MFD_INTERVAL=0.4 expect_exit 0 "env over file" "$AGENT" --config "$CFG" --check-config
grep -q 'interval: 0.4  # from $MFD_INTERVAL' "$TMP/out" && pass "env wins over the file" ||
	fail "env wins over the file"
MFD_INTERVAL=0.4 expect_exit 0 "flag over env" "$AGENT" --config "$CFG" -d 0.6 --check-config
grep -q 'interval: 0.6  # from --interval' "$TMP/out" && pass "flag wins over env" ||
	fail "flag wins over env"
printf 'collection:\n  interval: 0\n' >"$TMP/bad.yaml"
expect_exit 2 "--check-config invalid" "$AGENT" --config "$TMP/bad.yaml" --check-config
grep -q "bad.yaml:2:13: key 'collection.interval': '0' is not a number" "$TMP/err" &&
	pass "error names file:line:column and key" || fail "error position: $(head -1 "$TMP/err")"

# A running agent and SIGHUP.
"$AGENT" --config "$CFG" --source procfs --headless --no-events \
	--log-format logfmt >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
PIDS+=("$pid")
wait_for "$TMP/run.err" "collecting every 0.3s" && pass "started with the file's interval" ||
	fail "start: $(cat "$TMP/run.err")"

printf 'collection:\n  interval: 0.5\nlog:\n  level: info\n' >"$CFG"
kill -HUP "$pid"
wait_for "$TMP/run.err" "configuration reloaded" && pass "valid reload accepted" || fail "valid reload"
grep -q 'msg="SIGHUP: collection.interval: 0.3 -> 0.5"' "$TMP/run.err" &&
	pass "new interval logged" || fail "new interval not logged"

printf 'collection:\n  interval: -1\n' >"$CFG"
kill -HUP "$pid"
wait_for "$TMP/run.err" "keeping the current configuration" && pass "invalid reload refused" ||
	fail "invalid reload"
grep -q "keeping the current configuration: $CFG:2:13: key 'collection.interval': '-1' is not" \
	"$TMP/run.err" && pass "reason names file:line:column and key" || fail "reason: $(tail -1 "$TMP/run.err")"
kill -0 "$pid" 2>/dev/null && pass "agent still running" || fail "agent died"

printf 'collection:\n  interval: 0.5\n  max_procs: 100\n' >"$CFG"
kill -HUP "$pid"
wait_for "$TMP/run.err" "needs a restart" && pass "restart-only key reported" || fail "restart-only key"
grep -q "collection.max_procs: 4096 -> 100 needs a restart; keeping 4096" "$TMP/run.err" &&
	pass "old value kept" || fail "old value kept"

# Steady state at info is quiet: several intervals, no new lines.
lines=$(wc -l <"$TMP/run.err")
sleep 2
[ "$(wc -l <"$TMP/run.err")" -eq "$lines" ] && pass "quiet at info between events" ||
	fail "steady-state logging: $(tail -2 "$TMP/run.err")"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] && pass "SIGTERM exit 0" || fail "SIGTERM exit $rc"
# Every line is logfmt with time, level, component and msg.
bad=$(grep -cvE '^time=[0-9T:.-]+Z level=(error|warn|info|debug) component=[a-z]+ msg=".*"$' \
	"$TMP/run.err" || true)
[ "$bad" -eq 0 ] && pass "every line is logfmt" || fail "$bad line(s) not logfmt"

# JSON lines parse as JSON objects with the four fields.
MFD_LOG_FORMAT=json expect_exit 0 "json logs" "$AGENT" --source procfs --headless \
	--no-events -d 0.2 --duration 0.5
python3 - "$TMP/err" <<'PY' && pass "every line is a JSON object" || fail "json log lines"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines
for l in lines:
    d = json.loads(l)
    assert set(d) == {"time", "level", "component", "msg"}, d
PY

# Secrets: every option the table marks secret (the docs say "# Secret:").
secrets=$(python3 - "$SRC/config/mfd.yaml" <<'PY'
import sys
path, secret = [], False
for line in open(sys.argv[1]):
    s = line.rstrip("\n")
    if not s.strip():
        continue
    ind = (len(s) - len(s.lstrip())) // 2
    body = s.strip()
    if body.startswith("#"):
        if ind >= 0 and body.startswith("# Secret:"):
            secret = True
        continue
    key = body.split(":", 1)[0]
    path = path[:ind] + [key]
    if secret:
        print(".".join(path))
    secret = False
PY
)
if [ -z "$secrets" ]; then
	echo "skip - no option in the table is marked secret yet"
fi
for key in $secrets; do
	tok="x-mfd-test=tok$RANDOM$RANDOM$RANDOM"
	printf '%s\n' "$tok" >"$TMP/secret"
	chmod 600 "$TMP/secret"
	section=${key%.*} leaf=${key##*.}
	{
		indent=""
		IFS=. read -ra parts <<<"$section"
		[ "$section" = "$key" ] && parts=()
		for p in "${parts[@]}"; do echo "$indent$p:"; indent="$indent  "; done
		echo "$indent${leaf}_file: $TMP/secret"
		echo "collection:"
		echo "  interval: 0.3"
	} >"$CFG"
	expect_exit 0 "$key from a file checks" "$AGENT" --config "$CFG" --check-config
	grep -q "$leaf: \[REDACTED\]" "$TMP/out" && pass "$key printed as [REDACTED]" ||
		fail "$key not redacted"
	grep -qF "$tok" "$TMP/out" "$TMP/err" && fail "$key leaked by --check-config" ||
		pass "$key absent from --check-config"
	"$AGENT" --config "$CFG" --source procfs --headless --no-events \
		--log-level debug >"$TMP/s.out" 2>"$TMP/s.err" &
	pid=$!
	PIDS+=("$pid")
	wait_for "$TMP/s.err" "collecting every" || fail "$key: agent did not start: $(cat "$TMP/s.err")"
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" >"$TMP/cmdline"; then
		fail "$key: no /proc/$pid/cmdline"
	elif grep -qF "$tok" "$TMP/cmdline"; then
		fail "$key in /proc/$pid/cmdline"
	else
		pass "$key absent from /proc/PID/cmdline"
	fi
	printf '%s2\n' "$tok" >"$TMP/secret" # a changed secret is reloaded
	kill -HUP "$pid"
	wait_for "$TMP/s.err" "configuration reloaded" || fail "$key: reload"
	kill -TERM "$pid"
	wait "$pid" || true
	grep -q "$key: \[REDACTED\] -> \[REDACTED\]" "$TMP/s.err" &&
		pass "$key change logged redacted" || fail "$key change not logged"
	grep -qF "$tok" "$TMP/s.out" "$TMP/s.err" && fail "$key leaked into logs" ||
		pass "$key absent from logs"
done
# SIGHUP that turns exporters on starts them, and they deliver (counted by
# tests/robust/receiver.py); one turned off keeps running, with a warning,
# until the next start, rather than dropping what it holds.
python3 "$SRC/tests/robust/receiver.py" --http-port 4340 --udp-port 4341 \
	--log "$TMP/rcv.log" >/dev/null 2>&1 &
PIDS+=($!)
printf 'collection:\n  interval: 0.2\n' >"$CFG"
"$AGENT" --config "$CFG" --source procfs --headless --no-events --http off \
	>"$TMP/h.out" 2>"$TMP/h.err" &
pid=$!
PIDS+=("$pid")
wait_for "$TMP/h.err" "collecting every" || fail "exporter reload: agent did not start: $(cat "$TMP/h.err")"
printf 'collection:\n  interval: 0.2\notlp:\n  endpoint: http://127.0.0.1:4340\n  export_interval: 0.5\nstatsd:\n  address: 127.0.0.1:4341\n' >"$CFG"
kill -HUP "$pid"
for e in otlp statsd; do
	wait_for "$TMP/h.err" "SIGHUP: $e exporter started" && pass "SIGHUP started the $e exporter" ||
		fail "SIGHUP did not start the $e exporter: $(tail -3 "$TMP/h.err")"
done
posts=0 dgrams=0
for _ in $(seq 100); do
	read -r posts dgrams < <(tail -1 "$TMP/rcv.log" 2>/dev/null | awk '{print $3, $5}') || true
	[ "${posts:-0}" -gt 0 ] && [ "${dgrams:-0}" -gt 0 ] && break
	sleep 0.1
done
[ "${posts:-0}" -gt 0 ] && pass "OTLP requests arrived after SIGHUP ($posts)" || fail "no OTLP request after SIGHUP"
[ "${dgrams:-0}" -gt 0 ] && pass "StatsD datagrams arrived after SIGHUP ($dgrams)" || fail "no StatsD datagram after SIGHUP"
printf 'collection:\n  interval: 0.2\n' >"$CFG"
kill -HUP "$pid"
wait_for "$TMP/h.err" "the otlp exporter is no longer configured" &&
	pass "an exporter turned off is kept, with a warning" || fail "no warning for an exporter turned off"
kill -TERM "$pid"
wait "$pid" && pass "agent exits 0 after the reloads" || fail "agent exit status $? after the reloads"
finish

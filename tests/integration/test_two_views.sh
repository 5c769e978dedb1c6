#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_two_views.sh AGENT BUILD - two live views at once (issue 17, item 6).
#
# The seed's way of working is two terminals, say -v in one and -s in the
# other. Every live view starts the HTTP server on its default address
# (127.0.0.1:9464); the second must carry on without it after one notice,
# not exit. An address the user chose must still work or fail (exit 1).
#
# The test runs in a private network namespace (unshare -n), so the fixed
# default port is free there whatever else the machine runs, and nothing
# it binds is visible outside.
set -euo pipefail
AGENT=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF, unshare -n)"; exit 77; }
command -v script >/dev/null || { echo "FAIL: script (bsdutils) missing" >&2; exit 1; }
command -v unshare >/dev/null || { echo "FAIL: unshare (util-linux) missing" >&2; exit 1; }

if [ "${1:-}" != --in-netns ]; then
	exec timeout 120 unshare -n bash "$0" --in-netns "$AGENT"
fi
AGENT=$2
TMP=$(mktemp -d)
p1=
cleanup() {
	[ -n "$p1" ] && kill "$p1" 2>/dev/null && wait "$p1" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ip link set lo up
healthz() {
	python3 - <<'PY'
import http.client
try:
    c = http.client.HTTPConnection("127.0.0.1", 9464, timeout=3)
    c.request("GET", "/healthz")
    print(c.getresponse().status)
except OSError as e:
    print("down", e)
PY
}

# The first agent takes the default address.
"$AGENT" --headless --log-level info 2>"$TMP/a1.log" &
p1=$!
for _ in $(seq 50); do
	[ "$(healthz)" = 200 ] && break
	kill -0 "$p1" 2>/dev/null || { cat "$TMP/a1.log" >&2; fail "first agent exited"; }
	sleep 0.2
done
[ "$(healthz)" = 200 ] || fail "first agent does not serve /healthz on the default address"

# A second live view on a terminal (script gives it a pty): runs, draws,
# exits 0 at --duration.
rc=0
TERM=xterm timeout 30 script -qec "$AGENT -v --duration 3" /dev/null >"$TMP/v.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/v.out" >&2; fail "second view (-v, on a pty) exited $rc"; }
plain=$(sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$TMP/v.out" | tr '\r' '\n')
grep -q "mfd visual" <<<"$plain" || { echo "$plain" >&2; fail "second view drew no frame"; }

# A third view with stdout not a terminal (one plain table per interval):
# exit 0, and exactly one line saying the server is not running.
rc=0
timeout 30 "$AGENT" -s --duration 3 >"$TMP/s.out" 2>"$TMP/s.err" || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/s.err" >&2; fail "third view (-s, piped) exited $rc"; }
n=$(grep -c "9464 is in use" "$TMP/s.err" || true)
[ "$n" = 1 ] || { cat "$TMP/s.err" >&2; fail "expected one notice about 9464, saw $n"; }
grep -q "mfd extfrag events" "$TMP/s.out" || { head "$TMP/s.out" >&2; fail "third view printed no -s table"; }

# An address chosen on purpose must not be dropped quietly.
rc=0
timeout 30 "$AGENT" --headless --duration 2 --http 127.0.0.1:9464 2>"$TMP/x.err" || rc=$?
[ "$rc" = 1 ] || { cat "$TMP/x.err" >&2; fail "--http 127.0.0.1:9464 in use exited $rc, want 1"; }
grep -q "in use" "$TMP/x.err" || fail "the explicit-address error does not say the port is in use"

# And the first agent is unharmed.
[ "$(healthz)" = 200 ] || fail "first agent stopped serving"
echo "PASS: a second and third view ran beside an agent holding 127.0.0.1:9464; an explicit --http on it exits 1"

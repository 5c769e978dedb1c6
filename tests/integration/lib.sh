# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the shell integration tests. Usage from a test:
#   . "$(dirname "$0")/lib.sh" "$@"
set -euo pipefail
AGENT=${1:?usage: test.sh path/to/mfd-agent build-dir}
BUILD=${2:-$(dirname "$AGENT")}
TMP=$(mktemp -d /tmp/mfd-test.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
need_root() { [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }; }
finish() {
	if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
	echo "all checks passed"
}
# expect_exit CODE NAME CMD...: run CMD, check its exit status.
expect_exit() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name (exit $rc)"; else
		fail "$name: exit $rc, wanted $want"; sed 's/^/    | /' "$TMP/err" | head -5
	fi
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --source procfs, --source bpf, and the auto fallback when the
# capabilities BPF needs are missing.
. "$(dirname "$0")/lib.sh" "$@"
need_root
command -v capsh >/dev/null || { echo "skipped: capsh (libcap2-bin) missing"; exit 77; }

src() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"])' "$1"; }

expect_exit 0 "--source bpf as root" "$AGENT" --once --format json --source bpf
[ "$(src "$TMP/out")" = bpf ] && pass "snapshot says bpf" || fail "snapshot says $(src "$TMP/out")"
expect_exit 0 "--source procfs" "$AGENT" --once --format json --source procfs
[ "$(src "$TMP/out")" = procfs ] && pass "snapshot says procfs" || fail "snapshot says $(src "$TMP/out")"
expect_exit 0 "--source auto as root" "$AGENT" --once --format json
[ "$(src "$TMP/out")" = bpf ] && pass "auto picks bpf as root" || fail "auto picked $(src "$TMP/out")"

drop="cap_sys_admin,cap_bpf,cap_perfmon"
expect_exit 0 "auto without BPF capabilities" \
	capsh --drop="$drop" -- -c "exec '$AGENT' --once --format json"
[ "$(src "$TMP/out")" = procfs ] && pass "auto fell back to procfs" || fail "auto gave $(src "$TMP/out")"
n=$(grep -c "using procfs" "$TMP/err" || true)
[ "$n" -eq 1 ] && pass "one log line says why" || fail "$n fallback lines"
grep -q "CAP_BPF" "$TMP/err" && pass "the reason names CAP_BPF" || fail "reason: $(cat "$TMP/err")"

expect_exit 1 "--source bpf without capabilities" \
	capsh --drop="$drop" -- -c "exec '$AGENT' --once --format json --source bpf"
grep -q "CAP_BPF" "$TMP/err" && pass "error names the capability" || fail "error: $(cat "$TMP/err")"
grep -q "source procfs" "$TMP/err" && pass "error says what to do instead" || fail "no advice"
finish

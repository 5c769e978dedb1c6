#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_install.sh SRC BUILD - `cmake --install` puts in place what a
# bare-metal or VM fleet runs under systemd (issue 17, item 11): the
# binary, the documented default config, a hardened unit and the manual
# page generated from the option table.
#
# References: systemd's own `systemd-analyze verify` (unit syntax, that
# ExecStart is executable, that the Documentation= man page resolves) and
# `systemd-analyze security --offline` (exposure score); groff for the
# page; the agent's --help and --dump-config for what the page and the
# config must hold. The installed unit names absolute paths; verify sees
# a copy whose paths point into DESTDIR.
set -euo pipefail
SRC=$1 BUILD=$2
for t in systemd-analyze groff man; do
	command -v "$t" >/dev/null || { echo "FAIL: $t missing (./dev.sh deps test)" >&2; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
D=$TMP/dest
fails=0
ok() { if eval "$1"; then echo "ok   $2"; else echo "FAIL $2" >&2; fails=$((fails + 1)); fi; }

DESTDIR=$D cmake --install "$BUILD" >"$TMP/install.log"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
unitdir=$(sed -n 's/^MFD_SYSTEMD_UNITDIR:PATH=//p' "$BUILD/CMakeCache.txt")
unit=$D$unitdir/mfd-agent.service
exec_line=$(sed -n 's/^ExecStart=//p' "$unit" 2>/dev/null || true)
bin=$(awk '{print $1}' <<<"$exec_line")
conf=$(sed -n 's/.*--config \([^ ]*\).*/\1/p' <<<"$exec_line")
man8=$(find "$D" -name mfd-agent.8 | head -1)

ok '[ -f "$unit" ]' "unit installed at $unitdir/mfd-agent.service"
ok '[ -x "$D$bin" ] && "$D$bin" --version | grep -q "^mfd-agent "' "ExecStart's binary $bin is the installed agent"
ok '[ -f "$D$conf" ] && cmp -s "$D$conf" "$SRC/config/mfd.yaml"' "ExecStart's config $conf is config/mfd.yaml"
ok '"$D$bin" --dump-config | cmp -s - "$D$conf"' "and it is the documented default the agent generates"
ok '"$D$bin" --config "$D$conf" --check-config >/dev/null' "the agent accepts the installed config"
ok '[ -n "$man8" ] && [ "${man8#"$D$prefix"/}" = "share/man/man8/mfd-agent.8" ]' "man page at $prefix/share/man/man8/mfd-agent.8"

# The unit, with its paths pointed into DESTDIR.
mkdir -p "$TMP/u"
sed "s#$bin#$D$bin#; s#$conf#$D$conf#" "$unit" >"$TMP/u/mfd-agent.service"
MANPATH=$D$prefix/share/man systemd-analyze verify "$TMP/u/mfd-agent.service" >"$TMP/verify.out" 2>&1 || true
ok '[ ! -s "$TMP/verify.out" ]' "systemd-analyze verify: no complaint ($(head -c 300 "$TMP/verify.out"))"
# The check can fail: a misspelt key must be reported.
sed 's/^ProtectHome=yes/ProtectHome=yes\nProtectHomee=yes/' "$TMP/u/mfd-agent.service" >"$TMP/u/bad.service"
systemd-analyze verify --man=no "$TMP/u/bad.service" >"$TMP/bad.out" 2>&1 || true
ok 'grep -q "ProtectHomee" "$TMP/bad.out"' "a misspelt key is reported by the same verify"
for d in "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "NoNewPrivileges=yes" \
	"SystemCallArchitectures=native" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
	"StateDirectory=mfd" "LimitMEMLOCK=infinity"; do
	ok 'grep -qx "$d" "$unit"' "unit sets $d"
done
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit")
ok '[ "$caps" = "CAP_BPF CAP_PERFMON CAP_SYSLOG" ]' "capabilities limited to CAP_BPF CAP_PERFMON CAP_SYSLOG ($caps)"
score=$(systemd-analyze security --offline=true --man=no "$TMP/u/mfd-agent.service" 2>&1 |
	sed -n 's/.*Overall exposure level for mfd-agent.service: \([0-9.]*\).*/\1/p')
ok '[ -n "$score" ] && awk -v s="$score" "BEGIN { exit !(s <= 3.5) }"' \
	"systemd-analyze security exposure $score <= 3.5 (root, BPF and a network exporter are inherent)"

# The unit's capabilities are enough: as root with only that bounding set
# and no_new_privs (what systemd applies), the agent takes the BPF path,
# attaches its events, opens /dev/kmsg, and drops everything.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	set -- $(tr ' ' '\n' <<<"$caps" | sed 's/^CAP_//' | tr 'A-Z' 'a-z')
	bset=-all$(printf ',+%s' "$@")
	(ulimit -l unlimited; setpriv --bounding-set "$bset" --inh-caps=-all --no-new-privs -- \
		"$D$bin" --headless --duration 2 --http off --log-level info) >"$TMP/caps.log" 2>&1 || true
	ok 'grep -q "from bpf, extfrag events attached, stall programs attached" "$TMP/caps.log"' \
		"with only $caps: BPF path, events and stall programs ($(grep -m1 collecting "$TMP/caps.log" | cut -c26-))"
	ok '! grep -qi "kmsg" "$TMP/caps.log"' "and /dev/kmsg opens ($(grep -i -m1 kmsg "$TMP/caps.log" | cut -c26-))"
	ok 'grep -q "capabilities dropped after loading BPF; kept: none" "$TMP/caps.log"' "then every capability is dropped"
	# The unit's SystemCallFilter (EPERM for anything else): every system
	# call the agent makes while starting, sampling with its exporters
	# on, and reloading on SIGHUP must be in it, as systemd expands it.
	if command -v strace >/dev/null; then
		free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
		port=$(free_port) port2=$(free_port)
		# OTLP to a port nothing listens on: libcurl connects, fails, retries.
		strace -f -qq -c -o "$TMP/strace.txt" "$D$bin" --config "$D$conf" --headless \
			--duration 3 -d 0.5 --http "127.0.0.1:$port" --statsd "127.0.0.1:$port" \
			--otlp-endpoint "http://127.0.0.1:$port2" \
			--record "$TMP/rec.jsonl" --log-level error >/dev/null 2>&1 &
		sp=$!
		sleep 1.5
		pkill -HUP -P "$sp" mfd-agent 2>/dev/null || true
		wait "$sp" || true
		filter=$(sed -n 's/^SystemCallFilter=//p' "$unit")
		systemd-analyze syscall-filter --no-pager >"$TMP/groups.txt" 2>/dev/null
		bad=$(python3 - "$TMP/groups.txt" "$TMP/strace.txt" $filter <<'PY'
import sys
groups, cur = {}, None
for l in open(sys.argv[1]):
    l = l.rstrip()
    if l.startswith("@"):
        cur = l.split()[0]
        groups[cur] = []
    elif cur and l.strip() and not l.strip().startswith("#"):
        groups[cur].append(l.split()[0])
def expand(names):
    out = set()
    for n in names:
        out |= expand(groups.get(n, [])) if n.startswith("@") else {n}
    return out
allowed = expand(sys.argv[3:])
used = [l.split()[-1] for l in open(sys.argv[2]).read().splitlines()[2:]
        if l.split() and not l.startswith("-") and l.split()[-1] != "total"]
print(" ".join(u for u in used if u not in allowed) or ("" if used else "none-traced"))
PY
)
		ok '[ -z "$bad" ]' "every system call of a run with HTTP, StatsD, OTLP, recording and SIGHUP is in SystemCallFilter${bad:+; outside it: $bad}"
	else
		echo "FAIL: strace missing (./dev.sh deps test)" >&2
		fails=$((fails + 1))
	fi
else
	echo "FAIL: the capability check needs root and setpriv" >&2
	fails=$((fails + 1))
fi

# The manual page: renders without a warning, and documents every option
# --help lists.
LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$man8" >"$TMP/groff.out" 2>&1 || true
ok '[ ! -s "$TMP/groff.out" ]' "groff -man -ww renders it without a warning ($(head -c 200 "$TMP/groff.out"))"
MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$man8" 2>"$TMP/man.err" |
	sed 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g' >"$TMP/man.txt" || true
ok '[ ! -s "$TMP/man.err" ] && grep -q "NAME" "$TMP/man.txt"' "man -l renders it ($(head -c 200 "$TMP/man.err"))"
missing=
for o in $("$D$bin" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
	grep -qF -- "$o" "$TMP/man.txt" || missing="$missing $o"
done
ok '[ -z "$missing" ]' "every option of --help is in the page${missing:+; missing:$missing}"
ok 'cmp -s "$man8" <("$D$bin" --dump-man)' "the page is what --dump-man prints (generated, not hand-kept)"

[ "$fails" = 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo PASS

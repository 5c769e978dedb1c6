#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_readme_tour.sh SRC AGENT - every `build/mfd-agent ...` command of
# the README's tour runs as written (issue 17: a README a newcomer can
# follow), and every option the docs' option table (docs/views.md) lists
# is one the agent accepts.
#
# Each tour command runs piped (one plain frame per interval) with
# --duration 1 added where it is a live view, and must exit 0 with output.
# The option names are checked against `mfd-agent --help`, generated from
# the option table that parses them.
set -euo pipefail
SRC=$1 AGENT=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (BPF)"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0 n=0
ok() { if eval "$1"; then echo "ok   $2"; else echo "FAIL $2" >&2; fails=$((fails + 1)); fi; }

# The tour: the first ```sh block after "## A short tour".
awk '/^## A short tour/ {t = 1} t && /^```sh/ {b = 1; next} b && /^```/ {exit} b' \
	"$SRC/README.md" | sed 's/#.*//' | grep '^build/mfd-agent' >"$TMP/tour" || true
ok '[ "$(wc -l <"$TMP/tour")" -ge 3 ]' "the README tour holds $(wc -l <"$TMP/tour") mfd-agent commands"
while read -r _ args; do
	read -ra a <<<"$args"
	case " $args " in *" --once "*) ;; *) a+=(--duration 1 --http off) ;; esac
	n=$((n + 1))
	rc=0
	timeout 30 "$AGENT" "${a[@]}" >"$TMP/out.$n" 2>"$TMP/err.$n" </dev/null || rc=$?
	ok '[ "$rc" = 0 ] && [ -s "$TMP/out.$n" ]' "mfd-agent $args: exit $rc, $(wc -c <"$TMP/out.$n") bytes$([ "$rc" = 0 ] || echo ": $(head -c 200 "$TMP/err.$n")")"
done <"$TMP/tour"

# The option table of docs/views.md: first column's long options.
"$AGENT" --help >"$TMP/help"
grep '^| `' "$SRC/docs/views.md" | cut -d'|' -f2 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/opts"
ok '[ "$(wc -l <"$TMP/opts")" -ge 10 ]' "docs/views.md lists $(wc -l <"$TMP/opts") long options"
while read -r o; do
	grep -qE -- "(^|[ ,])$o([ =]|$)" "$TMP/help" || { echo "FAIL docs/views.md lists $o, which --help does not" >&2; fails=$((fails + 1)); }
done <"$TMP/opts"

[ "$fails" = 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo PASS

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Command-line contract: help, bad flags and bad values (exit 2 with a
# message), filters validated against the zones this machine really has.
. "$(dirname "$0")/lib.sh" "$@"

expect_exit 0 "-h prints help" "$AGENT" -h
grep -q -- "--interval" "$TMP/out" && pass "help lists --interval" || fail "help lists --interval"
expect_exit 0 "--version" "$AGENT" --version
expect_exit 2 "unknown short flag" "$AGENT" -Q
grep -q "unknown option -Q" "$TMP/err" && pass "names the flag" || fail "names the flag"
expect_exit 2 "unknown long flag" "$AGENT" --bogus
expect_exit 2 "missing value" "$AGENT" -d
grep -q "needs a value" "$TMP/err" && pass "says a value is missing" || fail "says a value is missing"
for bad in 0 -1 abc 1e999 nan "" 2x; do
	expect_exit 2 "interval '$bad'" "$AGENT" -d "$bad" --once
done
expect_exit 2 "bad format" "$AGENT" --once --format xml
grep -q "table, json, csv" "$TMP/err" && pass "lists formats" || fail "lists formats"
expect_exit 2 "bad source" "$AGENT" --source kprobe
expect_exit 2 "stray argument" "$AGENT" --once extra
expect_exit 2 "node id not a number" "$AGENT" -i x --once

# Filters are checked against this machine (procfs needs no privilege).
expect_exit 2 "unknown zone" "$AGENT" --source procfs --once -c NoSuchZone
zones=$(awk '{print $4}' /proc/buddyinfo | sort -u | tr '\n' ' ')
for z in $zones; do
	grep -q "$z" "$TMP/err" && pass "zone list names $z" || fail "zone list names $z"
done
expect_exit 2 "unknown node" "$AGENT" --source procfs --once -i 999
first=$(awk 'NR==1{print $4}' /proc/buddyinfo)
expect_exit 0 "known zone $first" "$AGENT" --source procfs --once -c "$first"
grep -q "$first" "$TMP/out" && pass "filtered table shows $first" || fail "filtered table shows $first"

# JSON and CSV are well formed.
expect_exit 0 "json" "$AGENT" --source procfs --once --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["source"]=="procfs"; assert d["nodes"][0]["zones"][0]["orders"]' "$TMP/out" \
	&& pass "json parses with the documented keys" || fail "json parses"
expect_exit 0 "csv" "$AGENT" --source procfs --once --format csv
rows=$(($(wc -l <"$TMP/out") - 1))
want=$(awk '{print NF-4}' /proc/buddyinfo | paste -sd+ | bc)
[ "$rows" -eq "$want" ] && pass "csv has one row per zone and order ($rows)" || fail "csv rows $rows, wanted $want"

# Piped live view: plain frames, no escape codes, ends with --duration.
expect_exit 0 "piped live view" "$AGENT" --source procfs -d 0.2 --duration 1 --no-events --http off
if grep -q $'\x1b' "$TMP/out"; then fail "escape codes in piped output"; else pass "no escape codes when piped"; fi
frames=$(grep -c '^ZONE' "$TMP/out" || true)
[ "$frames" -ge 2 ] && pass "one table per interval ($frames frames)" || fail "frames: $frames"
finish

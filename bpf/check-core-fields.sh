#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-core-fields.sh [BTF] - check that every struct member declared in
# bpf/vmlinux_min.h exists in a kernel's BTF (default: the running kernel).
# The minimal header is written by hand, so this is what keeps it honest
# against a new kernel before any program is loaded there.
set -euo pipefail
BTF=${1:-/sys/kernel/btf/vmlinux}
HDR="$(dirname "$(readlink -f "$0")")/vmlinux_min.h"
PATH=$PATH:/usr/sbin
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
bpftool btf dump file "$BTF" format c >"$dump"

missing=0
# struct NAME { ... member; ... } blocks inside the preserve_access_index
# region of the header.
while read -r st member; do
	body=$(awk -v s="struct $st {" 'index($0, s) == 1 {p = 1} p {print} p && /^};/ {exit}' "$dump")
	if [ -z "$body" ]; then
		echo "missing struct $st"; missing=$((missing + 1)); continue
	fi
	if ! grep -qE "[ *]$member(\[[0-9]*\])?;" <<<"$body"; then
		echo "missing $st.$member"; missing=$((missing + 1))
	fi
done < <(awk '
	/#pragma clang attribute push/ {on = 1}
	/#pragma clang attribute pop/ {on = 0}
	on && /^struct [a-z_0-9]+ \{/ {st = $2; next}
	on && /^\};/ {st = ""}
	on && st != "" && /;/ {
		line = $0; sub(/;.*/, "", line); n = split(line, w, /[ *]+/)
		m = w[n]; sub(/\[.*/, "", m); print st, m
	}' "$HDR")
# typedef atomic_long_t is a struct in the kernel's BTF: checked via zone.
if [ "$missing" -ne 0 ]; then echo "$missing member(s) missing in $BTF"; exit 1; fi
echo "all members of vmlinux_min.h exist in $BTF"

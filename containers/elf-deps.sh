#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# elf-deps.sh ELF... - print, one per line, the path of every file the
# dynamic loader opens to start each ELF: its interpreter and every shared
# library it needs, recursively, as the loader finds them in the Debian
# multiarch folders of the ELF's own machine (/lib/<triplet>,
# /usr/lib/<triplet>). readelf, not ldd: ldd runs the loader, so it cannot
# list an arm64 binary cross-built on x86-64 (./dev.sh cross arm64). A
# file that is not ELF (a script) needs nothing. Used by mkrootfs.sh (the
# container image) and tests/qemu/mkinitramfs.sh (the QEMU guests).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: elf-deps.sh ELF..." >&2; exit 2; }

machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }
interp() { readelf -l "$1" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)\]$/\1/p'; }

declare -A seen=()
for elf in "$@"; do
	case "$(machine "$elf")" in
	"") continue ;;
	*X86-64*) triplet=x86_64-linux-gnu ;;
	AArch64) triplet=aarch64-linux-gnu ;;
	*)
		echo "elf-deps.sh: $elf: unsupported machine '$(machine "$elf")'" >&2
		exit 1
		;;
	esac
	i=$(interp "$elf")
	[[ -z $i || -n ${seen[$i]:-} ]] || { seen[$i]=1; echo "$i"; }
	mapfile -t queue < <(needed "$elf")
	while ((${#queue[@]})); do
		lib=${queue[0]}
		queue=("${queue[@]:1}")
		found=
		for dir in /lib/$triplet /usr/lib/$triplet; do
			if [[ -e $dir/$lib ]]; then
				found=$dir/$lib
				break
			fi
		done
		if [[ -z $found ]]; then
			echo "elf-deps.sh: $elf needs $lib, not in /usr/lib/$triplet (is its $triplet package installed?)" >&2
			exit 1
		fi
		[[ -z ${seen[$lib]:-} ]] || continue
		seen[$lib]=1
		echo "$found"
		mapfile -t -O ${#queue[@]} queue < <(needed "$found")
	done
done

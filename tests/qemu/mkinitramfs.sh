#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitramfs.sh AGENT OUT.cpio.gz [INIT [PROGRAM...]]
#
# Builds the test guest's whole root file system as a gzip'd newc cpio:
# busybox-static with one symlink per applet, the agent binary at /mfd-agent,
# each PROGRAM at /<its name>, every shared library they load at the path the
# host has it (the dynamic loader included, since the ELF interpreter path is
# absolute), and INIT (default guest-init.sh) as /init. No kernel modules:
# the Debian cloud kernels have everything the test needs built in.
set -euo pipefail

usage="usage: mkinitramfs.sh AGENT OUT.cpio.gz [INIT [PROGRAM...]]"
agent=${1:?$usage}
out=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
init=${3:-$here/guest-init.sh}
shift $(($# < 3 ? $# : 3))
programs=("$@")

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc}

# MFD_BUSYBOX: a static busybox of the guest's architecture (run.sh gives
# an arm64 one to arm64 guests); by default the build machine's.
busybox=${MFD_BUSYBOX:-$(command -v busybox || true)}
if [[ -z "$busybox" ]] || readelf -l "$busybox" | grep -q interpreter; then
	echo "mkinitramfs: need a static busybox (apt-get install busybox-static)" >&2
	exit 1
fi
cp "$busybox" "$root/bin/busybox"
# One symlink per applet, where busybox itself would put it. A foreign
# busybox cannot run here: the build machine's, of the same Debian
# release, lists the same applets.
{ "$busybox" --list-full 2>/dev/null || busybox --list-full; } | while read -r applet; do
	[[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
done

cp "$agent" "$root/mfd-agent"
for p in "${programs[@]}"; do
	cp "$p" "$root/$(basename "$p")"
done
# Each program's interpreter and shared libraries, found in the multiarch
# folders of its own machine (an arm64 agent gets arm64 libraries), each
# copied to the path the loader opens (cp -L: the soname path holds the
# library itself).
"$here/../../containers/elf-deps.sh" "$agent" "${programs[@]}" | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

install -m 0755 "$init" "$root/init"
install -m 0644 "$here/guest-lib.sh" "$root/guest-lib.sh"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --owner=0:0 | gzip -1) >"$out"

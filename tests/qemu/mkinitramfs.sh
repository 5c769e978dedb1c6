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

busybox=$(command -v busybox || true)
if [[ -z "$busybox" ]] || ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: need a static busybox (apt-get install busybox-static)" >&2
	exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc}

cp "$busybox" "$root/bin/busybox"
# One symlink per applet, where busybox itself would put it.
"$busybox" --list-full | while read -r applet; do
	[[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
done

cp "$agent" "$root/mfd-agent"
for p in "${programs[@]}"; do
	cp "$p" "$root/$(basename "$p")"
done
# ldd prints "libx.so => /path (addr)" for libraries and "/path (addr)" for
# the loader; copy each real file to the same path (cp -L follows symlinks so
# the soname path holds the library itself).
# A stand-in that is a script has no libraries: ldd then fails, which is fine.
for bin in "$agent" "${programs[@]}"; do
	ldd "$bin" 2>/dev/null || true
done | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' |
	sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# Debian's loader is /lib64/ld-linux-x86-64.so.2, a symlink to the
# multiarch copy; usrmerge makes /lib64 a link on the host. cp -L above
# already placed a real file at the interpreter path, which is all the
# kernel needs.

install -m 0755 "$init" "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --owner=0:0 | gzip -1) >"$out"

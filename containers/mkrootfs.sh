#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkrootfs.sh OUT_DIR [MFD_AGENT] - assemble the runtime image's root
# filesystem: mfd-agent, exactly the shared libraries it loads (the
# dynamic loader included) plus libcurl.so.4 and its own, which the
# OTLP exporter loads at run time, and the few files glibc and TLS read.
# No shell, no coreutils, no package manager. The Dockerfile's last stage
# is this directory (COPY --from=build /rootfs /); tests/containers/ runs
# the agent from it under chroot, so what the image holds is proven
# without a Docker engine.
set -euo pipefail
OUT=${1:?usage: mkrootfs.sh OUT_DIR [path/to/mfd-agent]}
AGENT=${2:-build/mfd-agent}
[ -x "$AGENT" ] || { echo "mkrootfs.sh: $AGENT is not an executable" >&2; exit 1; }
[ ! -e "$OUT" ] || [ -z "$(ls -A "$OUT")" ] || { echo "mkrootfs.sh: $OUT is not empty" >&2; exit 1; }

mkdir -p "$OUT"/{usr/bin,etc,proc,sys,dev,tmp,var/lib/mfd,etc/mfd}
chmod 1777 "$OUT/tmp"
install -m 0755 "$AGENT" "$OUT/usr/bin/mfd-agent"

# Every library the binary loads, at the path the loader looks for it, for
# the binary's own architecture (elf-deps.sh reads the ELF headers, so an
# arm64 agent cross-built on x86-64 gets arm64 libraries). The agent
# dlopen()s libcurl.so.4 only when OTLP export is on (exporters/otlp/curl_api.c),
# so its NEEDED list does not name libcurl or the TLS, Kerberos and LDAP
# libraries behind it; the image must hold them all the same.
case "$(readelf -h "$AGENT" | sed -n 's/^ *Machine: *//p')" in
*X86-64*) triplet=x86_64-linux-gnu ;;
AArch64) triplet=aarch64-linux-gnu ;;
*) echo "mkrootfs.sh: $AGENT: not an x86-64 or arm64 ELF" >&2; exit 1 ;;
esac
curl=/usr/lib/$triplet/libcurl.so.4
[ -e "$curl" ] || {
	echo "mkrootfs.sh: $curl not found (OTLP export needs it: install libcurl4 for $triplet)" >&2
	exit 1
}
deps=$("$(dirname "$0")/elf-deps.sh" "$AGENT" "$curl")
[ -n "$deps" ] || { echo "mkrootfs.sh: $AGENT needs no library (static binary?)" >&2; exit 1; }
libs="$curl $deps"
for l in $libs; do
	mkdir -p "$OUT$(dirname "$l")"
	cp -L "$l" "$OUT$l"
done
# Debian 12 is merged-/usr: /lib and /lib64 are links into /usr.
for d in lib lib64; do
	if [ -L "/$d" ] && [ -d "$OUT/$d" ] && [ ! -L "$OUT/$d" ]; then
		mkdir -p "$OUT/usr/$d"
		cp -a "$OUT/$d/." "$OUT/usr/$d/"
		rm -rf "${OUT:?}/$d"
		ln -s "usr/$d" "$OUT/$d"
	fi
done

# Name resolution for OTLP endpoints (glibc >= 2.34 has the files and dns
# NSS modules built in) and root's identity.
printf 'root:x:0:0:root:/:/nonexistent\n' >"$OUT/etc/passwd"
printf 'root:x:0:\n' >"$OUT/etc/group"
printf 'hosts: files dns\n' >"$OUT/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$OUT/etc/hosts"
# CA certificates for an https:// OTLP endpoint, when the build host has them.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	mkdir -p "$OUT/etc/ssl/certs"
	cp /etc/ssl/certs/ca-certificates.crt "$OUT/etc/ssl/certs/"
fi
echo "mkrootfs.sh: $OUT: mfd-agent and $(echo "$libs" | wc -w) libraries, $(du -sh "$OUT" | cut -f1)" >&2

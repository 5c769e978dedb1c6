#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-busybox.sh ARCH
#
# Prints the path of a static busybox for ARCH (e.g. arm64), Debian's
# busybox-static package of that architecture, downloaded once into the
# cache (never installed: it would replace the build machine's own
# busybox). ARCH must be one of dpkg's architectures (./dev.sh cross arm64
# adds arm64).
set -euo pipefail

arch=${1:?usage: fetch-busybox.sh ARCH}
cache=${MFD_CACHE:-/var/cache/mfd-test}/busybox
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

ver=$(apt-cache policy "busybox-static:$arch" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }')
if [[ -z "$ver" ]]; then
	echo "fetch-busybox: no busybox-static:$arch in the apt lists; is $arch one of" \
		"'dpkg --print-foreign-architectures'? (./dev.sh cross $arch adds it)" >&2
	exit 1
fi
dir="$cache/${arch}_${ver//:/_}"
if [[ ! -x "$dir/busybox" ]]; then
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "fetch-busybox: downloading busybox-static:$arch=$ver" >&2
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "busybox-static:$arch=$ver" >&2)
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	mkdir -p "$tmp/keep"
	cp "$tmp/x/bin/busybox" "$tmp/keep/busybox"
	rm -rf "$dir"
	mv "$tmp/keep" "$dir"
fi
echo "$dir/busybox"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-kernel.sh SERIES [ARCH]
#
# Makes a stock Debian cloud kernel of SERIES ("6.1" or "6.12") for ARCH
# ("amd64", the default, or "arm64") available in the cache and prints two
# lines on stdout:
#     <path to vmlinuz>
#     <package name>=<package version>
#
# Why Debian's cloud flavour: it is a kernel that real machines run, built
# with BTF, NUMA, debugfs and the BPF features mfd needs, and everything the
# guest needs (serial console, initramfs, gzip) is built in, so no modules
# have to go into the initramfs.
#
# Where they come from (Debian 12 "bookworm"):
#   6.1  linux-image-cloud-ARCH        bookworm main, newer ABIs in bookworm-security
#   6.12 linux-image-6.12-cloud-ARCH   bookworm-security (Debian ships 6.12 to
#                                      bookworm through the security archive)
# arm64 packages need dpkg's arm64 architecture (./dev.sh cross arm64 adds it).
# The meta-package's dependency names the newest ABI, so the test follows
# Debian's updates. MFD_QEMU_PKG_<series with _> (e.g. MFD_QEMU_PKG_6_12)
# pins an exact package name instead.
#
# Only vmlinuz (plus config and System.map, for whoever debugs a failure) is
# kept, under ${MFD_CACHE:-/var/cache/mfd-test}/kernels/<package>_<version>/;
# nothing is ever written into the source tree.
set -euo pipefail

series=${1:?usage: fetch-kernel.sh 6.1|6.12 [amd64|arm64]}
arch=${2:-amd64}
cache=${MFD_CACHE:-/var/cache/mfd-test}/kernels
mkdir -p "$cache"

log() { echo "fetch-kernel: $*" >&2; }

case "$arch" in
amd64 | arm64) ;;
*) log "unknown architecture '$arch' (want amd64 or arm64)"; exit 2 ;;
esac
case "$series" in
6.1) meta=linux-image-cloud-$arch ;;
6.12) meta=linux-image-6.12-cloud-$arch ;;
*) log "unknown series '$series' (want 6.1 or 6.12)"; exit 2 ;;
esac

# Several ctest jobs may fetch at once; one lock serialises the cache.
exec 9>"$cache/.lock"
flock 9

# candidate_of PKG: the version apt would install, or nothing.
candidate_of() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# resolve: the concrete image package name for this series.
resolve() {
	local pin_var="MFD_QEMU_PKG_${series//./_}"
	[[ $arch == amd64 ]] || pin_var+="_$arch"
	if [[ -n "${!pin_var:-}" ]]; then
		echo "${!pin_var}"
		return
	fi
	[[ -n "$(candidate_of "$meta")" ]] || return 0
	# The meta-package depends on exactly one versioned image package, e.g.
	# linux-image-6.12.117+deb12-cloud-amd64; its candidate version is the
	# newest in the configured suites.
	apt-cache show --no-all-versions "$meta" |
		sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed -n "s/^ *\\(linux-image-[^ ]*-cloud-$arch\\)\\( .*\\)\\?\$/\\1/p" | head -n1
}

pkg=$(resolve)
if [[ -z "$pkg" || -z "$(candidate_of "$pkg")" ]]; then
	# The package lists are missing or stale: refresh them once, then retry.
	log "no candidate for ${pkg:-$meta}; running apt-get update"
	apt-get update -qq >&2 || log "apt-get update failed"
	pkg=$(resolve)
fi
ver=$(candidate_of "${pkg:-none}")
if [[ -z "$pkg" || -z "$ver" ]]; then
	log "cannot find a Debian package for kernel $series."
	log "6.1 comes from bookworm (main) and bookworm-security, 6.12 from"
	log "bookworm-security: make sure both suites are in the apt sources."
	exit 1
fi

dir="$cache/${pkg}_${ver}"
if [[ ! -s "$dir/vmlinuz" ]]; then
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	log "downloading $pkg=$ver"
	# Sandbox user root: apt's _apt user cannot write into a root-owned dir,
	# and this only downloads, it does not install.
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2)
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	mkdir -p "$tmp/keep"
	cp "$tmp"/x/boot/vmlinuz-* "$tmp/keep/vmlinuz"
	cp "$tmp"/x/boot/config-* "$tmp/keep/config"
	cp "$tmp"/x/boot/System.map-* "$tmp/keep/System.map" 2>/dev/null || true
	rm -rf "$dir"
	mv "$tmp/keep" "$dir"
fi

echo "$dir/vmlinuz"
echo "$pkg=$ver"

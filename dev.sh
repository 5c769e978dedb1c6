#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dev.sh - the two set-up commands of the README, and their parts.
#
#   ./dev.sh run [mfd-agent options]   install what is missing (build
#                                      packages only), build the agent, start
#                                      the live terminal view
#   ./dev.sh test [ctest options]      install what is missing, build,
#                                      run the whole suite: plain (with
#                                      the valgrind and soak tests), then
#                                      under ASan+UBSan, then each libFuzzer
#                                      harness for MFD_FUZZ_SECONDS (10;
#                                      0 skips); fails at cmake if a test
#                                      package (cmocka) is missing
#   ./dev.sh cross arm64               build build-arm64/mfd-agent (and
#                                      mfd-fragment) for arm64 with Debian
#                                      multiarch
#   ./dev.sh image ARCH DIR            the container image's root file
#                                      system for ARCH (amd64, arm64) in DIR
#   ./dev.sh build | deps | format
# Run as root (BPF needs it, and apt-get); a non-root user prefixes sudo.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

BUILD_DIR=${MFD_BUILD_DIR:-build}
ASAN_DIR=${MFD_ASAN_DIR:-build-asan}
FUZZ_DIR=${MFD_FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${MFD_FUZZ_SECONDS:-10}

# Debian/Ubuntu packages needed to build the agent.
BUILD_PKGS=(build-essential cmake pkg-config clang llvm libbpf-dev libelf-dev
	zlib1g-dev libevent-dev libjansson-dev libncurses-dev libcap-ng-dev
	libyaml-dev libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler)
# Extra packages for the test suite (fixtures, peers, QEMU guests).
TEST_PKGS=(libcmocka-dev python3 python3-yaml busybox-static cpio qemu-system-x86
	stress-ng iproute2 libcap2-bin prometheus prometheus-node-exporter chromium
	libclang-rt-14-dev valgrind gnuplot-nox curl fonts-dejavu-core systemd strace
	groff-base man-db qemu-system-arm qemu-user-static)
# libclang-rt-14-dev: the libFuzzer, ASan and UBSan runtimes clang links for
# -fsanitize=fuzzer (build-fuzz); Debian 12 clang does not pull it in.
# fonts-dejavu-core: the one font the dashboard's golden screenshot uses.
# systemd (systemd-analyze), groff-base, man-db, strace: tests/repo/test_install.sh
# checks the installed unit and manual page with them.

have_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

apt_install() {
	local missing=() p
	for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
	((${#missing[@]})) || return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "dev.sh: need root to install: ${missing[*]} (run with sudo)" >&2
		exit 1
	fi
	echo "dev.sh: installing ${missing[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2
}

install_bpftool() {
	command -v bpftool >/dev/null 2>&1 && return 0
	[ -x /usr/sbin/bpftool ] && return 0
	# Debian ships "bpftool"; Ubuntu ships it in linux-tools.
	if apt-cache show bpftool >/dev/null 2>&1; then
		apt_install bpftool
	else
		apt_install linux-tools-common "linux-tools-$(uname -r)"
	fi
}

deps() {
	apt_install "${BUILD_PKGS[@]}"
	install_bpftool
	if [ "${1:-}" = test ]; then apt_install "${TEST_PKGS[@]}"; fi
}

# --- cross builds (./dev.sh cross arm64) -----------------------------------
# Debian multiarch: the cross compiler, qemu for the arm64 guests, and the
# arm64 build of every library BUILD_PKGS has a -dev package for. All of
# them are Multi-Arch: same, so they sit beside the x86-64 ones, except
# libevent-dev: installing its arm64 build would remove the x86-64 one. Its
# runtime libraries are installed; the -dev package itself is unpacked into
# CROSS_ROOT (see cmake/aarch64-linux-gnu.cmake) and never installed.
CROSS_ROOT=${MFD_CROSS_ROOT:-/var/cache/mfd-cross}
CROSS_LIBS=(libbpf-dev libelf-dev zlib1g-dev libjansson-dev libncurses-dev
	libcap-ng-dev libyaml-dev libcurl4-openssl-dev libprotobuf-c-dev
	libevent-2.1-7)

cross_deps() { # cross_deps ARCH TRIPLET
	local arch=$1 triplet=$2 p pkgs=() dir
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		[ "$(id -u)" -eq 0 ] || {
			echo "dev.sh: need root to add dpkg architecture $arch (run with sudo)" >&2
			exit 1
		}
		echo "dev.sh: adding dpkg architecture $arch" >&2
		dpkg --add-architecture "$arch"
		apt-get update -qq
	fi
	for p in "${CROSS_LIBS[@]}"; do pkgs+=("$p:$arch"); done
	apt_install "crossbuild-essential-$arch" "${pkgs[@]}"
	dir=$CROSS_ROOT/$triplet/libevent-dev
	[ -e "$dir/usr/lib/$triplet/pkgconfig/libevent.pc" ] && return 0
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"libevent-dev:$arch" >&2 && dpkg-deb -x ./*.deb .)
	# The .pc files point into the unpacked tree; the .so links at the
	# installed runtime libraries.
	sed -i "s|^prefix=/usr\$|prefix=$dir/usr|" "$dir.tmp/usr/lib/$triplet"/pkgconfig/*.pc
	for p in "$dir.tmp/usr/lib/$triplet"/*.so; do
		ln -sf "/usr/lib/$triplet/$(readlink "$p")" "$p"
	done
	mv "$dir.tmp" "$dir"
}

triplet_of() { # triplet_of ARCH: the GNU triplet of a Debian architecture
	case "${1:-}" in
	arm64) echo aarch64-linux-gnu ;;
	*)
		echo "dev.sh: unsupported architecture '${1:-}' (arm64 is)" >&2
		exit 2
		;;
	esac
}

cross() { # cross ARCH: build BUILD_DIR-ARCH/mfd-agent and mfd-fragment
	local arch=${1:-} triplet
	triplet=$(triplet_of "$arch")
	deps
	cross_deps "$arch" "$triplet"
	MFD_CROSS_ROOT=$CROSS_ROOT build "$BUILD_DIR-$arch" \
		-DCMAKE_TOOLCHAIN_FILE=cmake/$triplet.cmake -DMFD_TESTS=OFF \
		--target mfd-agent --target mfd-fragment
}

# image ARCH DIR: the container image's root filesystem for ARCH (the
# Dockerfile's build stage, for its TARGETARCH): the agent built natively
# or cross-built, stripped, and containers/mkrootfs.sh.
image() {
	local arch=${1:?usage: dev.sh image ARCH DIR} dir=${2:?usage: dev.sh image ARCH DIR}
	local agent strip=strip
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		deps
		build "$BUILD_DIR" "$(tests_if_cmocka)" --target mfd-agent
		agent=$BUILD_DIR/mfd-agent
	else
		cross "$arch"
		agent=$BUILD_DIR-$arch/mfd-agent
		strip=$(triplet_of "$arch")-strip
	fi
	cp "$agent" "$agent.stripped"
	"$strip" --strip-debug "$agent.stripped"
	containers/mkrootfs.sh "$dir" "$agent.stripped"
}

build() { # build DIR [cmake args...] [--target T]...
	local dir=$1 args=() target=()
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--target) target+=(--target "$2"); shift 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${args[@]}" >/dev/null
	cmake --build "$dir" -j"$(nproc)" "${target[@]}"
}

# run and build need no test package: without cmocka (a TEST_PKGS package)
# they configure MFD_TESTS=OFF, with it they keep the suite configured so a
# developer's build tree still holds the tests. `test` always asks for the
# suite, and fails at cmake if cmocka is missing.
tests_if_cmocka() {
	if pkg-config --exists cmocka 2>/dev/null; then
		echo -DMFD_TESTS=ON
	else
		echo "dev.sh: cmocka not found: building without the test suite" >&2
		echo -DMFD_TESTS=OFF
	fi
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
	# The run path needs only BUILD_PKGS: configure without the tests, whose
	# CMakeLists requires cmocka, and build only the agent.
	deps
	build "$BUILD_DIR" "$(tests_if_cmocka)" --target mfd-agent
	exec "$BUILD_DIR/mfd-agent" "$@"
	;;
test)
	deps test
	# The arm64 tests (qemu-arm64 guests, the arm64 image tree) run the
	# cross-built agent.
	cross arm64
	build "$BUILD_DIR" -DMFD_TESTS=ON -DMFD_ARM64_BUILD_DIR="$PWD/$BUILD_DIR-arm64"
	(cd "$BUILD_DIR" && ctest --output-on-failure "$@")
	build "$ASAN_DIR" -DMFD_SANITIZE=ON
	(cd "$ASAN_DIR" && ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -LE 'qemu|bench|valgrind|soak|no-asan' "$@")
	if [ "$FUZZ_SECONDS" != 0 ]; then
		build "$FUZZ_DIR" -DCMAKE_C_COMPILER=clang -DMFD_FUZZ=ON \
			-DMFD_FUZZ_SECONDS="$FUZZ_SECONDS"
		# Harnesses are independent: one per CPU.
		(cd "$FUZZ_DIR" && ctest --output-on-failure -j"$(nproc)" -L fuzz)
	fi
	;;
build)
	deps
	build "$BUILD_DIR" "$(tests_if_cmocka)" "$@"
	;;
deps)
	# deps [test | ARCH]: ARCH (e.g. arm64) adds the cross-build packages.
	case "${1:-}" in
	"" | test | "$(dpkg --print-architecture)") deps "${1:-}" ;;
	*) deps && cross_deps "$1" "$(triplet_of "$1")" ;;
	esac
	;;
cross)
	cross "$@"
	;;
image)
	image "$@"
	;;
format)
	git ls-files '*.c' '*.h' | xargs clang-format -i
	;;
*)
	echo "usage: $0 run [agent options] | test [ctest options] | build | deps [test|arm64] | cross arm64 | image ARCH DIR | format" >&2
	exit 2
	;;
esac

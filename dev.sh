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
#                                      harness for MFD_FUZZ_SECONDS (20;
#                                      0 skips); fails at cmake if a test
#                                      package (cmocka) is missing
#   ./dev.sh build | deps | format
# Run as root (BPF needs it, and apt-get); a non-root user prefixes sudo.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

BUILD_DIR=${MFD_BUILD_DIR:-build}
ASAN_DIR=${MFD_ASAN_DIR:-build-asan}
FUZZ_DIR=${MFD_FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${MFD_FUZZ_SECONDS:-20}

# Debian/Ubuntu packages needed to build the agent.
BUILD_PKGS=(build-essential cmake pkg-config clang llvm libbpf-dev libelf-dev
	zlib1g-dev libevent-dev libjansson-dev libncurses-dev libcap-ng-dev
	libyaml-dev libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler)
# Extra packages for the test suite (fixtures, peers, QEMU guests).
TEST_PKGS=(libcmocka-dev python3 python3-yaml busybox-static cpio qemu-system-x86
	stress-ng iproute2 libcap2-bin prometheus prometheus-node-exporter chromium
	libclang-rt-14-dev valgrind gnuplot-nox curl fonts-dejavu-core systemd strace
	groff-base man-db)
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

build() { # build DIR [cmake args...] [--target T]
	local dir=$1 args=() target=()
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--target) target=(--target "$2"); shift 2 ;;
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
	build "$BUILD_DIR" -DMFD_TESTS=ON
	(cd "$BUILD_DIR" && ctest --output-on-failure "$@")
	build "$ASAN_DIR" -DMFD_SANITIZE=ON
	(cd "$ASAN_DIR" && ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -LE 'qemu|bench|valgrind|soak' "$@")
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
	deps "${1:-}"
	;;
format)
	git ls-files '*.c' '*.h' | xargs clang-format -i
	;;
*)
	echo "usage: $0 run [agent options] | test [ctest options] | build | deps [test] | format" >&2
	exit 2
	;;
esac

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Cross-compiling the agent for arm64 on an x86-64 Debian machine, with
# Debian multiarch: the compiler from crossbuild-essential-arm64, the
# libraries from their ":arm64" -dev packages (./dev.sh cross arm64 installs
# both). Host tools (clang -target bpf, bpftool, protoc-c) stay the build
# machine's own: a BPF object is the same on every architecture but for the
# __TARGET_ARCH_ define, which CMakeLists.txt takes from
# CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MFD_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${MFD_TRIPLET}-gcc)
# No sysroot: multiarch puts the arm64 libraries in /usr/lib/${MFD_TRIPLET},
# which CMake searches by itself once the compiler reports that library
# architecture.

# pkg-config must see only the arm64 .pc files (and the arch-independent
# ones), never the build machine's x86-64 ones. libevent-dev cannot be
# installed for two architectures at once: dev.sh unpacks the arm64 one
# under MFD_CROSS_ROOT (default /var/cache/mfd-cross), and its .pc files
# come first.
if(DEFINED ENV{MFD_CROSS_ROOT})
  set(MFD_CROSS_ROOT $ENV{MFD_CROSS_ROOT})
else()
  set(MFD_CROSS_ROOT /var/cache/mfd-cross)
endif()
set(MFD_LIBEVENT_DEV ${MFD_CROSS_ROOT}/${MFD_TRIPLET}/libevent-dev)
set(ENV{PKG_CONFIG_LIBDIR}
    ${MFD_LIBEVENT_DEV}/usr/lib/${MFD_TRIPLET}/pkgconfig:/usr/lib/${MFD_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

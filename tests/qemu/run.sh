#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh [--arch amd64|arm64] [--stall|--decline] SERIES AGENT FRAGMENT
#
# Boots Debian's stock SERIES ("6.1" or "6.12") cloud kernel under QEMU (TCG)
# with two NUMA nodes, runs AGENT inside it (see guest-init.sh) and checks on
# the host that the BPF snapshot equals the guest kernel's own /proc/buddyinfo
# (check.py). This is the proof that the CO-RE relocations in bpf/*.bpf.c
# really adapt to kernels whose struct layouts differ from the build host's.
# FRAGMENT (tests/workload's mfd-fragment, built for the same architecture)
# makes extfrag events, which the agent must count as the kernel's own hist
# trigger on the tracepoint does.
#
# --arch arm64 boots Debian's arm64 cloud kernel on qemu-system-aarch64
# (-M virt -cpu max) with an agent cross-built by ./dev.sh cross arm64 and
# Debian's arm64 busybox-static.
#
# With --stall, the guest is small (512 MiB), FRAGMENT fragments it and
# faults huge pages with THP defrag=always (guest-stall.sh), and
# check_stall.py holds the agent's compaction and reclaim stall counts up
# against the guest's /proc/vmstat.
#
# With --decline, the guest is as small, FRAGMENT uses up NUMA node 1's free
# huge-page blocks step by step (guest-decline.sh), and check_decline.py
# holds the agent's exhaustion forecast against the guest's /proc/buddyinfo.
#
# Environment:
#   MFD_CACHE                  cache root (default /var/cache/mfd-test)
#   MFD_QEMU_OUT               where logs go (default ./qemu-SERIES[-ARCH][-stall|-decline])
#   MFD_QEMU_UPDATE_FIXTURES=1 also (re)write tests/fixtures/procfs/qemu-*-numa2/
#   MFD_QEMU_TIMEOUT           seconds before a hung guest is killed (180)
set -euo pipefail

usage="usage: run.sh [--arch amd64|arm64] [--stall|--decline] 6.1|6.12 AGENT FRAGMENT"
arch=amd64 mode=numa2
while [[ ${1:-} == --* ]]; do
	case "$1" in
	--arch) arch=${2:?$usage}; shift 2 ;;
	--stall) mode=stall; shift ;;
	--decline) mode=decline; shift ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
series=${1:?$usage}
agent=${2:?$usage}
fragment=${3:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
src_root=$(cd "$here/../.." && pwd)
for f in "$agent" "$fragment"; do
	if [[ ! -x $f ]]; then
		echo "run.sh: $f is missing; for --arch arm64 build it first with ./dev.sh cross arm64" \
			"(./dev.sh test does)" >&2
		exit 1
	fi
done
name=$series
[[ $arch == amd64 ]] || name+=-$arch
case "$mode" in
stall) init=$here/guest-stall.sh mem=256M name+=-stall ;;
decline) init=$here/guest-decline.sh mem=256M name+=-decline ;;
*) init=$here/guest-init.sh mem=1G ;;
esac
out=${MFD_QEMU_OUT:-$PWD/qemu-$name}
mkdir -p "$out"
t0=$SECONDS

case "$arch" in
amd64)
	qemu_bin=qemu-system-x86_64 qemu_pkg=qemu-system-x86 console=ttyS0
	machine=(-accel tcg -cpu max)
	;;
arm64)
	qemu_bin=qemu-system-aarch64 qemu_pkg=qemu-system-arm console=ttyAMA0
	machine=(-M virt -accel tcg -cpu max)
	;;
*)
	echo "$usage" >&2
	exit 2
	;;
esac

# Exit 77 (ctest SKIP_RETURN_CODE) when the machine lacks the tools, so the
# test shows up as skipped rather than passed.
for tool in $qemu_bin busybox apt-get dpkg-deb cpio gzip python3 timeout flock readelf; do
	if ! command -v "$tool" >/dev/null; then
		echo "run.sh: SKIP: missing $tool (apt-get install $qemu_pkg busybox-static cpio)" >&2
		exit 77
	fi
done

mapfile -t k < <("$here/fetch-kernel.sh" "$series" "$arch")
vmlinuz=${k[0]}
pkgver=${k[1]}
echo "kernel: $pkgver"
if [[ $arch != amd64 ]]; then
	MFD_BUSYBOX=$("$here/fetch-busybox.sh" "$arch")
	export MFD_BUSYBOX
fi

"$here/mkinitramfs.sh" "$agent" "$out/initramfs.cpio.gz" "$init" "$fragment"

# The topology is the one NOTES.md records as working here: 2 CPUs, 2 GiB in
# two RAM backends, one per NUMA node. On x86-64 all of it lies below 4 GiB,
# so node 0 has DMA and DMA32 and node 1 only DMA32: the zone set differs per
# node, which is exactly what a per-node walk can get wrong (arm64's virt
# machine puts RAM at 1 GiB: DMA on both nodes' low part, DMA32 or Normal
# above, as the kernel decides). KVM fails on this host (nested
# virtualisation), so TCG. quiet/loglevel keep kernel messages off the
# console; oops=panic + panic=-1 + -no-reboot turn a kernel oops (e.g. one a
# BPF program provoked) into a prompt exit instead of a hang.
# The stall and decline guests are a quarter of that: small enough to
# fragment quickly.
# shellcheck disable=SC2054 # the commas belong to qemu's option syntax
qemu=("$qemu_bin" "${machine[@]}" -smp 2 -m $((2 * ${mem%[MG]}))${mem: -1}
	-object memory-backend-ram,id=m0,size=$mem
	-object memory-backend-ram,id=m1,size=$mem
	-numa node,nodeid=0,cpus=0,memdev=m0
	-numa node,nodeid=1,cpus=1,memdev=m1
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz"
	-append "console=$console panic=-1 oops=panic quiet loglevel=3 rdinit=/init"
	-nographic -no-reboot)
# The command as a person would type it, with the cache and build paths
# replaced by plain names: it goes into the fixtures' SOURCE file.
for a in "${qemu[@]}"; do
	case "$a" in
	"$vmlinuz") a=vmlinuz ;;
	"$out/initramfs.cpio.gz") a=initramfs.cpio.gz ;;
	esac
	case "$a" in *' '*) printf "'%s' " "$a" ;; *) printf '%s ' "$a" ;; esac
done | sed 's/ $/\n/' >"$out/qemu-command"

# Under TCG the stock kernel very rarely oopses in early boot, before init
# (seen once: int3 in sched_clock_cpu at 1.96 s, while patching its own
# text). The console then holds no ==MFD- marker: nothing of mfd ran, so
# the guest boots once more. An oops mfd provoked would come again.
for attempt in 1 2; do
	echo "booting (timeout ${MFD_QEMU_TIMEOUT:-180}s)..."
	tb=$SECONDS
	rc=0
	timeout "${MFD_QEMU_TIMEOUT:-180}" "${qemu[@]}" </dev/null >"$out/console.log" 2>"$out/qemu.err" || rc=$?
	echo "guest ran $((SECONDS - tb))s, qemu exit $rc; console log: $out/console.log"
	if [[ $attempt -eq 1 && $rc -ne 124 ]] && ! grep -q '==MFD-' "$out/console.log" &&
		grep -qE 'Oops:|Kernel panic' "$out/console.log"; then
		echo "the guest kernel crashed before init ran (no ==MFD- marker):" >&2
		grep -m 3 -E 'Oops:|RIP:|Kernel panic' "$out/console.log" >&2 || true
		cp "$out/console.log" "$out/console.first-boot.log"
		continue
	fi
	break
done
if [[ $rc -eq 124 ]]; then
	echo "FAIL: guest did not power off within ${MFD_QEMU_TIMEOUT:-180}s; last console lines:" >&2
	tail -n 40 "$out/console.log" >&2
	exit 1
fi

if [[ $mode != numa2 ]]; then
	python3 "$here/check_$mode.py" --log "$out/console.log" --package "$pkgver"
	echo "total $((SECONDS - t0))s"
	exit 0
fi
args=(--log "$out/console.log" --package "$pkgver" --qemu-command "$out/qemu-command"
	--fixture-dir "$out/fixture")
if [[ "${MFD_QEMU_UPDATE_FIXTURES:-0}" == 1 ]]; then
	args+=(--update-fixtures "$src_root/tests/fixtures/procfs")
fi
python3 "$here/check.py" "${args[@]}"
echo "total $((SECONDS - t0))s"

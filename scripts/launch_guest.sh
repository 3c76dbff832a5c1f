#!/bin/bash
# SPDX-License-Identifier: MIT
# Launches the SVSM under QEMU.
#
#   scripts/launch_guest.sh [--qemu PATH] [--igvm PATH] [--image PATH]
#                           [--debugserial] [-- extra QEMU arguments]
#
# Variables: QEMU, IGVM, IMAGE (as the options), MEM (default 8G), SMP
# (default 4), SVSM_LOADER (the svsm.bin loader, default bin/svsm-loader.bin).
#
# With a QEMU that has IGVM support on a host with SEV-SNP, the IGVM file is
# launched as an SEV-SNP guest, the way the installation guide does it.
# Otherwise the native path is used: the IGVM file is wrapped with the
# reset-vector loader into a -bios image and booted under TCG.
set -eu

QEMU=${QEMU:-qemu-system-x86_64}
IGVM=${IGVM:-bin/coconut-qemu.igvm}
IMAGE=${IMAGE:-}
MEM=${MEM:-8G}
SMP=${SMP:-4}
SVSM_LOADER=${SVSM_LOADER:-bin/svsm-loader.bin}
DEBUGSERIAL=0

usage() {
	sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}

while [ $# -gt 0 ]; do
	case $1 in
	--qemu) QEMU=$2; shift 2 ;;
	--igvm) IGVM=$2; shift 2 ;;
	--image) IMAGE=$2; shift 2 ;;
	--debugserial) DEBUGSERIAL=1; shift ;;
	-h|--help) usage 0 ;;
	--) shift; break ;;
	*) echo "launch_guest.sh: unknown option $1" >&2; usage 2 ;;
	esac
done

if ! command -v "$QEMU" >/dev/null 2>&1; then
	echo "launch_guest.sh: QEMU '$QEMU' not found (set QEMU or --qemu)" >&2
	exit 1
fi
if [ ! -f "$IGVM" ]; then
	echo "launch_guest.sh: IGVM file '$IGVM' not found (run make first)" >&2
	exit 1
fi

qemu_has_igvm() {
	"$QEMU" -object help 2>/dev/null | grep -q '^ *igvm-cfg'
}

host_has_snp() {
	[ -e /dev/sev ] &&
		grep -qi '^[y1]' /sys/module/kvm_amd/parameters/sev_snp 2>/dev/null
}

serial_args=(-serial mon:stdio)
if [ "$DEBUGSERIAL" = 1 ]; then
	# QEMU prints "char device redirected to /dev/pts/N (label serial1)":
	# connect gdb to that path (see README, "Debugging with GDB").
	serial_args+=(-serial pty)
else
	serial_args+=(-serial null)
fi

disk_args=()
if [ -n "$IMAGE" ]; then
	disk_args=(-drive "file=$IMAGE,if=none,id=disk0,format=qcow2,snapshot=off"
		-device virtio-scsi-pci,id=scsi0,disable-legacy=on,iommu_platform=on
		-device scsi-hd,drive=disk0,bootindex=0)
fi

if qemu_has_igvm && host_has_snp; then
	if [ ! -x utils/cbit ]; then
		make -s utils/cbit
	fi
	cbitpos=$(utils/cbit)
	echo "launch_guest.sh: SEV-SNP host with an IGVM-capable QEMU: launching $IGVM as an SEV-SNP guest"
	exec "$QEMU" -enable-kvm -cpu EPYC-v4 \
		-machine q35,confidential-guest-support=sev0,memory-backend=ram1,igvm-cfg=igvm0 \
		-object "memory-backend-memfd,id=ram1,size=$MEM,share=true,prealloc=false,reserve=false" \
		-object "sev-snp-guest,id=sev0,cbitpos=$cbitpos,reduced-phys-bits=1" \
		-object "igvm-cfg,id=igvm0,file=$IGVM" \
		-smp "$SMP" -no-reboot -vga std \
		-netdev user,id=vmnic -device e1000,netdev=vmnic,romfile= \
		"${disk_args[@]}" "${serial_args[@]}" "$@"
fi

if [ ! -f "$SVSM_LOADER" ] || [ ! -x bin/mksvsmbin ]; then
	echo "launch_guest.sh: $SVSM_LOADER or bin/mksvsmbin missing (run make first)" >&2
	exit 1
fi
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
bin/mksvsmbin --loader "$SVSM_LOADER" --igvm "$IGVM" --output "$tmpdir/svsm.bin"

echo "launch_guest.sh: no SEV-SNP with IGVM support here: booting $IGVM on the native platform (QEMU TCG, -bios svsm.bin); quit with Ctrl-A X"
"$QEMU" -machine q35 -accel tcg -cpu max -smp "$SMP" -m "$MEM" \
	-bios "$tmpdir/svsm.bin" -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	"${disk_args[@]}" "${serial_args[@]}" "$@"

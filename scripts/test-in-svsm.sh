#!/bin/bash
# SPDX-License-Identifier: MIT
# Boots the test kernel (bin/svsm-test.bin, built from
# configs/test/qemu-test-target.json) and runs the in-SVSM tests. The kernel
# writes 0x10 (pass) or 0x11 (fail) to the isa-debug-exit port, which QEMU
# turns into exit code 0x21 or 0x23.
#
# Variables: QEMU (binary), TEST_TIMEOUT (seconds, default 120),
# SVSM_TEST_BIN (image), QEMU_SMP, QEMU_MEM. Extra arguments go to QEMU.
set -u

QEMU=${QEMU:-qemu-system-x86_64}
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
IMAGE=${SVSM_TEST_BIN:-bin/svsm-test.bin}
SMP=${QEMU_SMP:-4}
MEM=${QEMU_MEM:-1G}

if [ ! -f "$IMAGE" ]; then
	echo "test-in-svsm: $IMAGE not found; run: make test-in-svsm" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

timeout --foreground "$TEST_TIMEOUT" "$QEMU" -machine q35 -accel tcg -cpu max \
	-smp "$SMP" -m "$MEM" -bios "$IMAGE" -display none -monitor none \
	-serial "file:$log" -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
rc=$?
sed -i 's/\r$//' "$log"
cat "$log"

case $rc in
33) # 0x21: the kernel wrote QEMU_EXIT_SUCCESS
	if grep -q " 0 failed$" "$log"; then
		echo "All tests passed"
		exit 0
	fi
	echo "Test Failed: success exit without a clean summary" >&2
	exit 1 ;;
124)
	echo "Test Failed: timeout after ${TEST_TIMEOUT}s" >&2 ;;
*)
	echo "Test Failed with exit code: $rc" >&2 ;;
esac
exit 1

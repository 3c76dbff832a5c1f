# SPDX-License-Identifier: MIT
# The SEV-SNP guest firmware launch (kernel/platform/snp/launch*.c) on the
# simulated hypervisor and RMP, then the simulated guest's Linux-like boot
# through the request loop and the core protocol. Recursive assignment:
# SNP_TEST_SRCS comes from tests/unit/snp_platform.mk. zero.c is optional
# (the fake arch's fault-tolerant zeroing, where guestmem uses it).
UNIT_TESTS += snp_launch
test_snp_launch_SRCS = tests/unit/test_snp_launch.c \
	kernel/mm/guestmem.c kernel/drivers/e820.c \
	$(sort $(wildcard kernel/services/*.c kernel/protocols/*.c)) \
	kernel/base/request_loop.c tests/sim/guestmem_sim.c tests/sim/guest.c \
	$(wildcard kernel/arch/fake/zero.c) \
	tests/unit/support/snp_sim_platform.c $(SNP_TEST_SRCS)

# SPDX-License-Identifier: MIT
# The SVSM core protocol (kernel/protocols, kernel/services), the request
# loop and guestmem, driven by a simulated VMPL2 guest (tests/sim/guest.c)
# on the stand-in simulator tests/unit/support/sim_fake.c.
PROTOCOL_TEST_SRCS := kernel/mm/guestmem.c kernel/services/vcpu.c \
	kernel/services/pvalidate.c kernel/protocols/dispatch.c \
	kernel/protocols/core.c kernel/protocols/core_pvalidate.c \
	kernel/base/request_loop.c tests/sim/guestmem_sim.c tests/sim/guest.c \
	tests/unit/support/sim_fake.c tests/unit/support/protocol_env.c \
	tests/unit/support/log_capture.c tests/unit/support/panic.c \
	lib/log.c lib/printf.c

UNIT_TESTS += core_protocol
test_core_protocol_SRCS := tests/unit/test_core_protocol.c \
	$(PROTOCOL_TEST_SRCS)

UNIT_TESTS += guestmem
test_guestmem_SRCS := tests/unit/test_guestmem.c kernel/mm/guestmem.c \
	kernel/services/vcpu.c tests/sim/guestmem_sim.c \
	tests/unit/support/sim_fake.c tests/unit/support/panic.c

# The same stack on the real SNP platform code and simulator: recursive
# assignment, SNP_TEST_SRCS comes from tests/unit/snp_platform.mk.
UNIT_TESTS += protocol_snp
test_protocol_snp_SRCS = tests/unit/test_protocol_snp.c kernel/mm/guestmem.c \
	kernel/services/vcpu.c kernel/services/pvalidate.c \
	kernel/protocols/dispatch.c kernel/protocols/core.c \
	kernel/protocols/core_pvalidate.c kernel/base/request_loop.c \
	tests/sim/guestmem_sim.c tests/sim/guest.c \
	tests/unit/support/snp_sim_platform.c $(SNP_TEST_SRCS)

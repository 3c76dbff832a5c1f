# SPDX-License-Identifier: MIT
# The SVSM core protocol (kernel/protocols, kernel/services), the request
# loop and guestmem, driven by a simulated VMPL2 guest (tests/sim/guest.c)
# on the SNP platform code and the simulated machine (tests/sim). The
# fuzzer (tests/fuzz/protocol.mk) and the benchmark (below) run the same.
# Recursive assignments: SNP_TEST_SRCS comes from tests/unit/snp_platform.mk.
PROTOCOL_STACK_SRCS := kernel/mm/guestmem.c kernel/drivers/e820.c \
	kernel/services/vcpu.c kernel/services/pvalidate.c \
	kernel/protocols/dispatch.c kernel/protocols/core.c \
	kernel/protocols/core_pvalidate.c kernel/base/request_loop.c \
	kernel/arch/fake/zero.c tests/sim/guestmem_sim.c tests/sim/guest.c \
	tests/unit/support/snp_sim_platform.c \
	tests/unit/support/protocol_env.c
# The stack without cmocka's svsm_panic() (fuzzer, benchmark).
PROTOCOL_STACK_NOTEST_SRCS = $(PROTOCOL_STACK_SRCS) \
	$(filter-out tests/unit/support/panic.c,$(SNP_TEST_SRCS))

UNIT_TESTS += core_protocol protocol_snp guestmem
test_core_protocol_SRCS = tests/unit/test_core_protocol.c \
	$(PROTOCOL_STACK_SRCS) $(SNP_TEST_SRCS)
test_protocol_snp_SRCS = tests/unit/test_protocol_snp.c \
	$(PROTOCOL_STACK_SRCS) $(SNP_TEST_SRCS)
test_guestmem_SRCS = tests/unit/test_guestmem.c $(PROTOCOL_STACK_SRCS) \
	$(SNP_TEST_SRCS)

# make bench's protocol figures (scripts/bench.py runs `make bench-protocol`).
# Objects are the unit tests' (same flags); the recipe expands the lists
# late, once snp_platform.mk has set them.
PROTOCOL_BENCH_OBJS = $(patsubst %.c,$(HOST_OBJ)/%.o, \
	tests/bench/bench_protocol.c $(PROTOCOL_STACK_NOTEST_SRCS))
.PHONY: bench-protocol
bench-protocol: | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory $(PROTOCOL_BENCH_OBJS)
	$(call say,LINK,$(HOST_OBJ)/tests/bench_protocol)
	$(Q)$(HOSTCC) -o $(HOST_OBJ)/tests/bench_protocol $(PROTOCOL_BENCH_OBJS)

# SPDX-License-Identifier: MIT
# The SVSM protocol decoder from raw registers, calling-area bytes and
# request pages, through the request loop on the stand-in simulator.
# Seeds in tests/fuzz/corpus/protocol/ (one per core call; see its README).
FUZZ_TARGETS += protocol
fuzz_protocol_SRCS := tests/fuzz/fuzz_protocol.c kernel/mm/guestmem.c \
	kernel/services/vcpu.c kernel/services/pvalidate.c \
	kernel/protocols/dispatch.c kernel/protocols/core.c \
	kernel/protocols/core_pvalidate.c kernel/base/request_loop.c \
	tests/sim/guestmem_sim.c tests/sim/guest.c \
	tests/unit/support/sim_fake.c tests/unit/support/protocol_env.c \
	lib/log.c lib/printf.c

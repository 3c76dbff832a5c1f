# SPDX-License-Identifier: MIT
# The SVSM protocol decoder from raw registers, calling-area bytes and
# request pages, through the request loop on the SNP platform code and the
# simulated machine (tests/sim), as the protocol unit tests run it
# (PROTOCOL_STACK_NOTEST_SRCS: tests/unit/protocol.mk).
# Seeds in tests/fuzz/corpus/protocol/ (one per core call; see its README).
FUZZ_TARGETS += protocol
fuzz_protocol_SRCS = tests/fuzz/fuzz_protocol.c $(PROTOCOL_STACK_NOTEST_SRCS)

# SPDX-License-Identifier: MIT
# igvmmeasure: SEV-SNP launch digest, dump and ID block signing. Everything
# but main.c is in IGVMMEASURE_LIB_SRCS so that the unit tests and the fuzzer
# (tests/unit/igvmmeasure.mk, tests/fuzz/igvmmeasure.mk) link the same code.
IGVMMEASURE_LIB_SRCS := tools/igvmmeasure/measure.c \
	tools/igvmmeasure/idblock.c tools/igvmmeasure/rewrite.c \
	tools/igvmmeasure/dump.c tools/igvmmeasure/cli.c

HOST_TOOLS += igvmmeasure
igvmmeasure_SRCS := tools/igvmmeasure/main.c $(IGVMMEASURE_LIB_SRCS) \
	$(IGVM_LIB_SRCS)
igvmmeasure_LIBS := -lcrypto

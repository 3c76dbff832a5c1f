# SPDX-License-Identifier: MIT
# igvmmeasure (tools/igvmmeasure): digest, KVM checks, ID block, dump, CLI.
UNIT_TESTS += igvmmeasure
test_igvmmeasure_SRCS := tests/unit/test_igvmmeasure.c \
	$(IGVMMEASURE_LIB_SRCS) $(IGVM_LIB_SRCS) tests/unit/support/panic.c
test_igvmmeasure_LIBS := -lcrypto

# SPDX-License-Identifier: MIT
# igvmbuilder (tools/igvmbuilder): presets, and whole images built from
# synthetic stage2, kernel and OVMF inputs, read back with lib/igvm_parse.c
# and checked with igvmmeasure's digest and KVM rules.
IGVMBUILDER_TEST_SRCS := $(IGVMBUILDER_LIB_SRCS) \
	tests/unit/support/igvmbuilder_util.c tests/unit/support/ovmf_fake.c \
	tests/unit/support/panic.c

UNIT_TESTS += igvmbuilder_build igvmbuilder_config
test_igvmbuilder_build_SRCS := tests/unit/igvmbuilder_build.c \
	$(IGVMBUILDER_TEST_SRCS) tools/igvmmeasure/measure.c
test_igvmbuilder_build_LIBS := -ljson-c -lcrypto
test_igvmbuilder_config_SRCS := tests/unit/igvmbuilder_config.c \
	$(IGVMBUILDER_TEST_SRCS)
test_igvmbuilder_config_LIBS := -ljson-c

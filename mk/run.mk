# SPDX-License-Identifier: MIT
# Running the SVSM and the test suites that boot it.

QEMU ?= qemu-system-x86_64
TEST_TIMEOUT ?= 120
TEST_CONFIG := configs/test/qemu-test-target.json

.PHONY: run test-in-svsm e2e check lint bench

ifneq ($(NEED_CONFIG),)
run: all
	QEMU=$(QEMU) IGVM=$(IGVM_FILE) scripts/launch_guest.sh
endif

# Builds the test kernel from its own config, then boots it.
test-in-svsm: | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory CONFIG=$(TEST_CONFIG) RELEASE=$(RELEASE) FEATURES=$(FEATURES) all
	QEMU=$(QEMU) TEST_TIMEOUT=$(TEST_TIMEOUT) scripts/test-in-svsm.sh

e2e: all | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory CONFIG=$(TEST_CONFIG) all
	QEMU=$(QEMU) python3 tests/e2e/run.py --svsm-bin $(SVSM_BIN) --igvm $(IGVM_FILE)

lint: | $(SETUP_STAMP)
	$(Q)scripts/lint.sh

check: | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory unit-tests
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_TIME=$(or $(CHECK_FUZZ_TIME),15)
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)$(MAKE) --no-print-directory test-in-svsm
	$(Q)$(MAKE) --no-print-directory e2e
	@echo "make check: all tests passed"

bench: | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory all tools bench-tools
	$(Q)$(MAKE) --no-print-directory CONFIG=$(TEST_CONFIG) all
	$(Q)python3 scripts/bench.py $(OBJ)

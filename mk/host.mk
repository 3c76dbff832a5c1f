# SPDX-License-Identifier: MIT
# Host side: tools (igvmbuilder, igvmmeasure, mksvsmbin, cbit), cmocka unit
# tests (plain and under ASan+UBSan) and libFuzzer targets.

HOST_OBJ := $(BUILD)/host
HOST_ASAN_OBJ := $(BUILD)/host-asan
HOST_FUZZ_OBJ := $(BUILD)/host-fuzz

HOST_WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -DSVSM_HOST -Iinclude -Ikernel/arch/fake/include \
	-O2 -g -fno-strict-aliasing $(HOST_WARN)
HOST_ASAN_CFLAGS := $(filter-out -O2,$(HOST_CFLAGS)) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_ASAN_LDFLAGS := -fsanitize=address,undefined
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -DSVSM_HOST -DSVSM_FUZZ -Iinclude -Ikernel/arch/fake/include \
	-O1 -g -fno-omit-frame-pointer $(HOST_WARN) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(HOST_OBJ)/%.o: %.c | $(SETUP_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_ASAN_OBJ)/%.o: %.c | $(SETUP_STAMP)
	$(call say,HOSTCC,$< [asan])
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_ASAN_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_FUZZ_OBJ)/%.o: %.c | $(SETUP_STAMP)
	$(call say,CLANG,$< [fuzz])
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(HOST_OBJ) $(HOST_ASAN_OBJ) $(HOST_FUZZ_OBJ) -name '*.d' 2>/dev/null)

# --- host tools -------------------------------------------------------------
# Each tools/*/tool.mk appends to HOST_TOOLS and sets <tool>_SRCS/<tool>_LIBS.
HOST_TOOLS :=
include $(sort $(wildcard tools/*/tool.mk))

define host_tool_template
$(BIN)/$(1): $$(patsubst %.c,$(HOST_OBJ)/%.o,$$($(1)_SRCS))
	$$(call say,LINK,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(HOSTCC) -o $$@ $$^ $$($(1)_LIBS)
endef
$(foreach t,$(HOST_TOOLS),$(eval $(call host_tool_template,$(t))))

.PHONY: tools
tools: $(addprefix $(BIN)/,$(HOST_TOOLS))

utils/cbit: utils/cbit.c | $(SETUP_STAMP)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

# --- unit tests -------------------------------------------------------------
# Each tests/unit/*.mk appends a name to UNIT_TESTS and sets
# test_<name>_SRCS (and optionally test_<name>_LIBS).
UNIT_TESTS :=
include $(sort $(wildcard tests/unit/*.mk))

define unit_test_template
$(HOST_OBJ)/tests/test_$(1): $$(patsubst %.c,$(HOST_OBJ)/%.o,$$(test_$(1)_SRCS))
	$$(call say,LINK,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(HOSTCC) -o $$@ $$^ -lcmocka $$(test_$(1)_LIBS)
$(HOST_ASAN_OBJ)/tests/test_$(1): $$(patsubst %.c,$(HOST_ASAN_OBJ)/%.o,$$(test_$(1)_SRCS))
	$$(call say,LINK,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(HOSTCC) $(HOST_ASAN_LDFLAGS) -o $$@ $$^ -lcmocka $$(test_$(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_template,$(t))))

UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(HOST_OBJ)/tests/test_$(t) $(HOST_ASAN_OBJ)/tests/test_$(t))

.PHONY: test unit-tests
test: unit-tests
unit-tests: $(UNIT_BINS)
	$(Q)scripts/run-unit-tests.sh $(UNIT_BINS)

# --- fuzzing ----------------------------------------------------------------
# Each tests/fuzz/*.mk appends to FUZZ_TARGETS and sets fuzz_<name>_SRCS.
FUZZ_TARGETS :=
FUZZ_TIME ?= 20
include $(sort $(wildcard tests/fuzz/*.mk))

define fuzz_template
$(HOST_FUZZ_OBJ)/fuzz_$(1): $$(patsubst %.c,$(HOST_FUZZ_OBJ)/%.o,$$(fuzz_$(1)_SRCS))
	$$(call say,LINK,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined -o $$@ $$^ $$(fuzz_$(1)_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_template,$(t))))

FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),$(HOST_FUZZ_OBJ)/fuzz_$(t))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_BINS)
	$(Q)scripts/run-fuzzers.sh $(FUZZ_TIME) $(FUZZ_BINS)

# --- benchmarks -------------------------------------------------------------
$(HOST_OBJ)/tests/bench_mm: $(patsubst %.c,$(HOST_OBJ)/%.o,tests/bench/bench_mm.c \
		kernel/mm/page_alloc.c kernel/mm/heap.c lib/log.c lib/printf.c)
	$(call say,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $^

.PHONY: bench-tools
bench-tools: $(HOST_OBJ)/tests/bench_mm

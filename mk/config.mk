# SPDX-License-Identifier: MIT
# Build configuration: CONFIG (a JSON preset), FEATURES, FW_FILE, ACPI paths.
# The preset is read by igvmbuilder (json-c), which prints it as make
# variables; a bad preset or variable stops the build here with a message.

CONFIG ?= configs/qemu-target.json
FEATURES ?=
FW_FILE ?= /usr/share/ovmf/OVMF.fd
ACPI_RSDP_PATH ?= etc/acpi/rsdp
ACPI_TABLES_PATH ?= etc/acpi/tables

# Features the code implements; anything else is an error.
KNOWN_FEATURES := log-debug enable-gdb

comma := ,
empty :=
space := $(empty) $(empty)

HOST_ONLY_GOALS := test unit-tests fuzz fuzz-build tools setup clean distclean \
	utils/cbit lint format bench-tools $(addprefix $(BIN)/,$(HOST_TOOLS))
NEED_CONFIG := $(if $(MAKECMDGOALS),$(filter-out $(HOST_ONLY_GOALS) $(BUILD)/host/% $(BUILD)/host-asan/% $(BUILD)/host-fuzz/%,$(MAKECMDGOALS)),all)

ifneq ($(NEED_CONFIG),)
ifeq ($(wildcard $(CONFIG)),)
  $(error CONFIG=$(CONFIG): no such file)
endif

CONFIG_NAME := $(basename $(notdir $(CONFIG)))
FLAVOR := $(CONFIG_NAME)-$(FLAVOR_KIND)
OBJ := $(BUILD)/$(FLAVOR)
CONFIG_MK := $(OBJ)/config.mk

$(CONFIG_MK): $(CONFIG) $(BIN)/igvmbuilder
	$(call say,CONFIG,$(CONFIG))
	$(Q)mkdir -p $(@D)
	$(Q)$(BIN)/igvmbuilder --config $(CONFIG) --print-make > $@.tmp
	$(Q)mv $@.tmp $@

include $(CONFIG_MK)

ALL_FEATURES := $(sort $(subst $(comma),$(space),$(CFG_FEATURES) $(FEATURES)))
UNKNOWN_FEATURES := $(filter-out $(KNOWN_FEATURES),$(ALL_FEATURES))
ifneq ($(UNKNOWN_FEATURES),)
  $(error unknown feature(s): $(UNKNOWN_FEATURES) (known: $(KNOWN_FEATURES)))
endif
FEATURE_DEFS := $(foreach f,$(ALL_FEATURES),-DCONFIG_$(subst -,_,$(shell echo '$(f)' | tr a-z A-Z))=1)
endif

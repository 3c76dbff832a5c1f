# SPDX-License-Identifier: MIT
# Shared variables: verbosity, directories, setup of build dependencies.

SHELL := /bin/bash
TOP := $(CURDIR)

V ?= 0
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif

RELEASE ?=
ifneq ($(filter-out 0 1,$(RELEASE)),)
  $(error RELEASE must be 1 or unset, got '$(RELEASE)')
endif
FLAVOR_KIND := $(if $(filter 1,$(RELEASE)),release,debug)

CC := gcc
HOSTCC := gcc
CLANG := clang
LD := ld
OBJCOPY := objcopy

BIN := bin
BUILD := build

# Writes $2 into file $1 only when it changed, so that objects depending on
# the file are rebuilt exactly when their flags change.
define update_stamp
$(shell mkdir -p $(dir $(1)) && { printf '%s\n' '$(2)' | cmp -s - '$(1)' || printf '%s\n' '$(2)' > '$(1)'; })
endef

# Installs missing Debian packages (or says which command to run) once.
SETUP_STAMP := $(BUILD)/.setup-done
$(SETUP_STAMP): scripts/setup.sh
	$(Q)scripts/setup.sh
	$(Q)mkdir -p $(dir $@) && touch $@

.PHONY: setup
setup: $(SETUP_STAMP)

.PHONY: clean distclean
clean:
	rm -rf $(BUILD) $(BIN) utils/cbit
distclean: clean

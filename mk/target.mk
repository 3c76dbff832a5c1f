# SPDX-License-Identifier: MIT
# The bare-metal parts: the svsm.bin loader (32-bit), stage2 and the kernel
# (64-bit), then the IGVM file and svsm.bin.

ifneq ($(NEED_CONFIG),)
ifneq ($(CFG_OUTPUT),)

GCC_INC := $(shell $(CC) -print-file-name=include)
OPT_FLAGS := $(if $(filter 1,$(RELEASE)),-O2 -DNDEBUG,-O2 -DDEBUG)

TARGET_CFLAGS := -std=c11 -ffreestanding -nostdinc -isystem $(GCC_INC) -Iinclude -Ikernel/arch/x86/include \
	-Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -fno-stack-protector \
	-fno-strict-aliasing -fno-common -fcf-protection=none -g $(OPT_FLAGS) \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -ffunction-sections
TARGET_ASFLAGS := -D__ASSEMBLY__ -Wa,--noexecstack

LOADER_CFLAGS := $(TARGET_CFLAGS) -m32 -march=i686 -fno-pic -Os -DSVSM_LOADER
STAGE2_CFLAGS := $(TARGET_CFLAGS) -m64 -mno-red-zone -fno-pic -mcmodel=small \
	-fno-omit-frame-pointer -DSVSM_STAGE2
KERNEL_CFLAGS := $(TARGET_CFLAGS) -m64 -mno-red-zone -fpie -include svsm/hidden.h \
	-mcmodel=small -fno-omit-frame-pointer -DSVSM_KERNEL $(FEATURE_DEFS) \
	-DACPI_RSDP_PATH='"$(ACPI_RSDP_PATH)"' -DACPI_TABLES_PATH='"$(ACPI_TABLES_PATH)"' \
	$(if $(filter test,$(CFG_KERNEL_TYPE)),-DSVSM_TEST_IN_SVSM)

# Rebuild every object of a component when its flags change.
LOADER_STAMP := $(OBJ)/loader/flags
STAGE2_STAMP := $(OBJ)/stage2/flags
KERNEL_STAMP := $(OBJ)/kernel/flags
$(call update_stamp,$(LOADER_STAMP),$(LOADER_CFLAGS))
$(call update_stamp,$(STAGE2_STAMP),$(STAGE2_CFLAGS))
$(call update_stamp,$(KERNEL_STAMP),$(KERNEL_CFLAGS))

LIB_SRCS := lib/printf.c lib/string.c lib/crc32.c lib/log.c lib/strerror.c

LOADER_SRCS := boot/loader/entry.S $(sort $(wildcard boot/loader/*.c)) \
	lib/igvm_parse.c lib/crc32.c lib/string.c lib/printf.c kernel/drivers/uart.c \
	kernel/arch/x86/io.c
STAGE2_SRCS := boot/stage2/entry.S $(sort $(wildcard boot/stage2/*.c)) \
	kernel/mm/page_alloc.c kernel/mm/pgtable.c kernel/drivers/uart.c \
	kernel/arch/x86/io.c kernel/arch/x86/tlb.c lib/elf.c $(LIB_SRCS)
KERNEL_SRCS := $(sort $(filter-out $(if $(filter enable-gdb,$(ALL_FEATURES)),,kernel/debug/%), \
	$(shell find kernel -path kernel/arch/fake -prune -o \( -name '*.c' -o -name '*.S' \) -print))) \
	$(LIB_SRCS) $(if $(filter test,$(CFG_KERNEL_TYPE)),$(sort $(wildcard tests/in-svsm/*.c)))

objs = $(patsubst %.S,$(OBJ)/$(1)/%.o,$(patsubst %.c,$(OBJ)/$(1)/%.o,$(2)))
LOADER_OBJS := $(call objs,loader,$(LOADER_SRCS))
STAGE2_OBJS := $(call objs,stage2,$(STAGE2_SRCS))
KERNEL_OBJS := $(call objs,kernel,$(KERNEL_SRCS))

define component_rules
$(OBJ)/$(1)/%.o: %.c $$($(2)_STAMP) | $(SETUP_STAMP)
	$$(call say,CC,$$< [$(1)])
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(CC) $$($(2)_CFLAGS) -MMD -MP -c $$< -o $$@
$(OBJ)/$(1)/%.o: %.S $$($(2)_STAMP) | $(SETUP_STAMP)
	$$(call say,AS,$$< [$(1)])
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(CC) $$($(2)_CFLAGS) $(TARGET_ASFLAGS) -MMD -MP -c $$< -o $$@
endef
$(eval $(call component_rules,loader,LOADER))
$(eval $(call component_rules,stage2,STAGE2))
$(eval $(call component_rules,kernel,KERNEL))

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

$(OBJ)/loader.elf: $(LOADER_OBJS) boot/loader/loader.ld
	$(call say,LD,$@)
	$(Q)$(LD) -m elf_i386 -nostdlib -static --no-warn-rwx-segments -z noexecstack -T boot/loader/loader.ld --gc-sections -o $@ $(LOADER_OBJS)

$(OBJ)/loader.bin: $(OBJ)/loader.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary -j .rom $< $@

$(OBJ)/stage2.elf: $(STAGE2_OBJS) boot/stage2/stage2.ld
	$(call say,LD,$@)
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static -z max-page-size=4096 -z noexecstack \
		-T boot/stage2/stage2.ld --gc-sections -o $@ $(STAGE2_OBJS)

$(OBJ)/kernel.elf: $(KERNEL_OBJS) kernel/kernel.ld
	$(call say,LD,$@)
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static -no-pie -z max-page-size=4096 \
		-z noexecstack -T kernel/kernel.ld --gc-sections -o $@ $(KERNEL_OBJS)

# The kernel ELF inside the image keeps its symbol table (for backtraces)
# but not its debug information; bin/ keeps the full one for gdb.
$(OBJ)/kernel-stripped.elf: $(OBJ)/kernel.elf
	$(call say,STRIP,$@)
	$(Q)$(OBJCOPY) --strip-debug $< $@

$(BIN)/$(CFG_KERNEL_ELF): $(OBJ)/kernel.elf
	$(Q)mkdir -p $(@D) && cp $< $@

# The firmware path is an input too: changing it (even to an older file, or to
# one that does not exist) must rebuild, so that igvmbuilder checks it.
FW_STAMP := $(OBJ)/firmware-path
$(call update_stamp,$(FW_STAMP),$(if $(CFG_FIRMWARE),$(FW_FILE)))

IGVM_FILE := $(BIN)/$(CFG_OUTPUT)
SVSM_BIN := $(BIN)/$(CFG_SVSM_BIN)

# With "measure": "print" the preset asks for the SEV-SNP launch digest; the
# KVM checks make sure it is the digest QEMU/KVM will produce.
$(IGVM_FILE): $(OBJ)/stage2.elf $(OBJ)/kernel-stripped.elf $(BIN)/igvmbuilder \
		$(BIN)/igvmmeasure $(CONFIG) $(FW_STAMP) \
		$(if $(CFG_FIRMWARE),$(wildcard $(FW_FILE)))
	$(call say,IGVM,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BIN)/igvmbuilder --config $(CONFIG) --stage2 $(OBJ)/stage2.elf \
		--kernel $(OBJ)/kernel-stripped.elf $(if $(CFG_FIRMWARE),--firmware '$(FW_FILE)') \
		--output $@
ifeq ($(CFG_MEASURE),print)
	$(Q)digest=$$($(BIN)/igvmmeasure $@ measure --check-kvm) && \
		printf '  Launch digest: %s\n' "$$digest"
endif

$(SVSM_BIN): $(OBJ)/loader.bin $(IGVM_FILE) $(BIN)/mksvsmbin
	$(call say,MKBIN,$@)
	$(Q)$(BIN)/mksvsmbin --loader $(OBJ)/loader.bin --igvm $(IGVM_FILE) --output $@

$(BIN)/svsm-loader.bin: $(OBJ)/loader.bin
	$(Q)mkdir -p $(@D) && cp $< $@

.PHONY: all igvm
all: $(SVSM_BIN) $(BIN)/$(CFG_KERNEL_ELF) $(BIN)/svsm-loader.bin tools
igvm: $(IGVM_FILE)

endif
endif

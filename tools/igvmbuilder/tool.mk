# SPDX-License-Identifier: MIT
# igvmbuilder: builds the IGVM file from the preset, stage2, the kernel and the
# guest firmware. Everything but main.c is in IGVMBUILDER_LIB_SRCS so that the
# unit tests (tests/unit/igvmbuilder_*.mk) and the OVMF fuzzer
# (tests/fuzz/ovmf_parse.mk) link the same code.
IGVMBUILDER_LIB_SRCS := tools/igvmbuilder/cli.c tools/igvmbuilder/config.c \
	tools/igvmbuilder/build.c tools/igvmbuilder/diag.c \
	tools/igvmbuilder/firmware.c tools/igvmbuilder/ovmf.c \
	tools/igvmbuilder/snp.c lib/elf.c $(IGVM_LIB_SRCS)

HOST_TOOLS += igvmbuilder
igvmbuilder_SRCS := tools/igvmbuilder/main.c $(IGVMBUILDER_LIB_SRCS)
igvmbuilder_LIBS := -ljson-c

# SPDX-License-Identifier: MIT
HOST_TOOLS += igvmbuilder
igvmbuilder_SRCS := tools/igvmbuilder/main.c tools/igvmbuilder/config.c \
	tools/igvmbuilder/build.c tools/igvmbuilder/firmware.c lib/elf.c \
	$(IGVM_LIB_SRCS)
igvmbuilder_LIBS := -ljson-c

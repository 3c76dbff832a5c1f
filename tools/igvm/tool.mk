# SPDX-License-Identifier: MIT
# IGVM writer and reader shared by the host tools. This directory builds no
# tool of its own: a tool's tool.mk (read after this one, see mk/host.mk)
# adds $(IGVM_LIB_SRCS) to its <tool>_SRCS.
IGVM_LIB_SRCS := tools/igvm/writer.c lib/igvm_parse.c lib/crc32.c

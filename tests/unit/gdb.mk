# SPDX-License-Identifier: MIT
# GDB remote protocol, target side (kernel/debug/gdb_proto.c), against a fake
# target with bounded memory, three threads and the kernel stub's breakpoint
# limits.
UNIT_TESTS += gdb_proto
test_gdb_proto_SRCS := tests/unit/test_gdb_proto.c kernel/debug/gdb_proto.c \
	tests/unit/support/panic.c

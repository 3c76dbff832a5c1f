# SPDX-License-Identifier: MIT
# GDB remote protocol, target side (kernel/debug/gdb_proto.c): arbitrary bytes
# from "gdb", every reply checked for framing, checksum and size. Seeds in
# tests/fuzz/corpus/gdb_proto/ are hand-written gdb session transcripts.
FUZZ_TARGETS += gdb_proto
fuzz_gdb_proto_SRCS := tests/fuzz/fuzz_gdb_proto.c kernel/debug/gdb_proto.c

# SPDX-License-Identifier: MIT
# IGVM reader (lib/igvm_parse.c) and host writer (tools/igvm/writer.c).
IGVM_TEST_SRCS := tools/igvm/writer.c lib/igvm_parse.c lib/crc32.c \
	tests/unit/support/panic.c

UNIT_TESTS += igvm_parse igvm_writer
test_igvm_parse_SRCS := tests/unit/test_igvm_parse.c $(IGVM_TEST_SRCS)
test_igvm_writer_SRCS := tests/unit/test_igvm_writer.c $(IGVM_TEST_SRCS)

# SPDX-License-Identifier: MIT
# IGVM reader: igvm_open() and a full walk of arbitrary input. Seeds in
# tests/fuzz/corpus/igvm_parse/ come from
# "build/host/tests/test_igvm_writer --write-corpus DIR".
FUZZ_TARGETS += igvm_parse
fuzz_igvm_parse_SRCS := tests/fuzz/fuzz_igvm_parse.c lib/igvm_parse.c \
	lib/crc32.c

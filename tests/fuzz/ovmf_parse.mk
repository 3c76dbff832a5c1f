# SPDX-License-Identifier: MIT
# OVMF GUID table and SEV metadata reader, and the firmware block built from
# it. Seeds in tests/fuzz/corpus/ovmf_parse/ come from
# "build/host/tests/test_ovmf_parse --write-corpus DIR".
FUZZ_TARGETS += ovmf_parse
fuzz_ovmf_parse_SRCS := tests/fuzz/ovmf_parse_fuzz.c \
	tools/igvmbuilder/ovmf.c tools/igvmbuilder/firmware.c \
	tools/igvmbuilder/diag.c

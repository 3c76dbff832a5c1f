# SPDX-License-Identifier: MIT
# OVMF GUID table and SEV metadata reader (tools/igvmbuilder/ovmf.c), on
# synthetic images (tests/unit/support/ovmf_fake.c).
UNIT_TESTS += ovmf_parse
test_ovmf_parse_SRCS := tests/unit/ovmf_parse.c tools/igvmbuilder/ovmf.c \
	tests/unit/support/ovmf_fake.c

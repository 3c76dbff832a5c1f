# SPDX-License-Identifier: MIT
# igvmmeasure: dump, SNP digest, KVM checks and re-emission of arbitrary
# input. Seeds in tests/fuzz/corpus/igvmmeasure/: a few igvm_parse seeds and
# files with an SNP VMSA, an ID block and parameter inserts.
FUZZ_TARGETS += igvmmeasure
fuzz_igvmmeasure_SRCS := tests/fuzz/fuzz_igvmmeasure.c \
	$(IGVMMEASURE_LIB_SRCS) $(IGVM_LIB_SRCS)
fuzz_igvmmeasure_LIBS := -lcrypto

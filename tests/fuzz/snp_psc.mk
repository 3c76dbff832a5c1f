# SPDX-License-Identifier: MIT
# The pure SNP parsers of hypervisor- and instruction-controlled input:
# the PSC response checker and descriptor builder, the #VC instruction
# decoder and CPUID page lookups (kernel/platform/snp/). Seeds in
# tests/fuzz/corpus/snp_psc/ (see the README there).
FUZZ_TARGETS += snp_psc
fuzz_snp_psc_SRCS := tests/fuzz/fuzz_snp_psc.c \
	kernel/platform/snp/psc_check.c kernel/platform/snp/vc_decode.c \
	kernel/platform/snp/cpuid_table.c

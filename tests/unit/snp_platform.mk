# SPDX-License-Identifier: MIT
# The SEV-SNP platform layer (kernel/platform/snp) on the simulated
# hypervisor and RMP (tests/sim): the same C files as in the kernel, with
# kernel/arch/fake/snp.c forwarding the SNP instructions to the simulator.
SNP_TEST_SRCS := kernel/platform/snp/sev_status.c \
	kernel/platform/snp/ghcb_msr.c kernel/platform/snp/ghcb.c \
	kernel/platform/snp/psc.c kernel/platform/snp/psc_check.c \
	kernel/platform/snp/pvalidate.c kernel/platform/snp/cpuid.c \
	kernel/platform/snp/cpuid_table.c kernel/platform/snp/vc.c \
	kernel/platform/snp/vc_decode.c \
	kernel/platform/snp/vmsa.c kernel/platform/snp/secrets.c \
	kernel/platform/snp/console.c kernel/platform/snp/snp_platform.c \
	kernel/platform/snp/launch.c kernel/platform/snp/launch_check.c \
	kernel/platform/snp/launch_vmsa.c \
	kernel/arch/fake/snp.c \
	tests/sim/memory.c tests/sim/rmp.c tests/sim/hv.c tests/sim/hv_nae.c \
	tests/sim/hv_psc.c tests/sim/race.c tests/sim/snp_glue.c \
	tests/sim/snp_env.c \
	lib/log.c lib/printf.c lib/strerror.c \
	tests/unit/support/log_capture.c tests/unit/support/panic.c

UNIT_TESTS += snp_msr snp_ghcb snp_psc snp_vc snp_vmsa
test_snp_msr_SRCS := tests/unit/test_snp_msr.c $(SNP_TEST_SRCS)
test_snp_ghcb_SRCS := tests/unit/test_snp_ghcb.c $(SNP_TEST_SRCS) \
	kernel/drivers/uart.c
test_snp_psc_SRCS := tests/unit/test_snp_psc.c $(SNP_TEST_SRCS)
test_snp_vc_SRCS := tests/unit/test_snp_vc.c $(SNP_TEST_SRCS)
test_snp_vmsa_SRCS := tests/unit/test_snp_vmsa.c $(SNP_TEST_SRCS)

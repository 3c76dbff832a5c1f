/* SPDX-License-Identifier: MIT */
/* Helpers shared by the files of kernel/platform/snp only. */
#ifndef SNP_INTERNAL_H
#define SNP_INTERNAL_H

#include <arch/cpu.h>
#include <svsm/hw/ghcb.h>
#include <svsm/types.h>

/*
 * A GHCB exchange or MSR-protocol exchange must not be interleaved with
 * another one on the same CPU: interrupts stay off across it.
 */
static inline u64 snp_irq_save(void)
{
	u64 flags = arch_read_rflags();

	arch_irq_disable();
	return flags;
}

static inline void snp_irq_restore(u64 flags)
{
	if (flags & RFLAGS_IF) {
		arch_irq_enable();
	}
}

/* PSMASH/UNSMASH: PSC operations that exist for 2 MiB entries only. */
static inline bool snp_psc_op_is_smash(u64 op)
{
	return op == PSC_OP_PSMASH || op == PSC_OP_UNSMASH;
}

/* The SVSM's own kernel region, from the launch info (snp_platform.c). */
extern phys_addr_t snp_region_start, snp_region_end;

#ifdef SVSM_HOST
/* Host tests: forget all state between tests (snp_host_reset()). */
void snp_ghcb_host_reset(void);
void snp_pvalidate_host_reset(void);
void snp_cpuid_host_reset(void);
void snp_secrets_host_reset(void);
#endif

#endif

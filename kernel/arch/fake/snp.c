/* SPDX-License-Identifier: MIT */
/*
 * Host implementation of <svsm/arch/snp.h>: every SNP instruction and the
 * GHCB MSR go to the simulator in tests/sim (RMP model and hypervisor), so
 * the platform code runs unchanged in host tests.
 */
#include <svsm/arch/snp.h>

#include "../../../tests/sim/sim.h"

int arch_pvalidate(virt_addr_t va, bool huge, bool validate, bool *unchanged)
{
	return sim_pvalidate(va, huge, validate, unchanged);
}

int arch_rmpadjust(virt_addr_t va, bool huge, u64 attrs)
{
	return sim_rmpadjust(va, huge, attrs);
}

u64 arch_ghcb_msr_read(void)
{
	return sim_ghcb_msr_read();
}

void arch_ghcb_msr_write(u64 value)
{
	sim_ghcb_msr_write(value);
}

void arch_vmgexit(void)
{
	sim_vmgexit();
}

u64 arch_sev_status(void)
{
	return sim_sev_status();
}

u64 arch_snp_read_xcr0(void)
{
	return sim_hv.xcr0;
}

void arch_snp_halt(void)
{
	sim_halt();
}

void arch_snp_flush_tlb_global(void)
{
	sim_hv.tlb_flushes++;
}

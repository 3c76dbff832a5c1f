/* SPDX-License-Identifier: MIT */
/*
 * platform_*() for host tests that run the protocol stack on the real SNP
 * platform code (kernel/platform/snp) and the simulator (tests/sim):
 * kernel/platform/platform.c cannot link on the host (the native platform
 * needs port I/O). The SNP platform's run_guest is the GHCB MSR "Run
 * VMPL" request, which the simulated hypervisor turns into a call of
 * sim_hv.guest.
 */
#include <svsm/platform.h>

const struct platform *platform_get(void)
{
	return &snp_platform;
}

int platform_pvalidate(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged)
{
	return snp_platform.pvalidate(pa, huge, validate, unchanged);
}

int platform_rmpadjust(phys_addr_t pa, bool huge, u64 attrs)
{
	return snp_platform.rmpadjust(pa, huge, attrs);
}

void platform_flush_guest_tlb(void)
{
	snp_platform.flush_guest_tlb();
}

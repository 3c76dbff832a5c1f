/* SPDX-License-Identifier: MIT */
/*
 * Host side of the SNP glue (include/svsm/snp.h): SVSM pages come from the
 * simulator's page allocator, "mappings" are pointers into its arena, and
 * the CPU index is the simulated vCPU. The kernel side is
 * kernel/platform/snp/glue_kernel.c.
 */
#include <svsm/snp.h>

#include "sim.h"

u32 sim_glue_temp_maps;
u32 sim_glue_vc_installs;

void sim_glue_reset(void)
{
	sim_glue_temp_maps = 0;
	sim_glue_vc_installs = 0;
}

u32 snp_glue_cpu_index(void)
{
	return sim_cpu();
}

void *snp_glue_alloc_pages(unsigned int order)
{
	return sim_alloc_pages(order);
}

void snp_glue_free_pages(void *va)
{
	sim_free_pages(va);
}

phys_addr_t snp_glue_virt_to_phys(const void *va)
{
	u64 gpa = sim_va_to_gpa(va);

	if (gpa == SIM_BAD_GPA) {
		sim_error("virt_to_phys of %p, not SVSM memory", va);
	}
	return gpa;
}

void *snp_glue_map_temp(phys_addr_t pa, bool huge)
{
	u64 size = huge ? PAGE_SIZE_2M : PAGE_SIZE;
	void *va;

	if (sim_glue_temp_maps) {
		sim_error("two temporary mappings at once (0x%llx)", pa);
	}
	if (!IS_ALIGNED(pa, size)) {
		return NULL;
	}
	va = sim_gpa_to_va(pa, size);
	if (va) {
		sim_glue_temp_maps++;
	}
	return va;
}

void snp_glue_unmap_temp(void *va, bool huge)
{
	if (!sim_glue_temp_maps) {
		sim_error("unmap of a temporary mapping never made");
		return;
	}
	sim_glue_temp_maps--;
}

void *snp_glue_map_shared(phys_addr_t pa)
{
	struct sim_rmp_entry *e = sim_rmp(pa);

	if (!e || e->assigned) {
		sim_error("0x%llx mapped shared while private", pa);
	}
	return sim_gpa_to_va(pa, PAGE_SIZE);
}

void *snp_glue_early_ptr(phys_addr_t pa)
{
	return sim_gpa_to_va(pa, PAGE_SIZE);
}

void snp_vc_install(void)
{
	sim_glue_vc_installs++;
}

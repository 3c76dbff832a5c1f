/* SPDX-License-Identifier: MIT */
#ifndef BOOT_STAGE2_STAGE2_H
#define BOOT_STAGE2_STAGE2_H

#include <svsm/boot/boot_params.h>
#include <svsm/boot/launch_info.h>
#include <svsm/types.h>

/* The kernel region: physical start and size (2 MiB aligned). */
struct stage2_region {
	phys_addr_t phys;
	u64 size;
};

extern char stage2_pml4[];

__noreturn __printf(1, 2) void stage2_fail(const char *fmt, ...);

/* Checks the region in the boot parameters against the memory map. */
void stage2_find_kernel_region(const struct svsm_boot_params *bp,
			       struct stage2_region *region);

/*
 * Loads the kernel ELF into the mapped region, copies what the kernel needs
 * after it and returns the launch info (kernel virtual address).
 */
struct svsm_launch_info *stage2_load_kernel(const struct svsm_boot_params *bp,
					    const struct stage2_region *region,
					    u64 *entry);

#endif

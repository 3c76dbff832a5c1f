/* SPDX-License-Identifier: MIT */
/*
 * Mappings of physical memory outside the kernel region (MMIO, low memory)
 * in the VMAP window. Each mapping is followed by an unmapped guard page.
 */
#ifndef SVSM_VMAP_H
#define SVSM_VMAP_H

#include <svsm/types.h>

/*
 * Maps [pa, pa + size) (page aligned) with PGT_* flags. Returns the virtual
 * address, or NULL if the window is exhausted or mapping fails.
 */
void *vmap_phys(phys_addr_t pa, u64 size, u64 flags);
/* Removes a mapping made by vmap_phys (the address range is not reused). */
void vunmap(void *va, u64 size);
/* As vunmap, flushing only this CPU: the mapping was never used elsewhere. */
void vunmap_local(void *va, u64 size);

#endif

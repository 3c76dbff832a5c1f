/* SPDX-License-Identifier: MIT */
/*
 * Kernel memory: the page allocator and heap over the kernel region (under a
 * lock), the kernel page tables, and the linear mapping of the region:
 * virt = KERNEL_VIRT_BASE + (phys - region start).
 */
#ifndef SVSM_MM_H
#define SVSM_MM_H

#include <svsm/boot/launch_info.h>
#include <svsm/mm/page_alloc.h>
#include <svsm/mm/pgtable.h>
#include <svsm/types.h>

/* Sets up the page allocator and heap from the launch info. 0 or -SVSM_E*. */
int mm_init(const struct svsm_launch_info *li);
/* Builds the kernel's own page tables (W^X) and switches to them. */
int mm_init_kernel_pagetable(void);

void *mm_alloc_pages(unsigned int order);
void *mm_alloc_zeroed_pages(unsigned int order);
void mm_free_pages(void *va);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/* Linear-map conversions; only valid inside the kernel region. */
phys_addr_t mm_virt_to_phys(const void *va);
void *mm_phys_to_virt(phys_addr_t pa);
bool mm_phys_in_region(phys_addr_t pa, u64 len);

/* Kernel page-table changes (with TLB flush on this CPU). */
int mm_map(virt_addr_t va, phys_addr_t pa, u64 size, u64 flags);
int mm_unmap(virt_addr_t va, u64 size);
/*
 * Unmaps with a flush of this CPU's TLB only: for ranges no other CPU ever
 * touched (the GDB stub's aliases while the other CPUs are stopped).
 */
int mm_unmap_local(virt_addr_t va, u64 size);
int mm_walk(virt_addr_t va, struct pgtable_walk_result *res);
phys_addr_t mm_kernel_pt_root(void);

void mm_get_stats(struct page_pool_stats *stats);
void mm_print_memory_info(void);

#endif

/* SPDX-License-Identifier: MIT */
/* x86-64 4-level paging entry bits (AMD APM vol. 2, section 5.3). */
#ifndef SVSM_HW_X86_PTE_H
#define SVSM_HW_X86_PTE_H

#include <svsm/types.h>

#define PTE_P BIT(0)   /* present */
#define PTE_W BIT(1)   /* writable */
#define PTE_U BIT(2)   /* user */
#define PTE_PWT BIT(3) /* write-through */
#define PTE_PCD BIT(4) /* cache disable */
#define PTE_A BIT(5)   /* accessed */
#define PTE_D BIT(6)   /* dirty */
#define PTE_PS BIT(7)  /* large page (PDE/PDPTE) */
#define PTE_G BIT(8)   /* global */
#define PTE_NX BIT(63) /* no execute (needs EFER.NXE) */

/* Physical-address field of an entry (bits 51:12), C-bit excluded by caller. */
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PTE_ADDR_MASK_2M 0x000fffffffe00000ULL

#define PT_ENTRIES 512
#define PML4_SHIFT 39
#define PDPT_SHIFT 30
#define PD_SHIFT 21
#define PT_SHIFT 12

static inline unsigned int pt_index(u64 va, unsigned int shift)
{
	return (unsigned int)((va >> shift) & 0x1ff);
}

#endif

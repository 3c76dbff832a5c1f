/* SPDX-License-Identifier: MIT */
/* TLB maintenance, implemented in kernel/arch/x86 (and kernel/arch/fake). */
#ifndef SVSM_ARCH_TLB_H
#define SVSM_ARCH_TLB_H

#include <svsm/types.h>

/* Invalidates the local TLB entry for va. */
void arch_flush_tlb_page(virt_addr_t va);
/* Invalidates all local non-global TLB entries. */
void arch_flush_tlb_all(void);

#endif

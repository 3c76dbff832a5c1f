/* SPDX-License-Identifier: MIT */
/* Host implementation of <svsm/arch/tlb.h>; see fake_tlb.h. */
#include <svsm/arch/tlb.h>

#include "fake_tlb.h"

struct fake_tlb fake_tlb;

void fake_tlb_reset(void)
{
	fake_tlb = (struct fake_tlb){ 0 };
}

void arch_flush_tlb_page(virt_addr_t va)
{
	fake_tlb.page_flushes++;
	fake_tlb.last_va = va;
	if (fake_tlb.on_flush_page) {
		fake_tlb.on_flush_page(va, fake_tlb.ctx);
	}
}

void arch_flush_tlb_all(void)
{
	fake_tlb.all_flushes++;
}

/* SPDX-License-Identifier: MIT */
/* Local TLB maintenance (include/svsm/arch/tlb.h). */
#include <arch/cpu.h>
#include <svsm/arch/tlb.h>

void arch_flush_tlb_page(virt_addr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void arch_flush_tlb_all(void)
{
	arch_write_cr3(arch_read_cr3());
}

/* SPDX-License-Identifier: MIT */
/* The native platform: a plain VM, direct port I/O, nothing to validate. */
#include <arch/cpu.h>
#include <svsm/arch/snp.h>
#include <svsm/boot/layout.h>
#include <svsm/platform.h>

__noreturn static void native_terminate(u32 reason)
{
	for (;;) {
		arch_irq_disable();
		arch_halt();
	}
}

/* No RMP on a plain VM: validation always "succeeds" without effect. */
static int native_pvalidate(phys_addr_t pa, bool huge, bool validate,
			    bool *unchanged)
{
	*unchanged = false;
	return SNP_INSN_SUCCESS;
}

static int native_rmpadjust(phys_addr_t pa, bool huge, u64 attrs)
{
	return SNP_INSN_SUCCESS;
}

static void native_flush_guest_tlb(void)
{
}

const struct platform native_platform = {
	.type = SVSM_PLATFORM_NATIVE,
	.name = "native",
	.io = &arch_direct_io,
	.terminate = native_terminate,
	.pvalidate = native_pvalidate,
	.rmpadjust = native_rmpadjust,
	.flush_guest_tlb = native_flush_guest_tlb,
};

/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP instructions and MSRs (include/svsm/arch/snp.h). Encodings from
 * the interface digest §4 (AMD APM vol. 3): they are emitted as bytes so
 * that any assembler builds them. RMPADJUST lives in snp_insn.S because a
 * fault on it must be turned into FAIL_INPUT through the exception table.
 */
#include <arch/cpu.h>
#include <svsm/arch/snp.h>
#include <svsm/hw/ghcb.h>

/* PVALIDATE (F2 0F 01 FF): RAX va, ECX size, EDX validate -> EAX, CF. */
int arch_pvalidate(virt_addr_t va, bool huge, bool validate, bool *unchanged)
{
	u64 rax = va;
	bool cf;

	__asm__ volatile(".byte 0xf2, 0x0f, 0x01, 0xff"
			 : "+a"(rax), "=@ccc"(cf)
			 : "c"((u64)huge), "d"((u64)validate)
			 : "memory");
	*unchanged = cf;
	return (int)(u32)rax;
}

u64 arch_ghcb_msr_read(void)
{
	return arch_rdmsr(MSR_GHCB);
}

void arch_ghcb_msr_write(u64 value)
{
	arch_wrmsr(MSR_GHCB, value);
}

/* VMGEXIT = rep vmmcall (F3 0F 01 D9); the GHCB MSR says what for. */
void arch_vmgexit(void)
{
	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xd9" ::: "memory");
}

/* SEV_STATUS is not intercepted: reading it never raises #VC. */
u64 arch_sev_status(void)
{
	return arch_rdmsr(MSR_SEV_STATUS);
}

/* XGETBV is not intercepted under SEV-ES (XSETBV is). */
u64 arch_snp_read_xcr0(void)
{
	u32 lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

void arch_snp_halt(void)
{
	__asm__ volatile("cli; hlt" ::: "memory");
}

/*
 * INVLPGB (0F 01 FE) with RAX = bit 3 (include global) and no address,
 * PCID or ASID selector flushes everything everywhere; TLBSYNC (0F 01 FF)
 * waits until every CPU has done so.
 */
void arch_snp_flush_tlb_global(void)
{
	__asm__ volatile(".byte 0x0f, 0x01, 0xfe"
			 :
			 : "a"(8ULL), "c"(0), "d"(0)
			 : "memory");
	__asm__ volatile(".byte 0x0f, 0x01, 0xff" ::: "memory");
}

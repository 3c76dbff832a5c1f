/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU control-register setup: write protection for supervisor writes
 * (so that read-only kernel text really is read-only), and SSE/XSAVE so that
 * the C libraries linked later (built with SSE) can run.
 */
#include <arch/cpu.h>
#include <arch/cpu_init.h>

#define CPUID1_ECX_XSAVE BIT(26)
#define CPUID1_ECX_AVX BIT(28)
#define CPUID1_EDX_SSE2 BIT(26)
#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)
#define MXCSR_DEFAULT 0x1f80

static u64 xcr0_value;

static void fpu_reset(void)
{
	u32 mxcsr = MXCSR_DEFAULT;

	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

int arch_cpu_init(void)
{
	struct cpuid_result id = arch_cpuid(1, 0);
	u64 cr0 = arch_read_cr0(), cr4 = arch_read_cr4();

	if (!(id.edx & CPUID1_EDX_SSE2))
		return -1;
	cr0 = (cr0 | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS);
	arch_write_cr0(cr0);
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (id.ecx & CPUID1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	arch_write_cr4(cr4);
	if (id.ecx & CPUID1_ECX_XSAVE) {
		u64 supported = arch_cpuid(0xd, 0).eax;

		xcr0_value = XCR0_X87 | XCR0_SSE;
		if ((id.ecx & CPUID1_ECX_AVX) && (supported & XCR0_AVX))
			xcr0_value |= XCR0_AVX;
		arch_xsetbv(0, xcr0_value);
	}
	fpu_reset();
	return 0;
}

u64 arch_xcr0(void)
{
	return xcr0_value;
}

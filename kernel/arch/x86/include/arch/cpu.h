/* SPDX-License-Identifier: MIT */
/*
 * x86 control registers, MSRs, CPUID and other single instructions. This is
 * the only header besides arch/io.h that contains inline assembly; the rest
 * of the kernel calls these named functions.
 */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include <svsm/types.h>

#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_EM BIT(2)
#define CR0_TS BIT(3)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_PG BIT(31)

#define CR4_PAE BIT(5)
#define CR4_PGE BIT(7)
#define CR4_OSFXSR BIT(9)
#define CR4_OSXMMEXCPT BIT(10)
#define CR4_FSGSBASE BIT(16)
#define CR4_OSXSAVE BIT(18)

#define MSR_EFER 0xC0000080u
#define MSR_FS_BASE 0xC0000100u
#define MSR_GS_BASE 0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define MSR_APIC_BASE 0x1Bu
#define EFER_NXE BIT(11)

#define RFLAGS_IF BIT(9)
#define RFLAGS_TF BIT(8)

struct cpuid_result {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_result arch_cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_result r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline u64 arch_rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void arch_wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
			 : "memory");
}

#define ARCH_CR_ACCESSORS(n)                                              \
	static inline u64 arch_read_cr##n(void)                           \
	{                                                                 \
		u64 v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));         \
		return v;                                                 \
	}                                                                 \
	static inline void arch_write_cr##n(u64 v)                        \
	{                                                                 \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}

ARCH_CR_ACCESSORS(0)
ARCH_CR_ACCESSORS(3)
ARCH_CR_ACCESSORS(4)

static inline u64 arch_read_cr2(void)
{
	u64 v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void arch_xsetbv(u32 index, u64 v)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(index), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void arch_halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

/* Enables interrupts and halts atomically (sti shadows the next insn). */
static inline void arch_irq_enable_and_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

static inline u64 arch_read_rflags(void)
{
	u64 v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v) : : "memory");
	return v;
}

static inline u64 arch_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline u64 arch_read_rbp(void)
{
	u64 v;

	__asm__ volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline u64 arch_read_rsp(void)
{
	u64 v;

	__asm__ volatile("mov %%rsp, %0" : "=r"(v));
	return v;
}

static inline void arch_breakpoint(void)
{
	__asm__ volatile("int3" ::: "memory");
}

#endif

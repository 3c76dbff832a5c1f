/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_PERCPU_H
#define ARCH_X86_PERCPU_H

#include <arch/cpu.h>

struct percpu;

static inline struct percpu *arch_this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline void arch_set_gs_base(void *p)
{
	arch_wrmsr(MSR_GS_BASE, (u64)(uintptr_t)p);
}

static inline void arch_set_fs_base(void *p)
{
	arch_wrmsr(MSR_FS_BASE, (u64)(uintptr_t)p);
}

#endif

/* SPDX-License-Identifier: MIT */
/* Debug registers DR0-DR3, DR6, DR7 (AMD APM vol. 2, 13.1). */
#ifndef ARCH_X86_DEBUGREG_H
#define ARCH_X86_DEBUGREG_H

#include <svsm/types.h>

#define DR6_B(n) BIT(n)   /* breakpoint n matched */
#define DR6_BS BIT(14)    /* single step */
#define DR6_RESET 0xffff0ff0ULL
#define DR7_L(n) BIT(2 * (n))
#define DR7_RW_SHIFT(n) (16 + 4 * (n))
#define DR7_LEN_SHIFT(n) (18 + 4 * (n))
#define DR7_RW_EXEC 0x0
#define DR7_RW_WRITE 0x1
#define DR7_RW_ACCESS 0x3
#define RFLAGS_RF BIT(16)

static inline void arch_write_dr(int n, u64 v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%db3" : : "r"(v)); break;
	case 6: __asm__ volatile("mov %0, %%db6" : : "r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%db7" : : "r"(v)); break;
	default: break;
	}
}

static inline u64 arch_read_dr6(void)
{
	u64 v;

	__asm__ volatile("mov %%db6, %0" : "=r"(v));
	return v;
}

#endif

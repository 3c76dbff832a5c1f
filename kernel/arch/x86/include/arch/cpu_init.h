/* SPDX-License-Identifier: MIT */
#ifndef ARCH_X86_CPU_INIT_H
#define ARCH_X86_CPU_INIT_H

#include <svsm/types.h>

/* Sets CR0/CR4 (WP, SSE, XSAVE) on the calling CPU. 0 or -1 without SSE2. */
int arch_cpu_init(void);
/* The XCR0 value programmed (0 without XSAVE). */
u64 arch_xcr0(void);
/* Computes a + b through XMM registers (in-SVSM test of SSE). */
u32 arch_sse_selftest(u32 a, u32 b);

#endif

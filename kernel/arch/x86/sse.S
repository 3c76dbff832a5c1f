/* SPDX-License-Identifier: MIT */
/* u32 arch_sse_selftest(u32 a, u32 b): a + b computed in XMM registers. */
	.text
	.globl arch_sse_selftest
arch_sse_selftest:
	movd %edi, %xmm0
	movd %esi, %xmm1
	paddd %xmm1, %xmm0
	movd %xmm0, %eax
	ret

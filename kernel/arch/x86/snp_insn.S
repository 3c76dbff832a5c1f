/* SPDX-License-Identifier: MIT */
/*
 * RMPADJUST (F3 0F 01 FE; digest §4): RAX va, RCX page size, RDX
 * attributes -> EAX. A #PF or #GP on it (an unmapped or non-canonical va)
 * resumes at the fixup, which returns FAIL_INPUT as COCONUT does, so a bad
 * address is an error code and never a crash.
 */
#define SNP_INSN_FAIL_INPUT 1

	.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.text
	.code64

/* int arch_rmpadjust(virt_addr_t va, bool huge, u64 attrs) */
	.globl arch_rmpadjust
arch_rmpadjust:
	movq %rdi, %rax
	movzbl %sil, %ecx
1:	.byte 0xf3, 0x0f, 0x01, 0xfe
	ret
	extable 1b, rmpadjust_fault

rmpadjust_fault:
	movl $SNP_INSN_FAIL_INPUT, %eax
	ret

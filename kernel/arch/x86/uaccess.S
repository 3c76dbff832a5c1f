/* SPDX-License-Identifier: MIT */
/*
 * Fault-tolerant accessors. Each faulting instruction has an exception-table
 * entry {fault address, fixup address}; on a #PF or #GP there, the exception
 * handler resumes at the fixup, which returns -SVSM_EFAULT.
 */
#define SVSM_EFAULT 3

	.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.text
	.code64

/* int arch_try_read_u64(const void *addr, u64 *out) */
	.globl arch_try_read_u64
arch_try_read_u64:
1:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
	extable 1b, fault_return

/* int arch_try_read_u8(const void *addr, u8 *out) */
	.globl arch_try_read_u8
arch_try_read_u8:
2:	movb (%rdi), %al
	movb %al, (%rsi)
	xorl %eax, %eax
	ret
	extable 2b, fault_return

/* int arch_try_write_u8(void *addr, u8 value) */
	.globl arch_try_write_u8
arch_try_write_u8:
3:	movb %sil, (%rdi)
	xorl %eax, %eax
	ret
	extable 3b, fault_return

/* int arch_try_write_u64(void *addr, u64 value) */
	.globl arch_try_write_u64
arch_try_write_u64:
4:	movq %rsi, (%rdi)
	xorl %eax, %eax
	ret
	extable 4b, fault_return

/* int arch_try_copy(void *dst, const void *src, size_t len) */
	.globl arch_try_copy
arch_try_copy:
	movq %rdx, %rcx
5:	rep movsb
	xorl %eax, %eax
	ret
	extable 5b, fault_return

/*
 * int arch_try_zero(void *dst, size_t len): 8 bytes per rep stosq step,
 * then the len % 8 bytes left one by one.
 */
	.globl arch_try_zero
arch_try_zero:
	movq %rsi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
6:	rep stosq
	movq %rsi, %rcx
	andq $7, %rcx
7:	rep stosb
	ret
	extable 6b, fault_return
	extable 7b, fault_return

fault_return:
	movl $-SVSM_EFAULT, %eax
	ret

/* SPDX-License-Identifier: MIT */
/*
 * One entry stub per IDT vector. Each pushes a zero error code when the CPU
 * does not (vectors 8, 10-14, 17, 21, 29, 30 push one; AMD APM vol. 2, table
 * 8-1), then the vector, then jumps to the common path which saves the
 * general registers as struct exc_frame and calls exception_dispatch().
 */
	.text
	.code64

/* Each stub is 16 bytes: idt.c computes stub addresses as start + 16 * vector. */
	.globl idt_stubs_start
	.balign 16
idt_stubs_start:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp exception_common
	.set vec, vec + 1
	.endr
	.globl idt_stubs_end
idt_stubs_end:

exception_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call exception_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

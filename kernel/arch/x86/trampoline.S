/* SPDX-License-Identifier: MIT */
/*
 * AP start-up trampoline. The BSP copies [trampoline_start, trampoline_end)
 * to TRAMPOLINE_PA (0x8000) and starts each AP with INIT-SIPI-SIPI, vector
 * 0x08. The AP runs it in real mode at CS = 0x0800, enters protected mode,
 * then long mode on the transition page tables at 0x9000 (identity map of
 * the first 2 MiB plus the kernel's upper-half PML4 entries), and jumps to
 * the kernel entry in the start context with RDI = argument, RSI = the
 * kernel's CR3, on the AP's own stack.
 */
#define TRAMPOLINE_PA 0x8000
#define TRANSITION_PML4 0x9000
#define MSR_EFER 0xC0000080
#define ABS(sym) (TRAMPOLINE_PA + (sym - trampoline_start))

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_ctx
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl (tramp_gdt_desc - trampoline_start)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ABS(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $TRANSITION_PML4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $0x900, %eax		/* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80010000, %eax		/* PG | WP */
	movl %eax, %cr0
	ljmpl $0x18, $ABS(tramp64)

	.code64
tramp64:
	movq ABS(trampoline_ctx + 8), %rsp
	movq ABS(trampoline_ctx + 24), %rdi
	movq ABS(trampoline_ctx + 0), %rsi
	movq ABS(trampoline_ctx + 16), %rax
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF93000000FFFF	/* 0x10: data */
	.quad 0x00AF9B000000FFFF	/* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.word tramp_gdt_end - tramp_gdt - 1
	.long ABS(tramp_gdt)

	.balign 8
/* struct trampoline_ctx { u64 kernel_cr3, stack, entry, arg; } */
trampoline_ctx:
	.quad 0, 0, 0, 0
trampoline_end:

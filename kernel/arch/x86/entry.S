/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry from stage2: 64-bit, stage2's page tables, RDI = launch info.
 * Also the descriptor-table loaders and the stack switch.
 */
	.section .text.entry, "ax"
	.code64
	.globl kernel_entry
	.type kernel_entry, @function
kernel_entry:
	cli
	cld
	leaq __boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	call kernel_main
1:	cli
	hlt
	jmp 1b

	.text
/* void arch_load_gdt(const struct desc_ptr *ptr, u16 cs, u16 ds) */
	.globl arch_load_gdt
	.type arch_load_gdt, @function
arch_load_gdt:
	lgdt (%rdi)
	movw %dx, %ds
	movw %dx, %es
	movw %dx, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movzwq %si, %rsi
	popq %rax
	pushq %rsi
	pushq %rax
	lretq

/* void arch_load_tr(u16 sel) */
	.globl arch_load_tr
	.type arch_load_tr, @function
arch_load_tr:
	ltr %di
	ret

/* void arch_load_idt(const struct desc_ptr *ptr) */
	.globl arch_load_idt
	.type arch_load_idt, @function
arch_load_idt:
	lidt (%rdi)
	ret

/* void arch_switch_stack(u64 new_rsp, void (*fn)(void *), void *arg) */
	.globl arch_switch_stack
	.type arch_switch_stack, @function
arch_switch_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	movq %rdx, %rdi
	callq *%rsi
2:	cli
	hlt
	jmp 2b

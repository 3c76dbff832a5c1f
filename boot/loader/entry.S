/* SPDX-License-Identifier: MIT */
/*
 * svsm.bin loader entry: reset vector -> 16-bit -> flat 32-bit protected
 * mode -> loader_main(). loader_start() hands the CPU to the IGVM native
 * VP context (flat 32-bit protected mode, paging off).
 */
#define LOADER_STACK_TOP 0x10000
#define MSR_EFER 0xC0000080

	.section .text16, "ax"
	.code16
	.globl entry16
entry16:
	cli
	cld
	/* CS base is 0xFFFF0000 after reset: address the GDT through it. */
	lgdtl %cs:loader_gdt_desc_offset
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $entry32

	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF	/* 0x08: flat 32-bit code */
	.quad 0x00CF93000000FFFF	/* 0x10: flat data */
gdt_end:
	.globl loader_gdt_desc
loader_gdt_desc:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .reset, "ax"
	.code16
	.globl reset_vector
reset_vector:
	jmp entry16
	.balign 16, 0xf4

	.section .text.entry32, "ax"
	.code32
entry32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $LOADER_STACK_TOP, %esp
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	call loader_main
1:	cli
	hlt
	jmp 1b

/*
 * void loader_start(const struct loader_start *s) __noreturn
 * Offsets must match struct loader_start in loader.h.
 */
	.globl loader_start
loader_start:
	movl 4(%esp), %ebp
	/* The far pointer must outlive %ebp: copy it to a fixed location. */
	movl 64(%ebp), %eax
	movl %eax, loader_far_ptr
	movw 68(%ebp), %ax
	movw %ax, loader_far_ptr + 4
	pushl 32(%ebp)
	popfl
	cmpw $0, 56(%ebp)
	je 1f
	lgdtl 56(%ebp)
1:	movl 44(%ebp), %eax
	movl %eax, %cr4
	movl 40(%ebp), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl 48(%ebp), %eax
	movl 52(%ebp), %edx
	wrmsr
	movl 36(%ebp), %eax
	movl %eax, %cr0
	movw 62(%ebp), %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl 0(%ebp), %eax
	movl 4(%ebp), %ebx
	movl 8(%ebp), %ecx
	movl 12(%ebp), %edx
	movl 16(%ebp), %esi
	movl 20(%ebp), %edi
	movl 28(%ebp), %esp
	movl 24(%ebp), %ebp
	ljmpl *loader_far_ptr

	.section .bss
	.balign 8
loader_far_ptr:
	.skip 8

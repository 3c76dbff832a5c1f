/* SPDX-License-Identifier: MIT */
/*
 * stage2 entry, 32-bit flat protected mode with paging off (the IGVM native
 * context, or the SNP VMSA). EAX = platform type, ESI = boot parameters GPA.
 * Builds an identity map of the low 4 GiB with 2 MiB pages, enters long mode
 * and calls stage2_main(platform, boot_params).
 */
#define MSR_EFER 0xC0000080
#define EFER_LME 0x100
#define EFER_NXE 0x800
#define CR4_PAE 0x20
#define CR0_PG_WP 0x80010000
#define PDE_2M_RW 0xE3 /* P | W | A | D | PS */
#define PTE_TABLE 0x3  /* P | W */

	.section .text.entry, "ax"
	.code32
	.globl stage2_entry
stage2_entry:
	cli
	cld
	movl %eax, %ebp
	lgdtl gdt_desc
	ljmpl $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $stage2_stack_top, %esp
	movl %ebp, stage2_boot_platform
	movl %esi, stage2_boot_params

	movl $pdpt, %eax
	orl $PTE_TABLE, %eax
	movl %eax, pml4
	movl $pd, %eax
	orl $PTE_TABLE, %eax
	xorl %ecx, %ecx
2:	movl %eax, pdpt(,%ecx,8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 2b

	movl $PDE_2M_RW, %eax
	movl $pd, %edi
	movl $2048, %ecx
3:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 3b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG_WP, %eax
	movl %eax, %cr0
	ljmpl $0x18, $entry64

	.code64
entry64:
	movl stage2_boot_platform, %edi
	movl stage2_boot_params, %esi
	call stage2_main
4:	cli
	hlt
	jmp 4b

	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF93000000FFFF	/* 0x10: data */
	.quad 0x00AF9B000000FFFF	/* 0x18: 64-bit code */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

	.section .bss
	.balign 4096
	.globl stage2_pml4
stage2_pml4:
pml4:
	.skip 4096
pdpt:
	.skip 4096
pd:
	.skip 4 * 4096
stage2_stack:
	.skip 16384
stage2_stack_top:
	.globl stage2_boot_platform, stage2_boot_params
stage2_boot_platform:
	.long 0
stage2_boot_params:
	.long 0

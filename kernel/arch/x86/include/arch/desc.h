/* SPDX-License-Identifier: MIT */
/*
 * GDT, TSS and IDT (AMD APM vol. 2, sections 4.7, 12.2.5 and 8.9). One GDT
 * and TSS per CPU (inside its per-CPU area); one IDT shared by all CPUs.
 */
#ifndef ARCH_X86_DESC_H
#define ARCH_X86_DESC_H

#include <svsm/types.h>

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS 0x18
#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */

/* Interrupt stack table slots (1-based, as in the IDT gate). */
enum ist_slot {
	IST_NONE = 0,
	IST_DOUBLE_FAULT = 1,
	IST_NMI = 2,
	IST_MACHINE_CHECK = 3,
	IST_DEBUG = 4,     /* #DB and #BP, for the GDB stub */
	IST_EXCEPTION = 5, /* every other exception */
	IST_IRQ = 6,       /* external interrupts and IPIs */
	IST_COUNT = 6,
};

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
STATIC_ASSERT_SIZE(struct tss, 104);

struct gdt {
	u64 entries[GDT_ENTRIES];
} __aligned(16);

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Fills a GDT with the kernel segments and a TSS descriptor for tss. */
void gdt_init(struct gdt *gdt, const struct tss *tss);
/* Loads gdt, reloads the segment registers and the task register. */
void gdt_load(const struct gdt *gdt, bool load_tss);
/* A static GDT without TSS for the first instructions of the kernel. */
void gdt_load_boot(void);

/* Builds the IDT. With use_ist false, every gate runs on the current stack. */
void idt_init(bool use_ist);
void idt_load(void);
/* IST slot the gate of `vector` uses now (IST_NONE before idt_init(true)). */
unsigned int idt_ist_slot(unsigned int vector);

/* Low-level helpers implemented in assembly. */
void arch_load_gdt(const struct desc_ptr *ptr, u16 cs, u16 ds);
void arch_load_tr(u16 sel);
void arch_load_idt(const struct desc_ptr *ptr);
__noreturn void arch_switch_stack(u64 new_rsp, void (*fn)(void *), void *arg);

#endif

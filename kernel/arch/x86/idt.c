/* SPDX-License-Identifier: MIT */
/*
 * The IDT: one interrupt gate per vector, each pointing at its 16-byte stub
 * in idt_entry.S. Once per-CPU TSSs exist every vector runs on an IST stack,
 * so no handler ever runs on (and corrupts the red zone of) the interrupted
 * stack.
 */
#include <arch/desc.h>
#include <arch/exception.h>

#define GATE_INTERRUPT 0x8E /* P, DPL0, 64-bit interrupt gate */
#define STUB_SIZE 16

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct idt_gate, 16);

extern const char idt_stubs_start[];
extern const char idt_stubs_end[];

static struct idt_gate idt[IDT_VECTORS] __aligned(16);
static bool idt_uses_ist;

static enum ist_slot ist_for_vector(unsigned int vec)
{
	switch (vec) {
	case VEC_DF:
		return IST_DOUBLE_FAULT;
	case VEC_NMI:
		return IST_NMI;
	case VEC_MC:
		return IST_MACHINE_CHECK;
	case VEC_DB:
	case VEC_BP:
		return IST_DEBUG;
	default:
		return vec < VEC_FIRST_IRQ ? IST_EXCEPTION : IST_IRQ;
	}
}

unsigned int idt_ist_slot(unsigned int vector)
{
	return idt_uses_ist ? ist_for_vector(vector) : IST_NONE;
}

void idt_init(bool use_ist)
{
	_Static_assert(STUB_SIZE * IDT_VECTORS == 4096, "stub layout");
	idt_uses_ist = use_ist;

	for (unsigned int v = 0; v < IDT_VECTORS; v++) {
		u64 addr = (u64)(uintptr_t)idt_stubs_start + v * STUB_SIZE;
		struct idt_gate *g = &idt[v];

		g->offset_lo = addr & 0xffff;
		g->selector = GDT_KERNEL_CS;
		g->ist = use_ist ? ist_for_vector(v) : 0;
		g->type_attr = GATE_INTERRUPT;
		g->offset_mid = (addr >> 16) & 0xffff;
		g->offset_hi = addr >> 32;
		g->reserved = 0;
	}
}

void idt_load(void)
{
	struct desc_ptr ptr = {
		.limit = sizeof(idt) - 1,
		.base = (u64)(uintptr_t)idt,
	};

	arch_load_idt(&ptr);
}

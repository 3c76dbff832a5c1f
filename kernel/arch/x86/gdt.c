/* SPDX-License-Identifier: MIT */
/* GDT and TSS descriptors (AMD APM vol. 2, 4.8 and 12.2.5). */
#include <arch/desc.h>

#define SEG_CODE64 0x00AF9B000000FFFFULL /* P, DPL0, code exec/read, L, G */
#define SEG_DATA 0x00CF93000000FFFFULL   /* P, DPL0, data read/write, G */
#define TSS_TYPE_AVAILABLE 0x89ULL       /* P, 64-bit TSS available */

static struct gdt boot_gdt = { .entries = { 0, SEG_CODE64, SEG_DATA, 0, 0 } };

static void set_tss_descriptor(struct gdt *gdt, const struct tss *tss)
{
	u64 base = (u64)(uintptr_t)tss;
	u64 limit = sizeof(*tss) - 1;
	unsigned int slot = GDT_TSS / 8;

	gdt->entries[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			     (TSS_TYPE_AVAILABLE << 40) |
			     (((limit >> 16) & 0xf) << 48) |
			     (((base >> 24) & 0xff) << 56);
	gdt->entries[slot + 1] = base >> 32;
}

void gdt_init(struct gdt *gdt, const struct tss *tss)
{
	gdt->entries[0] = 0;
	gdt->entries[GDT_KERNEL_CS / 8] = SEG_CODE64;
	gdt->entries[GDT_KERNEL_DS / 8] = SEG_DATA;
	set_tss_descriptor(gdt, tss);
}

void gdt_load(const struct gdt *gdt, bool load_tss)
{
	struct desc_ptr ptr = {
		.limit = sizeof(gdt->entries) - 1,
		.base = (u64)(uintptr_t)gdt->entries,
	};

	arch_load_gdt(&ptr, GDT_KERNEL_CS, GDT_KERNEL_DS);
	if (load_tss)
		arch_load_tr(GDT_TSS);
}

void gdt_load_boot(void)
{
	gdt_load(&boot_gdt, false);
}

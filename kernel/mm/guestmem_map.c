/* SPDX-License-Identifier: MIT */
/*
 * Kernel backend of include/svsm/guestmem.h: guest pages are mapped in a
 * 512 KiB window of the calling CPU's per-CPU virtual range, at +3 MiB
 * (docs/memory-map.md). Each request maps and unmaps its pages here rather
 * than through vmap_phys(), whose bump allocator never reuses addresses
 * and would run out after a few hundred thousand requests.
 *
 * No other CPU ever touches this CPU's window, so an unmap only needs a
 * local TLB flush (mm_unmap_local()), never a shootdown. Mappings nest as
 * a stack: a request page may stay mapped while a page it names is mapped.
 *
 * The mapping goes through mm_map(), which ORs the kernel page table's
 * enc_mask into every entry: on SEV-SNP that mask is the C-bit, so guest
 * private pages are mapped encrypted as they must be (snp-svsm-protocol.md
 * section 4: PVALIDATE and RMPADJUST take a virtual address).
 */
#include <arch/uaccess.h>
#include <svsm/arch/zero.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/lib/check.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/smp.h>

#define WINDOW_DEPTH 8

struct window_slot {
	u64 off;
	u64 len;
};

struct guestmem_window {
	struct window_slot slots[WINDOW_DEPTH];
	u32 depth;
};

static struct guestmem_window windows[SMP_MAX_CPUS];

static struct guestmem_window *this_window(u64 *base)
{
	u32 index = this_cpu()->cpu_index;

	CHECK(index < SMP_MAX_CPUS);
	*base = PERCPU_VIRT_BASE + (u64)index * PERCPU_VIRT_STRIDE +
		PERCPU_GUESTMEM_OFFSET;
	return &windows[index];
}

static u64 window_top(const struct guestmem_window *w)
{
	const struct window_slot *s;

	if (!w->depth)
		return 0;
	s = &w->slots[w->depth - 1];
	return s->off + s->len;
}

/* 4 KiB mappings only: 2 MiB PVALIDATE has the SNP platform's own slot. */
void *guestmem_map(phys_addr_t gpa, u64 len)
{
	u64 base, off;
	struct guestmem_window *w = this_window(&base);

	if (!len || !IS_ALIGNED(len, PAGE_SIZE) ||
	    !IS_ALIGNED(gpa, PAGE_SIZE) || w->depth == WINDOW_DEPTH)
		return NULL;
	off = window_top(w);
	if (len > PERCPU_GUESTMEM_SIZE - off)
		return NULL;
	if (mm_map(base + off, gpa, len, PGT_WRITE | PGT_4K_ONLY))
		return NULL;
	w->slots[w->depth++] = (struct window_slot){ off, len };
	return (void *)(uintptr_t)(base + off);
}

void guestmem_unmap(void *va, u64 len)
{
	u64 base;
	struct guestmem_window *w = this_window(&base);
	const struct window_slot *s;

	/* Only SVSM code maps here: a mismatch is a bug, not guest input. */
	CHECK(w->depth > 0);
	s = &w->slots[w->depth - 1];
	CHECK((u64)(uintptr_t)va == base + s->off && len == s->len);
	CHECK(mm_unmap_local(base + s->off, s->len) == 0);
	w->depth--;
}

int guestmem_copy_mapped(void *dst, const void *src, size_t len)
{
	return arch_try_copy(dst, src, len);
}

int guestmem_zero_mapped(void *va, size_t len)
{
	return arch_try_zero(va, len);
}

/* As much of [gpa, gpa + len) as the window has room for, at a time. */
int guestmem_zero_pages(phys_addr_t gpa, u64 len)
{
	u64 base;
	const struct guestmem_window *w = this_window(&base);

	while (len) {
		u64 chunk = MIN(len, PERCPU_GUESTMEM_SIZE - window_top(w));
		u8 *va = chunk ? guestmem_map(gpa, chunk) : NULL;
		int ret;

		if (!va)
			return -SVSM_ENOMEM;
		ret = arch_try_zero(va, chunk);
		guestmem_unmap(va, chunk);
		if (ret)
			return ret;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int guestmem_read_u64s_mapped(const void *va, const u16 *offset, u64 *val,
			      u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (arch_try_read_u64((const u8 *)va + offset[i], &val[i]))
			return -SVSM_EFAULT;
	}
	return 0;
}

int guestmem_write_u64s_mapped(void *va, const u16 *offset, const u64 *val,
			       u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (arch_try_write_u64((u8 *)va + offset[i], val[i]))
			return -SVSM_EFAULT;
	}
	return 0;
}

int guestmem_read_u8_mapped(const void *va)
{
	u8 val;

	return arch_try_read_u8(va, &val) ? -SVSM_EFAULT : val;
}

int guestmem_write_u8_mapped(void *va, u8 val)
{
	return arch_try_write_u8(va, val);
}

/* SPDX-License-Identifier: MIT */
/*
 * Guest memory checks and copies (include/svsm/guestmem.h). The guest RAM
 * map comes from the hypervisor's memory map with the SVSM region cut out
 * again here, once, at init, so that even a map that lists the SVSM region
 * as RAM never lets a request reach SVSM memory (ARCHITECTURE.md section
 * 7); a lookup is then one range (the one the last lookup found, else a
 * binary search). Copies go page by page through the backend's mapping,
 * so they work the same with the kernel's per-CPU window and the host
 * simulator's arena.
 */
#include <svsm/errno.h>
#include <svsm/guestmem.h>

/*
 * The map less the SVSM region, which can split one range in two. Slots
 * past guest_nram are empty ({0, 0} contains nothing).
 */
static struct mem_region guest_ram[GUESTMEM_MAX_RANGES + 1];
static u32 guest_nram;
/*
 * The range the last lookup found: requests name nearby pages, so it
 * usually holds the next one too. Only a hint, read and written relaxed
 * by every CPU; always a slot index, and a stale one is an empty slot.
 */
static u32 last_range;

static bool ranges_valid(const struct mem_region *ram, u32 nram)
{
	if (nram > GUESTMEM_MAX_RANGES)
		return false;
	for (u32 i = 0; i < nram; i++) {
		if (ram[i].start >= ram[i].end)
			return false;
		if (i && ram[i].start < ram[i - 1].end)
			return false;
	}
	return true;
}

int guestmem_init(const struct mem_region *ram, u32 nram,
		  phys_addr_t svsm_start, phys_addr_t svsm_end)
{
	struct mem_region cut[ARRAY_SIZE(guest_ram)];
	u32 n = nram;

	if ((nram && !ram) || !ranges_valid(ram, nram) ||
	    svsm_start > svsm_end)
		return -SVSM_EINVAL;
	for (u32 i = 0; i < nram; i++)
		cut[i] = ram[i];
	/* Widened to whole pages: the RMP protects pages, not bytes. */
	if (mem_regions_subtract(cut, &n, ARRAY_SIZE(cut), svsm_start,
				 svsm_end))
		return -SVSM_EINVAL;
	for (u32 i = 0; i < ARRAY_SIZE(guest_ram); i++)
		guest_ram[i] = i < n ? cut[i] : (struct mem_region){ 0, 0 };
	guest_nram = n;
	last_range = 0;
	return 0;
}

/* Binary search: the index of the last range starting at or below gpa. */
static bool find_range(phys_addr_t gpa, u32 *index)
{
	u32 lo = 0, hi = guest_nram;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (guest_ram[mid].start <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	*index = lo - 1;
	return lo;
}

/* The lookup behind the hint, out of line. */
static __attribute__((noinline)) bool lookup_guest_ram(phys_addr_t gpa,
							u64 len)
{
	u32 i;

	if (!find_range(gpa, &i) || !mem_region_holds(&guest_ram[i], gpa, len))
		return false;
	__atomic_store_n(&last_range, i, __ATOMIC_RELAXED);
	return true;
}

bool guestmem_is_guest_ram(phys_addr_t gpa, u64 len)
{
	u32 i = __atomic_load_n(&last_range, __ATOMIC_RELAXED);

	/* An empty slot holds nothing; a stale hint only costs a lookup. */
	return mem_region_holds(&guest_ram[i], gpa, len) ||
	       lookup_guest_ram(gpa, len);
}

struct mem_region guestmem_ram_range(phys_addr_t gpa)
{
	u32 i;

	if (!find_range(gpa, &i) || gpa >= guest_ram[i].end)
		return (struct mem_region){ 0, 0 };
	return guest_ram[i];
}

enum access {
	ACCESS_READ,
	ACCESS_WRITE,
	ACCESS_ZERO,
};

/* One access inside a mapped page; buf is SVSM memory (unused to zero). */
static int access_mapped(u8 *va, u8 *buf, size_t len, enum access op)
{
	switch (op) {
	case ACCESS_READ:
		return guestmem_copy_mapped(buf, va, len);
	case ACCESS_WRITE:
		return guestmem_copy_mapped(va, buf, len);
	default:
		return guestmem_zero_mapped(va, len);
	}
}

/* Page by page through the backend's mapping; buf advances with gpa. */
static int access_pages(phys_addr_t gpa, u8 *buf, size_t len, enum access op)
{
	while (len) {
		phys_addr_t page = gpa & PAGE_MASK;
		size_t off = gpa - page;
		size_t chunk = MIN(len, PAGE_SIZE - off);
		u8 *va = guestmem_map(page, PAGE_SIZE);
		int ret;

		if (!va)
			return -SVSM_ENOMEM;
		ret = access_mapped(va + off, buf, chunk, op);
		guestmem_unmap(va, PAGE_SIZE);
		if (ret)
			return ret;
		gpa += chunk;
		len -= chunk;
		if (buf)
			buf += chunk;
	}
	return 0;
}

int guestmem_read_phys(phys_addr_t pa, void *dst, size_t len)
{
	u64 end;

	if (len && !add_no_overflow(pa, len, &end))
		return -SVSM_EINVAL;
	return access_pages(pa, dst, len, ACCESS_READ);
}

int guestmem_write_phys(phys_addr_t pa, const void *src, size_t len)
{
	u64 end;

	if (len && !add_no_overflow(pa, len, &end))
		return -SVSM_EINVAL;
	/* access_pages() only reads from buf for a write. */
	return access_pages(pa, (u8 *)src, len, ACCESS_WRITE);
}

int guestmem_read(phys_addr_t gpa, void *dst, size_t len)
{
	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	return access_pages(gpa, dst, len, ACCESS_READ);
}

int guestmem_write(phys_addr_t gpa, const void *src, size_t len)
{
	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	return access_pages(gpa, (u8 *)src, len, ACCESS_WRITE);
}

int guestmem_zero(phys_addr_t gpa, u64 len)
{
	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	/* Whole pages: several at a time, and no zero page to read. */
	if (IS_ALIGNED(gpa | len, PAGE_SIZE))
		return guestmem_zero_pages(gpa, len);
	return access_pages(gpa, NULL, len, ACCESS_ZERO);
}

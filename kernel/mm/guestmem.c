/* SPDX-License-Identifier: MIT */
/*
 * Guest memory checks and copies (include/svsm/guestmem.h). The guest RAM
 * map comes from the hypervisor's memory map with the SVSM region cut out
 * again here, so that even a map that lists the SVSM region as RAM never
 * lets a request reach SVSM memory (ARCHITECTURE.md section 7). Copies go
 * page by page through the backend's mapping, so they work the same with
 * the kernel's per-CPU window and the host simulator's arena.
 */
#include <svsm/errno.h>
#include <svsm/guestmem.h>

static struct mem_region guest_ram[GUESTMEM_MAX_RANGES];
static u32 guest_nram;
static phys_addr_t svsm_region_start, svsm_region_end;

/* What guestmem_zero() copies from: the backend copy is fault-tolerant. */
static const u8 zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);

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
	if ((nram && !ram) || !ranges_valid(ram, nram) ||
	    svsm_start > svsm_end)
		return -SVSM_EINVAL;
	for (u32 i = 0; i < nram; i++)
		guest_ram[i] = ram[i];
	guest_nram = nram;
	svsm_region_start = svsm_start;
	svsm_region_end = svsm_end;
	return 0;
}

/* Binary search: the last range starting at or below gpa, or NULL. */
static const struct mem_region *find_range(phys_addr_t gpa)
{
	u32 lo = 0, hi = guest_nram;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (guest_ram[mid].start <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &guest_ram[lo - 1] : NULL;
}

bool guestmem_is_guest_ram(phys_addr_t gpa, u64 len)
{
	const struct mem_region *r;
	u64 end;

	if (!len || !add_no_overflow(gpa, len, &end))
		return false;
	if (svsm_region_end > svsm_region_start &&
	    ranges_overlap(gpa, len, svsm_region_start,
			   svsm_region_end - svsm_region_start))
		return false;
	r = find_range(gpa);
	return r && end <= r->end;
}

/* Copies page by page; to_guest selects the direction. */
static int copy_pages(phys_addr_t gpa, u8 *buf, size_t len, bool to_guest)
{
	while (len) {
		phys_addr_t page = gpa & PAGE_MASK;
		size_t off = gpa - page;
		size_t chunk = MIN(len, PAGE_SIZE - off);
		u8 *va = guestmem_map(page, PAGE_SIZE);
		int ret;

		if (!va)
			return -SVSM_ENOMEM;
		if (to_guest)
			ret = guestmem_copy_mapped(va + off, buf, chunk);
		else
			ret = guestmem_copy_mapped(buf, va + off, chunk);
		guestmem_unmap(va, PAGE_SIZE);
		if (ret)
			return ret;
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int guestmem_read_phys(phys_addr_t pa, void *dst, size_t len)
{
	u64 end;

	if (len && !add_no_overflow(pa, len, &end))
		return -SVSM_EINVAL;
	return copy_pages(pa, dst, len, false);
}

int guestmem_write_phys(phys_addr_t pa, const void *src, size_t len)
{
	u64 end;

	if (len && !add_no_overflow(pa, len, &end))
		return -SVSM_EINVAL;
	/* copy_pages() only reads from buf when to_guest is set. */
	return copy_pages(pa, (u8 *)src, len, true);
}

int guestmem_read(phys_addr_t gpa, void *dst, size_t len)
{
	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	return copy_pages(gpa, dst, len, false);
}

int guestmem_write(phys_addr_t gpa, const void *src, size_t len)
{
	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	return copy_pages(gpa, (u8 *)src, len, true);
}

int guestmem_zero(phys_addr_t gpa, u64 len)
{
	int ret = 0;

	if (len && !guestmem_is_guest_ram(gpa, len))
		return -SVSM_EINVAL;
	while (len && !ret) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));

		ret = copy_pages(gpa, (u8 *)zero_page, chunk, true);
		gpa += chunk;
		len -= chunk;
	}
	return ret;
}

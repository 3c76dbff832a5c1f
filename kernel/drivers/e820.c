/* SPDX-License-Identifier: MIT */
/*
 * RAM ranges from the e820 and IGVM memory maps (see <svsm/e820.h>).
 *
 * Nothing is allocated and the input cannot be sorted in place (it is
 * read-only and untrusted), so the merged ranges are produced in address
 * order by selection: find the lowest RAM entry above what was already
 * emitted, grow it by every entry that overlaps or touches it, emit it,
 * repeat. Each pass over the entries either grows the current range by an
 * entry or ends it, so the whole walk is O(n^2) in the number of entries,
 * and the result fills out[] only with the final, rounded regions: max is
 * an exact bound.
 */
#include <svsm/e820.h>
#include <svsm/errno.h>
#include <svsm/hw/igvm.h>
#include <svsm/lib/string.h>
#include <svsm/lib/unaligned.h>

#define IGVM_MEMMAP_ENTRY_SIZE 24u
#define PFN_MAX (~0ULL >> PAGE_SHIFT)

/*
 * Decodes entry e: 1 and [*start, *end) for non-empty RAM, 0 for anything
 * else, -SVSM_EBADMSG for RAM whose end does not fit in 64 bits.
 */
typedef int (*decode_fn)(const u8 *e, u64 *start, u64 *end);

struct ram_src {
	const u8 *p;
	u32 n;
	u32 esize;
	decode_fn decode;
};

/* QEMU hw/i386/e820_memory_layout.h: {u64 address, u64 length, u32 type}. */
static int e820_decode(const u8 *e, u64 *start, u64 *end)
{
	u64 len = rd64(e + 8);
	u32 type;

	memcpy(&type, e + 16, sizeof(type));
	if (type != E820_TYPE_RAM || !len) {
		return 0;
	}
	*start = rd64(e);
	if (!add_no_overflow(*start, len, end)) {
		return -SVSM_EBADMSG;
	}
	return 1;
}

/* IGVM_VHS_MEMORY_MAP_ENTRY: page numbers, so the shifts can overflow too. */
static int igvm_decode(const u8 *e, u64 *start, u64 *end)
{
	struct igvm_memory_map_entry m;

	memcpy(&m, e, sizeof(m));
	if (m.entry_type != IGVM_MEMORY_NORMAL || !m.number_of_pages) {
		return 0;
	}
	if (m.starting_gpa_page_number > PFN_MAX ||
	    m.number_of_pages > PFN_MAX) {
		return -SVSM_EBADMSG;
	}
	*start = m.starting_gpa_page_number << PAGE_SHIFT;
	if (!add_no_overflow(*start, m.number_of_pages << PAGE_SHIFT, end)) {
		return -SVSM_EBADMSG;
	}
	return 1;
}

static bool get_ram(const struct ram_src *src, u32 i, u64 *start, u64 *end)
{
	return src->decode(src->p + (size_t)i * src->esize, start, end) == 1;
}

/* The lowest-starting RAM entry that ends above pos; false if none. */
static bool lowest_above(const struct ram_src *src, u64 pos, u64 *s, u64 *e)
{
	bool found = false;
	u64 a, b;

	for (u32 i = 0; i < src->n; i++) {
		if (get_ram(src, i, &a, &b) && b > pos && (!found || a < *s)) {
			*s = a;
			*e = b;
			found = true;
		}
	}
	return found;
}

/* Grows [.., e) by every RAM entry that overlaps or touches it. */
static u64 grow(const struct ram_src *src, u64 e)
{
	bool grew;
	u64 a, b;

	do {
		grew = false;
		for (u32 i = 0; i < src->n; i++) {
			if (get_ram(src, i, &a, &b) && a <= e && b > e) {
				e = b;
				grew = true;
			}
		}
	} while (grew);
	return e;
}

/* Only whole pages are usable; false if none is left. Cannot wrap. */
static bool round_in(u64 s, u64 e, struct mem_region *r)
{
	u64 end = ALIGN_DOWN(e, PAGE_SIZE);

	if (s >= end) {
		return false;
	}
	r->start = ALIGN_UP(s, PAGE_SIZE);
	r->end = end;
	return r->start < r->end;
}

static int collect(const struct ram_src *src, struct mem_region *out, u32 max,
		   u32 *count)
{
	struct mem_region r;
	u64 pos = 0, s = 0, e = 0, a, b;
	int ret;

	for (u32 i = 0; i < src->n; i++) {
		ret = src->decode(src->p + (size_t)i * src->esize, &a, &b);
		if (ret < 0) {
			return ret;
		}
	}
	/*
	 * After a range is emitted, no RAM entry starts at or below its end
	 * and ends above it (grow() took those), so the search resumes there.
	 */
	while (lowest_above(src, pos, &s, &e)) {
		pos = grow(src, e);
		if (!round_in(s, pos, &r)) {
			continue;
		}
		if (*count >= max) {
			return -SVSM_ENOMEM;
		}
		out[(*count)++] = r;
	}
	return 0;
}

static bool bad_args(const void *p, size_t len, struct mem_region *out,
		     u32 max, u32 *count)
{
	return (!p && len) || (!out && max) || !count || len > UINT32_MAX;
}

int e820_parse(const void *blob, size_t len, struct mem_region *out, u32 max,
	       u32 *count)
{
	struct ram_src src = { blob, 0, E820_ENTRY_SIZE, e820_decode };

	if (bad_args(blob, len, out, max, count)) {
		return -SVSM_EINVAL;
	}
	*count = 0;
	if (len % E820_ENTRY_SIZE) {
		return -SVSM_EBADMSG;
	}
	src.n = (u32)(len / E820_ENTRY_SIZE);
	return collect(&src, out, max, count);
}

int igvm_memmap_parse(const void *entries, size_t len, struct mem_region *out,
		      u32 max, u32 *count)
{
	struct ram_src src = { entries, 0, IGVM_MEMMAP_ENTRY_SIZE,
			       igvm_decode };
	const u8 *p = entries;
	u64 pages;

	if (bad_args(entries, len, out, max, count)) {
		return -SVSM_EINVAL;
	}
	*count = 0;
	/* The loader writes the map into a zeroed page: zero pages ends it. */
	while (src.n < len / IGVM_MEMMAP_ENTRY_SIZE) {
		pages = rd64(p + (size_t)src.n * IGVM_MEMMAP_ENTRY_SIZE + 8);
		if (!pages) {
			break;
		}
		src.n++;
	}
	return collect(&src, out, max, count);
}

static void remove_at(struct mem_region *r, u32 *n, u32 i)
{
	memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
	(*n)--;
}

/* Splits r[i] around [start, end); the caller made room for one more. */
static void split_at(struct mem_region *r, u32 *n, u32 i, u64 start, u64 end)
{
	memmove(&r[i + 2], &r[i + 1], (*n - i - 1) * sizeof(*r));
	r[i + 1].start = end;
	r[i + 1].end = r[i].end;
	r[i].end = start;
	(*n)++;
}

static bool needs_split(const struct mem_region *r, u32 n, u64 start,
			u64 end)
{
	for (u32 i = 0; i < n; i++) {
		if (r[i].start < start && r[i].end > end) {
			return true;
		}
	}
	return false;
}

int mem_regions_subtract(struct mem_region *regions, u32 *count, u32 max,
			 u64 start, u64 end)
{
	struct mem_region *r = regions;
	u32 n, i = 0;

	if (!count || *count > max || (!r && *count) || start > end) {
		return -SVSM_EINVAL;
	}
	if (start == end) {
		return 0;
	}
	/* Widen to whole pages; past the last page means "to the top". */
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = end > PAGE_MASK ? ~0ULL : ALIGN_UP(end, PAGE_SIZE);
	n = *count;
	if (needs_split(r, n, start, end) && n >= max) {
		return -SVSM_ENOMEM;
	}
	while (i < n) {
		if (r[i].end <= start || r[i].start >= end) {
			i++;
		} else if (r[i].start < start && r[i].end > end) {
			split_at(r, &n, i, start, end);
			i += 2;
		} else if (r[i].start < start) {
			r[i++].end = start;
		} else if (r[i].end > end) {
			r[i++].start = end;
		} else {
			remove_at(r, &n, i);
		}
	}
	*count = n;
	return 0;
}

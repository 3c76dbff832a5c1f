/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the e820 and IGVM memory-map parsers and
 * mem_regions_subtract() (kernel/drivers/e820.c).
 *
 * Input: max (1 byte), a range to subtract (two u64), then the map. The map
 * is parsed both as an etc/e820 blob and as an IGVM memory map, from an
 * exact-size heap copy. Each result is checked against the entries with a
 * slow independent model: every region is whole pages fully covered by RAM
 * entries, the pages around it are not, and every run of covered pages is
 * found. Then the range is subtracted and the page count compared.
 * Seeds: tests/fuzz/corpus/e820/ (see the README there).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/e820.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/unaligned.h>

#define MAX_REGIONS 64u
#define PREFIX 17u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

/* The RAM entries as [a, b) pairs, decoded independently of the parser. */
struct map {
	u64 a[256];
	u64 b[256];
	u32 n;
	bool wraps;
};

static void add(struct map *m, u64 a, u64 len, bool wraps)
{
	if (wraps || a + len < a) {
		m->wraps = true;
		return;
	}
	if (len && m->n < 256) {
		m->a[m->n] = a;
		m->b[m->n++] = a + len;
	}
}

static void model_e820(struct map *m, const u8 *p, size_t len)
{
	u32 type;

	for (size_t off = 0; off + 20 <= len; off += 20) {
		memcpy(&type, p + off + 16, 4);
		if (type == 1 && rd64(p + off + 8)) {
			add(m, rd64(p + off), rd64(p + off + 8), false);
		}
	}
}

static void model_igvm(struct map *m, const u8 *p, size_t len)
{
	u64 gpn, pages;
	u16 type;

	for (size_t off = 0; off + 24 <= len; off += 24) {
		gpn = rd64(p + off);
		pages = rd64(p + off + 8);
		memcpy(&type, p + off + 16, 2);
		if (!pages) {
			break;
		}
		if (type == 0) {
			add(m, gpn << 12, pages << 12,
			    gpn >> 52 || pages >> 52);
		}
	}
}

/* [x, y) is covered by the union of the entries. */
static bool covered(const struct map *m, u64 x, u64 y)
{
	while (x < y) {
		u64 best = x;

		for (u32 i = 0; i < m->n; i++) {
			if (m->a[i] <= x && m->b[i] > best) {
				best = m->b[i];
			}
		}
		if (best == x) {
			return false;
		}
		x = best;
	}
	return true;
}

static bool page_covered(const struct map *m, u64 x)
{
	return x < PAGE_MASK && covered(m, x, x + PAGE_SIZE);
}

static bool in_regions(const struct mem_region *r, u32 n, u64 x)
{
	for (u32 i = 0; i < n; i++) {
		if (x >= r[i].start && x < r[i].end) {
			return true;
		}
	}
	return false;
}

static void check_regions(const struct map *m, const struct mem_region *r,
			  u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (!IS_ALIGNED(r[i].start | r[i].end, PAGE_SIZE) ||
		    r[i].start >= r[i].end ||
		    (i && r[i - 1].end >= r[i].start) ||
		    !covered(m, r[i].start, r[i].end) ||
		    (r[i].start && page_covered(m, r[i].start - PAGE_SIZE)) ||
		    page_covered(m, r[i].end)) {
			abort();
		}
	}
	/* A run of covered pages starts at some entry's start, rounded up. */
	for (u32 i = 0; i < m->n; i++) {
		u64 x = ALIGN_DOWN(m->a[i], PAGE_SIZE);

		if (x != m->a[i]) {
			x += PAGE_SIZE;
		}
		if (x >= m->a[i] && page_covered(m, x) &&
		    !in_regions(r, n, x)) {
			abort();
		}
	}
}

static u64 pages(const struct mem_region *r, u32 n)
{
	u64 p = 0;

	for (u32 i = 0; i < n; i++) {
		p += (r[i].end - r[i].start) >> PAGE_SHIFT;
	}
	return p;
}

/* Pages of r inside [s, e), widened to pages as subtract does. */
static u64 overlap_pages(const struct mem_region *r, u32 n, u64 s, u64 e)
{
	u64 p = 0, lo, hi;

	s = ALIGN_DOWN(s, PAGE_SIZE);
	e = e > PAGE_MASK ? ~0ULL : ALIGN_UP(e, PAGE_SIZE);
	for (u32 i = 0; i < n; i++) {
		lo = MAX(r[i].start, s);
		hi = MIN(r[i].end, e);
		if (lo < hi) {
			p += (hi - lo) >> PAGE_SHIFT;
		}
	}
	return p;
}

static void try_subtract(struct mem_region *r, u32 n, u32 max, u64 s, u64 e)
{
	u32 count = n, limit = MIN(max, n + (u32)(s & 1));
	u64 before = pages(r, n), gone;
	int ret;

	if (s > e) {
		if (mem_regions_subtract(r, &count, limit, s, e) !=
		    -SVSM_EINVAL) {
			abort();
		}
		return;
	}
	gone = s == e ? 0 : overlap_pages(r, n, s, e);
	ret = mem_regions_subtract(r, &count, limit, s, e);
	if (ret == -SVSM_ENOMEM && count == n && limit == n) {
		return;
	}
	if (ret || pages(r, count) != before - gone || count > limit) {
		abort();
	}
	for (u32 i = 0; i < count; i++) {
		if (r[i].start >= r[i].end ||
		    (i && r[i - 1].end >= r[i].start)) {
			abort();
		}
	}
}

static void run(bool igvm, const u8 *p, size_t len, u32 max, u64 s, u64 e)
{
	struct mem_region r[MAX_REGIONS];
	struct map m = { .n = 0, .wraps = false };
	u32 n = 0;
	int ret;

	if (igvm) {
		model_igvm(&m, p, len);
		ret = igvm_memmap_parse(p, len, r, max, &n);
	} else {
		model_e820(&m, p, len);
		ret = e820_parse(p, len, r, max, &n);
	}
	if (!igvm && len % 20) {
		if (ret != -SVSM_EBADMSG) {
			abort();
		}
		return;
	}
	if (m.wraps || m.n >= 256) {
		if (m.wraps && ret != -SVSM_EBADMSG) {
			abort();
		}
		return;
	}
	if (ret == -SVSM_ENOMEM && n == max) {
		return;
	}
	if (ret || n > max) {
		abort();
	}
	check_regions(&m, r, n);
	try_subtract(r, n, max, s, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 max;
	u64 s, e;
	u8 *p;

	if (size < PREFIX) {
		return 0;
	}
	max = data[0] % (MAX_REGIONS + 1);
	s = rd64(data + 1);
	e = rd64(data + 9);
	size -= PREFIX;
	p = malloc(size ? size : 1);
	if (!p) {
		abort();
	}
	memcpy(p, data + PREFIX, size);
	run(false, p, size, max, s, e);
	run(true, p, size, max, s, e);
	free(p);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * e820 and IGVM memory-map parsers and region subtraction
 * (kernel/drivers/e820.c): on the etc/e820 blobs captured from QEMU in
 * tests/data/acpi/ (run from the repo root), on hand-made maps, and against
 * a brute-force model (a bitmap of 256-byte units) on random maps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/e820.h>
#include <svsm/errno.h>
#include <svsm/hw/igvm.h>

#define RAM E820_TYPE_RAM
#define TOP (~0ULL)
#define MAXR 64

struct e820e {
	u64 addr;
	u64 len;
	u32 type;
} __packed;
STATIC_ASSERT_SIZE(struct e820e, E820_ENTRY_SIZE);

static struct mem_region out[MAXR];
static u32 count;

/* Parses n entries from an exact-size heap copy (for ASan). */
static int parse_max(const struct e820e *e, u32 n, u32 max)
{
	size_t len = n * sizeof(*e);
	void *p = malloc(len ? len : 1);
	int ret;

	assert_non_null(p);
	if (len) {
		memcpy(p, e, len);
	}
	memset(out, 0xAA, sizeof(out));
	count = 0xDEAD;
	ret = e820_parse(p, len, out, max, &count);
	free(p);
	return ret;
}

static int parse(const struct e820e *e, u32 n)
{
	return parse_max(e, n, MAXR);
}

/* Compares out[0..count) with want (pairs of start, end). */
static void expect_regions(const u64 *want, u32 n)
{
	assert_int_equal(count, n);
	for (u32 i = 0; i < n; i++) {
		assert_int_equal(out[i].start, want[2 * i]);
		assert_int_equal(out[i].end, want[2 * i + 1]);
	}
}

/* --- captured QEMU blobs -------------------------------------------------- */

static void *load(const char *machine, size_t *len)
{
	char path[256];
	void *p;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "tests/data/acpi/%s/e820", machine);
	f = fopen(path, "rb");
	if (!f) {
		fail_msg("cannot open %s (run the tests from the repo root)",
			 path);
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	*len = (size_t)n;
	p = malloc(*len);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, *len, f), *len);
	fclose(f);
	return p;
}

static void test_qemu(void **state)
{
	static const u64 m512[] = { 0, 0x20000000 };
	static const u64 g3[] = { 0, 0x80000000, 0x100000000, 0x140000000 };
	static const u64 g8[] = { 0, 0x80000000, 0x100000000, 0x280000000 };
	static const struct {
		const char *name;
		const u64 *want;
		u32 n;
	} cases[] = {
		{ "q35-smp1-512m", m512, 1 }, { "q35-smp2-512m", m512, 1 },
		{ "q35-smp4-512m", m512, 1 }, { "q35-smp8-512m", m512, 1 },
		{ "q35-smp4-max6-sparse", m512, 1 },
		{ "q35-smp2-3g", g3, 2 },     { "q35-smp2-8g", g8, 2 },
	};

	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len;
		void *p = load(cases[i].name, &len);

		assert_int_equal(e820_parse(p, len, out, MAXR, &count), 0);
		expect_regions(cases[i].want, cases[i].n);
		/* Every truncation that is not a whole entry is refused. */
		for (size_t l = 0; l < len; l++) {
			assert_int_equal(e820_parse(p, l, out, MAXR, &count),
					 l % E820_ENTRY_SIZE ? -SVSM_EBADMSG :
							       0);
		}
		free(p);
	}
}

/* --- e820 ----------------------------------------------------------------- */

static void test_empty(void **state)
{
	static const struct e820e e[] = { { 0x1000, 0x1000, 2 } };

	assert_int_equal(parse(NULL, 0), 0);
	assert_int_equal(count, 0);
	assert_int_equal(parse(e, 1), 0);
	assert_int_equal(count, 0);
}

static void test_unsorted(void **state)
{
	static const struct e820e e[] = {
		{ 0x100000000, 0x40000000, RAM },
		{ 0x100000, 0x7FF00000, RAM },
		{ 0xFEFFC000, 0x4000, 2 },
		{ 0, 0x9F000, RAM },
	};
	static const u64 want[] = { 0, 0x9F000, 0x100000, 0x80000000,
				    0x100000000, 0x140000000 };

	assert_int_equal(parse(e, ARRAY_SIZE(e)), 0);
	expect_regions(want, 3);
}

static void test_overlap_merged(void **state)
{
	static const struct e820e e[] = {
		{ 0x10000, 0x10000, RAM }, /* [0x10000, 0x20000) */
		{ 0x18000, 0x10000, RAM }, /* overlaps: to 0x28000 */
		{ 0x12000, 0x1000, RAM },  /* contained */
		{ 0x28000, 0x8000, RAM },  /* touches: to 0x30000 */
		{ 0x40000, 0x1000, RAM },
		{ 0x40000, 0x1000, RAM },  /* duplicate */
		{ 0x3F000, 0x3000, RAM },  /* covers it */
	};
	static const u64 want[] = { 0x10000, 0x30000, 0x3F000, 0x42000 };

	assert_int_equal(parse(e, ARRAY_SIZE(e)), 0);
	expect_regions(want, 2);
}

static void test_unaligned_rounding(void **state)
{
	static const struct e820e e[] = {
		{ 0x1001, 0x2FFE, RAM },   /* [0x1001, 0x3fff) */
		{ 0x10800, 0x800, RAM },   /* within one page: dropped */
		{ 0x20800, 0x1000, RAM },  /* straddles two pages: dropped */
		{ 0x30000, 0x800, RAM },   /* these two make one page */
		{ 0x30800, 0x800, RAM },
		{ 0x40800, 0x1800, RAM },  /* [0x40800, 0x42000) */
	};
	static const u64 want[] = { 0x2000, 0x3000, 0x30000, 0x31000,
				    0x41000, 0x42000 };

	assert_int_equal(parse(e, ARRAY_SIZE(e)), 0);
	expect_regions(want, 3);
}

/* Merging comes before rounding: a page made of two entries is kept. */
static void test_merge_then_round(void **state)
{
	static const struct e820e e[] = {
		{ 0, 0x1800, RAM },
		{ 0x1800, 0x1800, RAM },
	};
	static const u64 want[] = { 0, 0x3000 };

	assert_int_equal(parse(e, ARRAY_SIZE(e)), 0);
	expect_regions(want, 1);
}

static void test_non_ram_skipped(void **state)
{
	static const struct e820e e[] = {
		{ 0, 0x1000, 0 },	  { 0x1000, 0x1000, 2 },
		{ 0x2000, 0x1000, 3 },	  { 0x3000, 0x1000, 4 },
		{ 0x4000, 0x1000, 5 },	  { 0x5000, 0x1000, 7 },
		{ 0x6000, 0x1000, 0x101 }, { 0x7000, 0x1000, RAM },
		{ 0x8000, 0, RAM },	  /* empty RAM: ignored */
		{ TOP, TOP, 2 },	  /* wraps, but is not RAM */
	};
	static const u64 want[] = { 0x7000, 0x8000 };

	assert_int_equal(parse(e, ARRAY_SIZE(e)), 0);
	expect_regions(want, 1);
}

/* Entries near 2^64: ends up to 2^64 - 1 are fine, a wrap is refused. */
static void test_overflow(void **state)
{
	static const struct e820e ok[] = {
		{ TOP - 0x2FFF, 0x2000, RAM }, /* to 2^64 - 0x1000 */
		{ TOP - 0x17FF, 0x1000, RAM }, /* no whole page */
		{ TOP - 0xFFF, 0xFFF, RAM },	/* ends at 2^64 - 1 */
		{ TOP, 1ULL << 63, 2 },
	};
	static const u64 want[] = { TOP - 0x2FFF, TOP - 0xFFF };
	struct e820e e;

	assert_int_equal(parse(ok, ARRAY_SIZE(ok)), 0);
	expect_regions(want, 1);
	/* All of it but the last byte: only the last page is lost. */
	e = (struct e820e){ 0, TOP, RAM };
	assert_int_equal(parse(&e, 1), 0);
	assert_int_equal(count, 1);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].end, TOP - 0xFFF);
	/* Exactly to 2^64, and past it. */
	e = (struct e820e){ TOP - 0xFFF, 0x1000, RAM };
	assert_int_equal(parse(&e, 1), -SVSM_EBADMSG);
	e = (struct e820e){ 1, TOP, RAM };
	assert_int_equal(parse(&e, 1), -SVSM_EBADMSG);
	e = (struct e820e){ TOP, TOP, RAM };
	assert_int_equal(parse(&e, 1), -SVSM_EBADMSG);
}

static void test_bad_size(void **state)
{
	static const struct e820e e[2] = { { 0, 0x1000, RAM },
					   { 0x2000, 0x1000, RAM } };
	static const size_t lens[] = { 1, 19, 21, 39, 41 };
	u8 buf[sizeof(e) + 1] = { 0 };

	memcpy(buf, e, sizeof(e));
	for (u32 i = 0; i < ARRAY_SIZE(lens); i++) {
		assert_int_equal(e820_parse(buf, lens[i], out, MAXR, &count),
				 -SVSM_EBADMSG);
		assert_int_equal(count, 0);
	}
	assert_int_equal(e820_parse(buf, 40, out, MAXR, &count), 0);
	assert_int_equal(count, 2);
}

static void test_max(void **state)
{
	static const struct e820e e[] = {
		{ 0x5000, 0x1000, RAM }, { 0x1000, 0x1000, RAM },
		{ 0x3000, 0x1000, RAM },
		{ 0x8000, 0x800, RAM }, /* empty after rounding: no slot */
	};
	static const struct e820e bridged[] = {
		{ 0x1000, 0x1000, RAM }, { 0x3000, 0x1000, RAM },
		{ 0x2000, 0x1000, RAM },
	};

	assert_int_equal(parse_max(e, ARRAY_SIZE(e), 3), 0);
	assert_int_equal(count, 3);
	assert_int_equal(parse_max(e, ARRAY_SIZE(e), 2), -SVSM_ENOMEM);
	assert_int_equal(count, 2);
	assert_int_equal(out[1].start, 0x3000);
	assert_int_equal(parse_max(e, ARRAY_SIZE(e), 0), -SVSM_ENOMEM);
	/* max bounds the merged result, not the entries. */
	assert_int_equal(parse_max(bridged, ARRAY_SIZE(bridged), 1), 0);
	assert_int_equal(out[0].end, 0x4000);
}

static void test_bad_args(void **state)
{
	u8 buf[20] = { 0 };

	assert_int_equal(e820_parse(buf, 20, out, MAXR, NULL), -SVSM_EINVAL);
	assert_int_equal(e820_parse(NULL, 20, out, MAXR, &count),
			 -SVSM_EINVAL);
	assert_int_equal(e820_parse(buf, 20, NULL, 1, &count), -SVSM_EINVAL);
	assert_int_equal(e820_parse(buf, 20, NULL, 0, &count), 0);
	assert_int_equal(igvm_memmap_parse(buf, 20, out, MAXR, NULL),
			 -SVSM_EINVAL);
}

/* --- IGVM memory map ------------------------------------------------------ */

static int igvm_parse_n(const struct igvm_memory_map_entry *e, size_t len,
			u32 max)
{
	void *p = malloc(len ? len : 1);
	int ret;

	assert_non_null(p);
	if (len) {
		memcpy(p, e, len);
	}
	count = 0xDEAD;
	ret = igvm_memmap_parse(p, len, out, max, &count);
	free(p);
	return ret;
}

static void test_igvm_basic(void **state)
{
	static const struct igvm_memory_map_entry e[] = {
		{ 0x100, 0x7FF00, IGVM_MEMORY_NORMAL, 0, 0 },
		{ 0, 0x9F, IGVM_MEMORY_NORMAL, 0, 0 },
		{ 0x9F, 0x61, IGVM_MEMORY_PLATFORM_RESERVED, 0, 0 },
		{ 0x100000, 0x40000, IGVM_MEMORY_NORMAL, 0, 0 },
		{ 0x80000, 0x10, IGVM_MEMORY_PERSISTENT, 0, 0 },
		{ 0x80010, 0x10, IGVM_MEMORY_VTL2_PROTECTABLE, 0, 0 },
		{ 0xFFFFF, 0x1, IGVM_MEMORY_NORMAL, 0, 0 }, /* touches */
	};
	static const u64 want[] = { 0, 0x9F000, 0x100000, 0x80000000,
				    0xFFFFF000, 0x140000000 };

	assert_int_equal(igvm_parse_n(e, sizeof(e), MAXR), 0);
	expect_regions(want, 3);
	assert_int_equal(igvm_parse_n(e, sizeof(e), 2), -SVSM_ENOMEM);
}

/* The list ends at the first entry with no pages, or at a partial entry. */
static void test_igvm_terminator(void **state)
{
	struct igvm_memory_map_entry page[4096 / 24 + 1];
	static const u64 want[] = { 0, 0x1000 };

	memset(page, 0, sizeof(page));
	page[0] = (struct igvm_memory_map_entry){ 0, 1, 0, 0, 0 };
	page[2] = (struct igvm_memory_map_entry){ 5, 1, 0, 0, 0 };
	assert_int_equal(igvm_parse_n(page, 4096, MAXR), 0);
	expect_regions(want, 1);

	/* A full page: 170 entries, the 16-byte tail is not one. */
	for (u32 i = 0; i < ARRAY_SIZE(page); i++) {
		page[i] = (struct igvm_memory_map_entry){ i, 1, 0, 0, 0 };
	}
	assert_int_equal(igvm_parse_n(page, 4096, MAXR), 0);
	assert_int_equal(count, 1);
	assert_int_equal(out[0].end, 170 * PAGE_SIZE);
	assert_int_equal(igvm_parse_n(page, 24 * 3 + 23, MAXR), 0);
	assert_int_equal(count, 1);
	assert_int_equal(out[0].end, 3 * PAGE_SIZE);
	/* 170 disjoint pages do not fit in 64 regions. */
	for (u32 i = 0; i < ARRAY_SIZE(page); i++) {
		page[i].starting_gpa_page_number = 2 * i;
	}
	assert_int_equal(igvm_parse_n(page, 4096, MAXR), -SVSM_ENOMEM);
	assert_int_equal(count, MAXR);
	assert_int_equal(igvm_parse_n(page, 0, MAXR), 0);
	assert_int_equal(count, 0);
	assert_int_equal(igvm_parse_n(page, 23, MAXR), 0);
	assert_int_equal(count, 0);
}

static void test_igvm_overflow(void **state)
{
	static const struct {
		u64 gpn, pages;
		int ret;
	} cases[] = {
		{ 1ULL << 52, 1, -SVSM_EBADMSG },
		{ 0, 1ULL << 52, -SVSM_EBADMSG },
		{ (1ULL << 52) - 1, 1, -SVSM_EBADMSG }, /* ends at 2^64 */
		{ (1ULL << 52) - 2, 1, 0 },
		{ 0, (1ULL << 52) - 1, 0 },
		{ TOP, TOP, -SVSM_EBADMSG },
	};
	struct igvm_memory_map_entry e = { 0 };

	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		e.starting_gpa_page_number = cases[i].gpn;
		e.number_of_pages = cases[i].pages;
		e.entry_type = IGVM_MEMORY_NORMAL;
		assert_int_equal(igvm_parse_n(&e, sizeof(e), MAXR),
				 cases[i].ret);
		e.entry_type = IGVM_MEMORY_PLATFORM_RESERVED;
		assert_int_equal(igvm_parse_n(&e, sizeof(e), MAXR), 0);
		assert_int_equal(count, 0);
	}
}

/* --- subtract ------------------------------------------------------------- */

static const struct mem_region base3[] = {
	{ 0x1000, 0x5000 }, { 0x10000, 0x20000 }, { 0x30000, 0x40000 }
};
static const u64 base3_want[] = { 0x1000,  0x5000,  0x10000,
				  0x20000, 0x30000, 0x40000 };

static int sub(u32 max, u64 start, u64 end)
{
	memset(out, 0xAA, sizeof(out));
	memcpy(out, base3, sizeof(base3));
	count = ARRAY_SIZE(base3);
	return mem_regions_subtract(out, &count, max, start, end);
}

static void test_subtract_cases(void **state)
{
	static const u64 front[] = { 0x1000, 0x5000, 0x14000, 0x20000,
				     0x30000, 0x40000 };
	static const u64 back[] = { 0x1000, 0x5000, 0x10000, 0x1C000,
				    0x30000, 0x40000 };
	static const u64 middle[] = { 0x1000, 0x5000, 0x10000, 0x14000,
				      0x18000, 0x20000, 0x30000, 0x40000 };
	static const u64 whole[] = { 0x1000, 0x5000, 0x30000, 0x40000 };
	static const u64 span[] = { 0x1000, 0x3000, 0x38000, 0x40000 };
	static const u64 unaligned[] = { 0x1000, 0x5000, 0x10000, 0x14000,
					 0x19000, 0x20000, 0x30000, 0x40000 };

	assert_int_equal(sub(8, 0xC000, 0x14000), 0);
	expect_regions(front, 3);
	assert_int_equal(sub(8, 0x1C000, 0x28000), 0);
	expect_regions(back, 3);
	assert_int_equal(sub(8, 0x14000, 0x18000), 0);
	expect_regions(middle, 4);
	assert_int_equal(sub(8, 0x10000, 0x20000), 0);
	expect_regions(whole, 2);
	assert_int_equal(sub(8, 0xF000, 0x21000), 0);
	expect_regions(whole, 2);
	/* Across several regions: trims two, drops the one between. */
	assert_int_equal(sub(8, 0x3000, 0x38000), 0);
	expect_regions(span, 2);
	/* Disjoint, touching, empty: nothing changes. */
	assert_int_equal(sub(8, 0x6000, 0x10000), 0);
	expect_regions(base3_want, 3);
	assert_int_equal(sub(8, 0x40000, 0x50000), 0);
	expect_regions(base3_want, 3);
	assert_int_equal(sub(8, 0x14000, 0x14000), 0);
	expect_regions(base3_want, 3);
	/* Partial pages are removed whole, keeping the list aligned. */
	assert_int_equal(sub(8, 0x14FFF, 0x18001), 0);
	expect_regions(unaligned, 4);
	/* Everything. */
	assert_int_equal(sub(8, 0, TOP), 0);
	assert_int_equal(count, 0);
	assert_int_equal(sub(8, 0x35000, TOP - 5), 0);
	assert_int_equal(count, 3);
	assert_int_equal(out[2].end, 0x35000);
}

static void test_subtract_errors(void **state)
{
	/* A split with the list full: refused, list unchanged. */
	assert_int_equal(sub(3, 0x14000, 0x18000), -SVSM_ENOMEM);
	expect_regions(base3_want, 3);
	/* Full, but no split needed. */
	assert_int_equal(sub(3, 0x10000, 0x18000), 0);
	assert_int_equal(count, 3);
	assert_int_equal(sub(3, 0x18000, 0x14000), -SVSM_EINVAL);
	expect_regions(base3_want, 3);
	assert_int_equal(sub(2, 0x1000, 0x2000), -SVSM_EINVAL);
	assert_int_equal(mem_regions_subtract(out, NULL, 4, 0, 1),
			 -SVSM_EINVAL);
	count = 0;
	assert_int_equal(mem_regions_subtract(NULL, &count, 0, 0, 0x1000), 0);
	count = 1;
	assert_int_equal(mem_regions_subtract(NULL, &count, 1, 0, 0x1000),
			 -SVSM_EINVAL);
}

/* --- random maps against a bitmap model ----------------------------------- */

#define UNIT 256u
#define UNITS 256u /* a 64 KiB address space: 16 pages */
#define UPP (PAGE_SIZE / UNIT)

static u64 rnd_state = 0x9E3779B97F4A7C15ULL;

static u32 rnd(u32 n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (u32)(rnd_state % n);
}

/* pages[p]: page p is entirely covered by RAM. */
static void model_pages(const struct e820e *e, u32 n, bool *pages)
{
	bool unit[UNITS] = { false };

	for (u32 i = 0; i < n; i++) {
		if (e[i].type != RAM) {
			continue;
		}
		for (u64 a = e[i].addr; a < e[i].addr + e[i].len; a += UNIT) {
			unit[a / UNIT] = true;
		}
	}
	for (u32 p = 0; p < UNITS / UPP; p++) {
		pages[p] = true;
		for (u32 u = 0; u < UPP; u++) {
			pages[p] &= unit[p * UPP + u];
		}
	}
}

/*
 * The regions must be exactly the maximal runs of covered pages: aligned,
 * sorted, never touching, and covering the covered pages only.
 */
static void check_against(const bool *pages)
{
	bool got[UNITS / UPP] = { false };

	for (u32 i = 0; i < count; i++) {
		assert_true(IS_ALIGNED(out[i].start, PAGE_SIZE));
		assert_true(IS_ALIGNED(out[i].end, PAGE_SIZE));
		assert_true(out[i].start < out[i].end);
		assert_true(out[i].end <= UNITS * UNIT);
		assert_true(!i || out[i - 1].end < out[i].start);
		for (u64 a = out[i].start; a < out[i].end; a += PAGE_SIZE) {
			got[a / PAGE_SIZE] = true;
		}
	}
	assert_memory_equal(got, pages, sizeof(got));
}

static void test_model(void **state)
{
	struct e820e e[12];
	bool pages[UNITS / UPP];

	for (u32 iter = 0; iter < 20000; iter++) {
		u32 n = rnd(ARRAY_SIZE(e) + 1);

		for (u32 i = 0; i < n; i++) {
			u32 a = rnd(UNITS), l = rnd(UNITS - a + 1);

			e[i] = (struct e820e){ (u64)a * UNIT, (u64)l * UNIT,
					       rnd(4) ? RAM : 2 };
		}
		model_pages(e, n, pages);
		assert_int_equal(parse(e, n), 0);
		check_against(pages);
	}
}

static void test_subtract_model(void **state)
{
	bool pages[UNITS / UPP];
	struct e820e e[6];

	for (u32 iter = 0; iter < 20000; iter++) {
		u32 n = rnd(ARRAY_SIZE(e) + 1), s, l, before;
		int ret;

		for (u32 i = 0; i < n; i++) {
			u32 a = rnd(UNITS), len = rnd(UNITS - a + 1);

			e[i] = (struct e820e){ (u64)a * UNIT, (u64)len * UNIT,
					       RAM };
		}
		model_pages(e, n, pages);
		assert_int_equal(parse(e, n), 0);
		s = rnd(UNITS + 1);
		l = rnd(UNITS + 1 - s);
		for (u32 p = 0; p < UNITS / UPP && l; p++) {
			/* Every page the range touches goes. */
			if (p * UPP < s + l && s < (p + 1) * UPP) {
				pages[p] = false;
			}
		}
		before = count;
		ret = mem_regions_subtract(out, &count, before + rnd(2),
					   (u64)s * UNIT, (u64)(s + l) * UNIT);
		if (ret == -SVSM_ENOMEM) {
			assert_int_equal(count, before);
			continue;
		}
		assert_int_equal(ret, 0);
		check_against(pages);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_overlap_merged),
		cmocka_unit_test(test_unaligned_rounding),
		cmocka_unit_test(test_merge_then_round),
		cmocka_unit_test(test_non_ram_skipped),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_igvm_basic),
		cmocka_unit_test(test_igvm_terminator),
		cmocka_unit_test(test_igvm_overflow),
		cmocka_unit_test(test_subtract_cases),
		cmocka_unit_test(test_subtract_errors),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_subtract_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

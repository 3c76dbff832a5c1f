/* SPDX-License-Identifier: MIT */
/*
 * Buddy page allocator on memory from aligned_alloc(). After every step the
 * whole metadata array is re-derived (block structure, free lists, counters,
 * full coalescing) and compared with a model of the live allocations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/mm/page_alloc.h>

#include "support/log_capture.h"

#define NR_ORDERS PAGE_ALLOC_MAX_ORDER
#define TEST_PHYS 0x100000000ULL

struct tpool {
	struct page_pool pool;
	u8 *mem;
	u64 npages;
};

/* phys need not be 128 KiB aligned: blocks must still be, physically. */
static struct tpool *tpool_new_at(u64 npages, phys_addr_t phys)
{
	struct tpool *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->mem = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	assert_non_null(t->mem);
	t->npages = npages;
	assert_int_equal(page_pool_init(&t->pool, (uintptr_t)t->mem, phys,
					npages),
			 0);
	return t;
}

static struct tpool *tpool_new(u64 npages)
{
	return tpool_new_at(npages, TEST_PHYS);
}

static void tpool_free(struct tpool *t)
{
	free(t->mem);
	free(t);
}

static u64 expected_meta_pages(u64 npages)
{
	return (npages * sizeof(struct page_info) + PAGE_SIZE - 1) / PAGE_SIZE;
}

static u64 va_index(const struct page_pool *p, const void *va)
{
	return ((uintptr_t)va - p->virt_start) >> PAGE_SHIFT;
}

static phys_addr_t index_phys(const struct page_pool *p, u64 idx)
{
	return p->phys_start + idx * PAGE_SIZE;
}

static bool block_aligned(const struct page_pool *p, const void *va,
			  unsigned int order)
{
	return IS_ALIGNED(page_pool_virt_to_phys(p, va), PAGE_SIZE << order);
}

static u64 pool_free_pages(const struct page_pool *p)
{
	struct page_pool_stats st;

	page_pool_get_stats(p, &st);
	return st.free_pages;
}

/* --- whole-pool consistency ------------------------------------------- */

static void check_free_lists(const struct page_pool *p)
{
	for (unsigned int o = 0; o < NR_ORDERS; o++) {
		u64 prev = PAGE_NONE, n = 0;

		for (u64 i = p->free_head[o]; i != PAGE_NONE;
		     i = p->meta[i].data) {
			assert_true(i >= p->meta_pages && i < p->npages);
			assert_int_equal(p->meta[i].type, PAGE_TYPE_FREE);
			assert_int_equal(p->meta[i].order, o);
			if (prev == PAGE_NONE) {
				assert_int_equal(p->meta[i].prev,
						 PAGE_PREV_NONE);
			} else {
				assert_int_equal(p->meta[i].prev, prev);
			}
			prev = i;
			/* Bounded walk: a cycle would exceed nr_free. */
			assert_true(++n <= p->nr_free[o]);
		}
		assert_int_equal(n, p->nr_free[o]);
	}
}

static void check_block(const struct page_pool *p, u64 i, u64 *blocks,
			u64 *free_blocks)
{
	const struct page_info *pi = &p->meta[i];
	unsigned int o = pi->order;

	assert_true(pi->type == PAGE_TYPE_FREE ||
		    pi->type == PAGE_TYPE_ALLOCATED ||
		    pi->type == PAGE_TYPE_SLAB);
	assert_true(o < NR_ORDERS);
	assert_true(IS_ALIGNED(index_phys(p, i), PAGE_SIZE << o));
	assert_true(i + (1ULL << o) <= p->npages);
	for (u64 j = 1; j < (1ULL << o); j++) {
		assert_int_equal(p->meta[i + j].type, PAGE_TYPE_COMPOUND);
	}
	blocks[o]++;
	if (pi->type != PAGE_TYPE_FREE) {
		return;
	}
	free_blocks[o]++;
	/* Fully coalesced: a free block never has a free buddy. */
	if (o < NR_ORDERS - 1) {
		phys_addr_t bpa = index_phys(p, i) ^ (PAGE_SIZE << o);
		u64 b = (bpa - p->phys_start) / PAGE_SIZE;

		assert_false(bpa >= p->phys_start && b < p->npages &&
			     p->meta[b].type == PAGE_TYPE_FREE &&
			     p->meta[b].order == o);
	}
}

static void check_pool(const struct page_pool *p)
{
	u64 blocks[NR_ORDERS] = { 0 }, free_blocks[NR_ORDERS] = { 0 };
	u64 i;

	for (i = 0; i < p->meta_pages; i++) {
		assert_int_equal(p->meta[i].type, PAGE_TYPE_RESERVED);
	}
	while (i < p->npages) {
		check_block(p, i, blocks, free_blocks);
		i += 1ULL << p->meta[i].order;
	}
	for (unsigned int o = 0; o < NR_ORDERS; o++) {
		assert_int_equal(blocks[o], p->nr_blocks[o]);
		assert_int_equal(free_blocks[o], p->nr_free[o]);
	}
	check_free_lists(p);
}

/* Blocks a fresh pool must have: the largest aligned block at each page. */
static void expected_init_blocks(u64 npages, phys_addr_t phys, u64 *blocks)
{
	u64 i = expected_meta_pages(npages);
	u64 frame0 = phys / PAGE_SIZE;

	memset(blocks, 0, NR_ORDERS * sizeof(*blocks));
	while (i < npages) {
		unsigned int o = NR_ORDERS - 1;

		while (o > 0 && (((frame0 + i) % (1ULL << o)) ||
				 i + (1ULL << o) > npages)) {
			o--;
		}
		blocks[o]++;
		i += 1ULL << o;
	}
}

static void assert_stats_equal(const struct page_pool_stats *a,
			       const struct page_pool_stats *b)
{
	assert_memory_equal(a, b, sizeof(*a));
}

/* --- init ------------------------------------------------------------- */

static void test_init_rejects_bad_args(void **state)
{
	struct page_pool pool;
	u8 *mem = aligned_alloc(PAGE_SIZE, 4 * PAGE_SIZE);
	uintptr_t va = (uintptr_t)mem;

	assert_non_null(mem);
	assert_int_equal(page_pool_init(&pool, va + 8, 0, 4), -SVSM_EINVAL);
	assert_int_equal(page_pool_init(&pool, va, 0x1001, 4), -SVSM_EINVAL);
	assert_int_equal(page_pool_init(&pool, va, 0, 0), -SVSM_EINVAL);
	/* One page is all metadata: nothing usable. */
	assert_int_equal(page_pool_init(&pool, va, 0, 1), -SVSM_EINVAL);
	assert_int_equal(page_pool_init(&pool, va, 0, PAGE_POOL_MAX_PAGES),
			 -SVSM_EINVAL);
	assert_int_equal(page_pool_init(&pool, va, ~0ULL & PAGE_MASK, 4),
			 -SVSM_EINVAL);
	assert_int_equal(page_pool_init(&pool, va, 0, 2), 0);
	free(mem);
}

static void check_fresh_pool(u64 npages, phys_addr_t phys)
{
	struct tpool *t = tpool_new_at(npages, phys);
	struct page_pool *p = &t->pool;
	u64 meta = expected_meta_pages(npages);
	u64 blocks[NR_ORDERS];
	struct page_pool_stats st;

	assert_int_equal(p->meta_pages, meta);
	assert_ptr_equal(p->meta, t->mem);
	check_pool(p);
	page_pool_get_stats(p, &st);
	assert_int_equal(st.total_pages, npages - meta);
	assert_int_equal(st.free_pages, npages - meta);
	expected_init_blocks(npages, phys, blocks);
	for (unsigned int o = 0; o < NR_ORDERS; o++) {
		assert_int_equal(st.total_blocks[o], blocks[o]);
		assert_int_equal(st.free_blocks[o], blocks[o]);
	}
	tpool_free(t);
}

static void test_init_accounting(void **state)
{
	static const u64 sizes[] = { 2,	  3,   4,   31,	 32,   33,  63,
				     64,  65,  96,  120, 255,  256, 257,
				     511, 513, 777, 1024, 1537, 4096 };

	static const u64 frame_offsets[] = { 0, 1, 5, 17, 31, 32, 33 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(frame_offsets); j++) {
			phys_addr_t pa = TEST_PHYS + frame_offsets[j] * PAGE_SIZE;

			check_fresh_pool(sizes[i], pa);
		}
	}
}

/* 120 pages by hand: 1 metadata page, blocks at 1,2,4,8,16,32,64,96,112. */
static void test_init_layout_120(void **state)
{
	static const u64 blocks[NR_ORDERS] = { 1, 1, 1, 2, 2, 2 };
	struct tpool *t = tpool_new(120);
	struct page_pool_stats st;

	page_pool_get_stats(&t->pool, &st);
	assert_memory_equal(st.total_blocks, blocks, sizeof(blocks));
	assert_int_equal(st.free_pages, 119);
	assert_int_equal(t->pool.meta[96].order, 4);
	assert_int_equal(t->pool.meta[112].order, 3);
	/* A fresh pool hands out the lowest block of each order first. */
	assert_ptr_equal(page_pool_alloc(&t->pool, 5), t->mem + 32 * PAGE_SIZE);
	assert_ptr_equal(page_pool_alloc(&t->pool, 3), t->mem + 8 * PAGE_SIZE);
	tpool_free(t);
}

/*
 * 40 pages at frame 3 (mod 32), hand-computed: metadata at frame 3, then
 * frames 4-7 (o2), 8-15 (o3), 16-31 (o4), 32-39 (o3), 40-41 (o1), 42 (o0).
 */
static void test_init_layout_unaligned_phys(void **state)
{
	static const u64 blocks[NR_ORDERS] = { 1, 1, 1, 2, 1, 0 };
	struct tpool *t = tpool_new_at(40, TEST_PHYS + 3 * PAGE_SIZE);
	struct page_pool_stats st;
	u8 *va;

	page_pool_get_stats(&t->pool, &st);
	assert_memory_equal(st.total_blocks, blocks, sizeof(blocks));
	assert_int_equal(st.free_pages, 39);
	va = page_pool_alloc(&t->pool, 4);
	assert_ptr_equal(va, t->mem + 13 * PAGE_SIZE);
	assert_int_equal(page_pool_virt_to_phys(&t->pool, va),
			 TEST_PHYS + 16 * PAGE_SIZE);
	/* No order-5 block exists, and splitting never makes one. */
	assert_null(page_pool_alloc(&t->pool, 5));
	page_pool_free(&t->pool, va);
	check_pool(&t->pool);
	tpool_free(t);
}

/* --- alloc / free ----------------------------------------------------- */

static void test_alloc_free_every_order(void **state)
{
	struct tpool *t = tpool_new(1024);
	struct page_pool *p = &t->pool;
	struct page_pool_stats before, after;

	page_pool_get_stats(p, &before);
	for (unsigned int o = 0; o < NR_ORDERS; o++) {
		u8 *va = page_pool_alloc(p, o);
		u64 idx = va_index(p, va);

		assert_non_null(va);
		assert_true(block_aligned(p, va, o));
		assert_true(idx >= p->meta_pages);
		assert_int_equal(p->meta[idx].type, PAGE_TYPE_ALLOCATED);
		assert_int_equal(p->meta[idx].order, o);
		assert_int_equal(p->meta[idx].data, 0);
		assert_int_equal(pool_free_pages(p),
				 before.free_pages - (1ULL << o));
		memset(va, 0xa5, PAGE_SIZE << o);
		check_pool(p);
		page_pool_free(p, va);
		check_pool(p);
		page_pool_get_stats(p, &after);
		assert_stats_equal(&before, &after);
	}
	assert_null(page_pool_alloc(p, NR_ORDERS));
	assert_null(page_pool_alloc(p, ~0u));
	tpool_free(t);
}

static void test_alignment_until_exhausted(void **state)
{
	/* Every order twice: with an aligned and an unaligned pool. */
	for (unsigned int i = 0; i < 2 * NR_ORDERS; i++) {
		phys_addr_t pa = TEST_PHYS + (i & 1) * 7 * PAGE_SIZE;
		struct tpool *t = tpool_new_at(777, pa);
		struct page_pool *p = &t->pool;
		unsigned int o = i / 2;
		u64 n = 0;
		void *va;

		while ((va = page_pool_alloc(p, o)) != NULL) {
			u64 idx = va_index(p, va);

			assert_true(block_aligned(p, va, o));
			assert_true(idx >= p->meta_pages);
			assert_true(idx + (1ULL << o) <= p->npages);
			n++;
		}
		check_pool(p);
		/* Whatever is left is too small for this order. */
		for (unsigned int k = o; k < NR_ORDERS; k++) {
			assert_int_equal(p->nr_free[k], 0);
		}
		assert_true(n > 0);
		tpool_free(t);
	}
}

static void test_split_prefers_smallest_block(void **state)
{
	/* 65 pages: 1(o0) 2(o1) 4(o2) 8(o3) 16(o4) 32(o5) 64(o0). */
	struct tpool *t = tpool_new(65);
	struct page_pool *p = &t->pool;
	u8 *base = t->mem;

	/* An exact fit is used before anything is split. */
	assert_ptr_equal(page_pool_alloc(p, 2), base + 4 * PAGE_SIZE);
	/* Then the smallest larger block (8, not 16 or 32) is split. */
	assert_ptr_equal(page_pool_alloc(p, 2), base + 8 * PAGE_SIZE);
	assert_int_equal(p->free_head[2], 12);
	assert_ptr_equal(page_pool_alloc(p, 1), base + 2 * PAGE_SIZE);
	assert_ptr_equal(page_pool_alloc(p, 1), base + 12 * PAGE_SIZE);
	assert_int_equal(p->free_head[1], 14);
	assert_int_equal(p->nr_blocks[3], 0);
	assert_int_equal(p->nr_blocks[2], 2);
	assert_int_equal(p->nr_blocks[1], 3);
	check_pool(p);
	tpool_free(t);
}

static void test_split_one_order5(void **state)
{
	/* 64 pages: blocks 1(o0) 2(o1) 4(o2) 8(o3) 16(o4) 32(o5). */
	struct tpool *t = tpool_new(64);
	struct page_pool *p = &t->pool;
	struct page_pool_stats before, st;
	void *low[5];
	u8 *va;

	for (unsigned int o = 0; o < 5; o++) {
		low[o] = page_pool_alloc(p, o);
		assert_ptr_equal(low[o], t->mem + (PAGE_SIZE << o));
	}
	page_pool_get_stats(p, &before);
	assert_int_equal(before.free_pages, 32);
	va = page_pool_alloc(p, 0);
	assert_ptr_equal(va, t->mem + 32 * PAGE_SIZE);
	check_pool(p);
	page_pool_get_stats(p, &st);
	for (unsigned int o = 0; o < 5; o++) {
		/* The order-5 block left one free half at every lower order. */
		assert_int_equal(st.free_blocks[o], 1);
		assert_int_equal(st.total_blocks[o], before.total_blocks[o] +
							     (o == 0 ? 2 : 1));
		assert_int_equal(p->free_head[o], 32 + (1ULL << o));
	}
	assert_int_equal(st.free_blocks[5], 0);
	assert_int_equal(st.total_blocks[5], 0);
	page_pool_free(p, va);
	page_pool_get_stats(p, &st);
	assert_stats_equal(&before, &st);
	for (unsigned int o = 0; o < 5; o++) {
		page_pool_free(p, low[o]);
	}
	check_pool(p);
	tpool_free(t);
}

static u64 rng_state;

static u64 rng_next(void)
{
	/* xorshift64*: deterministic across hosts, no libc rand(). */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void rng_seed(u64 seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
}

static void shuffle(void **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_next() % i;
		void *tmp = v[i - 1];

		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

static void test_coalesce_after_random_frees(void **state)
{
	static const u64 sizes[] = { 33, 257, 1000, 1024, 1024 };

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		/* Odd cases sit 7 pages off a 128 KiB frame boundary. */
		struct tpool *t = tpool_new_at(sizes[s], TEST_PHYS +
						       (s & 1) * 7 * PAGE_SIZE);
		struct page_pool *p = &t->pool;
		struct page_pool_stats before, after;
		u64 total = sizes[s] - p->meta_pages, n = 0;
		void **pages = calloc(total + 1, sizeof(*pages));

		page_pool_get_stats(p, &before);
		while ((pages[n] = page_pool_alloc(p, 0)) != NULL) {
			assert_true(++n <= total);
		}
		assert_int_equal(n, total);
		assert_int_equal(pool_free_pages(p), 0);
		assert_int_equal(p->nr_blocks[0], total);
		check_pool(p);
		rng_seed(s + 7);
		shuffle(pages, n);
		for (u64 i = 0; i < n; i++) {
			page_pool_free(p, pages[i]);
		}
		check_pool(p);
		page_pool_get_stats(p, &after);
		assert_stats_equal(&before, &after);
		free(pages);
		tpool_free(t);
	}
}

static void snapshot_equal(const struct tpool *t, const struct page_pool *pool,
			   const void *meta)
{
	assert_memory_equal(&t->pool, pool, sizeof(*pool));
	assert_memory_equal(t->pool.meta, meta,
			    t->npages * sizeof(struct page_info));
}

static void test_exhaustion_changes_nothing(void **state)
{
	struct tpool *t = tpool_new(200);
	struct page_pool *p = &t->pool;
	size_t meta_size = t->npages * sizeof(struct page_info);
	struct page_pool saved;
	void *meta = malloc(meta_size);

	/* Take every order-5 block: smaller orders still have memory. */
	while (page_pool_alloc(p, 5)) {
	}
	saved = *p;
	memcpy(meta, p->meta, meta_size);
	assert_null(page_pool_alloc(p, 5));
	snapshot_equal(t, &saved, meta);
	/* Now everything. */
	while (page_pool_alloc(p, 0)) {
	}
	assert_int_equal(pool_free_pages(p), 0);
	saved = *p;
	memcpy(meta, p->meta, meta_size);
	for (unsigned int o = 0; o <= NR_ORDERS; o++) {
		assert_null(page_pool_alloc(p, o));
	}
	snapshot_equal(t, &saved, meta);
	check_pool(p);
	free(meta);
	tpool_free(t);
}

/* --- random sequences against a model --------------------------------- */

struct live_block {
	u8 *va;
	unsigned int order;
	u64 tag;
};

#define MAX_LIVE 512

struct model {
	struct live_block live[MAX_LIVE];
	size_t n;
	u64 live_pages;
};

static void pattern_fill(u8 *va, unsigned int order, u64 tag)
{
	u64 *w = (u64 *)va;

	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i++) {
		w[i] = tag ^ (i * 0x9e3779b97f4a7c15ULL);
	}
}

static void pattern_check(const u8 *va, unsigned int order, u64 tag)
{
	const u64 *w = (const u64 *)va;

	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i++) {
		if (w[i] != (tag ^ (i * 0x9e3779b97f4a7c15ULL))) {
			fail_msg("corruption in block %p order %u word %zu",
				 (const void *)va, order, i);
		}
	}
}

static void model_check_new(const struct tpool *t, const struct model *m,
			    const u8 *va, unsigned int order)
{
	const struct page_pool *p = &t->pool;
	u64 len = PAGE_SIZE << order;

	assert_true(va >= t->mem + p->meta_pages * PAGE_SIZE);
	assert_true(va + len <= t->mem + t->npages * PAGE_SIZE);
	assert_true(block_aligned(p, va, order));
	for (size_t i = 0; i < m->n; i++) {
		const struct live_block *b = &m->live[i];

		assert_false(ranges_overlap((uintptr_t)va, len,
					    (uintptr_t)b->va,
					    PAGE_SIZE << b->order));
	}
}

static void model_alloc(struct tpool *t, struct model *m)
{
	/* Bias towards small orders, like real users. */
	unsigned int order = (unsigned int)(rng_next() % 21);
	struct live_block *b;
	u8 *va;

	order = order < 8 ? 0 : order < 12 ? 1 : order < 15 ? 2 :
		order < 17 ? 3 : order < 19 ? 4 : 5;
	va = page_pool_alloc(&t->pool, order);
	if (!va) {
		/* Only legitimate if no block of this order or more is free. */
		for (unsigned int o = order; o < NR_ORDERS; o++) {
			assert_int_equal(t->pool.nr_free[o], 0);
		}
		return;
	}
	model_check_new(t, m, va, order);
	b = &m->live[m->n++];
	*b = (struct live_block){ .va = va, .order = order, .tag = rng_next() };
	pattern_fill(va, order, b->tag);
	m->live_pages += 1ULL << order;
}

static void model_free(struct tpool *t, struct model *m)
{
	size_t i = rng_next() % m->n;
	struct live_block b = m->live[i];

	pattern_check(b.va, b.order, b.tag);
	page_pool_free(&t->pool, b.va);
	m->live[i] = m->live[--m->n];
	m->live_pages -= 1ULL << b.order;
}

static void run_random(u64 npages, u64 seed, unsigned int steps)
{
	/* The seed also picks how the pool sits relative to 128 KiB frames. */
	struct tpool *t = tpool_new_at(npages,
				       TEST_PHYS + (seed % 32) * PAGE_SIZE);
	struct model *m = calloc(1, sizeof(*m));
	struct page_pool_stats before, after;
	u64 total = npages - t->pool.meta_pages;

	page_pool_get_stats(&t->pool, &before);
	rng_seed(seed);
	for (unsigned int s = 0; s < steps; s++) {
		bool do_alloc = m->n == 0 ||
				(m->n < MAX_LIVE && rng_next() % 100 < 55);

		if (do_alloc) {
			model_alloc(t, m);
		} else {
			model_free(t, m);
		}
		check_pool(&t->pool);
		assert_int_equal(pool_free_pages(&t->pool),
				 total - m->live_pages);
	}
	while (m->n) {
		model_free(t, m);
	}
	check_pool(&t->pool);
	page_pool_get_stats(&t->pool, &after);
	assert_stats_equal(&before, &after);
	free(m);
	tpool_free(t);
}

static void test_random_sequences(void **state)
{
	static const u64 seeds[] = { 1, 2, 3, 32, 42, 0xdeadbeef };

	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		run_random(300, seeds[i], 3000);
		run_random(1031, seeds[i], 4000);
	}
	/* Tiny pools reach exhaustion constantly. */
	run_random(9, 5, 2000);
	run_random(40, 6, 2000);
}

/* --- address helpers -------------------------------------------------- */

static void test_address_helpers(void **state)
{
	struct tpool *t = tpool_new(64);
	struct page_pool *p = &t->pool;
	u8 *end = t->mem + 64 * PAGE_SIZE;
	u8 *va = page_pool_alloc(p, 1);

	assert_true(page_pool_contains(p, t->mem));
	assert_true(page_pool_contains(p, end - 1));
	assert_false(page_pool_contains(p, end));
	assert_false(page_pool_contains(p, t->mem - 1));
	assert_null(page_pool_info(p, end));
	assert_null(page_pool_info(p, t->mem - 1));
	assert_ptr_equal(page_pool_info(p, va + 5), &p->meta[va_index(p, va)]);
	assert_ptr_equal(page_pool_page_va(p, &p->meta[3]),
			 t->mem + 3 * PAGE_SIZE);
	assert_int_equal(page_pool_virt_to_phys(p, va + 17),
			 TEST_PHYS + (u64)(va - t->mem) + 17);
	assert_ptr_equal(page_pool_phys_to_virt(p, TEST_PHYS + 0x1234),
			 t->mem + 0x1234);
	assert_null(page_pool_phys_to_virt(p, TEST_PHYS - 1));
	assert_null(page_pool_phys_to_virt(p, TEST_PHYS + 64 * PAGE_SIZE));
	assert_null(page_pool_phys_to_virt(p, 0));
	expect_assert_failure(page_pool_virt_to_phys(p, end));
	page_pool_free(p, va);
	tpool_free(t);
}

/* --- misuse ----------------------------------------------------------- */

static void test_bad_frees(void **state)
{
	struct tpool *t = tpool_new(128);
	struct page_pool *p = &t->pool;
	u8 *end = t->mem + 128 * PAGE_SIZE;
	u8 *a = page_pool_alloc(p, 2);
	u8 *b = page_pool_alloc(p, 0);
	u8 *c = page_pool_alloc(p, 0);
	u8 local;

	/* Interior pages and pointers of a live block. */
	expect_assert_failure(page_pool_free(p, a + PAGE_SIZE));
	expect_assert_failure(page_pool_free(p, a + 3 * PAGE_SIZE));
	expect_assert_failure(page_pool_free(p, a + 8));
	expect_assert_failure(page_pool_free(p, b + PAGE_SIZE - 1));
	/* Outside the pool. */
	expect_assert_failure(page_pool_free(p, NULL));
	expect_assert_failure(page_pool_free(p, end));
	expect_assert_failure(page_pool_free(p, t->mem - PAGE_SIZE));
	expect_assert_failure(page_pool_free(p, &local));
	/* Metadata page. */
	expect_assert_failure(page_pool_free(p, t->mem));
	/* A page owned by the heap. */
	p->meta[va_index(p, c)].type = PAGE_TYPE_SLAB;
	expect_assert_failure(page_pool_free(p, c));
	p->meta[va_index(p, c)].type = PAGE_TYPE_ALLOCATED;
	check_pool(p);
	/* Double frees, with and without the block having merged. */
	page_pool_free(p, b);
	expect_assert_failure(page_pool_free(p, b));
	page_pool_free(p, a);
	expect_assert_failure(page_pool_free(p, a));
	page_pool_free(p, c);
	expect_assert_failure(page_pool_free(p, c));
	/* A page that was never allocated (tail of a free block). */
	expect_assert_failure(page_pool_free(p, end - PAGE_SIZE));
	check_pool(p);
	assert_int_equal(pool_free_pages(p), 127);
	tpool_free(t);
}

/* --- printing --------------------------------------------------------- */

static void expect_print(const struct page_pool *p, const u64 *blocks,
			 const u64 *free_blocks, u64 total_kib, u64 free_kib)
{
	char want[1024];
	size_t len = 0;

	for (unsigned int o = 0; o < NR_ORDERS; o++) {
		len += (size_t)snprintf(want + len, sizeof(want) - len,
					"[SVSM] Order-%02u: total pages: %5llu "
					"free pages: %5llu\n",
					o, (unsigned long long)blocks[o],
					(unsigned long long)free_blocks[o]);
	}
	snprintf(want + len, sizeof(want) - len,
		 "[SVSM] Total memory: %lluKiB free memory: %lluKiB\n",
		 (unsigned long long)total_kib, (unsigned long long)free_kib);
	log_capture_reset();
	page_pool_print(p);
	assert_string_equal(log_capture_buf, want);
}

static void test_print(void **state)
{
	struct tpool *t = tpool_new(120);
	const u64 blocks[NR_ORDERS] = { 1, 1, 1, 2, 2, 2 };
	const u64 split[NR_ORDERS] = { 3, 0, 1, 2, 2, 2 };
	const u64 split_free[NR_ORDERS] = { 0, 0, 1, 2, 2, 2 };
	void *a, *b, *c;

	log_init("SVSM", log_capture_sink, LOG_INFO);
	expect_print(&t->pool, blocks, blocks, 476, 476);
	/* The literal line of the guide, checked once by hand. */
	assert_non_null(strstr(log_capture_buf,
			       "[SVSM] Order-03: total pages:     2 free "
			       "pages:     2\n[SVSM] Order-04"));
	assert_non_null(strstr(log_capture_buf,
			       "[SVSM] Total memory: 476KiB free memory: "
			       "476KiB\n"));
	a = page_pool_alloc(&t->pool, 0); /* page 1 */
	b = page_pool_alloc(&t->pool, 0); /* splits 2..3 */
	c = page_pool_alloc(&t->pool, 0);
	expect_print(&t->pool, split, split_free, 476, 464);
	page_pool_free(&t->pool, a);
	page_pool_free(&t->pool, b);
	page_pool_free(&t->pool, c);
	expect_print(&t->pool, blocks, blocks, 476, 476);
	log_init("SVSM", NULL, LOG_INFO);
	tpool_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_args),
		cmocka_unit_test(test_init_accounting),
		cmocka_unit_test(test_init_layout_120),
		cmocka_unit_test(test_init_layout_unaligned_phys),
		cmocka_unit_test(test_alloc_free_every_order),
		cmocka_unit_test(test_alignment_until_exhausted),
		cmocka_unit_test(test_split_prefers_smallest_block),
		cmocka_unit_test(test_split_one_order5),
		cmocka_unit_test(test_coalesce_after_random_frees),
		cmocka_unit_test(test_exhaustion_changes_nothing),
		cmocka_unit_test(test_random_sequences),
		cmocka_unit_test(test_address_helpers),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

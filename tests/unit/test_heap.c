/* SPDX-License-Identifier: MIT */
/*
 * Slab heap over a page pool on memory from aligned_alloc(). Random runs
 * keep a model of the live objects (address, size, content tag) and check
 * the heap statistics and the pool's free page count after every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/lib/string.h>
#include <svsm/mm/heap.h>
#include <svsm/mm/page_alloc.h>

#define NR_CLASSES HEAP_NR_CLASSES
#define MAX_CLASS_SIZE (1u << HEAP_MAX_CLASS_SHIFT)

struct theap {
	struct page_pool pool;
	struct heap heap;
	u8 *mem;
	u64 npages;
	u64 initial_free;
};

static u64 pool_free_pages(const struct page_pool *p)
{
	struct page_pool_stats st;

	page_pool_get_stats(p, &st);
	return st.free_pages;
}

static struct theap *theap_new(u64 npages)
{
	struct theap *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->mem = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	assert_non_null(t->mem);
	t->npages = npages;
	assert_int_equal(page_pool_init(&t->pool, (uintptr_t)t->mem, 0, npages),
			 0);
	heap_init(&t->heap, &t->pool);
	t->initial_free = pool_free_pages(&t->pool);
	return t;
}

static void theap_free(struct theap *t)
{
	free(t->mem);
	free(t);
}

/* Everything freed: no page kept, counters back to zero. */
static void assert_heap_empty(struct theap *t)
{
	struct heap_stats st;

	heap_get_stats(&t->heap, &st);
	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		assert_int_equal(st.live_objects[c], 0);
		assert_int_equal(st.slabs[c], 0);
	}
	assert_int_equal(st.large_allocations, 0);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(pool_free_pages(&t->pool), t->initial_free);
	assert_null(t->heap.desc_free);
}

static size_t class_size(unsigned int c)
{
	return (size_t)1 << (c + HEAP_MIN_CLASS_SHIFT);
}

static size_t expected_size(size_t size)
{
	size_t s = 32;

	while (s < size) {
		s <<= 1;
	}
	return s > MAX_CLASS_SIZE ? ALIGN_UP(s, PAGE_SIZE) : s;
}

/* --- basic behaviour --------------------------------------------------- */

static void test_every_class(void **state)
{
	struct theap *t = theap_new(64);
	static const size_t sizes[] = { 1,   31,  32,  33,  63,   64,  65,
					100, 128, 129, 256, 257,  511, 512,
					513, 1000, 1024, 1025, 2047, 2048 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t want = expected_size(sizes[i]);
		u8 *p = heap_alloc(&t->heap, sizes[i]);
		struct page_info *pi = page_pool_info(&t->pool, p);

		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, want));
		assert_int_equal(heap_object_size(&t->heap, p), want);
		assert_int_equal(pi->type, PAGE_TYPE_SLAB);
		assert_int_equal(t->heap.allocated_bytes, want);
		memset(p, 0x5a, want);
		heap_free(&t->heap, p);
		assert_heap_empty(t);
	}
	theap_free(t);
}

static void test_size_limits(void **state)
{
	struct theap *t = theap_new(64);
	u8 *p;

	assert_null(heap_alloc(&t->heap, 0));
	assert_null(heap_zalloc(&t->heap, 0));
	assert_null(heap_alloc(&t->heap, HEAP_MAX_ALLOC + 1));
	assert_null(heap_alloc(&t->heap, SIZE_MAX));
	assert_int_equal(pool_free_pages(&t->pool), t->initial_free);
	p = heap_alloc(&t->heap, HEAP_MAX_ALLOC);
	assert_non_null(p);
	assert_int_equal(heap_object_size(&t->heap, p), HEAP_MAX_ALLOC);
	memset(p, 1, HEAP_MAX_ALLOC);
	heap_free(&t->heap, p);
	heap_free(&t->heap, NULL);
	assert_heap_empty(t);
	theap_free(t);
}

static void test_large_allocations(void **state)
{
	static const size_t sizes[] = { 2049, 4095, 4096, 4097, 8192, 8193,
					65536, 65537, 100000, HEAP_MAX_ALLOC };
	struct theap *t = theap_new(512);
	void *p[ARRAY_SIZE(sizes)];
	struct heap_stats st;
	u64 pages = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t want = expected_size(sizes[i]);
		struct page_info *pi;

		p[i] = heap_alloc(&t->heap, sizes[i]);
		assert_non_null(p[i]);
		assert_true(IS_ALIGNED((uintptr_t)p[i], PAGE_SIZE));
		assert_int_equal(heap_object_size(&t->heap, p[i]), want);
		pi = page_pool_info(&t->pool, p[i]);
		assert_int_equal(pi->type, PAGE_TYPE_ALLOCATED);
		assert_int_equal(PAGE_SIZE << pi->order, want);
		memset(p[i], (int)i, sizes[i]);
		pages += want / PAGE_SIZE;
		assert_int_equal(pool_free_pages(&t->pool),
				 t->initial_free - pages);
	}
	heap_get_stats(&t->heap, &st);
	assert_int_equal(st.large_allocations, ARRAY_SIZE(sizes));
	assert_int_equal(st.allocated_bytes, pages * PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_int_equal(((u8 *)p[i])[0], (u8)i);
		assert_int_equal(((u8 *)p[i])[sizes[i] - 1], (u8)i);
		heap_free(&t->heap, p[i]);
	}
	assert_heap_empty(t);
	theap_free(t);
}

static void test_slab_fill_and_release(void **state)
{
	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		struct theap *t = theap_new(64);
		size_t size = class_size(c), per_slab = PAGE_SIZE / size;
		void *obj[2 * 128 + 1];
		struct heap_stats st;

		/* Two full slabs and one more object. */
		for (size_t i = 0; i < 2 * per_slab + 1; i++) {
			obj[i] = heap_alloc(&t->heap, size);
			assert_non_null(obj[i]);
			for (size_t j = 0; j < i; j++) {
				assert_ptr_not_equal(obj[i], obj[j]);
			}
		}
		heap_get_stats(&t->heap, &st);
		assert_int_equal(st.slabs[c], 3);
		assert_int_equal(st.live_objects[c], 2 * per_slab + 1);
		/* 3 slab pages and one descriptor page. */
		assert_int_equal(pool_free_pages(&t->pool),
				 t->initial_free - 4);
		/* Objects of one slab share a page, in order. */
		assert_ptr_equal((u8 *)obj[1], (u8 *)obj[0] + size);
		for (size_t i = 0; i < 2 * per_slab + 1; i++) {
			heap_free(&t->heap, obj[i]);
		}
		assert_heap_empty(t);
		theap_free(t);
	}
}

/* One empty slab is kept while its class is in use, then released. */
static void test_spare_slab(void **state)
{
	struct theap *t = theap_new(64);
	void *obj[129];
	struct heap_stats st;
	u64 free_two_slabs;

	for (size_t i = 0; i < 129; i++) {
		obj[i] = heap_alloc(&t->heap, 32);
	}
	free_two_slabs = pool_free_pages(&t->pool);
	/* Oscillating across the slab boundary does not touch the pool. */
	for (int round = 0; round < 10; round++) {
		heap_free(&t->heap, obj[128]);
		assert_int_equal(pool_free_pages(&t->pool), free_two_slabs);
		obj[128] = heap_alloc(&t->heap, 32);
		assert_int_equal(pool_free_pages(&t->pool), free_two_slabs);
	}
	heap_free(&t->heap, obj[128]);
	heap_get_stats(&t->heap, &st);
	assert_int_equal(st.slabs[0], 2);
	assert_int_equal(st.live_objects[0], 128);
	for (size_t i = 0; i < 128; i++) {
		heap_free(&t->heap, obj[i]);
	}
	assert_heap_empty(t);
	theap_free(t);
}

static void test_zalloc(void **state)
{
	struct theap *t = theap_new(64);
	/* Keeps the slab alive so that the dirty slot is handed out again. */
	u8 *q = heap_alloc(&t->heap, 256);
	u8 *p = heap_alloc(&t->heap, 200);
	u8 *dirty = p, *big;

	memset(p, 0xff, 256);
	heap_free(&t->heap, p);
	p = heap_zalloc(&t->heap, 200);
	assert_ptr_equal(p, dirty);
	assert_true(mem_is_zero(p, 200));
	big = heap_alloc(&t->heap, 10000);
	memset(big, 0xee, 10000);
	heap_free(&t->heap, big);
	big = heap_zalloc(&t->heap, 10000);
	assert_true(mem_is_zero(big, 10000));
	heap_free(&t->heap, big);
	heap_free(&t->heap, p);
	heap_free(&t->heap, q);
	assert_heap_empty(t);
	theap_free(t);
}

/* --- exhaustion -------------------------------------------------------- */

static void test_exhaustion(void **state)
{
	struct theap *t = theap_new(16);
	u8 *obj[64];
	size_t n = 0;

	/* 15 usable pages: 1 descriptor page + 14 slabs of 2 objects. */
	while ((obj[n] = heap_alloc(&t->heap, 2048)) != NULL) {
		memset(obj[n], (int)n, 2048);
		assert_true(++n < ARRAY_SIZE(obj));
	}
	assert_int_equal(n, 28);
	assert_int_equal(pool_free_pages(&t->pool), 0);
	assert_null(heap_alloc(&t->heap, 32));
	assert_null(heap_alloc(&t->heap, 3000));
	assert_null(heap_zalloc(&t->heap, 1));
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < 2048; j++) {
			assert_int_equal(obj[i][j], (u8)i);
		}
		heap_free(&t->heap, obj[i]);
	}
	assert_heap_empty(t);
	theap_free(t);
}

/* A slab needs a page and a descriptor page: one free page is not enough. */
static void test_exhaustion_needs_two_pages(void **state)
{
	struct theap *t = theap_new(16);
	void *pages[16];
	size_t n = 0;

	while (pool_free_pages(&t->pool) > 1) {
		pages[n++] = page_pool_alloc(&t->pool, 0);
	}
	assert_null(heap_alloc(&t->heap, 64));
	assert_int_equal(pool_free_pages(&t->pool), 1);
	assert_null(t->heap.desc_free);
	/* The last page is still good for a large allocation. */
	pages[n] = heap_alloc(&t->heap, 4096);
	assert_non_null(pages[n]);
	heap_free(&t->heap, pages[n]);
	while (n) {
		page_pool_free(&t->pool, pages[--n]);
	}
	assert_heap_empty(t);
	theap_free(t);
}

/* A spare slab of one class is given up when another class needs memory. */
static void test_spares_dropped_under_pressure(void **state)
{
	struct theap *t = theap_new(16);
	void *obj[129], *pages[16], *p;
	size_t n = 0;

	for (size_t i = 0; i < 129; i++) {
		obj[i] = heap_alloc(&t->heap, 32);
	}
	heap_free(&t->heap, obj[128]); /* now a spare */
	while ((pages[n] = page_pool_alloc(&t->pool, 0)) != NULL) {
		n++;
	}
	p = heap_alloc(&t->heap, 512);
	assert_non_null(p);
	assert_null(t->heap.classes[0].empty);
	heap_free(&t->heap, p);
	while (n) {
		page_pool_free(&t->pool, pages[--n]);
	}
	for (size_t i = 0; i < 128; i++) {
		heap_free(&t->heap, obj[i]);
	}
	assert_heap_empty(t);
	theap_free(t);
}

/* --- random runs against a model ------------------------------------ */

static u64 rng_state;

static u64 rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

struct live_obj {
	u8 *p;
	size_t size;
	u8 tag;
};

#define MAX_LIVE 1024

struct model {
	struct live_obj live[MAX_LIVE];
	size_t n;
	u64 bytes;
	u64 per_class[NR_CLASSES];
	u64 large;
};

static size_t random_size(void)
{
	u64 r = rng_next();

	switch (r % 10) {
	case 0:
		return 1 + (r >> 8) % HEAP_MAX_ALLOC;
	case 1:
		return 2049 + (r >> 8) % 8192;
	default:
		return 1 + (r >> 8) % 2048;
	}
}

static void model_account(struct model *m, size_t size, int dir)
{
	size_t rounded = expected_size(size);

	m->bytes += (u64)(dir * (s64)rounded);
	if (rounded > MAX_CLASS_SIZE) {
		m->large += (u64)dir;
	} else {
		m->per_class[__builtin_ctzll(rounded) - HEAP_MIN_CLASS_SHIFT] +=
			(u64)dir;
	}
}

static void model_check_new(struct theap *t, struct model *m, u8 *p,
			    size_t size)
{
	size_t rounded = expected_size(size);

	assert_true(page_pool_contains(&t->pool, p));
	assert_true(page_pool_contains(&t->pool, p + rounded - 1));
	assert_true(IS_ALIGNED((uintptr_t)p, MIN(rounded, PAGE_SIZE)));
	assert_int_equal(heap_object_size(&t->heap, p), rounded);
	for (size_t i = 0; i < m->n; i++) {
		assert_false(ranges_overlap((uintptr_t)p, rounded,
					    (uintptr_t)m->live[i].p,
					    expected_size(m->live[i].size)));
	}
}

/* A failure is only legitimate when the pool really cannot serve it. */
static void model_check_failure(struct theap *t, size_t size)
{
	size_t rounded = expected_size(size);

	if (rounded <= MAX_CLASS_SIZE) {
		/* A new slab needs a page, and maybe a descriptor page. */
		assert_true(pool_free_pages(&t->pool) <= 1);
		return;
	}
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		if ((PAGE_SIZE << o) >= rounded) {
			assert_int_equal(t->pool.nr_free[o], 0);
		}
	}
}

static void model_alloc(struct theap *t, struct model *m)
{
	size_t size = random_size();
	u8 *p = heap_alloc(&t->heap, size);
	struct live_obj *o;

	if (!p) {
		model_check_failure(t, size);
		return;
	}
	model_check_new(t, m, p, size);
	o = &m->live[m->n++];
	*o = (struct live_obj){ .p = p, .size = size, .tag = (u8)rng_next() };
	memset(p, o->tag, size);
	model_account(m, size, 1);
}

static void model_free(struct theap *t, struct model *m)
{
	size_t i = rng_next() % m->n;
	struct live_obj o = m->live[i];

	for (size_t j = 0; j < o.size; j++) {
		if (o.p[j] != o.tag) {
			fail_msg("object %p size %zu corrupted at %zu",
				 (void *)o.p, o.size, j);
		}
	}
	heap_free(&t->heap, o.p);
	m->live[i] = m->live[--m->n];
	model_account(m, o.size, -1);
}

static void model_compare(struct theap *t, const struct model *m)
{
	struct heap_stats st;

	heap_get_stats(&t->heap, &st);
	assert_int_equal(st.allocated_bytes, m->bytes);
	assert_int_equal(st.large_allocations, m->large);
	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		assert_int_equal(st.live_objects[c], m->per_class[c]);
		/* Non-empty slabs plus at most one spare, none if unused. */
		assert_true(st.slabs[c] <= m->per_class[c] + 1);
		if (m->per_class[c] == 0) {
			assert_int_equal(st.slabs[c], 0);
		}
	}
}

static void run_random(u64 npages, u64 seed, unsigned int steps)
{
	struct theap *t = theap_new(npages);
	struct model *m = calloc(1, sizeof(*m));

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (unsigned int s = 0; s < steps; s++) {
		if (m->n == 0 || (m->n < MAX_LIVE && rng_next() % 100 < 52)) {
			model_alloc(t, m);
		} else {
			model_free(t, m);
		}
		model_compare(t, m);
	}
	while (m->n) {
		model_free(t, m);
	}
	assert_heap_empty(t);
	free(m);
	theap_free(t);
}

static void test_random_sequences(void **state)
{
	static const u64 seeds[] = { 1, 2, 3, 42, 0xdeadbeef };

	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		run_random(2048, seeds[i], 5000);
		run_random(100, seeds[i], 3000);
	}
}

/* --- misuse ------------------------------------------------------------ */

static void test_bad_frees(void **state)
{
	struct theap *t = theap_new(64);
	struct heap other;
	u8 *a = heap_alloc(&t->heap, 64);
	u8 *b = heap_alloc(&t->heap, 64);
	u8 *big = heap_alloc(&t->heap, 3 * PAGE_SIZE);
	u8 *page = page_pool_alloc(&t->pool, 0);
	struct page_info *pi = page_pool_info(&t->pool, a);
	u8 *desc = (u8 *)(uintptr_t)pi->data;
	u8 local[64];

	/* Interior pointers. */
	expect_assert_failure(heap_free(&t->heap, a + 1));
	expect_assert_failure(heap_free(&t->heap, a + 32));
	expect_assert_failure(heap_free(&t->heap, big + 16));
	expect_assert_failure(heap_free(&t->heap, big + PAGE_SIZE));
	expect_assert_failure(heap_object_size(&t->heap, a + 8));
	/* Free slot of a live slab. */
	expect_assert_failure(heap_free(&t->heap, b + 64));
	/* Foreign pointers. */
	expect_assert_failure(heap_free(&t->heap, local));
	expect_assert_failure(heap_free(&t->heap, t->mem)); /* metadata */
	expect_assert_failure(heap_free(&t->heap, page));   /* not the heap's */
	expect_assert_failure(heap_free(&t->heap, desc));   /* descriptor */
	/* The descriptor page's own descriptor sits at its start. */
	expect_assert_failure(heap_free(&t->heap,
					(void *)ALIGN_DOWN((uintptr_t)desc,
							   PAGE_SIZE)));
	expect_assert_failure(heap_free(&t->heap,
					t->mem + 63 * PAGE_SIZE)); /* free */
	/* Another heap on the same pool does not own these objects. */
	heap_init(&other, &t->pool);
	expect_assert_failure(heap_free(&other, a));
	expect_assert_failure(heap_free(&other, big));
	/* Double frees. */
	heap_free(&t->heap, a);
	expect_assert_failure(heap_free(&t->heap, a));
	expect_assert_failure(heap_object_size(&t->heap, a));
	heap_free(&t->heap, big);
	expect_assert_failure(heap_free(&t->heap, big));
	heap_free(&t->heap, b);
	/* The slab page itself is gone now. */
	expect_assert_failure(heap_free(&t->heap, b));
	page_pool_free(&t->pool, page);
	assert_heap_empty(t);
	theap_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_class),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_large_allocations),
		cmocka_unit_test(test_slab_fill_and_release),
		cmocka_unit_test(test_spare_slab),
		cmocka_unit_test(test_zalloc),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_exhaustion_needs_two_pages),
		cmocka_unit_test(test_spares_dropped_under_pressure),
		cmocka_unit_test(test_random_sequences),
		cmocka_unit_test(test_bad_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

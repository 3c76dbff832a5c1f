/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the page pool and the heap. The first two bytes pick
 * the pool size and its offset from a 128 KiB physical boundary; every
 * following byte is an operation (page alloc, page free, heap alloc, heap
 * free, print) with its arguments taken from the next bytes.
 * A model of everything live is kept, and after every operation the pool
 * metadata is re-derived and compared with it. Any mismatch aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/mm/heap.h>
#include <svsm/mm/page_alloc.h>

#define MAX_PAGES 256
#define MAX_LIVE 512

#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond)) {                                         \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                \
			abort();                                       \
		}                                                      \
	} while (0)

struct live {
	u8 *p;
	size_t size; /* bytes filled with tag */
	unsigned int order;
	u8 tag;
};

struct fuzz_state {
	struct page_pool pool;
	struct heap heap;
	struct live pages[MAX_LIVE];
	struct live objs[MAX_LIVE];
	size_t npages_live, nobjs_live;
	u64 page_pages; /* pages held by page allocations */
	u8 next_tag;
};

static u8 pool_mem[MAX_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svsm_panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void log_sink(const char *line, size_t len)
{
	REQUIRE(len > 0 && line[len - 1] == '\n' && line[len] == '\0');
}

/* --- input ----------------------------------------------------------- */

struct input {
	const u8 *data;
	size_t len, pos;
};

static bool in_byte(struct input *in, u8 *b)
{
	if (in->pos >= in->len) {
		return false;
	}
	*b = in->data[in->pos++];
	return true;
}

/* --- invariants ------------------------------------------------------ */

struct owner_count {
	u64 page_blocks, page_pages; /* ALLOCATED, data 0 */
	u64 large_blocks;            /* ALLOCATED, data = heap */
};

static u64 check_block(struct fuzz_state *st, u64 i, struct owner_count *oc)
{
	const struct page_pool *p = &st->pool;
	const struct page_info *pi = &p->meta[i];
	u64 n = 1ULL << pi->order;

	REQUIRE(pi->order < PAGE_ALLOC_MAX_ORDER);
	REQUIRE(IS_ALIGNED(p->phys_start / PAGE_SIZE + i, n));
	REQUIRE(i + n <= p->npages);
	for (u64 j = 1; j < n; j++) {
		REQUIRE(p->meta[i + j].type == PAGE_TYPE_COMPOUND);
	}
	switch (pi->type) {
	case PAGE_TYPE_FREE:
	case PAGE_TYPE_SLAB:
		break;
	case PAGE_TYPE_ALLOCATED:
		if (pi->data == 0) {
			oc->page_blocks++;
			oc->page_pages += n;
		} else {
			REQUIRE(pi->data == (uintptr_t)&st->heap);
			oc->large_blocks++;
		}
		break;
	default:
		abort();
	}
	return n;
}

static void check_free_lists(const struct page_pool *p)
{
	u64 free_pages = 0;

	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		u64 prev = PAGE_NONE, n = 0;

		for (u64 i = p->free_head[o]; i != PAGE_NONE;
		     i = p->meta[i].data) {
			REQUIRE(i < p->npages && ++n <= p->nr_free[o]);
			REQUIRE(p->meta[i].type == PAGE_TYPE_FREE &&
				p->meta[i].order == o);
			REQUIRE(p->meta[i].prev ==
				(prev == PAGE_NONE ? PAGE_PREV_NONE : prev));
			prev = i;
		}
		REQUIRE(n == p->nr_free[o]);
		free_pages += n << o;
	}
	REQUIRE(free_pages <= p->npages - p->meta_pages);
}

static void check_all(struct fuzz_state *st)
{
	const struct page_pool *p = &st->pool;
	struct owner_count oc = { 0 };
	struct heap_stats hs;
	u64 i;

	for (i = 0; i < p->meta_pages; i++) {
		REQUIRE(p->meta[i].type == PAGE_TYPE_RESERVED);
	}
	while (i < p->npages) {
		i += check_block(st, i, &oc);
	}
	REQUIRE(i == p->npages);
	check_free_lists(p);
	REQUIRE(oc.page_blocks == st->npages_live);
	REQUIRE(oc.page_pages == st->page_pages);
	heap_get_stats(&st->heap, &hs);
	REQUIRE(oc.large_blocks == hs.large_allocations);
}

static void check_new(struct fuzz_state *st, const u8 *p, size_t len)
{
	REQUIRE(page_pool_contains(&st->pool, p));
	REQUIRE(page_pool_contains(&st->pool, p + len - 1));
	REQUIRE(p >= pool_mem + st->pool.meta_pages * PAGE_SIZE);
	for (size_t i = 0; i < st->npages_live; i++) {
		REQUIRE(!ranges_overlap((uintptr_t)p, len,
					(uintptr_t)st->pages[i].p,
					PAGE_SIZE << st->pages[i].order));
	}
	for (size_t i = 0; i < st->nobjs_live; i++) {
		REQUIRE(!ranges_overlap((uintptr_t)p, len,
					(uintptr_t)st->objs[i].p,
					heap_object_size(&st->heap,
							 st->objs[i].p)));
	}
}

/* memcmp() against a filled buffer: byte loops under ASan are too slow. */
static void check_content(const struct live *l)
{
	static u8 want[PAGE_SIZE];

	memset(want, l->tag, sizeof(want));
	for (size_t off = 0; off < l->size; off += sizeof(want)) {
		size_t n = MIN(sizeof(want), l->size - off);

		REQUIRE(memcmp(l->p + off, want, n) == 0);
	}
}

/* --- operations ------------------------------------------------------ */

static void op_page_alloc(struct fuzz_state *st, u8 arg)
{
	unsigned int order = arg % (PAGE_ALLOC_MAX_ORDER + 1);
	u8 *p = page_pool_alloc(&st->pool, order);
	struct live *l;

	if (!p) {
		for (unsigned int o = order; o < PAGE_ALLOC_MAX_ORDER; o++) {
			REQUIRE(st->pool.nr_free[o] == 0);
		}
		return;
	}
	REQUIRE(order < PAGE_ALLOC_MAX_ORDER);
	REQUIRE(IS_ALIGNED(page_pool_virt_to_phys(&st->pool, p),
			   PAGE_SIZE << order));
	check_new(st, p, PAGE_SIZE << order);
	if (st->npages_live == MAX_LIVE) {
		page_pool_free(&st->pool, p);
		return;
	}
	l = &st->pages[st->npages_live++];
	*l = (struct live){ .p = p, .size = PAGE_SIZE << order,
			    .order = order, .tag = st->next_tag++ };
	memset(p, l->tag, l->size);
	st->page_pages += 1ULL << order;
}

static void op_page_free(struct fuzz_state *st, u8 arg)
{
	size_t i;
	struct live l;

	if (!st->npages_live) {
		return;
	}
	i = arg % st->npages_live;
	l = st->pages[i];
	check_content(&l);
	page_pool_free(&st->pool, l.p);
	st->npages_live--;
	st->pages[i] = st->pages[st->npages_live];
	st->page_pages -= 1ULL << l.order;
}

static size_t heap_size_from(u8 a, u8 b)
{
	u16 v = (u16)(a << 8 | b);

	/* Mostly slab sizes, sometimes large or just out of range. */
	if (a & 0x80) {
		return (size_t)(v & 0x7fff) * 5;
	}
	return v % (2048 + 2);
}

/* A failure is only legitimate when the pool really cannot serve it. */
static void check_heap_failure(struct fuzz_state *st, size_t size)
{
	struct page_pool_stats ps;
	unsigned int order = 0;

	page_pool_get_stats(&st->pool, &ps);
	if (size <= 2048) {
		/* A new slab needs a page and maybe a descriptor page. */
		REQUIRE(ps.free_pages <= 1);
		return;
	}
	while ((PAGE_SIZE << order) < size) {
		order++;
	}
	for (; order < PAGE_ALLOC_MAX_ORDER; order++) {
		REQUIRE(ps.free_blocks[order] == 0);
	}
}

static void op_heap_alloc(struct fuzz_state *st, u8 a, u8 b)
{
	size_t size = heap_size_from(a, b);
	u8 *p = (b & 1) ? heap_zalloc(&st->heap, size) :
			  heap_alloc(&st->heap, size);
	struct live *l;

	if (size == 0 || size > HEAP_MAX_ALLOC) {
		REQUIRE(!p);
		return;
	}
	if (!p) {
		check_heap_failure(st, size);
		return;
	}
	REQUIRE(heap_object_size(&st->heap, p) >= size);
	if (b & 1) {
		struct live zero = { .p = p, .size = size, .tag = 0 };

		check_content(&zero);
	}
	check_new(st, p, heap_object_size(&st->heap, p));
	if (st->nobjs_live == MAX_LIVE) {
		heap_free(&st->heap, p);
		return;
	}
	l = &st->objs[st->nobjs_live++];
	*l = (struct live){ .p = p, .size = size, .tag = st->next_tag++ };
	memset(p, l->tag, size);
}

static void op_heap_free(struct fuzz_state *st, u8 arg)
{
	size_t i;
	struct live l;

	if (!st->nobjs_live) {
		return;
	}
	i = arg % st->nobjs_live;
	l = st->objs[i];
	check_content(&l);
	heap_free(&st->heap, l.p);
	st->nobjs_live--;
	st->objs[i] = st->objs[st->nobjs_live];
}

static bool run_op(struct fuzz_state *st, struct input *in)
{
	u8 op, a, b;

	if (!in_byte(in, &op) || !in_byte(in, &a)) {
		return false;
	}
	switch (op % 5) {
	case 0:
		op_page_alloc(st, a);
		break;
	case 1:
		op_page_free(st, a);
		break;
	case 2:
		if (!in_byte(in, &b)) {
			return false;
		}
		op_heap_alloc(st, a, b);
		break;
	case 3:
		op_heap_free(st, a);
		break;
	default:
		page_pool_print(&st->pool);
		break;
	}
	return true;
}

static void teardown(struct fuzz_state *st, const struct page_pool_stats *fresh)
{
	struct page_pool_stats now;
	struct heap_stats hs;

	while (st->nobjs_live) {
		op_heap_free(st, 0);
	}
	while (st->npages_live) {
		op_page_free(st, 0);
	}
	check_all(st);
	heap_get_stats(&st->heap, &hs);
	REQUIRE(hs.allocated_bytes == 0 && hs.large_allocations == 0);
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		REQUIRE(hs.slabs[c] == 0 && hs.live_objects[c] == 0);
	}
	/* Full coalescing: exactly the blocks of a fresh pool again. */
	page_pool_get_stats(&st->pool, &now);
	REQUIRE(memcmp(fresh, &now, sizeof(now)) == 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	static struct fuzz_state st;
	struct input in = { .data = data, .len = len };
	struct page_pool_stats fresh;
	u8 size_byte, frame_byte;
	phys_addr_t phys;

	if (!in_byte(&in, &size_byte) || !in_byte(&in, &frame_byte)) {
		return 0;
	}
	memset(&st, 0, sizeof(st));
	log_init("SVSM", log_sink, LOG_INFO);
	phys = 0x80000000 + (phys_addr_t)(frame_byte % 32) * PAGE_SIZE;
	REQUIRE(page_pool_init(&st.pool, (uintptr_t)pool_mem, phys,
			       2 + size_byte % (MAX_PAGES - 1)) == 0);
	heap_init(&st.heap, &st.pool);
	page_pool_get_stats(&st.pool, &fresh);
	while (run_op(&st, &in)) {
		check_all(&st);
	}
	teardown(&st, &fresh);
	return 0;
}

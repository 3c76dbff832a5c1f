/* SPDX-License-Identifier: MIT */
/*
 * Binary buddy allocator over one linearly mapped region.
 *
 * Blocks are naturally aligned in physical memory (a 2^o-page block starts
 * on a 2^o-page frame boundary), whatever the alignment of the pool itself:
 * with bias = the pool's first frame number modulo the largest block, the
 * block at index i has frame-aligned position a = i + bias and its buddy is
 * at (a ^ (1 << o)) - bias. A buddy "before" the pool wraps around to a huge
 * index and is rejected like one past the end.
 *
 * Every page that is not the head of a block (free or allocated) is
 * COMPOUND, which makes a stray free of an interior page detectable without
 * walking anything.
 *
 * Free lists are doubly linked through the metadata (data = next,
 * prev = previous index) so that coalescing can unlink a buddy from the
 * middle of a list in constant time.
 */

#define LOG_MODULE "mm"

#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/mm/page_alloc.h>

#define META_PER_PAGE (PAGE_SIZE / sizeof(struct page_info))
#define MAX_BLOCK_PAGES (1ULL << (PAGE_ALLOC_MAX_ORDER - 1))

static inline u64 frame_bias(const struct page_pool *pool)
{
	return (pool->phys_start >> PAGE_SHIFT) & (MAX_BLOCK_PAGES - 1);
}

/* The list helpers are on every alloc/free: keep them inlined. */
static inline void free_list_push(struct page_pool *pool, unsigned int order,
				  u64 idx)
{
	struct page_info *pi = &pool->meta[idx];
	u64 head = pool->free_head[order];

	pi->type = PAGE_TYPE_FREE;
	pi->order = (u8)order;
	pi->prev = PAGE_PREV_NONE;
	pi->data = head;
	if (head != PAGE_NONE) {
		pool->meta[head].prev = (u32)idx;
	}
	pool->free_head[order] = idx;
	pool->nr_free[order]++;
}

static inline void free_list_del(struct page_pool *pool, unsigned int order,
				 u64 idx)
{
	struct page_info *pi = &pool->meta[idx];
	u64 next = pi->data;

	if (pi->prev == PAGE_PREV_NONE) {
		pool->free_head[order] = next;
	} else {
		pool->meta[pi->prev].data = next;
	}
	if (next != PAGE_NONE) {
		pool->meta[next].prev = pi->prev;
	}
	pool->nr_free[order]--;
}

/* Largest order whose naturally aligned block at pos fits in `left` pages. */
static unsigned int init_block_order(u64 pos, u64 left)
{
	unsigned int order = PAGE_ALLOC_MAX_ORDER - 1;

	while (order > 0 &&
	       (!IS_ALIGNED(pos, 1ULL << order) || (1ULL << order) > left)) {
		order--;
	}
	return order;
}

static void init_page(struct page_pool *pool, u64 idx, enum page_type type)
{
	pool->meta[idx] = (struct page_info){
		.type = (u8)type,
		.prev = PAGE_PREV_NONE,
		.data = PAGE_NONE,
	};
}

/*
 * Appends rather than pushes so that a fresh pool hands out low addresses
 * first, which keeps early boot allocations predictable.
 */
static void init_add_block(struct page_pool *pool, u64 *tail, u64 idx,
			   unsigned int order)
{
	struct page_info *pi = &pool->meta[idx];

	for (u64 i = 1; i < (1ULL << order); i++) {
		init_page(pool, idx + i, PAGE_TYPE_COMPOUND);
	}
	init_page(pool, idx, PAGE_TYPE_FREE);
	pi->order = (u8)order;
	if (tail[order] == PAGE_NONE) {
		pool->free_head[order] = idx;
	} else {
		pool->meta[tail[order]].data = idx;
		pi->prev = (u32)tail[order];
	}
	tail[order] = idx;
	pool->nr_free[order]++;
	pool->nr_blocks[order]++;
}

static bool init_args_valid(virt_addr_t virt, phys_addr_t phys, u64 npages)
{
	u64 end;

	if (!IS_ALIGNED(virt, PAGE_SIZE) || !IS_ALIGNED(phys, PAGE_SIZE)) {
		return false;
	}
	/* From 2 pages on, the metadata always leaves at least one usable. */
	if (npages < 2 || npages >= PAGE_POOL_MAX_PAGES) {
		return false;
	}
	/* The last byte must be addressable in both spaces without wrap. */
	return add_no_overflow(virt, (npages << PAGE_SHIFT) - 1, &end) &&
	       add_no_overflow(phys, (npages << PAGE_SHIFT) - 1, &end);
}

int page_pool_init(struct page_pool *pool, virt_addr_t virt, phys_addr_t phys,
		   u64 npages)
{
	u64 tail[PAGE_ALLOC_MAX_ORDER];
	u64 idx;

	if (!init_args_valid(virt, phys, npages)) {
		return -SVSM_EINVAL;
	}
	pool->virt_start = virt;
	pool->phys_start = phys;
	pool->npages = npages;
	pool->meta = (struct page_info *)(uintptr_t)virt;
	pool->meta_pages = (npages + META_PER_PAGE - 1) / META_PER_PAGE;
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		pool->free_head[o] = PAGE_NONE;
		pool->nr_blocks[o] = 0;
		pool->nr_free[o] = 0;
		tail[o] = PAGE_NONE;
	}
	for (idx = 0; idx < pool->meta_pages; idx++) {
		init_page(pool, idx, PAGE_TYPE_RESERVED);
	}
	while (idx < npages) {
		unsigned int order = init_block_order(idx + frame_bias(pool),
						      npages - idx);

		init_add_block(pool, tail, idx, order);
		idx += 1ULL << order;
	}
	return 0;
}

static void *index_to_va(const struct page_pool *pool, u64 idx)
{
	return (void *)(uintptr_t)(pool->virt_start + (idx << PAGE_SHIFT));
}

static inline u64 free_list_pop(struct page_pool *pool, unsigned int order)
{
	u64 idx = pool->free_head[order];
	u64 next = pool->meta[idx].data;

	pool->free_head[order] = next;
	if (next != PAGE_NONE) {
		pool->meta[next].prev = PAGE_PREV_NONE;
	}
	pool->nr_free[order]--;
	return idx;
}

/*
 * Splits the block at idx from order o down to `order`, keeping the lower
 * half and giving the upper half back at each step. Out of line so that the
 * common exact-fit allocation stays short.
 */
static __attribute__((noinline)) void split_block(struct page_pool *pool,
						  u64 idx, unsigned int o,
						  unsigned int order)
{
	while (o > order) {
		o--;
		free_list_push(pool, o, idx + (1ULL << o));
		pool->nr_blocks[o + 1]--;
		pool->nr_blocks[o] += 2;
	}
}

void *page_pool_alloc(struct page_pool *pool, unsigned int order)
{
	unsigned int o = order;
	struct page_info *pi;
	u64 idx;

	if (unlikely(order >= PAGE_ALLOC_MAX_ORDER)) {
		return NULL;
	}
	while (pool->free_head[o] == PAGE_NONE) {
		if (++o == PAGE_ALLOC_MAX_ORDER) {
			return NULL;
		}
	}
	idx = free_list_pop(pool, o);
	if (o > order) {
		split_block(pool, idx, o, order);
	}
	pi = &pool->meta[idx];
	pi->type = PAGE_TYPE_ALLOCATED;
	pi->order = (u8)order;
	pi->data = 0;
	return index_to_va(pool, idx);
}

static inline u64 buddy_index(const struct page_pool *pool, u64 idx,
			      unsigned int order)
{
	u64 bias = frame_bias(pool);

	return ((idx + bias) ^ (1ULL << order)) - bias;
}

/*
 * Metadata pages are RESERVED, so a buddy inside them never looks free;
 * only the ends of the pool need an explicit bound (before the start wraps).
 */
static inline bool can_merge(const struct page_pool *pool, u64 idx,
			     unsigned int order)
{
	u64 buddy = buddy_index(pool, idx, order);
	const struct page_info *bi;

	if (order >= PAGE_ALLOC_MAX_ORDER - 1 || buddy >= pool->npages) {
		return false;
	}
	bi = &pool->meta[buddy];
	return bi->type == PAGE_TYPE_FREE && bi->order == order;
}

/* Out of line so that a free whose buddy is in use stays short. */
static __attribute__((noinline)) void merge_and_push(struct page_pool *pool,
						     u64 idx,
						     unsigned int order)
{
	do {
		u64 buddy = buddy_index(pool, idx, order);

		free_list_del(pool, order, buddy);
		/* The upper half's head becomes a tail of the merged block. */
		pool->meta[MAX(idx, buddy)].type = PAGE_TYPE_COMPOUND;
		idx = MIN(idx, buddy);
		pool->nr_blocks[order] -= 2;
		pool->nr_blocks[order + 1]++;
		order++;
	} while (can_merge(pool, idx, order));
	free_list_push(pool, order, idx);
}

void page_pool_free(struct page_pool *pool, void *va)
{
	u64 off = (uintptr_t)va - pool->virt_start;
	u64 idx = off >> PAGE_SHIFT;
	unsigned int order;

	CHECK(idx < pool->npages && IS_ALIGNED(off, PAGE_SIZE));
	CHECK(pool->meta[idx].type == PAGE_TYPE_ALLOCATED);
	order = pool->meta[idx].order;
	if (can_merge(pool, idx, order)) {
		merge_and_push(pool, idx, order);
	} else {
		free_list_push(pool, order, idx);
	}
}

void *page_pool_page_va(struct page_pool *pool, const struct page_info *info)
{
	u64 idx = (u64)(info - pool->meta);

	CHECK(idx < pool->npages);
	return index_to_va(pool, idx);
}

phys_addr_t page_pool_virt_to_phys(const struct page_pool *pool, const void *va)
{
	CHECK(page_pool_contains(pool, va));
	return pool->phys_start + ((uintptr_t)va - pool->virt_start);
}

void *page_pool_phys_to_virt(const struct page_pool *pool, phys_addr_t pa)
{
	/* Physical addresses may come from outside: no CHECK, just NULL. */
	if (pa - pool->phys_start >= (pool->npages << PAGE_SHIFT)) {
		return NULL;
	}
	return (void *)(uintptr_t)(pool->virt_start + (pa - pool->phys_start));
}

void page_pool_get_stats(const struct page_pool *pool,
			 struct page_pool_stats *stats)
{
	stats->total_pages = pool->npages - pool->meta_pages;
	stats->free_pages = 0;
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		stats->total_blocks[o] = pool->nr_blocks[o];
		stats->free_blocks[o] = pool->nr_free[o];
		stats->free_pages += pool->nr_free[o] << o;
	}
}

void page_pool_print(const struct page_pool *pool)
{
	struct page_pool_stats st;
	const u64 kib_per_page = PAGE_SIZE / 1024;

	page_pool_get_stats(pool, &st);
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		log_info("Order-%02u: total pages: %5llu free pages: %5llu", o,
			 (unsigned long long)st.total_blocks[o],
			 (unsigned long long)st.free_blocks[o]);
	}
	log_info("Total memory: %lluKiB free memory: %lluKiB",
		 (unsigned long long)(st.total_pages * kib_per_page),
		 (unsigned long long)(st.free_pages * kib_per_page));
}

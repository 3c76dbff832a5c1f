/* SPDX-License-Identifier: MIT */
/*
 * Slab heap. Each slab is one order-0 page of type SLAB whose page_info.data
 * points to its descriptor. The descriptor lives outside the page, so the
 * whole page holds naturally aligned objects and an overrun of one object
 * cannot corrupt the bookkeeping of its own slab.
 *
 * Descriptors come from descriptor pages, themselves SLAB pages described by
 * a descriptor of class DESC_CLASS stored in their own slot 0. heap_free()
 * rejects that class, so a pointer into descriptor memory is caught too.
 *
 * Allocations above the largest class are page blocks whose head page_info
 * carries the heap's address in data, which tells them apart from blocks
 * someone else took from the same pool.
 */
#include <svsm/lib/check.h>
#include <svsm/lib/string.h>
#include <svsm/mm/heap.h>

/*
 * Slow paths (new slab, slab release, large blocks) stay out of line so that
 * the common slab alloc/free needs no callee-saved registers.
 */
#define __slow_path __attribute__((noinline))

#define SLAB_MAX_OBJS 128 /* 4096 / 32 */
#define DESC_CLASS 0xff

struct slab {
	struct slab *next; /* in a class list, or heap->desc_free */
	struct slab *prev;
	struct heap *heap; /* owner: a pointer from another heap is caught */
	u8 *page;
	u64 used[SLAB_MAX_OBJS / 64]; /* bit set: object allocated */
	u16 nr_free;
	u16 nr_objs;
	u8 cls;   /* size class, or DESC_CLASS */
	u8 shift; /* log2 of the object size (size classes only) */
};

#define DESC_PER_PAGE ((unsigned int)(PAGE_SIZE / sizeof(struct slab)))
_Static_assert(DESC_PER_PAGE <= SLAB_MAX_OBJS, "descriptor bitmap too small");
_Static_assert(PAGE_SIZE >> HEAP_MIN_CLASS_SHIFT <= SLAB_MAX_OBJS,
	       "slab bitmap too small");

/* --- small helpers --------------------------------------------------- */

static void slab_list_add(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head) {
		(*head)->prev = s;
	}
	*head = s;
}

static void slab_list_del(struct slab **head, struct slab *s)
{
	if (s->prev) {
		s->prev->next = s->next;
	} else {
		*head = s->next;
	}
	if (s->next) {
		s->next->prev = s->prev;
	}
}

/* Caller guarantees a clear bit below nr_objs, so the lowest one is valid. */
static unsigned int bitmap_take(u64 *used)
{
	unsigned int w = used[0] == ~0ULL;
	unsigned int bit = (unsigned int)__builtin_ctzll(~used[w]);

	used[w] |= 1ULL << bit;
	return w * 64 + bit;
}

static void bitmap_clear(u64 *used, unsigned int i)
{
	used[i / 64] &= ~(1ULL << (i % 64));
}

static unsigned int size_to_class(size_t size)
{
	if (size <= (1u << HEAP_MIN_CLASS_SHIFT)) {
		return 0;
	}
	return (unsigned int)(64 - __builtin_clzll(size - 1)) -
	       HEAP_MIN_CLASS_SHIFT;
}

static unsigned int size_to_order(size_t size)
{
	u64 pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (pages <= 1) {
		return 0;
	}
	return (unsigned int)(64 - __builtin_clzll(pages - 1));
}

static void slab_init(struct slab *s, struct heap *heap, void *page,
		      unsigned int cls, unsigned int shift, unsigned int nr)
{
	*s = (struct slab){
		.heap = heap,
		.page = page,
		.nr_free = (u16)nr,
		.nr_objs = (u16)nr,
		.cls = (u8)cls,
		.shift = (u8)shift,
	};
}

/* Hands an order-0 page the heap owned as SLAB back to the pool. */
static void page_release(struct heap *heap, void *page)
{
	struct page_info *pi = page_pool_info(heap->pool, page);

	pi->type = PAGE_TYPE_ALLOCATED;
	pi->data = 0;
	page_pool_free(heap->pool, page);
}

static void page_make_slab(struct heap *heap, void *page, struct slab *s)
{
	struct page_info *pi = page_pool_info(heap->pool, page);

	pi->type = PAGE_TYPE_SLAB;
	pi->data = (uintptr_t)s;
}

/* --- descriptors ----------------------------------------------------- */

static struct slab *desc_page_create(struct heap *heap)
{
	struct slab *self = page_pool_alloc(heap->pool, 0);

	if (!self) {
		return NULL;
	}
	slab_init(self, heap, self, DESC_CLASS, 0, DESC_PER_PAGE);
	/* Slot 0 is the page's own descriptor. */
	self->used[0] = 1;
	self->nr_free--;
	page_make_slab(heap, self, self);
	slab_list_add(&heap->desc_free, self);
	return self;
}

static struct slab *desc_alloc(struct heap *heap)
{
	struct slab *dp = heap->desc_free;
	unsigned int i;

	if (!dp) {
		dp = desc_page_create(heap);
		if (!dp) {
			return NULL;
		}
	}
	i = bitmap_take(dp->used);
	if (--dp->nr_free == 0) {
		slab_list_del(&heap->desc_free, dp);
	}
	return (struct slab *)dp->page + i;
}

static void desc_release(struct heap *heap, struct slab *d)
{
	struct page_info *pi = page_pool_info(heap->pool, d);
	struct slab *dp = (struct slab *)(uintptr_t)pi->data;

	bitmap_clear(dp->used, (unsigned int)(d - (struct slab *)dp->page));
	if (dp->nr_free++ == 0) {
		slab_list_add(&heap->desc_free, dp);
	}
	if (dp->nr_free == dp->nr_objs - 1) {
		slab_list_del(&heap->desc_free, dp);
		page_release(heap, dp->page);
	}
}

/* --- slabs ----------------------------------------------------------- */

static struct slab *slab_create(struct heap *heap, unsigned int c)
{
	unsigned int shift = c + HEAP_MIN_CLASS_SHIFT;
	unsigned int nr = (unsigned int)(PAGE_SIZE >> shift);
	void *page = page_pool_alloc(heap->pool, 0);
	struct slab *s;

	if (!page) {
		return NULL;
	}
	s = desc_alloc(heap);
	if (!s) {
		page_pool_free(heap->pool, page);
		return NULL;
	}
	slab_init(s, heap, page, c, shift, nr);
	page_make_slab(heap, page, s);
	heap->classes[c].nr_slabs++;
	heap->classes[c].nr_free_objects += nr;
	return s;
}

static void slab_destroy(struct heap *heap, struct slab *s)
{
	struct heap_class *cls = &heap->classes[s->cls];

	cls->nr_slabs--;
	cls->nr_free_objects -= s->nr_objs;
	page_release(heap, s->page);
	desc_release(heap, s);
}

/* Returns whether any page went back to the pool. */
static bool heap_drop_spares(struct heap *heap)
{
	bool dropped = false;

	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		struct slab *s = heap->classes[c].empty;

		if (s) {
			heap->classes[c].empty = NULL;
			slab_destroy(heap, s);
			dropped = true;
		}
	}
	return dropped;
}

/* Finds a slab with a free object for class c when `partial` is empty. */
static __slow_path struct slab *class_refill(struct heap *heap,
					      unsigned int c)
{
	struct heap_class *cls = &heap->classes[c];
	struct slab *s = cls->empty;

	if (s) {
		cls->empty = NULL;
	} else {
		s = slab_create(heap, c);
		if (!s && heap_drop_spares(heap)) {
			s = slab_create(heap, c);
		}
		if (!s) {
			return NULL;
		}
	}
	slab_list_add(&cls->partial, s);
	return s;
}

static void *slab_obj_alloc(struct heap *heap, unsigned int c)
{
	struct heap_class *cls = &heap->classes[c];
	struct slab *s = cls->partial;
	unsigned int i;

	if (unlikely(!s)) {
		s = class_refill(heap, c);
		if (!s) {
			return NULL;
		}
	}
	i = bitmap_take(s->used);
	if (--s->nr_free == 0) {
		slab_list_del(&cls->partial, s);
		slab_list_add(&cls->full, s);
	}
	cls->nr_free_objects--;
	heap->allocated_bytes += 1u << s->shift;
	return s->page + ((size_t)i << s->shift);
}

/* Validates that ptr is a live object of slab s and returns its index. */
static inline unsigned int slab_obj_index(const struct heap *heap,
					  const struct slab *s,
					  const void *ptr)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->page;
	unsigned int i;

	CHECK(s->heap == heap && s->cls < HEAP_NR_CLASSES);
	CHECK(IS_ALIGNED(off, 1u << s->shift));
	i = (unsigned int)(off >> s->shift);
	CHECK(s->used[i / 64] & (1ULL << (i % 64)));
	return i;
}

static __slow_path void slab_became_empty(struct heap *heap,
					  struct heap_class *cls,
					  struct slab *s)
{
	slab_list_del(&cls->partial, s);
	if (cls->empty) {
		slab_destroy(heap, s);
	} else {
		cls->empty = s;
	}
	/* The spare alone: the class is unused, give everything back. */
	if (cls->nr_slabs == 1) {
		s = cls->empty;
		cls->empty = NULL;
		slab_destroy(heap, s);
	}
}

static void slab_obj_free(struct heap *heap, struct slab *s, void *ptr)
{
	unsigned int i = slab_obj_index(heap, s, ptr);
	struct heap_class *cls = &heap->classes[s->cls];

	bitmap_clear(s->used, i);
	cls->nr_free_objects++;
	heap->allocated_bytes -= 1u << s->shift;
	if (s->nr_free++ == 0) {
		slab_list_del(&cls->full, s);
		slab_list_add(&cls->partial, s);
	}
	if (s->nr_free == s->nr_objs) {
		slab_became_empty(heap, cls, s);
	}
}

/* --- large allocations ----------------------------------------------- */

static __slow_path void *large_alloc(struct heap *heap, size_t size)
{
	unsigned int order = size_to_order(size);
	void *p = page_pool_alloc(heap->pool, order);

	if (!p && heap_drop_spares(heap)) {
		p = page_pool_alloc(heap->pool, order);
	}
	if (!p) {
		return NULL;
	}
	page_pool_info(heap->pool, p)->data = (uintptr_t)heap;
	heap->nr_large++;
	heap->allocated_bytes += PAGE_SIZE << order;
	return p;
}

static void large_check(const struct heap *heap, const struct page_info *pi,
			const void *ptr)
{
	CHECK(pi->type == PAGE_TYPE_ALLOCATED && pi->data == (uintptr_t)heap);
	CHECK(IS_ALIGNED((uintptr_t)ptr, PAGE_SIZE));
}

static __slow_path void large_free(struct heap *heap, struct page_info *pi,
				   void *ptr)
{
	large_check(heap, pi, ptr);
	pi->data = 0;
	heap->nr_large--;
	heap->allocated_bytes -= PAGE_SIZE << pi->order;
	page_pool_free(heap->pool, ptr);
}

/* --- interface ------------------------------------------------------- */

void heap_init(struct heap *heap, struct page_pool *pool)
{
	CHECK(pool);
	*heap = (struct heap){ .pool = pool };
}

void *heap_alloc(struct heap *heap, size_t size)
{
	if (unlikely(size == 0 || size > HEAP_MAX_ALLOC)) {
		return NULL;
	}
	if (size > (1u << HEAP_MAX_CLASS_SHIFT)) {
		return large_alloc(heap, size);
	}
	return slab_obj_alloc(heap, size_to_class(size));
}

void *heap_zalloc(struct heap *heap, size_t size)
{
	void *p = heap_alloc(heap, size);

	if (p) {
		memset(p, 0, size);
	}
	return p;
}

static struct page_info *heap_page_info(struct heap *heap, const void *ptr)
{
	struct page_info *pi = page_pool_info(heap->pool, ptr);

	CHECK(pi);
	return pi;
}

void heap_free(struct heap *heap, void *ptr)
{
	struct page_info *pi;

	if (!ptr) {
		return;
	}
	pi = heap_page_info(heap, ptr);
	if (pi->type == PAGE_TYPE_SLAB) {
		slab_obj_free(heap, (struct slab *)(uintptr_t)pi->data, ptr);
	} else {
		large_free(heap, pi, ptr);
	}
}

size_t heap_object_size(struct heap *heap, const void *ptr)
{
	struct page_info *pi = heap_page_info(heap, ptr);

	if (pi->type == PAGE_TYPE_SLAB) {
		const struct slab *s = (const struct slab *)(uintptr_t)pi->data;

		slab_obj_index(heap, s, ptr);
		return (size_t)1 << s->shift;
	}
	large_check(heap, pi, ptr);
	return (size_t)PAGE_SIZE << pi->order;
}

void heap_get_stats(const struct heap *heap, struct heap_stats *stats)
{
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		const struct heap_class *cls = &heap->classes[c];
		u64 per_slab = PAGE_SIZE >> (c + HEAP_MIN_CLASS_SHIFT);

		stats->live_objects[c] =
			cls->nr_slabs * per_slab - cls->nr_free_objects;
		stats->slabs[c] = cls->nr_slabs;
	}
	stats->large_allocations = heap->nr_large;
	stats->allocated_bytes = heap->allocated_bytes;
}

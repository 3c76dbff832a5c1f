/* SPDX-License-Identifier: MIT */
/*
 * Small-object heap on top of the page allocator. Size classes 32..2048 bytes
 * (powers of two) come from slab pages; larger requests get a block of pages
 * (up to 128 KiB). Every free is checked: a pointer that is not the start of a
 * live object (double free, interior pointer, foreign pointer) panics through
 * CHECK(), since only a bug in the SVSM can cause it.
 *
 * The heap takes no lock; the kernel wraps it (kernel/mm/mm.c).
 */
#ifndef SVSM_MM_HEAP_H
#define SVSM_MM_HEAP_H

#include <svsm/mm/page_alloc.h>
#include <svsm/types.h>

#define HEAP_MIN_CLASS_SHIFT 5  /* 32 bytes */
#define HEAP_MAX_CLASS_SHIFT 11 /* 2048 bytes */
#define HEAP_NR_CLASSES (HEAP_MAX_CLASS_SHIFT - HEAP_MIN_CLASS_SHIFT + 1)
#define HEAP_MAX_ALLOC ((1u << (PAGE_ALLOC_MAX_ORDER - 1)) * 4096u)

struct slab; /* private to heap.c */

struct heap_class {
	struct slab *partial; /* slabs with at least one free object */
	struct slab *full;    /* slabs with none */
	/*
	 * At most one empty slab, kept while the class has other slabs so
	 * that allocating and freeing around a slab boundary does not go to
	 * the page pool every time.
	 */
	struct slab *empty;
	u64 nr_slabs;        /* including `empty` */
	u64 nr_free_objects; /* including those of `empty` */
};

struct heap {
	struct page_pool *pool;
	struct heap_class classes[HEAP_NR_CLASSES];
	struct slab *desc_free; /* descriptor pages with a free descriptor */
	u64 nr_large;           /* live allocations above the largest class */
	u64 allocated_bytes;    /* sum of rounded-up sizes of live objects */
};

struct heap_stats {
	u64 live_objects[HEAP_NR_CLASSES];
	u64 slabs[HEAP_NR_CLASSES];
	u64 large_allocations;
	u64 allocated_bytes;
};

/*
 * The heap takes pages from `pool` only when needed and gives every page back
 * once all its objects are freed, so an empty heap holds no page.
 */
void heap_init(struct heap *heap, struct page_pool *pool);
/*
 * Returns NULL when size is 0, above HEAP_MAX_ALLOC, or memory is exhausted.
 * Objects are aligned to their size class (32..2048); larger ones to a page.
 */
void *heap_alloc(struct heap *heap, size_t size);
void *heap_zalloc(struct heap *heap, size_t size);
/* NULL is ignored; anything else must come from heap_alloc (CHECK). */
void heap_free(struct heap *heap, void *ptr);
/* Usable size of a live object. */
size_t heap_object_size(struct heap *heap, const void *ptr);
void heap_get_stats(const struct heap *heap, struct heap_stats *stats);

#endif

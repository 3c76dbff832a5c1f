/* SPDX-License-Identifier: MIT */
/*
 * Buddy page allocator over one contiguous, linearly mapped region
 * (virt = virt_start + (phys - phys_start)). Orders 0..PAGE_ALLOC_MAX_ORDER-1
 * (4 KiB to 128 KiB). A block of order o is aligned to 2^o pages in physical
 * memory (and in virtual memory when virt and phys agree modulo 128 KiB),
 * even if the region is not. Free lists are linked through per-page
 * metadata, never through the free pages themselves, so a stray write into a
 * free page cannot corrupt the allocator. The metadata array lives at the
 * start of the region and is accounted as reserved.
 *
 * The pool itself takes no lock; the kernel wraps it (kernel/mm/mm.c).
 * Misuse that only a bug can cause (freeing a pointer that is not the start
 * of an allocated block, a double free, a pointer outside the pool) is caught
 * by an always-on CHECK().
 */
#ifndef SVSM_MM_PAGE_ALLOC_H
#define SVSM_MM_PAGE_ALLOC_H

#include <svsm/types.h>

#define PAGE_ALLOC_MAX_ORDER 6 /* orders 0..5 */

enum page_type {
	PAGE_TYPE_FREE = 0,      /* head of a free block */
	PAGE_TYPE_ALLOCATED = 1, /* head of an allocated block */
	PAGE_TYPE_SLAB = 2,      /* order-0 page owned by the heap */
	PAGE_TYPE_COMPOUND = 3,  /* tail page of a larger block */
	PAGE_TYPE_RESERVED = 15, /* metadata or otherwise unusable */
};

/* Per-page metadata, 16 bytes. */
struct page_info {
	u8 type;  /* enum page_type */
	u8 order; /* block order for FREE/ALLOCATED heads */
	u16 flags;
	union {
		u32 reserved;
		/* FREE head: previous free page index (PAGE_PREV_NONE: first) */
		u32 prev;
	};
	/*
	 * FREE: next free page index (PAGE_NONE ends); SLAB: owner;
	 * ALLOCATED: owner cookie, 0 from page_pool_alloc() (the heap puts
	 * its own address there to recognise its large allocations).
	 */
	u64 data;
};
STATIC_ASSERT_SIZE(struct page_info, 16);

#define PAGE_NONE (~0ULL)
#define PAGE_PREV_NONE (~0U)
/* Free lists store 32-bit prev indices, which bounds the pool size. */
#define PAGE_POOL_MAX_PAGES ((u64)PAGE_PREV_NONE)

struct page_pool {
	virt_addr_t virt_start;
	phys_addr_t phys_start;
	u64 npages;
	struct page_info *meta; /* npages entries, inside the region */
	u64 meta_pages;
	u64 free_head[PAGE_ALLOC_MAX_ORDER];
	u64 nr_blocks[PAGE_ALLOC_MAX_ORDER]; /* blocks of this order in the pool */
	u64 nr_free[PAGE_ALLOC_MAX_ORDER];   /* free blocks of this order */
};

struct page_pool_stats {
	u64 total_blocks[PAGE_ALLOC_MAX_ORDER];
	u64 free_blocks[PAGE_ALLOC_MAX_ORDER];
	u64 total_pages; /* usable pages (metadata excluded) */
	u64 free_pages;
};

/*
 * Sets up a pool over npages pages at virt/phys (both page aligned).
 * Returns 0, or -SVSM_EINVAL if the region is too small (no page left after
 * the metadata), too large (PAGE_POOL_MAX_PAGES), wraps around, or is
 * misaligned.
 */
int page_pool_init(struct page_pool *pool, virt_addr_t virt, phys_addr_t phys,
		   u64 npages);

/*
 * Returns the virtual address of a 2^order-page block, or NULL if none is
 * free or order >= PAGE_ALLOC_MAX_ORDER. A failed call changes nothing.
 */
void *page_pool_alloc(struct page_pool *pool, unsigned int order);

/* Frees a block returned by page_pool_alloc(); merges buddies. */
void page_pool_free(struct page_pool *pool, void *va);

/* Inline: the heap looks up the page of every object it frees. */
static inline bool page_pool_contains(const struct page_pool *pool,
				      const void *va)
{
	return (uintptr_t)va - pool->virt_start < (pool->npages << PAGE_SHIFT);
}

/* Metadata of the page containing va, or NULL if va is outside the pool. */
static inline struct page_info *page_pool_info(struct page_pool *pool,
					       const void *va)
{
	if (!page_pool_contains(pool, va)) {
		return NULL;
	}
	return &pool->meta[((uintptr_t)va - pool->virt_start) >> PAGE_SHIFT];
}

/* Virtual address of the first byte of the page that `info` describes. */
void *page_pool_page_va(struct page_pool *pool, const struct page_info *info);

phys_addr_t page_pool_virt_to_phys(const struct page_pool *pool,
				   const void *va);
void *page_pool_phys_to_virt(const struct page_pool *pool, phys_addr_t pa);

void page_pool_get_stats(const struct page_pool *pool,
			 struct page_pool_stats *stats);

/*
 * Prints the guide's table through log_info():
 *   "Order-00: total pages:    11 free pages:     1" (one line per order)
 *   "Total memory: 476KiB free memory: 428KiB"
 * "total pages" counts blocks of that order, as upstream does.
 */
void page_pool_print(const struct page_pool *pool);

#endif

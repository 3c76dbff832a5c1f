/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmark of the page pool and the heap hot paths. Each scenario
 * runs one alloc/free pair ITERATIONS times, so the instruction cost of a
 * pair is the inclusive count callgrind shows at its call site in main(),
 * divided by ITERATIONS. Build and measure (from the top of the tree):
 *
 *   gcc -std=c11 -D_DEFAULT_SOURCE -DSVSM_HOST -Iinclude -O2 -g \
 *       -o build/bench_mm tests/bench/bench_mm.c kernel/mm/page_alloc.c \
 *       kernel/mm/heap.c lib/log.c lib/printf.c
 *   build/bench_mm                      # ns per pair, natively
 *   valgrind --tool=callgrind --callgrind-out-file=build/cg.out build/bench_mm
 *   callgrind_annotate --inclusive=yes build/cg.out \
 *       tests/bench/bench_mm.c | grep -B1 '=> .*bench_'
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <svsm/lib/check.h>
#include <svsm/mm/heap.h>
#include <svsm/mm/page_alloc.h>

#define ITERATIONS 100000
#define POOL_PAGES 1024

static u8 pool_mem[POOL_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void pool_setup(struct page_pool *pool)
{
	if (page_pool_init(pool, (uintptr_t)pool_mem, 0x80000000,
			   POOL_PAGES)) {
		abort();
	}
}

/*
 * One function per kind, so that callgrind reports each scenario at its call
 * site in main() (identical per-scenario functions would be folded by ICF).
 */
__attribute__((noinline)) static void bench_pages(struct page_pool *pool,
						  unsigned int order)
{
	for (int i = 0; i < ITERATIONS; i++) {
		void *p = page_pool_alloc(pool, order);

		page_pool_free(pool, p);
	}
}

__attribute__((noinline)) static void bench_heap(struct heap *heap,
						 size_t size)
{
	for (int i = 0; i < ITERATIONS; i++) {
		void *p = heap_alloc(heap, size);

		heap_free(heap, p);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define TIMED(name, call)                                               \
	do {                                                            \
		double t0 = now_ns();                                   \
		call;                                                   \
		printf("%-24s %6.1f ns/pair\n", name,                   \
		       (now_ns() - t0) / ITERATIONS);                   \
	} while (0)

int main(void)
{
	struct page_pool pool;
	struct heap heap;
	void *keep, *keep_page;

	/* Warm: an order-0 page is free and its buddy is in use. */
	pool_setup(&pool);
	keep_page = page_pool_alloc(&pool, 0);
	TIMED("page alloc+free", bench_pages(&pool, 0));
	page_pool_free(&pool, keep_page);

	/* Worst case: only order-5 blocks left, each pair splits 5 times. */
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER - 1; o++) {
		while (pool.free_head[o] != PAGE_NONE) {
			page_pool_alloc(&pool, o);
		}
	}
	TIMED("page alloc+free (split)", bench_pages(&pool, 0));

	pool_setup(&pool);
	heap_init(&heap, &pool);
	/* Empty heap: each pair creates and destroys a slab. */
	TIMED("heap 64B (cold)", bench_heap(&heap, 64));
	/* A live object keeps the slab. */
	keep = heap_alloc(&heap, 64);
	TIMED("heap 64B alloc+free", bench_heap(&heap, 64));
	TIMED("heap 8 KiB alloc+free", bench_heap(&heap, 8192));
	heap_free(&heap, keep);
	return 0;
}

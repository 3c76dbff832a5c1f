/*
 * Host micro-benchmark of the page allocator and the heap, for make bench
 * (instruction counts under valgrind --tool=callgrind; see scripts/bench.py).
 */
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
#include <string.h>

#include <svsm/lib/check.h>
#include <svsm/mm/heap.h>
#include <svsm/mm/page_alloc.h>

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

__attribute__((noinline)) static void bench_pages(struct page_pool *pool,
						  unsigned int order, long n)
{
	for (long i = 0; i < n; i++) {
		void *p = page_pool_alloc(pool, order);

		page_pool_free(pool, p);
	}
}

__attribute__((noinline)) static void bench_heap(struct heap *heap,
						 size_t size, long n)
{
	for (long i = 0; i < n; i++) {
		void *p = heap_alloc(heap, size);

		heap_free(heap, p);
	}
}

/* Leaves only order-5 blocks free: every order-0 pair splits 5 times. */
static void only_big_blocks(struct page_pool *pool)
{
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER - 1; o++) {
		while (pool->free_head[o] != PAGE_NONE)
			page_pool_alloc(pool, o);
	}
}

static int run(const char *mode, long n)
{
	struct page_pool pool;
	struct heap heap;

	pool_setup(&pool);
	heap_init(&heap, &pool);
	if (!strcmp(mode, "pages")) {
		/* Warm: an order-0 page is free and its buddy is in use. */
		page_pool_alloc(&pool, 0);
		bench_pages(&pool, 0, n);
	} else if (!strcmp(mode, "pages-split")) {
		only_big_blocks(&pool);
		bench_pages(&pool, 0, n);
	} else if (!strcmp(mode, "heap")) {
		heap_alloc(&heap, 64); /* a live object keeps the slab */
		bench_heap(&heap, 64, n);
	} else if (!strcmp(mode, "heap-cold")) {
		bench_heap(&heap, 64, n); /* a slab per pair */
	} else if (!strcmp(mode, "heap-large")) {
		bench_heap(&heap, 8192, n);
	} else {
		return -1;
	}
	return 0;
}

/*
 * bench_mm MODE N: N alloc/free pairs. make bench runs it under callgrind
 * with N and 2N and divides the difference by N, so set-up cancels out.
 */
int main(int argc, char **argv)
{
	if (argc != 3 || run(argv[1], atol(argv[2]))) {
		fprintf(stderr,
			"usage: bench_mm pages|pages-split|heap|heap-cold|heap-large N\n");
		return 2;
	}
	return 0;
}

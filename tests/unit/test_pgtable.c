/* SPDX-License-Identifier: MIT */
/*
 * Page tables on fake physical memory: an arena of host memory stands for
 * physical pages at ARENA_BASE, handed out by ops with an optional failure
 * budget. Entries are checked both through pgtable_walk() and by decoding the
 * raw tables here independently of the code under test.
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
#include <svsm/hw/x86_pte.h>
#include <svsm/mm/pgtable.h>

#include "../../kernel/arch/fake/fake_tlb.h"

#define ARENA_SIZE (8ULL << 20)
#define ARENA_PAGES (ARENA_SIZE / PAGE_SIZE)
#define ARENA_BASE 0x40000000ULL
#define ENC BIT(51)
#define PTE_PAT_LARGE BIT(12)
#define PTE_PAT_4K BIT(7)

/* Expected leaf bits, spelled out rather than taken from the code. */
#define LEAF_RO (PTE_P | PTE_A | PTE_NX)
#define LEAF_RW (PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX)
#define TABLE_BITS (PTE_P | PTE_W)

struct arena {
	u8 *mem;
	bool used[ARENA_PAGES];
	u64 allocs;
	u64 frees;
	long budget; /* allocations left before failing; < 0: unlimited */
};

static struct arena arena;
static struct pgtable pt;

static phys_addr_t arena_alloc(void *ctx)
{
	u64 i;

	assert_ptr_equal(ctx, &arena);
	if (arena.budget == 0) {
		return 0;
	}
	for (i = 0; i < ARENA_PAGES && arena.used[i]; i++) {
	}
	assert_true(i < ARENA_PAGES);
	if (arena.budget > 0) {
		arena.budget--;
	}
	arena.used[i] = true;
	arena.allocs++;
	memset(arena.mem + i * PAGE_SIZE, 0, PAGE_SIZE);
	return ARENA_BASE + i * PAGE_SIZE;
}

static u64 arena_index(phys_addr_t pa)
{
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + ARENA_SIZE);
	assert_true(IS_ALIGNED(pa, PAGE_SIZE));
	return (pa - ARENA_BASE) / PAGE_SIZE;
}

/* Poisons freed pages so a table used after its free shows up. */
static void arena_free(void *ctx, phys_addr_t pa)
{
	u64 i = arena_index(pa);

	assert_true(arena.used[i]);
	arena.used[i] = false;
	arena.frees++;
	memset(arena.mem + i * PAGE_SIZE, 0xa5, PAGE_SIZE);
}

static void *arena_virt(void *ctx, phys_addr_t pa)
{
	u64 i = arena_index(pa);

	assert_true(arena.used[i]);
	return arena.mem + i * PAGE_SIZE;
}

static const struct pgtable_ops ops = {
	.alloc_page = arena_alloc,
	.free_page = arena_free,
	.phys_to_virt = arena_virt,
	.ctx = &arena,
};

static u64 arena_in_use(void)
{
	return arena.allocs - arena.frees;
}

static int group_setup(void **state)
{
	arena.mem = aligned_alloc(PAGE_SIZE, ARENA_SIZE);
	return arena.mem ? 0 : -1;
}

static int group_teardown(void **state)
{
	free(arena.mem);
	return 0;
}

static int setup(void **state)
{
	memset(arena.used, 0, sizeof(arena.used));
	memset(arena.mem, 0xa5, ARENA_SIZE);
	arena.allocs = 0;
	arena.frees = 0;
	arena.budget = -1;
	fake_tlb_reset();
	return pgtable_init(&pt, &ops, ENC);
}

/* Every test ends by checking that destroy returns every table page. */
static int teardown(void **state)
{
	u64 i;

	pgtable_destroy(&pt);
	if (pt.root != 0 || arena.allocs != arena.frees) {
		return -1;
	}
	for (i = 0; i < ARENA_PAGES; i++) {
		if (arena.used[i]) {
			return -1;
		}
	}
	return 0;
}

/* --- independent decoding of the raw tables ------------------------------ */

static u64 *raw_table(phys_addr_t pa)
{
	return arena_virt(&arena, pa);
}

static unsigned int idx(u64 va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/*
 * The raw entry for va at level; checks that every entry above it is a table
 * pointer with exactly P|W (and U when user), the C-bit, and no NX.
 */
static u64 raw_entry_at(u64 va, unsigned int level, bool user)
{
	phys_addr_t table = pt.root;
	unsigned int l;
	u64 e;

	for (l = 4;; l--) {
		e = raw_table(table)[idx(va, l)];
		if (l == level) {
			return e;
		}
		assert_int_equal(e & ~PTE_ADDR_MASK,
				 TABLE_BITS | (user ? PTE_U : 0));
		assert_true(e & ENC);
		table = e & PTE_ADDR_MASK & ~ENC;
	}
}

static u64 raw_entry(u64 va, unsigned int level)
{
	return raw_entry_at(va, level, false);
}

static void expect_walk(u64 va, u64 pa, unsigned int level, u64 pte)
{
	struct pgtable_walk_result res;

	assert_int_equal(pgtable_walk(&pt, va, &res), 0);
	assert_int_equal(res.pa, pa);
	assert_int_equal(res.level, level);
	assert_int_equal(res.page_size, 1ULL << (12 + 9 * (level - 1)));
	assert_int_equal(res.pte, pte);
}

static void expect_unmapped(u64 va)
{
	struct pgtable_walk_result res;

	assert_int_equal(pgtable_walk(&pt, va, &res), -SVSM_ENOENT);
}

/* Walks every 4 KiB page of a range mapped at one level with given bits. */
static void expect_range(u64 va, u64 pa, u64 size, unsigned int level,
			 u64 bits)
{
	u64 psize = 1ULL << (12 + 9 * (level - 1));
	u64 off, leaf_pa;

	for (off = 0; off < size; off += PAGE_SIZE) {
		leaf_pa = ALIGN_DOWN(pa + off, psize);
		expect_walk(va + off + 0x123, pa + off + 0x123, level,
			    leaf_pa | ENC | bits);
		assert_int_equal(raw_entry(va + off, level),
				 leaf_pa | ENC | bits);
	}
}

struct snapshot {
	u8 *mem;
	bool used[ARENA_PAGES];
	u64 allocs;
};

static void snap_take(struct snapshot *s)
{
	s->mem = malloc(ARENA_SIZE);
	assert_non_null(s->mem);
	memcpy(s->mem, arena.mem, ARENA_SIZE);
	memcpy(s->used, arena.used, sizeof(s->used));
	s->allocs = arena.allocs;
}

static void snap_check_and_free(struct snapshot *s)
{
	assert_memory_equal(s->mem, arena.mem, ARENA_SIZE);
	assert_memory_equal(s->used, arena.used, sizeof(s->used));
	assert_int_equal(s->allocs, arena.allocs);
	free(s->mem);
}

/* Records the flushed addresses for tests that check them one by one. */
struct flush_log {
	u64 va[64];
	unsigned int n;
};

static void log_flush(virt_addr_t va, void *ctx)
{
	struct flush_log *log = ctx;

	assert_true(log->n < ARRAY_SIZE(log->va));
	log->va[log->n++] = va;
}

static void start_flush_log(struct flush_log *log)
{
	log->n = 0;
	fake_tlb.on_flush_page = log_flush;
	fake_tlb.ctx = log;
}

/* --- tests ---------------------------------------------------------------- */

static void test_flags_to_pte(void **state)
{
	assert_int_equal(pgtable_flags_to_pte(0), 0x8000000000000021ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_WRITE),
			 0x8000000000000063ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_EXEC), 0x21);
	assert_int_equal(pgtable_flags_to_pte(PGT_WRITE | PGT_EXEC), 0x63);
	assert_int_equal(pgtable_flags_to_pte(PGT_USER), 0x8000000000000025ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_GLOBAL),
			 0x8000000000000121ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_UNCACHED),
			 0x8000000000000039ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_4K_ONLY),
			 0x8000000000000021ULL);
	assert_int_equal(pgtable_flags_to_pte(PGT_WRITE | PGT_EXEC | PGT_USER |
					      PGT_GLOBAL | PGT_UNCACHED),
			 0x17f);
}

static void test_init_fails_without_memory(void **state)
{
	struct pgtable other;

	arena.budget = 0;
	assert_int_equal(pgtable_init(&other, &ops, 0), -SVSM_ENOMEM);
	arena.budget = -1;
	assert_int_equal(pgtable_init(&other, &ops, 0), 0);
	assert_int_not_equal(other.root, 0);
	pgtable_destroy(&other);
	assert_int_equal(other.root, 0);
}

static void test_map_walk_4k(void **state)
{
	u64 va = 0x10000000, pa = 0x123456000;

	assert_int_equal(pgtable_map(&pt, va, pa, 8 * PAGE_SIZE, PGT_WRITE), 0);
	expect_range(va, pa, 8 * PAGE_SIZE, 1, LEAF_RW);
	expect_unmapped(va + 8 * PAGE_SIZE);
	expect_unmapped(va - PAGE_SIZE);
	/* root, PDPT, PD, PT */
	assert_int_equal(arena.allocs, 4);
	/* Not-present to present needs no flush. */
	assert_int_equal(fake_tlb.page_flushes, 0);
}

static void test_map_2m_when_aligned(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000;
	u64 bits = PTE_P | PTE_W | PTE_A | PTE_D | PTE_G | PTE_PS;

	assert_int_equal(pgtable_map(&pt, va, pa, 2 * PAGE_SIZE_2M,
				     PGT_WRITE | PGT_EXEC | PGT_GLOBAL),
			 0);
	expect_range(va, pa, 2 * PAGE_SIZE_2M, 2, bits);
	expect_walk(va + PAGE_SIZE_2M - 1, pa + PAGE_SIZE_2M - 1, 2,
		    pa | ENC | bits);
	/* root, PDPT, PD: no PT */
	assert_int_equal(arena.allocs, 3);
}

static void test_map_4k_forced(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M,
				     PGT_4K_ONLY | PGT_WRITE),
			 0);
	expect_range(va, pa, PAGE_SIZE_2M, 1, LEAF_RW);

	/* pa not 2 MiB aligned while va is */
	va += 2 * PAGE_SIZE_2M;
	assert_int_equal(pgtable_map(&pt, va, pa + PAGE_SIZE, PAGE_SIZE_2M, 0),
			 0);
	expect_range(va, pa + PAGE_SIZE, PAGE_SIZE_2M, 1, LEAF_RO);

	/* va not 2 MiB aligned while pa is */
	va += 2 * PAGE_SIZE_2M + PAGE_SIZE;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M, 0), 0);
	expect_range(va, pa, PAGE_SIZE_2M, 1, LEAF_RO);

	/* both aligned, less than 2 MiB */
	va = 0x80000000;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M - PAGE_SIZE, 0),
			 0);
	expect_range(va, pa, PAGE_SIZE_2M - PAGE_SIZE, 1, LEAF_RO);
}

/* Head of 3 pages below 1 GiB, two 2 MiB pages, tail of 5 pages. */
static void test_map_mixed(void **state)
{
	u64 va = 0x3fffd000, pa = 0x1fffd000;
	u64 head = 3 * PAGE_SIZE, mid = 2 * PAGE_SIZE_2M, tail = 5 * PAGE_SIZE;
	u64 bits2m = LEAF_RW | PTE_PS;

	assert_int_equal(pgtable_map(&pt, va, pa, head + mid + tail, PGT_WRITE),
			 0);
	expect_range(va, pa, head, 1, LEAF_RW);
	expect_range(va + head, pa + head, mid, 2, bits2m);
	expect_range(va + head + mid, pa + head + mid, tail, 1, LEAF_RW);
	expect_unmapped(va - PAGE_SIZE);
	expect_unmapped(va + head + mid + tail);
	/* root, PDPT, PD0, PT0, PD1, PT1 */
	assert_int_equal(arena.allocs, 6);
}

static void test_raw_bits(void **state)
{
	u64 va = 0x200000000, pa = 0x300000000;

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE, 0), 0);
	assert_int_equal(raw_entry(va, 1), pa | ENC | 0x8000000000000021ULL);

	va += PAGE_SIZE;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE,
				     PGT_WRITE | PGT_GLOBAL | PGT_UNCACHED),
			 0);
	assert_int_equal(raw_entry(va, 1),
			 pa | ENC | PTE_P | PTE_W | PTE_A | PTE_D | PTE_G |
				 PTE_PCD | PTE_PWT | PTE_NX);

	va += PAGE_SIZE;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE, PGT_EXEC), 0);
	assert_int_equal(raw_entry(va, 1), pa | ENC | PTE_P | PTE_A);

	va = 0x400000000;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M,
				     PGT_UNCACHED | PGT_EXEC),
			 0);
	assert_int_equal(raw_entry(va, 2), pa | ENC | PTE_P | PTE_A | PTE_PCD |
						   PTE_PWT | PTE_PS);

	/* A user page puts U in every level above it. */
	va = 0x8000000000;
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE,
				     PGT_USER | PGT_WRITE),
			 0);
	assert_int_equal(raw_entry_at(va, 1, true),
			 pa | ENC | LEAF_RW | PTE_U);
}

static void test_higher_half(void **state)
{
	u64 va = 0xffffff8000000000ULL, va2 = 0xffffff0000000000ULL;
	u64 top = 0xfffffffffffff000ULL, pa = 0x200000000;
	u64 *root = raw_table(pt.root);

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M + PAGE_SIZE,
				     PGT_WRITE),
			 0);
	expect_range(va, pa, PAGE_SIZE_2M, 2, LEAF_RW | PTE_PS);
	expect_range(va + PAGE_SIZE_2M, pa + PAGE_SIZE_2M, PAGE_SIZE, 1,
		     LEAF_RW);
	assert_int_equal(pgtable_map(&pt, va2, pa, 4 * PAGE_SIZE, 0), 0);
	expect_range(va2, pa, 4 * PAGE_SIZE, 1, LEAF_RO);
	assert_true(root[511] & PTE_P);
	assert_true(root[510] & PTE_P);
	assert_int_equal(root[0], 0);

	/* The very last page of the address space. */
	assert_int_equal(pgtable_map(&pt, top, pa, PAGE_SIZE, 0), 0);
	expect_walk(top + 0xfff, pa + 0xfff, 1, pa | ENC | LEAF_RO);
	assert_int_equal(pgtable_unmap(&pt, top, PAGE_SIZE), 0);
	expect_unmapped(top);

	/* And a lower-half mapping next to them, for destroy. */
	assert_int_equal(pgtable_map(&pt, 0x1000, pa, PAGE_SIZE, 0), 0);
}

static void test_noncanonical(void **state)
{
	u64 pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, 0x0000800000000000ULL, pa, PAGE_SIZE,
				     0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0xffff7ffffffff000ULL, pa, PAGE_SIZE,
				     0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0x0000fffffffff000ULL, pa, PAGE_SIZE,
				     0),
			 -SVSM_EINVAL);
	/* Starts canonical, ends in the hole. */
	assert_int_equal(pgtable_map(&pt, 0x00007ffffffff000ULL, pa,
				     2 * PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_unmap(&pt, 0x0000800000000000ULL, PAGE_SIZE),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_protect(&pt, 0x0000800000000000ULL, PAGE_SIZE,
					 0),
			 -SVSM_EINVAL);
	expect_unmapped(0x0000800000000000ULL);
	assert_int_equal(arena.allocs, 1);
	/* The last lower-half page is fine. */
	assert_int_equal(pgtable_map(&pt, 0x00007ffffffff000ULL, pa, PAGE_SIZE,
				     0),
			 0);
	expect_walk(0x00007ffffffff000ULL, pa, 1, pa | ENC | LEAF_RO);
}

static void test_wraparound(void **state)
{
	u64 pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, 0xfffffffffffff000ULL, pa,
				     2 * PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0x1000, pa, 0xfffffffffffff000ULL, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_unmap(&pt, 0xfffffffffffff000ULL,
				       2 * PAGE_SIZE),
			 -SVSM_EINVAL);
	/* Physical side: wrap, beyond 52 bits, reaching the C-bit. */
	assert_int_equal(pgtable_map(&pt, 0x1000, 0xfffffffffffff000ULL,
				     2 * PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0x1000, BIT(52), PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0x1000, ENC, PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, 0x1000, ENC - PAGE_SIZE,
				     2 * PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(arena.allocs, 1);
	assert_int_equal(pgtable_map(&pt, 0x1000, ENC - PAGE_SIZE, PAGE_SIZE,
				     0),
			 0);
}

static void test_bad_arguments(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, va + 0x800, pa, PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, va, pa + 1, PAGE_SIZE, 0),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, va, pa, 0x1800, 0), -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, va, pa, 0, 0), -SVSM_EINVAL);
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE, BIT(10)),
			 -SVSM_EINVAL);
	assert_int_equal(pgtable_unmap(&pt, va + 8, PAGE_SIZE), -SVSM_EINVAL);
	assert_int_equal(pgtable_unmap(&pt, va, 0), -SVSM_EINVAL);
	assert_int_equal(pgtable_protect(&pt, va, 0x10, 0), -SVSM_EINVAL);
	assert_int_equal(pgtable_protect(&pt, va, PAGE_SIZE, BIT(40)),
			 -SVSM_EINVAL);
	assert_int_equal(arena.allocs, 1);
}

static void expect_eexist_unchanged(u64 va, u64 pa, u64 size)
{
	struct snapshot snap;

	snap_take(&snap);
	assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_WRITE),
			 -SVSM_EEXIST);
	snap_check_and_free(&snap);
}

static void test_double_map(void **state)
{
	u64 va = 0x3fe00000, pa = 0x200000000;
	u64 size = 2 * PAGE_SIZE_2M + 2 * PAGE_SIZE;

	assert_int_equal(pgtable_map(&pt, va, pa, size, 0), 0);
	expect_eexist_unchanged(va, pa, size);
	/* only the last page overlaps */
	expect_eexist_unchanged(va + size - PAGE_SIZE, pa, 8 * PAGE_SIZE);
	/* one page in the middle of a 2 MiB page */
	expect_eexist_unchanged(va + 0x5000, pa, PAGE_SIZE);
	/* runs from unmapped space into the mapping */
	expect_eexist_unchanged(va - 4 * PAGE_SIZE, pa, 5 * PAGE_SIZE);
	/* would need new tables (end of PML4 slot 0) before reaching it */
	assert_int_equal(pgtable_map(&pt, 0x8000000000ULL, pa, PAGE_SIZE, 0),
			 0);
	expect_eexist_unchanged(0x8000000000ULL - PAGE_SIZE_1G, pa,
				PAGE_SIZE_1G + PAGE_SIZE);
	assert_int_equal(fake_tlb.page_flushes, 0);
	expect_range(va, pa, 2 * PAGE_SIZE_2M, 2, LEAF_RO | PTE_PS);
	expect_range(va + 2 * PAGE_SIZE_2M, pa + 2 * PAGE_SIZE_2M,
		     2 * PAGE_SIZE, 1, LEAF_RO);
}

static void expect_range_unmapped(u64 va, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		expect_unmapped(va + off);
	}
}

/*
 * Crosses a 1 GiB boundary with 4 KiB pages: PDPT, PD, PT, PD, PT needed.
 * Tables allocated before a failure are kept, so each attempt allowed one
 * allocation gets one table further; every failed attempt maps nothing.
 */
static void test_enomem_rollback_4k(void **state)
{
	u64 va = 0x3ff00000, pa = 0x200000000, size = PAGE_SIZE_2M;
	long tries;

	arena.budget = 0;
	assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_4K_ONLY),
			 -SVSM_ENOMEM);
	assert_int_equal(arena.allocs, 1);
	for (tries = 1; tries < 5; tries++) {
		arena.budget = 1;
		assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_4K_ONLY),
				 -SVSM_ENOMEM);
		arena.budget = -1;
		expect_range_unmapped(va, size);
		assert_int_equal(arena.allocs, 1 + tries);
	}
	/* Attempts three and four had mapped the first half: rolled back. */
	assert_int_equal(fake_tlb.page_flushes, 2 * 256);
	arena.budget = 1;
	assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_4K_ONLY), 0);
	expect_range(va, pa, size, 1, LEAF_RO);
	assert_int_equal(arena.allocs, 6);
}

/* A 2 MiB page is mapped, then the PD for the rest cannot be allocated. */
static void test_enomem_rollback_2m(void **state)
{
	u64 va = 0x3fe00000, pa = 0x200000000, size = 3 * PAGE_SIZE_2M;

	arena.budget = 2;
	assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_WRITE),
			 -SVSM_ENOMEM);
	arena.budget = -1;
	expect_range_unmapped(va, size);
	assert_int_equal(fake_tlb.last_va, va);
	assert_int_equal(pgtable_map(&pt, va, pa, size, PGT_WRITE), 0);
	expect_range(va, pa, size, 2, LEAF_RW | PTE_PS);
}

static void test_unmap_4k(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;
	struct flush_log log;

	assert_int_equal(pgtable_map(&pt, va, pa, 8 * PAGE_SIZE, PGT_WRITE), 0);
	start_flush_log(&log);
	assert_int_equal(pgtable_unmap(&pt, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE),
			 0);
	expect_range(va, pa, 2 * PAGE_SIZE, 1, LEAF_RW);
	expect_range_unmapped(va + 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	expect_range(va + 4 * PAGE_SIZE, pa + 4 * PAGE_SIZE, 4 * PAGE_SIZE, 1,
		     LEAF_RW);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.va[0], va + 2 * PAGE_SIZE);
	assert_int_equal(log.va[1], va + 3 * PAGE_SIZE);
	assert_int_equal(fake_tlb.page_flushes, 2);
	assert_int_equal(fake_tlb.last_va, va + 3 * PAGE_SIZE);
	assert_int_equal(raw_entry(va + 2 * PAGE_SIZE, 1), 0);
}

static void test_unmap_whole_2m_flushes_once(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000;
	struct flush_log log;

	assert_int_equal(pgtable_map(&pt, va, pa, 2 * PAGE_SIZE_2M, 0), 0);
	start_flush_log(&log);
	assert_int_equal(pgtable_unmap(&pt, va, 2 * PAGE_SIZE_2M), 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.va[0], va);
	assert_int_equal(log.va[1], va + PAGE_SIZE_2M);
	expect_range_unmapped(va, 2 * PAGE_SIZE_2M);
	assert_int_equal(arena.allocs, 3);
}

static void test_unmap_splits_2m(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000, hole = va + 5 * PAGE_SIZE;
	u64 bits = LEAF_RW | PTE_G;
	u64 allocs;

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M,
				     PGT_WRITE | PGT_GLOBAL),
			 0);
	allocs = arena.allocs;
	assert_int_equal(pgtable_unmap(&pt, hole, PAGE_SIZE), 0);
	assert_int_equal(arena.allocs, allocs + 1);
	assert_int_equal(fake_tlb.page_flushes, 1);
	assert_int_equal(fake_tlb.last_va, hole);
	expect_range(va, pa, 5 * PAGE_SIZE, 1, bits);
	expect_unmapped(hole);
	expect_range(hole + PAGE_SIZE, pa + 6 * PAGE_SIZE,
		     PAGE_SIZE_2M - 6 * PAGE_SIZE, 1, bits);
	/* The PDE is now a table pointer. */
	assert_int_equal(raw_entry(va, 2) & ~PTE_ADDR_MASK, TABLE_BITS);
}

/* The table replacing a user 2 MiB page must allow user access too. */
static void test_split_keeps_user(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE_2M,
				     PGT_USER | PGT_WRITE),
			 0);
	assert_int_equal(pgtable_unmap(&pt, va, PAGE_SIZE), 0);
	assert_int_equal(raw_entry_at(va + PAGE_SIZE, 1, true),
			 (pa + PAGE_SIZE) | ENC | LEAF_RW | PTE_U);
}

/* [1 MiB, 3 MiB) of two 2 MiB pages: both split, outer halves remain. */
static void test_unmap_splits_both_ends(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000, mib = 1ULL << 20;

	assert_int_equal(pgtable_map(&pt, va, pa, 2 * PAGE_SIZE_2M, PGT_EXEC),
			 0);
	assert_int_equal(pgtable_unmap(&pt, va + mib, 2 * mib), 0);
	expect_range(va, pa, mib, 1, PTE_P | PTE_A);
	expect_range_unmapped(va + mib, 2 * mib);
	expect_range(va + 3 * mib, pa + 3 * mib, mib, 1, PTE_P | PTE_A);
	assert_int_equal(fake_tlb.page_flushes, 512);
	assert_int_equal(arena.allocs, 5);
}

static void test_unmap_split_enomem(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000, mib = 1ULL << 20;
	struct snapshot snap;

	assert_int_equal(pgtable_map(&pt, va, pa, 2 * PAGE_SIZE_2M, 0), 0);
	snap_take(&snap);
	arena.budget = 0;
	assert_int_equal(pgtable_unmap(&pt, va + PAGE_SIZE, PAGE_SIZE),
			 -SVSM_ENOMEM);
	assert_int_equal(pgtable_protect(&pt, va + PAGE_SIZE, PAGE_SIZE,
					 PGT_WRITE),
			 -SVSM_ENOMEM);
	snap_check_and_free(&snap);

	/* First end splits, second cannot: still no translation changed. */
	arena.budget = 1;
	assert_int_equal(pgtable_unmap(&pt, va + mib, 2 * mib), -SVSM_ENOMEM);
	arena.budget = -1;
	expect_range(va, pa, mib * 2, 1, LEAF_RO);
	expect_range(va + PAGE_SIZE_2M, pa + PAGE_SIZE_2M, PAGE_SIZE_2M, 2,
		     LEAF_RO | PTE_PS);
	assert_int_equal(fake_tlb.page_flushes, 0);
}

static void test_unmap_holes(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;

	assert_int_equal(pgtable_unmap(&pt, va, 64 * PAGE_SIZE), 0);
	assert_int_equal(pgtable_unmap(&pt, 0xffff800000000000ULL,
				       0x8000000000ULL),
			 0);
	assert_int_equal(fake_tlb.page_flushes, 0);
	assert_int_equal(arena.allocs, 1);

	assert_int_equal(pgtable_map(&pt, va, pa, 4 * PAGE_SIZE, 0), 0);
	assert_int_equal(pgtable_map(&pt, va + 10 * PAGE_SIZE, pa,
				     2 * PAGE_SIZE, 0),
			 0);
	assert_int_equal(pgtable_map(&pt, va + 2 * PAGE_SIZE_2M, pa,
				     PAGE_SIZE_2M, 0),
			 0);
	/* Spans PT holes, an empty PD entry and a 2 MiB page. */
	assert_int_equal(pgtable_unmap(&pt, va - PAGE_SIZE, 4 * PAGE_SIZE_2M),
			 0);
	assert_int_equal(fake_tlb.page_flushes, 7);
	expect_range_unmapped(va, 3 * PAGE_SIZE_2M);
}

static void test_protect(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, va, pa, 4 * PAGE_SIZE, PGT_WRITE), 0);
	assert_int_equal(pgtable_protect(&pt, va + PAGE_SIZE, 2 * PAGE_SIZE,
					 PGT_EXEC | PGT_GLOBAL),
			 0);
	expect_range(va, pa, PAGE_SIZE, 1, LEAF_RW);
	expect_range(va + PAGE_SIZE, pa + PAGE_SIZE, 2 * PAGE_SIZE, 1,
		     PTE_P | PTE_A | PTE_G);
	expect_range(va + 3 * PAGE_SIZE, pa + 3 * PAGE_SIZE, PAGE_SIZE, 1,
		     LEAF_RW);
	assert_int_equal(fake_tlb.page_flushes, 2);
	assert_int_equal(fake_tlb.last_va, va + 2 * PAGE_SIZE);

	/* Holes are skipped. */
	assert_int_equal(pgtable_protect(&pt, va + 0x100000, 8 * PAGE_SIZE, 0),
			 0);
	assert_int_equal(fake_tlb.page_flushes, 2);
}

static void test_protect_splits_2m(void **state)
{
	u64 va = 0x40000000, pa = 0x200000000;
	struct flush_log log;

	assert_int_equal(pgtable_map(&pt, va, pa, 2 * PAGE_SIZE_2M, PGT_WRITE),
			 0);
	start_flush_log(&log);
	/* Last page of the first 2 MiB page, all of the second. */
	assert_int_equal(pgtable_protect(&pt, va + PAGE_SIZE_2M - PAGE_SIZE,
					 PAGE_SIZE_2M + PAGE_SIZE,
					 PGT_UNCACHED),
			 0);
	expect_range(va, pa, PAGE_SIZE_2M - PAGE_SIZE, 1, LEAF_RW);
	expect_range(va + PAGE_SIZE_2M - PAGE_SIZE,
		     pa + PAGE_SIZE_2M - PAGE_SIZE, PAGE_SIZE, 1,
		     LEAF_RO | PTE_PCD | PTE_PWT);
	expect_range(va + PAGE_SIZE_2M, pa + PAGE_SIZE_2M, PAGE_SIZE_2M, 2,
		     LEAF_RO | PTE_PCD | PTE_PWT | PTE_PS);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.va[0], va + PAGE_SIZE_2M - PAGE_SIZE);
	assert_int_equal(log.va[1], va + PAGE_SIZE_2M);
}

/* Making a page user adds U to the tables above it. */
static void test_protect_user(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE, PGT_WRITE), 0);
	assert_int_equal(raw_entry(va, 1), pa | ENC | LEAF_RW);
	assert_int_equal(pgtable_protect(&pt, va, PAGE_SIZE,
					 PGT_WRITE | PGT_USER),
			 0);
	assert_int_equal(raw_entry_at(va, 1, true),
			 pa | ENC | LEAF_RW | PTE_U);
}

static void test_walk_unmapped(void **state)
{
	u64 va = 0x10000000, pa = 0x200000000;

	expect_unmapped(0);
	expect_unmapped(va);
	expect_unmapped(0xffffff8000000000ULL);
	expect_unmapped(0x0000800000000000ULL);
	assert_int_equal(pgtable_map(&pt, va, pa, PAGE_SIZE, 0), 0);
	expect_unmapped(va + PAGE_SIZE);       /* empty PTE */
	expect_unmapped(va + PAGE_SIZE_2M);    /* empty PDE */
	expect_unmapped(va + PAGE_SIZE_1G);    /* empty PDPTE */
	expect_unmapped(va + 0x8000000000ULL); /* empty PML4E */
}

/* Builds a 1 GiB leaf by hand (pgtable_map never does), with PAT set. */
static u64 *install_1g_leaf(u64 va, u64 pa, u64 bits)
{
	phys_addr_t pdpt = arena_alloc(&arena);
	u64 *root = raw_table(pt.root);
	u64 *table = raw_table(pdpt);

	root[idx(va, 4)] = pdpt | ENC | TABLE_BITS;
	table[idx(va, 3)] = pa | ENC | bits;
	return &table[idx(va, 3)];
}

static void test_1g_leaf(void **state)
{
	u64 va = 0x8040000000ULL, pa = 0xc0000000;
	u64 bits = LEAF_RW | PTE_PS | PTE_G | PTE_PAT_LARGE;
	u64 small = LEAF_RW | PTE_G | PTE_PAT_4K;
	u64 hole = va + 3 * PAGE_SIZE_2M + 7 * PAGE_SIZE;

	install_1g_leaf(va, pa, bits);
	expect_walk(va, pa, 3, pa | ENC | bits);
	expect_walk(va + 0x12345678, pa + 0x12345678, 3, pa | ENC | bits);
	expect_walk(va + PAGE_SIZE_1G - 1, pa + PAGE_SIZE_1G - 1, 3,
		    pa | ENC | bits);
	expect_unmapped(va + PAGE_SIZE_1G);
	expect_unmapped(va - 1);
	expect_eexist_unchanged(va + 0x200000, 0x1000, PAGE_SIZE);

	/* Unmapping one page splits 1 GiB to 2 MiB to 4 KiB. */
	assert_int_equal(pgtable_unmap(&pt, hole, PAGE_SIZE), 0);
	assert_int_equal(fake_tlb.page_flushes, 1);
	expect_unmapped(hole);
	expect_walk(va + 0x1234, pa + 0x1234, 2, pa | ENC | bits);
	expect_walk(va + PAGE_SIZE_1G - 1, pa + PAGE_SIZE_1G - 1, 2,
		    (pa + PAGE_SIZE_1G - PAGE_SIZE_2M) | ENC | bits);
	expect_walk(hole - PAGE_SIZE, pa + (hole - va) - PAGE_SIZE, 1,
		    (pa + (hole - va) - PAGE_SIZE) | ENC | small);
	expect_walk(hole + PAGE_SIZE + 5, pa + (hole - va) + PAGE_SIZE + 5, 1,
		    (pa + (hole - va) + PAGE_SIZE) | ENC | small);
}

static void test_1g_leaf_whole_unmap(void **state)
{
	u64 va = 0x8040000000ULL, pa = 0xc0000000;

	install_1g_leaf(va, pa, LEAF_RO | PTE_PS);
	assert_int_equal(pgtable_protect(&pt, va, PAGE_SIZE_1G, PGT_WRITE), 0);
	expect_walk(va + 5, pa + 5, 3, pa | ENC | LEAF_RW | PTE_PS);
	assert_int_equal(pgtable_unmap(&pt, va, PAGE_SIZE_1G), 0);
	assert_int_equal(fake_tlb.page_flushes, 2);
	assert_int_equal(fake_tlb.last_va, va);
	expect_unmapped(va + 5);
	assert_int_equal(arena.allocs, 2);
}

/* Tables in both halves, split pages included, all come back. */
static void test_destroy_frees_everything(void **state)
{
	u64 pa = 0x200000000;

	assert_int_equal(pgtable_map(&pt, 0x3fe00000, pa, 3 * PAGE_SIZE_2M, 0),
			 0);
	assert_int_equal(pgtable_map(&pt, 0xffffff8000000000ULL, pa,
				     PAGE_SIZE_2M + 3 * PAGE_SIZE, 0),
			 0);
	assert_int_equal(pgtable_map(&pt, 0xffff800000000000ULL, pa,
				     PAGE_SIZE, 0),
			 0);
	assert_int_equal(pgtable_unmap(&pt, 0x40000000 + PAGE_SIZE, PAGE_SIZE),
			 0);
	install_1g_leaf(0x10000000000ULL, 0x40000000, LEAF_RO | PTE_PS);
	assert_true(arena_in_use() > 10);
	pgtable_destroy(&pt);
	assert_int_equal(arena_in_use(), 0);
	assert_int_equal(pt.root, 0);
	/* teardown's destroy must cope with the destroyed table */
}

static void test_adopt(void **state)
{
	struct pgtable other;
	u64 pa = 0x200000000;

	pgtable_adopt(&other, &ops, ENC, pt.root);
	assert_int_equal(pgtable_map(&other, 0x10000000, pa, PAGE_SIZE, 0), 0);
	expect_walk(0x10000000, pa, 1, pa | ENC | LEAF_RO);
}

/* --- randomized test against a model -------------------------------------- */

#define WIN_PAGES 4096
#define WIN_VA 0x3f800000ULL /* 16 MiB window crossing a 1 GiB boundary */
#define WIN_PA 0x100000000ULL
#define RAND_FLAGS \
	(PGT_WRITE | PGT_EXEC | PGT_USER | PGT_GLOBAL | PGT_UNCACHED)

struct model_page {
	bool mapped;
	u64 pa;
	u64 flags;
};

struct rnd {
	u64 state;
	struct model_page page[WIN_PAGES];
};

static u64 rnd_next(struct rnd *r)
{
	r->state ^= r->state << 13;
	r->state ^= r->state >> 7;
	r->state ^= r->state << 17;
	return r->state;
}

static u64 rnd_below(struct rnd *r, u64 n)
{
	return rnd_next(r) % n;
}

/* Short ranges, long ones, and 2 MiB aligned ones that get large pages. */
static void rnd_range(struct rnd *r, u64 *first, u64 *count)
{
	u64 kind = rnd_below(r, 8), max = kind < 4 ? 16 : 1100;

	*first = rnd_below(r, WIN_PAGES);
	if (kind >= 6) {
		*first = ALIGN_DOWN(*first, 512);
	}
	*count = 1 + rnd_below(r, MIN(max, WIN_PAGES - *first));
}

static bool model_any_mapped(struct rnd *r, u64 first, u64 count)
{
	u64 i;

	for (i = first; i < first + count; i++) {
		if (r->page[i].mapped) {
			return true;
		}
	}
	return false;
}

/* Sometimes gives the next operation a small allocation budget. */
static void rnd_budget(struct rnd *r)
{
	arena.budget = rnd_below(r, 6) ? -1 : (long)rnd_below(r, 3);
}

static void rnd_map(struct rnd *r)
{
	u64 first, count, i, pa, flags;
	bool busy;
	int rc;

	rnd_range(r, &first, &count);
	/* Half the time pa keeps va's 2 MiB alignment, so 2 MiB pages occur. */
	pa = rnd_below(r, 2) ? WIN_PA + first * PAGE_SIZE :
			       WIN_PA + rnd_below(r, 1 << 20) * PAGE_SIZE;
	flags = rnd_next(r) & RAND_FLAGS;
	flags |= rnd_below(r, 4) ? 0 : PGT_4K_ONLY;
	busy = model_any_mapped(r, first, count);
	rnd_budget(r);
	rc = pgtable_map(&pt, WIN_VA + first * PAGE_SIZE, pa, count * PAGE_SIZE,
			 flags);
	if (busy) {
		assert_int_equal(rc, -SVSM_EEXIST);
	} else if (rc == -SVSM_ENOMEM) {
		assert_true(arena.budget >= 0);
	} else {
		assert_int_equal(rc, 0);
		for (i = 0; i < count; i++) {
			r->page[first + i] = (struct model_page){
				true, pa + i * PAGE_SIZE, flags & RAND_FLAGS
			};
		}
	}
}

/* Unmap or protect: both split ends, skip holes and flush what they touch. */
static void rnd_change(struct rnd *r, bool unmap)
{
	u64 first, count, i, flags = rnd_next(r) & RAND_FLAGS;
	u64 flushes = fake_tlb.page_flushes;
	bool any;
	int rc;

	rnd_range(r, &first, &count);
	any = model_any_mapped(r, first, count);
	rnd_budget(r);
	rc = unmap ? pgtable_unmap(&pt, WIN_VA + first * PAGE_SIZE,
				   count * PAGE_SIZE) :
		     pgtable_protect(&pt, WIN_VA + first * PAGE_SIZE,
				     count * PAGE_SIZE, flags);
	if (rc == -SVSM_ENOMEM) {
		assert_true(arena.budget >= 0);
		assert_int_equal(fake_tlb.page_flushes, flushes);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(fake_tlb.page_flushes > flushes, any);
	for (i = first; i < first + count; i++) {
		if (unmap) {
			r->page[i].mapped = false;
		} else {
			r->page[i].flags = flags;
		}
	}
}

static void model_check(struct rnd *r)
{
	struct pgtable_walk_result res;
	u64 i, va, expect;

	for (i = 0; i < WIN_PAGES; i++) {
		va = WIN_VA + i * PAGE_SIZE + (i & 0xfff);
		if (!r->page[i].mapped) {
			expect_unmapped(va);
			continue;
		}
		assert_int_equal(pgtable_walk(&pt, va, &res), 0);
		assert_int_equal(res.pa, r->page[i].pa + (i & 0xfff));
		expect = pgtable_flags_to_pte(r->page[i].flags);
		expect |= res.level > 1 ? PTE_PS : 0;
		assert_int_equal(res.pte & ~PTE_ADDR_MASK, expect);
		assert_true(res.pte & ENC);
	}
	expect_unmapped(WIN_VA - PAGE_SIZE);
	expect_unmapped(WIN_VA + WIN_PAGES * PAGE_SIZE);
}

/* Starts from the whole window in 2 MiB pages, for the splits to come. */
static void rnd_prefill(struct rnd *r)
{
	u64 flags = rnd_next(r) & RAND_FLAGS, i;

	assert_int_equal(pgtable_map(&pt, WIN_VA, WIN_PA, WIN_PAGES * PAGE_SIZE,
				     flags),
			 0);
	for (i = 0; i < WIN_PAGES; i++) {
		r->page[i] = (struct model_page){ true, WIN_PA + i * PAGE_SIZE,
						  flags };
	}
}

static void run_random(u64 seed, unsigned int ops_count)
{
	struct rnd *r = calloc(1, sizeof(*r));
	unsigned int n;
	u64 op;

	assert_non_null(r);
	r->state = seed;
	if (seed & 1) {
		rnd_prefill(r);
	}
	for (n = 0; n < ops_count; n++) {
		op = rnd_below(r, 10);
		if (op < 5) {
			rnd_map(r);
		} else if (op < 8) {
			rnd_change(r, true);
		} else {
			rnd_change(r, false);
		}
		arena.budget = -1;
		model_check(r);
	}
	/* Root, PDPT, two PDs, at most eight PTs: tables are reused. */
	assert_true(arena_in_use() <= 12);
	free(r);
}

static void test_random(void **state)
{
	static const u64 seeds[] = { 1,	   2,	  3,	 42,	 1234,	 7777,
				     99991, 31337, 65521, 0xdeadbeef,
				     0x9e3779b97f4a7c15ULL,
				     0x123456789abcdefULL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		pgtable_destroy(&pt);
		assert_int_equal(arena_in_use(), 0);
		assert_int_equal(pgtable_init(&pt, &ops, ENC), 0);
		run_random(seeds[i], 200);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flags_to_pte),
		T(test_init_fails_without_memory),
		T(test_map_walk_4k),
		T(test_map_2m_when_aligned),
		T(test_map_4k_forced),
		T(test_map_mixed),
		T(test_raw_bits),
		T(test_higher_half),
		T(test_noncanonical),
		T(test_wraparound),
		T(test_bad_arguments),
		T(test_double_map),
		T(test_enomem_rollback_4k),
		T(test_enomem_rollback_2m),
		T(test_unmap_4k),
		T(test_unmap_whole_2m_flushes_once),
		T(test_unmap_splits_2m),
		T(test_split_keeps_user),
		T(test_unmap_splits_both_ends),
		T(test_unmap_split_enomem),
		T(test_unmap_holes),
		T(test_protect),
		T(test_protect_splits_2m),
		T(test_protect_user),
		T(test_walk_unmapped),
		T(test_1g_leaf),
		T(test_1g_leaf_whole_unmap),
		T(test_destroy_frees_everything),
		T(test_adopt),
		T(test_random),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

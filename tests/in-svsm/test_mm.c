/* SPDX-License-Identifier: MIT */
/* In-SVSM tests of the allocators and page tables on real memory. */
#include <arch/uaccess.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/hw/x86_pte.h>
#include <svsm/kernel.h>
#include <svsm/lib/string.h>
#include <svsm/mm.h>
#include <svsm/mm/heap.h>
#include <svsm/tests.h>

extern char __text_start[], __rodata_start[], __data_start[];
extern char __boot_stack_guard[];

static int test_data_word = 42;
static const int test_rodata_word = 7;

SVSM_TEST(mm_pages_every_order)
{
	struct page_pool_stats before, after;
	u8 *blocks[PAGE_ALLOC_MAX_ORDER];

	mm_get_stats(&before);
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		blocks[o] = mm_alloc_pages(o);
		TEST_ASSERT(blocks[o] != NULL);
		TEST_ASSERT(IS_ALIGNED(mm_virt_to_phys(blocks[o]),
				       PAGE_SIZE << o));
		memset(blocks[o], (int)o + 1, PAGE_SIZE << o);
	}
	for (unsigned int o = 0; o < PAGE_ALLOC_MAX_ORDER; o++) {
		u8 *b = blocks[o];

		TEST_ASSERT(b[0] == o + 1 && b[(PAGE_SIZE << o) - 1] == o + 1);
		mm_free_pages(b);
	}
	mm_get_stats(&after);
	TEST_ASSERT_EQ(before.free_pages, after.free_pages);
}

SVSM_TEST(mm_pages_exhaustion_returns_null)
{
	struct page_pool_stats before, after;
	void *head = NULL;
	u64 n = 0;
	void *p;

	mm_get_stats(&before);
	/* Chain every free 128 KiB block through its first word. */
	while ((p = mm_alloc_pages(PAGE_ALLOC_MAX_ORDER - 1)) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	TEST_ASSERT(n > 0);
	while (head) {
		p = *(void **)head;
		mm_free_pages(head);
		head = p;
	}
	mm_get_stats(&after);
	TEST_ASSERT_EQ(before.free_pages, after.free_pages);
}

SVSM_TEST(mm_heap_size_classes)
{
	static const size_t sizes[] = { 1, 32, 33, 100, 512, 2048, 2049,
					8192, HEAP_MAX_ALLOC };
	void *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		TEST_ASSERT(p[i] != NULL);
		memset(p[i], 0xa5, sizes[i]);
	}
	TEST_ASSERT(kmalloc(HEAP_MAX_ALLOC + 1) == NULL);
	TEST_ASSERT(kmalloc(0) == NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
}

SVSM_TEST(pgtable_text_is_rx)
{
	struct pgtable_walk_result r;

	TEST_ASSERT_EQ(mm_walk((u64)(uintptr_t)__text_start, &r), 0);
	TEST_ASSERT(!(r.pte & PTE_W));
	TEST_ASSERT(!(r.pte & PTE_NX));
	TEST_ASSERT_EQ(r.pa, mm_virt_to_phys(__text_start));
}

SVSM_TEST(pgtable_rodata_is_ro_nx)
{
	struct pgtable_walk_result r;

	TEST_ASSERT_EQ(mm_walk((u64)(uintptr_t)&test_rodata_word, &r), 0);
	TEST_ASSERT(!(r.pte & PTE_W));
	TEST_ASSERT(r.pte & PTE_NX);
}

SVSM_TEST(pgtable_data_is_rw_nx)
{
	struct pgtable_walk_result r;

	TEST_ASSERT_EQ(mm_walk((u64)(uintptr_t)&test_data_word, &r), 0);
	TEST_ASSERT(r.pte & PTE_W);
	TEST_ASSERT(r.pte & PTE_NX);
	TEST_ASSERT_EQ(r.pa, mm_virt_to_phys(&test_data_word));
}

SVSM_TEST(pgtable_boot_stack_guard_unmapped)
{
	struct pgtable_walk_result r;

	TEST_ASSERT_EQ(mm_walk((u64)(uintptr_t)__boot_stack_guard, &r),
		       -SVSM_ENOENT);
}

SVSM_TEST(pgtable_heap_uses_large_pages)
{
	struct pgtable_walk_result r;
	void *p = mm_alloc_pages(0);

	TEST_ASSERT(p != NULL);
	TEST_ASSERT_EQ(mm_walk((u64)(uintptr_t)p, &r), 0);
	TEST_ASSERT(r.pte & PTE_NX);
	TEST_ASSERT_EQ(r.pa, mm_virt_to_phys(p));
	mm_free_pages(p);
	/* The region end is 2 MiB aligned, so its last page is in a 2M page. */
	TEST_ASSERT_EQ(mm_walk(KERNEL_VIRT_BASE +
				       (kernel_launch_info->kernel_region_phys_end -
					kernel_launch_info->kernel_region_phys_start) -
				       PAGE_SIZE,
			       &r),
		       0);
	TEST_ASSERT_EQ(r.page_size, PAGE_SIZE_2M);
}

SVSM_TEST(pgtable_map_unmap_live)
{
	u64 va = VMAP_VIRT_BASE + 0x10000000;
	struct pgtable_walk_result r;
	u64 *alias;
	u64 *page = mm_alloc_zeroed_pages(0);
	u64 v;

	TEST_ASSERT(page != NULL);
	TEST_ASSERT_EQ(mm_map(va, mm_virt_to_phys(page), PAGE_SIZE, PGT_WRITE),
		       0);
	alias = (u64 *)va;
	alias[3] = 0x1122334455667788ULL;
	TEST_ASSERT_EQ(page[3], 0x1122334455667788ULL);
	TEST_ASSERT_EQ(mm_walk(va, &r), 0);
	TEST_ASSERT_EQ(r.pa, mm_virt_to_phys(page));
	TEST_ASSERT_EQ(mm_map(va, mm_virt_to_phys(page), PAGE_SIZE, PGT_WRITE),
		       -SVSM_EEXIST);
	TEST_ASSERT_EQ(mm_unmap(va, PAGE_SIZE), 0);
	TEST_ASSERT_EQ(mm_walk(va, &r), -SVSM_ENOENT);
	TEST_ASSERT_EQ(arch_try_read_u64(alias, &v), -SVSM_EFAULT);
	mm_free_pages(page);
}

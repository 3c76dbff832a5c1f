# SPDX-License-Identifier: MIT
# Buddy page allocator and slab heap, on memory from aligned_alloc().
MM_TEST_SUPPORT := tests/unit/support/panic.c tests/unit/support/log_capture.c \
	lib/log.c lib/printf.c

UNIT_TESTS += page_alloc heap
test_page_alloc_SRCS := tests/unit/test_page_alloc.c kernel/mm/page_alloc.c \
	$(MM_TEST_SUPPORT)
test_heap_SRCS := tests/unit/test_heap.c kernel/mm/heap.c \
	kernel/mm/page_alloc.c $(MM_TEST_SUPPORT)

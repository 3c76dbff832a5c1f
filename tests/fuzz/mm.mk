# SPDX-License-Identifier: MIT
# Page pool and heap driven by a byte stream of alloc/free operations.
FUZZ_TARGETS += page_alloc
fuzz_page_alloc_SRCS := tests/fuzz/fuzz_page_alloc.c kernel/mm/page_alloc.c \
	kernel/mm/heap.c lib/log.c lib/printf.c

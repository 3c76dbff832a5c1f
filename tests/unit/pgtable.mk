# SPDX-License-Identifier: MIT
# x86-64 page tables on fake physical memory, with a recording fake TLB.
UNIT_TESTS += pgtable
test_pgtable_SRCS := tests/unit/test_pgtable.c kernel/mm/pgtable.c \
	kernel/arch/fake/tlb.c tests/unit/support/panic.c

/* SPDX-License-Identifier: MIT */
/* In-SVSM tests of the CPU setup: faults, W^X, IST stacks, SSE. */
#include <arch/cpu.h>
#include <arch/cpu_init.h>
#include <arch/desc.h>
#include <arch/exception.h>
#include <arch/uaccess.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/tests.h>

extern char __text_start[];

static const u8 test_rodata_bytes[16] = { 1, 2, 3 };
static volatile u64 breakpoint_hits;
static volatile u64 nx_page_va;

SVSM_TEST(fault_unmapped_read_is_caught)
{
	struct fault_record *f = &this_cpu()->last_fault;
	const void *addr = (const void *)(VMAP_VIRT_BASE + 0x123008);
	u64 before = f->count;
	u64 v = 0x5a5a;

	TEST_ASSERT_EQ(arch_try_read_u64(addr, &v), -SVSM_EFAULT);
	TEST_ASSERT_EQ(v, 0x5a5aULL); /* untouched */
	TEST_ASSERT_EQ(f->count, before + 1);
	TEST_ASSERT_EQ(f->vector, (u64)VEC_PF);
	TEST_ASSERT_EQ(f->cr2, (u64)(uintptr_t)addr);
	TEST_ASSERT(!(f->error_code & PF_ERR_P)); /* not present */
	TEST_ASSERT(!(f->error_code & PF_ERR_W)); /* a read */
}

SVSM_TEST(fault_null_pointer_is_caught)
{
	struct fault_record *f = &this_cpu()->last_fault;
	u64 v;

	TEST_ASSERT_EQ(arch_try_read_u64(NULL, &v), -SVSM_EFAULT);
	TEST_ASSERT_EQ(f->cr2, 0ULL);
}

SVSM_TEST(write_to_kernel_text_faults)
{
	struct fault_record *f = &this_cpu()->last_fault;
	u8 before = *(volatile u8 *)__text_start;

	TEST_ASSERT_EQ(arch_try_write_u8(__text_start, 0xcc), -SVSM_EFAULT);
	TEST_ASSERT_EQ(f->vector, (u64)VEC_PF);
	TEST_ASSERT_EQ(f->cr2, (u64)(uintptr_t)__text_start);
	TEST_ASSERT(f->error_code & PF_ERR_P);
	TEST_ASSERT(f->error_code & PF_ERR_W);
	TEST_ASSERT_EQ(*(volatile u8 *)__text_start, before);
}

SVSM_TEST(write_to_rodata_faults)
{
	TEST_ASSERT_EQ(arch_try_write_u8((void *)test_rodata_bytes, 9),
		       -SVSM_EFAULT);
	TEST_ASSERT_EQ(test_rodata_bytes[0], 1);
}

static bool nx_fault_handler(struct exc_frame *f)
{
	if (f->rip != nx_page_va)
		return false;
	/* Return to the caller of the "function" that could not run. */
	f->rip = *(u64 *)f->rsp;
	f->rsp += 8;
	return true;
}

SVSM_TEST(execute_from_data_faults)
{
	struct fault_record *f = &this_cpu()->last_fault;
	u8 *page = mm_alloc_zeroed_pages(0);
	void (*fn)(void);

	TEST_ASSERT(page != NULL);
	page[0] = 0xc3; /* ret: would "work" if data were executable */
	nx_page_va = (u64)(uintptr_t)page;
	exception_set_handler(VEC_PF, nx_fault_handler);
	fn = (void (*)(void))(uintptr_t)page;
	fn();
	exception_set_handler(VEC_PF, NULL);
	TEST_ASSERT_EQ(f->vector, (u64)VEC_PF);
	TEST_ASSERT(f->error_code & PF_ERR_ID);
	TEST_ASSERT_EQ(f->rip, (u64)(uintptr_t)page);
	mm_free_pages(page);
}

static bool breakpoint_handler(struct exc_frame *f)
{
	breakpoint_hits++;
	return true; /* int3 is a trap: RIP already points past it */
}

SVSM_TEST(breakpoint_handler_runs_on_ist)
{
	u64 before = breakpoint_hits;

	exception_set_handler(VEC_BP, breakpoint_handler);
	arch_breakpoint();
	exception_set_handler(VEC_BP, NULL);
	TEST_ASSERT_EQ(breakpoint_hits, before + 1);
	TEST_ASSERT_EQ(idt_ist_slot(VEC_BP), (unsigned int)IST_DEBUG);
}

SVSM_TEST(every_exception_vector_has_an_ist_stack)
{
	struct percpu *cpu = this_cpu();

	for (unsigned int v = 0; v < 32; v++) {
		unsigned int slot = idt_ist_slot(v);

		TEST_ASSERT(slot != IST_NONE);
		TEST_ASSERT(cpu->tss.ist[slot - 1] != 0);
	}
	TEST_ASSERT_EQ(idt_ist_slot(VEC_DF), (unsigned int)IST_DOUBLE_FAULT);
}

SVSM_TEST(stack_guard_pages_unmapped)
{
	struct percpu *cpu = this_cpu();
	struct pgtable_walk_result r;

	for (int s = 0; s < STACK_COUNT; s++) {
		u64 guard = cpu->stacks[s].bottom - PAGE_SIZE;

		TEST_ASSERT_EQ(mm_walk(guard, &r), -SVSM_ENOENT);
		TEST_ASSERT_EQ(mm_walk(cpu->stacks[s].bottom, &r), 0);
	}
	TEST_ASSERT(percpu_on_stack(cpu, arch_read_rsp(), 8));
}

SVSM_TEST(sse_is_enabled)
{
	TEST_ASSERT(arch_read_cr4() & CR4_OSFXSR);
	TEST_ASSERT(!(arch_read_cr0() & CR0_EM));
	TEST_ASSERT_EQ(arch_sse_selftest(40, 2), 42u);
}

SVSM_TEST(write_protect_is_on)
{
	TEST_ASSERT(arch_read_cr0() & CR0_WP);
}

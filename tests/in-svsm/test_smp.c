/* SPDX-License-Identifier: MIT */
/* In-SVSM tests of SMP: cross-CPU calls, spinlocks, TLB shootdown. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <svsm/boot/layout.h>
#include <svsm/lib/string.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/smp.h>
#include <svsm/spinlock.h>
#include <svsm/tests.h>

#define LOCK_ROUNDS 2000

static u32 seen[SMP_MAX_CPUS];
static u32 seen_apic[SMP_MAX_CPUS];
static bool on_own_stack[SMP_MAX_CPUS];

static void report_in(void *arg)
{
	struct percpu *cpu = this_cpu();

	__atomic_fetch_add(&seen[cpu->cpu_index], 1, __ATOMIC_RELAXED);
	seen_apic[cpu->cpu_index] = apic_id();
	on_own_stack[cpu->cpu_index] =
		percpu_on_stack(cpu, arch_read_rsp(), 8) &&
		cpu->tss.ist[IST_IRQ - 1] && cpu->tss.ist[IST_EXCEPTION - 1];
}

SVSM_TEST(smp_every_cpu_runs_the_call)
{
	u32 n = smp_cpus_online();

	TEST_ASSERT(n >= 2); /* test-in-svsm boots with -smp 4 */
	memset(seen, 0, sizeof(seen));
	smp_call_all(report_in, NULL);
	for (u32 i = 0; i < n; i++) {
		TEST_ASSERT_EQ(seen[i], 1u);
		TEST_ASSERT_EQ(seen_apic[i], smp_cpu(i)->apic_id);
		TEST_ASSERT(on_own_stack[i]);
	}
	for (u32 i = n; i < SMP_MAX_CPUS; i++)
		TEST_ASSERT_EQ(seen[i], 0u);
}

static spinlock_t test_lock = SPINLOCK_INIT;
static volatile u64 locked_counter;

static void hammer_lock(void *arg)
{
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		spin_lock(&test_lock);
		/* A plain read-modify-write: only mutual exclusion keeps it exact. */
		locked_counter = locked_counter + 1;
		spin_unlock(&test_lock);
	}
}

SVSM_TEST(smp_spinlock_contended_by_all_cpus)
{
	locked_counter = 0;
	smp_call_all(hammer_lock, NULL);
	TEST_ASSERT_EQ(locked_counter, (u64)LOCK_ROUNDS * smp_cpus_online());
	TEST_ASSERT(!spin_is_locked(&test_lock));
}

static u64 read_back[SMP_MAX_CPUS];
static volatile u64 *shootdown_va;

static void read_mapping(void *arg)
{
	read_back[this_cpu()->cpu_index] = *shootdown_va;
}

SVSM_TEST(smp_tlb_shootdown_reaches_every_cpu)
{
	u64 va = VMAP_VIRT_BASE + 0x10100000;
	u64 *a = mm_alloc_zeroed_pages(0), *b = mm_alloc_zeroed_pages(0);
	u32 n = smp_cpus_online();

	TEST_ASSERT(a && b);
	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	shootdown_va = (volatile u64 *)va;
	TEST_ASSERT_EQ(mm_map(va, mm_virt_to_phys(a), PAGE_SIZE, 0), 0);
	smp_call_all(read_mapping, NULL); /* every TLB now caches va -> a */
	for (u32 i = 0; i < n; i++)
		TEST_ASSERT_EQ(read_back[i], 0xaaaaULL);
	TEST_ASSERT_EQ(mm_unmap(va, PAGE_SIZE), 0); /* shoots down */
	TEST_ASSERT_EQ(mm_map(va, mm_virt_to_phys(b), PAGE_SIZE, 0), 0);
	smp_call_all(read_mapping, NULL);
	for (u32 i = 0; i < n; i++)
		TEST_ASSERT_EQ(read_back[i], 0xbbbbULL);
	TEST_ASSERT_EQ(mm_unmap(va, PAGE_SIZE), 0);
	mm_free_pages(a);
	mm_free_pages(b);
}

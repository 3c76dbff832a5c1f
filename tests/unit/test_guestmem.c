/* SPDX-License-Identifier: MIT */
/*
 * guestmem (kernel/mm/guestmem.c) on the simulator's arena and RMP
 * (tests/sim), and the vCPU registry's own checks (kernel/services/vcpu.c).
 * Addresses are offsets into the simulator's guest RAM, whose pages start
 * assigned and not validated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/rwlock.h>
#include <svsm/vcpu.h>

#include "../sim/guestmem_sim.h"
#include "../sim/sim.h"

#define GPA(off) (SIM_GUEST_BASE + (off))

static const struct mem_region ram[] = {
	{ GPA(0x1000), GPA(0xA0000) },
	{ GPA(0x100000), GPA(0x1000000) },
	{ GPA(0x1400000), GPA(0x2000000) },
};

#define SVSM_START GPA(0x1800000)
#define SVSM_END GPA(0x1a00000)

static int setup(void **state)
{
	sim_reset();
	guestmem_sim_reset();
	assert_int_equal(guestmem_init(ram, 3, SVSM_START, SVSM_END), 0);
	sim_rmp_guest_valid(GPA(0x100000), 0x100000, 2);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(guestmem_sim.depth, 0);
	assert_int_equal(sim_error_count(), 0);
	return 0;
}

static void test_init_rejects_bad_maps(void **state)
{
	static struct mem_region many[GUESTMEM_MAX_RANGES + 1];
	const struct mem_region unsorted[] = { { 0x2000, 0x3000 },
					       { 0x1000, 0x2000 } };
	const struct mem_region overlap[] = { { 0x1000, 0x3000 },
					      { 0x2000, 0x4000 } };
	const struct mem_region empty[] = { { 0x1000, 0x1000 } };

	for (u32 i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct mem_region){ i * 0x2000ULL,
					       i * 0x2000ULL + 0x1000 };
	assert_int_equal(guestmem_init(unsorted, 2, 0, 0), -SVSM_EINVAL);
	assert_int_equal(guestmem_init(overlap, 2, 0, 0), -SVSM_EINVAL);
	assert_int_equal(guestmem_init(empty, 1, 0, 0), -SVSM_EINVAL);
	assert_int_equal(guestmem_init(many, ARRAY_SIZE(many), 0, 0),
			 -SVSM_EINVAL);
	assert_int_equal(guestmem_init(ram, 3, 0x2000, 0x1000), -SVSM_EINVAL);
	assert_int_equal(guestmem_init(NULL, 1, 0, 0), -SVSM_EINVAL);
	/* The old map stays after a refused one. */
	assert_true(guestmem_is_guest_ram(GPA(0x100000), PAGE_SIZE));
}

static void test_is_guest_ram(void **state)
{
	assert_true(guestmem_is_guest_ram(GPA(0x1000), 1));
	assert_true(guestmem_is_guest_ram(GPA(0x1000), 0x9F000));
	assert_false(guestmem_is_guest_ram(GPA(0x0), 1));
	assert_false(guestmem_is_guest_ram(GPA(0x1000), 0x9F001));
	assert_false(guestmem_is_guest_ram(GPA(0x1000), 0));
	/* Two adjacent-looking ranges are still two: no straddling. */
	assert_false(guestmem_is_guest_ram(GPA(0xFF000), 0x2000));
	assert_false(guestmem_is_guest_ram(GPA(0xFFF000), 0x402000));
	/* The SVSM region is cut out even where RAM covers it. */
	assert_false(guestmem_is_guest_ram(SVSM_START, 1));
	assert_false(guestmem_is_guest_ram(SVSM_END - 1, 1));
	assert_false(guestmem_is_guest_ram(SVSM_START - PAGE_SIZE,
					   2 * PAGE_SIZE));
	assert_true(guestmem_is_guest_ram(SVSM_END, PAGE_SIZE));
	assert_true(guestmem_is_guest_ram(SVSM_START - PAGE_SIZE, PAGE_SIZE));
	/* ... and does not join the two pieces around it. */
	assert_false(guestmem_is_guest_ram(SVSM_START - PAGE_SIZE,
					   SVSM_END - SVSM_START +
						   2 * PAGE_SIZE));
	assert_false(guestmem_is_guest_ram(GPA(0x1FFF000), 0x2000));
	assert_false(guestmem_is_guest_ram(~0ULL, 2));
	assert_false(guestmem_is_guest_ram(0xFFFFFFFFFFFFF000ULL, PAGE_SIZE));
}

static void test_ram_range(void **state)
{
	struct mem_region r = guestmem_ram_range(GPA(0x1a34567));
	const struct mem_region empty = { 0, 0 };

	/* The range past the cut-out SVSM region. */
	assert_int_equal(r.start, SVSM_END);
	assert_int_equal(r.end, GPA(0x2000000));
	r = guestmem_ram_range(GPA(0x17ff000));
	assert_int_equal(r.start, GPA(0x1400000));
	assert_int_equal(r.end, SVSM_START);
	assert_int_equal(guestmem_ram_range(SVSM_START).end, 0);
	assert_int_equal(guestmem_ram_range(GPA(0xA0000)).end, 0);
	assert_int_equal(guestmem_ram_range(GPA(0x1234567)).end, 0);
	assert_int_equal(guestmem_ram_range(0).end, 0);
	/* What a range holds: non-empty, inside, no wrap-around. */
	assert_true(mem_region_holds(&r, SVSM_START - PAGE_SIZE, PAGE_SIZE));
	assert_false(mem_region_holds(&r, SVSM_START - PAGE_SIZE, PAGE_SIZE + 1));
	assert_false(mem_region_holds(&r, GPA(0x1400000), 0));
	assert_false(mem_region_holds(&r, GPA(0x13ff000), PAGE_SIZE));
	assert_false(mem_region_holds(&r, GPA(0x1400000), ~0ULL));
	assert_false(mem_region_holds(&empty, 0, 1));
}

static void test_svsm_region_widened_to_pages(void **state)
{
	/* An SVSM region that is not page aligned costs its whole pages. */
	assert_int_equal(guestmem_init(ram, 3, SVSM_START + 0x10,
				       SVSM_END - 0x10),
			 0);
	assert_false(guestmem_is_guest_ram(SVSM_START, 8));
	assert_false(guestmem_is_guest_ram(SVSM_END - 8, 8));
	assert_true(guestmem_is_guest_ram(SVSM_START - 8, 8));
	assert_true(guestmem_is_guest_ram(SVSM_END, 8));
	/* An empty region excludes nothing. */
	assert_int_equal(guestmem_init(ram, 3, SVSM_START, SVSM_START), 0);
	assert_true(guestmem_is_guest_ram(SVSM_START, PAGE_SIZE));
}

static void test_copy_across_pages(void **state)
{
	u8 out[6000], in[6000];

	for (u32 i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 7);
	assert_int_equal(guestmem_write(GPA(0x100ff0), out, sizeof(out)), 0);
	assert_int_equal(guestmem_read(GPA(0x100ff0), in, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(out));
	assert_memory_equal(sim_gpa_to_va(GPA(0x100ff0), sizeof(out)), out,
			    sizeof(out));
	assert_int_equal(guestmem_sim.depth, 0);
	assert_int_equal(guestmem_read(GPA(0x100000), in, 0), 0);
}

static void test_copy_refuses_non_ram(void **state)
{
	u8 buf[16];

	assert_int_equal(guestmem_read(GPA(0xA0000), buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_write(SVSM_START, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_zero(GPA(0x9F000), 0x2000), -SVSM_EINVAL);
	assert_int_equal(guestmem_read(~0ULL - 4, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_read_phys(~0ULL - 4, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_sim.reads + guestmem_sim.writes, 0);
}

static void test_copy_faults_on_unvalidated(void **state)
{
	u8 buf[16] = { 1 };

	/* 0x200000 is RAM but was never validated: a #VC on SNP. */
	assert_int_equal(guestmem_read(GPA(0x200000), buf, 16), -SVSM_EFAULT);
	assert_int_equal(guestmem_write(GPA(0x1ffff8), buf, 16), -SVSM_EFAULT);
	assert_int_equal(guestmem_zero(GPA(0x200000), PAGE_SIZE),
			 -SVSM_EFAULT);
	assert_int_equal(guestmem_sim.faults, 3);
	assert_int_equal(guestmem_sim.depth, 0);
}

static void test_zero_and_phys(void **state)
{
	u8 *p = sim_gpa_to_va(GPA(0x101000), 3 * PAGE_SIZE);
	u64 v = 0x1122334455667788ULL, w = 0;

	memset(p, 0xaa, 3 * PAGE_SIZE);
	assert_int_equal(guestmem_zero(GPA(0x101800), 2 * PAGE_SIZE), 0);
	assert_int_equal(p[0x7ff], 0xaa);
	assert_int_equal(p[0x800], 0);
	assert_int_equal(p[0x27ff], 0);
	assert_int_equal(p[0x2800], 0xaa);
	/* Zeroing is logged as writes, page by page. */
	assert_int_equal(guestmem_sim.writes, 3);
	assert_int_equal(guestmem_sim.reads, 0);
	/* Odd lengths too: the last bytes are not left out. */
	assert_int_equal(guestmem_zero(GPA(0x101000) + 3, 13), 0);
	assert_int_equal(p[2], 0xaa);
	assert_int_equal(p[3], 0);
	assert_int_equal(p[15], 0);
	assert_int_equal(p[16], 0xaa);
	/* The unchecked copies reach SVSM memory (a VMSA the SVSM owns). */
	sim_rmp_set(SVSM_START, PAGE_SIZE, true, true, false);
	assert_int_equal(guestmem_write_phys(SVSM_START + 8, &v, 8), 0);
	assert_int_equal(guestmem_read_phys(SVSM_START + 8, &w, 8), 0);
	assert_int_equal(w, v);
}

static void test_unmap_out_of_order_is_a_bug(void **state)
{
	void *a = guestmem_map(GPA(0x100000), PAGE_SIZE);
	void *b = guestmem_map(GPA(0x101000), PAGE_SIZE);

	assert_non_null(a);
	assert_non_null(b);
	assert_null(guestmem_map(GPA(0x100800), PAGE_SIZE));
	assert_null(guestmem_map(GPA(0x100000), 0x3000 + PAGE_SIZE_2M));
	expect_assert_failure(guestmem_unmap(a, PAGE_SIZE));
	guestmem_sim.depth = 0;
}

static void test_rwlock(void **state)
{
	rwlock_t l = RWLOCK_INIT;

	read_lock(&l);
	read_lock(&l);
	assert_int_equal(l.state, 2);
	read_unlock(&l);
	read_unlock(&l);
	write_lock(&l);
	assert_true(rwlock_is_write_locked(&l));
	write_unlock(&l);
	assert_int_equal(l.state, 0);
}

static void test_registry_init(void **state)
{
	static u32 ids[VCPU_MAX + 1];
	const u32 dup[] = { 0, 2, 0 };
	struct svsm_vcpu *v;
	struct mem_region r;

	for (u32 i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = i;
	assert_int_equal(vcpu_registry_init(ids, VCPU_MAX + 1), -SVSM_ENOMEM);
	assert_int_equal(vcpu_registry_init(dup, 3), -SVSM_EEXIST);
	assert_int_equal(vcpu_registry_init(ids, 4), 0);
	assert_null(vcpu_find(4));
	v = vcpu_find(3);
	assert_non_null(v);
	assert_int_equal(v->reg, -1);
	/* Boot registration: alignment, guest RAM CAA, no overlaps. */
	assert_int_equal(vcpu_register_boot(v, SVSM_START + 8, GPA(0x100000)),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, SVSM_START, SVSM_START + 0x1000),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, GPA(0x100000), GPA(0x100000)),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, SVSM_START, GPA(0x100000)), 0);
	assert_int_equal(vcpu_register_boot(v, SVSM_START + 0x1000,
					    GPA(0x101000)),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(vcpu_find(0), GPA(0x102000),
					    GPA(0x100000)),
			 -SVSM_EEXIST);
	vcpu_read_lock();
	/* The unregistered range around a page, bounded by registered ones. */
	r = vcpu_unregistered_span(GPA(0x200000), PAGE_SIZE);
	assert_int_equal(r.start, GPA(0x101000));
	assert_int_equal(r.end, SVSM_START);
	r = vcpu_unregistered_span(SVSM_END, PAGE_SIZE);
	assert_int_equal(r.start, SVSM_START + PAGE_SIZE);
	assert_int_equal(r.end, ~0ULL);
	r = vcpu_unregistered_span(GPA(0x1000), PAGE_SIZE);
	assert_int_equal(r.start, 0);
	assert_int_equal(r.end, GPA(0x100000));
	assert_int_equal(vcpu_unregistered_span(GPA(0xff000), 0x2000).end, 0);
	assert_int_equal(vcpu_unregistered_span(~0ULL, 2).end, 0);
	assert_true(vcpu_range_registered(GPA(0x100fff), 1));
	assert_true(vcpu_range_registered(GPA(0x0), 0x100001));
	assert_false(vcpu_range_registered(GPA(0x101000), 0x1000));
	assert_true(vcpu_range_registered(~0ULL, 2));
	vcpu_read_unlock();
}

/* Every test on a fresh machine, checked clean afterwards. */
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init_rejects_bad_maps),
		TEST(test_is_guest_ram),
		TEST(test_ram_range),
		TEST(test_svsm_region_widened_to_pages),
		TEST(test_copy_across_pages),
		TEST(test_copy_refuses_non_ram),
		TEST(test_copy_faults_on_unvalidated),
		TEST(test_zero_and_phys),
		TEST(test_unmap_out_of_order_is_a_bug),
		TEST(test_rwlock),
		TEST(test_registry_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * guestmem (kernel/mm/guestmem.c) on the simulator's arena, and the vCPU
 * registry's own checks (kernel/services/vcpu.c).
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
#include "support/sim_fake.h"

static const struct mem_region ram[] = {
	{ 0x1000, 0xA0000 },
	{ 0x100000, 0x1000000 },
	{ 0x1400000, 0x2000000 },
};

#define SVSM_START 0x1800000ULL
#define SVSM_END 0x1a00000ULL

static int setup(void **state)
{
	sim_fake_reset();
	guestmem_sim_reset();
	assert_int_equal(guestmem_init(ram, 3, SVSM_START, SVSM_END), 0);
	sim_fake_prevalidate(0x100000, 0x100000);
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
	assert_true(guestmem_is_guest_ram(0x100000, PAGE_SIZE));
}

static void test_is_guest_ram(void **state)
{
	assert_true(guestmem_is_guest_ram(0x1000, 1));
	assert_true(guestmem_is_guest_ram(0x1000, 0x9F000));
	assert_false(guestmem_is_guest_ram(0x0, 1));
	assert_false(guestmem_is_guest_ram(0x1000, 0x9F001));
	assert_false(guestmem_is_guest_ram(0x1000, 0));
	/* Two adjacent-looking ranges are still two: no straddling. */
	assert_false(guestmem_is_guest_ram(0xFF000, 0x2000));
	assert_false(guestmem_is_guest_ram(0xFFF000, 0x402000));
	/* The SVSM region is cut out even where RAM covers it. */
	assert_false(guestmem_is_guest_ram(SVSM_START, 1));
	assert_false(guestmem_is_guest_ram(SVSM_END - 1, 1));
	assert_false(guestmem_is_guest_ram(SVSM_START - PAGE_SIZE,
					   2 * PAGE_SIZE));
	assert_true(guestmem_is_guest_ram(SVSM_END, PAGE_SIZE));
	assert_true(guestmem_is_guest_ram(SVSM_START - PAGE_SIZE, PAGE_SIZE));
	assert_false(guestmem_is_guest_ram(0x1FFF000, 0x2000));
	assert_false(guestmem_is_guest_ram(~0ULL, 2));
	assert_false(guestmem_is_guest_ram(0xFFFFFFFFFFFFF000ULL, PAGE_SIZE));
}

static void test_copy_across_pages(void **state)
{
	u8 out[6000], in[6000];

	for (u32 i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 7);
	assert_int_equal(guestmem_write(0x100ff0, out, sizeof(out)), 0);
	assert_int_equal(guestmem_read(0x100ff0, in, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(out));
	assert_memory_equal(sim_gpa_to_va(0x100ff0, sizeof(out)), out,
			    sizeof(out));
	assert_int_equal(guestmem_sim.depth, 0);
	assert_int_equal(guestmem_read(0x100000, in, 0), 0);
}

static void test_copy_refuses_non_ram(void **state)
{
	u8 buf[16];

	assert_int_equal(guestmem_read(0xA0000, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_write(SVSM_START, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_zero(0x9F000, 0x2000), -SVSM_EINVAL);
	assert_int_equal(guestmem_read(~0ULL - 4, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_read_phys(~0ULL - 4, buf, 16), -SVSM_EINVAL);
	assert_int_equal(guestmem_sim.reads + guestmem_sim.writes, 0);
}

static void test_copy_faults_on_unvalidated(void **state)
{
	u8 buf[16] = { 1 };

	/* 0x200000 is RAM but was never validated: a #VC on SNP. */
	assert_int_equal(guestmem_read(0x200000, buf, 16), -SVSM_EFAULT);
	assert_int_equal(guestmem_write(0x1ffff8, buf, 16), -SVSM_EFAULT);
	assert_int_equal(guestmem_sim.faults, 2);
	assert_int_equal(guestmem_sim.depth, 0);
}

static void test_zero_and_phys(void **state)
{
	u8 *p = sim_gpa_to_va(0x101000, 3 * PAGE_SIZE);
	u64 v = 0x1122334455667788ULL, w = 0;

	memset(p, 0xaa, 3 * PAGE_SIZE);
	assert_int_equal(guestmem_zero(0x101800, 2 * PAGE_SIZE), 0);
	assert_int_equal(p[0x7ff], 0xaa);
	assert_int_equal(p[0x800], 0);
	assert_int_equal(p[0x27ff], 0);
	assert_int_equal(p[0x2800], 0xaa);
	/* The unchecked copies reach SVSM memory (a VMSA the SVSM owns). */
	sim_fake_prevalidate(SVSM_START, PAGE_SIZE);
	assert_int_equal(guestmem_write_phys(SVSM_START + 8, &v, 8), 0);
	assert_int_equal(guestmem_read_phys(SVSM_START + 8, &w, 8), 0);
	assert_int_equal(w, v);
}

static void test_unmap_out_of_order_is_a_bug(void **state)
{
	void *a = guestmem_map(0x100000, PAGE_SIZE);
	void *b = guestmem_map(0x101000, PAGE_SIZE);

	assert_non_null(a);
	assert_non_null(b);
	assert_null(guestmem_map(0x100800, PAGE_SIZE));
	assert_null(guestmem_map(0x100000, 0x3000 + PAGE_SIZE_2M));
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
	assert_int_equal(vcpu_register_boot(v, SVSM_START + 8, 0x100000),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, SVSM_START, SVSM_START + 0x1000),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, 0x100000, 0x100000),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(v, SVSM_START, 0x100000), 0);
	assert_int_equal(vcpu_register_boot(v, SVSM_START + 0x1000, 0x101000),
			 -SVSM_EINVAL);
	assert_int_equal(vcpu_register_boot(vcpu_find(0), 0x102000, 0x100000),
			 -SVSM_EEXIST);
	vcpu_read_lock();
	assert_true(vcpu_range_registered(0x100fff, 1));
	assert_true(vcpu_range_registered(0x0, 0x100001));
	assert_false(vcpu_range_registered(0x101000, 0x1000));
	assert_true(vcpu_range_registered(~0ULL, 2));
	vcpu_read_unlock();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_rejects_bad_maps, setup),
		cmocka_unit_test_setup(test_is_guest_ram, setup),
		cmocka_unit_test_setup(test_copy_across_pages, setup),
		cmocka_unit_test_setup(test_copy_refuses_non_ram, setup),
		cmocka_unit_test_setup(test_copy_faults_on_unvalidated, setup),
		cmocka_unit_test_setup(test_zero_and_phys, setup),
		cmocka_unit_test_setup(test_unmap_out_of_order_is_a_bug, setup),
		cmocka_unit_test_setup(test_rwlock, setup),
		cmocka_unit_test_setup(test_registry_init, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

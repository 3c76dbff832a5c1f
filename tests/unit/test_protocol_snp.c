/* SPDX-License-Identifier: MIT */
/*
 * Where the protocol stack meets the SEV-SNP platform code and the
 * simulated machine (tests/sim): PVALIDATE and RMPADJUST go through
 * kernel/platform/snp and the fake arch to the simulated RMP, counted
 * there; the request loop switches to the guest with the GHCB MSR "Run
 * VMPL" request, which the simulated hypervisor answers by running the
 * simulated guest (tests/sim/guest.c); the RMP refuses a 2 MiB-aligned
 * VMSA. The exhaustive protocol tests are in test_core_protocol.c, on the
 * same environment (tests/unit/support/protocol_env.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/hw/vmsa.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#include "../sim/guest.h"
#include "../sim/guestmem_sim.h"
#include "../sim/sim.h"
#include "support/protocol_env.h"

static int setup(void **state)
{
	protocol_env_setup();
	return 0;
}

static int teardown(void **state)
{
	assert_true(env_clean());
	return 0;
}

static u64 pval(u64 entry)
{
	return env_pvalidate(&entry, 1);
}

static void test_pvalidate_on_the_snp_platform(void **state)
{
	const struct sim_rmp_entry *e = sim_rmp(ENV_DATA);
	u64 pvalidates = sim_rmp_stats.pvalidates;

	assert_int_equal(pval(guest_pval_entry(ENV_DATA, false, true, false)),
			 SVSM_SUCCESS);
	assert_true(e->validated && e->perms[2] == 0xf);
	assert_int_equal(sim_rmp_stats.pvalidates, pvalidates + 1);
	assert_int_equal(pval(guest_pval_entry(ENV_DATA, false, true, false)),
			 SVSM_ERR_PVALIDATE_FAIL_UNCHANGED);
	assert_int_equal(pval(guest_pval_entry(ENV_DATA, false, false,
					       false)),
			 SVSM_SUCCESS);
	assert_true(!e->validated && !e->perms[2] && !e->perms[3]);
	assert_int_equal(pval(guest_pval_entry(ENV_HUGE_2M, true, true,
					       false)),
			 SVSM_SUCCESS);
	assert_true(sim_rmp(ENV_HUGE_2M + PAGE_SIZE_2M - PAGE_SIZE)->validated);
	assert_int_equal(pval(guest_pval_entry(ENV_SMALL_2M, true, true,
					       false)),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
}

static void test_svsm_memory_refused(void **state)
{
	const struct sim_rmp_entry before = *sim_rmp(SIM_SVSM_BASE);
	u64 pvalidates = sim_rmp_stats.pvalidates;

	assert_int_equal(pval(guest_pval_entry(SIM_SVSM_BASE, false, false,
					       false)),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(pval(guest_pval_entry(env.boot_vmsa, false, false,
					       false)),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_memory_equal(sim_rmp(SIM_SVSM_BASE), &before, sizeof(before));
	assert_int_equal(sim_rmp_stats.pvalidates, pvalidates);
	assert_int_equal(env_core(SVSM_CORE_DELETE_VCPU, env.boot_vmsa, 0, 0),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_true(sim_rmp(env.boot_vmsa)->vmsa);
}

static void test_create_vcpu_vmsa_erratum(void **state)
{
	/* A 2 MiB-aligned VMSA: the RMP refuses the VMSA bit (digest 5.3). */
	u64 refused = sim_rmp_stats.vmsa_2m_aligned;

	sim_rmp_guest_valid(ENV_VMSA_2M, PAGE_SIZE, SVSM_GUEST_VMPL);
	guest_init_ap_vmsa(ENV_VMSA_2M, ENV_SEV_FEATURES, 0);
	assert_int_equal(env_core(SVSM_CORE_CREATE_VCPU, ENV_VMSA_2M,
				  ENV_AP_CAA, 1),
			 SVSM_ERR_PVALIDATE_FAIL_INPUT);
	assert_int_equal(sim_rmp_stats.vmsa_2m_aligned, refused + 1);
	assert_true(sim_rmp_vmpl_can(ENV_VMSA_2M, 2, RMPADJUST_PERM_RWX));
	assert_false(sim_rmp(ENV_VMSA_2M)->vmsa);
}

static void test_linux_boot_through_run_vmpl(void **state)
{
	static u64 early[2 + 520], late[8];
	struct guest_linux gl;

	early[0] = guest_pval_entry(ENV_HUGE_2M, true, true, false);
	early[1] = guest_pval_entry(ENV_SMALL_2M, true, true, false);
	for (u32 i = 0; i < 520; i++)
		early[2 + i] = guest_pval_entry(ENV_DATA + i * PAGE_SIZE, false,
						true, false);
	for (u32 i = 0; i < 8; i++)
		late[i] = guest_pval_entry(ENV_DATA + i * PAGE_SIZE, false,
					   false, false);
	env_run_linux(&gl, early, ARRAY_SIZE(early), late, ARRAY_SIZE(late));
	assert_null(gl.failure);
	assert_int_equal(gl.phase, GL_DONE);
	assert_int_equal(gl.size_mismatches, 1);
	assert_int_equal(gl.entries_4k, 512);
	assert_int_equal(sim_hv.vmpl_runs, gl.calls + 1);
	assert_int_equal(sim_hv.last_vmpl, SVSM_GUEST_VMPL);
	for (u32 i = 0; i < 512; i++) {
		assert_true(sim_rmp_vmpl_can(ENV_HUGE_2M + i * PAGE_SIZE, 2,
					     RMPADJUST_PERM_RWX));
		assert_true(sim_rmp_vmpl_can(ENV_SMALL_2M + i * PAGE_SIZE, 2,
					     RMPADJUST_PERM_RWX));
	}
	assert_false(sim_rmp(ENV_DATA)->validated);
	assert_true(sim_rmp(ENV_DATA + 8 * PAGE_SIZE)->validated);
	assert_false(sim_rmp(ENV_AP_VMSA)->vmsa); /* created, then deleted */
	assert_int_equal(env.gbsp.caa, ENV_NEW_CAA);
	/* The guest VMSA runs only while the guest does. */
	assert_int_equal(((struct sev_vmsa *)guest_ptr(env.boot_vmsa))->efer &
				 VMSA_EFER_SVME,
			 0);
}

/* Every test on a fresh machine, checked clean afterwards. */
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_pvalidate_on_the_snp_platform),
		TEST(test_svsm_memory_refused),
		TEST(test_create_vcpu_vmsa_erratum),
		TEST(test_linux_boot_through_run_vmpl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The protocol stack on the real SEV-SNP platform code and the simulator
 * (tests/sim): PVALIDATE and RMPADJUST go through kernel/platform/snp and
 * the fake arch to the simulated RMP, and the request loop switches to the
 * guest with the GHCB MSR "Run VMPL" request, which the simulated
 * hypervisor answers by running the simulated guest (tests/sim/guest.c).
 * The exhaustive negative tests live in test_core_protocol.c (stand-in
 * simulator); here the same stack meets the real one.
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
#include "../sim/snp_env.h"

#define G SIM_GUEST_BASE
#define BOOT_CAA (G + 0x0)
#define NEW_CAA (G + 0x1000)
#define AP_VMSA (G + 0x3000)
#define AP_CAA (G + 0x4000)
#define HUGE (G + 0x200000)  /* 2 MiB RMP entry */
#define SMALL (G + 0x400000) /* 4 KiB RMP entries */
#define DATA (G + 0x600000)
#define VMSA_2M (G + 0xA00000) /* 2 MiB aligned */
#define FEATURES 0x1ULL

static struct svsm_vcpu *bsp;
static struct sim_vcpu gbsp;
static phys_addr_t boot_vmsa;

static void guest_exit(void *ctx)
{
	request_loop_handle_exit(ctx);
}

static void guest_valid(phys_addr_t gpa, u64 len)
{
	sim_rmp_set(gpa, len, true, true, false);
	for (u64 off = 0; off < len; off += PAGE_SIZE)
		sim_rmp(gpa + off)->perms[SVSM_GUEST_VMPL] = 0xf;
}

static int setup(void **state)
{
	static const u32 ids[] = { 0, 1 };
	const struct mem_region ram = { SIM_GPA_BASE,
					SIM_GPA_BASE + SIM_MEM_SIZE };
	struct sev_vmsa *v;

	snp_env_reset();
	snp_env_boot();
	guestmem_sim_reset();
	assert_int_equal(guestmem_init(&ram, 1, SIM_SVSM_BASE,
				       SIM_SVSM_BASE + SIM_SVSM_SIZE),
			 0);
	guest_valid(BOOT_CAA, 0x10000);
	sim_rmp_set(HUGE, PAGE_SIZE_2M, true, false, true);
	/* The firmware's VMSA, prepared by the SVSM in its own memory. */
	v = sim_alloc_pages(0);
	assert_non_null(v);
	boot_vmsa = sim_va_to_gpa(v);
	guest_init_ap_vmsa(boot_vmsa, FEATURES, 0xfffffff0);
	sim_rmp(boot_vmsa)->vmsa = true;
	assert_int_equal(vcpu_registry_init(ids, 2), 0);
	bsp = vcpu_find(0);
	assert_int_equal(vcpu_register_boot(bsp, boot_vmsa, BOOT_CAA), 0);
	gbsp = (struct sim_vcpu){ 0, boot_vmsa, BOOT_CAA };
	return 0;
}

static u64 core(u32 call, u64 rcx, u64 rdx, u64 r8)
{
	struct sim_guest g = { .vmgexit = guest_exit, .ctx = bsp };

	return guest_call(&g, &gbsp, guest_rax(SVSM_CORE_PROTOCOL, call),
			  &rcx, &rdx, &r8);
}

static u64 pval(u64 entry)
{
	guest_write_pval_request(BOOT_CAA + 8, 1, 0, &entry);
	return core(SVSM_CORE_PVALIDATE, BOOT_CAA + 8, 0, 0);
}

static void test_pvalidate_on_the_snp_platform(void **state)
{
	const struct sim_rmp_entry *e = sim_rmp(DATA);

	assert_int_equal(pval(guest_pval_entry(DATA, false, true, false)),
			 SVSM_SUCCESS);
	assert_true(e->validated && e->perms[2] == 0xf);
	assert_int_equal(pval(guest_pval_entry(DATA, false, true, false)),
			 SVSM_ERR_PVALIDATE_FAIL_UNCHANGED);
	assert_int_equal(pval(guest_pval_entry(DATA, false, false, false)),
			 SVSM_SUCCESS);
	assert_true(!e->validated && !e->perms[2] && !e->perms[3]);
	assert_int_equal(pval(guest_pval_entry(HUGE, true, true, false)),
			 SVSM_SUCCESS);
	assert_true(sim_rmp(HUGE + PAGE_SIZE_2M - PAGE_SIZE)->validated);
	assert_int_equal(pval(guest_pval_entry(SMALL, true, true, false)),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	assert_int_equal(sim_glue_temp_maps, 0);
	assert_int_equal(sim_error_count(), 0);
}

static void test_svsm_memory_refused(void **state)
{
	const struct sim_rmp_entry before = *sim_rmp(SIM_SVSM_BASE);
	u64 pvalidates = sim_rmp_stats.pvalidates;

	assert_int_equal(pval(guest_pval_entry(SIM_SVSM_BASE, false, false,
					       false)),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(pval(guest_pval_entry(boot_vmsa, false, false,
					       false)),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_memory_equal(sim_rmp(SIM_SVSM_BASE), &before, sizeof(before));
	assert_int_equal(sim_rmp_stats.pvalidates, pvalidates);
	assert_int_equal(core(SVSM_CORE_DELETE_VCPU, boot_vmsa, 0, 0),
			 SVSM_ERR_INVALID_PARAMETER);
	assert_true(sim_rmp(boot_vmsa)->vmsa);
}

static void test_create_vcpu_vmsa_erratum(void **state)
{
	/* A 2 MiB-aligned VMSA: the RMP refuses the VMSA bit (digest 5.3). */
	guest_valid(VMSA_2M, PAGE_SIZE);
	guest_init_ap_vmsa(VMSA_2M, FEATURES, 0);
	bsp->sev_features = FEATURES;
	assert_int_equal(core(SVSM_CORE_CREATE_VCPU, VMSA_2M,
			      AP_CAA, 1),
			 SVSM_ERR_PVALIDATE_FAIL_INPUT);
	assert_true(sim_rmp_vmpl_can(VMSA_2M, 2,
				     RMPADJUST_PERM_RWX));
	assert_false(sim_rmp(VMSA_2M)->vmsa);
}

static void run_guest_fn(u32 cpu, u8 vmpl, void *ctx)
{
	assert_int_equal(vmpl, SVSM_GUEST_VMPL);
	guest_linux_run(ctx);
}

static void test_linux_boot_through_run_vmpl(void **state)
{
	static u64 early[2 + 520], late[8];
	struct sim_vcpu ap = { 1, AP_VMSA, AP_CAA };
	struct guest_linux_plan plan = {
		.bsp = &gbsp, .early = early, .nearly = ARRAY_SIZE(early),
		.late = late, .nlate = ARRAY_SIZE(late), .new_caa = NEW_CAA,
		.ap = &ap, .sev_features = FEATURES,
	};
	struct guest_linux gl;
	u32 n = 0;

	early[0] = guest_pval_entry(HUGE, true, true, false);
	early[1] = guest_pval_entry(SMALL, true, true, false);
	for (u32 i = 0; i < 520; i++)
		early[2 + i] = guest_pval_entry(DATA + i * PAGE_SIZE, false,
						true, false);
	for (u32 i = 0; i < 8; i++)
		late[i] = guest_pval_entry(DATA + i * PAGE_SIZE, false, false,
					   false);
	guest_linux_init(&gl, &plan);
	sim_hv.guest = run_guest_fn;
	sim_hv.guest_ctx = &gl;
	while (gl.phase < GL_DONE && n++ < 100)
		assert_true(request_loop_iterate(bsp) >= 0);
	assert_null(gl.failure);
	assert_int_equal(gl.phase, GL_DONE);
	assert_int_equal(gl.size_mismatches, 1);
	assert_int_equal(gl.entries_4k, 512);
	assert_int_equal(sim_hv.vmpl_runs, gl.calls + 1);
	for (u32 i = 0; i < 512; i++) {
		assert_true(sim_rmp_vmpl_can(HUGE + i * PAGE_SIZE, 2,
					     RMPADJUST_PERM_RWX));
		assert_true(sim_rmp_vmpl_can(SMALL + i * PAGE_SIZE, 2,
					     RMPADJUST_PERM_RWX));
	}
	assert_false(sim_rmp(DATA)->validated);
	assert_true(sim_rmp(DATA + 8 * PAGE_SIZE)->validated);
	assert_false(sim_rmp(AP_VMSA)->vmsa); /* created, then deleted */
	assert_int_equal(gbsp.caa, NEW_CAA);
	/* The guest VMSA runs only while the guest does. */
	assert_int_equal(((struct sev_vmsa *)guest_ptr(boot_vmsa))->efer &
				 VMSA_EFER_SVME,
			 0);
	assert_int_equal(sim_error_count(), 0);
	assert_false(sim_hv.terminated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pvalidate_on_the_snp_platform,
				       setup),
		cmocka_unit_test_setup(test_svsm_memory_refused, setup),
		cmocka_unit_test_setup(test_create_vcpu_vmsa_erratum, setup),
		cmocka_unit_test_setup(test_linux_boot_through_run_vmpl, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

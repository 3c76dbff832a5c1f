/* SPDX-License-Identifier: MIT */
/*
 * SEV_STATUS policy, the GHCB MSR protocol and early platform set-up on the
 * simulated hypervisor: each request's happy path, then every malicious
 * answer, which must terminate with the right reason.
 */
#include <svsm/boot/layout.h>
#include <svsm/hw/vmsa.h>

#include "test_snp_common.h"

#define FEAT(f) SEV_STATUS_FEAT(f)

/* ---- SEV_STATUS policy -------------------------------------------------- */

static void test_status_required_accepted(void **state)
{
	u64 missing, extra;

	assert_int_equal(snp_check_sev_status(SNP_STATUS_REQUIRED, &missing,
					      &extra),
			 0);
	assert_int_equal(snp_check_sev_status(0xa7, &missing, &extra), 0);
}

static void test_status_tolerated_accepted(void **state)
{
	u64 missing, extra;
	u64 s = SNP_STATUS_REQUIRED | FEAT(SEV_FEAT_VTOM) |
		FEAT(SEV_FEAT_PREVENT_HOST_IBS) | FEAT(SEV_FEAT_BTB_ISOLATION) |
		FEAT(SEV_FEAT_SMT_PROTECTION);

	assert_int_equal(snp_check_sev_status(s, &missing, &extra), 0);
}

static void test_status_missing_refused(void **state)
{
	const u64 required[] = { SEV_STATUS_SEV, SEV_STATUS_SEV_ES,
				 FEAT(SEV_FEAT_SNP_ACTIVE),
				 FEAT(SEV_FEAT_RESTRICTED_INJECTION),
				 FEAT(SEV_FEAT_DEBUG_SWAP) };
	u64 missing, extra;

	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		assert_int_equal(snp_check_sev_status(SNP_STATUS_REQUIRED &
							      ~required[i],
						      &missing, &extra),
				 -SVSM_ENOTSUP);
		assert_true(missing == required[i] && !extra);
	}
}

static void test_status_extra_refused(void **state)
{
	const u64 refused[] = { FEAT(SEV_FEAT_REFLECT_VC),
				FEAT(SEV_FEAT_ALTERNATE_INJECTION),
				FEAT(SEV_FEAT_VMPL_SSS),
				FEAT(SEV_FEAT_SECURE_TSC),
				FEAT(SEV_FEAT_VMSA_REG_PROT),
				FEAT(SEV_FEAT_SECURE_AVIC), BIT(40), BIT(63) };
	u64 missing, extra;

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_int_equal(snp_check_sev_status(SNP_STATUS_REQUIRED |
							      refused[i],
						      &missing, &extra),
				 -SVSM_ENOTSUP);
		assert_true(extra == refused[i] && !missing);
	}
}

static void test_early_init_bad_status_terminates(void **state)
{
	sim_hv.sev_status |= FEAT(SEV_FEAT_SECURE_TSC);
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_FEATURES);
}

static void test_early_init_no_restricted_injection(void **state)
{
	sim_hv.sev_status &= ~FEAT(SEV_FEAT_RESTRICTED_INJECTION);
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_FEATURES);
	/* Nothing else was asked of the hypervisor first. */
	assert_int_equal(sim_hv.msr_requests, 1);
}

/* ---- MSR protocol: happy paths ------------------------------------------ */

static void test_sev_info(void **state)
{
	assert_int_equal(snp_msr_sev_info(), 51);
	sim_hv.version_min = 2;
	sim_hv.version_max = 5;
	assert_int_equal(snp_msr_sev_info(), 51);
}

static void test_msr_cpuid(void **state)
{
	assert_int_equal(snp_msr_cpuid(0x0, SNP_CPUID_EBX), 0x68747541);
	assert_int_equal(snp_msr_cpuid(0x8000001f, SNP_CPUID_EBX), 0x173);
	assert_int_equal(snp_msr_cpuid(0x1, SNP_CPUID_EDX), 0x178bfbff);
	assert_int_equal(sim_hv.msr_requests, 3);
}

static void test_register_ghcb(void **state)
{
	u64 gpa = SIM_GUEST_BASE + 0x5000;

	sim_rmp_set(gpa, PAGE_SIZE, false, false, false);
	snp_msr_register_ghcb(gpa);
	assert_true(sim_hv.ghcb_gpa[0] == gpa);
	assert_false(sim_hv.terminated);
}

static void test_msr_psc(void **state)
{
	u64 gpa = SIM_GUEST_BASE + 0x7000;

	snp_msr_psc(gpa, PSC_OP_SHARED);
	assert_false(sim_rmp(gpa)->assigned);
	assert_true(sim_rmp(gpa + PAGE_SIZE)->assigned);
	snp_msr_psc(gpa, PSC_OP_PRIVATE);
	assert_true(sim_rmp(gpa)->assigned);
	assert_false(sim_rmp(gpa)->validated);
}

static u32 guest_runs;

static void guest(u32 cpu, u8 vmpl, void *ctx)
{
	guest_runs++;
	assert_int_equal(vmpl, 2);
	assert_ptr_equal(ctx, &guest_runs);
}

static void test_run_vmpl(void **state)
{
	guest_runs = 0;
	sim_hv.guest = guest;
	sim_hv.guest_ctx = &guest_runs;
	snp_msr_run_vmpl(2);
	snp_msr_run_vmpl(2);
	assert_int_equal(guest_runs, 2);
	assert_int_equal(sim_hv.vmpl_runs, 2);
}

static void test_platform_run_guest(void **state)
{
	guest_runs = 0;
	sim_hv.guest = guest;
	sim_hv.guest_ctx = &guest_runs;
	assert_int_equal(snp_platform.run_guest(2), 0);
	assert_int_equal(guest_runs, 1);
	assert_int_equal(sim_hv.last_vmpl, 2);
	assert_int_equal(snp_platform.run_guest(0), -SVSM_EINVAL);
	assert_int_equal(snp_platform.run_guest(4), -SVSM_EINVAL);
	assert_int_equal(guest_runs, 1);
	sim_hv.evil = SIM_EVIL_RUN_VMPL_ERROR;
	SIM_EXPECT_TERMINATION(snp_platform.run_guest(2));
	assert_svsm_terminated(SNP_TERM_RUN_VMPL);
}

static void test_hv_features(void **state)
{
	assert_true(snp_msr_hv_features() ==
		    (GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
		     GHCB_HV_FT_MULTI_VMPL));
}

static void test_terminate_encoding(void **state)
{
	SIM_EXPECT_TERMINATION(snp_terminate(0xf, 0xab));
	assert_terminated(0xf, 0xab);
	SIM_EXPECT_TERMINATION(snp_fail(SNP_TERM_VMSA));
	assert_svsm_terminated(SNP_TERM_VMSA);
}

/* ---- MSR protocol: malicious answers ------------------------------------ */

static void test_sev_info_version_out_of_range(void **state)
{
	sim_hv.version_min = 3;
	sim_hv.version_max = 4;
	SIM_EXPECT_TERMINATION(snp_msr_sev_info());
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);

	sim_hv.terminated = false;
	sim_hv.version_min = 1;
	sim_hv.version_max = 1;
	SIM_EXPECT_TERMINATION(snp_msr_sev_info());
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
}

static void test_sev_info_wrong_code(void **state)
{
	sim_hv.evil = SIM_EVIL_MSR_WRONG_CODE;
	SIM_EXPECT_TERMINATION(snp_msr_sev_info());
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
}

/* Every request answered with another function code terminates. */
static void test_wrong_codes(void **state)
{
	static const struct {
		u64 req;
		u8 reason;
	} cases[] = {
		{ GHCB_MSR_CPUID_REQ, SNP_TERM_CPUID },
		{ GHCB_MSR_REGISTER_GHCB_REQ, SNP_TERM_GHCB_REGISTER },
		{ GHCB_MSR_PSC_REQ, SNP_TERM_PSC },
		{ GHCB_MSR_RUN_VMPL_REQ, SNP_TERM_RUN_VMPL },
		{ GHCB_MSR_HV_FEATURES_REQ, SNP_TERM_HV_FEATURES },
	};
	u64 gpa = SIM_GUEST_BASE;

	sim_rmp_set(gpa, PAGE_SIZE, false, false, false);
	sim_hv.evil = SIM_EVIL_MSR_WRONG_CODE;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		sim_hv.terminated = false;
		sim_hv.evil_target = cases[i].req;
		switch (cases[i].req) {
		case GHCB_MSR_CPUID_REQ:
			SIM_EXPECT_TERMINATION(snp_msr_cpuid(0, SNP_CPUID_EAX));
			break;
		case GHCB_MSR_REGISTER_GHCB_REQ:
			SIM_EXPECT_TERMINATION(snp_msr_register_ghcb(gpa));
			break;
		case GHCB_MSR_PSC_REQ:
			SIM_EXPECT_TERMINATION(snp_msr_psc(gpa, PSC_OP_SHARED));
			break;
		case GHCB_MSR_RUN_VMPL_REQ:
			SIM_EXPECT_TERMINATION(snp_msr_run_vmpl(2));
			break;
		default:
			SIM_EXPECT_TERMINATION(snp_msr_hv_features());
			break;
		}
		assert_svsm_terminated(cases[i].reason);
	}
}

static void test_register_gfn_mismatch(void **state)
{
	u64 gpa = SIM_GUEST_BASE + 0x3000;

	sim_rmp_set(gpa, PAGE_SIZE, false, false, false);
	sim_hv.evil = SIM_EVIL_GFN_MISMATCH;
	SIM_EXPECT_TERMINATION(snp_msr_register_ghcb(gpa));
	assert_svsm_terminated(SNP_TERM_GHCB_REGISTER);
}

static void test_msr_psc_error(void **state)
{
	sim_hv.evil = SIM_EVIL_MSR_PSC_ERROR;
	SIM_EXPECT_TERMINATION(snp_msr_psc(SIM_GUEST_BASE, PSC_OP_SHARED));
	assert_svsm_terminated(SNP_TERM_PSC);
}

static void test_run_vmpl_error(void **state)
{
	guest_runs = 0;
	sim_hv.guest = guest;
	sim_hv.evil = SIM_EVIL_RUN_VMPL_ERROR;
	SIM_EXPECT_TERMINATION(snp_msr_run_vmpl(2));
	assert_svsm_terminated(SNP_TERM_RUN_VMPL);
	assert_int_equal(guest_runs, 0);
}

static void test_unexpected_answer_wipes_vmpcks(void **state)
{
	snp_env_boot();
	assert_int_equal(snp_secrets()->vmpck[0][0], SNP_ENV_VMPCK_BYTE(0));
	sim_hv.evil = SIM_EVIL_RUN_VMPL_ERROR;
	SIM_EXPECT_TERMINATION(snp_msr_run_vmpl(2));
	for (int i = 0; i < 4; i++) {
		assert_true(mem_is_zero(snp_secrets()->vmpck[i],
					SNP_VMPCK_SIZE));
	}
}

/* ---- Early set-up ------------------------------------------------------- */

static void test_early_init(void **state)
{
	const struct snp_secrets_page *launch =
		sim_gpa_to_va(SIM_SECRETS_GPA, PAGE_SIZE);

	assert_int_equal(snp_early_init(snp_env_launch_info()), 0);
	assert_true(snp_enc_mask() == BIT(51));
	assert_non_null(snp_cpuid_table());
	assert_int_equal(snp_cpuid_table()->count, sim_hv.cpuid.count);
	/* The private copy keeps the keys; the launch page is wiped. */
	assert_int_equal(snp_secrets()->vmpck[0][31], SNP_ENV_VMPCK_BYTE(0));
	assert_true(mem_is_zero(launch, PAGE_SIZE));
	assert_int_equal(sim_glue_vc_installs, 1);
	assert_false(snp_ghcb_ready());
}

static void test_cpu_init_sets_up_ghcb(void **state)
{
	u64 gpa;

	snp_env_boot();
	assert_true(snp_ghcb_ready());
	gpa = snp_ghcb_pa();
	assert_true(sim_hv.ghcb_gpa[0] == gpa);
	/* The GHCB page: shared in the RMP, rescinded in the bitmap. */
	assert_false(sim_rmp(gpa)->assigned);
	assert_false(snp_vbitmap_test(snp_kernel_vbitmap(), gpa));
	assert_true(snp_vbitmap_count(snp_kernel_vbitmap()) ==
		    SIM_SVSM_SIZE / PAGE_SIZE - 1);
	assert_int_equal(snp_platform.cpu_init(), -SVSM_EEXIST);
}

static void test_cpu_init_out_of_memory(void **state)
{
	assert_int_equal(snp_early_init(snp_env_launch_info()), 0);
	sim_alloc_fail = true;
	assert_int_equal(snp_platform.cpu_init(), -SVSM_ENOMEM);
	assert_false(snp_ghcb_ready());
}

static void test_early_init_missing_features(void **state)
{
	sim_hv.features &= ~GHCB_HV_FT_MULTI_VMPL;
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_HV_FEATURES);
}

static void test_early_init_bad_cpuid_page(void **state)
{
	const u32 counts[] = { 0, 65, 0xffffffff };
	struct snp_cpuid_table *page = sim_gpa_to_va(SIM_CPUID_GPA, 4096);

	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		snp_env_reset();
		page->count = counts[i];
		SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
		assert_svsm_terminated(SNP_TERM_CPUID);
	}
	snp_env_reset();
	snp_env_launch_info()->cpuid_page_pa = 0;
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_CPUID);
}

static void test_early_init_bad_secrets(void **state)
{
	struct snp_secrets_page *s = sim_gpa_to_va(SIM_SECRETS_GPA, 4096);

	memset(s->vmpck[0], 0, SNP_VMPCK_SIZE);
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_SECRETS);
	snp_env_reset();
	snp_env_launch_info()->secrets_page_pa = 0;
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_SECRETS);
}

static void test_early_init_cbit_contradiction(void **state)
{
	sim_hv.evil = SIM_EVIL_CBIT_CONTRADICT;
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_CPUID);
}

static void test_early_init_cpuid_page_without_sev_leaf(void **state)
{
	struct snp_cpuid_table *page = sim_gpa_to_va(SIM_CPUID_GPA, 4096);

	page->count--; /* the last entry is 0x8000_001F */
	SIM_EXPECT_TERMINATION(snp_early_init(snp_env_launch_info()));
	assert_svsm_terminated(SNP_TERM_CPUID);
}

static void test_platform_terminate_reasons(void **state)
{
	assert_int_equal(snp_platform.type, SVSM_PLATFORM_SNP);
	assert_ptr_equal(snp_platform.io, &snp_ghcb_io);
	/* Generic reasons (panic passes 1) become set 3, SNP_TERM_PANIC. */
	SIM_EXPECT_TERMINATION(snp_platform.terminate(1));
	assert_svsm_terminated(SNP_TERM_PANIC);
	SIM_EXPECT_TERMINATION(snp_platform.terminate(
		SNP_TERM_PLATFORM_REASON(SNP_TERM_SET_GENERAL,
					 SNP_TERM_PROTOCOL_RANGE)));
	assert_terminated(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SNP_TEST(test_status_required_accepted),
		SNP_TEST(test_status_tolerated_accepted),
		SNP_TEST(test_status_missing_refused),
		SNP_TEST(test_status_extra_refused),
		SNP_TEST(test_early_init_bad_status_terminates),
		SNP_TEST(test_early_init_no_restricted_injection),
		SNP_TEST(test_sev_info),
		SNP_TEST(test_msr_cpuid),
		SNP_TEST(test_register_ghcb),
		SNP_TEST(test_msr_psc),
		SNP_TEST(test_run_vmpl),
		SNP_TEST(test_platform_run_guest),
		SNP_TEST(test_hv_features),
		SNP_TEST(test_terminate_encoding),
		SNP_TEST(test_sev_info_version_out_of_range),
		SNP_TEST(test_sev_info_wrong_code),
		SNP_TEST(test_wrong_codes),
		SNP_TEST(test_register_gfn_mismatch),
		SNP_TEST(test_msr_psc_error),
		SNP_TEST(test_run_vmpl_error),
		SNP_TEST(test_unexpected_answer_wipes_vmpcks),
		SNP_TEST(test_early_init),
		SNP_TEST(test_cpu_init_sets_up_ghcb),
		SNP_TEST(test_cpu_init_out_of_memory),
		SNP_TEST(test_early_init_missing_features),
		SNP_TEST(test_early_init_bad_cpuid_page),
		SNP_TEST(test_early_init_bad_secrets),
		SNP_TEST(test_early_init_cbit_contradiction),
		SNP_TEST(test_early_init_cpuid_page_without_sev_leaf),
		SNP_TEST(test_platform_terminate_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

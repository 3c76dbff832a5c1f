/* SPDX-License-Identifier: MIT */
/*
 * AP creation NAE, VMSA pages (never 2 MiB aligned, VMSA bit and target
 * VMPL in the simulated RMP) and the secrets page (private copy, guest
 * copy, wipe).
 */
#include <svsm/arch/snp.h>
#include <svsm/hw/ghcb.h>

#include "test_snp_common.h"

#define SVSM_FEATURES 0x29ULL /* SNP | Restricted Injection | Debug Swap */

/* ---- AP creation -------------------------------------------------------- */

static void test_ap_create_info(void **state)
{
	assert_true(snp_ap_create_info(5, 2, SVM_AP_CREATE) ==
		    0x0000000500020001ULL);
	assert_true(snp_ap_create_info(0xffffffff, 0, SVM_AP_DESTROY) ==
		    0xffffffff00000002ULL);
	assert_true(snp_ap_create_info(0, 2, SVM_AP_CREATE_ON_INIT) ==
		    0x20000ULL);
	/* A VMPL does not spill into the APIC ID, nor an op into the VMPL. */
	assert_true(snp_ap_create_info(1, 0x12, 0x30001) ==
		    0x0000000100020001ULL);
}

static phys_addr_t new_vmsa(u8 vmpl)
{
	phys_addr_t pa;
	struct sev_vmsa *v = snp_vmsa_alloc(&pa);
	int insn;

	assert_non_null(v);
	v->vmpl = vmpl;
	v->efer = VMSA_EFER_SVME;
	assert_int_equal(snp_vmsa_make(pa, vmpl, &insn), 0);
	return pa;
}

static void test_ap_create(void **state)
{
	phys_addr_t pa = new_vmsa(0);

	snp_ap_create(3, 0, SVM_AP_CREATE, pa, SVSM_FEATURES);
	assert_int_equal(sim_hv.nap, 1);
	assert_true(sim_hv.ap[0].exit_info_1 == 0x0000000300000001ULL);
	assert_true(sim_hv.ap[0].vmsa_gpa == pa);
	assert_true(sim_hv.ap[0].sev_features == SVSM_FEATURES);
	snp_ap_create(3, 0, SVM_AP_DESTROY, pa, 0);
	assert_int_equal(sim_hv.nap, 2);
}

static void test_ap_create_refused(void **state)
{
	phys_addr_t pa = new_vmsa(0);

	sim_hv.evil = SIM_EVIL_AP_CREATE_ERROR;
	SIM_EXPECT_TERMINATION(
		snp_ap_create(1, 0, SVM_AP_CREATE, pa, SVSM_FEATURES));
	assert_svsm_terminated(SNP_TERM_AP_CREATE);
	assert_int_equal(sim_hv.nap, 0);
}

static void test_ap_create_not_a_vmsa(void **state)
{
	void *page = snp_glue_alloc_pages(0);

	/* The hypervisor refuses a page without the VMSA bit. */
	SIM_EXPECT_TERMINATION(snp_ap_create(1, 0, SVM_AP_CREATE,
					     sim_va_to_gpa(page),
					     SVSM_FEATURES));
	assert_svsm_terminated(SNP_TERM_AP_CREATE);
}

static void test_ap_create_exception(void **state)
{
	phys_addr_t pa = new_vmsa(2);

	sim_hv.evil = SIM_EVIL_EXIT_EXCEPTION;
	sim_hv.evil_target = SVM_VMGEXIT_AP_CREATION;
	SIM_EXPECT_TERMINATION(snp_ap_create(0, 2, SVM_AP_CREATE_ON_INIT, pa,
					     SVSM_FEATURES));
	assert_svsm_terminated(SNP_TERM_AP_CREATE);
}

/* ---- VMSA pages --------------------------------------------------------- */

static void test_vmsa_never_2m_aligned(void **state)
{
	u64 used = sim_pages_in_use();
	phys_addr_t pa;
	struct sev_vmsa *v;

	sim_alloc_next_2m_aligned = true; /* the first page offered is */
	v = snp_vmsa_alloc(&pa);
	assert_non_null(v);
	assert_false(IS_ALIGNED(pa, PAGE_SIZE_2M));
	assert_true(sim_va_to_gpa(v) == pa);
	assert_true(sim_pages_in_use() == used + 1); /* the other was freed */
	assert_true(mem_is_zero(v, sizeof(*v)));
}

static void test_vmsa_svsm_own(void **state)
{
	phys_addr_t pa = new_vmsa(0);
	struct sim_rmp_entry *e = sim_rmp(pa);

	assert_true(e->vmsa);
	/* Target VMPL1, READ: the only VMPL RMPADJUST can name. */
	assert_int_equal(e->perms[1], RMPADJUST_PERM_READ >> 8);
	assert_int_equal(e->perms[2], 0);
}

static void test_vmsa_guest(void **state)
{
	phys_addr_t pa = new_vmsa(2);
	struct sim_rmp_entry *e = sim_rmp(pa);
	int insn;

	assert_true(e->vmsa);
	assert_int_equal(e->perms[2], RMPADJUST_PERM_READ >> 8);
	assert_false(sim_rmp_vmpl_can(pa, 2, RMPADJUST_PERM_WRITE));
	assert_int_equal(snp_vmsa_clear(pa, 2, &insn), 0);
	assert_false(e->vmsa);
	assert_int_equal(e->perms[2], 0);
}

static void test_vmsa_free(void **state)
{
	u64 used = sim_pages_in_use();
	phys_addr_t pa;
	struct sev_vmsa *v = snp_vmsa_alloc(&pa);
	int insn;

	assert_int_equal(snp_vmsa_make(pa, 0, &insn), 0);
	v->rip = 0x1234;
	snp_vmsa_free(v, pa, 0);
	assert_false(sim_rmp(pa)->vmsa);
	assert_true(sim_pages_in_use() == used);
	assert_true(mem_is_zero(sim_gpa_to_va(pa, PAGE_SIZE), PAGE_SIZE));
}

static void test_vmsa_2m_aligned_refused(void **state)
{
	u64 adjusts = sim_rmp_stats.rmpadjusts;
	int insn;

	assert_int_equal(snp_vmsa_make(SIM_GUEST_BASE, 2, &insn),
			 -SVSM_EINVAL);
	assert_int_equal(insn, SNP_INSN_FAIL_INPUT);
	assert_true(sim_rmp_stats.rmpadjusts == adjusts); /* never tried */
	assert_int_equal(snp_vmsa_make(SIM_GUEST_BASE + 8, 2, &insn),
			 -SVSM_EINVAL);
	assert_int_equal(snp_vmsa_make(SIM_GUEST_BASE + PAGE_SIZE, 4, &insn),
			 -SVSM_EINVAL);
}

static void test_vmsa_unvalidated_page(void **state)
{
	int insn;

	/* Guest RAM the guest never validated cannot become a VMSA. */
	assert_int_equal(snp_vmsa_make(SIM_GUEST_BASE + PAGE_SIZE, 2, &insn),
			 -SVSM_EIO);
	assert_int_equal(insn, SNP_INSN_FAIL_INPUT);
	assert_false(sim_rmp(SIM_GUEST_BASE + PAGE_SIZE)->vmsa);
}

static void test_vmsa_alloc_out_of_memory(void **state)
{
	phys_addr_t pa = 0;

	sim_alloc_fail = true;
	assert_null(snp_vmsa_alloc(&pa));
	assert_true(pa == 0);
}

static void test_vmsa_free_clear_fails(void **state)
{
	phys_addr_t pa;
	struct sev_vmsa *v = snp_vmsa_alloc(&pa);

	/* Not a VMSA and not validated any more: RMPADJUST fails. */
	sim_rmp(pa)->validated = false;
	SIM_EXPECT_TERMINATION(snp_vmsa_free(v, pa, 0));
	assert_svsm_terminated(SNP_TERM_VMSA);
}

/* ---- Secrets page ------------------------------------------------------- */

static const struct snp_svsm_info info = {
	.base = SIM_SVSM_BASE,
	.size = SIM_SVSM_SIZE,
	.caa = SIM_GUEST_BASE + 0x3000,
	.guest_vmpl = 2,
};

static void assert_vmpck(const struct snp_secrets_page *s, int i, u8 byte)
{
	for (int k = 0; k < SNP_VMPCK_SIZE; k++) {
		assert_int_equal(s->vmpck[i][k], byte);
	}
}

static void test_secrets_private_copy(void **state)
{
	struct snp_secrets_page *launch =
		sim_gpa_to_va(SIM_SECRETS_GPA, PAGE_SIZE);

	assert_null(snp_secrets());
	assert_int_equal(snp_secrets_init(launch), 0);
	assert_true(mem_is_zero(launch, PAGE_SIZE));
	assert_vmpck(snp_secrets(), 0, SNP_ENV_VMPCK_BYTE(0));
	assert_vmpck(snp_secrets(), 3, SNP_ENV_VMPCK_BYTE(3));
	assert_int_equal(snp_secrets()->fms, 0x00a00f11);
}

static void test_secrets_guest_copy(void **state)
{
	struct snp_secrets_page *g = test_malloc(sizeof(*g));

	snp_env_boot();
	memset(g, 0x5a, sizeof(*g));
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &info), 0);
	assert_vmpck(g, 0, 0);
	assert_vmpck(g, 1, 0);
	assert_vmpck(g, 2, SNP_ENV_VMPCK_BYTE(2));
	assert_vmpck(g, 3, SNP_ENV_VMPCK_BYTE(3));
	assert_true(g->svsm_base == SIM_SVSM_BASE);
	assert_true(g->svsm_size == SIM_SVSM_SIZE);
	assert_true(g->svsm_caa == info.caa);
	assert_int_equal(g->svsm_max_version, 1);
	assert_int_equal(g->svsm_guest_vmpl, 2);
	assert_int_equal(g->version, 3);
	assert_int_equal(g->os_area.msg_seqno_lo[2], 3);
	/* The SVSM's own copy keeps every key. */
	assert_vmpck(snp_secrets(), 0, SNP_ENV_VMPCK_BYTE(0));
	test_free(g);
}

static void test_secrets_guest_vmpl_1_and_3(void **state)
{
	struct snp_secrets_page *g = test_malloc(sizeof(*g));
	struct snp_svsm_info i = info;

	snp_env_boot();
	i.guest_vmpl = 1;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i), 0);
	assert_vmpck(g, 0, 0);
	assert_vmpck(g, 1, SNP_ENV_VMPCK_BYTE(1));
	i.guest_vmpl = 3;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i), 0);
	assert_vmpck(g, 2, 0);
	assert_vmpck(g, 3, SNP_ENV_VMPCK_BYTE(3));
	test_free(g);
}

static void test_secrets_guest_copy_bad_info(void **state)
{
	struct snp_secrets_page *g = test_malloc(sizeof(*g));
	struct snp_svsm_info i = info;

	snp_env_boot();
	i.guest_vmpl = 0;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i),
			 -SVSM_EINVAL);
	i.guest_vmpl = 4;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i),
			 -SVSM_EINVAL);
	i = info;
	i.caa += 8;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i),
			 -SVSM_EINVAL);
	i = info;
	i.size = 0;
	assert_int_equal(snp_secrets_guest_copy(g, snp_secrets(), &i),
			 -SVSM_EINVAL);
	test_free(g);
}

static void test_secrets_no_vmpck0(void **state)
{
	struct snp_secrets_page *launch =
		sim_gpa_to_va(SIM_SECRETS_GPA, PAGE_SIZE);

	memset(launch->vmpck[0], 0, SNP_VMPCK_SIZE);
	assert_int_equal(snp_secrets_init(launch), -SVSM_EINVAL);
	assert_null(snp_secrets());
	assert_int_equal(launch->vmpck[1][0], SNP_ENV_VMPCK_BYTE(1));
}

static void test_secrets_wipe(void **state)
{
	snp_env_boot();
	snp_secrets_wipe_vmpcks();
	for (int i = 0; i < 4; i++) {
		assert_vmpck(snp_secrets(), i, 0);
	}
	assert_int_equal(snp_secrets()->fms, 0x00a00f11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_create_info),
		SNP_TEST_BOOTED(test_ap_create),
		SNP_TEST_BOOTED(test_ap_create_refused),
		SNP_TEST_BOOTED(test_ap_create_not_a_vmsa),
		SNP_TEST_BOOTED(test_ap_create_exception),
		SNP_TEST_BOOTED(test_vmsa_never_2m_aligned),
		SNP_TEST_BOOTED(test_vmsa_svsm_own),
		SNP_TEST_BOOTED(test_vmsa_guest),
		SNP_TEST_BOOTED(test_vmsa_free),
		SNP_TEST_BOOTED(test_vmsa_2m_aligned_refused),
		SNP_TEST_BOOTED(test_vmsa_unvalidated_page),
		SNP_TEST_BOOTED(test_vmsa_alloc_out_of_memory),
		SNP_TEST_BOOTED(test_vmsa_free_clear_fails),
		SNP_TEST(test_secrets_private_copy),
		SNP_TEST(test_secrets_guest_copy),
		SNP_TEST(test_secrets_guest_vmpl_1_and_3),
		SNP_TEST(test_secrets_guest_copy_bad_info),
		SNP_TEST(test_secrets_no_vmpck0),
		SNP_TEST(test_secrets_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Page state changes and validation: the pure response checker and
 * descriptor builder, the PSC NAE loop against the simulated hypervisor
 * (2 MiB entries, 4 KiB fallback, partial progress, every inconsistent
 * answer), PVALIDATE over ranges (2 MiB with the 4 KiB fallback, CF,
 * FAIL_INPUT, PSMASH) and the validation bitmap.
 */
#include <svsm/arch/snp.h>
#include <svsm/hw/ghcb.h>

#include "test_snp_common.h"

#define G SIM_GUEST_BASE /* 2 MiB aligned */
#define MB2 PAGE_SIZE_2M

static struct psc_hdr hdr(u16 cur, u16 end, u32 reserved)
{
	return (struct psc_hdr){ cur, end, reserved };
}

/* ---- psc_check_response ------------------------------------------------- */

static void test_check_progress(void **state)
{
	struct psc_hdr b = hdr(0, 9, 0), a;

	a = hdr(10, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_DONE);
	a = hdr(3, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_MORE);
	a = hdr(0, 9, 0); /* no progress is not an error by itself */
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_MORE);
	b = hdr(252, 252, 0);
	a = hdr(253, 252, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_DONE);
}

static void test_check_errors(void **state)
{
	struct psc_hdr b = hdr(4, 9, 0), a;

	a = hdr(5, 9, 1);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_RESERVED);
	a = hdr(5, 10, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_END);
	a = hdr(5, 8, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_END);
	a = hdr(3, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_BACKWARDS);
	a = hdr(11, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_BEYOND);
	a = hdr(0xffff, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_BEYOND);
	a = hdr(6, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 1ULL << 32),
			 PSC_ERR_HV);
	/* A broken header wins over the error code: it cannot be trusted. */
	a = hdr(2, 9, 0);
	assert_int_equal(psc_check_response(&b, &a, 1), PSC_ERR_BACKWARDS);
}

static void test_check_bad_request(void **state)
{
	struct psc_hdr b = hdr(0, 253, 0), a = hdr(254, 253, 0);

	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_REQUEST);
	b = hdr(5, 4, 0);
	a = hdr(5, 4, 0);
	assert_int_equal(psc_check_response(&b, &a, 0), PSC_ERR_REQUEST);
}

/* ---- psc_build ---------------------------------------------------------- */

static void test_build_sizes(void **state)
{
	struct psc_desc d;
	phys_addr_t pa = G + MB2 - 2 * PAGE_SIZE;
	u16 n = psc_build(&d, &pa, G + 3 * MB2 + PAGE_SIZE, PSC_OP_SHARED, 0);

	/* 2 x 4K up to the boundary, 2 x 2M, 1 x 4K tail. */
	assert_int_equal(n, 5);
	assert_true(pa == G + 3 * MB2 + PAGE_SIZE);
	assert_int_equal(d.hdr.cur_entry, 0);
	assert_int_equal(d.hdr.end_entry, 4);
	assert_true(d.entries[0] == ((G + MB2 - 2 * PAGE_SIZE) | (2ULL << 52)));
	assert_true(d.entries[2] == ((G + MB2) | (2ULL << 52) | PSC_ENTRY_2M));
	assert_true(d.entries[3] ==
		    ((G + 2 * MB2) | (2ULL << 52) | PSC_ENTRY_2M));
	assert_false(d.entries[4] & PSC_ENTRY_2M);
}

static void test_build_limits(void **state)
{
	struct psc_desc d;
	phys_addr_t pa = G + PAGE_SIZE;
	u16 n = psc_build(&d, &pa, G + MB2, PSC_OP_PRIVATE, 0);

	assert_int_equal(n, PSC_MAX_ENTRIES);
	assert_int_equal(d.hdr.end_entry, PSC_MAX_ENTRIES - 1);
	assert_true(pa == G + (PSC_MAX_ENTRIES + 1) * PAGE_SIZE);
	pa = G;
	n = psc_build(&d, &pa, G + MB2, PSC_OP_PRIVATE, G + MB2);
	assert_int_equal(n, PSC_MAX_ENTRIES); /* no 2M below no_huge_end */
	assert_false(d.entries[0] & PSC_ENTRY_2M);
	pa = G + MB2;
	assert_int_equal(psc_build(&d, &pa, G + MB2, PSC_OP_PRIVATE, 0), 0);
}

/* ---- The PSC NAE loop --------------------------------------------------- */

static void assert_shared(u64 gpa, u64 size, bool huge)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		assert_false(sim_rmp(gpa + off)->assigned);
		assert_int_equal(sim_rmp(gpa + off)->huge, huge);
	}
}

static void test_psc_4k(void **state)
{
	snp_psc(G + PAGE_SIZE, 3 * PAGE_SIZE, PSC_OP_SHARED);
	assert_shared(G + PAGE_SIZE, 3 * PAGE_SIZE, false);
	assert_true(sim_rmp(G)->assigned);
	assert_true(sim_rmp(G + 4 * PAGE_SIZE)->assigned);
	assert_int_equal(sim_hv.psc_calls, 1);
}

static void test_psc_2m_entries(void **state)
{
	snp_psc(G, 2 * MB2 + 2 * PAGE_SIZE, PSC_OP_SHARED);
	assert_shared(G, 2 * MB2, true);
	assert_shared(G + 2 * MB2, 2 * PAGE_SIZE, false);
	snp_psc(G, 2 * MB2, PSC_OP_PRIVATE);
	assert_true(sim_rmp(G + MB2 - PAGE_SIZE)->assigned);
	assert_true(sim_rmp(G)->huge);
}

static void test_psc_many_batches(void **state)
{
	u64 pages = 2 * PSC_MAX_ENTRIES + 10;

	snp_psc(G + PAGE_SIZE, pages * PAGE_SIZE, PSC_OP_SHARED);
	assert_shared(G + PAGE_SIZE, pages * PAGE_SIZE, false);
	assert_int_equal(sim_hv.psc_calls, 3);
}

static void test_psc_partial_progress(void **state)
{
	sim_hv.psc_max_per_call = 2;
	snp_psc(G + PAGE_SIZE, 7 * PAGE_SIZE, PSC_OP_SHARED);
	assert_shared(G + PAGE_SIZE, 7 * PAGE_SIZE, false);
	assert_int_equal(sim_hv.psc_calls, 4);
}

static void test_psc_2m_refused_falls_back(void **state)
{
	sim_hv.psc_refuse_2m_once = true;
	snp_psc(G, 2 * MB2, PSC_OP_SHARED);
	assert_false(sim_hv.terminated);
	assert_shared(G, MB2, false);     /* retried as 4 KiB entries */
	assert_shared(G + MB2, MB2, true); /* the next one was accepted */
}

static void test_psc_2m_always_refused(void **state)
{
	sim_hv.psc_refuse_2m = true;
	snp_psc(G + MB2 - PAGE_SIZE, 2 * MB2 + 2 * PAGE_SIZE, PSC_OP_SHARED);
	assert_shared(G + MB2 - PAGE_SIZE, 2 * MB2 + 2 * PAGE_SIZE, false);
}

static void test_psc_2m_refused_then_4k_fails(void **state)
{
	sim_hv.psc_refuse_2m = true;
	sim_hv.evil = SIM_EVIL_PSC_ERROR;
	SIM_EXPECT_TERMINATION(snp_psc(G, MB2, PSC_OP_SHARED));
	assert_svsm_terminated(SNP_TERM_PSC);
}

static void expect_psc_termination(u64 evil, u16 per_call)
{
	sim_hv.evil = evil;
	sim_hv.psc_max_per_call = per_call;
	SIM_EXPECT_TERMINATION(snp_psc(G + PAGE_SIZE, 5 * PAGE_SIZE,
				       PSC_OP_SHARED));
	assert_svsm_terminated(SNP_TERM_PSC);
}

static void test_psc_error_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_ERROR, 0);
}

static void test_psc_backwards_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_BACKWARDS, 1);
	assert_int_equal(sim_hv.psc_calls, 2);
}

static void test_psc_beyond_end_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_BEYOND_END, 1);
}

static void test_psc_end_changed_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_END_CHANGED, 0);
}

static void test_psc_reserved_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_RESERVED, 0);
}

static void test_psc_bad_cur_page_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_BAD_CUR_PAGE, 1);
}

static void test_psc_stall_terminates(void **state)
{
	expect_psc_termination(SIM_EVIL_PSC_STALL, 0);
	assert_int_equal(sim_hv.psc_calls, 513);
}

static void test_psc_exit_error_terminates(void **state)
{
	sim_hv.evil = SIM_EVIL_EXIT_MALFORMED;
	sim_hv.evil_target = SVM_VMGEXIT_PSC;
	SIM_EXPECT_TERMINATION(snp_psc(G, PAGE_SIZE, PSC_OP_SHARED));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

/* ---- PVALIDATE over ranges ---------------------------------------------- */

static void test_pvalidate_2m(void **state)
{
	u64 n;

	sim_rmp_set(G, 2 * MB2, true, false, true);
	n = sim_rmp_stats.pvalidates;
	assert_int_equal(snp_pvalidate_range(G, 2 * MB2, true), 0);
	assert_true(sim_rmp_stats.pvalidates - n == 2);
	assert_true(sim_rmp(G + 2 * MB2 - PAGE_SIZE)->validated);
}

static void test_pvalidate_sizemismatch_falls_back(void **state)
{
	u64 n = sim_rmp_stats.pvalidates;

	/* Guest RAM has 4 KiB RMP entries: 2M fails, 512 x 4K follow. */
	assert_int_equal(snp_pvalidate_range(G, MB2, true), 0);
	assert_true(sim_rmp_stats.pvalidates - n == 1 + 512);
	for (u64 off = 0; off < MB2; off += PAGE_SIZE) {
		assert_true(sim_rmp(G + off)->validated);
	}
}

static void test_pvalidate_4k_in_2m_entry_psmash(void **state)
{
	sim_rmp_set(G, MB2, true, true, true);
	assert_int_equal(snp_pvalidate_range(G + PAGE_SIZE, PAGE_SIZE, false),
			 0);
	assert_false(sim_rmp(G + PAGE_SIZE)->validated);
	assert_false(sim_rmp(G)->huge); /* split by the hypervisor */
	assert_true(sim_rmp(G)->validated);
	assert_int_equal(sim_hv.psc_calls, 1);
}

static void test_pvalidate_unchanged(void **state)
{
	bool unchanged;

	assert_int_equal(snp_pvalidate_range(G, 2 * PAGE_SIZE, true), 0);
	assert_int_equal(snp_pvalidate_range(G + PAGE_SIZE, PAGE_SIZE, true),
			 -SVSM_EEXIST);
	assert_int_equal(snp_pvalidate_page(G, false, true, &unchanged),
			 SNP_INSN_SUCCESS);
	assert_true(unchanged);
}

static void test_pvalidate_fail_input(void **state)
{
	bool unchanged;

	sim_rmp_set(G, PAGE_SIZE, false, false, false); /* shared */
	assert_int_equal(snp_pvalidate_range(G, PAGE_SIZE, true),
			 -SVSM_EINVAL);
	assert_int_equal(snp_pvalidate_page(G, false, true, &unchanged),
			 SNP_INSN_FAIL_INPUT);
	/* Outside memory: no mapping can be made. */
	assert_int_equal(snp_pvalidate_page(0x1000, false, true, &unchanged),
			 SNP_INSN_FAIL_INPUT);
	assert_int_equal(snp_pvalidate_page(G + PAGE_SIZE, true, true,
					    &unchanged),
			 SNP_INSN_FAIL_INPUT); /* unaligned 2M */
}

static void test_pvalidate_bad_arguments(void **state)
{
	assert_int_equal(snp_pvalidate_range(G + 1, PAGE_SIZE, true),
			 -SVSM_EINVAL);
	assert_int_equal(snp_pvalidate_range(G, 100, true), -SVSM_EINVAL);
	assert_int_equal(snp_pvalidate_range(~0xfffULL, 2 * PAGE_SIZE, true),
			 -SVSM_EINVAL);
}

static void test_pvalidate_stops_at_first_error(void **state)
{
	sim_rmp_set(G + 2 * PAGE_SIZE, PAGE_SIZE, false, false, false);
	assert_int_equal(snp_pvalidate_range(G, 4 * PAGE_SIZE, true),
			 -SVSM_EINVAL);
	assert_true(sim_rmp(G + PAGE_SIZE)->validated);
	assert_false(sim_rmp(G + 3 * PAGE_SIZE)->validated);
}

static void test_rmpadjust_page(void **state)
{
	u64 a = RMPADJUST_VMPL(2) | RMPADJUST_PERM_RWX;

	assert_int_equal(snp_pvalidate_range(G, PAGE_SIZE, true), 0);
	assert_int_equal(snp_rmpadjust_page(G, false, a), SNP_INSN_SUCCESS);
	assert_true(sim_rmp_vmpl_can(G, 2, RMPADJUST_PERM_RWX));
	assert_false(sim_rmp_vmpl_can(G, 1, RMPADJUST_PERM_READ));
	assert_int_equal(snp_rmpadjust_page(G, false, RMPADJUST_VMPL(0)),
			 SNP_INSN_FAIL_PERMISSION);
	assert_int_equal(snp_rmpadjust_page(G, true, a),
			 SNP_INSN_FAIL_SIZEMISMATCH); /* 4 KiB RMP entries */
	assert_int_equal(snp_rmpadjust_page(G + PAGE_SIZE, false, a),
			 SNP_INSN_FAIL_INPUT); /* not validated */
	assert_int_equal(snp_rmpadjust_page(G, false, a | BIT(20)),
			 SNP_INSN_FAIL_INPUT); /* reserved attribute */
}

/* ---- Validation bitmap -------------------------------------------------- */

static void test_vbitmap(void **state)
{
	u64 words[SNP_VBITMAP_WORDS(130 * PAGE_SIZE)];
	struct snp_vbitmap bm;

	snp_vbitmap_init(&bm, G, 130 * PAGE_SIZE, words);
	assert_int_equal(snp_vbitmap_count(&bm), 0);
	snp_vbitmap_set(&bm, G + 63 * PAGE_SIZE, 3 * PAGE_SIZE, true);
	assert_true(snp_vbitmap_test(&bm, G + 64 * PAGE_SIZE + 5));
	assert_false(snp_vbitmap_test(&bm, G + 66 * PAGE_SIZE));
	assert_int_equal(snp_vbitmap_count(&bm), 3);
	snp_vbitmap_set(&bm, G + 64 * PAGE_SIZE, PAGE_SIZE, false);
	assert_int_equal(snp_vbitmap_count(&bm), 2);
	/* Outside the map: ignored and false. */
	snp_vbitmap_set(&bm, G - PAGE_SIZE, 200 * PAGE_SIZE, true);
	assert_int_equal(snp_vbitmap_count(&bm), 130);
	assert_false(snp_vbitmap_test(&bm, G - PAGE_SIZE));
	assert_false(snp_vbitmap_test(&bm, G + 130 * PAGE_SIZE));
}

static void test_kernel_vbitmap_tracks_svsm_pages(void **state)
{
	u64 pa = SIM_SVSM_BASE + 0x100000;
	struct snp_vbitmap *bm = snp_kernel_vbitmap();

	assert_true(snp_vbitmap_test(bm, pa));
	assert_int_equal(snp_pvalidate_range(pa, PAGE_SIZE, false), 0);
	assert_false(snp_vbitmap_test(bm, pa));
	assert_int_equal(snp_pvalidate_range(pa, PAGE_SIZE, true), 0);
	assert_true(snp_vbitmap_test(bm, pa));
	/* Guest pages are not the SVSM's: never in its map. */
	assert_int_equal(snp_pvalidate_range(G, PAGE_SIZE, true), 0);
	assert_false(snp_vbitmap_test(bm, G));
}

static void test_kernel_vbitmap_bad_region(void **state)
{
	snp_host_reset();
	assert_int_equal(snp_kernel_vbitmap_init(G + 1, MB2), -SVSM_EINVAL);
	assert_int_equal(snp_kernel_vbitmap_init(G, 0), -SVSM_EINVAL);
	assert_int_equal(snp_kernel_vbitmap_init(G, 1ULL << 40),
			 -SVSM_EINVAL);
	assert_null(snp_kernel_vbitmap());
}

/* ---- Shared <-> private ------------------------------------------------- */

static void test_make_shared_private(void **state)
{
	assert_int_equal(snp_pvalidate_range(G, 4 * PAGE_SIZE, true), 0);
	snp_make_shared(G, 4 * PAGE_SIZE);
	assert_shared(G, 4 * PAGE_SIZE, false);
	snp_make_private(G, 4 * PAGE_SIZE);
	for (u64 off = 0; off < 4 * PAGE_SIZE; off += PAGE_SIZE) {
		assert_true(sim_rmp(G + off)->assigned);
		assert_true(sim_rmp(G + off)->validated);
	}
}

static void test_make_private_lying_hypervisor(void **state)
{
	sim_rmp_set(G, PAGE_SIZE, false, false, false);
	sim_hv.evil = SIM_EVIL_PSC_NOOP; /* "done", but still shared */
	SIM_EXPECT_TERMINATION(snp_make_private(G, PAGE_SIZE));
	assert_svsm_terminated(SNP_TERM_PVALIDATE);
}

static void test_make_private_already_valid(void **state)
{
	assert_int_equal(snp_pvalidate_range(G, PAGE_SIZE, true), 0);
	/* The hypervisor claims a conversion that never reset the page. */
	sim_hv.evil = SIM_EVIL_PSC_NOOP;
	SIM_EXPECT_TERMINATION(snp_make_private(G, PAGE_SIZE));
	assert_svsm_terminated(SNP_TERM_PVALIDATE);
}

static void test_make_shared_unvalidated(void **state)
{
	/* Rescinding a page that is not validated: CF, terminate. */
	SIM_EXPECT_TERMINATION(snp_make_shared(G, PAGE_SIZE));
	assert_svsm_terminated(SNP_TERM_PVALIDATE);
	assert_true(sim_rmp(G)->assigned); /* never sent to the hypervisor */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SNP_TEST(test_check_progress),
		SNP_TEST(test_check_errors),
		SNP_TEST(test_check_bad_request),
		SNP_TEST(test_build_sizes),
		SNP_TEST(test_build_limits),
		SNP_TEST_BOOTED(test_psc_4k),
		SNP_TEST_BOOTED(test_psc_2m_entries),
		SNP_TEST_BOOTED(test_psc_many_batches),
		SNP_TEST_BOOTED(test_psc_partial_progress),
		SNP_TEST_BOOTED(test_psc_2m_refused_falls_back),
		SNP_TEST_BOOTED(test_psc_2m_always_refused),
		SNP_TEST_BOOTED(test_psc_2m_refused_then_4k_fails),
		SNP_TEST_BOOTED(test_psc_error_terminates),
		SNP_TEST_BOOTED(test_psc_backwards_terminates),
		SNP_TEST_BOOTED(test_psc_beyond_end_terminates),
		SNP_TEST_BOOTED(test_psc_end_changed_terminates),
		SNP_TEST_BOOTED(test_psc_reserved_terminates),
		SNP_TEST_BOOTED(test_psc_bad_cur_page_terminates),
		SNP_TEST_BOOTED(test_psc_stall_terminates),
		SNP_TEST_BOOTED(test_psc_exit_error_terminates),
		SNP_TEST_BOOTED(test_pvalidate_2m),
		SNP_TEST_BOOTED(test_pvalidate_sizemismatch_falls_back),
		SNP_TEST_BOOTED(test_pvalidate_4k_in_2m_entry_psmash),
		SNP_TEST_BOOTED(test_pvalidate_unchanged),
		SNP_TEST_BOOTED(test_pvalidate_fail_input),
		SNP_TEST_BOOTED(test_pvalidate_bad_arguments),
		SNP_TEST_BOOTED(test_pvalidate_stops_at_first_error),
		SNP_TEST_BOOTED(test_rmpadjust_page),
		SNP_TEST(test_vbitmap),
		SNP_TEST_BOOTED(test_kernel_vbitmap_tracks_svsm_pages),
		SNP_TEST(test_kernel_vbitmap_bad_region),
		SNP_TEST_BOOTED(test_make_shared_private),
		SNP_TEST_BOOTED(test_make_private_lying_hypervisor),
		SNP_TEST_BOOTED(test_make_private_already_valid),
		SNP_TEST_BOOTED(test_make_shared_unvalidated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

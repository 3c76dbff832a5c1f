/* SPDX-License-Identifier: MIT */
/*
 * #VC: the bounded instruction decoder, emulation of CPUID, IN/OUT and
 * RDMSR/WRMSR through the simulated hypervisor, CPUID page lookups (the
 * sub-leaf and XCR0/XSS rules, XSAVE size recomputation) and hypervisor
 * answers that contradict the CPUID page.
 */
#include <svsm/hw/ghcb.h>

#include "test_snp_common.h"

/* ---- Decoder ------------------------------------------------------------ */

struct decode_case {
	u8 bytes[16];
	size_t len;
	int ret;
	enum vc_insn_kind kind;
	u8 insn_len, size;
	bool port_dx;
	u8 port;
};

static void check_decode(const struct decode_case *c)
{
	struct vc_insn insn;

	assert_int_equal(vc_decode(c->bytes, c->len, &insn), c->ret);
	if (c->ret) {
		return;
	}
	assert_int_equal(insn.kind, c->kind);
	assert_int_equal(insn.len, c->insn_len);
	if (c->kind == VC_INSN_IN || c->kind == VC_INSN_OUT) {
		assert_int_equal(insn.size, c->size);
		assert_int_equal(insn.port_dx, c->port_dx);
		assert_int_equal(insn.port_imm, c->port);
	}
}

static void test_decode_supported(void **state)
{
	static const struct decode_case cases[] = {
		{ { 0x0f, 0xa2 }, 2, 0, VC_INSN_CPUID, 2, 0, false, 0 },
		{ { 0x0f, 0x32 }, 2, 0, VC_INSN_RDMSR, 2, 0, false, 0 },
		{ { 0x0f, 0x30 }, 2, 0, VC_INSN_WRMSR, 2, 0, false, 0 },
		{ { 0xe4, 0x80 }, 2, 0, VC_INSN_IN, 2, 1, false, 0x80 },
		{ { 0xe5, 0x40 }, 2, 0, VC_INSN_IN, 2, 4, false, 0x40 },
		{ { 0x66, 0xe5, 0x40 }, 3, 0, VC_INSN_IN, 3, 2, false, 0x40 },
		{ { 0xe6, 0xf4 }, 2, 0, VC_INSN_OUT, 2, 1, false, 0xf4 },
		{ { 0xe7, 0xf4 }, 2, 0, VC_INSN_OUT, 2, 4, false, 0xf4 },
		{ { 0xec }, 1, 0, VC_INSN_IN, 1, 1, true, 0 },
		{ { 0xed }, 1, 0, VC_INSN_IN, 1, 4, true, 0 },
		{ { 0x66, 0xed }, 2, 0, VC_INSN_IN, 2, 2, true, 0 },
		{ { 0xee }, 1, 0, VC_INSN_OUT, 1, 1, true, 0 },
		{ { 0x66, 0xef }, 2, 0, VC_INSN_OUT, 2, 2, true, 0 },
		{ { 0x48, 0xef }, 2, 0, VC_INSN_OUT, 2, 4, true, 0 },
		{ { 0x66, 0x48, 0xed }, 3, 0, VC_INSN_IN, 3, 2, true, 0 },
		/* Trailing bytes are not part of the instruction. */
		{ { 0xec, 0x90, 0x90 }, 3, 0, VC_INSN_IN, 1, 1, true, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		check_decode(&cases[i]);
	}
}

static void test_decode_unsupported(void **state)
{
	static const struct decode_case cases[] = {
		/* insb, insd, rep outsb, outsd */
		{ { 0x6c }, 1, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0x6d }, 1, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0xf3, 0x6e }, 2, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0x6f }, 1, -SVSM_ENOTSUP, .kind = 0 },
		/* nop, syscall, vmmcall, two REX prefixes */
		{ { 0x90 }, 1, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0x0f, 0x05 }, 2, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0x0f, 0x01, 0xd9 }, 3, -SVSM_ENOTSUP, .kind = 0 },
		{ { 0x48, 0x48, 0xec }, 3, -SVSM_ENOTSUP, .kind = 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		check_decode(&cases[i]);
	}
}

static void test_decode_truncated(void **state)
{
	static const struct decode_case cases[] = {
		{ { 0 }, 0, -SVSM_EINVAL, .kind = 0 },
		{ { 0x0f, 0xa2 }, 1, -SVSM_EINVAL, .kind = 0 },
		{ { 0xe4, 0x80 }, 1, -SVSM_EINVAL, .kind = 0 },
		{ { 0x66 }, 1, -SVSM_EINVAL, .kind = 0 },
		{ { 0x66, 0x48 }, 2, -SVSM_EINVAL, .kind = 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		check_decode(&cases[i]);
	}
}

/* Never reads past what it is given: the bytes sit at the end of a page. */
static void test_decode_bounded(void **state)
{
	u8 *page = test_malloc(PAGE_SIZE);
	u8 *end = page + PAGE_SIZE;
	struct vc_insn insn;

	end[-1] = 0x0f;
	assert_int_equal(vc_decode(end - 1, 1, &insn), -SVSM_EINVAL);
	end[-2] = 0xe4;
	end[-1] = 0x70;
	assert_int_equal(vc_decode(end - 2, 2, &insn), 0);
	assert_int_equal(insn.port_imm, 0x70);
	memset(page, 0x66, PAGE_SIZE);
	/* 16 prefixes and an opcode: only 15 bytes are ever looked at. */
	page[16] = 0xec;
	assert_int_equal(vc_decode(page, 17, &insn), -SVSM_EINVAL);
	page[14] = 0xec;
	assert_int_equal(vc_decode(page, 17, &insn), 0);
	assert_int_equal(insn.len, 15);
	test_free(page);
}

/* ---- Emulation ---------------------------------------------------------- */

static const u8 CPUID[] = { 0x0f, 0xa2 };

static int run(struct vc_regs *r, u64 exit_code, const u8 *b, size_t n)
{
	return vc_handle(r, exit_code, b, n, sim_hv.xcr0);
}

static void test_vc_cpuid_from_page(void **state)
{
	struct vc_regs r = { .rax = 0, .rcx = 0, .rip = 0x1000 };
	u64 naes = sim_hv.cpuid_naes;

	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_true(r.rax == 0xd && r.rbx == 0x68747541 &&
		    r.rcx == 0x444d4163 && r.rdx == 0x69746e65);
	assert_true(r.rip == 0x1002);
	assert_true(sim_hv.cpuid_naes == naes); /* not asked */
}

static void test_vc_cpuid_hypervisor_leaf(void **state)
{
	struct vc_regs r = { .rax = 0x40000000, .rip = 0 };

	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_true(r.rax == 0x40000001 && r.rbx == 0x486d6953);
	assert_int_equal(sim_hv.cpuid_naes, 1);
}

static void test_vc_cpuid_unlisted_leaf(void **state)
{
	struct vc_regs r = { .rax = 0x80000008, .rbx = 7 };

	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_int_equal(sim_hv.cpuid_naes, 1);
	assert_true(r.rax == 0 && r.rbx == 0);
}

static void test_vc_cpuid_listed_leaf_missing_subleaf(void **state)
{
	struct vc_regs r = { .rax = 7, .rcx = 1, .rbx = 5 };

	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_true(r.rax == 0 && r.rbx == 0 && r.rcx == 0 && r.rdx == 0);
	assert_int_equal(sim_hv.cpuid_naes, 0);
}

static void test_vc_in_out(void **state)
{
	const u8 in_al_dx[] = { 0xec }, in_eax_imm[] = { 0xe5, 0x70 };
	const u8 out_dx_al[] = { 0xee }, out_dx_ax[] = { 0x66, 0xef };
	struct vc_regs r = { .rax = 0xffffffffffffff00ULL,
			     .rdx = 0x3fd };

	assert_int_equal(run(&r, SVM_EXIT_IOIO, in_al_dx, 1), 0);
	assert_true(r.rax == 0xffffffffffffff60ULL); /* AL only */
	assert_true(r.rip == 1);
	sim_hv.ports[0x70] = 0x12345678;
	assert_int_equal(run(&r, SVM_EXIT_IOIO, in_eax_imm, 2), 0);
	assert_true(r.rax == 0x12345678); /* EAX zero-extends */
	r.rax = 0xabcdef41;
	r.rdx = 0x3f8;
	assert_int_equal(run(&r, SVM_EXIT_IOIO, out_dx_al, 1), 0);
	assert_int_equal(sim_hv.com1[0], 'A');
	r.rdx = 0x600;
	assert_int_equal(run(&r, SVM_EXIT_IOIO, out_dx_ax, 2), 0);
	assert_true(sim_hv.ports[0x600] == 0xef41);
	assert_true(r.rip == 6);
}

static void test_vc_msr(void **state)
{
	const u8 wrmsr[] = { 0x0f, 0x30 }, rdmsr[] = { 0x0f, 0x32 };
	struct vc_regs r = { .rcx = 0xc0000103, .rax = 0xffffffff89abcdefULL,
			     .rdx = 0x01234567 };

	assert_int_equal(run(&r, SVM_EXIT_MSR, wrmsr, 2), 0);
	r.rax = r.rdx = 0;
	assert_int_equal(run(&r, SVM_EXIT_MSR, rdmsr, 2), 0);
	assert_true(r.rax == 0x89abcdef && r.rdx == 0x01234567);
	assert_true(r.rip == 4);
}

static void test_vc_exit_code_mismatch(void **state)
{
	struct vc_regs r = { .rip = 0x10 };

	assert_int_equal(run(&r, SVM_EXIT_IOIO, CPUID, 2), -SVSM_EINVAL);
	assert_int_equal(run(&r, SVM_EXIT_MSR, CPUID, 2), -SVSM_EINVAL);
	assert_int_equal(run(&r, 0x8000ffff, CPUID, 2), -SVSM_EINVAL);
	assert_true(r.rip == 0x10);
	assert_int_equal(sim_hv.naes, 0);
}

static void test_vc_string_io_refused(void **state)
{
	const u8 rep_outsb[] = { 0xf3, 0x6e };
	struct vc_regs r = { .rip = 0x10 };

	assert_int_equal(run(&r, SVM_EXIT_IOIO, rep_outsb, 2), -SVSM_ENOTSUP);
	assert_true(r.rip == 0x10);
	assert_int_equal(sim_hv.naes, 0);
}

static void test_vc_hypervisor_error(void **state)
{
	struct vc_regs r = { .rax = 0x40000000 };

	sim_hv.evil = SIM_EVIL_EXIT_EXCEPTION;
	sim_hv.evil_target = SVM_EXIT_CPUID;
	SIM_EXPECT_TERMINATION(run(&r, SVM_EXIT_CPUID, CPUID, 2));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

/* ---- CPUID page lookups ------------------------------------------------- */

static struct snp_cpuid_table table;

static void add(u32 leaf, u32 sub, u64 xcr0, u64 xss, u32 a, u32 b, u32 c,
		u32 d)
{
	table.entries[table.count++] = (struct snp_cpuid_entry){
		leaf, sub, xcr0, xss, a, b, c, d, 0
	};
}

static int table_setup(void **state)
{
	memset(&table, 0, sizeof(table));
	add(0x1, 0, 0, 0, 1, 2, 3, 4);
	add(0x7, 0, 0, 0, 0x70, 0x71, 0x72, 0x73);
	add(0x7, 1, 0, 0, 0x74, 0, 0, 0);
	add(0xd, 0, 3, 0, 0x207, 0x240, 0xa88, 0);
	add(0xd, 0, 7, 0, 0x207, 0x340, 0xa88, 0); /* exact XCR0 = 7 */
	add(0xd, 1, 1, 0, 0xf, 0x240, 0x1800, 0);
	add(0xd, 2, 0, 0, 0x100, 0x240, 0, 0);     /* AVX */
	add(0xd, 9, 0, 0, 0x8, 0xa80, 0, 0);	     /* PKRU */
	add(0xd, 11, 0, 0, 0x10, 0, 1, 0);	     /* CET_U, supervisor */
	add(0xd, 12, 0, 0, 0x18, 0, 3, 0);	     /* CET_S, 64B aligned */
	return 0;
}

static void test_lookup_subleaf_rules(void **state)
{
	struct snp_cpuid_result r;

	/* Leaf 1 has no sub-leaves: ECX, XCR0, XSS are ignored. */
	assert_true(snp_cpuid_lookup(&table, 1, 0x55, 0x7, 0x800, &r));
	assert_true(r.eax == 1 && r.edx == 4);
	/* Leaf 7 is indexed. */
	assert_true(snp_cpuid_lookup(&table, 7, 1, 3, 0, &r));
	assert_int_equal(r.eax, 0x74);
	assert_false(snp_cpuid_lookup(&table, 7, 2, 3, 0, &r));
	assert_false(snp_cpuid_lookup(&table, 0x80000000, 0, 3, 0, &r));
	assert_true(snp_cpuid_has_leaf(&table, 7));
	assert_false(snp_cpuid_has_leaf(&table, 8));
}

static void test_lookup_xsave_sizes(void **state)
{
	struct snp_cpuid_result r;

	/* Exact entries. */
	assert_true(snp_cpuid_lookup(&table, 0xd, 0, 3, 0, &r));
	assert_int_equal(r.ebx, 0x240);
	assert_true(snp_cpuid_lookup(&table, 0xd, 0, 7, 0, &r));
	assert_int_equal(r.ebx, 0x340);
	/* x87|SSE|AVX|PKRU: recomputed, standard format = furthest end. */
	assert_true(snp_cpuid_lookup(&table, 0xd, 0, 0x207, 0, &r));
	assert_int_equal(r.ebx, 0xa88);
	assert_int_equal(r.eax, 0x207); /* the rest from the base entry */
	/* Sub-leaf 1, compacted: 0x240 + AVX 0x100 + CET_U 0x10, then
	 * CET_S aligned to 64: 0x380 + 0x18. */
	assert_true(snp_cpuid_lookup(&table, 0xd, 1, 0x7, 0x1800, &r));
	assert_int_equal(r.ebx, 0x398);
	assert_int_equal(r.eax, 0xf);
}

static void test_lookup_xsave_unknown_component(void **state)
{
	struct snp_cpuid_result r;

	/* XCR0 bit 5 (opmask) has no sub-leaf in the table. */
	assert_false(snp_cpuid_lookup(&table, 0xd, 0, 0x27, 0, &r));
	assert_false(snp_cpuid_lookup(&table, 0xd, 1, 0x3, 0x100, &r));
}

static void test_lookup_count_bounded(void **state)
{
	struct snp_cpuid_result r;

	table.count = 0xffffffff; /* garbage: only 64 entries are read */
	assert_true(snp_cpuid_lookup(&table, 1, 0, 0, 0, &r));
	assert_false(snp_cpuid_lookup(&table, 0x12345678, 0, 0, 0, &r));
	table.count = 0;
	assert_false(snp_cpuid_lookup(&table, 1, 0, 0, 0, &r));
}

static void test_cpuid_xsave_via_vc(void **state)
{
	struct vc_regs r = { .rax = 0xd, .rcx = 0 };

	sim_hv.xcr0 = 7; /* no exact entry in the launch page: recomputed */
	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_int_equal(r.rbx, 0x340);
	assert_int_equal(sim_hv.cpuid_naes, 0);
}

/* ---- Contradictions ----------------------------------------------------- */

static void test_hv_agrees_with_page(void **state)
{
	struct snp_cpuid_result r;

	snp_cpuid_hv(0x7, 0, 3, 0, &r);
	assert_int_equal(r.ebx, 0x219c07ab);
	assert_false(sim_hv.terminated);
}

static void test_hv_contradicts_page(void **state)
{
	struct snp_cpuid_result r;

	sim_hv.evil = SIM_EVIL_CPUID_CONTRADICT;
	SIM_EXPECT_TERMINATION(snp_cpuid_hv(0x7, 0, 3, 0, &r));
	assert_svsm_terminated(SNP_TERM_CPUID);
}

static void test_hv_contradicts_page_msr_protocol(void **state)
{
	struct snp_cpuid_result r;

	sim_set_cpu(1); /* no GHCB yet: the MSR protocol is used */
	sim_hv.evil = SIM_EVIL_CPUID_CONTRADICT;
	SIM_EXPECT_TERMINATION(snp_cpuid_hv(0x1, 0, 3, 0, &r));
	assert_svsm_terminated(SNP_TERM_CPUID);
	assert_int_equal(sim_hv.cpuid_naes, 0);
}

static void test_contradiction_not_asked_for_listed_leaf(void **state)
{
	struct vc_regs r = { .rax = 0x1 };

	/* The page answers listed leaves; a lying host is never consulted. */
	sim_hv.evil = SIM_EVIL_CPUID_CONTRADICT;
	assert_int_equal(run(&r, SVM_EXIT_CPUID, CPUID, 2), 0);
	assert_int_equal(r.rbx, 0x800);
	assert_false(sim_hv.terminated);
	assert_int_equal(sim_hv.cpuid_naes, 0);
}

static void test_unlisted_subleaf_before_ghcb(void **state)
{
	struct snp_cpuid_result r;
	u64 msr = sim_hv.msr_requests;

	sim_set_cpu(1);
	/* An indexed leaf's sub-leaf cannot be named in the MSR protocol. */
	snp_cpuid(0x8000001d, 2, 3, 0, &r);
	assert_true(r.eax == 0 && r.ebx == 0);
	assert_true(sim_hv.msr_requests == msr);
	/* A plain leaf can: four requests, one per register. */
	snp_cpuid(0x80000008, 0, 3, 0, &r);
	assert_true(sim_hv.msr_requests == msr + 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_supported),
		cmocka_unit_test(test_decode_unsupported),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_bounded),
		SNP_TEST_BOOTED(test_vc_cpuid_from_page),
		SNP_TEST_BOOTED(test_vc_cpuid_hypervisor_leaf),
		SNP_TEST_BOOTED(test_vc_cpuid_unlisted_leaf),
		SNP_TEST_BOOTED(test_vc_cpuid_listed_leaf_missing_subleaf),
		SNP_TEST_BOOTED(test_vc_in_out),
		SNP_TEST_BOOTED(test_vc_msr),
		SNP_TEST_BOOTED(test_vc_exit_code_mismatch),
		SNP_TEST_BOOTED(test_vc_string_io_refused),
		SNP_TEST_BOOTED(test_vc_hypervisor_error),
		cmocka_unit_test_setup(test_lookup_subleaf_rules, table_setup),
		cmocka_unit_test_setup(test_lookup_xsave_sizes, table_setup),
		cmocka_unit_test_setup(test_lookup_xsave_unknown_component,
				       table_setup),
		cmocka_unit_test_setup(test_lookup_count_bounded, table_setup),
		SNP_TEST_BOOTED(test_cpuid_xsave_via_vc),
		SNP_TEST_BOOTED(test_hv_agrees_with_page),
		SNP_TEST_BOOTED(test_hv_contradicts_page),
		SNP_TEST_BOOTED(test_hv_contradicts_page_msr_protocol),
		SNP_TEST_BOOTED(test_contradiction_not_asked_for_listed_leaf),
		SNP_TEST_BOOTED(test_unlisted_subleaf_before_ghcb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

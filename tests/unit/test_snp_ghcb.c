/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page protocol on the simulated hypervisor: what a call puts in
 * the page, the single copy-out (against a hypervisor that changes every
 * field right after the SVSM reads it), the checks on exit information and
 * valid bits, port I/O and MSR NAEs, and the GHCB's own set-up.
 */
#include <svsm/drivers/uart.h>
#include <svsm/hw/ghcb.h>

#include "test_snp_common.h"

#define OFF(f) ((u32)offsetof(struct ghcb, f))
#define TEST_EXIT 0x8000f0f0ULL

/* What the test hypervisor saw and what it answers for TEST_EXIT. */
static struct {
	struct ghcb seen;
	u64 msr_seen;
	u64 out[4]; /* RAX, RBX, RCX, RDX */
	bool mark_valid;
	bool nest;
	bool print; /* write to COM1 while the call is in flight */
	bool ready_inside;
	u32 calls;
} hv;

static void valid(struct ghcb *g, u32 off)
{
	g->valid_bitmap[off / 64] |= (u8)(1u << ((off / 8) % 8));
}

static bool test_nae(void *ghcb, u64 exit_code, void *ctx)
{
	struct ghcb *g = ghcb;
	const u32 offs[4] = { OFF(rax), OFF(rbx), OFF(rcx), OFF(rdx) };
	struct ghcb_req req = { .exit_code = TEST_EXIT };
	struct ghcb_resp resp;

	if (exit_code != TEST_EXIT) {
		return false;
	}
	hv.calls++;
	memcpy(&hv.seen, g, sizeof(hv.seen));
	memcpy(hv.seen.valid_bitmap, sim_nae_request_valid(), 16);
	hv.msr_seen = sim_ghcb_msr_read();
	if (hv.print) {
		hv.ready_inside = snp_ghcb_ready();
		snp_ghcb_io.outb(UART_COM1, '!');
	}
	if (hv.nest) {
		hv.nest = false;
		ghcb_call(&req, &resp); /* a bug: the CHECK must catch it */
	}
	for (int i = 0; i < 4; i++) {
		memcpy((u8 *)g + offs[i], &hv.out[i], 8);
	}
	/* hv_nae.c's finish() marks the outputs valid for known exits only. */
	if (hv.mark_valid) {
		for (int i = 0; i < 4; i++) {
			valid(g, offs[i]);
		}
	}
	return true;
}

static int setup(void **state)
{
	snp_setup_booted(state);
	memset(&hv, 0, sizeof(hv));
	hv.mark_valid = true;
	hv.out[0] = 0x1111111111111111ULL;
	hv.out[1] = 0x2222222222222222ULL;
	hv.out[2] = 0x3333333333333333ULL;
	hv.out[3] = 0x4444444444444444ULL;
	sim_hv.nae_hook = test_nae;
	return 0;
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, snp_teardown)

static const struct ghcb_req all_out = {
	.exit_code = TEST_EXIT,
	.exit_info_1 = 0x1234,
	.exit_info_2 = 0x5678,
	.rax = 0xaa,
	.rcx = 0xcc,
	.in = GHCB_F_RAX | GHCB_F_RCX,
	.out = GHCB_F_RAX | GHCB_F_RBX | GHCB_F_RCX | GHCB_F_RDX,
};

/* ---- What a call writes ------------------------------------------------- */

static void test_request_fields(void **state)
{
	struct ghcb_resp resp;
	u8 expect[16] = { 0 };

	assert_int_equal(ghcb_call(&all_out, &resp), 0);
	assert_true(hv.msr_seen == snp_ghcb_pa());
	assert_true(hv.seen.sw_exit_code == TEST_EXIT);
	assert_true(hv.seen.sw_exit_info_1 == 0x1234);
	assert_true(hv.seen.sw_exit_info_2 == 0x5678);
	assert_true(hv.seen.rax == 0xaa && hv.seen.rcx == 0xcc);
	assert_int_equal(hv.seen.protocol_version, 2);
	assert_int_equal(hv.seen.ghcb_usage, 0);
	ghcb_valid_set(expect, OFF(sw_exit_code));
	ghcb_valid_set(expect, OFF(sw_exit_info_1));
	ghcb_valid_set(expect, OFF(sw_exit_info_2));
	ghcb_valid_set(expect, OFF(rax));
	ghcb_valid_set(expect, OFF(rcx));
	assert_memory_equal(hv.seen.valid_bitmap, expect, 16);
}

static void test_valid_bits_cleared_between_calls(void **state)
{
	struct ghcb_req req = { .exit_code = TEST_EXIT };
	struct ghcb_resp resp;

	assert_int_equal(ghcb_call(&all_out, &resp), 0);
	assert_int_equal(ghcb_call(&req, &resp), 0);
	assert_false(ghcb_valid_test(hv.seen.valid_bitmap, OFF(rax)));
	assert_false(ghcb_valid_test(hv.seen.valid_bitmap, OFF(rcx)));
	assert_true(ghcb_valid_test(hv.seen.valid_bitmap, OFF(sw_exit_code)));
}

static void test_valid_bitmap_layout(void **state)
{
	u8 v[16] = { 0 };

	/* Digest §3.1: field at offset off is bit off / 8 of the bitmap. */
	ghcb_valid_set(v, 0x390); /* SW_EXITCODE: bit 114 */
	assert_int_equal(v[14], 0x04);
	ghcb_valid_set(v, 0x1f8); /* RAX: bit 63 */
	assert_int_equal(v[7], 0x80);
	assert_true(ghcb_valid_test(v, 0x390) && ghcb_valid_test(v, 0x1f8));
	assert_false(ghcb_valid_test(v, 0x398));
	assert_false(ghcb_valid_test(v, 0x1000)); /* outside the map */
}

static void test_outputs_copied(void **state)
{
	struct ghcb_resp resp;

	assert_int_equal(ghcb_call(&all_out, &resp), 0);
	assert_true(resp.rax == hv.out[0] && resp.rbx == hv.out[1] &&
		    resp.rcx == hv.out[2] && resp.rdx == hv.out[3]);
	assert_true(resp.exit_info_1 == 0);
}

static void test_unrequested_outputs_not_read(void **state)
{
	struct ghcb_req req = { .exit_code = TEST_EXIT, .out = GHCB_F_RBX };
	struct ghcb_resp resp;

	assert_int_equal(ghcb_call(&req, &resp), 0);
	assert_true(resp.rbx == hv.out[1]);
	assert_true(resp.rax == 0 && resp.rcx == 0 && resp.rdx == 0);
}

/* ---- The copy-out against a racing hypervisor --------------------------- */

static void test_race_each_field_read_once(void **state)
{
	const struct ghcb *page = sim_gpa_to_va(snp_ghcb_pa(), PAGE_SIZE);
	const u32 fields[] = { OFF(sw_exit_info_1), OFF(sw_exit_info_2),
			       OFF(valid_bitmap),   OFF(valid_bitmap) + 8,
			       OFF(rax),	    OFF(rbx),
			       OFF(rcx),	    OFF(rdx) };
	struct ghcb_resp resp;

	if (!sim_race_supported()) {
		skip();
	}
	sim_race_enable(true);
	assert_int_equal(ghcb_call(&all_out, &resp), 0);
	sim_race_enable(false);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		assert_int_equal(sim_race_reads(fields[i]), 1);
	}
	assert_int_equal(sim_race_reads(OFF(sw_exit_code)), 0);
	/* The copy holds what the hypervisor answered ... */
	assert_true(resp.rax == hv.out[0] && resp.rdx == hv.out[3]);
	assert_true(resp.exit_info_1 == 0);
	/* ... although the page changed right after each read. */
	assert_true(page->rax != hv.out[0] && page->rdx != hv.out[3]);
	assert_true(page->sw_exit_info_1 != 0);
}

/* Under the same race the PSC descriptor is copied out once, too. */
static void test_race_psc_descriptor_read_once(void **state)
{
	u64 gpa = SIM_GUEST_BASE + PAGE_SIZE_2M;

	if (!sim_race_supported()) {
		skip();
	}
	sim_race_enable(true);
	snp_psc(gpa, 3 * PAGE_SIZE, PSC_OP_SHARED);
	sim_race_enable(false);
	assert_false(sim_hv.terminated);
	for (u32 off = 0; off < 8 + 3 * 8; off++) {
		u32 byte = GHCB_SHARED_BUFFER_OFFSET + off;

		assert_int_equal(sim_race_reads(byte), 1);
	}
	assert_false(sim_rmp(gpa + 2 * PAGE_SIZE)->assigned);
}

/* ---- Exit-information and valid-bit checks ------------------------------ */

static void test_exception_request_refused(void **state)
{
	struct ghcb_resp resp;

	sim_hv.evil = SIM_EVIL_EXIT_EXCEPTION;
	sim_hv.evil_target = TEST_EXIT;
	assert_int_equal(ghcb_call(&all_out, &resp), -SVSM_EIO);
	assert_int_equal((u32)resp.exit_info_1, GHCB_EXIT_EXCEPTION);
	SIM_EXPECT_TERMINATION(ghcb_call_checked(&all_out, &resp));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

static void test_malformed_refused(void **state)
{
	struct ghcb_resp resp;

	sim_hv.evil = SIM_EVIL_EXIT_MALFORMED;
	assert_int_equal(ghcb_call(&all_out, &resp), -SVSM_EIO);
	assert_int_equal((u32)resp.exit_info_1, GHCB_EXIT_MALFORMED);
	SIM_EXPECT_TERMINATION(ghcb_call_checked(&all_out, &resp));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

static void test_unknown_exit_info_refused(void **state)
{
	struct ghcb_resp resp;

	sim_hv.nae_hook = NULL; /* the hypervisor does not know TEST_EXIT */
	assert_int_equal(ghcb_call(&all_out, &resp), -SVSM_EIO);
}

static void test_missing_output_valid_bit(void **state)
{
	struct ghcb_resp resp;

	hv.mark_valid = false;
	assert_int_equal(ghcb_call(&all_out, &resp), -SVSM_EBADMSG);
	SIM_EXPECT_TERMINATION(ghcb_call_checked(&all_out, &resp));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

static void test_missing_exit_info_valid_bit(void **state)
{
	struct ghcb_req req = { .exit_code = TEST_EXIT };
	struct ghcb_resp resp;

	sim_hv.evil = SIM_EVIL_EXIT_INFO1_INVALID;
	assert_int_equal(ghcb_call(&req, &resp), -SVSM_EBADMSG);
}

static void test_missing_register_valid_bit(void **state)
{
	struct ghcb_req req = { .exit_code = SVM_EXIT_CPUID,
				.out = GHCB_F_EXIT_INFO_2 };
	struct ghcb_resp resp;

	/* The hypervisor still marks SW_EXITINFO2 valid ... */
	sim_hv.evil = SIM_EVIL_NO_VALID_BITS;
	sim_hv.evil_target = SVM_EXIT_CPUID;
	assert_int_equal(ghcb_call(&req, &resp), 0);
	/* ... but not the registers it returns. */
	req.out = GHCB_F_RAX;
	assert_int_equal(ghcb_call(&req, &resp), -SVSM_EBADMSG);
}

static void test_no_ghcb(void **state)
{
	struct ghcb_resp resp;

	sim_set_cpu(1);
	assert_int_equal(ghcb_call(&all_out, &resp), -SVSM_ENOENT);
	assert_false(snp_ghcb_ready());
	assert_int_equal(hv.calls, 0);
}

/* A panic report from inside a call must not nest on the GHCB. */
static void test_console_drops_while_busy(void **state)
{
	struct ghcb_resp resp;
	u64 naes = sim_hv.naes;

	hv.print = true;
	assert_int_equal(ghcb_call(&all_out, &resp), 0);
	assert_false(hv.ready_inside);
	assert_int_equal(sim_hv.com1_len, 0);
	assert_true(sim_hv.naes == naes + 1);
	assert_true(snp_ghcb_ready());
}

static void test_nested_call_is_a_bug(void **state)
{
	struct ghcb_resp resp;

	hv.nest = true;
	expect_assert_failure(ghcb_call(&all_out, &resp));
}

/* ---- Port I/O and MSRs -------------------------------------------------- */

static void test_console_through_ghcb(void **state)
{
	struct uart u;

	uart_init(&u, UART_COM1, &snp_ghcb_io);
	uart_write(&u, "[SVSM] hi\n", 10);
	assert_int_equal(sim_hv.com1_len, 11);
	assert_memory_equal(sim_hv.com1, "[SVSM] hi\r\n", 11);
	assert_int_equal(sim_hv.ports[UART_COM1 + 3], 0x03); /* LCR 8N1 */
}

static void test_io_sizes(void **state)
{
	snp_ghcb_io.outw(0x510, 0xbeef);
	snp_ghcb_io.outl(0x514, 0xdeadbeef);
	snp_ghcb_io.outb(0x518, 0x5a);
	assert_true(sim_hv.ports[0x510] == 0xbeef);
	assert_true(sim_hv.ports[0x514] == 0xdeadbeef);
	assert_int_equal(snp_ghcb_io.inw(0x510), 0xbeef);
	assert_true(snp_ghcb_io.inl(0x514) == 0xdeadbeef);
	assert_int_equal(snp_ghcb_io.inb(0x514), 0xef);
	assert_int_equal(snp_ghcb_io.inb(UART_COM1 + 5), 0x60);
}

static void test_io_before_ghcb(void **state)
{
	u64 exits = sim_hv.vmgexits;

	sim_set_cpu(2);
	snp_ghcb_io.outb(UART_COM1, 'x');
	assert_int_equal(snp_ghcb_io.inb(UART_COM1 + 5), 0xff);
	assert_true(snp_ghcb_io.inl(0x514) == 0xffffffffu);
	assert_int_equal(sim_hv.com1_len, 0);
	assert_true(sim_hv.vmgexits == exits);
}

static void test_io_error_terminates(void **state)
{
	sim_hv.evil = SIM_EVIL_EXIT_MALFORMED;
	sim_hv.evil_target = SVM_EXIT_IOIO;
	SIM_EXPECT_TERMINATION(snp_ghcb_io.outb(UART_COM1, 'x'));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

static void test_in_without_valid_rax_terminates(void **state)
{
	sim_hv.evil = SIM_EVIL_NO_VALID_BITS;
	sim_hv.evil_target = SVM_EXIT_IOIO;
	snp_ghcb_io.outb(UART_COM1, 'x'); /* OUT returns nothing: fine */
	SIM_EXPECT_TERMINATION(snp_ghcb_io.inb(UART_COM1 + 5));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

static void test_msr_nae(void **state)
{
	snp_msr_nae_write(0xc0000103, 0x1122334455667788ULL);
	assert_true(snp_msr_nae_read(0xc0000103) == 0x1122334455667788ULL);
	assert_true(snp_msr_nae_read(0x10) == 0);
}

static void test_msr_nae_exception_terminates(void **state)
{
	sim_hv.evil = SIM_EVIL_EXIT_EXCEPTION;
	sim_hv.evil_target = SVM_EXIT_MSR;
	SIM_EXPECT_TERMINATION(snp_msr_nae_read(0x10));
	assert_svsm_terminated(SNP_TERM_GHCB_RESPONSE);
}

/* ---- GHCB set-up -------------------------------------------------------- */

static void test_setup_on_second_cpu(void **state)
{
	u64 gpa0 = snp_ghcb_pa();

	sim_set_cpu(1);
	assert_int_equal(snp_ghcb_setup_cpu(), 0);
	assert_true(snp_ghcb_pa() != gpa0);
	assert_true(sim_hv.ghcb_gpa[1] == snp_ghcb_pa());
	snp_ghcb_io.outb(UART_COM1, '1');
	sim_set_cpu(0);
	snp_ghcb_io.outb(UART_COM1, '0');
	assert_memory_equal(sim_hv.com1, "10", 2);
}

static void test_setup_gfn_mismatch(void **state)
{
	sim_set_cpu(1);
	sim_hv.evil = SIM_EVIL_GFN_MISMATCH;
	SIM_EXPECT_TERMINATION(snp_ghcb_setup_cpu());
	assert_svsm_terminated(SNP_TERM_GHCB_REGISTER);
	assert_false(snp_ghcb_ready());
}

static void test_setup_psc_error(void **state)
{
	sim_set_cpu(1);
	sim_hv.evil = SIM_EVIL_MSR_PSC_ERROR;
	SIM_EXPECT_TERMINATION(snp_ghcb_setup_cpu());
	assert_svsm_terminated(SNP_TERM_PSC);
	assert_int_equal(sim_hv.ghcb_gpa[1], 0);
}

static void test_setup_rescind_unchanged(void **state)
{
	/* The hypervisor had the SVSM's pages unvalidated behind its back. */
	sim_rmp_set(SIM_SVSM_BASE, SIM_SVSM_SIZE - 2 * PAGE_SIZE, true, false,
		    false);
	sim_set_cpu(1);
	SIM_EXPECT_TERMINATION(snp_ghcb_setup_cpu());
	assert_svsm_terminated(SNP_TERM_PVALIDATE);
	assert_int_equal(sim_hv.ghcb_gpa[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_request_fields),
		TEST(test_valid_bits_cleared_between_calls),
		TEST(test_valid_bitmap_layout),
		TEST(test_outputs_copied),
		TEST(test_unrequested_outputs_not_read),
		TEST(test_race_each_field_read_once),
		TEST(test_race_psc_descriptor_read_once),
		TEST(test_exception_request_refused),
		TEST(test_malformed_refused),
		TEST(test_unknown_exit_info_refused),
		TEST(test_missing_output_valid_bit),
		TEST(test_missing_exit_info_valid_bit),
		TEST(test_missing_register_valid_bit),
		TEST(test_no_ghcb),
		TEST(test_console_drops_while_busy),
		TEST(test_nested_call_is_a_bug),
		TEST(test_console_through_ghcb),
		TEST(test_io_sizes),
		TEST(test_io_before_ghcb),
		TEST(test_io_error_terminates),
		TEST(test_in_without_valid_rax_terminates),
		TEST(test_msr_nae),
		TEST(test_msr_nae_exception_terminates),
		TEST(test_setup_on_second_cpu),
		TEST(test_setup_gfn_mismatch),
		TEST(test_setup_psc_error),
		TEST(test_setup_rescind_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

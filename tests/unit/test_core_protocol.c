/* SPDX-License-Identifier: MIT */
/*
 * The core protocol (kernel/protocols, kernel/services) driven by a
 * simulated VMPL2 guest through the request loop (tests/sim/guest.c,
 * tests/unit/support/protocol_env.c), on the SNP platform code and the
 * simulated machine (tests/sim). About half the tests are negative: each
 * checks the exact result code and that the call changed nothing (guest
 * memory, the RMP model, the VMSA/CAA registry). After every test the
 * simulator saw nothing it would not allow and no mapping is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/hw/vmsa.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#include "../sim/guest.h"
#include "../sim/guestmem_sim.h"
#include "../sim/sim.h"
#include "support/log_capture.h"
#include "support/protocol_env.h"

#define CORE(call) guest_rax(SVSM_CORE_PROTOCOL, (call))
#define REQ (ENV_BOOT_CAA + 8)

/*
 * expr must return code and leave every piece of state as it was; nothing
 * the guest triggers may log above debug level (ARCHITECTURE.md 7).
 */
#define ASSERT_REFUSED(expr, code)                                 \
	do {                                                       \
		struct env_snapshot snap_;                         \
		env_snapshot_take(&snap_);                         \
		log_capture_reset();                               \
		assert_int_equal((expr), (code));                  \
		assert_true(env_snapshot_same(&snap_));            \
		assert_int_equal(log_capture_len, 0);              \
	} while (0)

static int setup(void **state)
{
	protocol_env_setup();
	log_init("SVSM", log_capture_sink, LOG_INFO);
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	assert_true(env_clean());
	return 0;
}

static u64 pval4k(phys_addr_t pa, bool validate)
{
	return guest_pval_entry(pa, false, validate, false);
}

static u64 pval2m(phys_addr_t pa, bool validate)
{
	return guest_pval_entry(pa, true, validate, false);
}

/* PVALIDATE of a request already written at req (the guest's memory). */
static u64 pval_call(phys_addr_t req)
{
	return env_core(SVSM_CORE_PVALIDATE, req, 0, 0);
}

/* Writes a one-entry request at REQ and calls; state checked unchanged. */
#define ASSERT_PVAL_REFUSED(entry, code)                           \
	do {                                                       \
		u64 e_ = (entry);                                  \
		guest_write_pval_request(REQ, 1, 0, &e_);          \
		ASSERT_REFUSED(pval_call(REQ), (code));            \
	} while (0)

static bool page_is_guest_valid(phys_addr_t pa)
{
	const struct sim_rmp_entry *e = sim_rmp(pa);

	return e->validated && e->perms[SVSM_GUEST_VMPL] == 0xf && !e->vmsa;
}

/* ---- the checker ------------------------------------------------------ */

/* ASSERT_REFUSED is only as good as the snapshot: it must see each change. */
static void test_snapshot_sees_every_change(void **state)
{
	u8 *data = guest_ptr(ENV_DATA + 123);
	u8 *svsm = guest_ptr(ENV_SVSM_END - 1);
	struct env_snapshot s;

	env_snapshot_take(&s);
	assert_true(env_snapshot_same(&s));
	*data ^= 1;
	assert_false(env_snapshot_same(&s));
	*data ^= 1;
	*svsm ^= 1;
	assert_false(env_snapshot_same(&s));
	*svsm ^= 1;
	sim_rmp(ENV_DATA)->perms[3] = 1;
	assert_false(env_snapshot_same(&s));
	sim_rmp(ENV_DATA)->perms[3] = 0;
	/* The calling VMSA is left out: every call writes its registers. */
	((struct sev_vmsa *)guest_ptr(env.boot_vmsa))->rcx ^= 1;
	assert_true(env_snapshot_same(&s));
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	assert_false(env_snapshot_same(&s));
}

/* ---- dispatch -------------------------------------------------------- */

static void test_unknown_protocol(void **state)
{
	u64 rcx = 0x1234;

	ASSERT_REFUSED(env_call(guest_rax(SVSM_ATTEST_PROTOCOL, 0), &rcx,
				NULL, NULL),
		       SVSM_ERR_UNSUPPORTED_PROTOCOL);
	assert_int_equal(rcx, 0x1234); /* RCX is written back unchanged */
	ASSERT_REFUSED(env_call(guest_rax(0xffffffff, 0), NULL, NULL, NULL),
		       SVSM_ERR_UNSUPPORTED_PROTOCOL);
	ASSERT_REFUSED(env_call(guest_rax(4, SVSM_CORE_PVALIDATE), NULL,
				NULL, NULL),
		       SVSM_ERR_UNSUPPORTED_PROTOCOL);
}

static void test_unknown_core_call(void **state)
{
	ASSERT_REFUSED(env_core(8, REQ, 0, 0), SVSM_ERR_UNSUPPORTED_CALL);
	ASSERT_REFUSED(env_core(0xffffffff, 0, 0, 0),
		       SVSM_ERR_UNSUPPORTED_CALL);
	/* Formats undefined by the sources (docs/protocols.md). */
	ASSERT_REFUSED(env_core(SVSM_CORE_DEPOSIT_MEM, REQ, 0, 0),
		       SVSM_ERR_UNSUPPORTED_CALL);
	ASSERT_REFUSED(env_core(SVSM_CORE_WITHDRAW_MEM, REQ, 0, 0),
		       SVSM_ERR_UNSUPPORTED_CALL);
}

static void test_query_protocol(void **state)
{
	u64 rcx = (u64)SVSM_CORE_PROTOCOL << 32 | 1;

	assert_int_equal(env_call(CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx, NULL,
				  NULL),
			 SVSM_SUCCESS);
	assert_int_equal(rcx, 1ULL << 32 | 1);
	/* Unsupported version or protocol: SUCCESS with RCX = 0. */
	rcx = 2;
	assert_int_equal(env_call(CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx, NULL,
				  NULL),
			 SVSM_SUCCESS);
	assert_int_equal(rcx, 0);
	rcx = 0;
	env_call(CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx, NULL, NULL);
	assert_int_equal(rcx, 0);
	rcx = (u64)SVSM_VTPM_PROTOCOL << 32 | 1;
	env_call(CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx, NULL, NULL);
	assert_int_equal(rcx, 0);
}

static void test_configure_vtom(void **state)
{
	u64 rcx = 1;

	assert_int_equal(env_call(CORE(SVSM_CORE_CONFIGURE_VTOM), &rcx, NULL,
				  NULL),
			 SVSM_SUCCESS);
	assert_int_equal(rcx, 0);
	ASSERT_REFUSED(env_core(SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0),
		       SVSM_ERR_INVALID_REQUEST);
	ASSERT_REFUSED(env_core(SVSM_CORE_CONFIGURE_VTOM, 0x1000, 0, 0),
		       SVSM_ERR_INVALID_REQUEST);
}

/* ---- request loop ---------------------------------------------------- */

static void test_no_call_pending_not_served(void **state)
{
	struct guest_regs r = { CORE(SVSM_CORE_QUERY_PROTOCOL), 1, 0, 0 };
	struct sev_vmsa *v = guest_ptr(env.boot_vmsa);

	guest_call_begin(&env.gbsp, &r);
	((struct svsm_caa *)guest_ptr(ENV_BOOT_CAA))->call_pending = 0;
	assert_int_equal(request_loop_handle_exit(env.bsp), 0);
	assert_int_equal(v->rcx, 1); /* not dispatched: nothing written */
	assert_int_equal(v->rax, CORE(SVSM_CORE_QUERY_PROTOCOL));
}

static void test_exit_not_vmgexit_not_served(void **state)
{
	struct guest_regs r = { CORE(SVSM_CORE_QUERY_PROTOCOL), 1, 0, 0 };
	struct sev_vmsa *v = guest_ptr(env.boot_vmsa);

	guest_call_begin(&env.gbsp, &r);
	v->guest_exit_code = 0x7b; /* IOIO: not a call */
	assert_int_equal(request_loop_handle_exit(env.bsp), 0);
	assert_int_equal(v->rcx, 1);
	assert_int_equal(
		((struct svsm_caa *)guest_ptr(ENV_BOOT_CAA))->call_pending,
		1);
}

/* The hypervisor's Run VMPL: what the guest's VMSA says while it runs. */
static void record_efer(u32 cpu, u8 vmpl, void *ctx)
{
	*(u64 *)ctx = ((struct sev_vmsa *)guest_ptr(env.boot_vmsa))->efer;
}

static void test_enter_guest_sets_svme_only_while_running(void **state)
{
	struct sev_vmsa *v = guest_ptr(env.boot_vmsa);
	u64 efer_in_guest = 0;

	v->efer = 0;
	sim_hv.guest = record_efer;
	sim_hv.guest_ctx = &efer_in_guest;
	assert_int_equal(request_loop_enter_guest(env.bsp), 0);
	assert_int_equal(sim_hv.vmpl_runs, 1);
	assert_int_equal(sim_hv.last_vmpl, SVSM_GUEST_VMPL);
	assert_int_equal(efer_in_guest, VMSA_EFER_SVME);
	assert_int_equal(v->efer & VMSA_EFER_SVME, 0);
	/* A vCPU without a VMSA does not run. */
	assert_int_equal(request_loop_enter_guest(env.ap), -SVSM_ENOENT);
	assert_int_equal(request_loop_handle_exit(env.ap), -SVSM_ENOENT);
}

/* ---- PVALIDATE: header ----------------------------------------------- */

static void test_pval_entries_zero(void **state)
{
	u64 e = pval4k(ENV_DATA, true);

	guest_write_pval_request(REQ, 0, 0, &e);
	ASSERT_REFUSED(pval_call(REQ), SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_too_many_entries(void **state)
{
	static u64 e[512];

	for (u32 i = 0; i < 512; i++)
		e[i] = pval4k(ENV_DATA + i * PAGE_SIZE, true);
	/* At CAA + 8: (4096 - 8 - 8) / 8 = 510 entries fit. */
	guest_write_pval_request(REQ, 511, 0, e);
	ASSERT_REFUSED(pval_call(REQ), SVSM_ERR_INVALID_PARAMETER);
	/* At page offset 0x800: 255. */
	guest_write_pval_request(ENV_REQ_PAGE + 0x800, 256, 0, e);
	ASSERT_REFUSED(pval_call(ENV_REQ_PAGE + 0x800),
		       SVSM_ERR_INVALID_PARAMETER);
	guest_write_pval_request(ENV_REQ_PAGE + 0xff8, 1, 0, e);
	ASSERT_REFUSED(pval_call(ENV_REQ_PAGE + 0xff8),
		       SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_next_not_below_entries(void **state)
{
	u64 e[2] = { pval4k(ENV_DATA, true),
		     pval4k(ENV_DATA + PAGE_SIZE, true) };

	guest_write_pval_request(REQ, 2, 2, e);
	ASSERT_REFUSED(pval_call(REQ), SVSM_ERR_INVALID_PARAMETER);
	guest_write_pval_request(REQ, 2, 0xffff, e);
	ASSERT_REFUSED(pval_call(REQ), SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_request_address_checks(void **state)
{
	u64 e = pval4k(ENV_DATA, true);

	guest_write_pval_request(ENV_REQ_PAGE, 1, 0, &e);
	/* Not 8-byte aligned. */
	ASSERT_REFUSED(pval_call(ENV_REQ_PAGE + 4),
		       SVSM_ERR_INVALID_PARAMETER);
	/* In SVSM memory, in the hole, past RAM, wrapping. */
	ASSERT_REFUSED(pval_call(ENV_SVSM_START + 0x2000),
		       SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(pval_call(ENV_RAM_LOW_END), SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(pval_call(ENV_RAM_END), SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(pval_call(~7ULL), SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_request_in_vmsa_or_other_caa(void **state)
{
	u64 e = pval4k(ENV_DATA, true);

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	/* `next` written into a VMSA could rewrite its VMPL field. */
	ASSERT_REFUSED(pval_call(ENV_AP_VMSA + 0xc8),
		       SVSM_ERR_INVALID_PARAMETER);
	guest_write_pval_request(ENV_AP_CAA + 8, 1, 0, &e);
	ASSERT_REFUSED(pval_call(ENV_AP_CAA + 8), SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_request_page_unvalidated(void **state)
{
	u64 e = pval4k(ENV_DATA, true);

	guest_write_pval_request(ENV_REQ_PAGE, 1, 0, &e);
	sim_rmp(ENV_REQ_PAGE)->validated = false;
	/* The SVSM's read faults (a #VC on SNP): an error, not a crash. */
	ASSERT_REFUSED(pval_call(ENV_REQ_PAGE), SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guestmem_sim.faults, 1);
}

/* ---- PVALIDATE: entries ---------------------------------------------- */

static void test_pval_reserved_bits(void **state)
{
	for (u32 bit = 4; bit < 12; bit++)
		ASSERT_PVAL_REFUSED(pval4k(ENV_DATA, true) | BIT(bit),
				    SVSM_ERR_INVALID_PARAMETER);
	ASSERT_PVAL_REFUSED(pval4k(ENV_DATA, true) | 2,
			    SVSM_ERR_INVALID_PARAMETER);
	ASSERT_PVAL_REFUSED(pval4k(ENV_DATA, true) | 3,
			    SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_misaligned_2m(void **state)
{
	ASSERT_PVAL_REFUSED(pval2m(ENV_HUGE_2M + PAGE_SIZE, true),
			    SVSM_ERR_INVALID_PARAMETER);
	ASSERT_PVAL_REFUSED(pval2m(ENV_HUGE_2M + 0x100000, false),
			    SVSM_ERR_INVALID_PARAMETER);
}

static void test_pval_svsm_memory(void **state)
{
	ASSERT_PVAL_REFUSED(pval4k(ENV_SVSM_START, true),
			    SVSM_ERR_INVALID_ADDRESS);
	ASSERT_PVAL_REFUSED(pval4k(env.boot_vmsa, false),
			    SVSM_ERR_INVALID_ADDRESS);
	ASSERT_PVAL_REFUSED(pval2m(ENV_SVSM_START, false),
			    SVSM_ERR_INVALID_ADDRESS);
	/* Not RAM at all: the hole and beyond the map, and 2^52 up. */
	ASSERT_PVAL_REFUSED(pval4k(ENV_RAM_LOW_END, true),
			    SVSM_ERR_INVALID_ADDRESS);
	ASSERT_PVAL_REFUSED(pval4k(ENV_RAM_END, true),
			    SVSM_ERR_INVALID_ADDRESS);
	ASSERT_PVAL_REFUSED(pval4k(0xfffffffffffff000ULL, true),
			    SVSM_ERR_INVALID_ADDRESS);
}

static void test_pval_registered_vmsa(void **state)
{
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	ASSERT_PVAL_REFUSED(pval4k(ENV_AP_VMSA, false),
			    SVSM_ERR_INVALID_ADDRESS);
	ASSERT_PVAL_REFUSED(pval4k(ENV_AP_VMSA, true),
			    SVSM_ERR_INVALID_ADDRESS);
	/* A 2 MiB entry that contains it. */
	ASSERT_PVAL_REFUSED(pval2m(ENV_AP_VMSA & ~(PAGE_SIZE_2M - 1), false),
			    SVSM_ERR_INVALID_ADDRESS);
}

static void test_pval_calling_area(void **state)
{
	/* The caller's own CAA (the request's page too) and the AP's. */
	ASSERT_PVAL_REFUSED(pval4k(ENV_BOOT_CAA, false),
			    SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	ASSERT_PVAL_REFUSED(pval4k(ENV_AP_CAA, false),
			    SVSM_ERR_INVALID_ADDRESS);
}

static void test_pval_request_page_itself(void **state)
{
	u64 e = pval4k(ENV_REQ_PAGE, false);

	guest_write_pval_request(ENV_REQ_PAGE + 0x100, 1, 0, &e);
	ASSERT_REFUSED(pval_call(ENV_REQ_PAGE + 0x100),
		       SVSM_ERR_INVALID_ADDRESS);
}

static void test_pval_revalidate_fails_unchanged(void **state)
{
	u8 *page = guest_ptr(ENV_FREE_PAGE);

	memset(page, 0x5a, PAGE_SIZE); /* must not be zeroed */
	ASSERT_PVAL_REFUSED(pval4k(ENV_FREE_PAGE, true),
			    SVSM_ERR_PVALIDATE_FAIL_UNCHANGED);
	assert_int_equal(page[100], 0x5a);
	/* Rescinding an invalid page: RMPADJUST refuses first. */
	ASSERT_PVAL_REFUSED(pval4k(ENV_DATA, false),
			    SVSM_ERR_PVALIDATE_FAIL_INPUT);
}

static void test_pval_ignore_cf(void **state)
{
	u64 e = guest_pval_entry(ENV_FREE_PAGE, false, true, true);
	u8 *page = guest_ptr(ENV_FREE_PAGE);

	memset(page, 0x5a, PAGE_SIZE);
	assert_int_equal(env_pvalidate(&e, 1), SVSM_SUCCESS);
	assert_true(page_is_guest_valid(ENV_FREE_PAGE));
	assert_int_equal(page[100], 0); /* validated again: zeroed */
}

static void test_pval_instruction_error_code(void **state)
{
	u64 e[3] = { pval4k(ENV_DATA, true),
		     pval4k(ENV_DATA + PAGE_SIZE, true),
		     pval4k(ENV_DATA + 2 * PAGE_SIZE, true) };

	assert_int_equal(env_pvalidate(e, 1), SVSM_SUCCESS);
	sim_rmp_force(SIM_INSN_PVALIDATE, SNP_INSN_FAIL_INPUT);
	e[0] = pval4k(ENV_DATA + 3 * PAGE_SIZE, true);
	/* 0x8000_1000 + rc; `next` names the failing entry. */
	assert_int_equal(env_pvalidate(e, 3), SVSM_ERR_PVALIDATE_FAIL_INPUT);
	assert_int_equal(guest_pval_next(REQ), 0);
	assert_false(sim_rmp(ENV_DATA + PAGE_SIZE)->validated);
}

static void test_pval_stops_at_first_failure(void **state)
{
	u64 e[4] = { pval4k(ENV_DATA, true),
		     pval4k(ENV_DATA + PAGE_SIZE, true),
		     pval4k(ENV_SVSM_START, true),
		     pval4k(ENV_DATA + 2 * PAGE_SIZE, true) };

	assert_int_equal(env_pvalidate(e, 4), SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_pval_next(REQ), 2);
	assert_true(page_is_guest_valid(ENV_DATA));
	assert_true(page_is_guest_valid(ENV_DATA + PAGE_SIZE));
	assert_false(sim_rmp(ENV_SVSM_START)->perms[2]);
	assert_false(sim_rmp(ENV_DATA + 2 * PAGE_SIZE)->validated);
	/* The guest resumes from `next` after fixing the entry. */
	e[2] = pval4k(ENV_DATA + 3 * PAGE_SIZE, true);
	memcpy((u8 *)guest_ptr(REQ) + 8 + 16, &e[2], 8);
	assert_int_equal(pval_call(REQ), SVSM_SUCCESS);
	assert_int_equal(guest_pval_next(REQ), 4);
	assert_true(page_is_guest_valid(ENV_DATA + 3 * PAGE_SIZE));
	assert_true(page_is_guest_valid(ENV_DATA + 2 * PAGE_SIZE));
}

static void test_pval_rescind_failure_gives_access_back(void **state)
{
	u64 e = pval4k(ENV_DATA, true);

	assert_int_equal(env_pvalidate(&e, 1), SVSM_SUCCESS);
	/* Access revoked, then PVALIDATE fails: the guest gets RWX back. */
	sim_rmp_force(SIM_INSN_PVALIDATE, SNP_INSN_FAIL_INPUT);
	e = pval4k(ENV_DATA, false);
	assert_int_equal(env_pvalidate(&e, 1), SVSM_ERR_PVALIDATE_FAIL_INPUT);
	assert_int_equal(sim_rmp_stats.forced, 1);
	assert_true(page_is_guest_valid(ENV_DATA));
	assert_int_equal(sim_rmp(ENV_DATA)->perms[3], 0);
	assert_int_equal(guest_pval_next(REQ), 0);
}

/*
 * A batch needs one lookup for neighbouring pages, but each entry is still
 * checked: the request page and registered pages next to pages that
 * passed are refused, in either direction.
 */
static void test_pval_batch_checks_every_entry(void **state)
{
	const phys_addr_t req = ENV_REQ_PAGE + 0x800;
	const phys_addr_t bad[3] = { ENV_REQ_PAGE, ENV_AP_CAA, ENV_AP_VMSA };
	u64 e[3];

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Downwards from two free pages onto the refused one. */
		e[0] = guest_pval_entry(ENV_FREE_PAGE + PAGE_SIZE, false, true,
					true);
		e[1] = guest_pval_entry(ENV_FREE_PAGE, false, true, true);
		e[2] = pval4k(bad[i], false);
		guest_write_pval_request(req, 3, 0, e);
		assert_int_equal(pval_call(req), SVSM_ERR_INVALID_ADDRESS);
		assert_int_equal(guest_pval_next(req), 2);
		assert_true(page_is_guest_valid(ENV_FREE_PAGE));
	}
	/* Upwards: a free page, then the request page right above it. */
	e[0] = guest_pval_entry(ENV_REQ_PAGE, false, true, true);
	e[1] = pval4k(ENV_FREE_PAGE, false);
	guest_write_pval_request(ENV_FREE_PAGE + 8, 2, 0, e);
	assert_int_equal(pval_call(ENV_FREE_PAGE + 8),
			 SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(guest_pval_next(ENV_FREE_PAGE + 8), 1);
	assert_true(page_is_guest_valid(ENV_FREE_PAGE));
	assert_true(sim_rmp(ENV_AP_CAA)->validated);
	assert_true(sim_rmp(ENV_AP_VMSA)->vmsa);
}

/* ---- PVALIDATE: positive --------------------------------------------- */

static void test_pval_validate_rescind_4k(void **state)
{
	u64 e = pval4k(ENV_DATA, true);
	u8 *page = guest_ptr(ENV_DATA);

	memset(page, 0xee, PAGE_SIZE); /* stale contents */
	assert_int_equal(env_pvalidate(&e, 1), SVSM_SUCCESS);
	assert_int_equal(guest_pval_next(REQ), 1);
	assert_true(page_is_guest_valid(ENV_DATA));
	for (u32 i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(page[i], 0);
	e = pval4k(ENV_DATA, false);
	assert_int_equal(env_pvalidate(&e, 1), SVSM_SUCCESS);
	assert_false(sim_rmp(ENV_DATA)->validated);
	assert_int_equal(sim_rmp(ENV_DATA)->perms[2], 0);
	assert_int_equal(sim_rmp(ENV_DATA)->perms[3], 0);
	assert_true(sim_hv.tlb_flushes >= 1);
}

static void test_pval_2m(void **state)
{
	u64 e = pval2m(ENV_HUGE_2M, true);

	assert_int_equal(env_pvalidate(&e, 1), SVSM_SUCCESS);
	for (u32 i = 0; i < 512; i++)
		assert_true(page_is_guest_valid(ENV_HUGE_2M + i * PAGE_SIZE));
	/* 4 KiB RMP entries: SIZEMISMATCH, `next` at the failing entry. */
	e = pval2m(ENV_SMALL_2M, true);
	assert_int_equal(env_pvalidate(&e, 1),
			 SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	assert_int_equal(guest_pval_next(REQ), 0);
	assert_false(sim_rmp(ENV_SMALL_2M)->validated);
}

static void test_pval_511_entries_at_offset_0(void **state)
{
	static u64 e[511];

	for (u32 i = 0; i < 511; i++)
		e[i] = pval4k(ENV_DATA + i * PAGE_SIZE, true);
	guest_write_pval_request(ENV_REQ_PAGE, 511, 0, e);
	assert_int_equal(pval_call(ENV_REQ_PAGE), SVSM_SUCCESS);
	assert_int_equal(guest_pval_next(ENV_REQ_PAGE), 511);
	assert_true(page_is_guest_valid(ENV_DATA + 510 * PAGE_SIZE));
}

/* ---- copy-once ------------------------------------------------------- */

struct flip {
	phys_addr_t req;
	u64 evil;
	bool grow;
	u32 reads;
};

/*
 * A second guest vCPU at work: right after the SVSM copied part of the
 * request, it rewrites exactly those bytes (a larger `entries` in the
 * header, an SVSM page in every entry). An SVSM that read anything twice
 * would act on the new values.
 */
static void flip_request(phys_addr_t gpa, u64 len, void *ctx)
{
	struct flip *f = ctx;
	u8 *p = guest_ptr(f->req);
	u16 entries = 510;

	if (gpa < f->req || gpa >= f->req + PAGE_SIZE)
		return;
	f->reads++;
	if (gpa == f->req && f->grow)
		memcpy(p, &entries, sizeof(entries));
	for (u64 off = 8; off + 8 <= PAGE_SIZE - (f->req & ~PAGE_MASK);
	     off += 8) {
		if (f->req + off >= gpa && f->req + off + 8 <= gpa + len)
			memcpy(p + off, &f->evil, 8);
	}
}

static void test_pval_copy_once(void **state)
{
	u64 e[4];
	struct flip f = { REQ, pval4k(ENV_SVSM_START, false), true, 0 };

	for (u32 i = 0; i < 4; i++)
		e[i] = pval4k(ENV_DATA + i * PAGE_SIZE, true);
	guest_write_pval_request(REQ, 4, 0, e);
	guestmem_sim.after_read = flip_request;
	guestmem_sim.ctx = &f;
	assert_int_equal(pval_call(REQ), SVSM_SUCCESS);
	guestmem_sim.after_read = NULL;
	/* What was checked is what was done: the four original pages. */
	for (u32 i = 0; i < 4; i++)
		assert_true(page_is_guest_valid(ENV_DATA + i * PAGE_SIZE));
	assert_true(sim_rmp(ENV_SVSM_START)->validated);
	assert_false(sim_rmp(ENV_DATA + 4 * PAGE_SIZE)->validated);
	/* Header and entries read exactly once each, in two copies. */
	assert_int_equal(f.reads, 2);
	assert_int_equal(guestmem_sim_bytes_read(REQ, 8 + 4 * 8), 8 + 4 * 8);
	assert_int_equal(guest_pval_next(REQ), 4);
}

static void test_pval_copy_once_grow_after_check(void **state)
{
	u64 e = pval4k(ENV_DATA, true);
	struct flip f = { REQ, pval4k(ENV_DATA + PAGE_SIZE, true), true, 0 };

	/* The guest raises `entries` to 510 right after the header read. */
	guest_write_pval_request(REQ, 1, 0, &e);
	guestmem_sim.after_read = flip_request;
	guestmem_sim.ctx = &f;
	assert_int_equal(pval_call(REQ), SVSM_SUCCESS);
	guestmem_sim.after_read = NULL;
	assert_int_equal(guest_pval_next(REQ), 1);
	assert_true(page_is_guest_valid(ENV_DATA));
	assert_false(sim_rmp(ENV_DATA + PAGE_SIZE)->validated);
}

/* ---- CREATE_VCPU ----------------------------------------------------- */

static void test_create_vcpu(void **state)
{
	const struct sim_rmp_entry *r = sim_rmp(ENV_AP_VMSA);
	phys_addr_t vmsa, caa;

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	assert_true(r->vmsa);
	assert_int_equal(r->perms[2], 1); /* read only */
	assert_int_equal(r->perms[3], 0);
	vcpu_get_pair(env.ap, &vmsa, &caa);
	assert_int_equal(vmsa, ENV_AP_VMSA);
	assert_int_equal(caa, ENV_AP_CAA);
}

static void test_create_vcpu_then_ap_calls(void **state)
{
	struct sim_guest ap = { .vmgexit = env.guest.vmgexit, .ctx = env.ap };
	u64 rcx = 1;

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	assert_int_equal(guest_call(&ap, &env.gap,
				    CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx,
				    NULL, NULL),
			 SVSM_SUCCESS);
	assert_int_equal(rcx, 1ULL << 32 | 1);
}

static void test_create_vcpu_bad_addresses(void **state)
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_AP_VMSA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA + 8,
				ENV_AP_CAA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_AP_CAA + 8, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_SVSM_START,
				ENV_AP_CAA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_RAM_LOW_END, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	/* A CAA the SVSM could not read at every exit (not validated). */
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA, ENV_DATA,
				1),
		       SVSM_ERR_INVALID_ADDRESS);
}

static void test_create_vcpu_replaces_callers_own(void **state)
{
	struct sev_vmsa *old = guest_ptr(env.boot_vmsa);
	phys_addr_t vmsa, caa;

	/* CREATE_VCPU for the caller's own APIC ID: the old VMSA gets the
	 * result and stays registered until DELETE_VCPU names it. */
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	assert_int_equal(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				  ENV_AP_CAA, 0),
			 SVSM_SUCCESS);
	assert_int_equal(old->rax, SVSM_SUCCESS);
	vcpu_get_pair(env.bsp, &vmsa, &caa);
	assert_int_equal(vmsa, ENV_AP_VMSA);
	assert_int_equal(caa, ENV_AP_CAA);
	/* Calls now come from the new pair; the old CAA is still taken. */
	env.gbsp = (struct sim_vcpu){ 0, ENV_AP_VMSA, ENV_AP_CAA };
	guest_write_pval_request(ENV_AP_CAA + 8, 1,
				 0, (u64[]){ pval4k(ENV_BOOT_CAA, false) });
	assert_int_equal(pval_call(ENV_AP_CAA + 8), SVSM_ERR_INVALID_ADDRESS);
	assert_true(sim_rmp(ENV_BOOT_CAA)->validated);
}

static void test_create_vcpu_unknown_apic(void **state)
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_AP_CAA, 7),
		       SVSM_ERR_INVALID_PARAMETER);
	/* Only R8[31:0] is the APIC ID. */
	assert_int_equal(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				  ENV_AP_CAA, 1ULL << 32 | 1),
			 SVSM_SUCCESS);
}

static void test_create_vcpu_overlaps_registry(void **state)
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	/* VMSA on a registered CAA; CAA on a registered VMSA or CAA. */
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_BOOT_CAA,
				ENV_AP_CAA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_BOOT_CAA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	guest_init_ap_vmsa(ENV_FREE_PAGE, ENV_SEV_FEATURES, 0);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_FREE_PAGE,
				ENV_AP_VMSA, 2),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_FREE_PAGE,
				ENV_AP_CAA, 2),
		       SVSM_ERR_INVALID_ADDRESS);
}

/* A VMSA the checks of digest 2.1.2 step 5 refuse; RMP must be restored. */
static void assert_bad_vmsa_refused(void (*spoil)(struct sev_vmsa *v))
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	spoil(guest_ptr(ENV_AP_VMSA));
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_AP_CAA, 1),
		       SVSM_ERR_INVALID_PARAMETER);
	assert_true(page_is_guest_valid(ENV_AP_VMSA));
}

static void spoil_vmpl0(struct sev_vmsa *v)
{
	v->vmpl = 0;
}

static void spoil_vmpl3(struct sev_vmsa *v)
{
	v->vmpl = 3;
}

static void spoil_svme(struct sev_vmsa *v)
{
	v->efer &= ~VMSA_EFER_SVME;
}

static void spoil_features(struct sev_vmsa *v)
{
	v->sev_features |= SEV_FEAT_VMSA_REG_PROT;
}

static void spoil_features_fewer(struct sev_vmsa *v)
{
	v->sev_features = SEV_FEAT_SNP_ACTIVE;
}

static void test_create_vcpu_bad_vmsa(void **state)
{
	assert_bad_vmsa_refused(spoil_vmpl0);
	assert_bad_vmsa_refused(spoil_vmpl3);
	assert_bad_vmsa_refused(spoil_svme);
	assert_bad_vmsa_refused(spoil_features);
	assert_bad_vmsa_refused(spoil_features_fewer);
}

static void test_create_vcpu_unvalidated_vmsa(void **state)
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	sim_rmp(ENV_AP_VMSA)->validated = false;
	ASSERT_REFUSED(env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA,
				ENV_AP_CAA, 1),
		       SVSM_ERR_PVALIDATE_FAIL_INPUT);
}

/* ---- DELETE_VCPU ----------------------------------------------------- */

static void test_delete_vcpu(void **state)
{
	struct sev_vmsa *v = guest_ptr(ENV_AP_VMSA);
	phys_addr_t vmsa, caa;

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	assert_int_equal(env_core(SVSM_CORE_DELETE_VCPU, ENV_AP_VMSA, 0, 0),
			 SVSM_SUCCESS);
	assert_true(page_is_guest_valid(ENV_AP_VMSA));
	assert_int_equal(v->efer & VMSA_EFER_SVME, 0);
	vcpu_get_pair(env.ap, &vmsa, &caa);
	assert_int_equal(vmsa, 0);
	assert_int_equal(caa, 0);
	assert_int_equal(request_loop_handle_exit(env.ap), -SVSM_ENOENT);
	/* The pages are the guest's again: PVALIDATE may rescind them. */
	assert_int_equal(env_pvalidate((u64[]){ pval4k(ENV_AP_CAA, false) },
				       1),
			 SVSM_SUCCESS);
	/* And CREATE_VCPU may use them again. */
	sim_rmp_guest_valid(ENV_AP_CAA, PAGE_SIZE, SVSM_GUEST_VMPL);
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
}

static void test_delete_vcpu_not_a_vmsa(void **state)
{
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, ENV_FREE_PAGE, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, ENV_BOOT_CAA, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, ENV_AP_VMSA + 8, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	/* The SVSM's own VMSA for the firmware never goes to the guest. */
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, env.boot_vmsa, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, ENV_AP_CAA, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
}

static void test_delete_vcpu_rmpadjust_fails(void **state)
{
	phys_addr_t vmsa, caa;

	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	/* The hardware refuses to clear the VMSA bit: nothing changes. */
	sim_rmp_force(SIM_INSN_RMPADJUST, SNP_INSN_FAIL_PERMISSION);
	ASSERT_REFUSED(env_core(SVSM_CORE_DELETE_VCPU, ENV_AP_VMSA, 0, 0),
		       SVSM_ERR_INVALID_ADDRESS);
	assert_int_equal(sim_rmp_stats.forced, 1);
	assert_true(sim_rmp(ENV_AP_VMSA)->vmsa);
	vcpu_get_pair(env.ap, &vmsa, &caa);
	assert_int_equal(vmsa, ENV_AP_VMSA);
}

/* ---- REMAP_CA -------------------------------------------------------- */

static void test_remap_ca(void **state)
{
	u8 *ca = guest_ptr(ENV_NEW_CAA);
	phys_addr_t vmsa, caa;
	u64 rcx = 1;

	memset(ca, 0xff, PAGE_SIZE);
	assert_int_equal(env_core(SVSM_CORE_REMAP_CA, ENV_NEW_CAA, 0, 0),
			 SVSM_SUCCESS);
	for (u32 i = 0; i < 8; i++)
		assert_int_equal(ca[i], 0);
	assert_int_equal(ca[8], 0xff); /* only the first 8 bytes */
	vcpu_get_pair(env.bsp, &vmsa, &caa);
	assert_int_equal(caa, ENV_NEW_CAA);
	env.gbsp.caa = ENV_NEW_CAA;
	assert_int_equal(env_call(CORE(SVSM_CORE_QUERY_PROTOCOL), &rcx, NULL,
				  NULL),
			 SVSM_SUCCESS);
	assert_int_equal(rcx, 1ULL << 32 | 1);
	/* The old CA is an ordinary page again; the new one is not. */
	assert_int_equal(env_pvalidate((u64[]){ pval4k(ENV_BOOT_CAA, false) },
				       1),
			 SVSM_SUCCESS);
	ASSERT_PVAL_REFUSED(pval4k(ENV_NEW_CAA, false),
			    SVSM_ERR_INVALID_ADDRESS);
	/* A remap to the current CA changes nothing. */
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_NEW_CAA, 0, 0),
		       SVSM_SUCCESS);
}

static void test_remap_ca_refused(void **state)
{
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_NEW_CAA + 8, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_SVSM_START, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_RAM_LOW_END, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	/* Onto the SVSM's VMSA, a guest VMSA, another vCPU's CA. */
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, env.boot_vmsa, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	assert_int_equal(env_create_ap(), SVSM_SUCCESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_AP_VMSA, 0, 0),
		       SVSM_ERR_INVALID_ADDRESS);
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_AP_CAA, 0, 0),
		       SVSM_ERR_INVALID_ADDRESS);
	/* A page the guest rescinded: the write faults, an error. */
	sim_rmp(ENV_NEW_CAA)->validated = false;
	ASSERT_REFUSED(env_core(SVSM_CORE_REMAP_CA, ENV_NEW_CAA, 0, 0),
		       SVSM_ERR_INVALID_ADDRESS);
}

/* ---- Linux boot through the full request loop ------------------------ */

#define BOOT_4K 600

static u64 boot_early[2 + BOOT_4K];
static u64 boot_late[16];

static void test_linux_boot_sequence(void **state)
{
	struct guest_linux gl;

	boot_early[0] = pval2m(ENV_HUGE_2M, true);
	boot_early[1] = pval2m(ENV_SMALL_2M, true); /* falls back to 4K */
	for (u32 i = 0; i < BOOT_4K; i++)
		boot_early[2 + i] = pval4k(ENV_DATA + i * PAGE_SIZE, true);
	for (u32 i = 0; i < 16; i++) /* rescind, as before a PSC to shared */
		boot_late[i] = pval4k(ENV_DATA + i * PAGE_SIZE, false);
	env_run_linux(&gl, boot_early, ARRAY_SIZE(boot_early), boot_late,
		      ARRAY_SIZE(boot_late));
	assert_null(gl.failure);
	assert_int_equal(gl.phase, GL_DONE);
	/* QUERY, 2 early batches + 1 reissue, 2 redo batches, REMAP, late,
	 * CREATE, DELETE. */
	assert_int_equal(gl.calls, 10);
	assert_int_equal(gl.size_mismatches, 1);
	assert_int_equal(gl.entries_4k, 512);
	for (u32 i = 0; i < 512; i++) {
		assert_true(page_is_guest_valid(ENV_HUGE_2M + i * PAGE_SIZE));
		assert_true(page_is_guest_valid(ENV_SMALL_2M + i * PAGE_SIZE));
	}
	for (u32 i = 0; i < BOOT_4K; i++)
		assert_int_equal(sim_rmp(ENV_DATA + i * PAGE_SIZE)->validated,
				 i >= 16);
	assert_true(page_is_guest_valid(ENV_AP_VMSA)); /* deleted again */
	assert_int_equal(env.gbsp.caa, ENV_NEW_CAA);
	assert_int_equal(sim_hv.vmpl_runs, gl.calls + 1);
}

/* Every test on a fresh machine, checked clean afterwards. */
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_snapshot_sees_every_change),
		TEST(test_unknown_protocol),
		TEST(test_unknown_core_call),
		TEST(test_query_protocol),
		TEST(test_configure_vtom),
		TEST(test_no_call_pending_not_served),
		TEST(test_exit_not_vmgexit_not_served),
		TEST(test_enter_guest_sets_svme_only_while_running),
		TEST(test_pval_entries_zero),
		TEST(test_pval_too_many_entries),
		TEST(test_pval_next_not_below_entries),
		TEST(test_pval_request_address_checks),
		TEST(test_pval_request_in_vmsa_or_other_caa),
		TEST(test_pval_request_page_unvalidated),
		TEST(test_pval_reserved_bits),
		TEST(test_pval_misaligned_2m),
		TEST(test_pval_svsm_memory),
		TEST(test_pval_registered_vmsa),
		TEST(test_pval_calling_area),
		TEST(test_pval_request_page_itself),
		TEST(test_pval_revalidate_fails_unchanged),
		TEST(test_pval_ignore_cf),
		TEST(test_pval_instruction_error_code),
		TEST(test_pval_stops_at_first_failure),
		TEST(test_pval_batch_checks_every_entry),
		TEST(test_pval_rescind_failure_gives_access_back),
		TEST(test_pval_validate_rescind_4k),
		TEST(test_pval_2m),
		TEST(test_pval_511_entries_at_offset_0),
		TEST(test_pval_copy_once),
		TEST(test_pval_copy_once_grow_after_check),
		TEST(test_create_vcpu),
		TEST(test_create_vcpu_then_ap_calls),
		TEST(test_create_vcpu_bad_addresses),
		TEST(test_create_vcpu_replaces_callers_own),
		TEST(test_create_vcpu_unknown_apic),
		TEST(test_create_vcpu_overlaps_registry),
		TEST(test_create_vcpu_bad_vmsa),
		TEST(test_create_vcpu_unvalidated_vmsa),
		TEST(test_delete_vcpu),
		TEST(test_delete_vcpu_not_a_vmsa),
		TEST(test_delete_vcpu_rmpadjust_fails),
		TEST(test_remap_ca),
		TEST(test_remap_ca_refused),
		TEST(test_linux_boot_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

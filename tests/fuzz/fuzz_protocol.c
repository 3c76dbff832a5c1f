/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SVSM protocol decoder, through the request loop
 * on the SNP platform code and the simulated machine (tests/sim), as the
 * protocol unit tests run it (tests/unit/support/protocol_env.h).
 *
 * Input: 32 bytes of RAX, RCX, RDX, R8; 8 bytes of calling-area header
 * (call_pending first); 1 byte of steering flags; the rest fills the page
 * at the boot CAA + 8 and the spare request page (entries, headers). The
 * steering flags fold RAX into the core protocol and its calls and aim
 * RCX/RDX/entries at interesting pages (VMSAs, calling areas, SVSM memory,
 * 2 MiB regions), so that the deep paths are reached; every raw value
 * stays possible.
 *
 * After each call: the result must be a wire code the protocol defines;
 * no guest mapping may be left; the RMP entries of SVSM memory must be as
 * they were (so the guest gained no access to it); registered VMSAs must
 * stay VMSAs without guest write access; registered calling areas must
 * still be accessible; the simulator must have seen nothing it would not
 * allow.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/hw/vmsa.h>
#include <svsm/lib/check.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#include "../sim/guest.h"
#include "../sim/guestmem_sim.h"
#include "../sim/sim.h"
#include "../unit/support/protocol_env.h"

#define REQUIRE(cond)                                                  \
	do {                                                           \
		if (!(cond)) {                                         \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                \
			abort();                                       \
		}                                                      \
	} while (0)

#define FLAG_CORE BIT(0)      /* RAX: core protocol, call = RAX % 9 */
#define FLAG_RCX_PAGE BIT(1)  /* RCX: interesting page + low 12 bits */
#define FLAG_RDX_PAGE BIT(2)
#define FLAG_ENTRY_PAGES BIT(3) /* entries with bit 62: interesting page */
#define FLAG_NO_PENDING BIT(4)  /* leave call_pending as the input says */
#define FLAG_AP_FIRST BIT(5)    /* create the AP before the call */
#define FLAG_NOT_VMGEXIT BIT(6)

#define SVSM_PAGES ((ENV_SVSM_END - ENV_SVSM_START) / PAGE_SIZE)

/* SVSM memory's RMP entries after set-up: no call may change them. */
static struct sim_rmp_entry svsm_rmp[SVSM_PAGES];

/* Interesting pages; the firmware's VMSA is allocated at set-up. */
static phys_addr_t page_at(u64 i)
{
	static const phys_addr_t pages[16] = {
		ENV_BOOT_CAA,	     ENV_NEW_CAA,	 ENV_AP_VMSA,
		ENV_AP_CAA,	     ENV_REQ_PAGE,	 ENV_FREE_PAGE,
		0 /* env.boot_vmsa */, ENV_SVSM_START,	 ENV_HUGE_2M,
		ENV_SMALL_2M,	     ENV_DATA,		 ENV_RAM_LOW_END,
		ENV_RAM_END - PAGE_SIZE, ENV_HUGE_2M + PAGE_SIZE, 0,
		ENV_SVSM_END - PAGE_SIZE,
	};

	return i == 6 ? env.boot_vmsa : pages[i & 15];
}

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svsm_panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static u64 get_u64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 aim(u64 raw)
{
	return page_at((raw >> 12) & 15) + (raw & 0xfff) +
	       ((raw >> 16) & 0x1ff) * PAGE_SIZE * ((raw >> 25) & 1);
}

/* Entries with bit 62 set get an interesting address, flags kept. */
static void aim_entries(u8 *buf, size_t len)
{
	for (size_t off = 0; off + 8 <= len; off += 8) {
		u64 e = get_u64(buf + off);

		if (e & BIT(62))
			e = (aim(e >> 20) & PVAL_ENTRY_ADDR_MASK) | (e & 0xfff);
		memcpy(buf + off, &e, 8);
	}
}

static bool wire_code_ok(u64 rax)
{
	switch (rax) {
	case SVSM_SUCCESS:
	case SVSM_ERR_UNSUPPORTED_PROTOCOL:
	case SVSM_ERR_UNSUPPORTED_CALL:
	case SVSM_ERR_INVALID_ADDRESS:
	case SVSM_ERR_INVALID_PARAMETER:
	case SVSM_ERR_INVALID_REQUEST:
	case SVSM_ERR_PVALIDATE_FAIL_INPUT:
	case SVSM_ERR_PVALIDATE_FAIL_PERMISSION:
	case SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH:
	case SVSM_ERR_PVALIDATE_FAIL_UNCHANGED:
		return true;
	default:
		return false;
	}
}

/* What no call may ever break. */
static void check_invariants(void)
{
	phys_addr_t vmsa, caa;

	REQUIRE(env_clean());
	REQUIRE(!memcmp(svsm_rmp, sim_rmp(ENV_SVSM_START), sizeof(svsm_rmp)));
	for (phys_addr_t p = ENV_SVSM_START; p < ENV_SVSM_END; p += PAGE_SIZE)
		REQUIRE(!sim_rmp(p)->perms[2] && !sim_rmp(p)->perms[3]);
	REQUIRE(sim_rmp(env.boot_vmsa)->vmsa);
	for (u32 id = 0; id < ENV_NCPUS; id++) {
		vcpu_get_pair(vcpu_find(id), &vmsa, &caa);
		if (!vmsa)
			continue;
		REQUIRE(!(sim_rmp(vmsa)->perms[2] & 2)); /* no write */
		REQUIRE(sim_rmp(vmsa)->vmsa);
		REQUIRE(sim_rmp(caa)->validated);
	}
}

static void fill_pages(const u8 *data, size_t len)
{
	u8 buf[PAGE_SIZE] = { 0 };
	size_t n = MIN(len, PAGE_SIZE - 8);

	memcpy(buf, data, n);
	aim_entries(buf, PAGE_SIZE);
	memcpy((u8 *)guest_ptr(ENV_BOOT_CAA) + 8, buf, PAGE_SIZE - 8);
	memcpy(guest_ptr(ENV_REQ_PAGE), buf, PAGE_SIZE);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct guest_regs r;
	struct sev_vmsa *v;
	u8 flags;
	int served;

	if (size < 41)
		return 0;
	protocol_env_setup();
	memcpy(svsm_rmp, sim_rmp(ENV_SVSM_START), sizeof(svsm_rmp));
	flags = data[40];
	r = (struct guest_regs){ get_u64(data), get_u64(data + 8),
				 get_u64(data + 16), get_u64(data + 24) };
	if (flags & FLAG_CORE)
		r.rax = guest_rax(SVSM_CORE_PROTOCOL, (u32)(r.rax % 9));
	if (flags & FLAG_RCX_PAGE)
		r.rcx = aim(r.rcx);
	if (flags & FLAG_RDX_PAGE)
		r.rdx = aim(r.rdx);
	if (flags & FLAG_AP_FIRST)
		REQUIRE(env_create_ap() == SVSM_SUCCESS);
	else
		guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0);
	guest_init_ap_vmsa(ENV_NEW_CAA, ENV_SEV_FEATURES ^ (flags >> 7), 0);
	fill_pages(data + 41, size - 41);
	guest_call_begin(&env.gbsp, &r);
	memcpy(guest_ptr(ENV_BOOT_CAA), data + 32, 8);
	if (!(flags & FLAG_NO_PENDING))
		*(u8 *)guest_ptr(ENV_BOOT_CAA) = 1;
	v = guest_ptr(env.boot_vmsa);
	if (flags & FLAG_NOT_VMGEXIT)
		v->guest_exit_code = data[33];
	served = request_loop_handle_exit(env.bsp);
	REQUIRE(served == 0 || served == 1);
	if (served)
		REQUIRE(wire_code_ok(v->rax));
	check_invariants();
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Host micro-benchmark of the SVSM protocol path, for make bench
 * (instruction counts under valgrind --tool=callgrind; scripts/bench.py
 * runs each mode with N and 2N operations and divides the difference by
 * N, so set-up cancels out). Runs on the protocol tests' stack
 * (tests/unit/support/protocol_env.h: SNP platform code on the simulated
 * machine) with the guestmem backend's own bookkeeping off (bare), so the
 * figures are the SVSM's work; bench.py leaves the simulated instructions
 * out of the count (callgrind --toggle-collect on arch_pvalidate and
 * arch_rmpadjust) and counts the page zeroing (arch_try_zero) apart.
 *
 *   query N      N QUERY_PROTOCOL calls through request_loop_handle_exit():
 *                VMSA reads, calling area, dispatch, write-back (plus the
 *                guest's three stores that re-arm the call)
 *   sim-query N  the same with the simulator backend's checks and log
 *   pval N       N PVALIDATE requests of 510 4 KiB entries at CAA + 8
 *                (validate with ignore-CF: repeatable); divide by 510
 *
 * Build: make bench-protocol (tests/unit/protocol.mk).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/guestmem.h>
#include <svsm/hw/vmsa.h>
#include <svsm/lib/check.h>
#include <svsm/request_loop.h>

#include "../sim/guest.h"
#include "../sim/guestmem_sim.h"
#include "../sim/sim.h"
#include "../unit/support/protocol_env.h"

#define BATCH 510

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

__attribute__((noinline)) static void bench_query(long n)
{
	struct sev_vmsa *v = guest_ptr(env.boot_vmsa);
	u8 *pending = guest_ptr(ENV_BOOT_CAA);
	struct svsm_vcpu *bsp = env.bsp;
	struct guest_regs r = {
		guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL), 1, 0, 0
	};

	guest_call_begin(&env.gbsp, &r);
	for (long i = 0; i < n; i++) {
		v->rax = r.rax;
		v->rcx = 1;
		*pending = 1;
		if (request_loop_handle_exit(bsp) != 1)
			abort();
	}
	if (v->rax != SVSM_SUCCESS || v->rcx != (1ULL << 32 | 1))
		abort();
}

__attribute__((noinline)) static void bench_pval(long n)
{
	static u64 e[BATCH];
	phys_addr_t req = ENV_BOOT_CAA + 8;
	struct svsm_pvalidate_hdr *hdr = guest_ptr(req);

	for (u32 i = 0; i < BATCH; i++)
		e[i] = guest_pval_entry(ENV_DATA + i * PAGE_SIZE, false, true,
					true);
	sim_rmp_guest_valid(ENV_DATA, BATCH * PAGE_SIZE, SVSM_GUEST_VMPL);
	guest_write_pval_request(req, BATCH, 0, e);
	for (long i = 0; i < n; i++) {
		/* The SVSM wrote `next` = BATCH back, and nothing else. */
		hdr->next = 0;
		if (env_core(SVSM_CORE_PVALIDATE, req, 0, 0) != SVSM_SUCCESS)
			abort();
	}
	if (hdr->next != BATCH)
		abort();
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[2]) : -1;

	if (n < 0) {
		fputs("usage: bench_protocol query|sim-query|pval N\n",
		      stderr);
		return 2;
	}
	protocol_env_setup();
	/* The simulator's bookkeeping is not the SVSM's work. */
	guestmem_sim.check_rmp = false;
	guestmem_sim.bare = argv[1][0] != 's';
	if (!strcmp(argv[1], "query") || !strcmp(argv[1], "sim-query"))
		bench_query(n);
	else if (!strcmp(argv[1], "pval"))
		bench_pval(n);
	else
		return 2;
	return 0;
}

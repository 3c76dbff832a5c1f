/* SPDX-License-Identifier: MIT */
/*
 * Host micro-benchmark of the SVSM protocol path, for make bench
 * (instruction counts under valgrind --tool=callgrind; scripts/bench.py
 * runs each mode with N and 2N operations and divides the difference by
 * N, so set-up cancels out). Runs on the stand-in simulator
 * (tests/unit/support/protocol_env.h) with the simulated PVALIDATE and
 * RMPADJUST turned into no-ops, so the figures are the SVSM's own work.
 *
 *   query N  N QUERY_PROTOCOL calls through request_loop_handle_exit():
 *            VMSA copy, calling area, dispatch, write-back (plus the
 *            guest's three stores that re-arm the call); guest-memory
 *            copies are a bare memcpy
 *   sim-query N  the same with the simulator backend's checks and log
 *   pval N   N PVALIDATE requests of 510 4 KiB entries at CAA + 8
 *            (validate with ignore-CF: repeatable); divide by 510
 *   zero N   N guestmem_zero() of one 4 KiB page (the part of an entry
 *            that is memory bandwidth, not decoding)
 *
 * Build (from the top of the tree; scripts/bench.py does it if needed):
 *   gcc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -DSVSM_HOST -Iinclude \
 *       -Ikernel/arch/fake/include -O2 -g -o build/host/tests/bench_protocol \
 *       tests/bench/bench_protocol.c $(PROTOCOL_BENCH_SRCS)
 * with the sources listed in scripts/bench.py (PROTOCOL_BENCH_SRCS).
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
#include "../unit/support/protocol_env.h"
#include "../unit/support/sim_fake.h"

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
	struct sev_vmsa *v = guest_ptr(ENV_BOOT_VMSA);
	u8 *pending = guest_ptr(ENV_BOOT_CAA);
	struct guest_regs r = {
		guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL), 1, 0, 0
	};

	guest_call_begin(&env.gbsp, &r);
	for (long i = 0; i < n; i++) {
		v->rax = r.rax;
		v->rcx = 1;
		*pending = 1;
		if (request_loop_handle_exit(env.bsp) != 1)
			abort();
	}
	if (v->rax != SVSM_SUCCESS || v->rcx != (1ULL << 32 | 1))
		abort();
}

__attribute__((noinline)) static void bench_pval(long n)
{
	static u64 e[BATCH];
	phys_addr_t req = ENV_BOOT_CAA + 8;

	for (u32 i = 0; i < BATCH; i++)
		e[i] = guest_pval_entry(ENV_DATA + i * PAGE_SIZE, false, true,
					true);
	sim_fake_prevalidate(ENV_DATA, BATCH * PAGE_SIZE);
	for (long i = 0; i < n; i++) {
		guest_write_pval_request(req, BATCH, 0, e);
		if (env_core(SVSM_CORE_PVALIDATE, req, 0, 0) != SVSM_SUCCESS)
			abort();
	}
}

__attribute__((noinline)) static void bench_zero(long n)
{
	sim_fake_prevalidate(ENV_DATA, PAGE_SIZE);
	for (long i = 0; i < n; i++) {
		if (guestmem_zero(ENV_DATA, PAGE_SIZE))
			abort();
	}
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[2]) : -1;

	if (n < 0) {
		fprintf(stderr,
			"usage: bench_protocol query|sim-query|pval|zero N\n");
		return 2;
	}
	protocol_env_setup();
	sim_fake_noop_insns = true;
	/* The simulator's bookkeeping is not the SVSM's work. */
	guestmem_sim.check_rmp = false;
	guestmem_sim.bare = argv[1][0] != 's';
	if (!strcmp(argv[1], "query") || !strcmp(argv[1], "sim-query"))
		bench_query(n);
	else if (!strcmp(argv[1], "pval"))
		bench_pval(n);
	else if (!strcmp(argv[1], "zero"))
		bench_zero(n);
	else
		return 2;
	return 0;
}

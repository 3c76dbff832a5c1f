/* SPDX-License-Identifier: MIT */
/*
 * A small stand-in for the memory and RMP parts of the SEV-SNP simulator
 * (tests/sim/sim.h: sim_gpa_to_va(), sim_va_to_gpa(), sim_rmp(), same
 * struct sim_rmp_entry and instruction semantics), on a machine of its own:
 * a 32 MiB guest-physical arena at GPA 0 that the protocol tests lay out
 * freely (tests/unit/support/protocol_env.h), plus the platform operations
 * of include/svsm/platform.h on top of it and a run_guest op that calls a
 * test's guest. Fast to reset and fully controllable, it carries the
 * protocol unit tests, the fuzzer and the benchmark; test_protocol_snp.c
 * runs the same stack on the real simulator and SNP platform code.
 *
 * Instruction semantics (APM vol. 3 PVALIDATE/RMPADJUST, digest section 4),
 * as tests/sim/rmp.c:
 * - PVALIDATE: FAIL_INPUT outside the arena, on an unassigned page or a
 *   VMSA; FAIL_SIZEMISMATCH when the size differs from the RMP entry's;
 *   CF (unchanged) when the page is already in the requested state.
 * - RMPADJUST from VMPL0: FAIL_PERMISSION for target VMPL 0, FAIL_INPUT
 *   above 3, on an unassigned or unvalidated page, or for a 2 MiB VMSA;
 *   FAIL_SIZEMISMATCH as above; sets the target's permissions and the
 *   VMSA bit.
 */
#ifndef TESTS_SIM_FAKE_H
#define TESTS_SIM_FAKE_H

#include <svsm/platform.h>
#include <svsm/types.h>

#include "../../sim/sim.h"

#define SIM_ARENA_SIZE 0x2000000ULL /* 32 MiB of guest-physical space */
#define SIM_PAGES (SIM_ARENA_SIZE / PAGE_SIZE)

struct sim_fake_stats {
	u64 pvalidates, rmpadjusts, flushes, runs;
};

extern struct sim_fake_stats sim_stats;

/*
 * Zeroes the arena; every page assigned, 4 KiB, not validated; counters
 * cleared; run_guest calls nobody.
 */
void sim_fake_reset(void);
/*
 * The same, faster (fuzzer, benchmark): only pages that are validated now
 * are zeroed, the only ones anything could have written (an access to any
 * other page faults, tests/sim/guestmem_sim.h).
 */
void sim_fake_reset_written(void);

/* Marks [gpa, gpa + len) validated with VMPL2 RWX (launch-time state). */
void sim_fake_prevalidate(phys_addr_t gpa, u64 len);

/* A copy of the whole RMP, and its size, for before/after comparisons. */
const void *sim_fake_rmp_image(size_t *size);

/* Called by the fake platform's run_guest: the guest runs until VMGEXIT. */
extern void (*sim_fake_guest_run)(void *ctx);
extern void *sim_fake_guest_ctx;

/* Forces the next platform_pvalidate() to return rc (once), if rc >= 0. */
extern int sim_fake_pvalidate_force;

/* PVALIDATE and RMPADJUST succeed at once, touching nothing (benchmark). */
extern bool sim_fake_noop_insns;

/* The fake platform (platform_get() returns it). */
extern const struct platform sim_fake_platform;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Host backend of include/svsm/guestmem.h (tests/sim/guestmem_sim.c): guest
 * physical memory is the simulator's arena, reached through
 * sim_gpa_to_va(). An access to a page the RMP model does not show as
 * assigned and validated faults (-SVSM_EFAULT), as a #VC would stop the
 * real SVSM, so a test sees any path where the SVSM touches a page it must
 * not.
 *
 * Hooks let tests watch and disturb the SVSM: every copy out of guest
 * memory is logged (so a test can prove a request was read exactly once)
 * and after_read runs after each such copy (so a test can change the
 * request while the SVSM works on it, as a malicious vCPU would).
 *
 * A mapping is a pointer into the arena (O(1)); the bookkeeping above is
 * the simulator's, so the benchmark switches it off (bare) to count only
 * the SVSM's own instructions.
 */
#ifndef TESTS_SIM_GUESTMEM_SIM_H
#define TESTS_SIM_GUESTMEM_SIM_H

#include <svsm/types.h>

/* The arena and the RMP (memory.c, rmp.c). */
#include "sim.h"

#define GUESTMEM_SIM_LOG_MAX 4096

struct guestmem_sim_access {
	phys_addr_t gpa;
	u64 len;
	bool write;
};

struct guestmem_sim_state {
	/*
	 * Every copy to or from guest memory (zeroing is a write), in order,
	 * until the log fills.
	 */
	struct guestmem_sim_access log[GUESTMEM_SIM_LOG_MAX];
	u32 nlog;
	u64 reads, writes, faults;
	u32 depth; /* mappings currently held */
	/* Runs after each copy out of guest memory; may change guest memory. */
	void (*after_read)(phys_addr_t gpa, u64 len, void *ctx);
	void *ctx;
	/* Check sim_page_accessible() on every access (default on). */
	bool check_rmp;
	/*
	 * Accesses are a bare memcpy or zeroing, mappings bare pointers: no
	 * RMP check, log, hook, direction or nesting check (the benchmark,
	 * to count the SVSM's own work). Set only with no mapping held.
	 */
	bool bare;
};

extern struct guestmem_sim_state guestmem_sim;

/* Clears the log, counters and hooks; check_rmp on. */
void guestmem_sim_reset(void);

/* Bytes of [gpa, gpa + len) covered by logged reads, counted with repeats. */
u64 guestmem_sim_bytes_read(phys_addr_t gpa, u64 len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A simulated guest at VMPL2 (tests/sim/guest.c): it owns VMSAs and calling
 * areas in the simulator's arena and calls the SVSM the way Linux does
 * (snp-svsm-protocol.md sections 1.3, 8.2):
 *
 *   registers into its VMSA (the hardware's part of VMGEXIT: RAX, RCX,
 *   RDX, R8, GUEST_EXIT_CODE = 0x403), CAA.call_pending = 1, VMGEXIT
 *   (= return to the SVSM), and once resumed: exchange call_pending with
 *   0 (a 1 there means the SVSM never served the call), results from the
 *   VMSA.
 *
 * Two ways to run it. guest_call() is synchronous: its vmgexit callback
 * runs the SVSM side (for example request_loop_handle_exit()) and
 * returns. The Linux boot program (struct guest_linux) is a state machine
 * for the full request loop: each time the SVSM runs the guest,
 * guest_linux_run() collects the previous call's results and issues the
 * next call, so it can sit behind a simulated hypervisor's run-VMPL
 * callback.
 */
#ifndef TESTS_SIM_GUEST_H
#define TESTS_SIM_GUEST_H

#include <svsm/types.h>

/*
 * The guest's own pointer to guest memory at gpa, valid to the end of its
 * page (the guest reaches its memory directly; it is not the SVSM).
 */
void *guest_ptr(phys_addr_t gpa);

/* A vCPU as the guest knows it. */
struct sim_vcpu {
	u32 apic_id;
	phys_addr_t vmsa;
	phys_addr_t caa;
};

struct guest_regs {
	u64 rax, rcx, rdx, r8;
};

/* RAX value guest_call() returns when call_pending was still set. */
#define GUEST_NOT_SERVED (~0ULL)

/* Issues a call: registers into the VMSA, exit code, call_pending = 1. */
void guest_call_begin(const struct sim_vcpu *v, const struct guest_regs *in);
/*
 * After the SVSM resumed the guest: exchanges call_pending with 0 and
 * reads the registers back. Returns false if call_pending was still 1.
 */
bool guest_call_end(const struct sim_vcpu *v, struct guest_regs *out);

struct sim_guest {
	/* Runs the SVSM side of one VMGEXIT; returns when it resumes us. */
	void (*vmgexit)(void *ctx);
	void *ctx;
	u64 calls;
};

/*
 * begin, vmgexit, end. Returns RAX (the result) or GUEST_NOT_SERVED;
 * rcx/rdx/r8, when not NULL, carry the arguments in and outputs out.
 */
u64 guest_call(struct sim_guest *g, const struct sim_vcpu *v, u64 rax,
	       u64 *rcx, u64 *rdx, u64 *r8);

/* RAX of a call: protocol << 32 | call id. */
static inline u64 guest_rax(u32 protocol, u32 call)
{
	return (u64)protocol << 32 | call;
}

/* A PVALIDATE entry (digest section 2.1.1). */
u64 guest_pval_entry(phys_addr_t pa, bool huge, bool validate,
		     bool ignore_cf);
/* Writes a PVALIDATE request (header and entries) at gpa. */
void guest_write_pval_request(phys_addr_t gpa, u16 entries, u16 next,
			      const u64 *entry);
/* The `next` field of the request at gpa. */
u16 guest_pval_next(phys_addr_t gpa);

/*
 * Fills the page at vmsa as Linux fills an AP's VMSA before CREATE_VCPU
 * (digest section 5.2): reset state, VMPL 2, EFER.SVME, sev_features.
 */
void guest_init_ap_vmsa(phys_addr_t vmsa, u64 sev_features, u64 rip);

/* ---- The Linux boot program ------------------------------------------ */

#define GUEST_PVAL_BATCH 510 /* entries that fit at CAA + 8 */
#define GUEST_WORK_MAX 2048

/* What the program should do, in this order. */
struct guest_linux_plan {
	struct sim_vcpu *bsp;
	/* PVALIDATE entries ("PSC descriptor") before and after REMAP_CA. */
	const u64 *early;
	u32 nearly;
	const u64 *late;
	u32 nlate;
	phys_addr_t new_caa;  /* REMAP_CA target (per-CPU calling area) */
	struct sim_vcpu *ap;  /* CREATE_VCPU, then DELETE_VCPU */
	u64 sev_features;
};

enum guest_linux_phase {
	GL_QUERY,
	GL_PVAL_EARLY,
	GL_REMAP,
	GL_PVAL_LATE,
	GL_CREATE,
	GL_DELETE,
	GL_DONE,
	GL_FAILED,
};

struct guest_linux {
	struct guest_linux_plan plan;
	enum guest_linux_phase phase;
	bool in_call;
	/* PVALIDATE state, as Linux's svsm_pval_pages() keeps it. */
	const u64 *work;
	u32 nwork, work_pos;
	u32 batch;             /* entries in the request being issued */
	u64 pv4k[GUEST_WORK_MAX]; /* 2 MiB entries to redo as 4 KiB */
	u32 npv4k, pv4k_pos;
	u64 pfn_4k;            /* next 4 KiB frame of pv4k[pv4k_pos] */
	bool in_4k;            /* pfn_4k is set */
	/* What happened, for the test to check. */
	u64 calls, size_mismatches, entries_4k;
	u64 last_rax;
	const char *failure;
};

void guest_linux_init(struct guest_linux *gl,
		      const struct guest_linux_plan *plan);
/*
 * One guest run: finishes the call in flight (if any), then issues the
 * next one. Returns true while the program has more to do.
 */
bool guest_linux_run(struct guest_linux *gl);

#endif

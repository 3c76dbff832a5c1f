/* SPDX-License-Identifier: MIT */
/*
 * The simulated SEV-SNP machine host tests run the SVSM's platform code
 * against (docs/snp.md, "The simulator"):
 *  - memory.c: guest-physical memory, a 64 MiB arena at SIM_GPA_BASE, and
 *    the VA <-> GPA mapping the fake arch and guestmem backends use; the
 *    first 16 MiB is the SVSM's own region (with a page allocator), the
 *    rest guest RAM;
 *  - rmp.c: the RMP, per 4 KiB page: assigned, validated, 2 MiB entry,
 *    VMSA, per-VMPL (1..3) permissions; PVALIDATE and RMPADJUST with the
 *    hardware's result codes;
 *  - hv.c: a hypervisor answering the GHCB MSR protocol and the NAEs the
 *    SVSM uses, with switches to answer maliciously;
 *  - snp_glue.c: the host side of the SNP glue (include/svsm/snp.h);
 *  - race.c: a "racing" hypervisor that changes a GHCB field right after
 *    the SVSM reads it, to prove each field is read once;
 *  - guestmem_sim.c (guestmem_sim.h): the host backend of
 *    include/svsm/guestmem.h on the arena, with access checks against the
 *    RMP, a log of every copy and a hook to change memory after a read;
 *  - guest.c (guest.h): a VMPL2 guest that calls the SVSM as Linux does;
 *  - snp_env.c (snp_env.h): a booted SNP platform on all of the above.
 * kernel/arch/fake/snp.c forwards the arch SNP instructions here.
 * Single-threaded; several vCPUs are simulated by switching sim_set_cpu().
 */
#ifndef TESTS_SIM_SIM_H
#define TESTS_SIM_SIM_H

#include <setjmp.h>

#include <svsm/hw/snp_cpuid.h>
#include <svsm/types.h>

/* ---- memory.c --------------------------------------------------------- */

#define SIM_GPA_BASE 0x40000000ULL
#define SIM_MEM_SIZE (64ULL << 20)
#define SIM_SVSM_BASE SIM_GPA_BASE /* the SVSM's own region */
#define SIM_SVSM_SIZE (16ULL << 20)
#define SIM_GUEST_BASE (SIM_SVSM_BASE + SIM_SVSM_SIZE) /* guest RAM */
#define SIM_GUEST_SIZE (SIM_MEM_SIZE - SIM_SVSM_SIZE)
#define SIM_BAD_GPA (~0ULL)
/* The launch pages, the last two of the SVSM region (never allocated). */
#define SIM_SECRETS_GPA (SIM_GUEST_BASE - 2 * PAGE_SIZE)
#define SIM_CPUID_GPA (SIM_GUEST_BASE - PAGE_SIZE)
#define SIM_MAX_CPUS 8

/*
 * Fresh machine: zeroed memory; RMP with the SVSM region assigned and
 * validated (4 KiB entries, as stage2 leaves it), guest RAM assigned and
 * not validated; a well-behaved hypervisor (sim_hv defaults); CPU 0. Also
 * resets the host glue (no GHCBs). Call at the start of every test.
 * Fast enough for a fuzzer to call per input: memory costs what was
 * touched since the last reset (memory.c), the RMP is one copy.
 */
void sim_reset(void);

/* Host pointer for [gpa, gpa + len) in the arena; NULL outside it. */
void *sim_gpa_to_va(u64 gpa, u64 len);
/* GPA of a host pointer into the arena; SIM_BAD_GPA outside it. */
u64 sim_va_to_gpa(const void *va);

/*
 * Page allocator over the SVSM region: 2^order zeroed contiguous pages,
 * naturally aligned; NULL when exhausted. sim_alloc_next_2m_aligned makes
 * the next order-0 allocation return a 2 MiB-aligned page (to test code
 * that must avoid one).
 */
void *sim_alloc_pages(unsigned int order);
void sim_free_pages(void *va);
u64 sim_pages_in_use(void);
extern bool sim_alloc_next_2m_aligned;
extern bool sim_alloc_fail; /* every allocation fails while set */

/* The simulated vCPU that runs (0 .. SIM_MAX_CPUS - 1). */
void sim_set_cpu(u32 cpu);
u32 sim_cpu(void);

/*
 * Things the SVSM code did that the simulated machine would not allow
 * (e.g. a NAE through a private GHCB page). Tests check the count is 0.
 */
void sim_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
u32 sim_error_count(void);
const char *sim_last_error(void);

/* ---- rmp.c ------------------------------------------------------------ */

struct sim_rmp_entry {
	bool assigned;  /* guest-owned (private); false = shared */
	bool validated;
	bool huge;      /* part of a 2 MiB RMP entry */
	bool vmsa;
	u8 perms[4];    /* [1..3]: RMPADJUST masks (bits 8-11 >> 8) */
};

#define SIM_RMP_ENTRIES (SIM_MEM_SIZE / PAGE_SIZE)

/* The entry of the page holding gpa; NULL outside the arena. */
struct sim_rmp_entry *sim_rmp(u64 gpa);
/*
 * The whole RMP, SIM_RMP_ENTRIES entries from SIM_GPA_BASE up (for tests
 * that compare it before and after an operation).
 */
const struct sim_rmp_entry *sim_rmp_table(void);
/* Sets [gpa, gpa + size): state and entry size (2 MiB needs alignment). */
void sim_rmp_set(u64 gpa, u64 size, bool assigned, bool validated,
		 bool huge);
/*
 * [gpa, gpa + size) as the firmware leaves memory a guest at vmpl (1..3)
 * was launched with: assigned, validated, 4 KiB entries, vmpl has RWX.
 */
void sim_rmp_guest_valid(u64 gpa, u64 size, u8 vmpl);
/* The instructions, as the fake arch calls them (va is a host pointer). */
int sim_pvalidate(u64 va, bool huge, bool validate, bool *unchanged);
int sim_rmpadjust(u64 va, bool huge, u64 attrs);
/*
 * The hypervisor's RMP update for a page state change at gpa (2 MiB if
 * huge): PSC_OP_PRIVATE/SHARED/PSMASH/UNSMASH. Returns 0 or -1.
 */
int sim_rmp_psc(u64 gpa, bool huge, u64 op);
/*
 * May the SVSM access gpa through a private (C-bit) mapping: assigned and
 * validated (the guestmem backend's check; else a #VC/#NPF on hardware).
 */
bool sim_page_accessible(u64 gpa);
/* May a lower VMPL (1..3) access gpa with all of perm (RMPADJUST bits)? */
bool sim_rmp_vmpl_can(u64 gpa, u8 vmpl, u64 perm);

enum sim_insn {
	SIM_INSN_PVALIDATE,
	SIM_INSN_RMPADJUST,
};

/*
 * The next execution of insn returns rc (SNP_INSN_*) and changes nothing,
 * once: for results the model's state would not produce (a hardware
 * error), to test how the SVSM reports them. sim_reset() clears it.
 */
void sim_rmp_force(enum sim_insn insn, int rc);

struct sim_rmp_stats {
	u64 pvalidates;
	u64 rmpadjusts;
	u64 faults;         /* va outside the arena (a #PF on hardware) */
	u64 vmsa_2m_aligned; /* refused: VMSA bit on a 2 MiB-aligned page */
	u64 forced;         /* results that came from sim_rmp_force() */
};
extern struct sim_rmp_stats sim_rmp_stats;

/* ---- hv.c ------------------------------------------------------------- */

/*
 * Malicious answers (sim_hv.evil, any combination). Those marked with
 * "target" only apply to the MSR function code or NAE exit code in
 * sim_hv.evil_target (0: every one).
 */
#define SIM_EVIL_MSR_WRONG_CODE BIT(0) /* target: response code + 0x10 */
#define SIM_EVIL_GFN_MISMATCH BIT(1)   /* GHCB registration echoes GFN + 1 */
#define SIM_EVIL_MSR_PSC_ERROR BIT(2)  /* MSR PSC answers error 1 */
#define SIM_EVIL_RUN_VMPL_ERROR BIT(3) /* run VMPL answers error 1 */
#define SIM_EVIL_EXIT_EXCEPTION BIT(4) /* target: SW_EXITINFO1 = 1 (#GP) */
#define SIM_EVIL_EXIT_MALFORMED BIT(5) /* target: SW_EXITINFO1 = 2 */
#define SIM_EVIL_NO_VALID_BITS BIT(6)  /* target: outputs not marked valid */
#define SIM_EVIL_PSC_ERROR BIT(7)      /* SW_EXITINFO2 error on a 4K entry */
#define SIM_EVIL_PSC_BACKWARDS BIT(8)  /* cur_entry moves back */
#define SIM_EVIL_PSC_BEYOND_END BIT(9) /* cur_entry past end_entry + 1 */
#define SIM_EVIL_PSC_END_CHANGED BIT(10)
#define SIM_EVIL_PSC_RESERVED BIT(11)  /* header reserved field set */
#define SIM_EVIL_PSC_STALL BIT(12)     /* never makes progress */
#define SIM_EVIL_PSC_BAD_CUR_PAGE BIT(13) /* 4K entry's current page set */
#define SIM_EVIL_CPUID_CONTRADICT BIT(14) /* EBX ^ 1 for listed leaves */
#define SIM_EVIL_CBIT_CONTRADICT BIT(15)  /* SEV info names another C-bit */
#define SIM_EVIL_EXIT_INFO1_INVALID BIT(16) /* target: SW_EXITINFO1 invalid */
#define SIM_EVIL_AP_CREATE_ERROR BIT(17)  /* AP creation answers malformed */
#define SIM_EVIL_PSC_NOOP BIT(18) /* reports success, RMP left unchanged */

struct sim_ap_create {
	u64 exit_info_1;
	u64 vmsa_gpa;
	u64 sev_features;
};

#define SIM_MAX_AP_CREATES 16
#define SIM_COM1_BUF 8192
#define SIM_MAX_MSRS 16

typedef void (*sim_guest_fn)(u32 cpu, u8 vmpl, void *ctx);
/* Returns true if it handled the NAE in ghcb (a struct ghcb *). */
typedef bool (*sim_nae_fn)(void *ghcb, u64 exit_code, void *ctx);

struct sim_hv {
	/* Configuration (sim_reset() sets well-behaved defaults). */
	u64 sev_status;      /* SEV|ES|SNP|RestrictedInj|DebugSwap */
	u64 features;        /* GHCB_HV_FT_SNP|AP_CREATION|MULTI_VMPL */
	u16 version_min, version_max; /* 1, 2 */
	u8 cbit;             /* 51 */
	u64 xcr0;            /* what XGETBV returns: 3 */
	u64 evil;            /* SIM_EVIL_* */
	u64 evil_target;
	u16 psc_max_per_call; /* entries per NAE before returning; 0 = all */
	bool psc_refuse_2m;   /* stop with an error at any 2 MiB entry */
	bool psc_refuse_2m_once; /* ... only at the first one */
	/* The host's CPUID (also the CPUID page, see sim_cpuid_page()). */
	struct snp_cpuid_table cpuid;
	/* Run VMPL: the "guest" that runs until it exits to VMPL0. */
	sim_guest_fn guest;
	void *guest_ctx;
	/* NAEs the hypervisor does not know are offered here first. */
	sim_nae_fn nae_hook;
	void *nae_ctx;

	/* State. */
	u64 msr[SIM_MAX_CPUS];      /* GHCB MSR of each vCPU */
	u64 ghcb_gpa[SIM_MAX_CPUS]; /* registered GHCB, 0 if none */
	u64 ports[65536];           /* last value written per I/O port */
	u32 msr_idx[SIM_MAX_MSRS];
	u64 msr_val[SIM_MAX_MSRS];
	u32 nmsrs;

	/* Observations. */
	bool terminated;
	u8 term_set, term_code;
	u64 vmgexits, msr_requests, naes, psc_calls, cpuid_naes;
	u64 last_exit_code;
	u32 vmpl_runs;
	u8 last_vmpl;
	char com1[SIM_COM1_BUF];
	size_t com1_len;
	struct sim_ap_create ap[SIM_MAX_AP_CREATES];
	u32 nap;
	u64 tlb_flushes;
	u64 halts;
};

extern struct sim_hv sim_hv;

/*
 * While a NAE is answered (nae_hook): the request's valid bitmap (the
 * page's own is cleared for the answer), and one bit of it.
 */
const u8 *sim_nae_request_valid(void);
bool sim_nae_req_valid(u32 offset);

/* VMGEXIT on the current vCPU: acts on its GHCB MSR value. */
void sim_vmgexit(void);
u64 sim_ghcb_msr_read(void);
void sim_ghcb_msr_write(u64 value);
u64 sim_sev_status(void);

/* Fills page with the CPUID page the hypervisor launched (sim_hv.cpuid). */
void sim_cpuid_page(struct snp_cpuid_table *page);
/* Adds an entry to sim_hv.cpuid. */
void sim_cpuid_add(u32 leaf, u32 subleaf, u64 xcr0, u64 xss, u32 eax,
		   u32 ebx, u32 ecx, u32 edx);

/*
 * Termination. The hypervisor records the request in sim_hv.terminated,
 * term_set, term_code; if a test armed it with SIM_EXPECT_TERMINATION it
 * then longjmps back there, otherwise it reports the unexpected
 * termination and aborts. Usage:
 *
 *	SIM_EXPECT_TERMINATION(snp_msr_register_ghcb(pa));
 *	assert_true(sim_hv.terminated);
 *	assert_int_equal(sim_hv.term_code, SNP_TERM_GHCB_REGISTER);
 *
 * Locals changed inside the statement must be volatile to be read after.
 */
extern jmp_buf sim_term_jmp;
extern bool sim_term_armed;
#define SIM_EXPECT_TERMINATION(stmt)            \
	do {                                    \
		sim_term_armed = true;          \
		if (setjmp(sim_term_jmp) == 0) { \
			stmt;                   \
			sim_term_armed = false; \
		}                               \
	} while (0)

/* The fake arch's hlt after a termination request (never reached). */
void sim_halt(void);

/* ---- race.c ----------------------------------------------------------- */

/*
 * While enabled, the GHCB page of the current vCPU is unreadable after
 * each VMGEXIT; every read of it by the SVSM faults, is recorded, completes
 * with the value the hypervisor wrote, and then the 8-byte word it read is
 * changed (bits inverted), as a hypervisor on another vCPU could. A value
 * read twice is therefore seen changed the second time. x86-64 hosts only
 * (single-step via RFLAGS.TF); sim_race_supported() says whether it works.
 */
bool sim_race_supported(void);
void sim_race_enable(bool on);
/* Reads of each 8-byte word of the GHCB since the last VMGEXIT. */
u32 sim_race_reads(u32 offset);
/* Called by the hypervisor after it answered (arms the next round). */
void sim_race_arm(void *ghcb_page);
void sim_race_disarm(void);

/* ---- snp_glue.c ------------------------------------------------------- */

/* Temporary mappings still outstanding (must be 0 between calls). */
extern u32 sim_glue_temp_maps;
extern u32 sim_glue_vc_installs;
void sim_glue_reset(void);

#endif

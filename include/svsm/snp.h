/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform layer (kernel/platform/snp), internal API. Protocol
 * references are to the interface digest (docs/snp.md cites its sections):
 * GHCB page and MSR protocol (§3), instructions (§4), VMSA (§5), secrets and
 * CPUID pages (§6).
 *
 * Trust rule (ARCHITECTURE §7): every value the hypervisor returns is
 * untrusted. The MSR protocol is checked field by field; a GHCB page is
 * copied out once into SVSM memory and only the copy is checked and used.
 * Any hypervisor misbehaviour terminates the SVSM (snp_terminate()) with a
 * reason of set SNP_TERM_SET_SVSM: continuing on state the SVSM did not
 * validate is never an option.
 *
 * The same code runs in the kernel and in host tests; the few operations
 * that differ (allocation, temporary mappings, CPU index) are the "glue"
 * at the end of this header: kernel/platform/snp/glue_kernel.c in the
 * kernel, tests/sim/snp_glue.c on the host.
 */
#ifndef SVSM_SNP_H
#define SVSM_SNP_H

#include <svsm/boot/launch_info.h>
#include <svsm/hw/ghcb.h>
#include <svsm/hw/snp_cpuid.h>
#include <svsm/hw/snp_secrets.h>
#include <svsm/hw/vmsa.h>
#include <svsm/io.h>
#include <svsm/platform.h>
#include <svsm/types.h>

#define SNP_MAX_CPUS 64

/* ---- Termination (snp_platform.c) ------------------------------------ */

/*
 * Wipes VMPCK0-3, asks the hypervisor to terminate the VM with reason
 * (set, code) through the MSR protocol (digest §3.4, 0x100) and never
 * returns: VMGEXIT and hlt in a loop.
 */
__noreturn void snp_terminate(u8 set, u8 code);
/* snp_terminate(SNP_TERM_SET_SVSM, reason). */
__noreturn void snp_fail(enum snp_svsm_term_reason reason);

/* ---- SEV_STATUS policy (sev_status.c, digest §5.4) ------------------- */

/* SEV_STATUS bits (MSR 0xC001_0131); bit n + 2 is SEV_FEATURES bit n. */
#define SEV_STATUS_SEV BIT(0)
#define SEV_STATUS_SEV_ES BIT(1)
#define SEV_STATUS_FEAT(f) ((u64)(f) << 2)

/* Features the SVSM's own VMPL0 VMSA must have (COCONUT's policy). */
#define SNP_STATUS_REQUIRED                                      \
	(SEV_STATUS_SEV | SEV_STATUS_SEV_ES |                    \
	 SEV_STATUS_FEAT(SEV_FEAT_SNP_ACTIVE |                   \
			 SEV_FEAT_RESTRICTED_INJECTION |         \
			 SEV_FEAT_DEBUG_SWAP))
/* Features that may be on or off; any other bit set is refused. */
#define SNP_STATUS_TOLERATED                                      \
	SEV_STATUS_FEAT(SEV_FEAT_VTOM | SEV_FEAT_PREVENT_HOST_IBS | \
			SEV_FEAT_BTB_ISOLATION | SEV_FEAT_SMT_PROTECTION)

/*
 * Checks a SEV_STATUS value against the policy. Returns 0, or -SVSM_ENOTSUP
 * with *missing (required bits that are clear) and *extra (bits neither
 * required nor tolerated) filled in.
 */
int snp_check_sev_status(u64 status, u64 *missing, u64 *extra);

/* ---- GHCB MSR protocol (ghcb_msr.c, digest §3.4) --------------------- */

/* Register selector of the MSR-protocol CPUID request. */
enum snp_cpuid_reg {
	SNP_CPUID_EAX = 0,
	SNP_CPUID_EBX = 1,
	SNP_CPUID_ECX = 2,
	SNP_CPUID_EDX = 3,
};

/*
 * One MSR-protocol exchange: writes request to the GHCB MSR, VMGEXIT,
 * returns the MSR's new value. Interrupts are off for the exchange.
 */
u64 snp_msr_exchange(u64 request);

/*
 * Each function below terminates the SVSM when the answer has the wrong
 * function code or reports an error; they return only on success.
 */
/* SEV information: version 2 must be in [min, max] (else set 0, code 1). */
u8 snp_msr_sev_info(void);
/* CPUID through the MSR protocol (leaf only, no sub-leaf). */
u32 snp_msr_cpuid(u32 leaf, enum snp_cpuid_reg reg);
/* Registers the GHCB at gpa; the echoed GFN must match. */
void snp_msr_register_ghcb(phys_addr_t gpa);
/* Single 4 KiB page state change; op is PSC_OP_PRIVATE or PSC_OP_SHARED. */
void snp_msr_psc(phys_addr_t gpa, u64 op);
/* Runs VMPL vmpl on this vCPU until it exits back to the SVSM. */
void snp_msr_run_vmpl(u8 vmpl);
/* Hypervisor feature bitmap (GHCB_HV_FT_*). */
u64 snp_msr_hv_features(void);
/* The raw termination request; does not return. */
__noreturn void snp_msr_terminate(u8 set, u8 code);

/* ---- GHCB page protocol (ghcb.c, digest §3.1-3.3) -------------------- */

/* GHCB save-area fields a call passes in or needs back. */
#define GHCB_F_RAX BIT(0)
#define GHCB_F_RBX BIT(1)
#define GHCB_F_RCX BIT(2)
#define GHCB_F_RDX BIT(3)
#define GHCB_F_XCR0 BIT(4)
#define GHCB_F_XSS BIT(5)
#define GHCB_F_EXIT_INFO_2 BIT(6) /* output: SW_EXITINFO2 must be valid */

struct ghcb_req {
	u64 exit_code;
	u64 exit_info_1;
	u64 exit_info_2;
	u64 rax, rbx, rcx, rdx, xcr0, xss;
	u32 in;  /* GHCB_F_* fields set in the request */
	u32 out; /* GHCB_F_* fields the hypervisor must return as valid */
	/* Copied to the shared buffer; SW_SCRATCH then holds its GPA. */
	const void *buf;
	u16 buf_len;
	/* Receives the first out_len bytes of the shared buffer, read once. */
	void *out_buf;
	u16 out_len;
};

/* The private copy of everything the hypervisor returned. */
struct ghcb_resp {
	u64 exit_info_1;
	u64 exit_info_2;
	u64 rax, rbx, rcx, rdx; /* only those named in req->out */
	u8 valid[16];
};

/* SW_EXITINFO1[31:0] of a completed NAE (digest §3.3). */
#define GHCB_EXIT_OK 0
#define GHCB_EXIT_EXCEPTION 1
#define GHCB_EXIT_MALFORMED 2

/*
 * Performs the NAE req on this CPU's GHCB: clears the valid bitmap, sets
 * SW_EXITCODE/INFO1/INFO2 and the req->in fields with their valid bits,
 * version 2, usage 0, writes the GHCB GPA to the GHCB MSR, VMGEXIT, then
 * copies every returned field out of the shared page once into *resp.
 * Returns 0; -SVSM_ENOENT if this CPU has no GHCB; -SVSM_EIO if
 * SW_EXITINFO1[31:0] is not 0 (exception request, malformed input or an
 * unknown value); -SVSM_EBADMSG if SW_EXITINFO1 or a req->out field is not
 * marked valid. *resp is filled in every case but -SVSM_ENOENT.
 */
int ghcb_call(const struct ghcb_req *req, struct ghcb_resp *resp);
/*
 * As ghcb_call(); a hypervisor error terminates (SNP_TERM_GHCB_RESPONSE),
 * a call on a CPU without a GHCB (an SVSM bug) panics.
 */
void ghcb_call_checked(const struct ghcb_req *req, struct ghcb_resp *resp);

/* Valid-bitmap helpers (bit off / 8 of the 128-bit map, digest §3.1). */
void ghcb_valid_set(u8 valid[16], u32 offset);
bool ghcb_valid_test(const u8 valid[16], u32 offset);

/*
 * Gives the calling CPU a GHCB: allocates a page, rescinds its validation,
 * makes it shared (MSR-protocol PSC), maps it without the C-bit and
 * registers it (digest §3.2). Terminates on hypervisor errors; returns
 * -SVSM_ENOMEM when out of memory, -SVSM_EEXIST if it already has one.
 */
int snp_ghcb_setup_cpu(void);
/* True if the calling CPU has a registered GHCB not in use right now. */
bool snp_ghcb_ready(void);
/* GPA of the calling CPU's GHCB (0 if none), for the page-table code. */
phys_addr_t snp_ghcb_pa(void);

/* ---- Page state changes (psc.c, psc_check.c, digest §3.8) ------------ */

enum psc_verdict {
	PSC_DONE = 0,      /* every entry processed */
	PSC_MORE,          /* progress is consistent; call again */
	PSC_ERR_HV,        /* SW_EXITINFO2 reports an error (header sane) */
	PSC_ERR_RESERVED,  /* reserved header field not zero */
	PSC_ERR_END,       /* end_entry was changed */
	PSC_ERR_BACKWARDS, /* cur_entry moved backwards */
	PSC_ERR_BEYOND,    /* cur_entry past end_entry + 1 */
	PSC_ERR_REQUEST,   /* the request header itself is malformed */
	/* Only from the PSC loop, not psc_check_response(): */
	PSC_ERR_ENTRY,     /* an entry's current page is out of range */
	PSC_ERR_STALLED,   /* no progress in 513 calls */
};

/*
 * Checks the descriptor header the hypervisor returned (after) against the
 * one that was sent (before) and SW_EXITINFO2. Pure; used by the PSC loop
 * and the fuzzer.
 */
enum psc_verdict psc_check_response(const struct psc_hdr *before,
				    const struct psc_hdr *after,
				    u64 exit_info_2);

/*
 * Fills d with entries for [*pa, end) (4 KiB aligned) with operation op;
 * 2 MiB entries where *pa is 2 MiB aligned, 2 MiB remain and *pa is not
 * below no_huge_end. Advances *pa past the entries. Returns the count
 * (1..PSC_MAX_ENTRIES) or 0 if *pa >= end.
 */
u16 psc_build(struct psc_desc *d, phys_addr_t *pa, phys_addr_t end, u64 op,
	      phys_addr_t no_huge_end);

/*
 * Page state change of [pa, pa + size) (4 KiB aligned) through the GHCB
 * NAE. A 2 MiB entry the hypervisor refuses (error while stopped on it,
 * unstarted) is retried as 512 4 KiB entries once; every other error or
 * inconsistent answer terminates with SNP_TERM_PSC. No validation change:
 * see snp_make_shared() / snp_make_private() for the full sequence.
 */
void snp_psc(phys_addr_t pa, u64 size, u64 op);

/* ---- Validation (pvalidate.c, digest §4) ----------------------------- */

/* One bit per 4 KiB page of a physical range: set = validated. */
struct snp_vbitmap {
	phys_addr_t base;
	u64 pages;
	u64 *bits;
};

#define SNP_VBITMAP_WORDS(size) ((((size) >> PAGE_SHIFT) + 63) / 64)

/* Uses storage (SNP_VBITMAP_WORDS(size) words, zeroed here). */
void snp_vbitmap_init(struct snp_vbitmap *bm, phys_addr_t base, u64 size,
		      u64 *storage);
/* Marks the pages of [pa, pa + size) that lie in the map. */
void snp_vbitmap_set(struct snp_vbitmap *bm, phys_addr_t pa, u64 size,
		     bool valid);
/* False for pages outside the map. */
bool snp_vbitmap_test(const struct snp_vbitmap *bm, phys_addr_t pa);
/* Number of pages marked valid. */
u64 snp_vbitmap_count(const struct snp_vbitmap *bm);

/* The SVSM's own region's map (NULL until snp_kernel_vbitmap_init()). */
struct snp_vbitmap *snp_kernel_vbitmap(void);
/* Sets up the kernel region's map, all pages valid (stage2 validated). */
int snp_kernel_vbitmap_init(phys_addr_t base, u64 size);

/*
 * PVALIDATE of one page through a temporary mapping of pa. Returns the
 * instruction's SNP_INSN_* result, *unchanged its CF.
 */
int snp_pvalidate_page(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged);
/* RMPADJUST of one page through a temporary mapping (SNP_INSN_*). */
int snp_rmpadjust_page(phys_addr_t pa, bool huge, u64 attrs);

/*
 * Validates or rescinds [pa, pa + size) (4 KiB aligned): 2 MiB PVALIDATE
 * where aligned, 512 x 4 KiB when that fails with FAIL_SIZEMISMATCH.
 * Updates the kernel region's bitmap. Returns 0; -SVSM_EINVAL on
 * FAIL_INPUT or bad arguments; -SVSM_EEXIST if a page was already in the
 * requested state (CF); -SVSM_EIO on another failure; -SVSM_ENOMEM if no
 * mapping could be made. Stops at the first error.
 */
int snp_pvalidate_range(phys_addr_t pa, u64 size, bool validate);

/* Rescind, then PSC shared (digest §3.8 order rule); terminates on error. */
void snp_make_shared(phys_addr_t pa, u64 size);
/* PSC private, then validate; terminates on error. */
void snp_make_private(phys_addr_t pa, u64 size);

/* ---- CPUID (cpuid.c, cpuid_table.c, digest §6.2) --------------------- */

struct snp_cpuid_result {
	u32 eax, ebx, ecx, edx;
};

/*
 * Looks (leaf, subleaf, xcr0, xss) up in table: ECX is significant only
 * for leaves with sub-leaves, XCR0/XSS only for leaf 0xD sub-leaves 0/1;
 * for those, a missing exact XCR0/XSS entry is recomputed from the
 * XCR0 = 1 or 3, XSS = 0 entry and the component sizes (as Linux does).
 * Pure. Returns true if the table answers.
 */
bool snp_cpuid_lookup(const struct snp_cpuid_table *table, u32 leaf,
		      u32 subleaf, u64 xcr0, u64 xss,
		      struct snp_cpuid_result *out);
/* True for leaves whose output depends on ECX (Linux's list). */
bool snp_cpuid_leaf_indexed(u32 leaf);
/* True if any entry of table is for leaf. */
bool snp_cpuid_has_leaf(const struct snp_cpuid_table *table, u32 leaf);

/*
 * Copies the launch CPUID page into SVSM memory. Returns 0, or
 * -SVSM_EINVAL if its count is not 1..64.
 */
int snp_cpuid_init(const struct snp_cpuid_table *page);
/* The private copy (NULL before snp_cpuid_init()). */
const struct snp_cpuid_table *snp_cpuid_table(void);

/*
 * CPUID as the SVSM sees it: the CPUID page for every leaf it lists
 * (missing sub-leaves of a listed leaf read as zero); hypervisor leaves
 * 0x4000_0000-0x4FFF_FFFF and unlisted leaves from the hypervisor (GHCB
 * NAE, or the MSR protocol before this CPU has a GHCB).
 */
void snp_cpuid(u32 leaf, u32 subleaf, u64 xcr0, u64 xss,
	       struct snp_cpuid_result *out);
/*
 * Asks the hypervisor (GHCB NAE, else MSR protocol) and checks the answer
 * against the CPUID page when it lists (leaf, subleaf): a contradiction
 * terminates with SNP_TERM_CPUID.
 */
void snp_cpuid_hv(u32 leaf, u32 subleaf, u64 xcr0, u64 xss,
		  struct snp_cpuid_result *out);
/*
 * C-bit position: CPUID page 0x8000_001F EBX[5:0]; the hypervisor's SEV
 * information answer (hv_cbit) must agree, else SNP_TERM_CPUID.
 */
u8 snp_cbit_from_cpuid(u8 hv_cbit);

/* ---- #VC (vc.c, vc_decode.c): CPUID, port I/O, RDMSR/WRMSR ----------- */

#define VC_INSN_MAX_LEN 15

enum vc_insn_kind {
	VC_INSN_CPUID,
	VC_INSN_RDMSR,
	VC_INSN_WRMSR,
	VC_INSN_IN,
	VC_INSN_OUT,
};

struct vc_insn {
	enum vc_insn_kind kind;
	u8 len;       /* bytes, prefixes included */
	u8 size;      /* IN/OUT operand size: 1, 2 or 4 */
	bool port_dx; /* IN/OUT: port in DX, else imm8 */
	u8 port_imm;
};

/*
 * Decodes the instruction at bytes[0..avail) (avail <= 15 is honoured:
 * nothing past it is read). Returns 0, -SVSM_EINVAL if truncated, or
 * -SVSM_ENOTSUP for anything but CPUID, RDMSR, WRMSR and the
 * non-string IN/OUT forms.
 */
int vc_decode(const u8 *bytes, size_t avail, struct vc_insn *out);

/* The registers a #VC handler reads and writes. */
struct vc_regs {
	u64 rax, rbx, rcx, rdx;
	u64 rip;
};

/*
 * Emulates the instruction that raised #VC with error code exit_code
 * (SVM_EXIT_CPUID/IOIO/MSR) through the GHCB and advances rip. The
 * instruction must match exit_code. xcr0 is the current XCR0 (for CPUID).
 * Returns 0, or the vc_decode() error / -SVSM_EINVAL on a mismatch.
 */
int vc_handle(struct vc_regs *regs, u64 exit_code, const u8 *bytes,
	      size_t avail, u64 xcr0);
/*
 * Glue: installs vc_handle() as the #VC handler (kernel); an instruction
 * it cannot emulate terminates with SNP_TERM_VC.
 */
void snp_vc_install(void);

/* ---- AP creation and VMSAs (vmsa.c, digest §3.10, §5.3) -------------- */

/* SW_EXITINFO1 of the AP creation NAE. */
static inline u64 snp_ap_create_info(u32 apic_id, u8 vmpl, u32 op)
{
	return ((u64)apic_id << 32) | ((u64)(vmpl & 0xf) << 16) |
	       (op & 0xffff);
}

/* AP creation NAE (op SVM_AP_*); errors terminate (SNP_TERM_AP_CREATE). */
void snp_ap_create(u32 apic_id, u8 vmpl, u32 op, phys_addr_t vmsa_pa,
		   u64 sev_features);

/* RMPADJUST attributes that make a page a VMSA for a VMPL (digest §4). */
#define SNP_VMSA_ATTRS_SVSM \
	(RMPADJUST_VMPL(1) | RMPADJUST_PERM_READ | RMPADJUST_VMSA)
#define SNP_VMSA_ATTRS_GUEST(vmpl) \
	(RMPADJUST_VMPL(vmpl) | RMPADJUST_PERM_READ | RMPADJUST_VMSA)

/*
 * Allocates a zeroed VMSA page that is never 2 MiB aligned (erratum,
 * digest §5.3). Returns its address, *pa its GPA; NULL when out of memory.
 */
struct sev_vmsa *snp_vmsa_alloc(phys_addr_t *pa);
/*
 * Turns the page into a VMSA: RMPADJUST with the VMSA bit, target VMPL1
 * for the SVSM's own VMSAs (guest_vmpl 0), else target guest_vmpl.
 * Returns 0 or -SVSM_EIO with the instruction result in *insn.
 */
int snp_vmsa_make(phys_addr_t pa, u8 guest_vmpl, int *insn);
/* Clears the VMSA bit (same target rule); 0 or -SVSM_EIO. */
int snp_vmsa_clear(phys_addr_t pa, u8 guest_vmpl, int *insn);
/* snp_vmsa_clear() (terminates on failure), zero, free. */
void snp_vmsa_free(struct sev_vmsa *vmsa, phys_addr_t pa, u8 guest_vmpl);

/* ---- Secrets page (secrets.c, digest §6.1) --------------------------- */

struct snp_svsm_info {
	u64 base;      /* SVSM memory GPA */
	u64 size;      /* SVSM memory size */
	u64 caa;       /* the boot vCPU's calling area (4 KiB aligned) */
	u8 guest_vmpl; /* 1..3 */
};

/*
 * Copies the launch secrets page into SVSM memory and zeroes the original
 * (only the SVSM may hold VMPCK0). Returns 0 or -SVSM_EINVAL if the page
 * is unusable (VMPCK0 all zero).
 */
int snp_secrets_init(struct snp_secrets_page *page);
/* The private copy (NULL before snp_secrets_init()). */
const struct snp_secrets_page *snp_secrets(void);
/*
 * The guest's copy: src with VMPCK0..VMPCK(guest_vmpl - 1) zeroed and the
 * SVSM fields set (svsm_max_version 1). Returns 0 or -SVSM_EINVAL on a bad
 * guest_vmpl or an unaligned calling area.
 */
int snp_secrets_guest_copy(struct snp_secrets_page *dst,
			   const struct snp_secrets_page *src,
			   const struct snp_svsm_info *info);
/* Zeroes VMPCK0-3 of the private copy (panic and terminate paths). */
void snp_secrets_wipe_vmpcks(void);

/* ---- Platform (snp_platform.c, console.c) ---------------------------- */

/*
 * Port I/O through the GHCB IOIO NAE (digest §3.7, 0x7B); size is 1, 2 or
 * 4. Returns the value read (IN) or 0. Terminates on a hypervisor error.
 */
u32 snp_ioio(u16 port, unsigned int size, bool in, u32 value);
/*
 * snp_ioio() as struct io_ops (the SNP console). Before the CPU has a
 * GHCB, writes are dropped and reads return all ones (a UART then looks
 * ready and never blocks).
 */
extern const struct io_ops snp_ghcb_io;

/* RDMSR / WRMSR through the MSR NAE (0x7C); terminate on error. */
u64 snp_msr_nae_read(u32 msr);
void snp_msr_nae_write(u32 msr, u64 value);

/* Termination reason as platform_terminate() takes it (see platform.h). */
#define SNP_TERM_PLATFORM_REASON(set, code) \
	(PLATFORM_TERM_ENCODED | ((u32)(set) << 8) | (u32)(code))

/*
 * Early SNP set-up (platform early_init): SEV_STATUS policy, protocol
 * version, hypervisor features, private copies of the CPUID and secrets
 * pages, C-bit position, #VC handler. Terminates when the platform is
 * unusable.
 */
int snp_early_init(const struct svsm_launch_info *li);
/* C-bit mask for private mappings (0 before snp_early_init()). */
u64 snp_enc_mask(void);

/* ---- Glue: kernel/platform/snp/glue_kernel.c, tests/sim/snp_glue.c ---- */

/* Index of the calling CPU (< SNP_MAX_CPUS). */
u32 snp_glue_cpu_index(void);
/* 2^order zeroed, validated (private) pages of SVSM memory, or NULL. */
void *snp_glue_alloc_pages(unsigned int order);
void snp_glue_free_pages(void *va);
phys_addr_t snp_glue_virt_to_phys(const void *va);
/*
 * Maps pa (4 KiB, or 2 MiB if huge; aligned) privately and writable, for
 * PVALIDATE and RMPADJUST and for the guest launch to fill the pages it
 * validated. Returns NULL if it cannot. One mapping per CPU at a time.
 */
void *snp_glue_map_temp(phys_addr_t pa, bool huge);
void snp_glue_unmap_temp(void *va, bool huge);
/* Maps a 4 KiB shared page without the C-bit (the GHCB). NULL on failure. */
void *snp_glue_map_shared(phys_addr_t pa);
/* Pointer to a launch page (CPUID, secrets) while early_init runs. */
void *snp_glue_early_ptr(phys_addr_t pa);

#ifdef SVSM_HOST
/* Host tests: forgets every GHCB, copy and map of the platform layer. */
void snp_host_reset(void);
#endif

#endif

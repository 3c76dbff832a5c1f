/* SPDX-License-Identifier: MIT */
/*
 * The platform interface: everything that differs between a plain VM
 * (native) and SEV-SNP. Drivers reach hardware only through it.
 */
#ifndef SVSM_PLATFORM_H
#define SVSM_PLATFORM_H

#include <svsm/io.h>
#include <svsm/types.h>

struct mem_region;
struct svsm_launch_info;

/* The launch_guest op's arguments and results. */
struct platform_launch {
	const struct svsm_launch_info *li;
	const struct mem_region *ram; /* guest RAM, SVSM region cut out */
	u32 nram;
	u32 apic_id;      /* the CPU that launches, then runs the guest */
	phys_addr_t vmsa; /* out: the guest's boot VMSA */
	phys_addr_t caa;  /* out: and its calling area */
};

/*
 * platform_terminate() reasons: generic code passes small numbers (1 is a
 * panic); a platform-specific reason sets PLATFORM_TERM_ENCODED with the
 * reason-code set in bits 11:8 and the code in bits 7:0 (SNP: the GHCB
 * termination request's set and code, see include/svsm/hw/ghcb.h).
 */
#define PLATFORM_TERM_ENCODED 0x80000000u

struct platform {
	u32 type; /* SVSM_PLATFORM_* */
	const char *name;
	const struct io_ops *io;
	/* Stops the SVSM for good (SNP: asks the hypervisor to terminate). */
	__noreturn void (*terminate)(u32 reason);
	/*
	 * Guest-memory validation for the core protocol. SNP: PVALIDATE and
	 * RMPADJUST on a temporary mapping of pa; native: no RMP exists, the
	 * calls succeed without effect. Return the instruction's result code
	 * (SNP_INSN_*, include/svsm/arch/snp.h).
	 */
	int (*pvalidate)(phys_addr_t pa, bool huge, bool validate,
			 bool *unchanged);
	int (*rmpadjust)(phys_addr_t pa, bool huge, u64 attrs);
	/* Flushes guest translations of pa on every CPU (after a rescind). */
	void (*flush_guest_tlb)(void);
	/*
	 * Runs this CPU's guest vCPU at `vmpl` and returns when control comes
	 * back to the SVSM (SNP: GHCB MSR "Run VMPL" request 0x016 and
	 * VMGEXIT, snp-svsm-protocol.md section 1.4). Returns 0, or -SVSM_E*
	 * if the switch was refused. NULL where there is no guest VMPL
	 * (native); the request loop checks (kernel/base/request_loop.c).
	 */
	int (*run_guest)(u32 vmpl);
	/*
	 * Optional. Early set-up from the launch info, before memory
	 * management (SNP: SEV_STATUS policy, GHCB protocol negotiation,
	 * private copies of the CPUID and secrets pages, #VC handler).
	 * 0 or -SVSM_E*; SNP terminates itself when the platform is unusable.
	 */
	int (*early_init)(const struct svsm_launch_info *li);
	/*
	 * Optional. Set-up of the calling CPU once page allocation and the
	 * kernel page tables work (SNP: the CPU's GHCB; on the BSP also the
	 * kernel region's validation bitmap). 0 or -SVSM_E*.
	 */
	int (*cpu_init)(void);
	/*
	 * Optional. Prepares the guest firmware the boot parameters name and
	 * its boot vCPU, to run on the calling CPU (SNP: docs/snp.md, "Guest
	 * launch"). The caller then registers pl->vmsa / pl->caa with the
	 * vCPU registry and runs the request loop. 0, or -SVSM_ENOENT when
	 * the image has no firmware; SNP terminates on any other failure.
	 */
	int (*launch_guest)(struct platform_launch *pl);
};

/* Selects the platform for `type`. Returns 0 or -SVSM_ENOTSUP. */
int platform_init(u32 type);
const struct platform *platform_get(void);
const struct io_ops *platform_io(void);
__noreturn void platform_terminate(u32 reason);
int platform_pvalidate(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged);
int platform_rmpadjust(phys_addr_t pa, bool huge, u64 attrs);
void platform_flush_guest_tlb(void);
/* Call the optional hooks above; 0 when the platform has none. */
int platform_early_init(const struct svsm_launch_info *li);
int platform_cpu_init(void);

extern const struct platform native_platform;
extern const struct platform snp_platform;

#endif

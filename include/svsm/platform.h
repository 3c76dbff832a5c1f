/* SPDX-License-Identifier: MIT */
/*
 * The platform interface: everything that differs between a plain VM
 * (native) and SEV-SNP. Drivers reach hardware only through it.
 */
#ifndef SVSM_PLATFORM_H
#define SVSM_PLATFORM_H

#include <svsm/io.h>
#include <svsm/types.h>

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

extern const struct platform native_platform;

#endif

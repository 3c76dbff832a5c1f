/* SPDX-License-Identifier: MIT */
/*
 * Launching the guest firmware on SEV-SNP (kernel/platform/snp/launch*.c;
 * docs/snp.md, "Guest launch"). The firmware layout comes from the boot
 * parameters (struct svsm_fw_info, which igvmbuilder learnt from the OVMF
 * SEV metadata): it is part of the image, so every range is checked before
 * the SVSM touches a page (ARCHITECTURE §7). The sequence follows COCONUT's
 * prepare_fw/launch_fw (upstream digest §2.1 part 2, §3.1):
 *
 *   check the layout -> PSC private + PVALIDATE + zero the firmware's
 *   memory -> CPUID page copy (0x8000_001F EAX bit 28) -> guest secrets
 *   page -> boot VMSA at VMPL2 (reset state) -> AP creation NAE
 *   CREATE_ON_INIT -> RMPADJUST VMPL2 RWX -> (caller) VMSA registry and
 *   request loop.
 *
 * Section numbers (§) without a prefix are those of the interface digest
 * snp-svsm-protocol.md.
 */
#ifndef SVSM_SNP_LAUNCH_H
#define SVSM_SNP_LAUNCH_H

#include <svsm/boot/boot_params.h>
#include <svsm/e820.h>
#include <svsm/hw/vmsa.h>
#include <svsm/platform.h>
#include <svsm/types.h>

/* Prevalidated ranges, then the secrets, CPUID and calling-area pages. */
#define SNP_LAUNCH_MAX_MEM (SVSM_FW_MAX_PREVALIDATED + 3)

/* CPUID 0x8000_001F EAX bit 28: an SVSM is present (§0, §6.2). */
#define SNP_CPUID_SVSM_LEAF 0x8000001Fu
#define SNP_CPUID_SVSM_PRESENT BIT(28)

struct snp_launch_range {
	phys_addr_t start;
	phys_addr_t end; /* exclusive */
	const char *what;
};

/* What the launch is given; everything in bp is untrusted. */
struct snp_launch_input {
	const struct svsm_boot_params *bp;
	phys_addr_t svsm_start, svsm_end;   /* the kernel region */
	const struct mem_region *ram;      /* guest RAM (sorted) */
	u32 nram;
};

/* The firmware's memory once checked: what the launch prepares. */
struct snp_launch_plan {
	/* Validated, zeroed, then RWX for VMPL2: sorted, disjoint. */
	struct snp_launch_range mem[SNP_LAUNCH_MAX_MEM];
	u32 nmem;
	/* Validated by the launch (measured): only RWX for VMPL2. */
	struct snp_launch_range image;
	phys_addr_t secrets, cpuid, caa;
	/* The reset vector, the image's last 16 bytes (4 GiB - 16 on QEMU). */
	u32 bsp_rip;
};

/*
 * Checks the firmware block of in->bp and fills plan. Refused, with the
 * reason logged: a bad boot-parameter header, unknown flags, a range that
 * is not whole pages, an image ending above 4 GiB, a missing secrets,
 * CPUID or calling-area page, more than SVSM_FW_MAX_PREVALIDATED ranges,
 * ranges overlapping each other or the image, a range overlapping any
 * SVSM page (the kernel region and every page the boot parameters name),
 * a firmware memory range that is not inside one guest RAM range.
 * Returns 0, -SVSM_ENOENT if the image has no firmware (size 0), or
 * -SVSM_EINVAL. Pure.
 */
int snp_launch_check(const struct snp_launch_input *in,
		     struct snp_launch_plan *plan);

/*
 * SEV_FEATURES of the guest's VMSAs from the SVSM's SEV_STATUS (§5.4):
 * the SVSM's own features without Restricted Injection and Debug Swap.
 * -SVSM_ENOTSUP with vTOM (the SVSM does not know the guest's VTOM).
 */
int snp_launch_guest_features(u64 sev_status, u64 *features);

/*
 * The firmware boot vCPU's VMSA: the x86 reset state of §5.2 with CS:IP
 * pointing at rip, VMPL2, the given SEV_FEATURES and EFER.SVME clear
 * (parked: the request loop sets it for each run, §1.4).
 */
void snp_launch_init_vmsa(struct sev_vmsa *v, u32 rip, u64 sev_features);

/*
 * The SNP platform's launch_guest op (include/svsm/platform.h): checks
 * and prepares the firmware, builds its boot VMSA in SVSM memory and
 * registers it with the hypervisor for pl->apic_id; returns the pair in
 * pl->vmsa / pl->caa for the VMSA registry. 0, or -SVSM_ENOENT when the
 * image has no firmware; every other failure terminates (SNP_TERM_LAUNCH;
 * SNP_TERM_PSC, SNP_TERM_PVALIDATE or SNP_TERM_AP_CREATE from the
 * hypervisor calls): before the guest was granted any page, or, when a
 * grant itself fails, before the guest ever ran.
 */
int snp_launch_firmware(struct platform_launch *pl);

#endif

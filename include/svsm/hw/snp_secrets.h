/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP secrets page, installed by the PSP when a page is launched with
 * PAGE_TYPE_SECRETS. Sources, one per area of the page:
 *  - firmware fields: SEV-SNP firmware ABI (AMD 56860) rev. 1.51, section
 *    8.17.2.5 "PAGE_TYPE_SECRETS" (as edk2's SnpSecretsPage.h cites it);
 *  - the guest OS area at 0xA0: GHCB specification (AMD 56421) rev. 2.01,
 *    section 2.7 "SEV-SNP Secrets Page" (which turned reserved bytes of rev.
 *    1.50 into the upper halves of the message sequence numbers);
 *  - the SVSM fields at 0x140: SVSM specification (AMD 58019), in the
 *    second guest-reserved area of the firmware layout.
 * Linux's struct snp_secrets_page (arch/x86/include/asm/sev.h) agrees on
 * every offset asserted here.
 */
#ifndef SVSM_HW_SNP_SECRETS_H
#define SVSM_HW_SNP_SECRETS_H

#include <svsm/types.h>

#define SNP_VMPCK_SIZE 32
#define SNP_SECRETS_IMI_EN 0x1u /* flags: initial migration image */

struct snp_secrets_os_area {
	u32 msg_seqno_lo[4]; /* per VMPCK0..3 */
	u64 ap_jump_table_pa;
	u32 msg_seqno_hi[4];
	u8 reserved[22];
	u16 version;
	u8 guest_usage[32];
} __packed;
STATIC_ASSERT_SIZE(struct snp_secrets_os_area, 96);
STATIC_ASSERT_OFFSET(struct snp_secrets_os_area, ap_jump_table_pa, 0x10);
STATIC_ASSERT_OFFSET(struct snp_secrets_os_area, msg_seqno_hi, 0x18);
STATIC_ASSERT_OFFSET(struct snp_secrets_os_area, version, 0x3E);
STATIC_ASSERT_OFFSET(struct snp_secrets_os_area, guest_usage, 0x40);

struct snp_secrets_page {
	u32 version;
	u32 flags;
	u32 fms; /* family/model/stepping, in CPUID 1 EAX format */
	u32 reserved0;
	u8 gosvw[16]; /* guest OS-visible workarounds */
	u8 vmpck[4][SNP_VMPCK_SIZE];
	struct snp_secrets_os_area os_area;
	u8 vmsa_tweak_bitmap[64];
	u64 svsm_base;
	u64 svsm_size; /* non-zero: an SVSM is present */
	u64 svsm_caa;  /* the boot vCPU's calling area */
	u32 svsm_max_version;
	u8 svsm_guest_vmpl;
	u8 reserved1[3];
	u32 tsc_factor; /* Secure TSC: mean/nominal frequency correction */
	u8 reserved2[3740];
} __packed;
STATIC_ASSERT_SIZE(struct snp_secrets_page, 4096);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, flags, 0x004);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, fms, 0x008);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, gosvw, 0x010);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, vmpck, 0x020);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, vmpck[1], 0x040);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, vmpck[2], 0x060);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, vmpck[3], 0x080);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, os_area, 0x0A0);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, vmsa_tweak_bitmap, 0x100);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, svsm_base, 0x140);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, svsm_size, 0x148);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, svsm_caa, 0x150);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, svsm_max_version, 0x158);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, svsm_guest_vmpl, 0x15C);
STATIC_ASSERT_OFFSET(struct snp_secrets_page, tsc_factor, 0x160);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP launch digest of an IGVM file: the chain of SNP_LAUNCH_UPDATE
 * PAGE_INFO hashes that QEMU/KVM produce when they load the file (igvm-format
 * digest §11). No allocation, no global state besides a cached constant.
 */
#ifndef IGVMMEASURE_MEASURE_H
#define IGVMMEASURE_MEASURE_H

#include <svsm/lib/igvm_parse.h>
#include <svsm/types.h>

#define SNP_DIGEST_SIZE 48

/* KVM always places the boot VMSA here (digest §9.6). */
#define SNP_KVM_VMSA_GPA 0xFFFFFFFFF000ULL

/*
 * A parameter area has no size limit in the format; one larger than this is
 * refused rather than measured page by page (no real loader allocates it).
 */
#define SNP_MAX_MEASURED_AREA (256ULL << 20)

/* SNP firmware ABI page types in PAGE_INFO (digest §11.1). */
enum snp_page_type {
	SNP_PAGE_NORMAL = 1,
	SNP_PAGE_VMSA = 2,
	SNP_PAGE_ZERO = 3,
	SNP_PAGE_UNMEASURED = 4,
	SNP_PAGE_SECRETS = 5,
	SNP_PAGE_CPUID = 6,
};

/* The structure SNP_LAUNCH_UPDATE hashes for every 4 KiB page (§11.1). */
struct snp_page_info {
	u8 digest_cur[SNP_DIGEST_SIZE];
	u8 contents[SNP_DIGEST_SIZE];
	u16 length;
	u8 page_type;
	u8 imi_page;
	u8 vmpl_perms[4];
	u64 gpa;
} __packed;
STATIC_ASSERT_SIZE(struct snp_page_info, 0x70);
STATIC_ASSERT_OFFSET(struct snp_page_info, length, 0x60);
STATIC_ASSERT_OFFSET(struct snp_page_info, gpa, 0x68);

/* Offsets in the 4 KiB VMSA page (snp-svsm-protocol §5.1). */
#define VMSA_CS_SELECTOR 0x010
#define VMSA_VMPL 0x0CA
#define VMSA_EFER 0x0D0
#define VMSA_CR4 0x148
#define VMSA_CR3 0x150
#define VMSA_CR0 0x158
#define VMSA_RIP 0x178
#define VMSA_RSP 0x1D8
#define VMSA_RAX 0x1F8
#define VMSA_SEV_FEATURES 0x3B0

/*
 * digest = SHA-384(PAGE_INFO{digest, contents, type, gpa}). contents NULL
 * means 48 zero bytes, as for every type other than NORMAL and VMSA.
 */
void snp_page_info_extend(u8 digest[SNP_DIGEST_SIZE],
			  const u8 contents[SNP_DIGEST_SIZE], u8 type, u64 gpa);

/* SHA-384 of a 4 KiB page of zeros, computed once. */
const u8 *snp_zero_page_digest(void);

/*
 * Walks the whole file, so every record is checked, and returns the mask of
 * its SEV-SNP platform in *snp_mask. Returns 0, -SVSM_ENOENT when the file
 * has no SEV-SNP platform (err->reason says so, err->offset is the start of
 * the variable headers), or the reader's error.
 */
int snp_find_platform(struct igvm_file *f, u32 *snp_mask,
		      struct igvm_error *err);

/*
 * The launch digest for the platform with mask snp_mask, walking directives
 * in file order (§11.2). native_zero measures pages without file data as
 * ZERO pages instead of NORMAL pages of zeros. Returns 0 or a negative
 * SVSM_E* with *err naming the offending record.
 */
int snp_measure(struct igvm_file *f, u32 snp_mask, bool native_zero,
		u8 digest[SNP_DIGEST_SIZE], struct igvm_error *err);

/*
 * QEMU/KVM restrictions (§9.6): exactly one SNP VMSA, at SNP_KVM_VMSA_GPA,
 * after every other SNP page directive, with CR0 0x31 or 0x30. Returns 0 or
 * -SVSM_EINVAL with *err saying which rule failed where.
 */
int snp_check_kvm(struct igvm_file *f, u32 snp_mask, struct igvm_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP CPUID page: the table of CPUID results the hypervisor fills and the
 * PSP checks when the page is launched with PAGE_TYPE_CPUID. Entry layout:
 * SEV-SNP firmware ABI rev. 0.9, section 7.1, Table 14 ("CPUID function
 * structure"); table layout and the limit of 64 entries: same document,
 * section 8.14.2.6. Linux (struct snp_cpuid_fn / snp_cpuid_table) and edk2
 * use the same layout: a 16-byte header, then up to 64 entries of 48 bytes;
 * the rest of the 4 KiB page is unused.
 */
#ifndef SVSM_HW_SNP_CPUID_H
#define SVSM_HW_SNP_CPUID_H

#include <svsm/types.h>

#define SNP_CPUID_MAX_ENTRIES 64

/* Inputs select the leaf; outputs are what CPUID returns for them. */
struct snp_cpuid_entry {
	u32 eax_in;
	u32 ecx_in;
	u64 xcr0_in;
	u64 xss_in;
	u32 eax;
	u32 ebx;
	u32 ecx;
	u32 edx;
	u64 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct snp_cpuid_entry, 48);
STATIC_ASSERT_OFFSET(struct snp_cpuid_entry, xcr0_in, 0x08);
STATIC_ASSERT_OFFSET(struct snp_cpuid_entry, xss_in, 0x10);
STATIC_ASSERT_OFFSET(struct snp_cpuid_entry, eax, 0x18);
STATIC_ASSERT_OFFSET(struct snp_cpuid_entry, edx, 0x24);

struct snp_cpuid_table {
	u32 count; /* 1..64 entries are valid (Linux refuses 0 or more) */
	u32 reserved0;
	u64 reserved1;
	struct snp_cpuid_entry entries[SNP_CPUID_MAX_ENTRIES];
} __packed;
STATIC_ASSERT_OFFSET(struct snp_cpuid_table, entries, 0x10);
STATIC_ASSERT_SIZE(struct snp_cpuid_table, 0x10 + 64 * 48);
_Static_assert(sizeof(struct snp_cpuid_table) <= 4096,
	       "the SNP CPUID table must fit its 4 KiB page");

#endif

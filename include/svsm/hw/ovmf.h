/* SPDX-License-Identifier: MIT */
/*
 * How an OVMF image describes itself to a VMM: the GUID table next to the
 * reset vector and the SEV metadata it points to. Sources: edk2
 * OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.nasm.inc (the table and the
 * SEV-ES reset block), OvmfPkg/ResetVector/X64/OvmfSevMetadata.nasm.inc (the
 * "ASEV" block and its section types), and the two VMM readers, QEMU
 * hw/i386/pc_sysfw_ovmf.c and COCONUT's igvmbuilder ovmf_firmware.rs.
 *
 * The image ends at 4 GiB. Its last 0x20 bytes hold the reset vector, the
 * VTF signature and padding; just below sits the table footer: a u16 giving
 * the length of the whole table, then the footer GUID at image end - 0x30
 * (0xFFFFFFD0). The table grows downwards from there, entry after entry,
 * each laid out as {data, u16 length, GUID} where length counts the data,
 * the u16 and the GUID.
 */
#ifndef SVSM_HW_OVMF_H
#define SVSM_HW_OVMF_H

#include <svsm/types.h>

#define OVMF_GUID_SIZE 16
#define OVMF_FOOTER_GUID_OFFSET 0x30 /* from the end of the image */
#define OVMF_ENTRY_TRAILER (2 + OVMF_GUID_SIZE) /* u16 length + GUID */

/* GUIDs as the image stores them (first three fields little-endian). */

/* 96b582de-1fb2-45f7-baea-a366c55a082d: the table footer. */
#define OVMF_TABLE_FOOTER_GUID                                          \
	{ 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,               \
	  0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d }

/*
 * dc886566-984a-4798-a75e-5585a7bf67cc: u32 offset, from the end of the
 * image, of the SEV metadata header.
 */
#define OVMF_SEV_METADATA_GUID                                          \
	{ 0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,               \
	  0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc }

/*
 * 00f771de-1a7e-4fcb-890e-68c77e2fb44e, the SEV-ES reset block: u32 whose
 * bits 31:16 are the CS base >> 16 and bits 15:0 the IP of the address
 * where application processors start (QEMU calls it the SEV info block).
 */
#define OVMF_SEV_ES_RESET_BLOCK_GUID                                    \
	{ 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,               \
	  0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e }

#define OVMF_SEV_METADATA_SIGNATURE "ASEV"
#define OVMF_SEV_METADATA_VERSION 1

/* length counts this header and every descriptor after it. */
struct ovmf_sev_metadata {
	char signature[4];
	u32 length;
	u32 version;
	u32 num_desc;
} __packed;
STATIC_ASSERT_SIZE(struct ovmf_sev_metadata, 16);

struct ovmf_sev_metadata_desc {
	u32 base;
	u32 length;
	u32 type;
} __packed;
STATIC_ASSERT_SIZE(struct ovmf_sev_metadata_desc, 12);

/* Section types (OvmfSevMetadata.nasm.inc, OVMF_SECTION_TYPE_*). */
enum ovmf_sev_section_type {
	OVMF_SEV_SNP_SEC_MEM = 0x1,       /* pre-validated by the VMM */
	OVMF_SEV_SNP_SECRETS = 0x2,       /* SNP secrets page */
	OVMF_SEV_CPUID = 0x3,             /* SNP CPUID page */
	OVMF_SEV_SVSM_CAA = 0x4,          /* the SVSM calling area */
	OVMF_SEV_KERNEL_HASHES = 0x10,    /* measured direct boot hashes */
};

#endif

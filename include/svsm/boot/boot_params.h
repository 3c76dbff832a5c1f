/* SPDX-License-Identifier: MIT */
/*
 * Boot parameters: written by igvmbuilder into a measured page of the IGVM
 * file, read by stage2 (whose address it gets in ESI) and copied for the
 * kernel. Everything here comes from the image, but stage2 and the kernel
 * still check every field: a malformed file must stop boot with a message.
 */
#ifndef SVSM_BOOT_BOOT_PARAMS_H
#define SVSM_BOOT_BOOT_PARAMS_H

#include <svsm/types.h>

#define SVSM_BOOT_PARAMS_MAGIC 0x50425653u /* "SVBP" */
#define SVSM_BOOT_PARAMS_VERSION 1u

/* Parameter area 0, filled by the IGVM loader (VP_COUNT, ENVIRONMENT_INFO). */
struct svsm_general_params {
	u32 vp_count;
	u32 environment_info;
} __packed;
STATIC_ASSERT_SIZE(struct svsm_general_params, 8);

#define SVSM_FW_MAX_PREVALIDATED 8

struct svsm_fw_range {
	u32 base;
	u32 size;
} __packed;

/*
 * Guest firmware layout, learnt by igvmbuilder from the OVMF SEV metadata
 * (include/svsm/hw/ovmf.h). The image ends at 4 GiB and is loaded for the
 * SEV-SNP platform only; size 0 means no firmware was packaged (for example
 * an OVMF without SEV metadata). Page fields are 0 when the metadata does
 * not name that page.
 */
struct svsm_fw_info {
	u32 start; /* GPA of the firmware image */
	u32 size;
	u32 secrets_page;
	u32 caa_page;
	u32 cpuid_page;
	u32 prevalidated_count; /* SEC_MEM and kernel-hash ranges, merged */
	struct svsm_fw_range prevalidated[SVSM_FW_MAX_PREVALIDATED];
	/*
	 * Where application processors start, from the SEV-ES reset block:
	 * CS base in bits 31:16, IP in bits 15:0; 0 if the image has none.
	 * The boot processor always starts at the reset vector, 4 GiB - 16.
	 */
	u32 reset_rip;
	u32 flags; /* none defined yet: 0 */
} __packed;
STATIC_ASSERT_SIZE(struct svsm_fw_info, 96);

struct svsm_boot_params {
	u32 magic;
	u32 version;
	u32 size; /* sizeof(struct svsm_boot_params) */
	u32 platform_masks; /* IGVM masks of the platforms in the file */
	u64 kernel_region_start;
	u64 kernel_region_size;
	u64 kernel_elf_start;
	u64 kernel_elf_size;
	u64 stage2_start;
	u64 stage2_end;
	u64 stage2_heap_start;
	u64 stage2_heap_end;
	u64 general_params_gpa; /* struct svsm_general_params */
	u64 memory_map_gpa;     /* IGVM memory map entries */
	u64 memory_map_size;
	u64 madt_gpa;
	u64 madt_size;
	u64 cpuid_page;   /* SNP only, 0 elsewhere */
	u64 secrets_page; /* SNP only, 0 elsewhere */
	u16 debug_serial_port;
	u8 has_qemu_testdev;
	u8 has_fw_cfg_port;
	u32 reserved0;
	struct svsm_fw_info firmware;
	u8 reserved[32];
} __packed;
STATIC_ASSERT_SIZE(struct svsm_boot_params, 272);

#endif

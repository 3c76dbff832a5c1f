/* SPDX-License-Identifier: MIT */
/*
 * What stage2 hands the kernel (pointer in RDI at the kernel entry).
 * Addresses named *_va are kernel virtual addresses inside the kernel region
 * mapping; *_pa are physical.
 */
#ifndef SVSM_BOOT_LAUNCH_INFO_H
#define SVSM_BOOT_LAUNCH_INFO_H

#include <svsm/types.h>

#define SVSM_LAUNCH_INFO_MAGIC 0x494c5653u /* "SVLI" */
#define SVSM_LAUNCH_INFO_VERSION 1u

struct svsm_launch_info {
	u32 magic;
	u32 version;
	u32 platform_type; /* SVSM_PLATFORM_* */
	u16 debug_serial_port;
	u8 has_qemu_testdev;
	u8 has_fw_cfg_port;
	u64 kernel_region_phys_start;
	u64 kernel_region_phys_end;
	u64 kernel_region_virt_start;
	/* First physical page of the region not used by stage2's hand-over. */
	u64 heap_phys_start;
	u64 boot_params_va; /* copy of struct svsm_boot_params */
	u64 vp_count;
	u64 environment_info;
	u64 memory_map_va; /* copy of the IGVM memory map */
	u64 memory_map_size;
	u64 madt_va;
	u64 madt_size;
	u64 symtab_va; /* Elf64_Sym array of the kernel, 0 if absent */
	u64 symtab_size;
	u64 strtab_va;
	u64 strtab_size;
	u64 cpuid_page_pa;
	u64 secrets_page_pa;
	u64 stage2_pt_root_pa; /* stage2's page tables, still loaded at entry */
	u64 reserved[4];
} __packed;
STATIC_ASSERT_SIZE(struct svsm_launch_info, 192);

#endif

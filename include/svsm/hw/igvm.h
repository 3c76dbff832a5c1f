/* SPDX-License-Identifier: MIT */
/*
 * IGVM file format, as defined by the igvm_defs crate (microsoft/igvm).
 * All fields are little-endian. Sizes and offsets are checked below against
 * the crate's structure definitions (see docs/igvm.md for the digest).
 */
#ifndef SVSM_HW_IGVM_H
#define SVSM_HW_IGVM_H

#include <svsm/types.h>

#define IGVM_MAGIC 0x4D564749u /* "IGVM" */
#define IGVM_FORMAT_V1 1
#define IGVM_FORMAT_V2 2
#define IGVM_ARCH_X64 0
#define IGVM_ARCH_AARCH64 1
#define IGVM_PAGE_SIZE 4096u

/* Fixed header, version 1 (IGVM_FIXED_HEADER). */
struct igvm_fixed_header {
	u32 magic;
	u32 format_version;
	u32 variable_header_offset;
	u32 variable_header_size;
	u32 total_file_size;
	u32 checksum;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_fixed_header, 24);

/* Fixed header, version 2 (IGVM_FIXED_HEADER_V2). */
struct igvm_fixed_header_v2 {
	struct igvm_fixed_header v1;
	u32 architecture;
	u32 page_size;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_fixed_header_v2, 32);

/* Variable header TLV prefix (IGVM_VHS_VARIABLE_HEADER). */
struct igvm_vhs_header {
	u32 type;
	u32 length;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_header, 8);

#define IGVM_VHT_OPTIONAL_BIT 0x80000000u

enum igvm_vht {
	IGVM_VHT_SUPPORTED_PLATFORM = 0x001,
	IGVM_VHT_GUEST_POLICY = 0x101,
	IGVM_VHT_RELOCATABLE_REGION = 0x102,
	IGVM_VHT_PAGE_TABLE_RELOCATION_REGION = 0x103,
	IGVM_VHT_PARAMETER_AREA = 0x301,
	IGVM_VHT_PAGE_DATA = 0x302,
	IGVM_VHT_PARAMETER_INSERT = 0x303,
	IGVM_VHT_VP_CONTEXT = 0x304,
	IGVM_VHT_REQUIRED_MEMORY = 0x305,
	IGVM_VHT_VP_COUNT_PARAMETER = 0x307,
	IGVM_VHT_SRAT = 0x308,
	IGVM_VHT_MADT = 0x309,
	IGVM_VHT_MMIO_RANGES = 0x30A,
	IGVM_VHT_SNP_ID_BLOCK = 0x30B,
	IGVM_VHT_MEMORY_MAP = 0x30C,
	IGVM_VHT_ERROR_RANGE = 0x30D,
	IGVM_VHT_COMMAND_LINE = 0x30E,
	IGVM_VHT_SLIT = 0x30F,
	IGVM_VHT_PPTT = 0x310,
	IGVM_VHT_VBS_MEASUREMENT = 0x311,
	IGVM_VHT_DEVICE_TREE = 0x312,
	IGVM_VHT_ENVIRONMENT_INFO_PARAMETER = 0x313,
};

/* Section ranges (igvm_defs IGVM_VHT_RANGE_*). */
#define IGVM_VHT_RANGE_PLATFORM_START 0x001u
#define IGVM_VHT_RANGE_PLATFORM_END 0x100u
#define IGVM_VHT_RANGE_INIT_START 0x101u
#define IGVM_VHT_RANGE_INIT_END 0x200u
#define IGVM_VHT_RANGE_DIRECTIVE_START 0x301u
#define IGVM_VHT_RANGE_DIRECTIVE_END 0x400u

enum igvm_platform_type {
	IGVM_PLATFORM_NATIVE = 0,
	IGVM_PLATFORM_VSM_ISOLATION = 1,
	IGVM_PLATFORM_SEV_SNP = 2,
	IGVM_PLATFORM_TDX = 3,
	IGVM_PLATFORM_SEV = 4,
	IGVM_PLATFORM_SEV_ES = 5,
};

/* Compatibility-mask bits this project assigns (COCONUT's convention). */
#define IGVM_MASK_SNP 0x1u
#define IGVM_MASK_NATIVE 0x2u

struct igvm_vhs_supported_platform {
	u32 compatibility_mask;
	u8 highest_vtl;
	u8 platform_type;
	u16 platform_version;
	u64 shared_gpa_boundary;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_supported_platform, 16);

struct igvm_vhs_guest_policy {
	u64 policy;
	u32 compatibility_mask;
	u32 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_guest_policy, 16);

struct igvm_vhs_parameter_area {
	u64 number_of_bytes;
	u32 parameter_area_index;
	u32 file_offset;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_parameter_area, 16);

#define IGVM_PAGE_DATA_FLAG_2MB 0x1u
#define IGVM_PAGE_DATA_FLAG_UNMEASURED 0x2u
#define IGVM_PAGE_DATA_FLAG_SHARED 0x4u

enum igvm_page_data_type {
	IGVM_PAGE_DATA_NORMAL = 0,
	IGVM_PAGE_DATA_SECRETS = 1,
	IGVM_PAGE_DATA_CPUID_DATA = 2,
	IGVM_PAGE_DATA_CPUID_XF = 3,
};

struct igvm_vhs_page_data {
	u64 gpa;
	u32 compatibility_mask;
	u32 file_offset;
	u32 flags;
	u16 data_type;
	u16 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_page_data, 24);
STATIC_ASSERT_OFFSET(struct igvm_vhs_page_data, data_type, 20);

struct igvm_vhs_parameter_insert {
	u64 gpa;
	u32 compatibility_mask;
	u32 parameter_area_index;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_parameter_insert, 16);

/* Parameter usage: VP_COUNT, MEMORY_MAP, ENVIRONMENT_INFO, MADT, ... */
struct igvm_vhs_parameter {
	u32 parameter_area_index;
	u32 byte_offset;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_parameter, 8);

/* The only structure whose on-disk length (20) is not a multiple of 8. */
struct igvm_vhs_vp_context {
	u64 gpa;
	u32 compatibility_mask;
	u32 file_offset;
	u16 vp_index;
	u16 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_vp_context, 20);

#define IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE 0x1u

struct igvm_vhs_required_memory {
	u64 gpa;
	u32 compatibility_mask;
	u32 number_of_bytes;
	u32 flags;
	u32 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_required_memory, 24);

/* SNP ID block (IGVM_VHS_SNP_ID_BLOCK). */
struct igvm_snp_id_block_signature {
	u8 r_comp[72];
	u8 s_comp[72];
} __packed;
STATIC_ASSERT_SIZE(struct igvm_snp_id_block_signature, 144);

struct igvm_snp_id_block_public_key {
	u32 curve;
	u32 reserved;
	u8 qx[72];
	u8 qy[72];
} __packed;
STATIC_ASSERT_SIZE(struct igvm_snp_id_block_public_key, 152);

struct igvm_vhs_snp_id_block {
	u32 compatibility_mask;
	u8 author_key_enabled;
	u8 reserved[3];
	u8 ld[48];
	u8 family_id[16];
	u8 image_id[16];
	u32 version;
	u32 guest_svn;
	u32 id_key_algorithm;
	u32 author_key_algorithm;
	struct igvm_snp_id_block_signature id_key_signature;
	struct igvm_snp_id_block_public_key id_public_key;
	struct igvm_snp_id_block_signature author_key_signature;
	struct igvm_snp_id_block_public_key author_public_key;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_vhs_snp_id_block, 696);
STATIC_ASSERT_OFFSET(struct igvm_vhs_snp_id_block, id_key_signature, 104);
STATIC_ASSERT_OFFSET(struct igvm_vhs_snp_id_block, id_public_key, 248);
STATIC_ASSERT_OFFSET(struct igvm_vhs_snp_id_block, author_key_signature, 400);
STATIC_ASSERT_OFFSET(struct igvm_vhs_snp_id_block, author_public_key, 544);

/* Memory map entry written by the loader (IGVM_VHS_MEMORY_MAP_ENTRY). */
enum igvm_memory_type {
	IGVM_MEMORY_NORMAL = 0,
	IGVM_MEMORY_PLATFORM_RESERVED = 1,
	IGVM_MEMORY_PERSISTENT = 2,
	IGVM_MEMORY_VTL2_PROTECTABLE = 3,
	IGVM_MEMORY_SPECIFIC_PURPOSE = 4,
	IGVM_MEMORY_HIDDEN = 5,
};

struct igvm_memory_map_entry {
	u64 starting_gpa_page_number;
	u64 number_of_pages;
	u16 entry_type;
	u16 flags;
	u32 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_memory_map_entry, 24);

/* Environment-info bit: memory starts out shared (QEMU sets it on SNP). */
#define IGVM_ENV_INFO_MEMORY_IS_SHARED 0x1u

/* Native x64 VP context: the first 0xE8 bytes of a 4K page, rest zero. */
struct igvm_native_vp_context_x64 {
	u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rip;
	u64 rflags;
	u64 idtr_base;
	u16 idtr_limit;
	u16 reserved[2];
	u16 gdtr_limit;
	u64 gdtr_base;
	u16 code_selector;
	u16 code_attributes;
	u32 code_base;
	u32 code_limit;
	u16 data_selector;
	u16 data_attributes;
	u32 data_base;
	u32 data_limit;
	u64 gs_base;
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
} __packed;
STATIC_ASSERT_SIZE(struct igvm_native_vp_context_x64, 0xE8);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, rip, 0x80);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, idtr_limit, 0x98);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, gdtr_limit, 0x9E);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, gdtr_base, 0xA0);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, code_selector, 0xA8);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, data_selector, 0xB4);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, gs_base, 0xC0);
STATIC_ASSERT_OFFSET(struct igvm_native_vp_context_x64, efer, 0xE0);

#endif

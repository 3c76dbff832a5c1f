/* SPDX-License-Identifier: MIT */
/*
 * GHCB (AMD GHCB spec 56421 v2, digested in docs/snp.md): the page layout,
 * the MSR protocol, non-automatic-exit codes and the page-state-change
 * descriptor.
 */
#ifndef SVSM_HW_GHCB_H
#define SVSM_HW_GHCB_H

#include <svsm/types.h>

#define MSR_GHCB 0xC0010130u
#define MSR_SEV_STATUS 0xC0010131u

/* MSR protocol: bits 11:0 function, 63:12 data. */
#define GHCB_MSR_INFO_MASK 0xfffULL
#define GHCB_MSR_SEV_INFO_REQ 0x002
#define GHCB_MSR_SEV_INFO_RESP 0x001
#define GHCB_MSR_CPUID_REQ 0x004
#define GHCB_MSR_CPUID_RESP 0x005
#define GHCB_MSR_REGISTER_GHCB_REQ 0x012
#define GHCB_MSR_REGISTER_GHCB_RESP 0x013
#define GHCB_MSR_PSC_REQ 0x014
#define GHCB_MSR_PSC_RESP 0x015
#define GHCB_MSR_RUN_VMPL_REQ 0x016
#define GHCB_MSR_RUN_VMPL_RESP 0x017
#define GHCB_MSR_HV_FEATURES_REQ 0x080
#define GHCB_MSR_HV_FEATURES_RESP 0x081
#define GHCB_MSR_TERMINATE_REQ 0x100

/* Request/response data layouts (digest §3.4 table). */
#define GHCB_MSR_DATA_SHIFT 12
#define GHCB_MSR_SEV_INFO_MAX(v) ((u16)((v) >> 48))
#define GHCB_MSR_SEV_INFO_MIN(v) ((u16)((v) >> 32))
#define GHCB_MSR_SEV_INFO_CBIT(v) ((u8)((v) >> 24))
#define GHCB_MSR_CPUID_REG_SHIFT 30
#define GHCB_MSR_CPUID_LEAF_SHIFT 32
#define GHCB_MSR_PSC_GFN_MASK (0xffffffffffULL << 12) /* bits 51:12 */
#define GHCB_MSR_PSC_OP_SHIFT 52
#define GHCB_MSR_RUN_VMPL_SHIFT 32
#define GHCB_MSR_ERROR(v) ((u32)((v) >> 32)) /* PSC, run-VMPL responses */
#define GHCB_MSR_TERM_SET_SHIFT 12
#define GHCB_MSR_TERM_CODE_SHIFT 16

#define GHCB_PROTOCOL_VERSION 2

/* Hypervisor feature bits (MSR 0x081 data / NAE 0x8000_FFFD). */
#define GHCB_HV_FT_SNP BIT(0)
#define GHCB_HV_FT_SNP_AP_CREATION BIT(1)
#define GHCB_HV_FT_MULTI_VMPL BIT(5)

/* Termination reason sets and codes. */
#define SNP_TERM_SET_GENERAL 0
#define SNP_TERM_GENERAL 0
#define SNP_TERM_PROTOCOL_RANGE 1
#define SNP_TERM_FEATURES 2
#define SNP_TERM_SET_SVSM 3 /* this project's own reasons */
enum snp_svsm_term_reason {
	SNP_TERM_GHCB_REGISTER = 0,
	SNP_TERM_PSC = 1,
	SNP_TERM_PVALIDATE = 2,
	SNP_TERM_CPUID = 3,
	SNP_TERM_GHCB_RESPONSE = 4,
	SNP_TERM_RUN_VMPL = 5,
	SNP_TERM_AP_CREATE = 6,
	SNP_TERM_SECRETS = 7,
	SNP_TERM_LAUNCH = 8,
	SNP_TERM_PANIC = 9,
	SNP_TERM_HV_FEATURES = 10, /* a required hypervisor feature missing */
	SNP_TERM_VC = 11,          /* #VC the SVSM cannot emulate */
	SNP_TERM_VMSA = 12,        /* RMPADJUST of a VMSA page failed */
	SNP_TERM_MEMORY = 13,      /* no memory for a GHCB */
};

/* Non-automatic exits (SW_EXITCODE). */
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_VMGEXIT_PSC 0x80000010ULL
#define SVM_VMGEXIT_GUEST_REQUEST 0x80000011ULL
#define SVM_VMGEXIT_EXT_GUEST_REQUEST 0x80000012ULL
#define SVM_VMGEXIT_AP_CREATION 0x80000013ULL
#define SVM_VMGEXIT_SNP_RUN_VMPL 0x80000018ULL
#define SVM_VMGEXIT_HV_FEATURES 0x8000fffdULL
#define SVM_VMGEXIT_TERMINATE 0x8000fffeULL
#define SVM_EXIT_VMGEXIT 0x403 /* as recorded in a VMSA's exit code */

/* AP creation (SW_EXITINFO1 [31:0] request, [19:16] VMPL, [63:32] APIC ID) */
#define SVM_AP_CREATE_ON_INIT 0
#define SVM_AP_CREATE 1
#define SVM_AP_DESTROY 2

/* IOIO exit information bits (SW_EXITINFO1). */
#define IOIO_TYPE_IN BIT(0)
#define IOIO_STRING BIT(2)
#define IOIO_REP BIT(3)
#define IOIO_DATA_8 BIT(4)
#define IOIO_DATA_16 BIT(5)
#define IOIO_DATA_32 BIT(6)
#define IOIO_ADDR_16 BIT(7)
#define IOIO_ADDR_32 BIT(8)
#define IOIO_ADDR_64 BIT(9)
#define IOIO_PORT_SHIFT 16

/* MSR NAE (SW_EXITINFO1). */
#define SVM_MSR_READ 0
#define SVM_MSR_WRITE 1

#define GHCB_SHARED_BUFFER_OFFSET 0x800
#define GHCB_SHARED_BUFFER_SIZE 0x7f0

/* The GHCB page; the save-area offsets equal the VMSA's. */
struct ghcb {
	u8 reserved0[0xcb];
	u8 cpl;
	u8 reserved1[0x140 - 0xcc];
	u64 xss;
	u8 reserved2[0x160 - 0x148];
	u64 dr7;
	u8 reserved3[0x1f8 - 0x168];
	u64 rax;
	u8 reserved4[0x308 - 0x200];
	u64 rcx;
	u64 rdx;
	u64 rbx;
	u8 reserved5[0x390 - 0x320];
	u64 sw_exit_code;
	u64 sw_exit_info_1;
	u64 sw_exit_info_2;
	u64 sw_scratch;
	u8 reserved6[0x3e8 - 0x3b0];
	u64 xcr0;
	u8 valid_bitmap[16];
	u64 x87_state_gpa;
	u8 reserved7[0x800 - 0x408];
	u8 shared_buffer[GHCB_SHARED_BUFFER_SIZE];
	u8 reserved8[10];
	u16 protocol_version;
	u32 ghcb_usage;
} __packed;
STATIC_ASSERT_SIZE(struct ghcb, 4096);
STATIC_ASSERT_OFFSET(struct ghcb, rax, 0x1f8);
STATIC_ASSERT_OFFSET(struct ghcb, rcx, 0x308);
STATIC_ASSERT_OFFSET(struct ghcb, sw_exit_code, 0x390);
STATIC_ASSERT_OFFSET(struct ghcb, xcr0, 0x3e8);
STATIC_ASSERT_OFFSET(struct ghcb, valid_bitmap, 0x3f0);
STATIC_ASSERT_OFFSET(struct ghcb, shared_buffer, 0x800);
STATIC_ASSERT_OFFSET(struct ghcb, protocol_version, 0xffa);

/* Valid bit of the field at byte offset off: bit off / 8 of the bitmap. */
#define GHCB_VALID_BIT(off) ((off) / 8)

/* Usage value of a standard GHCB (digest §3.1). */
#define GHCB_USAGE_STANDARD 0

/* Page state change descriptor (NAE 0x8000_0010, in the shared buffer). */
struct psc_hdr {
	u16 cur_entry;
	u16 end_entry;
	u32 reserved;
} __packed;

#define PSC_MAX_ENTRIES 253
#define PSC_ENTRY_CUR_PAGE_MASK 0xfffULL
#define PSC_ENTRY_GFN_SHIFT 12
#define PSC_ENTRY_GFN_MASK (0xffffffffffULL << 12)
#define PSC_ENTRY_OP_SHIFT 52
#define PSC_OP_PRIVATE 1ULL
#define PSC_OP_SHARED 2ULL
#define PSC_OP_PSMASH 3ULL
#define PSC_OP_UNSMASH 4ULL
#define PSC_ENTRY_2M BIT(56)
#define PSC_ENTRY_RESERVED (0x7fULL << 57)

struct psc_desc {
	struct psc_hdr hdr;
	u64 entries[PSC_MAX_ENTRIES];
} __packed;
STATIC_ASSERT_SIZE(struct psc_desc, 8 + 8 * PSC_MAX_ENTRIES);

#endif

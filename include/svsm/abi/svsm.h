/* SPDX-License-Identifier: MIT */
/*
 * What the guest sees of the SVSM: protocol and call numbers, result codes,
 * the calling area and the core protocol's PVALIDATE list (SVSM spec 58019,
 * as digested in docs/protocols.md). Everything here is a wire format.
 */
#ifndef SVSM_ABI_SVSM_H
#define SVSM_ABI_SVSM_H

#include <svsm/types.h>

#define SVSM_GUEST_VMPL 2

/* RAX on entry: protocol << 32 | call. */
#define SVSM_PROTOCOL(rax) ((u32)((rax) >> 32))
#define SVSM_CALL(rax) ((u32)(rax))

enum svsm_protocol {
	SVSM_CORE_PROTOCOL = 0,
	SVSM_ATTEST_PROTOCOL = 1,
	SVSM_VTPM_PROTOCOL = 2,
	SVSM_APIC_PROTOCOL = 3,
};

enum svsm_core_call {
	SVSM_CORE_REMAP_CA = 0,
	SVSM_CORE_PVALIDATE = 1,
	SVSM_CORE_CREATE_VCPU = 2,
	SVSM_CORE_DELETE_VCPU = 3,
	SVSM_CORE_DEPOSIT_MEM = 4,
	SVSM_CORE_WITHDRAW_MEM = 5,
	SVSM_CORE_QUERY_PROTOCOL = 6,
	SVSM_CORE_CONFIGURE_VTOM = 7,
};

#define SVSM_CORE_VERSION_MIN 1
#define SVSM_CORE_VERSION_MAX 1

/* Result codes returned in RAX. */
#define SVSM_SUCCESS 0x00000000ULL
#define SVSM_ERR_INCOMPLETE 0x80000000ULL
#define SVSM_ERR_UNSUPPORTED_PROTOCOL 0x80000001ULL
#define SVSM_ERR_UNSUPPORTED_CALL 0x80000002ULL
#define SVSM_ERR_INVALID_ADDRESS 0x80000003ULL
#define SVSM_ERR_INVALID_FORMAT 0x80000004ULL
#define SVSM_ERR_INVALID_PARAMETER 0x80000005ULL
#define SVSM_ERR_INVALID_REQUEST 0x80000006ULL
#define SVSM_ERR_BUSY 0x80000007ULL
#define SVSM_ERR_PROTOCOL_BASE 0x80001000ULL

/* Core protocol PVALIDATE failures: base + instruction result code. */
#define SVSM_ERR_PVALIDATE_FAIL_INPUT (SVSM_ERR_PROTOCOL_BASE + 1)
#define SVSM_ERR_PVALIDATE_FAIL_PERMISSION (SVSM_ERR_PROTOCOL_BASE + 2)
#define SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH (SVSM_ERR_PROTOCOL_BASE + 6)
#define SVSM_ERR_PVALIDATE_FAIL_UNCHANGED (SVSM_ERR_PROTOCOL_BASE + 0x10)

/* Calling area: the first 8 bytes of a guest page. */
struct svsm_caa {
	u8 call_pending;
	u8 mem_available;
	u8 no_eoi_required;
	u8 reserved[5];
} __packed;
STATIC_ASSERT_SIZE(struct svsm_caa, 8);

/* PVALIDATE request: header then entries, all inside one 4 KiB page. */
struct svsm_pvalidate_hdr {
	u16 entries;
	u16 next;
	u32 reserved;
} __packed;
STATIC_ASSERT_SIZE(struct svsm_pvalidate_hdr, 8);

#define PVAL_ENTRY_SIZE_MASK 0x3ULL /* 0 = 4 KiB, 1 = 2 MiB */
#define PVAL_ENTRY_VALIDATE BIT(2)
#define PVAL_ENTRY_IGNORE_CF BIT(3)
#define PVAL_ENTRY_RESERVED 0xff0ULL
#define PVAL_ENTRY_ADDR_MASK (~0xfffULL)

/* QUERY_PROTOCOL: RCX in = protocol << 32 | version; out = max << 32 | min. */
#define SVSM_QUERY_PROTOCOL(rcx) ((u32)((rcx) >> 32))
#define SVSM_QUERY_VERSION(rcx) ((u32)(rcx))

#endif

/* SPDX-License-Identifier: MIT */
/*
 * SVSM protocol dispatch (kernel/protocols/): decodes and validates a
 * guest's call, hands it to kernel/services/ to perform, and maps the
 * outcome to the wire result codes of include/svsm/abi/svsm.h
 * (snp-svsm-protocol.md sections 1.2, 2). docs/protocols.md lists every
 * call, its checks and how to add one.
 *
 * Everything in struct svsm_call comes from the guest: the decoders treat
 * each register as untrusted, and nothing here panics or logs above debug
 * level on guest input.
 */
#ifndef SVSM_PROTOCOLS_H
#define SVSM_PROTOCOLS_H

#include <svsm/abi/svsm.h>
#include <svsm/types.h>

struct svsm_vcpu;

/* The registers of one call (digest section 1.2). */
struct svsm_call {
	u64 rax; /* in: protocol << 32 | call id */
	u64 rcx; /* in: argument 1; out: call-specific, else unchanged */
	u64 rdx; /* in: argument 2; out: call-specific, else unchanged */
	u64 r8;  /* in: argument 3; out: call-specific, else unchanged */
};

/*
 * Performs one call for caller (the vCPU whose calling area carried it;
 * caller->sev_features must be its VMSA's). Returns the RAX result:
 * SVSM_SUCCESS or an SVSM_ERR_* code, never anything else; updates
 * rcx/rdx/r8 where the call defines outputs.
 */
u64 svsm_dispatch(struct svsm_vcpu *caller, struct svsm_call *call);

/*
 * The versions of a protocol this SVSM offers, as QUERY_PROTOCOL reports
 * them (digest section 2.1): max << 32 | min; 0 if it offers none. Inline
 * so that QUERY_PROTOCOL makes no call at all.
 */
static inline u64 svsm_protocol_versions(u32 protocol)
{
	switch (protocol) {
	case SVSM_CORE_PROTOCOL:
		return (u64)SVSM_CORE_VERSION_MAX << 32 | SVSM_CORE_VERSION_MIN;
	default:
		return 0;
	}
}

/* Core protocol (0): kernel/protocols/core.c. */
u64 core_protocol_call(struct svsm_vcpu *caller, u32 call_id,
		       struct svsm_call *call);

/*
 * SVSM_CORE_PVALIDATE with its request at guest physical address gpa
 * (kernel/protocols/core_pvalidate.c; digest section 2.1.1).
 */
u64 core_pvalidate(struct svsm_vcpu *caller, u64 gpa);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Core protocol (0): decode and check each call's registers, let
 * kernel/services perform it, map the outcome to the wire result codes.
 * Semantics and result codes follow snp-svsm-protocol.md section 2.1
 * (COCONUT's behaviour); docs/protocols.md has the table of checks.
 */
#define LOG_MODULE "core"

#include <svsm/abi/svsm.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/protocols.h>
#include <svsm/vcpu.h>

/*
 * Handlers stay out of line, so that core_protocol_call() is a jump table
 * of tail calls without a stack frame of its own to set up per call.
 */
#define __handler __attribute__((noinline))

/* Internal result -> wire code where a call defines no other mapping. */
static u64 core_wire_code(int ret)
{
	if (ret > 0)
		return SVSM_ERR_PROTOCOL_BASE + (u32)ret;
	switch (ret) {
	case 0:
		return SVSM_SUCCESS;
	case -SVSM_EINVAL:
	case -SVSM_ENOENT:
		return SVSM_ERR_INVALID_PARAMETER;
	case -SVSM_EEXIST:
	case -SVSM_EFAULT:
	case -SVSM_ERANGE:
		return SVSM_ERR_INVALID_ADDRESS;
	default:
		return SVSM_ERR_INVALID_REQUEST;
	}
}

static bool guest_page(u64 gpa)
{
	return IS_ALIGNED(gpa, PAGE_SIZE) &&
	       guestmem_is_guest_ram(gpa, PAGE_SIZE);
}

/* Digest 2.1, call 0: RCX = new CA; a bad RCX is INVALID_PARAMETER. */
static __handler u64 core_remap_ca(struct svsm_vcpu *caller,
				   struct svsm_call *call)
{
	if (!guest_page(call->rcx))
		return SVSM_ERR_INVALID_PARAMETER;
	return core_wire_code(vcpu_remap_ca(caller, call->rcx));
}

/* Digest 2.1.2: RCX = VMSA, RDX = CAA, R8[31:0] = APIC ID. */
static __handler u64 core_create_vcpu(struct svsm_vcpu *caller,
				      struct svsm_call *call)
{
	if (!guest_page(call->rcx) || !guest_page(call->rdx) ||
	    call->rcx == call->rdx)
		return SVSM_ERR_INVALID_ADDRESS;
	return core_wire_code(vcpu_create(caller, call->rcx, call->rdx,
					  (u32)call->r8));
}

/* Digest 2.1, call 3: an RMPADJUST failure is INVALID_ADDRESS here. */
static __handler u64 core_delete_vcpu(struct svsm_call *call)
{
	int ret;

	if (!IS_ALIGNED(call->rcx, PAGE_SIZE))
		return SVSM_ERR_INVALID_PARAMETER;
	ret = vcpu_delete(call->rcx);
	return ret > 0 ? SVSM_ERR_INVALID_ADDRESS : core_wire_code(ret);
}

/* RCX in: protocol << 32 | version; out: max << 32 | min, or 0. */
static u64 core_query_protocol(struct svsm_call *call)
{
	u32 version = SVSM_QUERY_VERSION(call->rcx);
	u64 range = svsm_protocol_versions(SVSM_QUERY_PROTOCOL(call->rcx));

	/* An unknown protocol has range 0, which no version is inside. */
	if (version < (u32)range || version > range >> 32)
		range = 0;
	call->rcx = range;
	return SVSM_SUCCESS;
}

/* RCX bit 0 set: query, answered "vTOM not supported" (RCX = 0). */
static u64 core_configure_vtom(struct svsm_call *call)
{
	if (!(call->rcx & 1))
		return SVSM_ERR_INVALID_REQUEST;
	call->rcx = 0;
	return SVSM_SUCCESS;
}

u64 core_protocol_call(struct svsm_vcpu *caller, u32 call_id,
		       struct svsm_call *call)
{
	switch (call_id) {
	case SVSM_CORE_REMAP_CA:
		return core_remap_ca(caller, call);
	case SVSM_CORE_PVALIDATE:
		return core_pvalidate(caller, call->rcx);
	case SVSM_CORE_CREATE_VCPU:
		return core_create_vcpu(caller, call);
	case SVSM_CORE_DELETE_VCPU:
		return core_delete_vcpu(call);
	case SVSM_CORE_QUERY_PROTOCOL:
		return core_query_protocol(call);
	case SVSM_CORE_CONFIGURE_VTOM:
		return core_configure_vtom(call);
	case SVSM_CORE_DEPOSIT_MEM:
	case SVSM_CORE_WITHDRAW_MEM:
		/* Formats not defined by any source at hand (digest 9). */
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}

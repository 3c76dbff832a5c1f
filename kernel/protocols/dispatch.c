/* SPDX-License-Identifier: MIT */
/*
 * First level of the two-level dispatch: RAX[63:32] names the protocol
 * (snp-svsm-protocol.md sections 1.2, 2.0). Each protocol's file decodes
 * its own call ids. To add a protocol: a case here, its versions in
 * svsm_protocol_versions() (include/svsm/protocols.h), and a
 * <name>_protocol_call() of its own (docs/protocols.md, "Adding a call").
 */
#include <svsm/abi/svsm.h>
#include <svsm/protocols.h>

u64 svsm_dispatch(struct svsm_vcpu *caller, struct svsm_call *call)
{
	u32 call_id = SVSM_CALL(call->rax);

	switch (SVSM_PROTOCOL(call->rax)) {
	case SVSM_CORE_PROTOCOL:
		return core_protocol_call(caller, call_id, call);
	default:
		return SVSM_ERR_UNSUPPORTED_PROTOCOL;
	}
}

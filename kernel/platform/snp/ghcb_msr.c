/* SPDX-License-Identifier: MIT */
/*
 * GHCB MSR protocol (digest §3.4): bits 11:0 of MSR 0xC001_0130 name the
 * function, bits 63:12 carry data. Every answer is checked for its function
 * code first: an answer to a different question is a hypervisor error and
 * terminates the SVSM (nothing that follows could be trusted).
 */
#define LOG_MODULE "snp"

#include <svsm/arch/snp.h>
#include <svsm/lib/log.h>
#include <svsm/snp.h>

#include "internal.h"

u64 snp_msr_exchange(u64 request)
{
	u64 flags = snp_irq_save();
	u64 resp;

	arch_ghcb_msr_write(request);
	arch_vmgexit();
	resp = arch_ghcb_msr_read();
	snp_irq_restore(flags);
	return resp;
}

/* The answer with its function code checked; terminates with reason. */
static u64 msr_call(u64 request, u64 resp_code,
		    enum snp_svsm_term_reason reason)
{
	u64 resp = snp_msr_exchange(request);

	if ((resp & GHCB_MSR_INFO_MASK) != resp_code) {
		log_error("GHCB MSR request 0x%llx: answer 0x%llx", request,
			  resp);
		snp_fail(reason);
	}
	return resp;
}

u8 snp_msr_sev_info(void)
{
	u64 resp = snp_msr_exchange(GHCB_MSR_SEV_INFO_REQ);
	u16 min = GHCB_MSR_SEV_INFO_MIN(resp);
	u16 max = GHCB_MSR_SEV_INFO_MAX(resp);

	/* COCONUT needs version 2 (SNP) inside the hypervisor's range. */
	if ((resp & GHCB_MSR_INFO_MASK) != GHCB_MSR_SEV_INFO_RESP ||
	    min > GHCB_PROTOCOL_VERSION || max < GHCB_PROTOCOL_VERSION) {
		log_error("GHCB protocol: answer 0x%llx, need version %u",
			  resp, GHCB_PROTOCOL_VERSION);
		snp_terminate(SNP_TERM_SET_GENERAL, SNP_TERM_PROTOCOL_RANGE);
	}
	return GHCB_MSR_SEV_INFO_CBIT(resp);
}

u32 snp_msr_cpuid(u32 leaf, enum snp_cpuid_reg reg)
{
	u64 req = GHCB_MSR_CPUID_REQ |
		  ((u64)(reg & 3) << GHCB_MSR_CPUID_REG_SHIFT) |
		  ((u64)leaf << GHCB_MSR_CPUID_LEAF_SHIFT);

	return (u32)(msr_call(req, GHCB_MSR_CPUID_RESP, SNP_TERM_CPUID) >>
		     32);
}

void snp_msr_register_ghcb(phys_addr_t gpa)
{
	u64 req = (gpa & ~GHCB_MSR_INFO_MASK) | GHCB_MSR_REGISTER_GHCB_REQ;
	u64 resp = msr_call(req, GHCB_MSR_REGISTER_GHCB_RESP,
			    SNP_TERM_GHCB_REGISTER);

	/* A different GFN echoed means the hypervisor uses another page. */
	if ((resp & ~GHCB_MSR_INFO_MASK) != (gpa & ~GHCB_MSR_INFO_MASK)) {
		log_error("GHCB registration of 0x%llx: answer 0x%llx", gpa,
			  resp);
		snp_fail(SNP_TERM_GHCB_REGISTER);
	}
}

void snp_msr_psc(phys_addr_t gpa, u64 op)
{
	u64 req = GHCB_MSR_PSC_REQ | (gpa & GHCB_MSR_PSC_GFN_MASK) |
		  ((op & 0xf) << GHCB_MSR_PSC_OP_SHIFT);
	u64 resp = msr_call(req, GHCB_MSR_PSC_RESP, SNP_TERM_PSC);

	if (GHCB_MSR_ERROR(resp)) {
		log_error("page state change of 0x%llx (op %llu): error 0x%x",
			  gpa, op, GHCB_MSR_ERROR(resp));
		snp_fail(SNP_TERM_PSC);
	}
}

void snp_msr_run_vmpl(u8 vmpl)
{
	u64 req = GHCB_MSR_RUN_VMPL_REQ |
		  ((u64)vmpl << GHCB_MSR_RUN_VMPL_SHIFT);
	u64 resp = msr_call(req, GHCB_MSR_RUN_VMPL_RESP, SNP_TERM_RUN_VMPL);

	if (GHCB_MSR_ERROR(resp)) {
		log_error("run VMPL%u: error 0x%x", vmpl, GHCB_MSR_ERROR(resp));
		snp_fail(SNP_TERM_RUN_VMPL);
	}
}

u64 snp_msr_hv_features(void)
{
	return msr_call(GHCB_MSR_HV_FEATURES_REQ, GHCB_MSR_HV_FEATURES_RESP,
			SNP_TERM_HV_FEATURES) >>
	       GHCB_MSR_DATA_SHIFT;
}

void snp_msr_terminate(u8 set, u8 code)
{
	u64 req = GHCB_MSR_TERMINATE_REQ |
		  ((u64)(set & 0xf) << GHCB_MSR_TERM_SET_SHIFT) |
		  ((u64)code << GHCB_MSR_TERM_CODE_SHIFT);

	arch_irq_disable();
	for (;;) {
		arch_ghcb_msr_write(req);
		arch_vmgexit();
		arch_snp_halt();
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor: the GHCB MSR protocol (digest §3.4). A
 * VMGEXIT looks at the current vCPU's GHCB MSR: a registered GHCB's GPA
 * means a NAE (hv_nae.c), anything else an MSR-protocol request. The
 * SIM_EVIL_* switches make it answer the way a malicious host could.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/hw/ghcb.h>
#include <svsm/hw/vmsa.h>

#include "sim_internal.h"

struct sim_hv sim_hv;
jmp_buf sim_term_jmp;
bool sim_term_armed;

/* SEV|SEV-ES|SNP|Restricted Injection|Debug Swap: SEV_STATUS bits 0-2,5,7. */
#define DEFAULT_SEV_STATUS 0xa7ULL

static void default_cpuid(void)
{
	sim_cpuid_add(0x0, 0, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	sim_cpuid_add(0x1, 0, 0, 0, 0x00a00f11, 0x00000800, 0x76d8320b,
		      0x178bfbff);
	sim_cpuid_add(0x7, 0, 0, 0, 0, 0x219c07ab, 0x0040069c, 0);
	sim_cpuid_add(0xd, 0, 1, 0, 0x7, 0x240, 0x340, 0);
	sim_cpuid_add(0xd, 1, 1, 0, 0xf, 0x240, 0, 0);
	sim_cpuid_add(0xd, 2, 0, 0, 0x100, 0x240, 0, 0);
	sim_cpuid_add(0x80000000, 0, 0, 0, 0x80000021, 0x68747541,
		      0x444d4163, 0x69746e65);
	sim_cpuid_add(0x8000001f, 0, 0, 0, 0x1b, 0x00000173, 0x1fd, 0);
}

void sim_hv_reset(void)
{
	memset(&sim_hv, 0, sizeof(sim_hv));
	sim_hv.sev_status = DEFAULT_SEV_STATUS;
	sim_hv.features = GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION |
			  GHCB_HV_FT_MULTI_VMPL;
	sim_hv.version_min = 1;
	sim_hv.version_max = 2;
	sim_hv.cbit = 51;
	sim_hv.xcr0 = 3;
	default_cpuid();
	sim_term_armed = false;
}

void sim_reset(void)
{
	sim_memory_reset();
	sim_rmp_reset();
	sim_hv_reset();
	sim_race_reset();
	sim_glue_reset();
}

void sim_cpuid_add(u32 leaf, u32 subleaf, u64 xcr0, u64 xss, u32 eax,
		   u32 ebx, u32 ecx, u32 edx)
{
	struct snp_cpuid_table *t = &sim_hv.cpuid;

	if (t->count >= SNP_CPUID_MAX_ENTRIES) {
		sim_error("CPUID table full");
		return;
	}
	t->entries[t->count++] = (struct snp_cpuid_entry){
		.eax_in = leaf, .ecx_in = subleaf, .xcr0_in = xcr0,
		.xss_in = xss, .eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};
}

void sim_cpuid_page(struct snp_cpuid_table *page)
{
	memset(page, 0, 4096);
	memcpy(page, &sim_hv.cpuid, sizeof(sim_hv.cpuid));
}

u64 sim_ghcb_msr_read(void)
{
	return sim_hv.msr[sim_cpu()];
}

void sim_ghcb_msr_write(u64 value)
{
	sim_hv.msr[sim_cpu()] = value;
}

u64 sim_sev_status(void)
{
	return sim_hv.sev_status;
}

void sim_halt(void)
{
	sim_hv.halts++;
	fprintf(stderr, "sim: hlt after a termination request\n");
	abort();
}

static bool evil(u64 flag, u64 target)
{
	return (sim_hv.evil & flag) &&
	       (!sim_hv.evil_target || sim_hv.evil_target == target);
}

static void answer(u64 code, u64 data)
{
	if (evil(SIM_EVIL_MSR_WRONG_CODE, code - 1)) {
		code += 0x10;
	}
	sim_hv.msr[sim_cpu()] = data | code;
}

void sim_hv_terminate(u8 set, u8 code)
{
	sim_hv.terminated = true;
	sim_hv.term_set = set;
	sim_hv.term_code = code;
	if (!sim_term_armed) {
		fprintf(stderr, "sim: unexpected termination, set %u code %u\n",
			set, code);
		abort();
	}
	sim_term_armed = false;
	longjmp(sim_term_jmp, 1);
}

/* MSR-protocol CPUID: one register of (leaf, sub-leaf 0). */
static u32 msr_cpuid(u32 leaf, u32 reg)
{
	const struct snp_cpuid_table *t = &sim_hv.cpuid;

	for (u32 i = 0; i < t->count; i++) {
		const struct snp_cpuid_entry *e = &t->entries[i];
		u32 v[4] = { e->eax, e->ebx, e->ecx, e->edx };

		if (e->eax_in == leaf && e->ecx_in == 0) {
			bool bad = (sim_hv.evil & SIM_EVIL_CPUID_CONTRADICT) &&
				   reg == 1;

			return v[reg] ^ (bad ? 1 : 0);
		}
	}
	return 0;
}

static void msr_psc(u64 req)
{
	u64 gpa = req & GHCB_MSR_PSC_GFN_MASK;
	u64 op = (req >> GHCB_MSR_PSC_OP_SHIFT) & 0xf;
	u64 err = 0;

	/* Only private/shared of 4 KiB pages exist in the MSR protocol. */
	if ((op != PSC_OP_PRIVATE && op != PSC_OP_SHARED) ||
	    sim_rmp_psc(gpa, false, op) || evil(SIM_EVIL_MSR_PSC_ERROR, 0)) {
		err = 1;
	}
	answer(GHCB_MSR_PSC_RESP, err << 32);
}

static void msr_run_vmpl(u64 req)
{
	u8 vmpl = (u8)(req >> GHCB_MSR_RUN_VMPL_SHIFT);

	if (evil(SIM_EVIL_RUN_VMPL_ERROR, 0) || !vmpl || vmpl > 3) {
		answer(GHCB_MSR_RUN_VMPL_RESP, 1ULL << 32);
		return;
	}
	sim_hv.vmpl_runs++;
	sim_hv.last_vmpl = vmpl;
	if (sim_hv.guest) {
		sim_hv.guest(sim_cpu(), vmpl, sim_hv.guest_ctx);
	}
	answer(GHCB_MSR_RUN_VMPL_RESP, 0);
}

static void msr_register(u64 req)
{
	u64 gpa = req & ~GHCB_MSR_INFO_MASK;
	struct sim_rmp_entry *e = sim_rmp(gpa);

	if (!e || e->assigned) {
		sim_error("GHCB 0x%llx registered while private", gpa);
	}
	sim_hv.ghcb_gpa[sim_cpu()] = gpa;
	if (evil(SIM_EVIL_GFN_MISMATCH, 0)) {
		gpa += PAGE_SIZE;
	}
	answer(GHCB_MSR_REGISTER_GHCB_RESP, gpa);
}

static void msr_protocol(u64 req)
{
	u32 reg = (u32)(req >> GHCB_MSR_CPUID_REG_SHIFT) & 3;
	u64 info;
	u8 cbit = sim_hv.cbit;

	sim_hv.msr_requests++;
	switch (req & GHCB_MSR_INFO_MASK) {
	case GHCB_MSR_SEV_INFO_REQ:
		cbit += (sim_hv.evil & SIM_EVIL_CBIT_CONTRADICT) ? 1 : 0;
		info = ((u64)sim_hv.version_max << 48) |
		       ((u64)sim_hv.version_min << 32) | ((u64)cbit << 24);
		answer(GHCB_MSR_SEV_INFO_RESP, info);
		break;
	case GHCB_MSR_CPUID_REQ:
		answer(GHCB_MSR_CPUID_RESP,
		       (u64)msr_cpuid((u32)(req >> 32), reg) << 32);
		break;
	case GHCB_MSR_REGISTER_GHCB_REQ:
		msr_register(req);
		break;
	case GHCB_MSR_PSC_REQ:
		msr_psc(req);
		break;
	case GHCB_MSR_RUN_VMPL_REQ:
		msr_run_vmpl(req);
		break;
	case GHCB_MSR_HV_FEATURES_REQ:
		answer(GHCB_MSR_HV_FEATURES_RESP, sim_hv.features << 12);
		break;
	case GHCB_MSR_TERMINATE_REQ:
		sim_hv_terminate((u8)((req >> GHCB_MSR_TERM_SET_SHIFT) & 0xf),
				 (u8)(req >> GHCB_MSR_TERM_CODE_SHIFT));
		break;
	default:
		sim_error("unknown GHCB MSR request 0x%llx", req);
		break;
	}
}

void sim_vmgexit(void)
{
	u64 msr = sim_hv.msr[sim_cpu()];
	u64 ghcb = sim_hv.ghcb_gpa[sim_cpu()];

	sim_hv.vmgexits++;
	sim_race_disarm();
	if (ghcb && msr == ghcb) {
		sim_nae(ghcb);
		return;
	}
	msr_protocol(msr);
}

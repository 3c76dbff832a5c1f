/* SPDX-License-Identifier: MIT */
/*
 * CPUID on SEV-SNP (digest §6.2). CPUID traps (#VC) and the hypervisor's
 * answer is untrusted; the CPUID page, whose contents the PSP checked at
 * launch, is the trusted source. The SVSM keeps a private copy of it and
 * answers every leaf the page lists from the copy (lookup rules in
 * cpuid_table.c); only hypervisor leaves and unlisted leaves are asked of
 * the hypervisor, and an answer for a listed leaf that differs from the
 * page proves a lying hypervisor.
 */
#define LOG_MODULE "snp"

#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#define LEAF_SEV 0x8000001fu
#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST 0x4fffffffu
#define SEV_EBX_CBIT_MASK 0x3fu

static struct snp_cpuid_table cpuid_copy;
static bool cpuid_ready;

int snp_cpuid_init(const struct snp_cpuid_table *page)
{
	if (!page->count || page->count > SNP_CPUID_MAX_ENTRIES) {
		return -SVSM_EINVAL;
	}
	memcpy(&cpuid_copy, page, sizeof(cpuid_copy));
	cpuid_ready = true;
	return 0;
}

const struct snp_cpuid_table *snp_cpuid_table(void)
{
	return cpuid_ready ? &cpuid_copy : NULL;
}

/* Before this CPU has a GHCB: four MSR-protocol requests, leaf only. */
static bool cpuid_hv_msr(u32 leaf, u32 subleaf, struct snp_cpuid_result *out)
{
	if (snp_cpuid_leaf_indexed(leaf) && subleaf) {
		return false; /* the MSR protocol cannot name a sub-leaf */
	}
	out->eax = snp_msr_cpuid(leaf, SNP_CPUID_EAX);
	out->ebx = snp_msr_cpuid(leaf, SNP_CPUID_EBX);
	out->ecx = snp_msr_cpuid(leaf, SNP_CPUID_ECX);
	out->edx = snp_msr_cpuid(leaf, SNP_CPUID_EDX);
	return true;
}

static void cpuid_hv_ghcb(u32 leaf, u32 subleaf, u64 xcr0, u64 xss,
			  struct snp_cpuid_result *out)
{
	struct ghcb_req req = {
		.exit_code = SVM_EXIT_CPUID,
		.rax = leaf,
		.rcx = subleaf,
		.xcr0 = xcr0,
		.xss = xss,
		.in = GHCB_F_RAX | GHCB_F_RCX | GHCB_F_XCR0 | GHCB_F_XSS,
		.out = GHCB_F_RAX | GHCB_F_RBX | GHCB_F_RCX | GHCB_F_RDX,
	};
	struct ghcb_resp resp;

	ghcb_call_checked(&req, &resp);
	*out = (struct snp_cpuid_result){ (u32)resp.rax, (u32)resp.rbx,
					  (u32)resp.rcx, (u32)resp.rdx };
}

void snp_cpuid_hv(u32 leaf, u32 subleaf, u64 xcr0, u64 xss,
		  struct snp_cpuid_result *out)
{
	struct snp_cpuid_result page;

	*out = (struct snp_cpuid_result){ 0 };
	if (snp_ghcb_ready()) {
		cpuid_hv_ghcb(leaf, subleaf, xcr0, xss, out);
	} else if (!cpuid_hv_msr(leaf, subleaf, out)) {
		return;
	}
	if (cpuid_ready &&
	    snp_cpuid_lookup(&cpuid_copy, leaf, subleaf, xcr0, xss, &page) &&
	    memcmp(&page, out, sizeof(page))) {
		log_error("CPUID 0x%x/0x%x: hypervisor says %08x %08x %08x "
			  "%08x, the CPUID page %08x %08x %08x %08x",
			  leaf, subleaf, out->eax, out->ebx, out->ecx,
			  out->edx, page.eax, page.ebx, page.ecx, page.edx);
		snp_fail(SNP_TERM_CPUID);
	}
}

void snp_cpuid(u32 leaf, u32 subleaf, u64 xcr0, u64 xss,
	       struct snp_cpuid_result *out)
{
	bool hv_leaf = leaf >= HV_LEAF_FIRST && leaf <= HV_LEAF_LAST;

	if (!hv_leaf && cpuid_ready &&
	    snp_cpuid_has_leaf(&cpuid_copy, leaf)) {
		if (!snp_cpuid_lookup(&cpuid_copy, leaf, subleaf, xcr0, xss,
				      out)) {
			/* A listed leaf without this sub-leaf: reserved. */
			*out = (struct snp_cpuid_result){ 0 };
		}
		return;
	}
	snp_cpuid_hv(leaf, subleaf, xcr0, xss, out);
}

u8 snp_cbit_from_cpuid(u8 hv_cbit)
{
	struct snp_cpuid_result r;
	u8 cbit;

	if (!cpuid_ready ||
	    !snp_cpuid_lookup(&cpuid_copy, LEAF_SEV, 0, 0, 0, &r)) {
		log_error("the CPUID page has no leaf 0x%x", LEAF_SEV);
		snp_fail(SNP_TERM_CPUID);
	}
	cbit = (u8)(r.ebx & SEV_EBX_CBIT_MASK);
	/* The C-bit is a physical-address bit between 32 and 51. */
	if (cbit != hv_cbit || cbit < 32 || cbit > 51) {
		log_error("C-bit: CPUID page %u, hypervisor %u", cbit, hv_cbit);
		snp_fail(SNP_TERM_CPUID);
	}
	return cbit;
}

#ifdef SVSM_HOST
void snp_cpuid_host_reset(void)
{
	memset(&cpuid_copy, 0, sizeof(cpuid_copy));
	cpuid_ready = false;
}
#endif

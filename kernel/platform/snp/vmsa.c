/* SPDX-License-Identifier: MIT */
/*
 * VMSA pages and the AP creation NAE (digest §3.10, §5.3, §4). A page
 * becomes a VMSA through RMPADJUST with the VMSA bit, executed at VMPL0;
 * RMPADJUST cannot name the caller's own VMPL, so the SVSM's own VMSAs
 * use target VMPL1 (which also proves the bit was applied: a non-VMPL0
 * caller would get FAIL_PERMISSION), the guest's use the guest VMPL with
 * READ only, so the guest cannot edit its own register state. A VMSA
 * page must never be 2 MiB aligned (erratum: an RMP-violation #PF when a
 * large page collides with the VMSA's RMP entry).
 */
#define LOG_MODULE "snp"

#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

/* Allocations tried before giving up on finding an unaligned page. */
#define VMSA_ALLOC_TRIES 4

void snp_ap_create(u32 apic_id, u8 vmpl, u32 op, phys_addr_t vmsa_pa,
		   u64 sev_features)
{
	struct ghcb_req req = {
		.exit_code = SVM_VMGEXIT_AP_CREATION,
		.exit_info_1 = snp_ap_create_info(apic_id, vmpl, op),
		.exit_info_2 = vmsa_pa,
		.rax = sev_features,
		.in = op == SVM_AP_DESTROY ? 0 : GHCB_F_RAX,
	};
	struct ghcb_resp resp;
	int ret = ghcb_call(&req, &resp);

	if (ret) {
		log_error("AP creation (APIC ID %u, VMPL%u, op %u): %s, "
			  "exit info 0x%llx/0x%llx",
			  apic_id, vmpl, op, svsm_strerror(ret),
			  resp.exit_info_1, resp.exit_info_2);
		snp_fail(SNP_TERM_AP_CREATE);
	}
}

struct sev_vmsa *snp_vmsa_alloc(phys_addr_t *pa)
{
	void *rejected[VMSA_ALLOC_TRIES];
	struct sev_vmsa *vmsa = NULL;
	unsigned int n = 0;

	/* Allocate two (or more), use the one that is not 2 MiB aligned. */
	while (n < VMSA_ALLOC_TRIES) {
		void *p = snp_glue_alloc_pages(0);

		if (!p) {
			break;
		}
		if (!IS_ALIGNED(snp_glue_virt_to_phys(p), PAGE_SIZE_2M)) {
			vmsa = p;
			break;
		}
		rejected[n++] = p;
	}
	while (n) {
		snp_glue_free_pages(rejected[--n]);
	}
	if (vmsa) {
		*pa = snp_glue_virt_to_phys(vmsa);
	}
	return vmsa;
}

static u64 vmsa_attrs(u8 guest_vmpl, bool set)
{
	if (!guest_vmpl) {
		return set ? SNP_VMSA_ATTRS_SVSM : RMPADJUST_VMPL(1);
	}
	return set ? SNP_VMSA_ATTRS_GUEST(guest_vmpl) :
		     RMPADJUST_VMPL(guest_vmpl);
}

static int vmsa_adjust(phys_addr_t pa, u8 guest_vmpl, bool set, int *insn)
{
	if (IS_ALIGNED(pa, PAGE_SIZE_2M) || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    guest_vmpl > 3) {
		*insn = SNP_INSN_FAIL_INPUT;
		return -SVSM_EINVAL;
	}
	*insn = snp_rmpadjust_page(pa, false, vmsa_attrs(guest_vmpl, set));
	return *insn == SNP_INSN_SUCCESS ? 0 : -SVSM_EIO;
}

int snp_vmsa_make(phys_addr_t pa, u8 guest_vmpl, int *insn)
{
	return vmsa_adjust(pa, guest_vmpl, true, insn);
}

int snp_vmsa_clear(phys_addr_t pa, u8 guest_vmpl, int *insn)
{
	return vmsa_adjust(pa, guest_vmpl, false, insn);
}

void snp_vmsa_free(struct sev_vmsa *vmsa, phys_addr_t pa, u8 guest_vmpl)
{
	int insn;

	/* Freeing a page that is still a VMSA would hand out a VMSA. */
	if (snp_vmsa_clear(pa, guest_vmpl, &insn)) {
		log_error("VMSA 0x%llx: RMPADJUST failed (%d)", pa, insn);
		snp_fail(SNP_TERM_VMSA);
	}
	memset(vmsa, 0, sizeof(*vmsa));
	snp_glue_free_pages(vmsa);
}

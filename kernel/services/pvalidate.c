/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE for the guest (include/svsm/pvalidate.h). The order of the
 * steps is what keeps it safe (snp-svsm-protocol.md section 2.1.1):
 * - validate: the page is zeroed after PVALIDATE and before the guest gets
 *   access, so a page the hypervisor remapped from SVSM memory cannot
 *   leak its old contents to the guest;
 * - rescind: the guest loses access first, so no guest VMPL can touch a
 *   page while it turns invalid, and stale guest translations are flushed.
 */
#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/guestmem.h>
#include <svsm/platform.h>
#include <svsm/pvalidate.h>

/* RMPADJUST attributes: guest VMPL gets RWX, or VMPL v gets nothing. */
#define GUEST_GRANT_RWX (RMPADJUST_VMPL(SVSM_GUEST_VMPL) | RMPADJUST_PERM_RWX)
#define GUEST_LOWEST_VMPL 3

static int pvalidate(phys_addr_t pa, bool huge, bool validate, bool ignore_cf)
{
	bool unchanged = false;
	int rc = platform_pvalidate(pa, huge, validate, &unchanged);

	if (rc)
		return rc;
	return unchanged && !ignore_cf ? PVAL_UNCHANGED : 0;
}

/*
 * The caller checked pa (aligned, guest RAM): the backend zeroes it
 * without a second lookup.
 */
static int validate_page(phys_addr_t pa, u64 flags)
{
	bool huge = flags & PVAL_PAGE_2M;
	int rc = pvalidate(pa, huge, true, flags & PVAL_PAGE_IGNORE_CF);

	if (rc)
		return rc;
	rc = guestmem_zero_pages(pa, huge ? PAGE_SIZE_2M : PAGE_SIZE);
	if (rc)
		return rc; /* validated but never granted: nothing leaks */
	return platform_rmpadjust(pa, huge, GUEST_GRANT_RWX);
}

/* Out of line, so that the validate path (the common one) stays lean. */
static __attribute__((noinline)) int rescind_page(phys_addr_t pa, u64 flags)
{
	bool huge = flags & PVAL_PAGE_2M;
	int rc = platform_rmpadjust(pa, huge, RMPADJUST_VMPL(SVSM_GUEST_VMPL));

	if (rc)
		return rc; /* nothing changed */
	for (u32 v = SVSM_GUEST_VMPL + 1; v <= GUEST_LOWEST_VMPL; v++) {
		rc = platform_rmpadjust(pa, huge, RMPADJUST_VMPL(v));
		if (rc)
			goto restore;
	}
	rc = pvalidate(pa, huge, false, flags & PVAL_PAGE_IGNORE_CF);
	if (rc)
		goto restore;
	platform_flush_guest_tlb();
	return 0;
restore:
	/* Still valid: give the guest VMPL its access back, best effort. */
	platform_rmpadjust(pa, huge, GUEST_GRANT_RWX);
	return rc;
}

int pval_page(phys_addr_t pa, u64 flags)
{
	return flags & PVAL_PAGE_VALIDATE ? validate_page(pa, flags) :
					    rescind_page(pa, flags);
}

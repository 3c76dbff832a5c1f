/* SPDX-License-Identifier: MIT */
/*
 * The pure half of the page state change NAE (digest §3.8): building a
 * descriptor and checking the header the hypervisor hands back. No state,
 * no hypervisor access: unit-tested and fuzzed (tests/fuzz/fuzz_snp_psc.c).
 */
#include <svsm/lib/check.h>
#include <svsm/snp.h>

#include "internal.h"

enum psc_verdict psc_check_response(const struct psc_hdr *before,
				    const struct psc_hdr *after,
				    u64 exit_info_2)
{
	if (before->end_entry >= PSC_MAX_ENTRIES ||
	    before->cur_entry > before->end_entry) {
		return PSC_ERR_REQUEST;
	}
	if (after->reserved) {
		return PSC_ERR_RESERVED;
	}
	if (after->end_entry != before->end_entry) {
		return PSC_ERR_END;
	}
	if (after->cur_entry < before->cur_entry) {
		return PSC_ERR_BACKWARDS;
	}
	if (after->cur_entry > after->end_entry + 1) {
		return PSC_ERR_BEYOND;
	}
	if (exit_info_2) {
		return PSC_ERR_HV;
	}
	return after->cur_entry > after->end_entry ? PSC_DONE : PSC_MORE;
}

u16 psc_build(struct psc_desc *d, phys_addr_t *pa, phys_addr_t end, u64 op,
	      phys_addr_t no_huge_end)
{
	u16 n = 0;

	while (*pa < end && n < PSC_MAX_ENTRIES) {
		bool huge = IS_ALIGNED(*pa, PAGE_SIZE_2M) &&
			    end - *pa >= PAGE_SIZE_2M && *pa >= no_huge_end;

		/* PSMASH/UNSMASH only exist for 2 MiB entries. */
		CHECK(!snp_psc_op_is_smash(op) || huge);
		d->entries[n++] = (*pa & PSC_ENTRY_GFN_MASK) |
				  (op << PSC_ENTRY_OP_SHIFT) |
				  (huge ? PSC_ENTRY_2M : 0);
		*pa += huge ? PAGE_SIZE_2M : PAGE_SIZE;
	}
	d->hdr.cur_entry = 0;
	d->hdr.end_entry = (u16)(n ? n - 1 : 0);
	d->hdr.reserved = 0;
	return n;
}

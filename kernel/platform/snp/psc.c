/* SPDX-License-Identifier: MIT */
/*
 * Page state change NAE 0x8000_0010 (digest §3.8). The descriptor goes to
 * the GHCB shared buffer; the hypervisor advances cur_entry (and the
 * current-page field of a 2 MiB entry it handles in parts) and may return
 * before it is done, so the SVSM calls again while cur_entry <= end_entry.
 * After every exit the whole descriptor is copied out once and the header
 * checked against what was sent: an index moving backwards or past the
 * end, a changed end, a reserved field or an error in SW_EXITINFO2 all
 * terminate. The one tolerated failure: the hypervisor refusing a 2 MiB
 * entry it has not started (it may back the range with 4 KiB pages only);
 * that range is sent again as 512 4 KiB entries, once.
 */
#define LOG_MODULE "snp"

#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#include "internal.h"

/*
 * Calls without progress before giving up: a 2 MiB entry done one 4 KiB
 * page per call moves only its current-page field, 512 times.
 */
#define PSC_MAX_STALLS 513

/*
 * Takes the hypervisor's copy (ret) into ours (d): its header, checked by
 * the caller, and the current-page field of each entry, which must stay
 * within the 512 pages of a 2 MiB entry and 0 for a 4 KiB one. The
 * GFN, operation and size of our entries are kept as we wrote them.
 */
static bool psc_merge(struct psc_desc *d, const struct psc_desc *ret, u16 n)
{
	for (u16 i = 0; i < n; i++) {
		u64 cur = ret->entries[i] & PSC_ENTRY_CUR_PAGE_MASK;
		u64 max = (d->entries[i] & PSC_ENTRY_2M) ? 511 : 0;

		if (cur > max) {
			return false;
		}
		d->entries[i] &= ~PSC_ENTRY_CUR_PAGE_MASK;
		d->entries[i] |= cur;
	}
	d->hdr = ret->hdr;
	return true;
}

/* Progress: cur_entry moved, or the current-page field of its entry. */
static bool psc_progressed(const struct psc_hdr *old_hdr, u64 old_page,
			   const struct psc_desc *d)
{
	return d->hdr.cur_entry != old_hdr->cur_entry ||
	       (d->entries[old_hdr->cur_entry] & PSC_ENTRY_CUR_PAGE_MASK) !=
		       old_page;
}

/* One exit: copy in, exit, copy out, check. Returns the verdict. */
static enum psc_verdict psc_exit(struct psc_desc *d, struct psc_desc *ret,
				 u16 n, u64 *info2)
{
	u16 len = (u16)(sizeof(struct psc_hdr) + n * sizeof(u64));
	struct ghcb_req req = {
		.exit_code = SVM_VMGEXIT_PSC,
		.buf = d,
		.buf_len = len,
		.out_buf = ret,
		.out_len = len,
		.out = GHCB_F_EXIT_INFO_2,
	};
	struct ghcb_resp resp;
	enum psc_verdict v;

	ghcb_call_checked(&req, &resp);
	*info2 = resp.exit_info_2;
	v = psc_check_response(&d->hdr, &ret->hdr, resp.exit_info_2);
	if (v <= PSC_ERR_HV && !psc_merge(d, ret, n)) {
		return PSC_ERR_ENTRY;
	}
	return v;
}

/*
 * Runs one descriptor of n entries until the hypervisor is done, fails or
 * stalls. ret is scratch space for the copy-out.
 */
static enum psc_verdict psc_run(struct psc_desc *d, struct psc_desc *ret,
				u16 n, u64 *info2)
{
	u32 stalls = 0;
	enum psc_verdict v;

	do {
		struct psc_hdr old = d->hdr;
		u64 old_page = d->entries[old.cur_entry] &
			       PSC_ENTRY_CUR_PAGE_MASK;

		v = psc_exit(d, ret, n, info2);
		if (v != PSC_MORE || psc_progressed(&old, old_page, d)) {
			stalls = 0;
		} else if (++stalls >= PSC_MAX_STALLS) {
			v = PSC_ERR_STALLED;
		}
	} while (v == PSC_MORE);
	return v;
}

/* The hypervisor stopped, with an error, on a 2 MiB entry not started. */
static bool psc_refused_2m(const struct psc_desc *d, u16 n)
{
	u16 i = d->hdr.cur_entry;

	return i < n && (d->entries[i] & PSC_ENTRY_2M) &&
	       !(d->entries[i] & PSC_ENTRY_CUR_PAGE_MASK);
}

void snp_psc(phys_addr_t pa, u64 size, u64 op)
{
	struct psc_desc d, ret;
	phys_addr_t end, no_huge_end = 0;

	/* Physical addresses have 52 bits: the entries' GFN field. */
	CHECK(IS_ALIGNED(pa, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) &&
	      add_no_overflow(pa, size, &end) && end <= BIT(52));
	while (pa < end) {
		phys_addr_t next = pa;
		u16 n = psc_build(&d, &next, end, op, no_huge_end);
		u64 info2 = 0;
		enum psc_verdict v = psc_run(&d, &ret, n, &info2);

		if (v == PSC_DONE) {
			pa = next;
		} else if (v == PSC_ERR_HV && !snp_psc_op_is_smash(op) &&
			   psc_refused_2m(&d, n)) {
			/* Entries before it are done; redo it as 4 KiB. */
			pa = d.entries[d.hdr.cur_entry] & PSC_ENTRY_GFN_MASK;
			no_huge_end = pa + PAGE_SIZE_2M;
		} else {
			log_error("page state change at 0x%llx (op %llu): "
				  "verdict %d, entry %u, exit info 2 0x%llx",
				  pa, op, v, d.hdr.cur_entry, info2);
			snp_fail(SNP_TERM_PSC);
		}
	}
}

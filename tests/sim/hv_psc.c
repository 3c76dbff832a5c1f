/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor's page state change NAE (digest §3.8): walks
 * the descriptor in the GHCB shared buffer from cur_entry, applies each
 * entry to the RMP, and writes back how far it got. It may stop early
 * (psc_max_per_call), refuse 2 MiB entries (psc_refuse_2m*), and with the
 * SIM_EVIL_PSC_* switches answers in every inconsistent way the SVSM must
 * detect.
 */
#include <string.h>

#include <svsm/hw/ghcb.h>

#include "sim_internal.h"

/* SW_EXITINFO2 values (hypervisor-defined; only "non-zero" matters). */
#define PSC_ERR_HDR ((1ULL << 32) | 1)
#define PSC_ERR_ENTRY ((1ULL << 32) | 2)
#define PSC_ERR_2M ((1ULL << 32) | 3)
#define PSC_ERR_GENERIC ((1ULL << 32) | 4)

static bool scratch_ok(const struct ghcb *g)
{
	u64 buf = sim_hv.ghcb_gpa[sim_cpu()] + GHCB_SHARED_BUFFER_OFFSET;

	return sim_nae_req_valid((u32)offsetof(struct ghcb, sw_scratch)) &&
	       g->sw_scratch == buf;
}

/* Processes entries; returns SW_EXITINFO2 and the new cur_entry. */
static u64 process(struct psc_desc *d, u16 *cur)
{
	u16 done = 0, max = sim_hv.psc_max_per_call;
	bool refuse = sim_hv.psc_refuse_2m || sim_hv.psc_refuse_2m_once;

	for (u16 i = d->hdr.cur_entry; i <= d->hdr.end_entry; i++) {
		u64 e = d->entries[i];
		bool huge = (e & PSC_ENTRY_2M) != 0;
		u64 op = (e >> PSC_ENTRY_OP_SHIFT) & 0xf;

		if (max && done == max) {
			break;
		}
		if (huge && refuse) {
			sim_hv.psc_refuse_2m_once = false;
			return PSC_ERR_2M;
		}
		if (!huge && (sim_hv.evil & SIM_EVIL_PSC_ERROR)) {
			return PSC_ERR_GENERIC;
		}
		if (!(sim_hv.evil & SIM_EVIL_PSC_NOOP) &&
		    sim_rmp_psc(e & PSC_ENTRY_GFN_MASK, huge, op)) {
			return PSC_ERR_ENTRY;
		}
		*cur = (u16)(i + 1);
		done++;
	}
	return 0;
}

static void corrupt(struct psc_desc *d, u16 start)
{
	u64 ev = sim_hv.evil;

	if ((ev & SIM_EVIL_PSC_BACKWARDS) && start > 0) {
		d->hdr.cur_entry = (u16)(start - 1);
	}
	if (ev & SIM_EVIL_PSC_BEYOND_END) {
		d->hdr.cur_entry = (u16)(d->hdr.end_entry + 2);
	}
	if (ev & SIM_EVIL_PSC_END_CHANGED) {
		d->hdr.end_entry = (u16)(d->hdr.end_entry + 1);
	}
	if (ev & SIM_EVIL_PSC_RESERVED) {
		d->hdr.reserved = 1;
	}
	if ((ev & SIM_EVIL_PSC_BAD_CUR_PAGE) &&
	    !(d->entries[start] & PSC_ENTRY_2M)) {
		d->entries[start] |= 5;
	}
}

void sim_psc_nae(void *ghcb)
{
	struct ghcb *g = ghcb;
	struct psc_desc *d = (struct psc_desc *)g->shared_buffer;
	u16 start = d->hdr.cur_entry, cur = start;

	sim_hv.psc_calls++;
	g->sw_exit_info_2 = 0;
	if (!scratch_ok(g) || d->hdr.end_entry >= PSC_MAX_ENTRIES ||
	    d->hdr.cur_entry > d->hdr.end_entry || d->hdr.reserved) {
		g->sw_exit_info_2 = PSC_ERR_HDR;
		return;
	}
	if (!(sim_hv.evil & SIM_EVIL_PSC_STALL)) {
		g->sw_exit_info_2 = process(d, &cur);
	}
	d->hdr.cur_entry = cur;
	corrupt(d, start);
}

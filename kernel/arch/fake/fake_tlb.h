/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for <svsm/arch/tlb.h>: records the flushes instead of doing
 * them, so tests can check that a page-table change was followed by one.
 */
#ifndef SVSM_ARCH_FAKE_TLB_H
#define SVSM_ARCH_FAKE_TLB_H

#include <svsm/types.h>

struct fake_tlb {
	u64 page_flushes;   /* arch_flush_tlb_page() calls */
	u64 all_flushes;    /* arch_flush_tlb_all() calls */
	virt_addr_t last_va; /* va of the latest arch_flush_tlb_page() */
	/* Called on every arch_flush_tlb_page() when set, for finer checks. */
	void (*on_flush_page)(virt_addr_t va, void *ctx);
	void *ctx;
};

extern struct fake_tlb fake_tlb;

/* Zeroes the counters and removes the callback. */
void fake_tlb_reset(void);

#endif

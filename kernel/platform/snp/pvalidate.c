/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE and RMPADJUST on physical addresses (digest §4): the
 * instructions take a virtual address, so each page is reached through a
 * temporary private mapping (kernel: a per-CPU slot; host: the simulator's
 * arena). The SVSM keeps one bit per 4 KiB page of its own region saying
 * whether it validated it (ARCHITECTURE §7: validation state is tracked
 * per page), so it can tell a page it rescinded (the GHCBs) from one it
 * owns.
 */
#define LOG_MODULE "snp"

#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#include "internal.h"

#define PAGES_PER_2M (PAGE_SIZE_2M / PAGE_SIZE)

static struct snp_vbitmap kernel_vbitmap;

void snp_vbitmap_init(struct snp_vbitmap *bm, phys_addr_t base, u64 size,
		      u64 *storage)
{
	bm->base = base;
	bm->pages = size >> PAGE_SHIFT;
	bm->bits = storage;
	memset(storage, 0, SNP_VBITMAP_WORDS(size) * sizeof(u64));
}

static bool vbitmap_index(const struct snp_vbitmap *bm, phys_addr_t pa,
			  u64 *idx)
{
	if (!bm->bits || pa < bm->base) {
		return false;
	}
	*idx = (pa - bm->base) >> PAGE_SHIFT;
	return *idx < bm->pages;
}

void snp_vbitmap_set(struct snp_vbitmap *bm, phys_addr_t pa, u64 size,
		     bool valid)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		u64 i;

		if (!vbitmap_index(bm, pa + off, &i)) {
			continue;
		}
		if (valid) {
			bm->bits[i / 64] |= BIT(i % 64);
		} else {
			bm->bits[i / 64] &= ~BIT(i % 64);
		}
	}
}

bool snp_vbitmap_test(const struct snp_vbitmap *bm, phys_addr_t pa)
{
	u64 i;

	return vbitmap_index(bm, pa, &i) && (bm->bits[i / 64] & BIT(i % 64));
}

u64 snp_vbitmap_count(const struct snp_vbitmap *bm)
{
	u64 n = 0;

	for (u64 i = 0; i < bm->pages; i++) {
		n += (bm->bits[i / 64] >> (i % 64)) & 1;
	}
	return n;
}

struct snp_vbitmap *snp_kernel_vbitmap(void)
{
	return kernel_vbitmap.bits ? &kernel_vbitmap : NULL;
}

/* Smallest order whose pages hold bytes (the map is at most 1 MiB). */
static int vbitmap_order(u64 bytes)
{
	for (unsigned int order = 0; order <= 8; order++) {
		if (bytes <= (PAGE_SIZE << order)) {
			return (int)order;
		}
	}
	return -1;
}

int snp_kernel_vbitmap_init(phys_addr_t base, u64 size)
{
	u64 bytes = SNP_VBITMAP_WORDS(size) * sizeof(u64);
	int order = vbitmap_order(bytes);
	u64 *storage;

	if (!IS_ALIGNED(base, PAGE_SIZE) || !size || order < 0) {
		return -SVSM_EINVAL;
	}
	storage = snp_glue_alloc_pages((unsigned int)order);
	if (!storage) {
		return -SVSM_ENOMEM;
	}
	snp_vbitmap_init(&kernel_vbitmap, base, size, storage);
	snp_vbitmap_set(&kernel_vbitmap, base, size, true);
	return 0;
}

int snp_pvalidate_page(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged)
{
	void *va = snp_glue_map_temp(pa, huge);
	int ret;

	*unchanged = false;
	if (!va) {
		return SNP_INSN_FAIL_INPUT;
	}
	ret = arch_pvalidate((virt_addr_t)(uintptr_t)va, huge, validate,
			     unchanged);
	snp_glue_unmap_temp(va, huge);
	if (ret == SNP_INSN_SUCCESS) {
		snp_vbitmap_set(&kernel_vbitmap, pa,
				huge ? PAGE_SIZE_2M : PAGE_SIZE, validate);
	}
	return ret;
}

int snp_rmpadjust_page(phys_addr_t pa, bool huge, u64 attrs)
{
	void *va = snp_glue_map_temp(pa, huge);
	int ret;

	if (!va) {
		return SNP_INSN_FAIL_INPUT;
	}
	ret = arch_rmpadjust((virt_addr_t)(uintptr_t)va, huge, attrs);
	snp_glue_unmap_temp(va, huge);
	return ret;
}

static int insn_to_errno(int insn, bool unchanged)
{
	if (insn == SNP_INSN_FAIL_INPUT) {
		return -SVSM_EINVAL;
	}
	if (insn != SNP_INSN_SUCCESS) {
		return -SVSM_EIO;
	}
	/* CF: already in that state, i.e. not the state the SVSM believed. */
	return unchanged ? -SVSM_EEXIST : 0;
}

/*
 * A 4 KiB PVALIDATE inside a 2 MiB RMP entry fails with SIZEMISMATCH;
 * once this CPU has a GHCB the hypervisor can split the entry (PSMASH
 * through the PSC NAE) and the page is tried again.
 */
static int pvalidate_4k(phys_addr_t pa, bool validate)
{
	bool unchanged;
	int insn = snp_pvalidate_page(pa, false, validate, &unchanged);

	if (insn == SNP_INSN_FAIL_SIZEMISMATCH && snp_ghcb_ready()) {
		snp_psc(ALIGN_DOWN(pa, PAGE_SIZE_2M), PAGE_SIZE_2M,
			PSC_OP_PSMASH);
		insn = snp_pvalidate_page(pa, false, validate, &unchanged);
	}
	return insn_to_errno(insn, unchanged);
}

/* 2 MiB at once; FAIL_SIZEMISMATCH (4 KiB RMP entries) -> 512 x 4 KiB. */
static int pvalidate_2m(phys_addr_t pa, bool validate)
{
	bool unchanged;
	int insn = snp_pvalidate_page(pa, true, validate, &unchanged);

	if (insn != SNP_INSN_FAIL_SIZEMISMATCH) {
		return insn_to_errno(insn, unchanged);
	}
	for (u64 i = 0; i < PAGES_PER_2M; i++) {
		int ret = pvalidate_4k(pa + i * PAGE_SIZE, validate);

		if (ret) {
			return ret;
		}
	}
	return 0;
}

int snp_pvalidate_range(phys_addr_t pa, u64 size, bool validate)
{
	phys_addr_t end;

	if (!IS_ALIGNED(pa, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) ||
	    !add_no_overflow(pa, size, &end)) {
		return -SVSM_EINVAL;
	}
	while (pa < end) {
		bool huge = IS_ALIGNED(pa, PAGE_SIZE_2M) &&
			    end - pa >= PAGE_SIZE_2M;
		int ret = huge ? pvalidate_2m(pa, validate) :
				 pvalidate_4k(pa, validate);

		if (ret) {
			log_error("PVALIDATE(%d) of 0x%llx: %s", validate, pa,
				  svsm_strerror(ret));
			return ret;
		}
		pa += huge ? PAGE_SIZE_2M : PAGE_SIZE;
	}
	return 0;
}

void snp_make_shared(phys_addr_t pa, u64 size)
{
	/* Digest §3.8: rescind first, so no validated page turns shared. */
	if (snp_pvalidate_range(pa, size, false)) {
		snp_fail(SNP_TERM_PVALIDATE);
	}
	snp_psc(pa, size, PSC_OP_SHARED);
}

void snp_make_private(phys_addr_t pa, u64 size)
{
	snp_psc(pa, size, PSC_OP_PRIVATE);
	/* A page already valid after the PSC was not converted: fatal too. */
	if (snp_pvalidate_range(pa, size, true)) {
		snp_fail(SNP_TERM_PVALIDATE);
	}
}

#ifdef SVSM_HOST
void snp_pvalidate_host_reset(void)
{
	kernel_vbitmap = (struct snp_vbitmap){ 0 };
}
#endif

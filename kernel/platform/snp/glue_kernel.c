/* SPDX-License-Identifier: MIT */
/*
 * Kernel side of the SNP glue (include/svsm/snp.h, last section): page
 * allocation, temporary mappings for PVALIDATE/RMPADJUST, the GHCB's
 * unencrypted mapping and the #VC entry. Host tests link
 * tests/sim/snp_glue.c instead.
 */
#define LOG_MODULE "snp"

#include <arch/exception.h>
#include <arch/uaccess.h>
#include <svsm/arch/snp.h>
#include <svsm/boot/layout.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/snp.h>
#include <svsm/vmap.h>

/*
 * Page-table flag for a mapping without the C-bit. The page-table code
 * does not have one yet; its enc_mask is 0 (no C-bit anywhere), so a plain
 * mapping is unencrypted today. snp_glue_map_shared() checks the leaf
 * entry, so the day the kernel maps with the C-bit this fails loudly
 * instead of sharing a GHCB the hypervisor cannot read.
 */
#ifdef PGT_DECRYPTED
#define SNP_PGT_SHARED PGT_DECRYPTED
#else
#define SNP_PGT_SHARED 0
#endif

/*
 * Per-CPU temporary mapping slots in the CPU's window (docs/memory-map.md):
 * the first 2 MiB (only ever mapped whole, so it stays a 2 MiB page, which
 * 2 MiB PVALIDATE needs) and the page two below the window's end.
 */
#define TEMP_SLOT_2M_OFFSET 0x0ULL
#define TEMP_SLOT_4K_OFFSET (PERCPU_VIRT_STRIDE - 2 * PAGE_SIZE)

u32 snp_glue_cpu_index(void)
{
	return this_cpu()->cpu_index;
}

void *snp_glue_alloc_pages(unsigned int order)
{
	return mm_alloc_zeroed_pages(order);
}

void snp_glue_free_pages(void *va)
{
	mm_free_pages(va);
}

phys_addr_t snp_glue_virt_to_phys(const void *va)
{
	return mm_virt_to_phys(va);
}

static virt_addr_t temp_slot(bool huge)
{
	return PERCPU_VIRT_BASE +
	       (u64)snp_glue_cpu_index() * PERCPU_VIRT_STRIDE +
	       (huge ? TEMP_SLOT_2M_OFFSET : TEMP_SLOT_4K_OFFSET);
}

void *snp_glue_map_temp(phys_addr_t pa, bool huge)
{
	u64 size = huge ? PAGE_SIZE_2M : PAGE_SIZE;
	virt_addr_t va = temp_slot(huge);

	/* Writable: the guest launch zeroes and fills pages through it. */
	if (!IS_ALIGNED(pa, size) ||
	    mm_map(va, pa, size, PGT_WRITE | (huge ? 0 : PGT_4K_ONLY))) {
		return NULL;
	}
	return (void *)(uintptr_t)va;
}

/* The slot is this CPU's alone: a local flush is enough. */
void snp_glue_unmap_temp(void *va, bool huge)
{
	mm_unmap_local((virt_addr_t)(uintptr_t)va,
		       huge ? PAGE_SIZE_2M : PAGE_SIZE);
}

void *snp_glue_map_shared(phys_addr_t pa)
{
	void *va = vmap_phys(pa, PAGE_SIZE, PGT_WRITE | SNP_PGT_SHARED);
	struct pgtable_walk_result w;

	if (!va) {
		return NULL;
	}
	CHECK(!mm_walk((virt_addr_t)(uintptr_t)va, &w) &&
	      !(w.pte & snp_enc_mask()));
	return va;
}

/* Early set-up runs on stage2's identity map of the low 4 GiB. */
void *snp_glue_early_ptr(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

/*
 * The instruction bytes at rip, at most 15 and never past a page that
 * cannot be read: the second page is only read if it is mapped.
 */
static size_t vc_fetch(u64 rip, u8 *buf)
{
	size_t first = MIN((size_t)VC_INSN_MAX_LEN,
			   (size_t)(PAGE_SIZE - (rip & (PAGE_SIZE - 1))));
	const u8 *p = (const u8 *)(uintptr_t)rip;

	if (rip < KERNEL_VIRT_BASE || arch_try_copy(buf, p, first)) {
		return 0; /* #VC from outside the SVSM's own code */
	}
	if (first < VC_INSN_MAX_LEN &&
	    !arch_try_copy(buf + first, p + first, VC_INSN_MAX_LEN - first)) {
		return VC_INSN_MAX_LEN;
	}
	return first;
}

static bool vc_exception(struct exc_frame *f)
{
	u8 bytes[VC_INSN_MAX_LEN];
	size_t n = vc_fetch(f->rip, bytes);
	struct vc_regs r = { f->rax, f->rbx, f->rcx, f->rdx, f->rip };
	int ret = vc_handle(&r, f->error_code, bytes, n,
			    arch_snp_read_xcr0());

	if (ret) {
		log_error("#VC exit 0x%llx at 0x%llx: cannot emulate (%d)",
			  f->error_code, f->rip, ret);
		snp_fail(SNP_TERM_VC);
	}
	f->rax = r.rax;
	f->rbx = r.rbx;
	f->rcx = r.rcx;
	f->rdx = r.rdx;
	f->rip = r.rip;
	return true;
}

void snp_vc_install(void)
{
	exception_set_handler(VEC_VC, vc_exception);
}

/* SPDX-License-Identifier: MIT */
/*
 * Page validation on behalf of the guest (kernel/services/pvalidate.c),
 * the "perform" half of the core protocol's PVALIDATE call
 * (snp-svsm-protocol.md section 2.1.1).
 */
#ifndef SVSM_PVALIDATE_H
#define SVSM_PVALIDATE_H

#include <svsm/types.h>

/*
 * Positive result besides the SNP_INSN_* codes: PVALIDATE set RFLAGS.CF
 * (the RMP entry already was in the requested state) and the entry did
 * not ask to ignore that. Wire code 0x8000_1010 (digest section 2.2).
 */
#define PVAL_UNCHANGED 0x10

/*
 * pval_page() flags. The bits are those of a PVALIDATE entry (digest
 * section 2.1.1), so the decoder passes an entry's bits as they are.
 */
#define PVAL_PAGE_2M BIT(0)
#define PVAL_PAGE_VALIDATE BIT(2)
#define PVAL_PAGE_IGNORE_CF BIT(3) /* "already in that state" is success */

/*
 * Validates (PVAL_PAGE_VALIDATE) or rescinds the 4 KiB or 2 MiB
 * (PVAL_PAGE_2M) guest page at pa, which the caller has checked:
 * aligned, guest RAM, not registered (vcpu_lock held shared,
 * include/svsm/vcpu.h).
 *
 * Validate: PVALIDATE(1), zero the page (a page the hypervisor remapped
 * must not leak old contents), RMPADJUST granting the guest VMPL RWX.
 * Rescind: RMPADJUST revoking VMPL2 and VMPL3, PVALIDATE(0), guest TLB
 * flush; if PVALIDATE fails the guest's RWX is given back.
 *
 * Returns 0, a positive SNP_INSN_* code of the failing instruction,
 * PVAL_UNCHANGED, or -SVSM_EFAULT if zeroing faulted.
 */
int pval_page(phys_addr_t pa, u64 flags);

#endif

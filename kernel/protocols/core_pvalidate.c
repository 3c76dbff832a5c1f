/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_PVALIDATE, decode side (snp-svsm-protocol.md section 2.1.1).
 *
 * The request is copied into SVSM memory exactly once: first the 8-byte
 * header, then the entries from `next` on, in one read each. Every check
 * and every action then uses the copy, so a guest that rewrites the page
 * while the SVSM works on it changes nothing. Only `next` is written
 * back, once, when processing stops.
 *
 * Each entry is checked before it is performed: reserved bits, size,
 * alignment, guest RAM (never SVSM memory), not the request page itself
 * (a rescind would pull it from under the write-back), and, with
 * vcpu_lock held shared until the page is done, not a registered VMSA or
 * calling area.
 */
#define LOG_MODULE "pvalidate"

#include <svsm/abi/svsm.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/lib/log.h>
#include <svsm/protocols.h>
#include <svsm/pvalidate.h>
#include <svsm/vcpu.h>

#define PVAL_HDR_SIZE sizeof(struct svsm_pvalidate_hdr)
#define PVAL_MAX_ENTRIES ((PAGE_SIZE - PVAL_HDR_SIZE) / sizeof(u64))

struct pval_request {
	struct svsm_pvalidate_hdr hdr;
	u64 entry[PVAL_MAX_ENTRIES];
};

static u64 pval_wire_code(int ret)
{
	if (ret > 0)
		return SVSM_ERR_PROTOCOL_BASE + (u32)ret;
	if (ret == -SVSM_ENOMEM)
		return SVSM_ERR_INVALID_REQUEST;
	return ret ? SVSM_ERR_INVALID_ADDRESS : SVSM_SUCCESS;
}

/* Checks one entry (the copy) and performs it. Returns the wire code. */
static u64 pval_entry(u64 entry, phys_addr_t req_page)
{
	phys_addr_t pa = entry & PVAL_ENTRY_ADDR_MASK;
	u64 size = entry & PVAL_ENTRY_SIZE_MASK;
	u64 len = size ? PAGE_SIZE_2M : PAGE_SIZE;
	u64 ret;

	if ((entry & PVAL_ENTRY_RESERVED) || size > 1 ||
	    !IS_ALIGNED(pa, len))
		return SVSM_ERR_INVALID_PARAMETER;
	if (!guestmem_is_guest_ram(pa, len) ||
	    ranges_overlap(pa, len, req_page, PAGE_SIZE))
		return SVSM_ERR_INVALID_ADDRESS;
	vcpu_read_lock();
	if (vcpu_range_registered(pa, len))
		ret = SVSM_ERR_INVALID_ADDRESS;
	else
		ret = pval_wire_code(pval_page(pa, size, entry &
					       PVAL_ENTRY_VALIDATE,
					       entry & PVAL_ENTRY_IGNORE_CF));
	vcpu_read_unlock();
	return ret;
}

/*
 * The request page must be the guest's own memory: guest RAM, not a
 * registered VMSA, not another vCPU's calling area (the caller's own is
 * where Linux puts it). Checked with vcpu_lock held.
 */
static bool pval_request_page_ok(const struct svsm_vcpu *caller, u64 page)
{
	return !vcpu_range_registered(page, PAGE_SIZE) ||
	       page == caller->caa_gpa;
}

/* Writes `next` back, unless the page became a VMSA or CAA meanwhile. */
static u64 pval_write_next(const struct svsm_vcpu *caller, u64 gpa,
			   u16 next)
{
	u64 ret = SVSM_SUCCESS;

	vcpu_read_lock();
	if (!pval_request_page_ok(caller, gpa & PAGE_MASK) ||
	    guestmem_write(gpa + offsetof(struct svsm_pvalidate_hdr, next),
			   &next, sizeof(next)))
		ret = SVSM_ERR_INVALID_ADDRESS;
	vcpu_read_unlock();
	return ret;
}

/* Reads and checks the header; INVALID_PARAMETER for every violation. */
static u64 pval_read_header(const struct svsm_vcpu *caller, u64 gpa,
			    struct svsm_pvalidate_hdr *hdr)
{
	u64 max = (PAGE_SIZE - (gpa & ~PAGE_MASK) - PVAL_HDR_SIZE) /
		  sizeof(u64);
	bool ok;

	if (!IS_ALIGNED(gpa, sizeof(u64)) ||
	    !guestmem_is_guest_ram(gpa & PAGE_MASK, PAGE_SIZE))
		return SVSM_ERR_INVALID_PARAMETER;
	vcpu_read_lock();
	ok = pval_request_page_ok(caller, gpa & PAGE_MASK);
	vcpu_read_unlock();
	if (!ok)
		return SVSM_ERR_INVALID_PARAMETER;
	if (guestmem_read(gpa, hdr, sizeof(*hdr)))
		return SVSM_ERR_INVALID_ADDRESS;
	if (!hdr->entries || hdr->entries > max || hdr->next >= hdr->entries)
		return SVSM_ERR_INVALID_PARAMETER;
	return SVSM_SUCCESS;
}

u64 core_pvalidate(struct svsm_vcpu *caller, u64 gpa)
{
	struct pval_request req;
	u64 ret = pval_read_header(caller, gpa, &req.hdr);
	u16 i;

	if (ret)
		return ret;
	i = req.hdr.next;
	if (guestmem_read(gpa + PVAL_HDR_SIZE + i * sizeof(u64), &req.entry[i],
			  (req.hdr.entries - i) * sizeof(u64)))
		return SVSM_ERR_INVALID_ADDRESS;
	for (; i < req.hdr.entries; i++) {
		ret = pval_entry(req.entry[i], gpa & PAGE_MASK);
		if (ret)
			break;
	}
	if (ret)
		log_debug("entry %u: 0x%llx", i, ret);
	/* Linux retries a failed 2 MiB entry as 4 KiB ones from `next`. */
	if (pval_write_next(caller, gpa, i))
		return SVSM_ERR_INVALID_ADDRESS;
	return ret;
}

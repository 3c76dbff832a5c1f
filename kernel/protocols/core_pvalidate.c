/* SPDX-License-Identifier: MIT */
/*
 * SVSM_CORE_PVALIDATE, decode side (snp-svsm-protocol.md section 2.1.1).
 *
 * The request page is mapped once for the whole call. The request is
 * copied into SVSM memory exactly once through that mapping: first the
 * 8-byte header, then the entries from `next` on, in one copy each. Every
 * check and every action then uses the copy, so a guest that rewrites the
 * page while the SVSM works on it changes nothing. Only `next` is written
 * back, once, when processing stops.
 *
 * Each entry is checked before it is performed: reserved bits, size,
 * alignment, guest RAM (never SVSM memory), not the request page itself
 * (a rescind would pull it from under the write-back), and, with
 * vcpu_lock held shared until the page is done, not a registered VMSA or
 * calling area. The lock is held across entries and handed to a waiting
 * writer between two of them (vcpu_read_yield()). The guest RAM and
 * registry checks reuse what the previous entry's lookup found (struct
 * pval_cursor), so a batch of neighbouring pages costs one lookup each.
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

/* Page size field (bits 1:0): 1 is 2 MiB; 2 and 3 are undefined. */
#define PVAL_ENTRY_HUGE 1ULL
#define PVAL_ENTRY_SIZE_UNDEFINED 2ULL

/* An entry's bits that pval_page() takes as they are (pvalidate.h). */
#define PVAL_PAGE_FLAGS \
	(PVAL_PAGE_2M | PVAL_PAGE_VALIDATE | PVAL_PAGE_IGNORE_CF)
_Static_assert(PVAL_PAGE_2M == PVAL_ENTRY_HUGE &&
		       PVAL_PAGE_VALIDATE == PVAL_ENTRY_VALIDATE &&
		       PVAL_PAGE_IGNORE_CF == PVAL_ENTRY_IGNORE_CF,
	       "pval_page() flags are the entry's bits");

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

/*
 * The largest range around [pa, pa + len) where every page is guest RAM,
 * not a registered VMSA or calling area and not the request page (empty
 * if [pa, pa + len) is not all of that). vcpu_lock held: the registry
 * part holds until it is dropped; guest RAM does not change after boot.
 */
static struct mem_region pval_ok_span(phys_addr_t req_page, phys_addr_t pa,
				      u64 len)
{
	struct mem_region ram = guestmem_ram_range(pa);
	struct mem_region free = vcpu_unregistered_span(pa, len);
	struct mem_region ok = { MAX(ram.start, free.start),
				 MIN(ram.end, free.end) };

	/* The request page splits it: keep the side pa is on. */
	if (req_page >= ok.start && req_page < ok.end) {
		if (pa < req_page)
			ok.end = req_page;
		else
			ok.start = req_page + PAGE_SIZE;
	}
	return ok;
}

/*
 * What the earlier entries of a request established, so that a batch of
 * neighbouring pages costs one lookup, not one per entry: the span of the
 * last one (pval_ok_span()), empty before the first entry and after
 * vcpu_lock was dropped.
 */
struct pval_cursor {
	phys_addr_t req_page;
	struct mem_region ok;
};

/* Guest RAM, not registered, not the request page; vcpu_lock held. */
static bool pval_address_ok(struct pval_cursor *c, phys_addr_t pa, u64 len)
{
	if (mem_region_holds(&c->ok, pa, len))
		return true;
	c->ok = pval_ok_span(c->req_page, pa, len);
	return mem_region_holds(&c->ok, pa, len);
}

/*
 * Checks one entry (the copy) and performs it; vcpu_lock held shared.
 * Returns the wire code.
 */
static u64 pval_entry(u64 entry, struct pval_cursor *c)
{
	phys_addr_t pa = entry & PVAL_ENTRY_ADDR_MASK;
	bool huge = entry & PVAL_ENTRY_HUGE;
	u64 len = huge ? PAGE_SIZE_2M : PAGE_SIZE;
	int rc;

	if ((entry & (PVAL_ENTRY_RESERVED | PVAL_ENTRY_SIZE_UNDEFINED)) ||
	    !IS_ALIGNED(pa, len))
		return SVSM_ERR_INVALID_PARAMETER;
	if (!pval_address_ok(c, pa, len))
		return SVSM_ERR_INVALID_ADDRESS;
	rc = pval_page(pa, entry & PVAL_PAGE_FLAGS);
	return rc ? pval_wire_code(rc) : SVSM_SUCCESS;
}

/* Entries [next, entries) until one fails; returns where it stopped. */
static u16 pval_entries(const struct pval_request *req, phys_addr_t req_page,
			u64 *ret)
{
	struct pval_cursor c = { .req_page = req_page };
	u16 i = req->hdr.next;

	*ret = SVSM_SUCCESS;
	vcpu_read_lock();
	for (; i < req->hdr.entries; i++) {
		*ret = pval_entry(req->entry[i], &c);
		if (*ret)
			break;
		/* A writer ran: the registry may have changed. */
		if (vcpu_read_yield())
			c.ok = (struct mem_region){ 0, 0 };
	}
	vcpu_read_unlock();
	return i;
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
			   u8 *hdr_va, u16 next)
{
	u64 ret = SVSM_SUCCESS;

	vcpu_read_lock();
	if (!pval_request_page_ok(caller, gpa & PAGE_MASK) ||
	    guestmem_copy_mapped(
		    hdr_va + offsetof(struct svsm_pvalidate_hdr, next), &next,
		    sizeof(next)))
		ret = SVSM_ERR_INVALID_ADDRESS;
	vcpu_read_unlock();
	return ret;
}

/*
 * Copies the header, checks it (INVALID_PARAMETER for every violation),
 * then copies entries [next, entries). hdr_va maps the header at gpa.
 */
static u64 pval_read(u64 gpa, const u8 *hdr_va, struct pval_request *req)
{
	u64 max = (PAGE_SIZE - (gpa & ~PAGE_MASK) - PVAL_HDR_SIZE) /
		  sizeof(u64);
	u16 next;

	if (guestmem_copy_mapped(&req->hdr, hdr_va, sizeof(req->hdr)))
		return SVSM_ERR_INVALID_ADDRESS;
	next = req->hdr.next;
	if (!req->hdr.entries || req->hdr.entries > max ||
	    next >= req->hdr.entries)
		return SVSM_ERR_INVALID_PARAMETER;
	if (guestmem_copy_mapped(&req->entry[next],
				 hdr_va + PVAL_HDR_SIZE + next * sizeof(u64),
				 (req->hdr.entries - next) * sizeof(u64)))
		return SVSM_ERR_INVALID_ADDRESS;
	return SVSM_SUCCESS;
}

/* The call, with the request page mapped at page_va. */
static u64 pval_mapped(const struct svsm_vcpu *caller, u64 gpa, u8 *page_va)
{
	struct pval_request req;
	u8 *hdr_va = page_va + (gpa & ~PAGE_MASK);
	u64 ret = pval_read(gpa, hdr_va, &req);
	u16 i;

	if (ret)
		return ret;
	i = pval_entries(&req, gpa & PAGE_MASK, &ret);
	if (ret)
		log_debug("entry %u: 0x%llx", i, ret);
	/* Linux retries a failed 2 MiB entry as 4 KiB ones from `next`. */
	if (pval_write_next(caller, gpa, hdr_va, i))
		return SVSM_ERR_INVALID_ADDRESS;
	return ret;
}

u64 core_pvalidate(struct svsm_vcpu *caller, u64 gpa)
{
	phys_addr_t page = gpa & PAGE_MASK;
	u8 *va;
	bool ok;
	u64 ret;

	if (!IS_ALIGNED(gpa, sizeof(u64)) ||
	    !guestmem_is_guest_ram(page, PAGE_SIZE))
		return SVSM_ERR_INVALID_PARAMETER;
	vcpu_read_lock();
	ok = pval_request_page_ok(caller, page);
	vcpu_read_unlock();
	if (!ok)
		return SVSM_ERR_INVALID_PARAMETER;
	va = guestmem_map(page, PAGE_SIZE);
	if (!va)
		return SVSM_ERR_INVALID_ADDRESS;
	ret = pval_mapped(caller, gpa, va);
	guestmem_unmap(va, PAGE_SIZE);
	return ret;
}

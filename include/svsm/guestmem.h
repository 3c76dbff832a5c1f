/* SPDX-License-Identifier: MIT */
/*
 * The one path to guest memory. Every request the guest makes names guest
 * physical addresses; they are checked here (inside one guest RAM range of
 * the memory map, not the SVSM's own region), and data is copied once into
 * SVSM memory: every check then runs on the copy, never on guest memory
 * that could change underneath (no double fetch). Whether a page is a
 * registered VMSA or a calling area is the vCPU registry's business
 * (include/svsm/vcpu.h); callers check both.
 *
 * The checks and copies are host-testable (kernel/mm/guestmem.c); mapping
 * a guest page is the backend's job (kernel: kernel/mm/guestmem_map.c with
 * a per-CPU mapping window; host tests: tests/sim/guestmem_sim.c).
 *
 * Accesses are fault-tolerant: a page the guest or the hypervisor made
 * inaccessible (rescinded, shared, unmapped) gives -SVSM_EFAULT, never an
 * SVSM crash. None of these may be called from interrupt context.
 */
#ifndef SVSM_GUESTMEM_H
#define SVSM_GUESTMEM_H

#include <svsm/e820.h>
#include <svsm/types.h>

#define GUESTMEM_MAX_RANGES 64

/*
 * Sets the guest RAM map and the SVSM's own region [svsm_start, svsm_end),
 * which is excluded even where the map covers it. The ranges must be
 * sorted, disjoint, non-empty and at most GUESTMEM_MAX_RANGES (the output
 * rules of <svsm/e820.h>). Returns 0 or -SVSM_EINVAL (nothing changed).
 * Called at boot before the first request; not synchronised with lookups.
 */
int guestmem_init(const struct mem_region *ram, u32 nram,
		  phys_addr_t svsm_start, phys_addr_t svsm_end);

/*
 * True if [gpa, gpa + len) is guest RAM outside the SVSM region (widened
 * to whole pages): len is non-zero, the range does not wrap and lies
 * inside one RAM range.
 */
bool guestmem_is_guest_ram(phys_addr_t gpa, u64 len);

/*
 * The guest RAM range (a range of the map less the SVSM region) holding
 * gpa; empty ({0, 0}) if gpa is not guest RAM. A caller that checks many
 * addresses keeps it: the map does not change after boot, so [a, a + len)
 * inside it (mem_region_holds()) is guest RAM without another lookup.
 */
struct mem_region guestmem_ram_range(phys_addr_t gpa);

/* True if [gpa, gpa + len) is non-empty and lies inside [r->start, r->end). */
static inline bool mem_region_holds(const struct mem_region *r,
				    phys_addr_t gpa, u64 len)
{
	return gpa >= r->start && gpa < r->end && len &&
	       len <= r->end - gpa;
}

/*
 * Copy between guest memory and SVSM memory. Return 0, -SVSM_EINVAL if
 * the range is not guest RAM (or wraps), -SVSM_EFAULT if the access
 * faulted (the copy may then be partial), -SVSM_ENOMEM if no mapping could
 * be made. len 0 is a no-op that succeeds.
 */
int guestmem_read(phys_addr_t gpa, void *dst, size_t len);
int guestmem_write(phys_addr_t gpa, const void *src, size_t len);
int guestmem_zero(phys_addr_t gpa, u64 len);

/*
 * The same without the guest RAM check, for pages the SVSM has already
 * vetted or owns: a registered VMSA (the firmware's may lie in SVSM
 * memory). Never pass a guest-supplied address that was not checked.
 */
int guestmem_read_phys(phys_addr_t pa, void *dst, size_t len);
int guestmem_write_phys(phys_addr_t pa, const void *src, size_t len);

/*
 * Backend. guestmem_map() maps [gpa, gpa + len) (page aligned, len a
 * multiple of 4 KiB; the kernel's window holds 512 KiB) encrypted (SNP:
 * with the C-bit) and writable for this CPU only, with 4 KiB pages; NULL
 * if no mapping can be made. Mappings
 * nest and must be undone in reverse order with guestmem_unmap().
 * guestmem_copy_mapped() copies len bytes where one side is such a
 * mapping, guestmem_zero_mapped() zeroes len bytes of one (without
 * reading a zero page); both 0 or -SVSM_EFAULT.
 */
void *guestmem_map(phys_addr_t gpa, u64 len);
void guestmem_unmap(void *va, u64 len);
int guestmem_copy_mapped(void *dst, const void *src, size_t len);
int guestmem_zero_mapped(void *va, size_t len);

/*
 * Zeroes the whole pages [gpa, gpa + len) (page aligned), mapping them as
 * it goes: the kernel maps as many at once as its window has room for,
 * so a 2 MiB page takes a few mappings, not 512. No guest RAM check: for
 * pages the caller vetted (PVALIDATE, right before validating one); else
 * guestmem_zero(). 0, -SVSM_EFAULT (a page not accessible; the pages
 * before it are zeroed) or -SVSM_ENOMEM (no mapping could be made).
 */
int guestmem_zero_pages(phys_addr_t gpa, u64 len);

/*
 * Fields of such a mapping (VMSA registers, the calling area's flag),
 * each a fault-tolerant 8- or 1-byte load or store: one instruction in
 * the kernel where a copy would be a string operation. The u64s variants
 * read or write n fields at va + offset[i] in one call (the registers of
 * an exit); 0 or -SVSM_EFAULT (then fields before the faulting one are
 * done). guestmem_read_u8_mapped() returns the byte (0..255) or
 * -SVSM_EFAULT; guestmem_write_u8_mapped() 0 or -SVSM_EFAULT.
 */
int guestmem_read_u64s_mapped(const void *va, const u16 *offset, u64 *val,
			      u32 n);
int guestmem_write_u64s_mapped(void *va, const u16 *offset, const u64 *val,
			       u32 n);
int guestmem_read_u8_mapped(const void *va);
int guestmem_write_u8_mapped(void *va, u8 val);

#endif

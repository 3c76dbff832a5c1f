/* SPDX-License-Identifier: MIT */
/*
 * The one path to guest memory. Every request the guest makes names guest
 * physical addresses; they are checked here (inside one guest RAM range of
 * the memory map, not the SVSM's own region, not a registered VMSA or
 * another vCPU's calling area when the caller asks for that check), and
 * data is copied once into SVSM memory: every check then runs on the copy,
 * never on guest memory that could change underneath (no double fetch).
 *
 * The checks and copies are host-testable (kernel/mm/guestmem.c); mapping
 * a guest page is the backend's job (kernel: kernel/mm/guestmem_map.c with
 * a per-CPU mapping window; host tests: tests/sim).
 */
#ifndef SVSM_GUESTMEM_H
#define SVSM_GUESTMEM_H

#include <svsm/e820.h>
#include <svsm/types.h>

#define GUESTMEM_MAX_RANGES 64

/* Sets the guest RAM map and the SVSM's own region (excluded). */
int guestmem_init(const struct mem_region *ram, u32 nram,
		  phys_addr_t svsm_start, phys_addr_t svsm_end);

/* True if [gpa, gpa + len) is guest RAM outside the SVSM region. */
bool guestmem_is_guest_ram(phys_addr_t gpa, u64 len);

/*
 * Copy between guest memory and SVSM memory. Return 0, -SVSM_EINVAL if
 * the range is not guest RAM (or wraps), -SVSM_EFAULT if the access
 * faulted, -SVSM_ENOMEM if no mapping could be made.
 */
int guestmem_read(phys_addr_t gpa, void *dst, size_t len);
int guestmem_write(phys_addr_t gpa, const void *src, size_t len);
int guestmem_zero(phys_addr_t gpa, u64 len);

/* Backend: maps guest physical memory (page aligned) for the SVSM. */
void *guestmem_map(phys_addr_t gpa, u64 len);
void guestmem_unmap(void *va, u64 len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * guestmem backend on the simulator's arena (tests/sim/guestmem_sim.h).
 * Mappings are plain pointers into the arena; the nesting rule of the
 * kernel's per-CPU window (unmap in reverse order) is still checked so a
 * host test catches a path that would break the kernel backend.
 */
#include <string.h>

#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/lib/check.h>

#include "guestmem_sim.h"

struct guestmem_sim_state guestmem_sim = { .check_rmp = true };

/* The mappings held, innermost last, to check the nesting rule. */
static struct {
	void *va;
	u64 len;
} held[8];

void guestmem_sim_reset(void)
{
	CHECK(guestmem_sim.depth == 0);
	memset(&guestmem_sim, 0, sizeof(guestmem_sim));
	guestmem_sim.check_rmp = true;
}

void *guestmem_map(phys_addr_t gpa, u64 len)
{
	u8 *va;

	if (!len || len > PAGE_SIZE_2M || !IS_ALIGNED(len, PAGE_SIZE) ||
	    !IS_ALIGNED(gpa, PAGE_SIZE) || guestmem_sim.depth == 8)
		return NULL;
	va = sim_gpa_to_va(gpa, len);
	if (!va)
		return NULL;
	held[guestmem_sim.depth].va = va;
	held[guestmem_sim.depth].len = len;
	guestmem_sim.depth++;
	return va;
}

void guestmem_unmap(void *va, u64 len)
{
	CHECK(guestmem_sim.depth > 0);
	guestmem_sim.depth--;
	CHECK(held[guestmem_sim.depth].va == va &&
	      held[guestmem_sim.depth].len == len);
}

static void log_access(phys_addr_t gpa, u64 len, bool write)
{
	if (guestmem_sim.nlog < GUESTMEM_SIM_LOG_MAX)
		guestmem_sim.log[guestmem_sim.nlog++] =
			(struct guestmem_sim_access){ gpa, len, write };
}

/* Which side is guest memory: the one inside a held mapping. */
static bool in_held(const void *p)
{
	for (u32 i = guestmem_sim.depth; i-- > 0;) {
		const u8 *va = held[i].va;

		if ((const u8 *)p >= va && (const u8 *)p < va + held[i].len)
			return true;
	}
	return false;
}

static bool accessible(phys_addr_t gpa, size_t len)
{
	if (!guestmem_sim.check_rmp)
		return true;
	for (phys_addr_t p = gpa & PAGE_MASK; p < gpa + len; p += PAGE_SIZE) {
		const struct sim_rmp_entry *e = sim_rmp(p);

		if (!e || !e->assigned || !e->validated)
			return false;
	}
	return true;
}

int guestmem_copy_mapped(void *dst, const void *src, size_t len)
{
	bool write;
	phys_addr_t gpa;

	if (guestmem_sim.bare) {
		memcpy(dst, src, len);
		return 0;
	}
	write = !in_held(src);
	gpa = sim_va_to_gpa(write ? dst : src);
	CHECK(!write || in_held(dst));
	if (!accessible(gpa, len)) {
		guestmem_sim.faults++;
		return -SVSM_EFAULT;
	}
	memcpy(dst, src, len);
	log_access(gpa, len, write);
	if (write) {
		guestmem_sim.writes++;
	} else {
		guestmem_sim.reads++;
		if (guestmem_sim.after_read)
			guestmem_sim.after_read(gpa, len, guestmem_sim.ctx);
	}
	return 0;
}

u64 guestmem_sim_bytes_read(phys_addr_t gpa, u64 len)
{
	u64 total = 0;

	for (u32 i = 0; i < guestmem_sim.nlog; i++) {
		const struct guestmem_sim_access *a = &guestmem_sim.log[i];
		u64 lo = MAX(a->gpa, gpa), hi = MIN(a->gpa + a->len, gpa + len);

		if (!a->write && lo < hi)
			total += hi - lo;
	}
	return total;
}

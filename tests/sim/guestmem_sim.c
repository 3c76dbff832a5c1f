/* SPDX-License-Identifier: MIT */
/*
 * guestmem backend on the simulator's arena (tests/sim/guestmem_sim.h).
 * Mappings are plain pointers into the arena; the nesting rule of the
 * kernel's per-CPU window (unmap in reverse order) is still checked so a
 * host test catches a path that would break the kernel backend.
 *
 * The checked, logged accesses live in functions of their own, so that
 * with guestmem_sim.bare an access is a flag test and a tail call to
 * memcpy() or the zeroing (the benchmark counts the SVSM's instructions).
 */
#include <string.h>

#include <svsm/arch/zero.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/lib/check.h>

#include "guestmem_sim.h"

#define HELD_MAX 8

struct guestmem_sim_state guestmem_sim = { .check_rmp = true };

/* The mappings held, innermost last, to check the nesting rule. */
static struct {
	void *va;
	u64 len;
} held[HELD_MAX];

/* The arena's host address; it never moves once created. */
static u8 *arena;

void guestmem_sim_reset(void)
{
	CHECK(guestmem_sim.depth == 0);
	memset(&guestmem_sim, 0, sizeof(guestmem_sim));
	guestmem_sim.check_rmp = true;
	arena = sim_gpa_to_va(SIM_GPA_BASE, SIM_MEM_SIZE);
}

/* Pushes a mapping on the stack of held ones (the nesting rule). */
static __attribute__((noinline)) void *hold(u8 *va, u64 len)
{
	u32 depth = guestmem_sim.depth;

	if (depth == HELD_MAX)
		return NULL;
	held[depth].va = va;
	held[depth].len = len;
	guestmem_sim.depth = depth + 1;
	return va;
}

/*
 * Needs guestmem_sim_reset() after the simulator's first reset. Bare, a
 * mapping is the bounds check and pointer arithmetic, nothing held.
 */
void *guestmem_map(phys_addr_t gpa, u64 len)
{
	u64 off = gpa - SIM_GPA_BASE; /* wraps below the arena: refused */
	/* One page, the common case, needs one bounds check. */
	bool ok = len == PAGE_SIZE ?
			  IS_ALIGNED(gpa, PAGE_SIZE) && off < SIM_MEM_SIZE :
			  len && len <= PAGE_SIZE_2M &&
				  IS_ALIGNED(gpa | len, PAGE_SIZE) &&
				  off <= SIM_MEM_SIZE - len;

	if (!ok || !arena)
		return NULL;
	return guestmem_sim.bare ? arena + off : hold(arena + off, len);
}

void guestmem_unmap(void *va, u64 len)
{
	u32 depth = guestmem_sim.depth;

	if (guestmem_sim.bare)
		return;
	CHECK(depth > 0);
	CHECK(held[depth - 1].va == va && held[depth - 1].len == len);
	guestmem_sim.depth = depth - 1;
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
		if (!sim_page_accessible(p))
			return false;
	}
	return true;
}

/* An access to [gpa, gpa + len): allowed by the RMP? Counted and logged. */
static int account(phys_addr_t gpa, size_t len, bool write)
{
	if (!accessible(gpa, len)) {
		guestmem_sim.faults++;
		return -SVSM_EFAULT;
	}
	log_access(gpa, len, write);
	if (write)
		guestmem_sim.writes++;
	else
		guestmem_sim.reads++;
	return 0;
}

/* A write of len bytes at va, inside a held mapping: allowed? */
static int write_checked(void *va, size_t len)
{
	CHECK(in_held(va));
	return account(sim_va_to_gpa(va), len, true);
}

/* A read out of guest memory at src: checked, done, then the hook. */
static __attribute__((noinline)) int read_checked(void *dst, const void *src,
						  size_t len)
{
	phys_addr_t gpa = sim_va_to_gpa(src);
	int ret;

	CHECK(in_held(src));
	ret = account(gpa, len, false);
	if (ret)
		return ret;
	memcpy(dst, src, len);
	if (guestmem_sim.after_read)
		guestmem_sim.after_read(gpa, len, guestmem_sim.ctx);
	return 0;
}

static __attribute__((noinline)) int copy_checked(void *dst, const void *src,
						  size_t len)
{
	int ret;

	if (in_held(src))
		return read_checked(dst, src, len);
	ret = write_checked(dst, len);
	if (!ret)
		memcpy(dst, src, len);
	return ret;
}

int guestmem_copy_mapped(void *dst, const void *src, size_t len)
{
	if (!guestmem_sim.bare)
		return copy_checked(dst, src, len);
	memcpy(dst, src, len);
	return 0;
}

static __attribute__((noinline)) int zero_checked(void *va, size_t len)
{
	int ret = write_checked(va, len);

	return ret ? ret : arch_try_zero(va, len);
}

int guestmem_zero_mapped(void *va, size_t len)
{
	if (!guestmem_sim.bare)
		return zero_checked(va, len);
	return arch_try_zero(va, len);
}

/* Each field is a read or a write of its own, checked and logged. */
static __attribute__((noinline)) int read_fields_checked(const u8 *va,
							 const u16 *offset,
							 u64 *val, u32 n)
{
	int ret = 0;

	for (u32 i = 0; i < n && !ret; i++)
		ret = read_checked(&val[i], va + offset[i], sizeof(u64));
	return ret;
}

static __attribute__((noinline)) int write_fields_checked(u8 *va,
							  const u16 *offset,
							  const u64 *val, u32 n)
{
	int ret = 0;

	for (u32 i = 0; i < n && !ret; i++)
		ret = copy_checked(va + offset[i], &val[i], sizeof(u64));
	return ret;
}

/* Bare, two fields per step: the benchmark counts every step. */
int guestmem_read_u64s_mapped(const void *va, const u16 *offset, u64 *val,
			      u32 n)
{
	const u8 *p = va;
	u32 i = 0;

	if (!guestmem_sim.bare)
		return read_fields_checked(va, offset, val, n);
	for (; i + 1 < n; i += 2) {
		memcpy(&val[i], p + offset[i], sizeof(u64));
		memcpy(&val[i + 1], p + offset[i + 1], sizeof(u64));
	}
	if (i < n)
		memcpy(&val[i], p + offset[i], sizeof(u64));
	return 0;
}

int guestmem_write_u64s_mapped(void *va, const u16 *offset, const u64 *val,
			       u32 n)
{
	u8 *p = va;
	u32 i = 0;

	if (!guestmem_sim.bare)
		return write_fields_checked(va, offset, val, n);
	for (; i + 1 < n; i += 2) {
		memcpy(p + offset[i], &val[i], sizeof(u64));
		memcpy(p + offset[i + 1], &val[i + 1], sizeof(u64));
	}
	if (i < n)
		memcpy(p + offset[i], &val[i], sizeof(u64));
	return 0;
}

static __attribute__((noinline)) int read_u8_checked(const void *va)
{
	u8 val;
	int ret = read_checked(&val, va, sizeof(val));

	return ret ? ret : val;
}

int guestmem_read_u8_mapped(const void *va)
{
	if (!guestmem_sim.bare)
		return read_u8_checked(va);
	return *(const u8 *)va;
}

int guestmem_write_u8_mapped(void *va, u8 val)
{
	if (!guestmem_sim.bare)
		return copy_checked(va, &val, sizeof(val));
	*(u8 *)va = val;
	return 0;
}

/* Page by page: each checked against the RMP and logged as a write. */
static __attribute__((noinline)) int zero_pages_checked(u8 *va, u64 len)
{
	for (u64 off = 0; off < len; off += PAGE_SIZE) {
		int ret = account(sim_va_to_gpa(va + off), PAGE_SIZE, true);

		if (ret)
			return ret;
		arch_try_zero(va + off, PAGE_SIZE);
	}
	return 0;
}

/* Bare: inside the arena (guestmem.c passes whole pages), then zeroed. */
int guestmem_zero_pages(phys_addr_t gpa, u64 len)
{
	u64 off = gpa - SIM_GPA_BASE; /* wraps below the arena: refused */

	if (off > SIM_MEM_SIZE || len > SIM_MEM_SIZE - off)
		return -SVSM_ENOMEM;
	if (guestmem_sim.bare)
		return arch_try_zero(arena + off, len);
	CHECK(arena && IS_ALIGNED(gpa | len, PAGE_SIZE));
	return zero_pages_checked(arena + off, len);
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

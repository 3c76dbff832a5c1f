/* SPDX-License-Identifier: MIT */
/* The stand-in simulator of tests/unit/support/sim_fake.h. */
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>

#include "sim_fake.h"

static u8 arena[SIM_ARENA_SIZE] __aligned(PAGE_SIZE);
static struct sim_rmp_entry rmp[SIM_PAGES];
struct sim_fake_stats sim_stats;
void (*sim_fake_guest_run)(void *ctx);
void *sim_fake_guest_ctx;
int sim_fake_pvalidate_force = -1;
bool sim_fake_noop_insns;

/* Everything but the arena; the callers clear what may have been written. */
static void reset_state(void)
{
	for (u64 i = 0; i < SIM_PAGES; i++)
		rmp[i] = (struct sim_rmp_entry){ .assigned = true };
	memset(&sim_stats, 0, sizeof(sim_stats));
	sim_fake_guest_run = NULL;
	sim_fake_guest_ctx = NULL;
	sim_fake_pvalidate_force = -1;
}

void sim_fake_reset(void)
{
	memset(arena, 0, sizeof(arena));
	reset_state();
}

void sim_fake_reset_written(void)
{
	for (u64 i = 0; i < SIM_PAGES; i++) {
		if (rmp[i].validated)
			memset(arena + i * PAGE_SIZE, 0, PAGE_SIZE);
	}
	reset_state();
}

struct sim_rmp_entry *sim_rmp(u64 gpa)
{
	return gpa < SIM_ARENA_SIZE ? &rmp[gpa >> PAGE_SHIFT] : NULL;
}

const void *sim_fake_rmp_image(size_t *size)
{
	*size = sizeof(rmp);
	return rmp;
}

void sim_fake_prevalidate(phys_addr_t gpa, u64 len)
{
	for (phys_addr_t p = gpa; p < gpa + len; p += PAGE_SIZE) {
		struct sim_rmp_entry *e = sim_rmp(p);

		e->validated = true;
		e->perms[SVSM_GUEST_VMPL] = 0xf;
	}
}

void *sim_gpa_to_va(u64 gpa, u64 len)
{
	u64 end;

	if (!add_no_overflow(gpa, len, &end) || end > SIM_ARENA_SIZE)
		return NULL;
	return arena + gpa;
}

u64 sim_va_to_gpa(const void *va)
{
	const u8 *p = va;

	return p >= arena && p < arena + SIM_ARENA_SIZE ? (u64)(p - arena) :
							  SIM_BAD_GPA;
}

/* Checks alignment and entry size; returns the first page's entry. */
static int rmp_range(phys_addr_t pa, bool huge, struct sim_rmp_entry **first)
{
	u64 n = huge ? PAGE_SIZE_2M / PAGE_SIZE : 1;
	struct sim_rmp_entry *e = sim_rmp(pa);

	if (!e || !IS_ALIGNED(pa, huge ? PAGE_SIZE_2M : PAGE_SIZE))
		return SNP_INSN_FAIL_INPUT;
	for (u64 i = 0; i < n; i++) {
		if (!e[i].assigned)
			return SNP_INSN_FAIL_INPUT;
		if (e[i].huge != huge)
			return SNP_INSN_FAIL_SIZEMISMATCH;
	}
	*first = e;
	return SNP_INSN_SUCCESS;
}

static int fake_pvalidate(phys_addr_t pa, bool huge, bool validate,
			  bool *unchanged)
{
	u64 n = huge ? 512 : 1;
	struct sim_rmp_entry *e;
	int rc = rmp_range(pa, huge, &e);

	sim_stats.pvalidates++;
	*unchanged = false;
	if (sim_fake_pvalidate_force >= 0) {
		rc = sim_fake_pvalidate_force;
		sim_fake_pvalidate_force = -1;
		return rc;
	}
	if (rc)
		return rc;
	if (e->vmsa)
		return SNP_INSN_FAIL_INPUT;
	if (e->validated == validate) {
		*unchanged = true;
		return SNP_INSN_SUCCESS;
	}
	for (u64 i = 0; i < n; i++)
		e[i].validated = validate;
	return SNP_INSN_SUCCESS;
}

static int fake_rmpadjust(phys_addr_t pa, bool huge, u64 attrs)
{
	u32 vmpl = attrs & 0xff;
	u64 n = huge ? 512 : 1;
	struct sim_rmp_entry *e;
	int rc = rmp_range(pa, huge, &e);

	sim_stats.rmpadjusts++;
	if (vmpl == 0)
		return SNP_INSN_FAIL_PERMISSION;
	if (vmpl > 3 || ((attrs & RMPADJUST_VMSA) && huge))
		return SNP_INSN_FAIL_INPUT;
	if (rc)
		return rc;
	for (u64 i = 0; i < n; i++) {
		if (!e[i].validated)
			return SNP_INSN_FAIL_INPUT;
	}
	for (u64 i = 0; i < n; i++) {
		e[i].perms[vmpl] = (attrs >> 8) & 0xf;
		e[i].vmsa = attrs & RMPADJUST_VMSA;
	}
	return SNP_INSN_SUCCESS;
}

static void fake_flush(void)
{
	sim_stats.flushes++;
}

static int fake_run_guest(u32 vmpl)
{
	sim_stats.runs++;
	if (vmpl != SVSM_GUEST_VMPL)
		return -SVSM_EINVAL;
	if (sim_fake_guest_run)
		sim_fake_guest_run(sim_fake_guest_ctx);
	return 0;
}

const struct platform sim_fake_platform = {
	.type = SVSM_PLATFORM_SNP,
	.name = "sim-fake",
	.pvalidate = fake_pvalidate,
	.rmpadjust = fake_rmpadjust,
	.flush_guest_tlb = fake_flush,
	.run_guest = fake_run_guest,
};

const struct platform *platform_get(void)
{
	return &sim_fake_platform;
}

int platform_pvalidate(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged)
{
	if (sim_fake_noop_insns) {
		*unchanged = false;
		return SNP_INSN_SUCCESS;
	}
	return fake_pvalidate(pa, huge, validate, unchanged);
}

int platform_rmpadjust(phys_addr_t pa, bool huge, u64 attrs)
{
	if (sim_fake_noop_insns)
		return SNP_INSN_SUCCESS;
	return fake_rmpadjust(pa, huge, attrs);
}

void platform_flush_guest_tlb(void)
{
	fake_flush();
}

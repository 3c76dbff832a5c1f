/* SPDX-License-Identifier: MIT */
/*
 * The simulated RMP and the two guest instructions that use it (digest §4),
 * executed at VMPL0 (the SVSM):
 *  PVALIDATE: FAIL_INPUT for an unaligned address, a page the guest does
 *    not own (shared) or a VMSA; FAIL_SIZEMISMATCH when the request size
 *    differs from the RMP entry size (2 MiB on 4 KiB entries or 4 KiB
 *    inside a 2 MiB entry); CF set and nothing changed when the page is
 *    already in the requested state.
 *  RMPADJUST: FAIL_INPUT for an unaligned address, an invalid target VMPL
 *    or reserved attribute bits, a page not assigned and validated, or
 *    the VMSA bit on a 2 MiB-aligned page; FAIL_PERMISSION when the target
 *    VMPL is not above the caller's (0); FAIL_SIZEMISMATCH as above.
 * An address outside the arena is a fault on hardware: counted, and
 * answered FAIL_INPUT (the kernel's RMPADJUST turns faults into that too).
 * sim_rmp_force() makes the next instruction fail with a given code
 * without looking at the RMP, for results the model would not produce.
 */
#include <string.h>

#include <svsm/arch/snp.h>
#include <svsm/hw/ghcb.h>

#include "sim_internal.h"

#define NPAGES SIM_RMP_ENTRIES
#define PAGES_2M (PAGE_SIZE_2M / PAGE_SIZE)
#define ATTR_KNOWN (0xffffULL | RMPADJUST_VMSA)
#define NO_FORCE (-1)

static struct sim_rmp_entry rmp[NPAGES];
struct sim_rmp_stats sim_rmp_stats;
/* The next result of each instruction, if forced (sim_rmp_force()). */
static int forced[2] = { NO_FORCE, NO_FORCE };

/* The launch state sim_reset() restores, built once and then copied. */
static const struct sim_rmp_entry *launch_rmp(void)
{
	static struct sim_rmp_entry launch[NPAGES];
	static bool built;

	if (!built) {
		memset(rmp, 0, sizeof(rmp));
		sim_rmp_set(SIM_SVSM_BASE, SIM_SVSM_SIZE, true, true, false);
		sim_rmp_set(SIM_GUEST_BASE, SIM_GUEST_SIZE, true, false,
			    false);
		memcpy(launch, rmp, sizeof(launch));
		built = true;
	}
	return launch;
}

void sim_rmp_reset(void)
{
	memcpy(rmp, launch_rmp(), sizeof(rmp));
	memset(&sim_rmp_stats, 0, sizeof(sim_rmp_stats));
	forced[SIM_INSN_PVALIDATE] = forced[SIM_INSN_RMPADJUST] = NO_FORCE;
}

const struct sim_rmp_entry *sim_rmp_table(void)
{
	return rmp;
}

void sim_rmp_force(enum sim_insn insn, int rc)
{
	forced[insn] = rc;
}

/* Takes the forced result of insn, if any: true and *rc set. */
static bool take_forced(enum sim_insn insn, int *rc)
{
	if (forced[insn] == NO_FORCE) {
		return false;
	}
	*rc = forced[insn];
	forced[insn] = NO_FORCE;
	sim_rmp_stats.forced++;
	return true;
}

struct sim_rmp_entry *sim_rmp(u64 gpa)
{
	if (gpa < SIM_GPA_BASE || gpa - SIM_GPA_BASE >= SIM_MEM_SIZE) {
		return NULL;
	}
	return &rmp[(gpa - SIM_GPA_BASE) / PAGE_SIZE];
}

void sim_rmp_set(u64 gpa, u64 size, bool assigned, bool validated,
		 bool huge)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		struct sim_rmp_entry *e = sim_rmp(gpa + off);

		if (!e) {
			sim_error("sim_rmp_set outside memory: 0x%llx",
				  gpa + off);
			return;
		}
		*e = (struct sim_rmp_entry){ .assigned = assigned,
					     .validated = validated,
					     .huge = huge };
	}
}

void sim_rmp_guest_valid(u64 gpa, u64 size, u8 vmpl)
{
	sim_rmp_set(gpa, size, true, true, false);
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		struct sim_rmp_entry *e = sim_rmp(gpa + off);

		if (e && vmpl >= 1 && vmpl <= 3) {
			e->perms[vmpl] = RMPADJUST_PERM_RWX >> 8;
		}
	}
}

/* The RMP entry (first 4 KiB entry of it) an instruction names, or NULL. */
static struct sim_rmp_entry *insn_entry(u64 va, bool huge, int *fail)
{
	u64 gpa = sim_va_to_gpa((const void *)(uintptr_t)va);
	struct sim_rmp_entry *e = gpa == SIM_BAD_GPA ? NULL : sim_rmp(gpa);

	*fail = SNP_INSN_FAIL_INPUT;
	if (!e) {
		sim_rmp_stats.faults++;
		return NULL;
	}
	if (!IS_ALIGNED(gpa, huge ? PAGE_SIZE_2M : PAGE_SIZE)) {
		return NULL;
	}
	for (u64 i = 0; i < (huge ? PAGES_2M : 1); i++) {
		if (!e[i].assigned) {
			return NULL;
		}
		if (e[i].huge != huge) {
			*fail = SNP_INSN_FAIL_SIZEMISMATCH;
			return NULL;
		}
	}
	return e;
}

int sim_pvalidate(u64 va, bool huge, bool validate, bool *unchanged)
{
	int fail;
	struct sim_rmp_entry *e;

	sim_rmp_stats.pvalidates++;
	*unchanged = false;
	if (take_forced(SIM_INSN_PVALIDATE, &fail)) {
		return fail;
	}
	e = insn_entry(va, huge, &fail);
	if (!e) {
		return fail;
	}
	if (e->vmsa) {
		return SNP_INSN_FAIL_INPUT;
	}
	if (e->validated == validate) {
		*unchanged = true;
		return SNP_INSN_SUCCESS;
	}
	for (u64 i = 0; i < (huge ? PAGES_2M : 1); i++) {
		e[i].validated = validate;
	}
	return SNP_INSN_SUCCESS;
}

static int adjust_check(u64 va, u64 attrs)
{
	u64 vmpl = attrs & 0xff;
	u64 gpa = sim_va_to_gpa((const void *)(uintptr_t)va);

	if ((attrs & ~ATTR_KNOWN) || vmpl > 3) {
		return SNP_INSN_FAIL_INPUT;
	}
	if (vmpl == 0) {
		return SNP_INSN_FAIL_PERMISSION; /* not above VMPL0 */
	}
	if ((attrs & RMPADJUST_VMSA) && IS_ALIGNED(gpa, PAGE_SIZE_2M)) {
		sim_rmp_stats.vmsa_2m_aligned++;
		return SNP_INSN_FAIL_INPUT;
	}
	return SNP_INSN_SUCCESS;
}

int sim_rmpadjust(u64 va, bool huge, u64 attrs)
{
	int fail, check;
	struct sim_rmp_entry *e;

	sim_rmp_stats.rmpadjusts++;
	if (take_forced(SIM_INSN_RMPADJUST, &fail)) {
		return fail;
	}
	check = adjust_check(va, attrs);
	if (check != SNP_INSN_SUCCESS) {
		return check;
	}
	e = insn_entry(va, huge, &fail);
	if (!e) {
		return fail;
	}
	for (u64 i = 0; i < (huge ? PAGES_2M : 1); i++) {
		if (!e[i].validated) {
			return SNP_INSN_FAIL_INPUT;
		}
	}
	for (u64 i = 0; i < (huge ? PAGES_2M : 1); i++) {
		e[i].perms[attrs & 0xff] = (u8)((attrs >> 8) & 0xff);
		e[i].vmsa = (attrs & RMPADJUST_VMSA) != 0;
	}
	return SNP_INSN_SUCCESS;
}

/* Any page in a 2 MiB entry changing alone splits the entry first. */
static void smash(u64 gpa)
{
	struct sim_rmp_entry *e = sim_rmp(ALIGN_DOWN(gpa, PAGE_SIZE_2M));

	for (u64 i = 0; e && i < PAGES_2M; i++) {
		e[i].huge = false;
	}
}

static int psc_set(u64 gpa, bool huge, bool private_page)
{
	u64 n = huge ? PAGES_2M : 1;
	struct sim_rmp_entry *e = sim_rmp(gpa);

	if (!e || !IS_ALIGNED(gpa, huge ? PAGE_SIZE_2M : PAGE_SIZE) ||
	    !sim_rmp(gpa + (n - 1) * PAGE_SIZE)) {
		return -1;
	}
	if (!huge) {
		smash(gpa);
	}
	for (u64 i = 0; i < n && !private_page; i++) {
		if (e[i].validated) {
			/* Digest §3.8: the guest must rescind first. */
			sim_error("0x%llx made shared while validated",
				  gpa + i * PAGE_SIZE);
		}
	}
	/* RMPUPDATE: the new owner starts unvalidated, no permissions. */
	for (u64 i = 0; i < n; i++) {
		e[i] = (struct sim_rmp_entry){ .assigned = private_page,
					       .huge = huge };
	}
	return 0;
}

int sim_rmp_psc(u64 gpa, bool huge, u64 op)
{
	switch (op) {
	case PSC_OP_PRIVATE:
	case PSC_OP_SHARED:
		return psc_set(gpa, huge, op == PSC_OP_PRIVATE);
	case PSC_OP_PSMASH:
		if (!huge || !IS_ALIGNED(gpa, PAGE_SIZE_2M) || !sim_rmp(gpa)) {
			return -1;
		}
		smash(gpa);
		return 0;
	default:
		return -1; /* UNSMASH: never needed by the SVSM */
	}
}

bool sim_rmp_vmpl_can(u64 gpa, u8 vmpl, u64 perm)
{
	struct sim_rmp_entry *e = sim_rmp(gpa);
	u8 need = (u8)((perm >> 8) & 0xff);

	if (!e || vmpl < 1 || vmpl > 3 || !e->assigned || !e->validated ||
	    e->vmsa) {
		return false;
	}
	return (e->perms[vmpl] & need) == need;
}

bool sim_page_accessible(u64 gpa)
{
	const struct sim_rmp_entry *e = sim_rmp(gpa);

	return e && e->assigned && e->validated;
}

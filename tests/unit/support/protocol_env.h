/* SPDX-License-Identifier: MIT */
/*
 * A whole SVSM protocol stack on the host, for the protocol unit tests, the
 * fuzzer and the benchmark: the simulated machine of tests/sim (arena, RMP,
 * hypervisor) with the SNP platform code booted on it (snp_env.h),
 * guestmem over the arena, the vCPU registry with three CPUs (APIC IDs 0,
 * 1, 2), the boot vCPU registered as the SVSM registers the firmware's,
 * and a simulated guest whose VMGEXIT runs request_loop_handle_exit() for
 * the boot vCPU.
 *
 * Guest-physical layout (all in the simulator's arena; G = SIM_GUEST_BASE):
 *   RAM map      [SIM_GPA_BASE, G + 0xA0000) and [G + 0x100000, arena end):
 *                the first range covers the SVSM region, which guestmem
 *                must cut out; [G + 0xA0000, G + 0x100000) is a hole
 *   SVSM region  the simulator's, [SIM_SVSM_BASE, SIM_GUEST_BASE); the
 *                firmware's VMSA (env.boot_vmsa) is a page allocated there
 *   [ENV_BOOT_CAA, ENV_PREVALIDATED_END) validated with VMPL2 RWX (the
 *                firmware's launch state); other guest RAM assigned, not
 *                validated; ENV_HUGE_2M has a 2 MiB RMP entry.
 */
#ifndef TESTS_PROTOCOL_ENV_H
#define TESTS_PROTOCOL_ENV_H

#include <svsm/types.h>

#include "../../sim/guest.h"
#include "../../sim/sim.h"

#define ENV_G SIM_GUEST_BASE
#define ENV_RAM_LOW_END (ENV_G + 0xA0000ULL)
#define ENV_RAM_START (ENV_G + 0x100000ULL)
#define ENV_RAM_END (SIM_GPA_BASE + SIM_MEM_SIZE)
#define ENV_SVSM_START SIM_SVSM_BASE
#define ENV_SVSM_END (SIM_SVSM_BASE + SIM_SVSM_SIZE)

#define ENV_BOOT_CAA (ENV_G + 0x200000ULL) /* the firmware's calling area */
#define ENV_NEW_CAA (ENV_G + 0x201000ULL)  /* REMAP_CA target */
#define ENV_AP_VMSA (ENV_G + 0x203000ULL)
#define ENV_AP_CAA (ENV_G + 0x204000ULL)
#define ENV_REQ_PAGE (ENV_G + 0x205000ULL) /* a request page outside any CAA */
#define ENV_FREE_PAGE (ENV_G + 0x206000ULL) /* validated, owned by nobody */
#define ENV_PREVALIDATED_END (ENV_G + 0x210000ULL)

#define ENV_HUGE_2M (ENV_G + 0x400000ULL)  /* 2 MiB with a 2 MiB RMP entry */
#define ENV_SMALL_2M (ENV_G + 0x600000ULL) /* 2 MiB with 4 KiB RMP entries */
#define ENV_DATA (ENV_G + 0x800000ULL)     /* 1024 unvalidated 4 KiB pages */
#define ENV_VMSA_2M (ENV_G + 0xC00000ULL)  /* 2 MiB aligned, not validated */

#define ENV_SEV_FEATURES 0x81ULL /* SNP active, BTB isolation */
#define ENV_NCPUS 3

struct protocol_env {
	phys_addr_t boot_vmsa; /* the firmware's VMSA, in SVSM memory */
	struct svsm_vcpu *bsp; /* the SVSM's view */
	struct svsm_vcpu *ap;
	struct sim_vcpu gbsp;  /* the guest's view */
	struct sim_vcpu gap;
	struct sim_guest guest; /* calls go through the boot vCPU */
};

extern struct protocol_env env;

/*
 * Resets and boots the simulated machine, resets guestmem, the registry
 * and the guest. Cheap enough for a fuzzer to call per input.
 */
void protocol_env_setup(void);

/* A call by the guest's boot vCPU through the request loop. */
u64 env_call(u64 rax, u64 *rcx, u64 *rdx, u64 *r8);
/* A core protocol call with RCX, RDX, R8 (outputs ignored). */
u64 env_core(u32 call, u64 rcx, u64 rdx, u64 r8);

/* PVALIDATE of n entries written at the boot CAA + 8; returns RAX. */
u64 env_pvalidate(const u64 *entry, u16 n);

/* The guest creates the AP (ENV_AP_VMSA, ENV_AP_CAA, APIC ID 1). */
u64 env_create_ap(void);

/*
 * The Linux boot program (tests/sim/guest.h) of the boot vCPU, served
 * through the whole request loop: each iteration enters the guest with
 * the platform's run_guest (the simulated hypervisor's Run VMPL runs the
 * program until its next call), then serves the exit. PVALIDATE entries
 * early (before REMAP_CA to ENV_NEW_CAA) and late; CREATE_VCPU and
 * DELETE_VCPU of the AP last. Returns the iterations (at most 100).
 */
u32 env_run_linux(struct guest_linux *gl, const u64 *early, u32 nearly,
		  const u64 *late, u32 nlate);

/*
 * True if the machine is as every call must leave it: no guestmem or SNP
 * temporary mapping held, nothing the simulator would not allow, no
 * termination requested.
 */
bool env_clean(void);

/*
 * Everything a failed call must leave alone: all guest-physical memory
 * but the calling VMSA (whose RAX, RCX, RDX, R8 every call writes), the
 * RMP, every vCPU's pair and which probe pages are registered.
 */
struct env_snapshot {
	phys_addr_t caller_vmsa;
	phys_addr_t pairs[ENV_NCPUS][2];
	bool reserved[8];
};

/* One snapshot at a time: its memory and RMP copies are shared. */
void env_snapshot_take(struct env_snapshot *s);
/* True if nothing changed since s was taken. */
bool env_snapshot_same(const struct env_snapshot *s);

#endif

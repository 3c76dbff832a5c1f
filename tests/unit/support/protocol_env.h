/* SPDX-License-Identifier: MIT */
/*
 * A whole SVSM protocol stack on the host, for the protocol unit tests, the
 * fuzzer and the benchmark: the simulator's arena and RMP, guestmem over
 * it, the vCPU registry with three CPUs (APIC IDs 0, 1, 2), the boot vCPU
 * registered as the SVSM registers the firmware's, and a simulated guest
 * whose VMGEXIT runs request_loop_handle_exit() for the boot vCPU.
 *
 * Guest-physical layout (all in the arena):
 *   RAM          [0, 0xA0000) and [0x100000, 0x2000000); 0xA0000 is a hole
 *   SVSM region  [0x1E00000, 0x2000000), boot VMSA at ENV_BOOT_VMSA
 *   pages below prevalidated with VMPL2 RWX (the firmware's launch state);
 *   everything else assigned, not validated.
 */
#ifndef TESTS_PROTOCOL_ENV_H
#define TESTS_PROTOCOL_ENV_H

#include <svsm/types.h>

#include "../../sim/guest.h"

#define ENV_RAM_LOW_END 0xA0000ULL
#define ENV_RAM_START 0x100000ULL
#define ENV_RAM_END 0x2000000ULL
#define ENV_SVSM_START 0x1E00000ULL
#define ENV_SVSM_END 0x2000000ULL
#define ENV_BOOT_VMSA 0x1E01000ULL

#define ENV_BOOT_CAA 0x200000ULL  /* the firmware's calling area */
#define ENV_NEW_CAA 0x201000ULL   /* REMAP_CA target */
#define ENV_AP_VMSA 0x203000ULL
#define ENV_AP_CAA 0x204000ULL
#define ENV_REQ_PAGE 0x205000ULL  /* a request page outside any CAA */
#define ENV_FREE_PAGE 0x206000ULL /* validated, owned by nobody */
#define ENV_PREVALIDATED_END 0x210000ULL

#define ENV_HUGE_2M 0x400000ULL  /* 2 MiB region with a 2 MiB RMP entry */
#define ENV_SMALL_2M 0x600000ULL /* 2 MiB region with 4 KiB RMP entries */
#define ENV_DATA 0x800000ULL     /* unvalidated 4 KiB pages */

#define ENV_SEV_FEATURES 0x81ULL /* SNP active, BTB isolation */

struct protocol_env {
	struct svsm_vcpu *bsp; /* the SVSM's view */
	struct svsm_vcpu *ap;
	struct sim_vcpu gbsp;  /* the guest's view */
	struct sim_vcpu gap;
	struct sim_guest guest; /* calls go through the boot vCPU */
};

extern struct protocol_env env;

/* Resets the simulator, guestmem, the registry and the guest. */
void protocol_env_setup(void);
/* The same with sim_fake_reset_written() (fuzzer, benchmark). */
void protocol_env_setup_fast(void);

/* A call by the guest's boot vCPU through the request loop. */
u64 env_call(u64 rax, u64 *rcx, u64 *rdx, u64 *r8);
/* A core protocol call with RCX, RDX, R8 (outputs ignored). */
u64 env_core(u32 call, u64 rcx, u64 rdx, u64 r8);

/* PVALIDATE of n entries written at the boot CAA + 8; returns RAX. */
u64 env_pvalidate(const u64 *entry, u16 n);

/* The guest creates the AP (ENV_AP_VMSA, ENV_AP_CAA, APIC ID 1). */
u64 env_create_ap(void);

/* Everything a failed call must leave alone. */
struct env_snapshot {
	u8 *mem;   /* the arena without the boot VMSA page */
	void *rmp;
	phys_addr_t pairs[3][2];
	bool reserved[8];
};

void env_snapshot_take(struct env_snapshot *s);
/* True if nothing changed since s was taken (one snapshot at a time). */
bool env_snapshot_same(struct env_snapshot *s);

#endif

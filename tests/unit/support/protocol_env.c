/* SPDX-License-Identifier: MIT */
/* The host protocol stack of tests/unit/support/protocol_env.h. */
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/guestmem.h>
#include <svsm/lib/check.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#include "../../sim/guestmem_sim.h"
#include "protocol_env.h"
#include "sim_fake.h"

struct protocol_env env;

static const u32 env_apic_ids[] = { 0, 1, 2 };

static const phys_addr_t probe_pages[8] = {
	ENV_BOOT_CAA, ENV_NEW_CAA, ENV_AP_VMSA, ENV_AP_CAA,
	ENV_REQ_PAGE, ENV_FREE_PAGE, ENV_BOOT_VMSA, ENV_DATA,
};

static void env_vmgexit(void *ctx)
{
	request_loop_handle_exit(ctx);
}

/* SVSM memory: validated, no guest access; the boot VMSA is a VMSA. */
static void env_svsm_region(void)
{
	for (phys_addr_t p = ENV_SVSM_START; p < ENV_SVSM_END; p += PAGE_SIZE)
		sim_rmp(p)->validated = true;
	sim_rmp(ENV_BOOT_VMSA)->vmsa = true;
	guest_init_ap_vmsa(ENV_BOOT_VMSA, ENV_SEV_FEATURES, 0xfffffff0);
}

static void env_setup(bool fast)
{
	static const struct mem_region ram[] = {
		{ 0, ENV_RAM_LOW_END },
		{ ENV_RAM_START, ENV_RAM_END },
	};
	static bool once;

	if (fast && once)
		sim_fake_reset_written();
	else
		sim_fake_reset();
	once = true;
	guestmem_sim_reset();
	CHECK(guestmem_init(ram, ARRAY_SIZE(ram), ENV_SVSM_START,
			    ENV_SVSM_END) == 0);
	sim_fake_prevalidate(ENV_BOOT_CAA,
			     ENV_PREVALIDATED_END - ENV_BOOT_CAA);
	for (u64 off = 0; off < PAGE_SIZE_2M; off += PAGE_SIZE)
		sim_rmp(ENV_HUGE_2M + off)->huge = true;
	env_svsm_region();
	CHECK(vcpu_registry_init(env_apic_ids, ARRAY_SIZE(env_apic_ids)) ==
	      0);
	memset(&env, 0, sizeof(env));
	env.bsp = vcpu_find(0);
	env.ap = vcpu_find(1);
	CHECK(vcpu_register_boot(env.bsp, ENV_BOOT_VMSA, ENV_BOOT_CAA) == 0);
	env.gbsp = (struct sim_vcpu){ 0, ENV_BOOT_VMSA, ENV_BOOT_CAA };
	env.gap = (struct sim_vcpu){ 1, ENV_AP_VMSA, ENV_AP_CAA };
	env.guest = (struct sim_guest){ .vmgexit = env_vmgexit,
					.ctx = env.bsp };
}

void protocol_env_setup(void)
{
	env_setup(false);
}

void protocol_env_setup_fast(void)
{
	env_setup(true);
}

u64 env_call(u64 rax, u64 *rcx, u64 *rdx, u64 *r8)
{
	return guest_call(&env.guest, &env.gbsp, rax, rcx, rdx, r8);
}

u64 env_core(u32 call, u64 rcx, u64 rdx, u64 r8)
{
	return env_call(guest_rax(SVSM_CORE_PROTOCOL, call), &rcx, &rdx, &r8);
}

u64 env_pvalidate(const u64 *entry, u16 n)
{
	phys_addr_t req = env.gbsp.caa + sizeof(struct svsm_caa);

	guest_write_pval_request(req, n, 0, entry);
	return env_core(SVSM_CORE_PVALIDATE, req, 0, 0);
}

u64 env_create_ap(void)
{
	guest_init_ap_vmsa(ENV_AP_VMSA, ENV_SEV_FEATURES, 0x9f000);
	return env_core(SVSM_CORE_CREATE_VCPU, ENV_AP_VMSA, ENV_AP_CAA, 1);
}

/* The arena less the boot VMSA page, whose registers every call changes. */
#define ENV_SNAP_BYTES (SIM_ARENA_SIZE - PAGE_SIZE)

static void env_copy_mem(u8 *dst)
{
	const u8 *arena = sim_gpa_to_va(0, SIM_ARENA_SIZE);

	memcpy(dst, arena, ENV_BOOT_VMSA);
	memcpy(dst + ENV_BOOT_VMSA, arena + ENV_BOOT_VMSA + PAGE_SIZE,
	       SIM_ARENA_SIZE - ENV_BOOT_VMSA - PAGE_SIZE);
}

/* Two snapshot buffers, reused: a taken one and the one to compare. */
static u8 snap_mem[2][ENV_SNAP_BYTES];
static struct sim_rmp_entry snap_rmp[2][SIM_PAGES];
static u32 snap_next;

void env_snapshot_take(struct env_snapshot *s)
{
	size_t rmp_size;
	const void *rmp = sim_fake_rmp_image(&rmp_size);

	CHECK(rmp_size == sizeof(snap_rmp[0]));
	s->mem = snap_mem[snap_next];
	s->rmp = snap_rmp[snap_next];
	snap_next ^= 1;
	env_copy_mem(s->mem);
	memcpy(s->rmp, rmp, rmp_size);
	for (u32 i = 0; i < 3; i++)
		vcpu_get_pair(vcpu_find(i), &s->pairs[i][0], &s->pairs[i][1]);
	vcpu_read_lock();
	for (u32 i = 0; i < 8; i++)
		s->reserved[i] = vcpu_range_registered(probe_pages[i], 1);
	vcpu_read_unlock();
}

bool env_snapshot_same(struct env_snapshot *s)
{
	struct env_snapshot now;
	bool same;

	env_snapshot_take(&now);
	same = !memcmp(s->mem, now.mem, ENV_SNAP_BYTES) &&
	       !memcmp(s->rmp, now.rmp, sizeof(snap_rmp[0])) &&
	       !memcmp(s->pairs, now.pairs, sizeof(s->pairs)) &&
	       !memcmp(s->reserved, now.reserved, sizeof(s->reserved));
	return same;
}

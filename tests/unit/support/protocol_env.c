/* SPDX-License-Identifier: MIT */
/* The host protocol stack of tests/unit/support/protocol_env.h. */
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/guestmem.h>
#include <svsm/lib/check.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#include "../../sim/guestmem_sim.h"
#include "../../sim/snp_env.h"
#include "protocol_env.h"

struct protocol_env env;

static const u32 env_apic_ids[ENV_NCPUS] = { 0, 1, 2 };

static void env_vmgexit(void *ctx)
{
	request_loop_handle_exit(ctx);
}

/* The firmware's VMSA: a page of SVSM memory the SVSM prepared. */
static phys_addr_t env_boot_vmsa(void)
{
	void *va = sim_alloc_pages(0);
	phys_addr_t gpa;

	CHECK(va);
	gpa = sim_va_to_gpa(va);
	guest_init_ap_vmsa(gpa, ENV_SEV_FEATURES, 0xfffffff0);
	sim_rmp(gpa)->vmsa = true;
	return gpa;
}

/* The machine: booted SNP platform, guestmem, the guest's launch state. */
static void env_machine(void)
{
	static const struct mem_region ram[] = {
		{ SIM_GPA_BASE, ENV_RAM_LOW_END },
		{ ENV_RAM_START, ENV_RAM_END },
	};

	snp_env_reset();
	snp_env_boot();
	guestmem_sim_reset();
	CHECK(guestmem_init(ram, ARRAY_SIZE(ram), ENV_SVSM_START,
			    ENV_SVSM_END) == 0);
	sim_rmp_guest_valid(ENV_BOOT_CAA, ENV_PREVALIDATED_END - ENV_BOOT_CAA,
			    SVSM_GUEST_VMPL);
	sim_rmp_set(ENV_HUGE_2M, PAGE_SIZE_2M, true, false, true);
}

void protocol_env_setup(void)
{
	env_machine();
	memset(&env, 0, sizeof(env));
	env.boot_vmsa = env_boot_vmsa();
	CHECK(vcpu_registry_init(env_apic_ids, ENV_NCPUS) == 0);
	env.bsp = vcpu_find(0);
	env.ap = vcpu_find(1);
	CHECK(vcpu_register_boot(env.bsp, env.boot_vmsa, ENV_BOOT_CAA) == 0);
	env.gbsp = (struct sim_vcpu){ 0, env.boot_vmsa, ENV_BOOT_CAA };
	env.gap = (struct sim_vcpu){ 1, ENV_AP_VMSA, ENV_AP_CAA };
	env.guest = (struct sim_guest){ .vmgexit = env_vmgexit,
					.ctx = env.bsp };
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

/* The hypervisor's Run VMPL: the program runs until its next call. */
static void env_linux_runs(u32 cpu, u8 vmpl, void *ctx)
{
	struct guest_linux *gl = ctx;

	if (vmpl != SVSM_GUEST_VMPL)
		gl->failure = "run at the wrong VMPL";
	else
		guest_linux_run(gl);
}

u32 env_run_linux(struct guest_linux *gl, const u64 *early, u32 nearly,
		  const u64 *late, u32 nlate)
{
	const struct guest_linux_plan plan = {
		.bsp = &env.gbsp, .early = early, .nearly = nearly,
		.late = late, .nlate = nlate, .new_caa = ENV_NEW_CAA,
		.ap = &env.gap, .sev_features = ENV_SEV_FEATURES,
	};
	u32 n = 0;

	guest_linux_init(gl, &plan);
	sim_hv.guest = env_linux_runs;
	sim_hv.guest_ctx = gl;
	while (gl->phase < GL_DONE && !gl->failure && n < 100) {
		n++;
		if (request_loop_iterate(env.bsp) < 0)
			gl->failure = "request loop error";
	}
	sim_hv.guest = NULL;
	return n;
}

bool env_clean(void)
{
	return !guestmem_sim.depth && !sim_glue_temp_maps &&
	       !sim_error_count() && !sim_hv.terminated;
}

/* One copy of the memory and the RMP, reused by every snapshot. */
static u8 snap_mem[SIM_MEM_SIZE];
static struct sim_rmp_entry snap_rmp[SIM_RMP_ENTRIES];

/* Registry state: pairs, and which probe pages are registered. */
static void env_registry_state(struct env_snapshot *s)
{
	const phys_addr_t probe[ARRAY_SIZE(s->reserved)] = {
		ENV_BOOT_CAA, ENV_NEW_CAA,   ENV_AP_VMSA,   ENV_AP_CAA,
		ENV_REQ_PAGE, ENV_FREE_PAGE, env.boot_vmsa, ENV_DATA,
	};

	for (u32 i = 0; i < ENV_NCPUS; i++)
		vcpu_get_pair(vcpu_find(env_apic_ids[i]), &s->pairs[i][0],
			      &s->pairs[i][1]);
	vcpu_read_lock();
	for (u32 i = 0; i < ARRAY_SIZE(probe); i++)
		s->reserved[i] = vcpu_range_registered(probe[i], 1);
	vcpu_read_unlock();
}

void env_snapshot_take(struct env_snapshot *s)
{
	memcpy(snap_mem, sim_gpa_to_va(SIM_GPA_BASE, SIM_MEM_SIZE),
	       SIM_MEM_SIZE);
	memcpy(snap_rmp, sim_rmp_table(), sizeof(snap_rmp));
	s->caller_vmsa = env.gbsp.vmsa;
	env_registry_state(s);
}

/* All guest-physical memory unchanged but the page at GPA skip. */
static bool env_memory_same(phys_addr_t skip)
{
	const u8 *now = sim_gpa_to_va(SIM_GPA_BASE, SIM_MEM_SIZE);
	u64 off = skip - SIM_GPA_BASE;

	CHECK(off < SIM_MEM_SIZE && IS_ALIGNED(off, PAGE_SIZE));
	return !memcmp(now, snap_mem, off) &&
	       !memcmp(now + off + PAGE_SIZE, snap_mem + off + PAGE_SIZE,
		       SIM_MEM_SIZE - off - PAGE_SIZE);
}

bool env_snapshot_same(const struct env_snapshot *s)
{
	struct env_snapshot now = { .caller_vmsa = s->caller_vmsa };

	env_registry_state(&now);
	return env_memory_same(s->caller_vmsa) &&
	       !memcmp(snap_rmp, sim_rmp_table(), sizeof(snap_rmp)) &&
	       !memcmp(s->pairs, now.pairs, sizeof(s->pairs)) &&
	       !memcmp(s->reserved, now.reserved, sizeof(s->reserved));
}

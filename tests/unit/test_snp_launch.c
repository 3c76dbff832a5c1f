/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP guest firmware launch (kernel/platform/snp/launch*.c) on the
 * simulated hypervisor and RMP (tests/sim): boot parameters with a firmware
 * block like the one igvmbuilder derives from an OVMF with SEV metadata,
 * the whole launch, every RMP and memory effect, then the simulated guest's
 * Linux-like boot through the request loop. Negative tests: a layout that
 * reaches an SVSM page, is misaligned or lies outside guest RAM, and a
 * hypervisor that fails the PSC or the AP creation must terminate with the
 * right reason before any page was given to the guest.
 */
#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/guestmem.h>
#include <svsm/hw/ghcb.h>
#include <svsm/request_loop.h>
#include <svsm/snp_launch.h>
#include <svsm/vcpu.h>

#include "../sim/guest.h"
#include "../sim/guestmem_sim.h"
#include "test_snp_common.h"

/*
 * The firmware, placed in guest RAM as igvmbuilder places OVMF's SEV
 * metadata ranges (tests/unit/support/ovmf_fake.c, merged the same way),
 * plus one 2 MiB range for the 2 MiB paths.
 */
#define G SIM_GUEST_BASE
#define FW_MEM_A (G + 0x800000)    /* SEC_MEM, 0xC000 */
#define FW_SECRETS (G + 0x80D000)
#define FW_CPUID (G + 0x80E000)
#define FW_CAA (G + 0x80F000)
#define FW_MEM_B (G + 0x810000)    /* SEC_MEM + kernel hashes, 0x11000 */
#define FW_MEM_2M (G + 0xA00000)   /* 2 MiB */
/* The image ends the arena, as OVMF ends at 4 GiB; it is not RAM. */
#define IMAGE_SIZE PAGE_SIZE_2M
#define IMAGE (SIM_GPA_BASE + SIM_MEM_SIZE - IMAGE_SIZE)
#define RESET_VECTOR ((u32)(IMAGE + IMAGE_SIZE - 16))
/*
 * Guest RAM: everything below the image but a 1 MiB hole. The SVSM region
 * is listed too, as a hypervisor's map may list it: the launch must refuse
 * it on its own, not because the kernel's copy of the map cut it out.
 */
#define HOLE (G + 0x1F00000)
#define HOLE_END (HOLE + 0x100000)
/* What the simulated Linux validates and uses. */
#define HUGE (G + 0x1200000)  /* a 2 MiB RMP entry */
#define SMALL (G + 0x1400000) /* 4 KiB RMP entries */
#define DATA (G + 0x1600000)
#define NEW_CAA (G + 0x1C00000)
#define AP_VMSA (G + 0x1C01000)
#define AP_CAA (G + 0x1C02000)

#define GUEST_FEATURES 0x1ULL /* SEV_STATUS 0xa7 >> 2, minus RI and DS */
#define VTOM_STATUS BIT(3)

static struct svsm_boot_params bp;
static const struct mem_region ram[] = {
	{ SIM_GPA_BASE, HOLE },
	{ HOLE_END, IMAGE },
};
static struct platform_launch pl;
static const u32 apic_ids[] = { 0, 1 };

static void fill(phys_addr_t gpa, u64 len, u8 byte)
{
	memset(sim_gpa_to_va(gpa, len), byte, len);
}

static bool all_bytes(phys_addr_t gpa, u64 len, u8 byte)
{
	const u8 *p = sim_gpa_to_va(gpa, len);

	for (u64 i = 0; i < len; i++) {
		if (p[i] != byte)
			return false;
	}
	return true;
}

/* A firmware block as igvmbuilder writes it, SVSM pages as QEMU's image. */
static void default_boot_params(void)
{
	struct svsm_fw_info *fw = &bp.firmware;

	memset(&bp, 0, sizeof(bp));
	bp.magic = SVSM_BOOT_PARAMS_MAGIC;
	bp.version = SVSM_BOOT_PARAMS_VERSION;
	bp.size = sizeof(bp);
	bp.kernel_region_start = SIM_SVSM_BASE;
	bp.kernel_region_size = SIM_SVSM_SIZE;
	bp.stage2_start = 0x10000;
	bp.stage2_end = 0x30000;
	bp.stage2_heap_start = 0x30000;
	bp.stage2_heap_end = 0x9E000;
	bp.secrets_page = 0x9E000;
	bp.cpuid_page = 0x9F000;
	bp.kernel_elf_start = 0x100000;
	bp.kernel_elf_size = 0x7F123;
	bp.general_params_gpa = 0x181000;
	bp.memory_map_gpa = 0x182000;
	bp.memory_map_size = PAGE_SIZE;
	fw->start = (u32)IMAGE;
	fw->size = (u32)IMAGE_SIZE;
	fw->secrets_page = (u32)FW_SECRETS;
	fw->cpuid_page = (u32)FW_CPUID;
	fw->caa_page = (u32)FW_CAA;
	fw->prevalidated_count = 3;
	fw->prevalidated[0] = (struct svsm_fw_range){ (u32)FW_MEM_A, 0xC000 };
	fw->prevalidated[1] = (struct svsm_fw_range){ (u32)FW_MEM_B, 0x11000 };
	fw->prevalidated[2] =
		(struct svsm_fw_range){ (u32)FW_MEM_2M, (u32)PAGE_SIZE_2M };
	fw->reset_rip = (u32)(FW_MEM_A + 0xB004); /* APs: unused here */
}

/*
 * The machine as the kernel has it when it launches: a booted SNP
 * platform, guest memory and vCPUs, the image launched (measured and
 * validated, no guest access) and the firmware's RAM full of garbage.
 */
static int setup(void **state)
{
	struct svsm_launch_info *li;

	snp_setup_booted(state);
	guestmem_sim_reset();
	assert_int_equal(guestmem_init(ram, ARRAY_SIZE(ram), SIM_SVSM_BASE,
				       SIM_SVSM_BASE + SIM_SVSM_SIZE),
			 0);
	assert_int_equal(vcpu_registry_init(apic_ids, 2), 0);
	default_boot_params();
	li = snp_env_launch_info();
	li->boot_params_va = (u64)(uintptr_t)&bp;
	sim_rmp_set(IMAGE, IMAGE_SIZE, true, true, false);
	fill(IMAGE, IMAGE_SIZE, 0x90);
	fill(FW_MEM_A, 0x21000, 0xcc);
	fill(FW_MEM_2M, PAGE_SIZE_2M, 0xcc);
	pl = (struct platform_launch){ .li = li, .ram = ram,
				       .nram = ARRAY_SIZE(ram), .apic_id = 0 };
	return 0;
}

/* What kernel/base/main.c does: the platform's launch, then the registry. */
static int launch(void)
{
	int ret = snp_launch_firmware(&pl);

	if (!ret)
		ret = vcpu_register_boot(vcpu_find(0), pl.vmsa, pl.caa);
	return ret;
}

static bool page_private(phys_addr_t gpa)
{
	const struct sim_rmp_entry *e = sim_rmp(gpa);

	return !e->perms[1] && !e->perms[2] && !e->perms[3];
}

/* No lower VMPL can reach any page of the arena. */
static void assert_no_guest_access(void)
{
	for (u64 off = 0; off < SIM_MEM_SIZE; off += PAGE_SIZE)
		assert_true(page_private(SIM_GPA_BASE + off));
}

/* No lower VMPL can reach any page of the SVSM's region. */
static void assert_svsm_private(void)
{
	for (u64 off = 0; off < SIM_SVSM_SIZE; off += PAGE_SIZE)
		assert_true(page_private(SIM_SVSM_BASE + off));
}

/* Validated, VMPL2 RWX, nothing for VMPL1/3, not a VMSA. */
static void assert_guest_rwx(phys_addr_t start, u64 len)
{
	for (u64 off = 0; off < len; off += PAGE_SIZE) {
		const struct sim_rmp_entry *e = sim_rmp(start + off);

		assert_true(e->assigned && e->validated && !e->vmsa);
		assert_int_equal(e->perms[2], 0xf);
		assert_int_equal(e->perms[1] | e->perms[3], 0);
	}
}

static void assert_nothing_launched(u64 pvalidates)
{
	assert_int_equal(sim_hv.nap, 0);
	assert_int_equal(sim_rmp_stats.pvalidates, pvalidates);
	assert_int_equal(sim_hv.psc_calls, 0);
	assert_no_guest_access();
	assert_int_equal(vcpu_find(0)->vmsa_gpa, 0);
}

static void assert_logged(const char *text)
{
	if (!strstr(log_capture_buf, text)) {
		fprintf(stderr, "log lacks \"%s\":\n%s", text, log_capture_buf);
		fail();
	}
}

/* ---- The launch --------------------------------------------------------- */

static void check_cpuid_page(void)
{
	const struct snp_cpuid_table *fw = sim_gpa_to_va(FW_CPUID, PAGE_SIZE);
	const struct snp_cpuid_table *launch = &sim_hv.cpuid;
	u32 svsm_entries = 0;

	assert_int_equal(fw->count, launch->count);
	for (u32 i = 0; i < fw->count; i++) {
		struct snp_cpuid_entry want = launch->entries[i];

		if (want.eax_in == SNP_CPUID_SVSM_LEAF) {
			want.eax |= SNP_CPUID_SVSM_PRESENT;
			svsm_entries++;
		}
		assert_memory_equal(&fw->entries[i], &want, sizeof(want));
	}
	assert_int_equal(svsm_entries, 1);
	assert_true(all_bytes(FW_CPUID + sizeof(*fw), PAGE_SIZE - sizeof(*fw),
			      0));
}

static void check_secrets_page(void)
{
	const struct snp_secrets_page *s = sim_gpa_to_va(FW_SECRETS, 4096);

	assert_int_equal(s->version, 3);
	assert_true(all_bytes(FW_SECRETS + 0x20, 2 * SNP_VMPCK_SIZE, 0));
	for (int i = 2; i < 4; i++) {
		for (int b = 0; b < SNP_VMPCK_SIZE; b++)
			assert_int_equal(s->vmpck[i][b], SNP_ENV_VMPCK_BYTE(i));
	}
	assert_int_equal(s->os_area.msg_seqno_lo[2], 3);
	assert_true(s->svsm_base == SIM_SVSM_BASE);
	assert_true(s->svsm_size == SIM_SVSM_SIZE);
	assert_true(s->svsm_caa == FW_CAA);
	assert_int_equal(s->svsm_max_version, 1);
	assert_int_equal(s->svsm_guest_vmpl, SVSM_GUEST_VMPL);
}

static void check_vmsa(void)
{
	const struct sim_rmp_entry *e = sim_rmp(pl.vmsa);
	const struct sev_vmsa *v = sim_gpa_to_va(pl.vmsa, PAGE_SIZE);

	/* In SVSM memory, never 2 MiB aligned, a VMSA nobody else reads. */
	assert_true(pl.vmsa >= SIM_SVSM_BASE &&
		    pl.vmsa < SIM_SVSM_BASE + SIM_SVSM_SIZE);
	assert_false(IS_ALIGNED(pl.vmsa, PAGE_SIZE_2M));
	assert_true(e->vmsa && e->validated);
	assert_true(page_private(pl.vmsa));
	assert_int_equal(v->vmpl, SVSM_GUEST_VMPL);
	assert_true(v->sev_features == GUEST_FEATURES);
	assert_true(v->rip == (RESET_VECTOR & 0xFFFF));
	assert_true(v->cs.base == (RESET_VECTOR & 0xFFFF0000u));
	assert_int_equal(v->efer & VMSA_EFER_SVME, 0); /* parked */
}

static void check_ap_creation(void)
{
	assert_int_equal(sim_hv.nap, 1);
	assert_true(sim_hv.ap[0].exit_info_1 ==
		    snp_ap_create_info(0, SVSM_GUEST_VMPL,
				       SVM_AP_CREATE_ON_INIT));
	assert_true(sim_hv.ap[0].exit_info_1 == 0x20000ULL);
	assert_true(sim_hv.ap[0].vmsa_gpa == pl.vmsa);
	assert_true(sim_hv.ap[0].sev_features == GUEST_FEATURES);
}

static void test_launch_prepares_firmware(void **state)
{
	struct svsm_vcpu *v = vcpu_find(0);

	assert_int_equal(launch(), 0);
	assert_true(pl.caa == FW_CAA);
	assert_guest_rwx(FW_MEM_A, 0xC000);
	assert_guest_rwx(FW_SECRETS, 3 * PAGE_SIZE); /* + CPUID page, CAA */
	assert_guest_rwx(FW_MEM_B, 0x11000);
	assert_guest_rwx(FW_MEM_2M, PAGE_SIZE_2M);
	assert_guest_rwx(IMAGE, IMAGE_SIZE);
	assert_true(all_bytes(FW_MEM_A, 0xC000, 0));
	assert_true(all_bytes(FW_CAA, PAGE_SIZE, 0));
	assert_true(all_bytes(FW_MEM_B, 0x11000, 0));
	assert_true(all_bytes(FW_MEM_2M, PAGE_SIZE_2M, 0));
	assert_true(all_bytes(IMAGE, IMAGE_SIZE, 0x90)); /* measured: kept */
	check_cpuid_page();
	check_secrets_page();
	check_vmsa();
	check_ap_creation();
	assert_true(v->vmsa_gpa == pl.vmsa && v->caa_gpa == FW_CAA);
	/* The gap between the ranges and the rest of RAM: untouched. */
	assert_false(sim_rmp(FW_MEM_A + 0xC000)->validated);
	assert_true(page_private(FW_MEM_A + 0xC000) && page_private(G));
	assert_svsm_private();
	assert_logged("Launching firmware");
	assert_false(sim_hv.terminated);
}

static void test_launch_2m_entries(void **state)
{
	/* The image launched in 2 MiB RMP entries: one 2 MiB RMPADJUST. */
	sim_rmp_set(IMAGE, IMAGE_SIZE, true, true, true);
	assert_int_equal(launch(), 0);
	assert_true(sim_rmp(FW_MEM_2M)->huge);
	assert_true(sim_rmp(IMAGE)->huge);
	assert_guest_rwx(FW_MEM_2M, PAGE_SIZE_2M);
	assert_guest_rwx(IMAGE, IMAGE_SIZE);
	assert_svsm_private();
}

static void test_launch_host_refuses_2m(void **state)
{
	/* 2 MiB PSC refused: 4 KiB entries, validated and granted by 4 KiB. */
	sim_hv.psc_refuse_2m = true;
	assert_int_equal(launch(), 0);
	assert_false(sim_rmp(FW_MEM_2M)->huge);
	assert_guest_rwx(FW_MEM_2M, PAGE_SIZE_2M);
	assert_true(all_bytes(FW_MEM_2M, PAGE_SIZE_2M, 0));
	assert_svsm_private();
}

static void test_launch_without_firmware(void **state)
{
	u64 pvalidates = sim_rmp_stats.pvalidates;

	bp.firmware.size = 0;
	assert_int_equal(snp_launch_firmware(&pl), -SVSM_ENOENT);
	assert_nothing_launched(pvalidates);
	assert_false(sim_hv.terminated);
}

static void test_launch_vmsa_reset_state(void **state)
{
	struct sev_vmsa v;

	memset(&v, 0xa5, sizeof(v));
	snp_launch_init_vmsa(&v, 0xFFFFFFF0u, 0x41);
	assert_true(v.cs.selector == 0xF000 && v.cs.attrib == 0x9B &&
		    v.cs.limit == 0xFFFF && v.cs.base == 0xFFFF0000ULL);
	assert_true(v.rip == 0xFFF0);
	assert_true(v.ds.attrib == 0x93 && v.ds.limit == 0xFFFF &&
		    !v.ds.selector && !v.ds.base);
	assert_memory_equal(&v.es, &v.ds, sizeof(v.ds));
	assert_memory_equal(&v.ss, &v.ds, sizeof(v.ds));
	assert_memory_equal(&v.fs, &v.ds, sizeof(v.ds));
	assert_memory_equal(&v.gs, &v.ds, sizeof(v.ds));
	assert_true(v.gdtr.limit == 0xFFFF && v.idtr.limit == 0xFFFF);
	assert_true(v.ldtr.attrib == 0x82 && v.tr.attrib == 0x8B);
	assert_true(v.cr0 == 0x60000010ULL && v.rflags == 2);
	assert_true(v.dr6 == 0xFFFF0FF0ULL && v.dr7 == 0x400);
	assert_true(v.g_pat == 0x0007040600070406ULL && v.xcr0 == 1);
	assert_true(v.mxcsr == 0x1F80 && v.x87_ftw == 0x5555 &&
		    v.x87_fcw == 0x40);
	assert_true(v.vmpl == 2 && v.sev_features == 0x41 && v.efer == 0);
	assert_true(v.rax == 0 && v.cr4 == 0 && v.guest_exit_code == 0);
}

static void test_launch_guest_features(void **state)
{
	u64 f = ~0ULL;

	/* SNP | Restricted Injection | Debug Swap -> SNP (§5.4). */
	assert_int_equal(snp_launch_guest_features(0xa7, &f), 0);
	assert_true(f == SEV_FEAT_SNP_ACTIVE);
	/* Tolerated SVSM features (BTB isolation, SMT protection) stay. */
	assert_int_equal(snp_launch_guest_features(
				 0xa7 | SEV_STATUS_FEAT(SEV_FEAT_BTB_ISOLATION |
							SEV_FEAT_SMT_PROTECTION),
				 &f),
			 0);
	assert_true(f == (SEV_FEAT_SNP_ACTIVE | SEV_FEAT_BTB_ISOLATION |
			  SEV_FEAT_SMT_PROTECTION));
	assert_int_equal(snp_launch_guest_features(0xa7 | VTOM_STATUS, &f),
			 -SVSM_ENOTSUP);
}

/* ---- The guest runs: Linux's boot calls through the request loop -------- */

struct linux_run {
	struct guest_linux gl;
	u32 runs;
	u64 first_rip, first_cs_base;
};

static void run_guest_fn(u32 cpu, u8 vmpl, void *ctx)
{
	struct linux_run *lr = ctx;
	const struct sev_vmsa *v = guest_ptr(pl.vmsa);

	assert_int_equal(vmpl, SVSM_GUEST_VMPL);
	/* Runnable exactly while it runs (§1.4). */
	assert_true(v->efer & VMSA_EFER_SVME);
	if (!lr->runs++) {
		lr->first_rip = v->rip;
		lr->first_cs_base = v->cs.base;
	}
	guest_linux_run(&lr->gl);
}

static void linux_plan(struct guest_linux_plan *plan, struct sim_vcpu *bsp,
		       struct sim_vcpu *ap)
{
	static u64 early[5 + 520], late[8];
	u32 n = 0;

	early[n++] = guest_pval_entry(HUGE, true, true, false);
	early[n++] = guest_pval_entry(SMALL, true, true, false);
	early[n++] = guest_pval_entry(NEW_CAA, false, true, false);
	early[n++] = guest_pval_entry(AP_VMSA, false, true, false);
	early[n++] = guest_pval_entry(AP_CAA, false, true, false);
	for (u32 i = 0; i < 520; i++)
		early[n++] = guest_pval_entry(DATA + i * PAGE_SIZE, false,
					      true, false);
	for (u32 i = 0; i < 8; i++)
		late[i] = guest_pval_entry(DATA + i * PAGE_SIZE, false, false,
					   false);
	*plan = (struct guest_linux_plan){
		.bsp = bsp, .early = early, .nearly = n, .late = late,
		.nlate = ARRAY_SIZE(late), .new_caa = NEW_CAA, .ap = ap,
		.sev_features = GUEST_FEATURES,
	};
}

static void test_launch_then_linux_boot(void **state)
{
	struct sim_vcpu gbsp, ap = { 1, AP_VMSA, AP_CAA };
	struct guest_linux_plan plan;
	static struct linux_run lr;
	struct svsm_vcpu *bsp = vcpu_find(0);
	u32 n = 0;

	sim_rmp_set(HUGE, PAGE_SIZE_2M, true, false, true);
	assert_int_equal(launch(), 0);
	gbsp = (struct sim_vcpu){ 0, pl.vmsa, pl.caa };
	linux_plan(&plan, &gbsp, &ap);
	memset(&lr, 0, sizeof(lr));
	guest_linux_init(&lr.gl, &plan);
	sim_hv.guest = run_guest_fn;
	sim_hv.guest_ctx = &lr;
	while (lr.gl.phase < GL_DONE && n++ < 100)
		assert_true(request_loop_iterate(bsp) >= 0);
	assert_null(lr.gl.failure);
	assert_int_equal(lr.gl.phase, GL_DONE);
	/* It started where the launch put it: the reset vector. */
	assert_true(lr.first_rip == (RESET_VECTOR & 0xFFFF));
	assert_true(lr.first_cs_base == (RESET_VECTOR & 0xFFFF0000u));
	assert_int_equal(lr.gl.size_mismatches, 1);
	assert_int_equal(lr.gl.entries_4k, 512);
	assert_guest_rwx(HUGE, PAGE_SIZE_2M);
	assert_guest_rwx(SMALL, PAGE_SIZE_2M);
	assert_false(sim_rmp(DATA)->validated);
	assert_guest_rwx(DATA + 8 * PAGE_SIZE, 512 * PAGE_SIZE);
	assert_false(sim_rmp(AP_VMSA)->vmsa); /* created, then deleted */
	assert_true(gbsp.caa == NEW_CAA && bsp->caa_gpa == NEW_CAA);
	assert_int_equal(((struct sev_vmsa *)guest_ptr(pl.vmsa))->efer &
				 VMSA_EFER_SVME,
			 0);
	assert_int_equal(sim_hv.vmpl_runs, lr.gl.calls + 1);
	assert_svsm_private();
	assert_false(sim_hv.terminated);
}

/* ---- Negative: the layout ----------------------------------------------- */

struct bad_layout {
	const char *name;
	void (*mutate)(void);
	const char *log; /* expected in the error message */
};

static void bad_prevalidated_in_kernel_region(void)
{
	bp.firmware.prevalidated[0] = (struct svsm_fw_range){
		(u32)(SIM_SVSM_BASE + SIM_SVSM_SIZE - 0x2000), 0x4000 };
}

static void bad_secrets_in_kernel_region(void)
{
	bp.firmware.secrets_page = (u32)(SIM_SVSM_BASE + 0x5000);
}

static void bad_caa_on_boot_params_page(void)
{
	/* The page after the kernel ELF holds the boot parameters. */
	bp.kernel_elf_start = G + 0x1000000;
	bp.firmware.caa_page = (u32)(G + 0x1000000 + 0x80000);
}

static void bad_cpuid_on_launch_cpuid_page(void)
{
	bp.cpuid_page = G + 0x1100000;
	bp.firmware.cpuid_page = (u32)(G + 0x1100000);
}

static void bad_prevalidated_on_stage2_heap(void)
{
	bp.stage2_heap_start = FW_MEM_B + 0x10000;
	bp.stage2_heap_end = FW_MEM_B + 0x12000;
}

static void bad_prevalidated_on_memory_map(void)
{
	bp.memory_map_gpa = FW_MEM_2M + 0x100800; /* partial page: widened */
	bp.memory_map_size = 0x100;
}

static void bad_image_in_kernel_region(void)
{
	bp.firmware.start = (u32)SIM_SVSM_BASE;
}

static void bad_image_on_general_params(void)
{
	bp.general_params_gpa = IMAGE + 0x3000;
}

static void bad_image_above_4g(void)
{
	/* Real mode cannot reach a reset vector above 4 GiB. */
	bp.firmware.start = 0xFFFFF000u;
	bp.firmware.size = 0x2000;
}

static void bad_image_unaligned(void)
{
	bp.firmware.start = (u32)IMAGE + 0x10;
}

static void bad_image_size_unaligned(void)
{
	bp.firmware.size = (u32)IMAGE_SIZE - 0x800;
}

static void bad_prevalidated_base_unaligned(void)
{
	bp.firmware.prevalidated[0].base += 0x800;
}

static void bad_prevalidated_size_unaligned(void)
{
	bp.firmware.prevalidated[1].size = 0x11800;
}

static void bad_prevalidated_empty(void)
{
	bp.firmware.prevalidated[2].size = 0;
}

static void bad_secrets_unaligned(void)
{
	bp.firmware.secrets_page += 8;
}

static void bad_prevalidated_outside_arena(void)
{
	bp.firmware.prevalidated[2].base = 0x80000000u;
}

static void bad_prevalidated_below_ram(void)
{
	bp.firmware.prevalidated[2].base = 0x1000000u;
}

static void bad_prevalidated_across_hole(void)
{
	bp.firmware.prevalidated[2] =
		(struct svsm_fw_range){ (u32)(HOLE - 0x1000), 0x2000 };
}

static void bad_caa_in_hole(void)
{
	bp.firmware.caa_page = (u32)HOLE;
}

static void bad_too_many_ranges(void)
{
	bp.firmware.prevalidated_count = SVSM_FW_MAX_PREVALIDATED + 1;
}

static void bad_secrets_inside_range(void)
{
	bp.firmware.secrets_page = (u32)(FW_MEM_A + 0x3000);
}

static void bad_cpuid_is_caa(void)
{
	bp.firmware.cpuid_page = (u32)FW_CAA;
}

static void bad_ranges_overlap(void)
{
	bp.firmware.prevalidated[1] =
		(struct svsm_fw_range){ (u32)(FW_MEM_2M + 0x1FF000), 0x2000 };
}

static void bad_range_on_image(void)
{
	bp.firmware.prevalidated[2] =
		(struct svsm_fw_range){ (u32)(IMAGE - 0x1000), 0x2000 };
}

static void bad_no_caa(void)
{
	bp.firmware.caa_page = 0;
}

static void bad_no_secrets(void)
{
	bp.firmware.secrets_page = 0;
}

static void bad_no_cpuid(void)
{
	bp.firmware.cpuid_page = 0;
}

static void bad_flags(void)
{
	bp.firmware.flags = 1;
}

static void bad_magic(void)
{
	bp.magic ^= 1;
}

static void bad_size(void)
{
	bp.size = sizeof(bp) - 8;
}

static const struct bad_layout bad_layouts[] = {
	{ "range in kernel region", bad_prevalidated_in_kernel_region,
	  "overlaps the SVSM's kernel region" },
	{ "secrets in kernel region", bad_secrets_in_kernel_region,
	  "firmware secrets page" },
	{ "CAA on boot params", bad_caa_on_boot_params_page,
	  "overlaps the SVSM's kernel ELF and boot parameters" },
	{ "CPUID on launch CPUID", bad_cpuid_on_launch_cpuid_page,
	  "overlaps the SVSM's CPUID page" },
	{ "range on stage2 heap", bad_prevalidated_on_stage2_heap,
	  "overlaps the SVSM's stage2 heap" },
	{ "range on memory map", bad_prevalidated_on_memory_map,
	  "overlaps the SVSM's memory map" },
	{ "image in kernel region", bad_image_in_kernel_region,
	  "firmware image" },
	{ "image on general params", bad_image_on_general_params,
	  "overlaps the SVSM's general parameter page" },
	{ "image above 4 GiB", bad_image_above_4g,
	  "below 4 GiB" },
	{ "image unaligned", bad_image_unaligned, "below 4 GiB" },
	{ "image size unaligned", bad_image_size_unaligned, "below 4 GiB" },
	{ "range base unaligned", bad_prevalidated_base_unaligned,
	  "not a range of whole pages" },
	{ "range size unaligned", bad_prevalidated_size_unaligned,
	  "not a range of whole pages" },
	{ "range empty", bad_prevalidated_empty,
	  "not a range of whole pages" },
	{ "secrets unaligned", bad_secrets_unaligned,
	  "not a range of whole pages" },
	{ "range outside memory", bad_prevalidated_outside_arena,
	  "is not guest RAM" },
	{ "range below RAM", bad_prevalidated_below_ram, "is not guest RAM" },
	{ "range across a hole", bad_prevalidated_across_hole,
	  "is not guest RAM" },
	{ "CAA in a hole", bad_caa_in_hole, "is not guest RAM" },
	{ "too many ranges", bad_too_many_ranges, "pre-validated ranges" },
	{ "secrets inside a range", bad_secrets_inside_range,
	  "overlaps its secrets page" },
	{ "CPUID page is the CAA", bad_cpuid_is_caa, "overlaps its" },
	{ "ranges overlap", bad_ranges_overlap, "overlaps its" },
	{ "range on the image", bad_range_on_image, "overlaps its image" },
	{ "no calling area", bad_no_caa, "names no calling area" },
	{ "no secrets page", bad_no_secrets, "names no secrets page" },
	{ "no CPUID page", bad_no_cpuid, "names no CPUID page" },
	{ "unknown flags", bad_flags, "firmware flags" },
	{ "bad magic", bad_magic, "boot parameters" },
	{ "bad size", bad_size, "boot parameters" },
};

/* Each bad layout: terminated before any page was touched. */
static void test_launch_bad_layout(void **state)
{
	const struct bad_layout *b = *state;
	u64 pvalidates = sim_rmp_stats.pvalidates;

	b->mutate();
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_LAUNCH);
	assert_nothing_launched(pvalidates);
	assert_logged(b->log);
}

/* ---- Negative: the hypervisor and the platform -------------------------- */

static void test_launch_psc_error(void **state)
{
	sim_hv.evil = SIM_EVIL_PSC_ERROR;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_PSC);
	assert_int_equal(sim_hv.nap, 0);
	assert_no_guest_access();
}

/* The host reports the PSC done but left the page shared. */
static void test_launch_psc_not_done(void **state)
{
	sim_rmp_set(FW_MEM_A, PAGE_SIZE, false, false, false);
	sim_hv.evil = SIM_EVIL_PSC_NOOP;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_PVALIDATE);
	assert_int_equal(sim_hv.nap, 0);
	assert_no_guest_access();
}

static void test_launch_ap_create_refused(void **state)
{
	sim_hv.evil = SIM_EVIL_AP_CREATE_ERROR;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_AP_CREATE);
	assert_int_equal(sim_hv.nap, 0);
	/* Prepared, but not one page given to the guest. */
	assert_true(sim_rmp(FW_MEM_A)->validated);
	assert_no_guest_access();
}

static void test_launch_ap_create_exception(void **state)
{
	sim_hv.evil = SIM_EVIL_EXIT_EXCEPTION;
	sim_hv.evil_target = SVM_VMGEXIT_AP_CREATION;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_AP_CREATE);
	assert_no_guest_access();
}

/* The host did not launch the image: its pages cannot be granted. */
static void test_launch_image_not_validated(void **state)
{
	sim_rmp_set(IMAGE, IMAGE_SIZE, true, false, false);
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_LAUNCH);
	assert_no_guest_access();
	assert_logged("RMPADJUST (VMPL2 RWX)");
}

static void test_launch_vtom_refused(void **state)
{
	u64 pvalidates = sim_rmp_stats.pvalidates;

	sim_hv.sev_status |= VTOM_STATUS;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_LAUNCH);
	assert_nothing_launched(pvalidates);
}

static void test_launch_out_of_memory(void **state)
{
	sim_alloc_fail = true;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_LAUNCH);
	assert_int_equal(sim_hv.nap, 0);
	assert_no_guest_access();
}

static void test_launch_no_boot_params(void **state)
{
	snp_env_launch_info()->boot_params_va = 0;
	SIM_EXPECT_TERMINATION(launch());
	assert_svsm_terminated(SNP_TERM_LAUNCH);
	assert_no_guest_access();
}

#define LAUNCH_TEST(f) cmocka_unit_test_setup_teardown(f, setup, snp_teardown)

static const struct CMUnitTest fixed_tests[] = {
	LAUNCH_TEST(test_launch_prepares_firmware),
	LAUNCH_TEST(test_launch_2m_entries),
	LAUNCH_TEST(test_launch_host_refuses_2m),
	LAUNCH_TEST(test_launch_without_firmware),
	LAUNCH_TEST(test_launch_vmsa_reset_state),
	LAUNCH_TEST(test_launch_guest_features),
	LAUNCH_TEST(test_launch_then_linux_boot),
	LAUNCH_TEST(test_launch_psc_error),
	LAUNCH_TEST(test_launch_psc_not_done),
	LAUNCH_TEST(test_launch_ap_create_refused),
	LAUNCH_TEST(test_launch_ap_create_exception),
	LAUNCH_TEST(test_launch_image_not_validated),
	LAUNCH_TEST(test_launch_vtom_refused),
	LAUNCH_TEST(test_launch_out_of_memory),
	LAUNCH_TEST(test_launch_no_boot_params),
};

/* The fixed tests, then one test per bad layout, named after it. */
int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(fixed_tests) +
			       ARRAY_SIZE(bad_layouts)];
	size_t n = ARRAY_SIZE(fixed_tests);

	memcpy(tests, fixed_tests, sizeof(fixed_tests));
	for (size_t i = 0; i < ARRAY_SIZE(bad_layouts); i++)
		tests[n + i] = (struct CMUnitTest){
			bad_layouts[i].name, test_launch_bad_layout, setup,
			snp_teardown, (void *)&bad_layouts[i] };
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The guest firmware launch on SEV-SNP (include/svsm/snp_launch.h,
 * docs/snp.md "Guest launch"), COCONUT's prepare_fw + launch_fw (upstream
 * digest §2.1 part 2 steps 9 and 13, §3.1):
 *
 *  1. check the layout (launch_check.c); nothing is touched before;
 *  2. the firmware's memory (pre-validated ranges, secrets, CPUID and
 *     calling-area pages): PSC private, PVALIDATE, zero (§3.8 order rule);
 *  3. the CPUID page: the SVSM's copy with 0x8000_001F EAX bit 28 (§6.2);
 *     the secrets page: the guest copy (§6.1);
 *  4. the boot VMSA in SVSM memory at VMPL2 (§5.2, §5.3);
 *  5. AP creation NAE, CREATE_ON_INIT, VMPL2, this CPU's APIC ID (§3.10);
 *  6. RMPADJUST VMPL2 RWX over the firmware's memory and image, last, so
 *     a failure in any earlier step leaves the guest without a page.
 *
 * Every failure terminates: the firmware cannot run half-prepared.
 * Pages are written through this CPU's temporary mapping (the SNP glue),
 * right after the SVSM validated them itself.
 */
#define LOG_MODULE "snp"

#include <stdarg.h>

#include <svsm/abi/svsm.h>
#include <svsm/arch/snp.h>
#include <svsm/boot/launch_info.h>
#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>
#include <svsm/snp_launch.h>

#define GUEST_RWX (RMPADJUST_VMPL(SVSM_GUEST_VMPL) | RMPADJUST_PERM_RWX)
/*
 * The boot VMSA lives in SVSM memory: the VMSA bit with the guest VMPL as
 * target but no permission at all, so VMPL2 cannot even read an SVSM page
 * (CREATE_VCPU's VMSAs keep READ: those pages are the guest's own).
 */
#define BOOT_VMSA_ATTRS (RMPADJUST_VMPL(SVSM_GUEST_VMPL) | RMPADJUST_VMSA)

__noreturn __printf(1, 2) static void launch_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, LOG_MODULE, fmt, ap);
	va_end(ap);
	snp_fail(SNP_TERM_LAUNCH);
}

/* Writes one page (src, or zeroes if NULL) of memory the SVSM validated. */
static void launch_write_page(phys_addr_t pa, const void *src)
{
	void *va = snp_glue_map_temp(pa, false);

	if (!va)
		launch_fail("firmware launch: cannot map 0x%llx", pa);
	if (src)
		memcpy(va, src, PAGE_SIZE);
	else
		memset(va, 0, PAGE_SIZE);
	snp_glue_unmap_temp(va, false);
}

/*
 * Step 2. The hypervisor chose the contents of any page it gave back;
 * the firmware must find its pre-validated memory zeroed.
 */
static void launch_validate(const struct snp_launch_plan *plan)
{
	for (u32 i = 0; i < plan->nmem; i++) {
		const struct snp_launch_range *r = &plan->mem[i];

		log_info("Validating firmware %s 0x%016llx-0x%016llx", r->what,
			 r->start, r->end);
		snp_make_private(r->start, r->end - r->start);
		for (phys_addr_t pa = r->start; pa < r->end; pa += PAGE_SIZE)
			launch_write_page(pa, NULL);
	}
}

/* Step 3, CPUID: "SVSM present" in every 0x8000_001F entry (§6.2). */
static void launch_cpuid_page(phys_addr_t gpa, void *buf)
{
	const struct snp_cpuid_table *t = snp_cpuid_table();
	struct snp_cpuid_table *copy = buf;

	if (!t)
		launch_fail("firmware launch: no CPUID table");
	memset(buf, 0, PAGE_SIZE);
	memcpy(copy, t, sizeof(*copy));
	for (u32 i = 0; i < copy->count; i++) {
		if (copy->entries[i].eax_in == SNP_CPUID_SVSM_LEAF)
			copy->entries[i].eax |= SNP_CPUID_SVSM_PRESENT;
	}
	launch_write_page(gpa, buf);
}

/*
 * Step 3, secrets (§6.1): VMPCK0 and VMPCK1 zeroed, the SVSM is the
 * kernel region, the boot calling area is the firmware's, VMPL2.
 */
static void launch_secrets_page(const struct snp_launch_plan *plan,
				const struct svsm_launch_info *li, void *buf)
{
	const struct snp_svsm_info info = {
		.base = li->kernel_region_phys_start,
		.size = li->kernel_region_phys_end - li->kernel_region_phys_start,
		.caa = plan->caa,
		.guest_vmpl = SVSM_GUEST_VMPL,
	};
	const struct snp_secrets_page *s = snp_secrets();

	if (!s || snp_secrets_guest_copy(buf, s, &info))
		launch_fail("firmware launch: no secrets page copy");
	launch_write_page(plan->secrets, buf);
}

/* The bounce page held VMPCK2/3: wipe it before it goes back. */
static void wipe_page(void *p)
{
	volatile u8 *b = p;

	for (size_t i = 0; i < PAGE_SIZE; i++)
		b[i] = 0;
}

static void launch_tables(const struct snp_launch_plan *plan,
			  const struct svsm_launch_info *li)
{
	void *buf = snp_glue_alloc_pages(0);

	if (!buf)
		launch_fail("firmware launch: out of memory");
	launch_cpuid_page(plan->cpuid, buf);
	launch_secrets_page(plan, li, buf);
	wipe_page(buf);
	snp_glue_free_pages(buf);
}

/* Step 4: never 2 MiB aligned (snp_vmsa_alloc(), §5.3 erratum). */
static phys_addr_t launch_vmsa(const struct snp_launch_plan *plan,
			       u64 features)
{
	phys_addr_t pa = 0;
	struct sev_vmsa *v = snp_vmsa_alloc(&pa);
	int rc;

	if (!v)
		launch_fail("firmware launch: out of memory for the VMSA");
	snp_launch_init_vmsa(v, plan->bsp_rip, features);
	rc = snp_rmpadjust_page(pa, false, BOOT_VMSA_ATTRS);
	if (rc)
		launch_fail("firmware launch: RMPADJUST (VMSA) of 0x%llx: %d",
			    pa, rc);
	return pa;
}

/*
 * RMPADJUST VMPL2 RWX over [pa, end): 2 MiB at a time where the RMP
 * entry is one (a 4 KiB RMPADJUST inside it fails with SIZEMISMATCH),
 * else 4 KiB.
 */
static void launch_grant(phys_addr_t pa, phys_addr_t end)
{
	while (pa < end) {
		bool huge = IS_ALIGNED(pa, PAGE_SIZE_2M) &&
			    end - pa >= PAGE_SIZE_2M;
		int rc = huge ? snp_rmpadjust_page(pa, true, GUEST_RWX) :
				SNP_INSN_FAIL_SIZEMISMATCH;

		if (rc == SNP_INSN_FAIL_SIZEMISMATCH) {
			huge = false;
			rc = snp_rmpadjust_page(pa, false, GUEST_RWX);
		}
		if (rc)
			launch_fail("firmware launch: RMPADJUST (VMPL2 RWX) of 0x%llx: %d",
				    pa, rc);
		pa += huge ? PAGE_SIZE_2M : PAGE_SIZE;
	}
}

/* Step 6. The image was validated by the launch itself (measured). */
static void launch_grant_all(const struct snp_launch_plan *plan)
{
	log_info("Firmware image 0x%016llx-0x%016llx", plan->image.start,
		 plan->image.end);
	launch_grant(plan->image.start, plan->image.end);
	for (u32 i = 0; i < plan->nmem; i++)
		launch_grant(plan->mem[i].start, plan->mem[i].end);
}

static int launch_plan(const struct platform_launch *pl,
		       struct snp_launch_plan *plan)
{
	const struct svsm_launch_info *li = pl->li;
	struct svsm_boot_params bp;
	struct snp_launch_input in = {
		.bp = &bp,
		.svsm_start = li->kernel_region_phys_start,
		.svsm_end = li->kernel_region_phys_end,
		.ram = pl->ram,
		.nram = pl->nram,
	};

	if (!li->boot_params_va)
		launch_fail("firmware launch: no boot parameters");
	/* The kernel's copy of the page (stage2 placed it in the region). */
	memcpy(&bp, (const void *)(uintptr_t)li->boot_params_va, sizeof(bp));
	return snp_launch_check(&in, plan);
}

int snp_launch_firmware(struct platform_launch *pl)
{
	struct snp_launch_plan plan;
	phys_addr_t vmsa;
	u64 features;
	int ret = launch_plan(pl, &plan);

	if (ret == -SVSM_ENOENT) {
		log_info("No guest firmware in the image: nothing to launch");
		return ret;
	}
	if (ret)
		snp_fail(SNP_TERM_LAUNCH);
	if (snp_launch_guest_features(arch_sev_status(), &features))
		launch_fail("firmware launch: vTOM guests are not supported");
	launch_validate(&plan);
	launch_tables(&plan, pl->li);
	vmsa = launch_vmsa(&plan, features);
	/*
	 * §3.10: CREATE_ON_INIT only tells the host which VMSA is this
	 * vCPU's at VMPL2; unlike CREATE it starts nothing. The vCPU stays
	 * the SVSM's until the request loop's Run VMPL request (§1.4), which
	 * COCONUT's register_guest_vmsa relies on as well.
	 */
	snp_ap_create(pl->apic_id, SVSM_GUEST_VMPL, SVM_AP_CREATE_ON_INIT,
		      vmsa, features);
	launch_grant_all(&plan);
	log_info("Launching firmware: VMSA 0x%llx, calling area 0x%llx, reset vector 0x%x",
		 vmsa, plan.caa, plan.bsp_rip);
	pl->vmsa = vmsa;
	pl->caa = plan.caa;
	return 0;
}

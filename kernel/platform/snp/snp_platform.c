/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform (include/svsm/platform.h): port I/O through the
 * GHCB, validation through PVALIDATE/RMPADJUST, termination through the
 * GHCB MSR protocol. Early set-up checks that the platform is one the SVSM
 * can trust before anything else runs: the SEV features it was launched
 * with, the GHCB protocol version, the hypervisor's features, the CPUID
 * and secrets pages and the C-bit position.
 */
#define LOG_MODULE "snp"

#include <svsm/arch/snp.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/snp.h>
#include <svsm/snp_launch.h>

#include "internal.h"

/* Without these the guest cannot run at VMPL2 (digest §1.3, §3.6). */
#define SNP_HV_FT_REQUIRED (GHCB_HV_FT_SNP | GHCB_HV_FT_MULTI_VMPL)

phys_addr_t snp_region_start, snp_region_end;
static u64 enc_mask;

void snp_terminate(u8 set, u8 code)
{
	snp_secrets_wipe_vmpcks();
	snp_msr_terminate(set, code);
}

void snp_fail(enum snp_svsm_term_reason reason)
{
	snp_terminate(SNP_TERM_SET_SVSM, (u8)reason);
}

u64 snp_enc_mask(void)
{
	return enc_mask;
}

static void check_sev_status(void)
{
	u64 missing, extra;

	if (snp_check_sev_status(arch_sev_status(), &missing, &extra)) {
		log_error("SEV_STATUS: required bits 0x%llx missing, "
			  "unsupported bits 0x%llx set",
			  missing, extra);
		snp_terminate(SNP_TERM_SET_GENERAL, SNP_TERM_FEATURES);
	}
}

static void check_hv_features(void)
{
	u64 features = snp_msr_hv_features();

	if ((features & SNP_HV_FT_REQUIRED) != SNP_HV_FT_REQUIRED) {
		log_error("hypervisor features 0x%llx lack 0x%llx", features,
			  SNP_HV_FT_REQUIRED & ~features);
		snp_fail(SNP_TERM_HV_FEATURES);
	}
}

static void load_launch_pages(const struct svsm_launch_info *li)
{
	if (!li->cpuid_page_pa ||
	    snp_cpuid_init(snp_glue_early_ptr(li->cpuid_page_pa))) {
		log_error("no usable CPUID page at 0x%llx", li->cpuid_page_pa);
		snp_fail(SNP_TERM_CPUID);
	}
	if (!li->secrets_page_pa ||
	    snp_secrets_init(snp_glue_early_ptr(li->secrets_page_pa))) {
		log_error("no usable secrets page at 0x%llx",
			  li->secrets_page_pa);
		snp_fail(SNP_TERM_SECRETS);
	}
}

int snp_early_init(const struct svsm_launch_info *li)
{
	u8 hv_cbit;

	check_sev_status();
	hv_cbit = snp_msr_sev_info();
	check_hv_features();
	load_launch_pages(li);
	enc_mask = BIT(snp_cbit_from_cpuid(hv_cbit));
	snp_region_start = li->kernel_region_phys_start;
	snp_region_end = li->kernel_region_phys_end;
	snp_vc_install();
	return 0;
}

static int snp_cpu_init(void)
{
	if (!snp_kernel_vbitmap() && snp_region_end > snp_region_start) {
		int ret = snp_kernel_vbitmap_init(
			snp_region_start, snp_region_end - snp_region_start);

		if (ret) {
			return ret;
		}
	}
	return snp_ghcb_setup_cpu();
}

/* Generic reasons (a panic) become set 3, SNP_TERM_PANIC. */
__noreturn static void snp_platform_terminate(u32 reason)
{
	if (reason & PLATFORM_TERM_ENCODED) {
		snp_terminate((u8)((reason >> 8) & 0xf), (u8)reason);
	}
	snp_fail(SNP_TERM_PANIC);
}

static void snp_flush_guest_tlb(void)
{
	arch_snp_flush_tlb_global();
}

/*
 * The request loop's switch to the guest (digest §1.4, MSR form): returns
 * when the guest or the hypervisor switched back to VMPL0. A refused
 * switch is a hypervisor error and terminates (snp_msr_run_vmpl()).
 */
static int snp_run_guest(u32 vmpl)
{
	if (vmpl < 1 || vmpl > 3) {
		return -SVSM_EINVAL;
	}
	snp_msr_run_vmpl((u8)vmpl);
	return 0;
}

const struct platform snp_platform = {
	.type = SVSM_PLATFORM_SNP,
	.name = "snp",
	.io = &snp_ghcb_io,
	.terminate = snp_platform_terminate,
	.pvalidate = snp_pvalidate_page,
	.rmpadjust = snp_rmpadjust_page,
	.flush_guest_tlb = snp_flush_guest_tlb,
	.run_guest = snp_run_guest,
	.early_init = snp_early_init,
	.cpu_init = snp_cpu_init,
	.launch_guest = snp_launch_firmware,
};

#ifdef SVSM_HOST
void snp_host_reset(void)
{
	snp_ghcb_host_reset();
	snp_pvalidate_host_reset();
	snp_cpuid_host_reset();
	snp_secrets_host_reset();
	enc_mask = 0;
	snp_region_start = 0;
	snp_region_end = 0;
}
#endif

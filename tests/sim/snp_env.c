/* SPDX-License-Identifier: MIT */
/* A booted SNP platform on the simulator (snp_env.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/boot/layout.h>
#include <svsm/snp.h>

#include "snp_env.h"

static struct svsm_launch_info li;

void snp_env_write_launch_pages(void)
{
	struct snp_secrets_page *s = sim_gpa_to_va(SIM_SECRETS_GPA, 4096);

	sim_cpuid_page(sim_gpa_to_va(SIM_CPUID_GPA, 4096));
	memset(s, 0, sizeof(*s));
	s->version = 3;
	s->fms = 0x00a00f11;
	for (int i = 0; i < 4; i++) {
		memset(s->vmpck[i], SNP_ENV_VMPCK_BYTE(i), SNP_VMPCK_SIZE);
		s->os_area.msg_seqno_lo[i] = (u32)i + 1;
	}
}

void snp_env_reset(void)
{
	sim_reset();
	snp_host_reset();
	snp_env_write_launch_pages();
	li = (struct svsm_launch_info){
		.magic = SVSM_LAUNCH_INFO_MAGIC,
		.version = SVSM_LAUNCH_INFO_VERSION,
		.platform_type = SVSM_PLATFORM_SNP,
		.kernel_region_phys_start = SIM_SVSM_BASE,
		.kernel_region_phys_end = SIM_SVSM_BASE + SIM_SVSM_SIZE,
		.cpuid_page_pa = SIM_CPUID_GPA,
		.secrets_page_pa = SIM_SECRETS_GPA,
	};
}

struct svsm_launch_info *snp_env_launch_info(void)
{
	return &li;
}

void snp_env_boot(void)
{
	int ret = snp_early_init(&li);

	if (!ret) {
		ret = snp_platform.cpu_init();
	}
	if (ret) {
		fprintf(stderr, "snp_env_boot: %d\n", ret);
		abort();
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * A booted SNP platform on the simulator, for host tests: the launch pages
 * stage2 would hand over, the launch info, early init and the BSP's
 * per-CPU init.
 */
#ifndef TESTS_SIM_SNP_ENV_H
#define TESTS_SIM_SNP_ENV_H

#include <svsm/boot/launch_info.h>
#include <svsm/hw/snp_secrets.h>

#include "sim.h"

/* VMPCKn of the launch secrets page is 32 bytes of SNP_ENV_VMPCK_BYTE(n). */
#define SNP_ENV_VMPCK_BYTE(n) ((u8)(0xa0 + (n)))

/*
 * sim_reset() and snp_host_reset(), then writes the CPUID page (from
 * sim_hv.cpuid) and a secrets page to their GPAs. Changes to sim_hv.cpuid
 * after this need snp_env_write_launch_pages() again.
 */
void snp_env_reset(void);
void snp_env_write_launch_pages(void);
/* Launch info naming the simulator's SVSM region and launch pages. */
struct svsm_launch_info *snp_env_launch_info(void);
/* snp_early_init() and the platform's cpu_init on the current vCPU. */
void snp_env_boot(void);

#endif

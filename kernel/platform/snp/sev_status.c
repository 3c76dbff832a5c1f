/* SPDX-License-Identifier: MIT */
/*
 * SEV_STATUS policy (digest §5.4), the one COCONUT applies to its own
 * VMPL0 VMSA:
 *  - required: SEV, SEV-ES, SNP, Restricted Injection (the hypervisor can
 *    then only raise #HV, never inject arbitrary vectors into the SVSM) and
 *    Debug Swap (the hypervisor cannot see or set the SVSM's DR state);
 *  - tolerated: vTOM, Prevent Host IBS, BTB isolation, SMT protection
 *    (they only restrict the host);
 *  - refused: everything else, e.g. Secure TSC (needs TSC_INFO and the
 *    secrets page's TSC factor), VMSA register protection, ReflectVC,
 *    Alternate Injection for the SVSM itself, and unknown bits.
 */
#include <svsm/errno.h>
#include <svsm/snp.h>

int snp_check_sev_status(u64 status, u64 *missing, u64 *extra)
{
	*missing = SNP_STATUS_REQUIRED & ~status;
	*extra = status & ~(SNP_STATUS_REQUIRED | SNP_STATUS_TOLERATED);
	if (*missing || *extra) {
		return -SVSM_ENOTSUP;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The SNP secrets page (digest §6.1). The SVSM takes a private copy at
 * boot and zeroes the launch page, so VMPCK0 (the key that makes
 * attestation reports at VMPL0, i.e. proves a report came from the SVSM)
 * lives only in SVSM memory. The guest gets a copy with the keys of every
 * VMPL more privileged than its own zeroed, and the SVSM fields telling it
 * where the SVSM is and at which VMPL it runs.
 */
#include <svsm/errno.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#define SVSM_CORE_MAX_VERSION 1

static struct snp_secrets_page secrets_copy;
static bool secrets_ready;

int snp_secrets_init(struct snp_secrets_page *page)
{
	if (mem_is_zero(page->vmpck[0], SNP_VMPCK_SIZE)) {
		return -SVSM_EINVAL;
	}
	memcpy(&secrets_copy, page, sizeof(secrets_copy));
	memset(page, 0, sizeof(*page));
	secrets_ready = true;
	return 0;
}

const struct snp_secrets_page *snp_secrets(void)
{
	return secrets_ready ? &secrets_copy : NULL;
}

int snp_secrets_guest_copy(struct snp_secrets_page *dst,
			   const struct snp_secrets_page *src,
			   const struct snp_svsm_info *info)
{
	if (info->guest_vmpl < 1 || info->guest_vmpl > 3 ||
	    !IS_ALIGNED(info->caa, PAGE_SIZE) || !info->size) {
		return -SVSM_EINVAL;
	}
	memcpy(dst, src, sizeof(*dst));
	for (u8 i = 0; i < info->guest_vmpl; i++) {
		memset(dst->vmpck[i], 0, SNP_VMPCK_SIZE);
	}
	dst->svsm_base = info->base;
	dst->svsm_size = info->size;
	dst->svsm_caa = info->caa;
	dst->svsm_max_version = SVSM_CORE_MAX_VERSION;
	dst->svsm_guest_vmpl = info->guest_vmpl;
	return 0;
}

void snp_secrets_wipe_vmpcks(void)
{
	/* volatile: the compiler must not drop stores it thinks are dead. */
	volatile u8 *k = &secrets_copy.vmpck[0][0];

	for (size_t i = 0; i < sizeof(secrets_copy.vmpck); i++) {
		k[i] = 0;
	}
}

#ifdef SVSM_HOST
void snp_secrets_host_reset(void)
{
	memset(&secrets_copy, 0, sizeof(secrets_copy));
	secrets_ready = false;
}
#endif

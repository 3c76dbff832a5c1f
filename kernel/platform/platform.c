/* SPDX-License-Identifier: MIT */
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/platform.h>

static const struct platform *current = &native_platform;

int platform_init(u32 type)
{
	switch (type) {
	case SVSM_PLATFORM_NATIVE:
		current = &native_platform;
		return 0;
	case SVSM_PLATFORM_SNP:
		current = &snp_platform;
		return 0;
	default:
		return -SVSM_ENOTSUP;
	}
}

const struct platform *platform_get(void)
{
	return current;
}

const struct io_ops *platform_io(void)
{
	return current->io;
}

void platform_terminate(u32 reason)
{
	current->terminate(reason);
}

int platform_pvalidate(phys_addr_t pa, bool huge, bool validate,
		       bool *unchanged)
{
	return current->pvalidate(pa, huge, validate, unchanged);
}

int platform_rmpadjust(phys_addr_t pa, bool huge, u64 attrs)
{
	return current->rmpadjust(pa, huge, attrs);
}

void platform_flush_guest_tlb(void)
{
	current->flush_guest_tlb();
}

int platform_early_init(const struct svsm_launch_info *li)
{
	return current->early_init ? current->early_init(li) : 0;
}

int platform_cpu_init(void)
{
	return current->cpu_init ? current->cpu_init() : 0;
}

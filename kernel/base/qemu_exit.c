/* SPDX-License-Identifier: MIT */
#include <arch/cpu.h>
#include <svsm/kernel.h>
#include <svsm/platform.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4

void svsm_qemu_exit(u32 code)
{
	const struct svsm_launch_info *li = kernel_launch_info;

	if (li && li->has_qemu_testdev)
		platform_io()->outl(QEMU_DEBUG_EXIT_PORT, code);
	platform_terminate(code);
}

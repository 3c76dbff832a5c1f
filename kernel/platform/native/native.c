/* SPDX-License-Identifier: MIT */
/* The native platform: a plain VM, direct port I/O, nothing to validate. */
#include <arch/cpu.h>
#include <svsm/boot/layout.h>
#include <svsm/platform.h>

__noreturn static void native_terminate(u32 reason)
{
	for (;;) {
		arch_irq_disable();
		arch_halt();
	}
}

const struct platform native_platform = {
	.type = SVSM_PLATFORM_NATIVE,
	.name = "native",
	.io = &arch_direct_io,
	.terminate = native_terminate,
};

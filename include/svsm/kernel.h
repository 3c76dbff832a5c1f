/* SPDX-License-Identifier: MIT */
/* Kernel-wide state and entry points. */
#ifndef SVSM_KERNEL_H
#define SVSM_KERNEL_H

#include <svsm/boot/launch_info.h>
#include <svsm/types.h>

/* Values written to QEMU's isa-debug-exit port (0xf4). */
#define QEMU_EXIT_SUCCESS 0x10
#define QEMU_EXIT_FAILURE 0x11

#define SVSM_READY_LINE "SVSM initialization complete, ready"

extern const struct svsm_launch_info *kernel_launch_info;

void kernel_main(struct svsm_launch_info *li);
/*
 * What every CPU does once it booted (kernel/base/main.c): serves its
 * guest vCPU through the request loop on a platform with a guest VMPL,
 * else idles (smp_idle_loop()).
 */
__noreturn void kernel_cpu_loop(void);

/*
 * Ends the VM under QEMU's isa-debug-exit device when the image says one is
 * present (test builds), then halts; never returns.
 */
__noreturn void svsm_qemu_exit(u32 code);

#endif

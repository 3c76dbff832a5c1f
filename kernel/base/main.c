/* SPDX-License-Identifier: MIT */
/*
 * Kernel initialization, in the order of docs/boot-flow.md: console, early
 * descriptor tables, memory, own page tables, per-CPU area and IST stacks,
 * then the runtime stack and the rest of boot.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpu_init.h>
#include <arch/desc.h>
#include <svsm/boot/layout.h>
#include <svsm/console.h>
#include <svsm/debug.h>
#include <svsm/drivers/uart.h>
#include <svsm/errno.h>
#include <svsm/gdb.h>
#include <svsm/kernel.h>
#include <svsm/lib/log.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/panic.h>
#include <svsm/percpu.h>
#include <svsm/platform.h>
#include <svsm/smp.h>
#include <svsm/tests.h>

const struct svsm_launch_info *kernel_launch_info;

extern char __boot_stack_top[];

#ifdef CONFIG_LOG_DEBUG
#define DEFAULT_LOG_LEVEL LOG_DEBUG
#else
#define DEFAULT_LOG_LEVEL LOG_INFO
#endif

static void check_launch_info(const struct svsm_launch_info *li)
{
	if (li->magic != SVSM_LAUNCH_INFO_MAGIC ||
	    li->version != SVSM_LAUNCH_INFO_VERSION)
		PANIC("launch info: bad magic 0x%x or version %u", li->magic,
		      li->version);
	if (li->kernel_region_virt_start != KERNEL_VIRT_BASE ||
	    li->kernel_region_phys_end <= li->kernel_region_phys_start)
		PANIC("launch info: bad kernel region");
}

static void setup_console(const struct svsm_launch_info *li)
{
	u16 port = li->debug_serial_port;

	if (platform_init(li->platform_type))
		port = 0; /* report below on COM1 */
	console_init(uart_port_valid(port) ? port : UART_COM1, platform_io());
	log_init("SVSM", console_write_line, DEFAULT_LOG_LEVEL);
	if (platform_get()->type != li->platform_type)
		PANIC("platform type %u is not supported by this build",
		      li->platform_type);
}

static void setup_bsp_percpu(void)
{
	struct percpu *bsp = percpu_create(0, 0);

	if (!bsp)
		PANIC("out of memory for the BSP per-CPU area");
	bsp->fs_block.stack_canary = arch_rdtsc() * 0x9e3779b97f4a7c15ULL;
	percpu_load(bsp);
	idt_init(true);
	bsp->online = 1;
}

static struct machine_info machine;

static void kernel_main_runtime(void *arg)
{
	log_info("BSP Runtime stack starts @ 0x%016llx",
		 percpu_runtime_stack_top(this_cpu()));
	if (apic_init())
		PANIC("cannot map the local APIC");
	machine_init(&machine);
#ifdef SVSM_TEST_IN_SVSM
	svsm_test_machine_hook(&machine);
#endif
	smp_start_aps(&machine.cpus);
	gdb_init();
	gdb_boot_break();
#ifdef SVSM_TEST_IN_SVSM
	svsm_test_crash_hook();
	svsm_run_tests();
#endif
	/* Under QEMU -icount shift=0 the TSC counts guest instructions. */
	log_info("Boot took %llu TSC cycles since reset", arch_rdtsc());
	log_info(SVSM_READY_LINE);
	smp_idle_loop();
}

void kernel_main(struct svsm_launch_info *li)
{
	int ret;

	percpu_early_init();
	kernel_launch_info = li;
	setup_console(li);
	check_launch_info(li);
	log_info("COCONUT Secure Virtual Machine Service Module (SVSM)");
	gdt_load_boot();
	idt_init(false);
	idt_load();
	if (arch_cpu_init())
		PANIC("the CPU has no SSE2");
	symbols_init(li);
	ret = mm_init(li);
	if (ret)
		PANIC("memory init failed: %s", svsm_strerror(ret));
	ret = mm_init_kernel_pagetable();
	if (ret)
		PANIC("kernel page tables: %s", svsm_strerror(ret));
	setup_bsp_percpu();
	mm_print_memory_info();
	log_info("Boot stack starts        @ 0x%016llx",
		 (u64)(uintptr_t)__boot_stack_top);
	arch_switch_stack(percpu_runtime_stack_top(this_cpu()),
			  kernel_main_runtime, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Kernel initialization, in the order of docs/boot-flow.md: console, early
 * descriptor tables, platform, memory, own page tables, per-CPU area and
 * IST stacks, then the runtime stack and the rest of boot. A platform with
 * a guest VMPL (SEV-SNP) then launches the guest firmware and serves it;
 * the native platform idles.
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
#include <svsm/guestmem.h>
#include <svsm/kernel.h>
#include <svsm/lib/log.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/panic.h>
#include <svsm/percpu.h>
#include <svsm/platform.h>
#include <svsm/request_loop.h>
#include <svsm/smp.h>
#include <svsm/tests.h>
#include <svsm/vcpu.h>

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

/*
 * Guest memory (the machine's RAM map without the SVSM region) and one
 * guest vCPU per CPU of the MADT. Without a guest VMPL (native) nothing
 * uses them but the in-SVSM tests, which set up their own: a failure then
 * does not stop boot.
 */
static void guest_services_init(const struct machine_info *m)
{
	const struct svsm_launch_info *li = kernel_launch_info;
	u32 ids[VCPU_MAX];
	int ret = -SVSM_ENOMEM;

	if (m->cpus.count <= VCPU_MAX) {
		for (u32 i = 0; i < m->cpus.count; i++)
			ids[i] = m->cpus.cpus[i].apic_id;
		ret = guestmem_init(m->regions, m->nregions,
				    li->kernel_region_phys_start,
				    li->kernel_region_phys_end);
		if (!ret)
			ret = vcpu_registry_init(ids, m->cpus.count);
	}
	if (ret && platform_get()->run_guest)
		PANIC("guest memory and vCPUs: %s", svsm_strerror(ret));
}

/*
 * The platform prepares the guest firmware's boot vCPU on this CPU (SNP:
 * docs/snp.md, "Guest launch"); its VMSA and calling area become this
 * vCPU's pair in the registry, which the request loop then runs.
 */
static void launch_guest(const struct machine_info *m)
{
	const struct platform *p = platform_get();
	struct platform_launch pl = {
		.li = kernel_launch_info,
		.ram = m->regions,
		.nram = m->nregions,
		.apic_id = this_cpu()->apic_id,
	};
	struct svsm_vcpu *v;
	int ret;

	if (!p->launch_guest)
		return;
	v = vcpu_find(pl.apic_id);
	if (!v)
		PANIC("no guest vCPU for APIC ID %u", pl.apic_id);
	ret = p->launch_guest(&pl);
	if (ret == -SVSM_ENOENT)
		return; /* no firmware: the request loop waits for nothing */
	if (!ret)
		ret = vcpu_register_boot(v, pl.vmsa, pl.caa);
	if (ret)
		PANIC("guest launch: %s", svsm_strerror(ret));
}

/*
 * The end of boot on every CPU (the BSP here, APs from ap_start()). A
 * platform with a guest VMPL runs this CPU's guest vCPU forever; the
 * request loop waits while the vCPU has no VMSA (an AP until the guest's
 * CREATE_VCPU). Interrupts stay on, as in the idle loop, so that
 * cross-CPU calls still reach this CPU. Elsewhere the CPU idles.
 */
void kernel_cpu_loop(void)
{
	struct svsm_vcpu *v = NULL;

	if (platform_get()->run_guest)
		v = vcpu_find(this_cpu()->apic_id);
	if (!v)
		smp_idle_loop();
	arch_irq_enable();
	request_loop_run(v);
}

static void kernel_main_runtime(void *arg)
{
	log_info("BSP Runtime stack starts @ 0x%016llx",
		 percpu_runtime_stack_top(this_cpu()));
	if (apic_init())
		PANIC("cannot map the local APIC");
	machine_init(&machine);
	guest_services_init(&machine);
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
	launch_guest(&machine);
	/* Under QEMU -icount shift=0 the TSC counts guest instructions. */
	log_info("Boot took %llu TSC cycles since reset", arch_rdtsc());
	log_info(SVSM_READY_LINE);
	kernel_cpu_loop();
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
	/* SNP: before the first CPUID (arch_cpu_init), which needs #VC. */
	ret = platform_early_init(li);
	if (ret)
		PANIC("platform early init: %s", svsm_strerror(ret));
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
	ret = platform_cpu_init();
	if (ret)
		PANIC("platform init of the BSP: %s", svsm_strerror(ret));
	mm_print_memory_info();
	log_info("Boot stack starts        @ 0x%016llx",
		 (u64)(uintptr_t)__boot_stack_top);
	arch_switch_stack(percpu_runtime_stack_top(this_cpu()),
			  kernel_main_runtime, NULL);
}

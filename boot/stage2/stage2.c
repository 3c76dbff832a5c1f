/* SPDX-License-Identifier: MIT */
/*
 * stage2: maps the kernel region at KERNEL_VIRT_BASE, loads the kernel ELF
 * into it, and hands over a struct svsm_launch_info. Runs identity-mapped in
 * long mode with its own buddy heap in low memory.
 */
#include <arch/io.h>
#include <stdarg.h>
#include <svsm/boot/boot_params.h>
#include <svsm/boot/launch_info.h>
#include <svsm/boot/layout.h>
#include <svsm/drivers/uart.h>
#include <svsm/errno.h>
#include <svsm/hw/igvm.h>
#include <svsm/lib/check.h>
#include <svsm/lib/elf.h>
#include <svsm/lib/log.h>
#include <svsm/lib/printf.h>
#include <svsm/lib/string.h>
#include <svsm/mm/page_alloc.h>
#include <svsm/mm/pgtable.h>

#include "stage2.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define QEMU_EXIT_FAIL 0x11

static struct uart console;
static bool have_testdev;
static struct page_pool heap;

static void console_sink(const char *line, size_t len)
{
	uart_write(&console, line, len);
}

__noreturn static void halt_forever(void)
{
	if (have_testdev)
		arch_outl(QEMU_DEBUG_EXIT_PORT, QEMU_EXIT_FAIL);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void stage2_fail(const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	log_error("Stage2 cannot continue; halting");
	halt_forever();
}

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("Panic at %s:%d: %s", file, line, msg);
	halt_forever();
}

static const struct svsm_boot_params *check_boot_params(u32 gpa)
{
	const struct svsm_boot_params *bp = (const void *)(uintptr_t)gpa;

	if (!gpa || !IS_ALIGNED(gpa, PAGE_SIZE))
		stage2_fail("boot parameters at bad address 0x%x", gpa);
	if (bp->magic != SVSM_BOOT_PARAMS_MAGIC ||
	    bp->version != SVSM_BOOT_PARAMS_VERSION ||
	    bp->size != sizeof(*bp))
		stage2_fail("boot parameters at 0x%x are not valid (magic 0x%x version %u size %u)",
			    gpa, bp->magic, bp->version, bp->size);
	return bp;
}

static void setup_console(const struct svsm_boot_params *bp)
{
	u16 port = bp->debug_serial_port;

	if (!uart_port_valid(port))
		stage2_fail("debug serial port 0x%x is not a COM port", port);
	if (port != UART_COM1)
		uart_init(&console, port, &arch_direct_io);
}

/* Identity mapping: stage2 runs with virt == phys below 4 GiB. */
static phys_addr_t pt_alloc(void *ctx)
{
	void *p = page_pool_alloc(&heap, 0);

	if (!p)
		return 0;
	memset(p, 0, PAGE_SIZE);
	return (phys_addr_t)(uintptr_t)p;
}

static void pt_free(void *ctx, phys_addr_t pa)
{
	page_pool_free(&heap, (void *)(uintptr_t)pa);
}

static void *pt_phys_to_virt(void *ctx, phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static const struct pgtable_ops stage2_pt_ops = {
	.alloc_page = pt_alloc,
	.free_page = pt_free,
	.phys_to_virt = pt_phys_to_virt,
};

static void setup_heap(const struct svsm_boot_params *bp)
{
	extern char __stage2_end[];
	u64 start = ALIGN_UP((u64)(uintptr_t)__stage2_end, PAGE_SIZE);
	u64 end = SNP_SECRETS_PAGE_GPA;

	if (start >= end ||
	    page_pool_init(&heap, start, start, (end - start) >> PAGE_SHIFT))
		stage2_fail("no room for the stage2 heap (0x%llx-0x%llx)", start,
			    end);
}

static void map_kernel_region(struct pgtable *pt, const struct stage2_region *r)
{
	int ret;

	log_info("Mapping kernel region 0x%016llx-0x%016llx to 0x%016llx",
		 KERNEL_VIRT_BASE, KERNEL_VIRT_BASE + r->size, r->phys);
	pgtable_adopt(pt, &stage2_pt_ops, 0, (phys_addr_t)(uintptr_t)stage2_pml4);
	ret = pgtable_map(pt, KERNEL_VIRT_BASE, r->phys, r->size,
			  PGT_WRITE | PGT_EXEC);
	if (ret)
		stage2_fail("cannot map the kernel region: %s",
			    svsm_strerror(ret));
}

static void print_summary(const struct svsm_launch_info *li)
{
	log_info("  kernel_physical_start = 0x%016llx",
		 li->kernel_region_phys_start);
	log_info("  kernel_physical_end   = 0x%016llx",
		 li->kernel_region_phys_end);
	log_info("  kernel_virtual_base   = 0x%016llx",
		 li->kernel_region_virt_start);
	log_info("  cpuid_page            = 0x%016llx", li->cpuid_page_pa);
	log_info("  secrets_page          = 0x%016llx", li->secrets_page_pa);
}

__noreturn static void jump_to_kernel(u64 entry, struct svsm_launch_info *li)
{
	__asm__ volatile("jmp *%0" : : "r"(entry), "D"(li) : "memory");
	__builtin_unreachable();
}

void stage2_main(u32 platform, u32 boot_params_gpa)
{
	const struct svsm_boot_params *bp;
	struct svsm_launch_info *li;
	struct stage2_region region;
	struct pgtable pt;
	u64 entry;

	uart_init(&console, UART_COM1, &arch_direct_io);
	log_init("Stage2", console_sink, LOG_INFO);
	log_info("COCONUT Secure Virtual Machine Service Module (SVSM) Stage 2 Loader");
	if (platform != SVSM_PLATFORM_NATIVE)
		stage2_fail("platform type %u is not supported by this build",
			    platform);
	bp = check_boot_params(boot_params_gpa);
	have_testdev = bp->has_qemu_testdev;
	setup_console(bp);
	stage2_find_kernel_region(bp, &region);
	setup_heap(bp);
	map_kernel_region(&pt, &region);
	page_pool_print(&heap);
	li = stage2_load_kernel(bp, &region, &entry);
	li->platform_type = platform;
	if (platform != SVSM_PLATFORM_SNP) {
		/* The boot parameters are shared by every platform in the file. */
		li->cpuid_page_pa = 0;
		li->secrets_page_pa = 0;
	}
	li->stage2_pt_root_pa = pt.root;
	print_summary(li);
	log_info("Launching SVSM kernel...");
	jump_to_kernel(entry, li);
}

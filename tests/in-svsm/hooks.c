/* SPDX-License-Identifier: MIT */
/*
 * Test-build hooks driven by QEMU -fw_cfg options, so that e2e tests can
 * exercise fatal paths of the real kernel:
 *   opt/svsm/crash=pagefault|ud|divide|breakpoint|panic|stack-overflow
 *       triggers that failure instead of running the tests;
 *   opt/svsm/extra-apic-id=N adds a CPU that does not exist to the MADT
 *       list, to exercise the bounded wait for an AP that never comes up.
 */
#define LOG_MODULE "test"

#include <svsm/boot/layout.h>
#include <svsm/drivers/fw_cfg.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/machine.h>
#include <svsm/tests.h>

static bool read_option(const char *name, char *buf, size_t len)
{
	struct fw_cfg *fc = machine_fw_cfg();
	u32 n;

	if (!fc || fw_cfg_read_file(fc, name, buf, len - 1, &n))
		return false;
	buf[n] = '\0';
	return true;
}

__attribute__((noinline)) static void crash_page_fault(void)
{
	*(volatile u64 *)(VMAP_VIRT_BASE + 0x3f000008) = 0x1234;
}

static u64 (*volatile recurse)(u64 depth);
static volatile int crash_result;

/* Recursion through a volatile pointer: the compiler cannot see it end. */
__attribute__((noinline)) static u64 crash_stack_overflow(u64 depth)
{
	volatile u8 frame[512];

	frame[0] = (u8)depth;
	return recurse(depth + 1) + frame[0];
}

__attribute__((noipa)) static int crash_divide(volatile int zero)
{
	return 100 / zero;
}

static void crash(const char *what)
{
	log_info("crash test: %s", what);
	if (!strcmp(what, "pagefault"))
		crash_page_fault();
	else if (!strcmp(what, "ud"))
		__builtin_trap();
	else if (!strcmp(what, "divide"))
		crash_result = crash_divide(0);
	else if (!strcmp(what, "breakpoint"))
		__asm__ volatile("int3");
	else if (!strcmp(what, "panic"))
		PANIC("crash test panic %d", 42);
	else if (!strcmp(what, "stack-overflow")) {
		recurse = crash_stack_overflow;
		crash_stack_overflow(0);
	}
	log_error("crash test %s did not crash", what);
}

void svsm_test_crash_hook(void)
{
	char what[32];

	if (read_option("opt/svsm/crash", what, sizeof(what)))
		crash(what);
}

void svsm_test_machine_hook(struct machine_info *m)
{
	char buf[16];
	u32 id = 0;

	if (!read_option("opt/svsm/extra-apic-id", buf, sizeof(buf)) ||
	    m->cpus.count >= m->cpus.max)
		return;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (u32)(*p - '0');
	m->cpus.cpus[m->cpus.count].apic_id = id;
	m->cpus.cpus[m->cpus.count].acpi_uid = id;
	m->cpus.count++;
	log_info("test: added absent CPU with APIC ID %u", id);
}

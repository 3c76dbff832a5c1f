/* SPDX-License-Identifier: MIT */
/*
 * Panics and fatal exceptions: report everything useful on the console, then
 * stop. In test builds the VM exits with the failure code so the test harness
 * fails at once instead of waiting for its timeout.
 */
#define LOG_MODULE "panic"

#include <arch/cpu.h>
#include <stdarg.h>
#include <svsm/console.h>
#include <svsm/debug.h>
#include <svsm/gdb.h>
#include <svsm/kernel.h>
#include <svsm/lib/printf.h>
#include <svsm/panic.h>
#include <svsm/percpu.h>
#include <svsm/platform.h>


static u32 panic_count;

__noreturn static void panic_stop(void)
{
#ifdef SVSM_TEST_IN_SVSM
	svsm_qemu_exit(QEMU_EXIT_FAILURE);
#else
	platform_terminate(1);
#endif
}

static void enter_panic(void)
{
	arch_irq_disable();
	console_enter_panic_mode();
	if (__atomic_fetch_add(&panic_count, 1, __ATOMIC_RELAXED) > 0)
		panic_stop(); /* panicking while reporting a panic */
}

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	const u64 *frame = __builtin_frame_address(0);
	char msg[LOG_LINE_MAX];
	va_list ap;

	enter_panic();
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("Panic on CPU[%u]! COCONUT-SVSM Version: %s",
		  this_cpu()->cpu_index, SVSM_VERSION);
	log_error("Info: panicked at %s:%d:", file, line);
	log_error("%s", msg);
	backtrace_print(LOG_ERROR, frame[1] - 1, frame[0]);
#ifdef CONFIG_ENABLE_GDB
	arch_breakpoint(); /* let gdb look at the panicking CPU */
#endif
	panic_stop();
}

static void print_registers(const struct exc_frame *f)
{
	log_error("  RAX 0x%016llx RBX 0x%016llx RCX 0x%016llx", f->rax,
		  f->rbx, f->rcx);
	log_error("  RDX 0x%016llx RSI 0x%016llx RDI 0x%016llx", f->rdx,
		  f->rsi, f->rdi);
	log_error("  RBP 0x%016llx R8  0x%016llx R9  0x%016llx", f->rbp, f->r8,
		  f->r9);
	log_error("  R10 0x%016llx R11 0x%016llx R12 0x%016llx", f->r10,
		  f->r11, f->r12);
	log_error("  R13 0x%016llx R14 0x%016llx R15 0x%016llx", f->r13,
		  f->r14, f->r15);
}

void panic_exception(const struct exc_frame *f, const char *why)
{
	enter_panic();
	log_error("Fatal exception on CPU[%u]: %s", this_cpu()->cpu_index, why);
	log_error("  Vector %llu (%s), error code 0x%llx", f->vector,
		  exception_name((unsigned int)f->vector), f->error_code);
	log_error("  RIP 0x%016llx RSP 0x%016llx RFLAGS 0x%016llx", f->rip,
		  f->rsp, f->rflags);
	log_error("  CR2 0x%016llx CS 0x%llx SS 0x%llx", arch_read_cr2(),
		  f->cs, f->ss);
	print_registers(f);
	backtrace_print(LOG_ERROR, f->rip, f->rbp);
	gdb_enter_fatal((struct exc_frame *)f, GDB_SIGSEGV);
	panic_stop();
}

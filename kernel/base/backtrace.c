/* SPDX-License-Identifier: MIT */
/*
 * Frame-pointer backtraces (the kernel is built with -fno-omit-frame-pointer).
 * Every frame pointer is checked to lie on a stack of this CPU before it is
 * read, so a corrupted chain ends the trace instead of faulting again.
 */
#include <svsm/debug.h>
#include <svsm/percpu.h>

#define MAX_FRAMES 24

extern char __boot_stack_bottom[], __boot_stack_top[];

static bool frame_readable(u64 fp)
{
	u64 lo = (u64)(uintptr_t)__boot_stack_bottom;
	u64 hi = (u64)(uintptr_t)__boot_stack_top;

	if (!fp || (fp & 7))
		return false;
	if (fp >= lo && fp + 16 <= hi)
		return true;
	return percpu_on_stack(this_cpu(), fp, 16);
}

static void print_frame(enum log_level level, int n, u64 addr)
{
	const char *name;
	u64 off;

	if (symbols_lookup(addr, &name, &off))
		log_printf(level, "backtrace", "  #%d 0x%016llx %s+0x%llx", n,
			   addr, name, off);
	else
		log_printf(level, "backtrace", "  #%d 0x%016llx", n, addr);
}

void backtrace_print(enum log_level level, u64 rip, u64 rbp)
{
	int n = 0;

	log_printf(level, "backtrace", "Backtrace:");
	print_frame(level, n++, rip);
	while (n < MAX_FRAMES && frame_readable(rbp)) {
		const u64 *frame = (const u64 *)rbp;
		u64 ret = frame[1];

		if (!ret)
			break;
		/* Return addresses point after the call; show the call site. */
		print_frame(level, n++, ret - 1);
		if (frame[0] <= rbp)
			break; /* stacks grow down: a caller frame is higher */
		rbp = frame[0];
	}
}

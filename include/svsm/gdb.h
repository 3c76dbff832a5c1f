/* SPDX-License-Identifier: MIT */
/*
 * GDB stub (FEATURES=enable-gdb): dormant until a CPU exception, a panic,
 * an int3 or gdb_breakpoint(); then it serves the GDB remote protocol on
 * COM2 (I/O port 0x2f8) with every other CPU stopped. Ctrl-C from gdb
 * (byte 0x03 on COM2) interrupts a running kernel.
 */
#ifndef SVSM_GDB_H
#define SVSM_GDB_H

#include <arch/exception.h>
#include <svsm/types.h>

#define GDB_SIGSEGV 11

#ifdef CONFIG_ENABLE_GDB
/* Sets up COM2, the exception handlers and the Ctrl-C interrupt. */
void gdb_init(void);
/* Stops in the debugger (an int3). */
void gdb_breakpoint(void);
/* Called by the fatal paths: lets gdb inspect the frame before the halt. */
void gdb_enter_fatal(struct exc_frame *frame, u8 signal);
/* The boot-time break requested with -fw_cfg name=opt/svsm/gdb-break. */
void gdb_boot_break(void);
#else
static inline void gdb_init(void)
{
}
static inline void gdb_enter_fatal(struct exc_frame *frame, u8 signal)
{
}
static inline void gdb_boot_break(void)
{
}
#endif

#endif

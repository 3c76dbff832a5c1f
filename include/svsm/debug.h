/* SPDX-License-Identifier: MIT */
/* Symbol lookup and backtraces for exception reports and panics. */
#ifndef SVSM_DEBUG_H
#define SVSM_DEBUG_H

#include <svsm/boot/launch_info.h>
#include <svsm/lib/log.h>
#include <svsm/types.h>

/* Adopts the kernel symbol table stage2 copied (launch info). */
void symbols_init(const struct svsm_launch_info *li);

/* Finds the function containing addr. Returns false if none is known. */
bool symbols_lookup(u64 addr, const char **name, u64 *offset);

/*
 * Prints "#n 0x... name+0xoff" for rip and then each frame of the rbp chain,
 * as long as frames lie on a known stack of the current CPU.
 */
void backtrace_print(enum log_level level, u64 rip, u64 rbp);

#endif

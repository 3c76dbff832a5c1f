/* SPDX-License-Identifier: MIT */
/*
 * Always-on invariant checks. CHECK() is for conditions only a bug can break;
 * input from the guest or the hypervisor must get an error code instead.
 * Every environment (loader, stage2, kernel, host tests) supplies svsm_panic().
 */
#ifndef SVSM_LIB_CHECK_H
#define SVSM_LIB_CHECK_H

#include <svsm/types.h>

__noreturn __printf(3, 4) void svsm_panic(const char *file, int line,
					   const char *fmt, ...);

#define PANIC(...) svsm_panic(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (unlikely(!(cond)))                                  \
			svsm_panic(__FILE__, __LINE__, "CHECK failed: %s", \
				   #cond);                              \
	} while (0)

#endif

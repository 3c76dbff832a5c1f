/* SPDX-License-Identifier: MIT */
/* Fatal-error reporting (svsm_panic() itself is in <svsm/lib/check.h>). */
#ifndef SVSM_PANIC_H
#define SVSM_PANIC_H

#include <arch/exception.h>
#include <svsm/lib/check.h>

#define SVSM_VERSION "0.1.0"

/*
 * Prints the exception report (vector, error code, RIP, RSP, CR2, all
 * general registers, backtrace with symbols) and stops the SVSM.
 */
__noreturn void panic_exception(const struct exc_frame *frame,
				const char *why);

#endif

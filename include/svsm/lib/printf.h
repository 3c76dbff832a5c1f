/* SPDX-License-Identifier: MIT */
/*
 * Freestanding formatted output. Supports %d %i %u %x %X %o %p %s %c %%,
 * the length modifiers hh h l ll z j t, flags '-' '0' '+' ' ' '#',
 * field width and precision (also as '*').
 */
#ifndef SVSM_LIB_PRINTF_H
#define SVSM_LIB_PRINTF_H

#include <stdarg.h>
#include <svsm/types.h>

/*
 * Formats into buf (always NUL-terminated when size > 0). Returns the length
 * the full output would have had, like C99 vsnprintf.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int fmt_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif

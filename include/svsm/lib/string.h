/* SPDX-License-Identifier: MIT */
/* The C string functions the freestanding components provide (lib/string.c). */
#ifndef SVSM_LIB_STRING_H
#define SVSM_LIB_STRING_H

#include <svsm/types.h>

#ifdef SVSM_HOST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* True if the n bytes at p are all zero. */
static inline bool mem_is_zero(const void *p, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The C string functions for the freestanding components. gcc expects
 * memcpy, memmove, memset and memcmp to exist even with -ffreestanding, and
 * emits calls to them for struct copies and zeroing.
 */
#include <svsm/lib/string.h>

/*
 * gcc recognises copy and fill loops and turns them into calls to memcpy and
 * memset, which here would call themselves forever.
 */
#if defined(__clang__)
#define NO_LIBCALL __attribute__((no_builtin))
#else
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

/* may_alias: a word access may hit bytes last written through any type. */
typedef unsigned long __attribute__((may_alias)) word_t;

#define WORD_SIZE sizeof(word_t)
#define WORD_MASK ((uintptr_t)WORD_SIZE - 1)

/* Word copies need both pointers at the same offset within a word. */
static inline bool same_alignment(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

NO_LIBCALL static void copy_forward(u8 *d, const u8 *s, size_t n)
{
	if (same_alignment(d, s)) {
		for (; n && ((uintptr_t)d & WORD_MASK); n--) {
			*d++ = *s++;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	for (; n; n--) {
		*d++ = *s++;
	}
}

/* d and s point one past the end of the ranges. */
NO_LIBCALL static void copy_backward(u8 *d, const u8 *s, size_t n)
{
	if (same_alignment(d, s)) {
		for (; n && ((uintptr_t)d & WORD_MASK); n--) {
			*--d = *--s;
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	for (; n; n--) {
		*--d = *--s;
	}
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/*
 * A forward copy is safe unless dst starts inside (src, src + n); the unsigned
 * difference tests that in one comparison. Each word is loaded before it is
 * stored, so overlap within a word does not matter either way.
 */
NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n) {
		copy_forward(dst, src, n);
	} else {
		copy_backward((u8 *)dst + n, (const u8 *)src + n, n);
	}
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	/* The byte in every byte lane: 0x0101...01 times the byte. */
	word_t pattern = ((word_t)-1 / 0xff) * (u8)c;

	for (; n && ((uintptr_t)d & WORD_MASK); n--) {
		*d++ = (u8)c;
	}
	for (; n >= WORD_SIZE; n -= WORD_SIZE) {
		*(word_t *)d = pattern;
		d += WORD_SIZE;
	}
	for (; n; n--) {
		*d++ = (u8)c;
	}
	return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *pa = a, *pb = b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i]) {
			return pa[i] - pb[i];
		}
	}
	return 0;
}

/* Byte loops: reading whole words could run past the end of the string. */
NO_LIBCALL size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

NO_LIBCALL size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n]) {
		n++;
	}
	return n;
}

/* Like C, compares as unsigned char. */
NO_LIBCALL int strcmp(const char *a, const char *b)
{
	const u8 *pa = (const u8 *)a, *pb = (const u8 *)b;

	while (*pa && *pa == *pb) {
		pa++;
		pb++;
	}
	return *pa - *pb;
}

NO_LIBCALL int strncmp(const char *a, const char *b, size_t n)
{
	const u8 *pa = (const u8 *)a, *pb = (const u8 *)b;

	for (; n; n--, pa++, pb++) {
		if (*pa != *pb || !*pa) {
			return *pa - *pb;
		}
	}
	return 0;
}

/* The terminator counts as part of the string: strchr(s, 0) finds it. */
NO_LIBCALL char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (!*s) {
			return NULL;
		}
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Host implementation of <svsm/arch/zero.h>. Nothing faults here (the
 * simulator's guestmem backend checks the RMP before it zeroes). On x86-64
 * it runs the kernel's instruction, rep stosq, so that host instruction
 * counts (make bench) show what the kernel executes.
 */
#include <string.h>

#include <svsm/arch/zero.h>

int arch_try_zero(void *dst, size_t len)
{
#if defined(__x86_64__)
	size_t quads = len / 8, bytes = len % 8;

	__asm__ volatile("rep stosq"
			 : "+D"(dst), "+c"(quads)
			 : "a"(0ULL)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(dst), "+c"(bytes)
			 : "a"(0ULL)
			 : "memory");
#else
	memset(dst, 0, len);
#endif
	return 0;
}

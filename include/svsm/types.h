/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every component (loader, stage2, kernel, host tools).
 * Only freestanding headers are used so this compiles everywhere.
 */
#ifndef SVSM_TYPES_H
#define SVSM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* long long on every target, so that "%llx" fits u64 in 32- and 64-bit code. */
typedef unsigned long long u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

/*
 * Physical and virtual addresses are plain integers: a phys_addr_t can never be
 * dereferenced by mistake, and a conversion always goes through a named helper.
 */
typedef u64 phys_addr_t;
typedef u64 virt_addr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_SIZE_2M (1ULL << 21)
#define PAGE_SIZE_1G (1ULL << 30)

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define BIT(n) (1ULL << (n))

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __section(s) __attribute__((section(s)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Compile-time layout checks; the message should cite the spec table. */
#define STATIC_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " must be " #size " bytes")
#define STATIC_ASSERT_OFFSET(type, field, off)         \
	_Static_assert(offsetof(type, field) == (off), \
		       #type "." #field " must be at offset " #off)

/* True when [a, a+alen) and [b, b+blen) share a byte; lengths are non-zero. */
static inline bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* Adds without wrap-around; returns false if a + b overflows 64 bits. */
static inline bool add_no_overflow(u64 a, u64 b, u64 *sum)
{
	return !__builtin_add_overflow(a, b, sum);
}

#endif

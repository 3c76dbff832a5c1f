/* SPDX-License-Identifier: MIT */
/*
 * Little-endian loads and stores at any alignment, for parsers of wire and
 * file formats (IGVM, ACPI, e820, fuzz harnesses). memcpy keeps them free of
 * undefined behaviour; the compiler turns each into one move.
 */
#ifndef SVSM_LIB_UNALIGNED_H
#define SVSM_LIB_UNALIGNED_H

#include <svsm/lib/string.h>
#include <svsm/types.h>

static inline u16 rd16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 rd32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 rd64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void wr16(void *p, u16 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void wr32(void *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void wr64(void *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

#endif

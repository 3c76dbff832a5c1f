/* SPDX-License-Identifier: MIT */
/*
 * For the IGVM fuzzers: recomputes the checksum of a (mutated) file so that
 * inputs get past igvm_open()'s CRC check and reach the record checks.
 */
#ifndef TESTS_FUZZ_IGVM_CRC_H
#define TESTS_FUZZ_IGVM_CRC_H

#include <svsm/lib/crc32.h>
#include <svsm/lib/unaligned.h>

static inline void fuzz_igvm_fix_crc(u8 *buf, size_t len)
{
	u32 fixed, crc, zero = 0;
	u64 off, vhs;

	if (len < 32) {
		return;
	}
	fixed = rd32(buf + 4) == 1 ? 24 : 32;
	off = rd32(buf + 8);
	vhs = rd32(buf + 12);
	if (off + vhs > len) {
		return;
	}
	crc = crc32_update(0, buf, 0x14);
	crc = crc32_update(crc, &zero, 4);
	crc = crc32_update(crc, buf + 0x18, fixed - 0x18);
	crc = crc32_update(crc, buf + off, vhs);
	wr32(buf + 0x14, crc);
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 as used by IGVM (and zlib): reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF. crc32("123456789") == 0xCBF43926.
 */
#ifndef SVSM_LIB_CRC32_H
#define SVSM_LIB_CRC32_H

#include <svsm/types.h>

/* Continue a CRC: pass 0 as crc for the first chunk. */
u32 crc32_update(u32 crc, const void *data, size_t len);

#endif

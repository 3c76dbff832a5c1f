/* SPDX-License-Identifier: MIT */
/*
 * Synthetic OVMF images for the igvmbuilder and OVMF parser tests: a
 * firmware-volume header at the start and, at the end, the reset-vector
 * GUID table with an SEV metadata entry, an SEV-ES reset block and the
 * "ASEV" block they describe (include/svsm/hw/ovmf.h). Each part can be left
 * out, and the offsets of the fields a test wants to corrupt are returned.
 */
#ifndef TESTS_UNIT_SUPPORT_OVMF_FAKE_H
#define TESTS_UNIT_SUPPORT_OVMF_FAKE_H

#include <stddef.h>

#include <svsm/types.h>

#define FAKE_FW_MAX_DESCS 20
#define FAKE_FW_METADATA_FROM_END 0x200 /* where the "ASEV" block starts */

struct fake_fw_desc {
	u32 base, len, type;
};

struct fake_fw {
	size_t size;      /* at least 0x400 */
	bool no_table;    /* no footer GUID at all */
	bool no_metadata; /* a table without the SEV metadata entry */
	u32 ap_reset;     /* SEV-ES reset block value; 0: no block */
	u32 ndesc;
	struct fake_fw_desc desc[FAKE_FW_MAX_DESCS];
};

/* File offsets of interesting fields in a built image. */
struct fake_fw_offsets {
	size_t table_len;     /* u16 whole-table length, below the footer */
	size_t metadata_len;  /* u16 length of the SEV metadata entry */
	size_t metadata_off;  /* u32 offset-from-end of the "ASEV" block */
	size_t reset_len;     /* u16 length of the reset block entry */
	size_t asev;          /* the "ASEV" header */
};

/*
 * The Debian-like layout used by most tests: SEC_MEM ranges, secrets, CPUID,
 * calling area and kernel hashes around 8 MiB, reset block 0x80B004.
 */
void fake_fw_default(struct fake_fw *spec, size_t size);

/* A malloc'd image; offsets (may be NULL) says where things are. */
u8 *fake_fw_build(const struct fake_fw *spec, struct fake_fw_offsets *off);

void fake_put16(u8 *p, u16 v);
void fake_put32(u8 *p, u32 v);

#endif

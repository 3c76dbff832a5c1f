/* SPDX-License-Identifier: MIT */
/*
 * OVMF image reader: the reset-vector GUID table and the SEV metadata it
 * points to (layouts in include/svsm/hw/ovmf.h). Pure function of the bytes:
 * no allocation, no I/O, so the fuzzer (tests/fuzz/ovmf_parse.mk) and the
 * unit tests call it directly. What the ranges mean for the image being
 * built (window, overlaps) is checked by firmware_plan() in firmware.c.
 */
#ifndef TOOLS_IGVMBUILDER_OVMF_H
#define TOOLS_IGVMBUILDER_OVMF_H

#include <stddef.h>

#include <svsm/hw/ovmf.h>
#include <svsm/types.h>

/* edk2 images carry 5 to 7 descriptors; more means a malformed block. */
#define OVMF_MAX_DESCS 16

struct ovmf_desc {
	u32 base;
	u32 len;
	u32 type; /* enum ovmf_sev_section_type, or unknown */
};

struct ovmf_info {
	bool has_table;        /* the footer GUID is where it belongs */
	bool has_sev_metadata; /* the table points to an "ASEV" block */
	bool has_ap_reset;     /* the table has a SEV-ES reset block */
	u32 ap_reset;          /* its value: CS base (31:16) | IP (15:0) */
	u32 metadata_offset;   /* file offset of the "ASEV" header */
	u32 ndesc;
	struct ovmf_desc desc[OVMF_MAX_DESCS];
};

/*
 * Reads the GUID table and the SEV metadata of the `size`-byte image. An
 * image without a footer GUID, or whose table has no SEV metadata entry, is
 * not an error: *info says what was found. Returns 0, or -1 with `err`
 * (NUL-terminated, at most errlen bytes) naming what is malformed and at
 * which offset from the start of the image.
 */
int ovmf_parse(const u8 *img, size_t size, struct ovmf_info *info, char *err,
	       size_t errlen);

/* "SNP_SEC_MEM", "SNP_SECRETS", ... or "unknown". */
const char *ovmf_section_name(u32 type);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the OVMF GUID table and SEV metadata reader
 * (tools/igvmbuilder/ovmf.c) and for the firmware block built from it
 * (firmware_plan() in tools/igvmbuilder/firmware.c).
 *
 * Input: the tail of an OVMF image (the table sits at its end). Oracles:
 * whatever the reader accepts is a set of whole-page, non-empty, pairwise
 * disjoint ranges below 4 GiB, at most OVMF_MAX_DESCS of them; whatever
 * firmware_plan() accepts keeps clear of the SVSM's pages, ends at 4 GiB and
 * fits the boot parameters' eight pre-validated slots.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/igvmbuilder/builder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

static const struct gpa_range svsm[] = {
	{ 0x10000, 0x20000, "stage2" },
	{ 0x20000, 0x9E000, "stage2 heap" },
	{ 0x9E000, 0xA0000, "SNP pages" },
	{ 0x100000, 0x180000, "kernel ELF" },
	{ 0x180000, 0x183000, "boot parameter pages" },
};

static void check_descs(const struct ovmf_info *oi)
{
	if (oi->ndesc > OVMF_MAX_DESCS) {
		abort();
	}
	for (u32 i = 0; i < oi->ndesc; i++) {
		const struct ovmf_desc *a = &oi->desc[i];

		if (!a->len || a->base % 4096 || a->len % 4096 ||
		    (u64)a->base + a->len > 0x100000000ULL) {
			abort();
		}
		for (u32 j = 0; j < i; j++) {
			if (ranges_overlap(a->base, a->len, oi->desc[j].base,
					   oi->desc[j].len)) {
				abort();
			}
		}
	}
}

static void check_plan(const struct svsm_fw_info *f)
{
	if (f->prevalidated_count > SVSM_FW_MAX_PREVALIDATED ||
	    (u64)f->start + f->size != 0x100000000ULL) {
		abort();
	}
	for (u32 i = 0; i < f->prevalidated_count; i++) {
		const struct svsm_fw_range *r = &f->prevalidated[i];

		for (size_t k = 0; k < ARRAY_SIZE(svsm); k++) {
			if (ranges_overlap(r->base, r->size, svsm[k].start,
					   svsm[k].end - svsm[k].start)) {
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null_out;
	struct svsm_fw_info fw_info;
	struct ovmf_info oi;
	struct file_buf fw;
	char err[256];
	u8 *img;

	if (!null_out) {
		null_out = fopen("/dev/null", "w");
		bld_set_diag(null_out);
	}
	if (ovmf_parse(data, size, &oi, err, sizeof(err))) {
		if (!err[0] || !memchr(err, 0, sizeof(err))) {
			abort();
		}
		return 0;
	}
	check_descs(&oi);
	if (!oi.has_sev_metadata || !size || size > FW_WINDOW_SIZE) {
		return 0;
	}
	/* The image as the builder would map it: whole pages below 4 GiB. */
	fw.size = ALIGN_UP(size, 4096);
	img = calloc(1, fw.size);
	if (!img) {
		return 0;
	}
	memcpy(img, data, size);
	fw.data = img;
	fw.path = "fuzz.fd";
	if (!firmware_plan(&fw, &oi, svsm, ARRAY_SIZE(svsm), &fw_info)) {
		check_plan(&fw_info);
	}
	free(img);
	return 0;
}

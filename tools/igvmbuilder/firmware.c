/* SPDX-License-Identifier: MIT */
/*
 * Guest firmware (OVMF): the file checks, and the firmware block of the boot
 * parameters built from its SEV metadata (ovmf.c reads the metadata).
 *
 * The firmware is mapped so that it ends at 4 GiB, where the CPU's reset
 * vector is, inside a 16 MiB window: [4 GiB - 16 MiB, 4 GiB) is QEMU's flash
 * area, above any RAM below 4 GiB and far above the SVSM's low pages.
 */
#include <stdlib.h>
#include <string.h>

#include "builder.h"

/* PI spec vol. 3, EFI_FIRMWARE_VOLUME_HEADER: "_FVH" at offset 0x28. */
#define FV_SIGNATURE_OFFSET 0x28

int firmware_check(const struct file_buf *fw)
{
	if (fw->size < FV_SIGNATURE_OFFSET + 4 ||
	    memcmp(fw->data + FV_SIGNATURE_OFFSET, "_FVH", 4) != 0) {
		return bld_error("firmware %s is not a UEFI firmware volume (no \"_FVH\" signature at offset 0x28)",
				 fw->path);
	}
	if (fw->size % PAGE_SIZE) {
		return bld_error("firmware %s: size %zu is not a multiple of 4 KiB",
				 fw->path, fw->size);
	}
	if (fw->size > FW_WINDOW_SIZE) {
		return bld_error("firmware %s: 0x%zx bytes do not fit the firmware window 0x%llx-0x%llx (16 MiB below 4 GiB)",
				 fw->path, fw->size, FW_WINDOW_START,
				 FW_WINDOW_END);
	}
	return 0;
}

/* --- overlap checks ------------------------------------------------------- */

static int check_clear(const struct file_buf *fw, const char *what, u64 start,
		       u64 end, const struct gpa_range *svsm, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (svsm[i].start < svsm[i].end &&
		    ranges_overlap(start, end - start, svsm[i].start,
				   svsm[i].end - svsm[i].start)) {
			return bld_error("firmware %s: %s 0x%llx-0x%llx overlaps the SVSM's %s 0x%llx-0x%llx",
					 fw->path, what, start, end,
					 svsm[i].what, svsm[i].start,
					 svsm[i].end);
		}
	}
	return 0;
}

/* Each metadata range against the SVSM's pages and the image itself. */
static int check_descs(const struct file_buf *fw, const struct ovmf_info *oi,
		       u64 fw_start, const struct gpa_range *svsm, size_t n)
{
	const struct gpa_range image = { fw_start, FW_WINDOW_END,
					 "firmware image" };
	char what[64];

	for (u32 i = 0; i < oi->ndesc; i++) {
		const struct ovmf_desc *d = &oi->desc[i];
		u64 end = (u64)d->base + d->len;

		snprintf(what, sizeof(what), "SEV metadata descriptor %u (%s)",
			 i, ovmf_section_name(d->type));
		if (check_clear(fw, what, d->base, end, svsm, n)) {
			return -1;
		}
		if (ranges_overlap(d->base, d->len, image.start,
				   image.end - image.start)) {
			return bld_error("firmware %s: %s 0x%x-0x%llx overlaps the firmware image 0x%llx-0x%llx",
					 fw->path, what, d->base, end,
					 image.start, image.end);
		}
	}
	return 0;
}

/* --- the firmware block --------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct svsm_fw_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/*
 * SEC_MEM and kernel-hash ranges are both memory the SVSM validates before
 * the firmware starts (COCONUT does the same); adjacent ones are merged so
 * that real images fit the block's eight slots. The descriptors do not
 * overlap (ovmf_parse() checked), so sorting then merging is enough.
 */
static int add_prevalidated(const struct file_buf *fw,
			    const struct ovmf_info *oi,
			    struct svsm_fw_info *out)
{
	struct svsm_fw_range r[OVMF_MAX_DESCS] = { { 0, 0 } };
	u32 n = 0, m = 0;

	for (u32 i = 0; i < oi->ndesc; i++) {
		if (oi->desc[i].type == OVMF_SEV_SNP_SEC_MEM ||
		    oi->desc[i].type == OVMF_SEV_KERNEL_HASHES) {
			r[n++] = (struct svsm_fw_range){ oi->desc[i].base,
							 oi->desc[i].len };
		}
	}
	qsort(r, n, sizeof(r[0]), cmp_range);
	for (u32 i = 0; i < n; i++) {
		if (m && out->prevalidated[m - 1].base +
				     (u64)out->prevalidated[m - 1].size ==
			     r[i].base) {
			out->prevalidated[m - 1].size += r[i].size;
			continue;
		}
		if (m == SVSM_FW_MAX_PREVALIDATED) {
			return bld_error("firmware %s: its SEV metadata needs more than %d separate pre-validated ranges",
					 fw->path, SVSM_FW_MAX_PREVALIDATED);
		}
		out->prevalidated[m++] = r[i];
	}
	out->prevalidated_count = m;
	return 0;
}

static void set_pages(const struct ovmf_info *oi, struct svsm_fw_info *out)
{
	for (u32 i = 0; i < oi->ndesc; i++) {
		const struct ovmf_desc *d = &oi->desc[i];

		if (d->type == OVMF_SEV_SNP_SECRETS) {
			out->secrets_page = d->base;
		} else if (d->type == OVMF_SEV_CPUID) {
			out->cpuid_page = d->base;
		} else if (d->type == OVMF_SEV_SVSM_CAA) {
			out->caa_page = d->base;
		}
	}
}

int firmware_plan(const struct file_buf *fw, const struct ovmf_info *oi,
		  const struct gpa_range *svsm, size_t n,
		  struct svsm_fw_info *out)
{
	u64 start = FW_WINDOW_END - fw->size;

	memset(out, 0, sizeof(*out));
	if (fw->size > FW_WINDOW_SIZE || fw->size % PAGE_SIZE) {
		return firmware_check(fw);
	}
	if (check_clear(fw, "image", start, FW_WINDOW_END, svsm, n) ||
	    check_descs(fw, oi, start, svsm, n) ||
	    add_prevalidated(fw, oi, out)) {
		return -1;
	}
	out->start = (u32)start;
	out->size = (u32)fw->size;
	out->reset_rip = oi->has_ap_reset ? oi->ap_reset : 0;
	set_pages(oi, out);
	return 0;
}

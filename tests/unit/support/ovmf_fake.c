/* SPDX-License-Identifier: MIT */
/* Synthetic OVMF images; see ovmf_fake.h. */
#include <stdlib.h>
#include <string.h>

#include <svsm/hw/ovmf.h>

#include "ovmf_fake.h"

static const u8 footer_guid[16] = OVMF_TABLE_FOOTER_GUID;
static const u8 metadata_guid[16] = OVMF_SEV_METADATA_GUID;
static const u8 reset_guid[16] = OVMF_SEV_ES_RESET_BLOCK_GUID;

void fake_put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

void fake_put32(u8 *p, u32 v)
{
	fake_put16(p, (u16)v);
	fake_put16(p + 2, (u16)(v >> 16));
}

void fake_fw_default(struct fake_fw *spec, size_t size)
{
	static const struct fake_fw_desc descs[] = {
		{ 0x800000, 0x9000, OVMF_SEV_SNP_SEC_MEM },
		{ 0x809000, 0x3000, OVMF_SEV_SNP_SEC_MEM },
		{ 0x80D000, 0x1000, OVMF_SEV_SNP_SECRETS },
		{ 0x80E000, 0x1000, OVMF_SEV_CPUID },
		{ 0x80F000, 0x1000, OVMF_SEV_SVSM_CAA },
		{ 0x810000, 0x10000, OVMF_SEV_SNP_SEC_MEM },
		{ 0x820000, 0x1000, OVMF_SEV_KERNEL_HASHES },
	};

	memset(spec, 0, sizeof(*spec));
	spec->size = size;
	spec->ap_reset = 0x80B004;
	spec->ndesc = sizeof(descs) / sizeof(descs[0]);
	memcpy(spec->desc, descs, sizeof(descs));
}

/* EFI_FIRMWARE_VOLUME_HEADER: FvLength at 0x20, "_FVH" at 0x28. */
static void fv_header(u8 *img, size_t size)
{
	fake_put32(img + 0x20, (u32)size);
	memcpy(img + 0x28, "_FVH", 4);
	fake_put16(img + 0x30, 0x48); /* header length */
	img[0x37] = 2;                /* revision */
}

/* Puts {data, u16 length, GUID} so that it ends at *end; moves *end down. */
static size_t put_entry(u8 *img, size_t *end, const u8 *guid, u32 value)
{
	size_t start = *end - 22;

	fake_put32(img + start, value);
	fake_put16(img + start + 4, 22);
	memcpy(img + start + 6, guid, 16);
	*end = start;
	return start + 4;
}

static void put_metadata(u8 *img, const struct fake_fw *spec, size_t at)
{
	memcpy(img + at, "ASEV", 4);
	fake_put32(img + at + 4, 16 + 12 * spec->ndesc);
	fake_put32(img + at + 8, 1);
	fake_put32(img + at + 12, spec->ndesc);
	for (u32 i = 0; i < spec->ndesc; i++) {
		u8 *d = img + at + 16 + 12 * i;

		fake_put32(d, spec->desc[i].base);
		fake_put32(d + 4, spec->desc[i].len);
		fake_put32(d + 8, spec->desc[i].type);
	}
}

u8 *fake_fw_build(const struct fake_fw *spec, struct fake_fw_offsets *off)
{
	struct fake_fw_offsets o = { 0 };
	size_t size = spec->size, foot = size - 0x30, end = foot - 2;
	u8 *img = calloc(1, size);

	if (!img) {
		return NULL;
	}
	fv_header(img, size);
	memcpy(img + size - 0x14, "VTF", 4);
	img[size - 0x10] = 0xe9; /* the reset vector: a jmp */
	if (!spec->no_table) {
		memcpy(img + foot, footer_guid, 16);
		if (!spec->no_metadata) {
			o.metadata_len = put_entry(img, &end, metadata_guid,
						   FAKE_FW_METADATA_FROM_END);
			o.metadata_off = o.metadata_len - 4;
			o.asev = size - FAKE_FW_METADATA_FROM_END;
			put_metadata(img, spec, o.asev);
		}
		if (spec->ap_reset) {
			o.reset_len = put_entry(img, &end, reset_guid,
						spec->ap_reset);
		}
		o.table_len = foot - 2;
		fake_put16(img + o.table_len, (u16)(foot + 16 - end));
	}
	if (off) {
		*off = o;
	}
	return img;
}

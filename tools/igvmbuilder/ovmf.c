/* SPDX-License-Identifier: MIT */
/*
 * OVMF GUID table and SEV metadata reader (formats: include/svsm/hw/ovmf.h).
 * The image is untrusted input: every length is checked against what is
 * left before it is used, in 64-bit arithmetic, and a malformed table is an
 * error rather than a silent stop (QEMU stops silently; a build must not).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ovmf.h"

#define FOUR_GIB 0x100000000ULL
#define ONE_PAGE 0x1000u

static const u8 footer_guid[OVMF_GUID_SIZE] = OVMF_TABLE_FOOTER_GUID;
static const u8 metadata_guid[OVMF_GUID_SIZE] = OVMF_SEV_METADATA_GUID;
static const u8 reset_guid[OVMF_GUID_SIZE] = OVMF_SEV_ES_RESET_BLOCK_GUID;

struct parser {
	const u8 *img;
	size_t size;
	struct ovmf_info *info;
	char *err;
	size_t errlen;
};

__printf(2, 3) static int bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static u16 rd16(const u8 *b)
{
	return (u16)(b[0] | b[1] << 8);
}

static u32 rd32(const u8 *b)
{
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

const char *ovmf_section_name(u32 type)
{
	switch (type) {
	case OVMF_SEV_SNP_SEC_MEM:
		return "SNP_SEC_MEM";
	case OVMF_SEV_SNP_SECRETS:
		return "SNP_SECRETS";
	case OVMF_SEV_CPUID:
		return "CPUID";
	case OVMF_SEV_SVSM_CAA:
		return "SVSM_CAA";
	case OVMF_SEV_KERNEL_HASHES:
		return "KERNEL_HASHES";
	default:
		return "unknown";
	}
}

/* --- descriptors ---------------------------------------------------------- */

static u64 desc_end(const struct ovmf_desc *d)
{
	return (u64)d->base + d->len;
}

static bool is_single_page_type(u32 type)
{
	return type == OVMF_SEV_SNP_SECRETS || type == OVMF_SEV_CPUID ||
	       type == OVMF_SEV_SVSM_CAA;
}

/*
 * One descriptor on its own. The VMM launches each range page by page, so
 * it must be whole pages; the secrets, CPUID and calling-area ranges are one
 * page each (edk2 declares them so); the fields are u32, so a range that
 * ends above 4 GiB is outside the firmware's address space.
 */
static int check_desc(struct parser *p, u32 i)
{
	const struct ovmf_desc *d = &p->info->desc[i];
	const char *name = ovmf_section_name(d->type);
	unsigned long long end = desc_end(d);

	if (!strcmp(name, "unknown")) {
		return bad(p, "SEV metadata descriptor %u (0x%x-0x%llx): unknown section type 0x%x",
			   i, d->base, end, d->type);
	}
	if (!d->len || d->base % ONE_PAGE || d->len % ONE_PAGE) {
		return bad(p, "SEV metadata descriptor %u (%s 0x%x-0x%llx) is not a non-empty range of whole 4 KiB pages",
			   i, name, d->base, end);
	}
	if (end > FOUR_GIB) {
		return bad(p, "SEV metadata descriptor %u (%s 0x%x-0x%llx) is outside the 32-bit address space of the firmware (ends above 4 GiB)",
			   i, name, d->base, end);
	}
	if (is_single_page_type(d->type) && d->len != ONE_PAGE) {
		return bad(p, "SEV metadata descriptor %u (%s 0x%x-0x%llx) must be one 4 KiB page",
			   i, name, d->base, end);
	}
	return 0;
}

/* Two descriptors: distinct ranges, and one page of each single kind. */
static int check_pair(struct parser *p, u32 i, u32 j)
{
	const struct ovmf_desc *a = &p->info->desc[i];
	const struct ovmf_desc *b = &p->info->desc[j];

	if (ranges_overlap(a->base, a->len, b->base, b->len)) {
		return bad(p, "SEV metadata descriptors %u (%s 0x%x-0x%llx) and %u (%s 0x%x-0x%llx) overlap",
			   j, ovmf_section_name(b->type), b->base,
			   (unsigned long long)desc_end(b), i,
			   ovmf_section_name(a->type), a->base,
			   (unsigned long long)desc_end(a));
	}
	if (a->type == b->type && is_single_page_type(a->type)) {
		return bad(p, "SEV metadata descriptors %u and %u both give the %s page (0x%x and 0x%x)",
			   j, i, ovmf_section_name(a->type), b->base,
			   a->base);
	}
	return 0;
}

static int check_descs(struct parser *p)
{
	for (u32 i = 0; i < p->info->ndesc; i++) {
		if (check_desc(p, i)) {
			return -1;
		}
		for (u32 j = 0; j < i; j++) {
			if (check_pair(p, i, j)) {
				return -1;
			}
		}
	}
	return 0;
}

/* --- SEV metadata block --------------------------------------------------- */

static int read_header(struct parser *p, u32 from_end,
		       struct ovmf_sev_metadata *h, size_t *at)
{
	if (from_end < sizeof(*h) || from_end > p->size) {
		return bad(p, "SEV metadata: offset 0x%x from the image end points outside the %zu-byte image",
			   from_end, p->size);
	}
	*at = p->size - from_end;
	memcpy(h, p->img + *at, sizeof(*h));
	if (memcmp(h->signature, OVMF_SEV_METADATA_SIGNATURE, 4)) {
		return bad(p, "SEV metadata at 0x%zx: signature %02x %02x %02x %02x is not \"ASEV\"",
			   *at, (u8)h->signature[0], (u8)h->signature[1],
			   (u8)h->signature[2], (u8)h->signature[3]);
	}
	if (h->version != OVMF_SEV_METADATA_VERSION) {
		return bad(p, "SEV metadata at 0x%zx: version %u (only version 1 is defined)",
			   *at, h->version);
	}
	return 0;
}

/* The block must hold its descriptors and end inside the image. */
static int parse_metadata(struct parser *p, u32 from_end)
{
	struct ovmf_sev_metadata h;
	u64 need;
	size_t at = 0;

	if (read_header(p, from_end, &h, &at)) {
		return -1;
	}
	if (h.num_desc > OVMF_MAX_DESCS) {
		return bad(p, "SEV metadata at 0x%zx: %u descriptors (at most %d are supported)",
			   at, h.num_desc, OVMF_MAX_DESCS);
	}
	need = sizeof(h) +
	       (u64)h.num_desc * sizeof(struct ovmf_sev_metadata_desc);
	if (h.length < need || h.length > from_end) {
		return bad(p, "SEV metadata at 0x%zx: length %u %s (%u descriptors need %llu bytes; %u bytes are left in the image)",
			   at, h.length,
			   h.length < need ? "is too short" :
					     "runs past the end of the image",
			   h.num_desc, (unsigned long long)need, from_end);
	}
	for (u32 i = 0; i < h.num_desc; i++) {
		const u8 *d = p->img + at + sizeof(h) + i * 12;

		p->info->desc[i] = (struct ovmf_desc){ .base = rd32(d),
						       .len = rd32(d + 4),
						       .type = rd32(d + 8) };
	}
	p->info->ndesc = h.num_desc;
	p->info->metadata_offset = (u32)at;
	p->info->has_sev_metadata = true;
	return check_descs(p);
}

/* --- GUID table ----------------------------------------------------------- */

/* The two entries this reader knows carry a u32 each and appear once. */
static int entry_u32(struct parser *p, const u8 *data, u32 dlen, size_t at,
		     const char *what, bool seen, u32 *val)
{
	if (seen) {
		return bad(p, "OVMF GUID table: a second %s entry at 0x%zx",
			   what, at);
	}
	if (dlen != 4) {
		return bad(p, "OVMF GUID table: %s entry at 0x%zx has %u data bytes, expected 4",
			   what, at, dlen);
	}
	*val = rd32(data);
	return 0;
}

static int parse_entry(struct parser *p, size_t start, u32 len)
{
	struct ovmf_info *in = p->info;
	const u8 *guid = p->img + start + len - OVMF_GUID_SIZE;
	const u8 *data = p->img + start;
	u32 dlen = len - OVMF_ENTRY_TRAILER, val;

	if (!memcmp(guid, metadata_guid, OVMF_GUID_SIZE)) {
		if (entry_u32(p, data, dlen, start, "SEV metadata",
			      in->has_sev_metadata, &val)) {
			return -1;
		}
		return parse_metadata(p, val);
	}
	if (!memcmp(guid, reset_guid, OVMF_GUID_SIZE)) {
		if (entry_u32(p, data, dlen, start, "SEV-ES reset block",
			      in->has_ap_reset, &in->ap_reset)) {
			return -1;
		}
		in->has_ap_reset = true;
		/* QEMU refuses 0: the APs would have nowhere to start. */
		if (!in->ap_reset) {
			return bad(p, "OVMF GUID table: SEV-ES reset block at 0x%zx gives address 0",
				   start);
		}
	}
	return 0; /* other entries (TDX, hashes, secrets...) are not ours */
}

/* Walks the entries from the footer down to the start of the table. */
static int walk_table(struct parser *p, size_t start, size_t pos)
{
	while (pos > start) {
		size_t left = pos - start;
		u32 len;

		if (left < OVMF_ENTRY_TRAILER) {
			return bad(p, "OVMF GUID table: %zu bytes at 0x%zx-0x%zx are too few for an entry",
				   left, start, pos);
		}
		len = rd16(p->img + pos - OVMF_ENTRY_TRAILER);
		if (len < OVMF_ENTRY_TRAILER || len > left) {
			return bad(p, "OVMF GUID table: entry ending at 0x%zx has length %u (%s; %zu bytes are left in the table)",
				   pos, len,
				   len < OVMF_ENTRY_TRAILER ? "less than its 18-byte trailer" :
							      "it runs past the start of the table",
				   left);
		}
		if (parse_entry(p, pos - len, len)) {
			return -1;
		}
		pos -= len;
	}
	return 0;
}

int ovmf_parse(const u8 *img, size_t size, struct ovmf_info *info, char *err,
	       size_t errlen)
{
	struct parser p = { img, size, info, err, errlen };
	size_t foot;
	u32 total;

	memset(info, 0, sizeof(*info));
	if (errlen) {
		err[0] = '\0';
	}
	if (size < OVMF_FOOTER_GUID_OFFSET + 2) {
		return 0;
	}
	foot = size - OVMF_FOOTER_GUID_OFFSET;
	if (memcmp(img + foot, footer_guid, OVMF_GUID_SIZE)) {
		return 0;
	}
	info->has_table = true;
	total = rd16(img + foot - 2);
	if (total < OVMF_ENTRY_TRAILER || total > foot + OVMF_GUID_SIZE) {
		return bad(&p, "OVMF GUID table: length %u at 0x%zx %s",
			   total, foot - 2,
			   total < OVMF_ENTRY_TRAILER ?
				   "is shorter than the footer itself" :
				   "runs past the start of the image");
	}
	return walk_table(&p, foot + OVMF_GUID_SIZE - total, foot - 2);
}

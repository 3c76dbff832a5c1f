/* SPDX-License-Identifier: MIT */
/*
 * IGVM reader. The rules come from the igvm_defs crate (microsoft/igvm) and
 * its reference parser, summarised in docs/igvm.md ("igvm-format digest"):
 * section numbers below refer to that digest.
 *
 * This file also runs in the 32-bit loader from ROM: no writable globals, no
 * allocation, no 64-bit division. Offsets read from the file are u32, so all
 * bound checks are done in u64 where a sum cannot wrap.
 */
#include <svsm/errno.h>
#include <svsm/lib/crc32.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>
#include <svsm/lib/unaligned.h>

#define VHS_PREFIX 8u
#define NO_MASK 0xFFu

enum { SECT_PLATFORM, SECT_INIT, SECT_DIRECTIVE };

/* Digest §3.1: every known type, its exact body length and mask offset. */
struct vht_info {
	u16 type;
	u16 length;
	u8 mask_off;
	const char *name;
};

static const struct vht_info vht_table[] = {
	{ IGVM_VHT_SUPPORTED_PLATFORM, 16, 0, "SUPPORTED_PLATFORM" },
	{ IGVM_VHT_GUEST_POLICY, 16, 8, "GUEST_POLICY" },
	{ IGVM_VHT_RELOCATABLE_REGION, 48, 0, "RELOCATABLE_REGION" },
	{ IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 32, 0,
	  "PAGE_TABLE_RELOCATION_REGION" },
	{ IGVM_VHT_PARAMETER_AREA, 16, NO_MASK, "PARAMETER_AREA" },
	{ IGVM_VHT_PAGE_DATA, 24, 8, "PAGE_DATA" },
	{ IGVM_VHT_PARAMETER_INSERT, 16, 8, "PARAMETER_INSERT" },
	{ IGVM_VHT_VP_CONTEXT, 20, 8, "VP_CONTEXT" },
	{ IGVM_VHT_REQUIRED_MEMORY, 24, 8, "REQUIRED_MEMORY" },
	{ IGVM_VHT_VP_COUNT_PARAMETER, 8, NO_MASK, "VP_COUNT_PARAMETER" },
	{ IGVM_VHT_SRAT, 8, NO_MASK, "SRAT" },
	{ IGVM_VHT_MADT, 8, NO_MASK, "MADT" },
	{ IGVM_VHT_MMIO_RANGES, 8, NO_MASK, "MMIO_RANGES" },
	{ IGVM_VHT_SNP_ID_BLOCK, 696, 0, "SNP_ID_BLOCK" },
	{ IGVM_VHT_MEMORY_MAP, 8, NO_MASK, "MEMORY_MAP" },
	{ IGVM_VHT_ERROR_RANGE, 16, 8, "ERROR_RANGE" },
	{ IGVM_VHT_COMMAND_LINE, 8, NO_MASK, "COMMAND_LINE" },
	{ IGVM_VHT_SLIT, 8, NO_MASK, "SLIT" },
	{ IGVM_VHT_PPTT, 8, NO_MASK, "PPTT" },
	{ IGVM_VHT_VBS_MEASUREMENT, 864, 0, "VBS_MEASUREMENT" },
	{ IGVM_VHT_DEVICE_TREE, 8, NO_MASK, "DEVICE_TREE" },
	{ IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 8, NO_MASK,
	  "ENVIRONMENT_INFO_PARAMETER" },
};

static const struct vht_info *vht_lookup(u32 type)
{
	for (u32 i = 0; i < ARRAY_SIZE(vht_table); i++) {
		if (vht_table[i].type == type) {
			return &vht_table[i];
		}
	}
	return NULL;
}

static int fail_code(struct igvm_error *err, u64 offset, const char *reason,
		     int code)
{
	if (err) {
		err->offset = (u32)offset;
		err->reason = reason;
	}
	return code;
}

static int fail(struct igvm_error *err, u64 offset, const char *reason)
{
	return fail_code(err, offset, reason, -SVSM_EINVAL);
}

static bool one_bit(u32 v)
{
	return v && !(v & (v - 1));
}

/* --- fixed header (digest §2) --------------------------------------------- */

static int open_version(struct igvm_file *f, struct igvm_error *err)
{
	const u8 *d = f->data;

	f->format_version = rd32(d + 4);
	if (f->format_version == IGVM_FORMAT_V1) {
		f->fixed_header_size = sizeof(struct igvm_fixed_header);
		return 0;
	}
	if (f->format_version != IGVM_FORMAT_V2) {
		return fail_code(err, 4, "unsupported format version",
				 -SVSM_ENOTSUP);
	}
	f->fixed_header_size = sizeof(struct igvm_fixed_header_v2);
	if (f->size < f->fixed_header_size) {
		return fail(err, 0, "file too small");
	}
	if (rd32(d + 0x18) == IGVM_ARCH_AARCH64) {
		return fail_code(err, 0x18, "AArch64 files not supported",
				 -SVSM_ENOTSUP);
	}
	if (rd32(d + 0x18) != IGVM_ARCH_X64) {
		return fail(err, 0x18, "unknown architecture");
	}
	if (rd32(d + 0x1C) != IGVM_PAGE_SIZE) {
		return fail_code(err, 0x1C, "unsupported page size",
				 -SVSM_ENOTSUP);
	}
	return 0;
}

static int open_bounds(struct igvm_file *f, struct igvm_error *err)
{
	u32 off = rd32(f->data + 8);
	u32 len = rd32(f->data + 12);

	if (off < f->fixed_header_size || !IS_ALIGNED(off, 8)) {
		return fail(err, 8, "bad variable header offset");
	}
	if (off >= f->size) {
		return fail(err, 8, "variable headers outside the file");
	}
	/* Strict: the reference parser rejects an empty file-data section. */
	if ((u64)off + len >= f->size) {
		return fail(err, 12, "variable headers outside the file");
	}
	if (!IS_ALIGNED(len, 8)) {
		return fail(err, 12,
			    "variable header size not a multiple of 8");
	}
	f->vh_offset = off;
	f->vh_end = off + len;
	return 0;
}

/* CRC32 of the fixed header with checksum zeroed, then the variable headers. */
static int open_checksum(const struct igvm_file *f, struct igvm_error *err)
{
	u8 hdr[sizeof(struct igvm_fixed_header_v2)];
	u32 crc;

	memcpy(hdr, f->data, f->fixed_header_size);
	memset(hdr + offsetof(struct igvm_fixed_header, checksum), 0, 4);
	crc = crc32_update(0, hdr, f->fixed_header_size);
	crc = crc32_update(crc, f->data + f->vh_offset,
			   f->vh_end - f->vh_offset);
	if (crc != rd32(f->data + offsetof(struct igvm_fixed_header,
					   checksum))) {
		return fail_code(err, 0x14, "bad checksum", -SVSM_EBADMSG);
	}
	return 0;
}

int igvm_open(struct igvm_file *file, const void *data, size_t size,
	      struct igvm_error *err)
{
	const u8 *d = data;
	int ret;

	memset(file, 0, sizeof(*file));
	if (size < sizeof(struct igvm_fixed_header)) {
		return fail(err, 0, "file too small");
	}
	if (rd32(d) != IGVM_MAGIC) {
		return fail(err, 0, "bad magic");
	}
	/* total_file_size is a u32: this also rejects files of 4 GiB and up. */
	if ((u64)size != rd32(d + 0x10)) {
		return fail(err, 0x10, "file size mismatch");
	}
	file->data = d;
	file->size = (u32)size;
	ret = open_version(file, err);
	if (!ret) {
		ret = open_bounds(file, err);
	}
	if (!ret) {
		ret = open_checksum(file, err);
	}
	if (ret) {
		memset(file, 0, sizeof(*file));
	}
	return ret;
}

/* --- helpers shared by the record checks ---------------------------------- */

const u8 *igvm_file_data(const struct igvm_file *f, u32 file_offset, u32 len)
{
	if (file_offset < f->vh_end || (u64)file_offset + len > f->size) {
		return NULL;
	}
	return f->data + file_offset;
}

const struct igvm_platform_info *igvm_find_platform(const struct igvm_file *f,
						    u32 mask)
{
	for (u32 i = 0; i < f->nplatforms; i++) {
		if (f->platforms[i].mask == mask) {
			return &f->platforms[i];
		}
	}
	return NULL;
}

static const struct igvm_platform_info *
find_platform_type(const struct igvm_file *f, u8 type)
{
	for (u32 i = 0; i < f->nplatforms; i++) {
		if (f->platforms[i].type == type) {
			return &f->platforms[i];
		}
	}
	return NULL;
}

u32 igvm_record_mask(const struct igvm_record *rec)
{
	const struct vht_info *info = vht_lookup(rec->type);

	if (!info || info->mask_off == NO_MASK) {
		return 0;
	}
	return rd32((const u8 *)rec->body + info->mask_off);
}

const char *igvm_type_name(u32 type)
{
	const struct vht_info *info = vht_lookup(type);

	return info ? info->name : "UNKNOWN";
}

/* A record being checked: its body and the file offset of that body. */
struct ctx {
	struct igvm_file *f;
	const u8 *b;
	u64 at;
	struct igvm_error *err;
};

/*
 * Digest §4.2 and §7 rule 10: undeclared extra bits are tolerated (COCONUT
 * emits them), but a mask naming no declared platform makes a dead header.
 */
static int check_mask(const struct ctx *c, u32 off)
{
	u32 mask = rd32(c->b + off);

	if (!mask) {
		return fail(c->err, c->at + off, "compatibility mask is zero");
	}
	if (!(mask & c->f->declared_masks)) {
		return fail(c->err, c->at + off,
			    "mask names no declared platform");
	}
	return 0;
}

static int check_zero(const struct ctx *c, u32 off, u32 len)
{
	if (!mem_is_zero(c->b + off, len)) {
		return fail(c->err, c->at + off, "reserved field not zero");
	}
	return 0;
}

static int check_page_aligned(const struct ctx *c, u32 off, u64 value,
			      const char *reason)
{
	if (!IS_ALIGNED(value, IGVM_PAGE_SIZE)) {
		return fail(c->err, c->at + off, reason);
	}
	return 0;
}

/* --- platform and initialization headers (digest §4.1, §5) ---------------- */

static int check_platform(const struct ctx *c)
{
	struct igvm_file *f = c->f;
	struct igvm_platform_info *p;
	u32 mask = rd32(c->b);
	u8 vtl = c->b[4], type = c->b[5];
	u64 boundary = rd64(c->b + 8);

	if (f->nplatforms >= IGVM_MAX_PLATFORMS) {
		return fail(c->err, c->at, "too many platforms");
	}
	if (!one_bit(mask)) {
		return fail(c->err, c->at, "platform mask must have one bit");
	}
	if (vtl != 0 && vtl != 2) {
		return fail(c->err, c->at + 4, "highest VTL not 0 or 2");
	}
	if (type > IGVM_PLATFORM_SEV_ES) {
		return fail(c->err, c->at + 5, "unknown platform type");
	}
	if (rd16(c->b + 6) != 1) {
		return fail(c->err, c->at + 6, "platform version not 1");
	}
	if ((type == IGVM_PLATFORM_NATIVE ||
	     type == IGVM_PLATFORM_VSM_ISOLATION) && boundary) {
		return fail(c->err, c->at + 8, "shared GPA boundary not zero");
	}
	if (find_platform_type(f, type)) {
		return fail(c->err, c->at + 5, "platform type declared twice");
	}
	if (f->declared_masks & mask) {
		return fail(c->err, c->at, "platform mask declared twice");
	}
	p = &f->platforms[f->nplatforms++];
	p->mask = mask;
	p->type = type;
	p->highest_vtl = vtl;
	p->shared_gpa_boundary = boundary;
	f->declared_masks |= mask;
	return 0;
}

static int check_guest_policy(const struct ctx *c)
{
	int ret = check_mask(c, 8);

	return ret ? ret : check_zero(c, 12, 4);
}

/*
 * The reference parser wants gpa, minimum and maximum aligned to the
 * relocation alignment; we also require a power of two so the check needs no
 * 64-bit division (every real alignment is one).
 */
static int check_relocatable(const struct ctx *c)
{
	u64 align = rd64(c->b + 8);
	int ret = check_mask(c, 0);

	if (ret) {
		return ret;
	}
	if (c->b[6] > 2) {
		return fail(c->err, c->at + 6, "bad VTL");
	}
	if (c->b[7] & ~7u) {
		return fail(c->err, c->at + 7, "reserved field not zero");
	}
	if (!align || !IS_ALIGNED(align, IGVM_PAGE_SIZE) ||
	    (align & (align - 1))) {
		return fail(c->err, c->at + 8, "bad relocation alignment");
	}
	/* relocation_region_gpa, minimum and maximum_relocation_gpa */
	for (u32 off = 16; off <= 40; off += off == 16 ? 16 : 8) {
		if (!IS_ALIGNED(rd64(c->b + off), align)) {
			return fail(c->err, c->at + off, "misaligned gpa");
		}
	}
	return check_page_aligned(c, 24, rd64(c->b + 24), "misaligned size");
}

static int check_pt_relocation(const struct ctx *c)
{
	u32 mask = rd32(c->b);
	u64 size = rd64(c->b + 16);
	int ret = check_mask(c, 0);

	if (!ret && c->b[6] > 2) {
		ret = fail(c->err, c->at + 6, "bad VTL");
	}
	if (!ret) {
		ret = check_zero(c, 7, 1);
	}
	if (!ret) {
		ret = check_page_aligned(c, 8, rd64(c->b + 8),
					 "misaligned gpa");
	}
	if (!ret) {
		ret = check_page_aligned(c, 16, size, "misaligned size");
	}
	if (!ret) {
		ret = check_page_aligned(c, 24, rd64(c->b + 24),
					 "misaligned size");
	}
	if (!ret && rd64(c->b + 24) > size) {
		ret = fail(c->err, c->at + 24, "used size above region size");
	}
	/* At most one page-table region per platform (digest §5). */
	if (!ret && (c->f->pt_reloc_masks & mask)) {
		ret = fail(c->err, c->at, "page table relocation twice");
	}
	if (!ret) {
		c->f->pt_reloc_masks |= mask;
	}
	return ret;
}

/* --- directives (digest §6) ----------------------------------------------- */

static int check_page_data(const struct ctx *c)
{
	u64 gpa = rd64(c->b);
	u32 fo = rd32(c->b + 12), flags = rd32(c->b + 16);
	u32 size = (flags & IGVM_PAGE_DATA_FLAG_2MB) ? PAGE_SIZE_2M : PAGE_SIZE;
	int ret = check_mask(c, 8);

	if (ret) {
		return ret;
	}
	if (!IS_ALIGNED(gpa, size)) {
		return fail(c->err, c->at, "misaligned gpa");
	}
	if (flags & ~(IGVM_PAGE_DATA_FLAG_2MB | IGVM_PAGE_DATA_FLAG_UNMEASURED |
		      IGVM_PAGE_DATA_FLAG_SHARED)) {
		return fail(c->err, c->at + 16, "reserved field not zero");
	}
	if (rd16(c->b + 20) > IGVM_PAGE_DATA_CPUID_XF) {
		return fail(c->err, c->at + 20, "unknown page data type");
	}
	ret = check_zero(c, 22, 2);
	if (!ret && fo && !igvm_file_data(c->f, fo, size)) {
		ret = fail(c->err, c->at + 12, "page data outside the file");
	}
	return ret;
}

static int check_parameter_area(const struct ctx *c)
{
	u64 nbytes = rd64(c->b);
	u32 index = rd32(c->b + 8), fo = rd32(c->b + 12);

	if (!nbytes || !IS_ALIGNED(nbytes, IGVM_PAGE_SIZE)) {
		return fail(c->err, c->at, "bad parameter area size");
	}
	if (index >= IGVM_MAX_PARAM_AREAS) {
		return fail(c->err, c->at + 8,
			    "parameter area index too large");
	}
	if (c->f->area_state[index] != IGVM_AREA_UNUSED) {
		return fail(c->err, c->at + 8, "parameter area declared twice");
	}
	/* nbytes > 4 GiB cannot be inside a file whose size is a u32. */
	if (fo && (nbytes > c->f->size ||
		   !igvm_file_data(c->f, fo, (u32)nbytes))) {
		return fail(c->err, c->at + 12,
			    "parameter area data outside the file");
	}
	c->f->area_state[index] = IGVM_AREA_DECLARED;
	c->f->area_size[index] = nbytes;
	return 0;
}

/* Digest §6.2: a usage or insert needs a declared, not yet inserted area. */
static int check_area_live(const struct ctx *c, u32 off)
{
	u32 index = rd32(c->b + off);

	if (index >= IGVM_MAX_PARAM_AREAS) {
		return fail(c->err, c->at + off,
			    "parameter area index too large");
	}
	if (c->f->area_state[index] == IGVM_AREA_UNUSED) {
		return fail(c->err, c->at + off,
			    "parameter area used before declaration");
	}
	if (c->f->area_state[index] == IGVM_AREA_INSERTED) {
		return fail(c->err, c->at + off,
			    "parameter area used after insertion");
	}
	return 0;
}

static int check_parameter_usage(const struct ctx *c, u32 type)
{
	u32 index = rd32(c->b), byte_offset = rd32(c->b + 4);
	u64 need = 1;
	int ret = check_area_live(c, 0);

	if (ret) {
		return ret;
	}
	/* These two deposit a u32 at byte_offset (digest §6.2 table). */
	if (type == IGVM_VHT_VP_COUNT_PARAMETER ||
	    type == IGVM_VHT_ENVIRONMENT_INFO_PARAMETER) {
		need = 4;
	}
	if ((u64)byte_offset + need > c->f->area_size[index]) {
		return fail(c->err, c->at + 4,
			    "parameter outside its parameter area");
	}
	return 0;
}

static int check_parameter_insert(const struct ctx *c)
{
	u64 gpa = rd64(c->b);
	u32 index = rd32(c->b + 12);
	int ret = check_mask(c, 8);

	if (!ret) {
		ret = check_page_aligned(c, 0, gpa, "misaligned gpa");
	}
	if (!ret && index < IGVM_MAX_PARAM_AREAS &&
	    c->f->area_state[index] == IGVM_AREA_INSERTED) {
		return fail(c->err, c->at + 12,
			    "parameter area inserted twice");
	}
	if (!ret) {
		ret = check_area_live(c, 12);
	}
	if (!ret) {
		c->f->area_state[index] = IGVM_AREA_INSERTED;
	}
	return ret;
}

/* Hyper-V register names the reference parser accepts for x64 (§6.3). */
static const u32 vbs_reg_ranges[][2] = {
	{ 0x20004, 0x20006 }, { 0x20008, 0x2000C }, { 0x20010, 0x20011 },
	{ 0x40000, 0x40000 }, { 0x40002, 0x40003 }, { 0x60000, 0x60005 },
	{ 0x60007, 0x60007 }, { 0x70000, 0x70001 }, { 0x80001, 0x80001 },
	{ 0x80004, 0x80004 }, { 0x8000E, 0x8000E }, { 0x80010, 0x80014 },
	{ 0x80040, 0x80044 }, { 0x80070, 0x80071 }, { 0x80077, 0x8007A },
};

static bool vbs_reg_known(u32 name)
{
	for (u32 i = 0; i < ARRAY_SIZE(vbs_reg_ranges); i++) {
		if (name >= vbs_reg_ranges[i][0] &&
		    name <= vbs_reg_ranges[i][1]) {
			return true;
		}
	}
	return false;
}

/* VBS context: u32 count, then count 32-byte records, all for one VTL. */
static int check_vbs_context(const struct ctx *c, u32 fo)
{
	const u8 *d = igvm_file_data(c->f, fo, 4);
	u32 count = d ? rd32(d) : 0;
	u64 len = 4 + (u64)count * 32;
	const u8 *r;

	if (!d || len > c->f->size || !igvm_file_data(c->f, fo, (u32)len)) {
		return fail(c->err, c->at + 12, "VP context outside the file");
	}
	if (!count || rd16(c->b + 16)) {
		return fail(c->err, c->at + 12, "bad VBS VP context");
	}
	for (u32 i = 0; i < count; i++) {
		r = d + 4 + i * 32;
		if (r[0] != d[4] || r[0] > 2 || !vbs_reg_known(rd32(r + 1)) ||
		    !mem_is_zero(r + 5, 11)) {
			return fail(c->err, fo + 4 + i * 32ULL,
				    "bad VBS VP context");
		}
	}
	return 0;
}

static int check_vp_data(const struct ctx *c,
			 const struct igvm_platform_info *p)
{
	u64 gpa = rd64(c->b);
	u32 fo = rd32(c->b + 12);
	const u8 *page;

	if (p->type == IGVM_PLATFORM_TDX) {
		return fail(c->err, c->at + 8,
			    "VP context not allowed for TDX");
	}
	if (p->type != IGVM_PLATFORM_SEV_SNP &&
	    p->type != IGVM_PLATFORM_SEV_ES) {
		if (gpa) {
			return fail(c->err, c->at, "VP context gpa not zero");
		}
		if (p->type == IGVM_PLATFORM_VSM_ISOLATION) {
			return check_vbs_context(c, fo);
		}
	} else if (!IS_ALIGNED(gpa, IGVM_PAGE_SIZE)) {
		return fail(c->err, c->at, "misaligned gpa");
	}
	page = igvm_file_data(c->f, fo, IGVM_PAGE_SIZE);
	if (!page) {
		return fail(c->err, c->at + 12, "VP context outside the file");
	}
	/* NATIVE and SEV: only the first 0xE8 bytes may be set (§6.3). */
	if ((p->type == IGVM_PLATFORM_NATIVE || p->type == IGVM_PLATFORM_SEV) &&
	    !mem_is_zero(page + sizeof(struct igvm_native_vp_context_x64),
			 IGVM_PAGE_SIZE -
				 sizeof(struct igvm_native_vp_context_x64))) {
		return fail(c->err, c->at + 12,
			    "native VP context tail not zero");
	}
	return 0;
}

static int check_vp_context(const struct ctx *c)
{
	const struct igvm_platform_info *p;
	int ret = check_zero(c, 18, 2);

	if (ret) {
		return ret;
	}
	/* The mask picks the decoding, so it must be exactly one platform. */
	p = igvm_find_platform(c->f, rd32(c->b + 8));
	if (!p) {
		return fail(c->err, c->at + 8,
			    "VP context mask is not one platform");
	}
	return check_vp_data(c, p);
}

static int check_required_memory(const struct ctx *c)
{
	int ret = check_mask(c, 8);

	if (!ret) {
		ret = check_page_aligned(c, 0, rd64(c->b), "misaligned gpa");
	}
	if (!ret) {
		ret = check_page_aligned(c, 12, rd32(c->b + 12),
					 "misaligned size");
	}
	if (!ret && (rd32(c->b + 16) &
		     ~IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE)) {
		ret = fail(c->err, c->at + 16, "reserved field not zero");
	}
	return ret ? ret : check_zero(c, 20, 4);
}

static int check_error_range(const struct ctx *c)
{
	int ret = check_mask(c, 8);

	if (!ret) {
		ret = check_page_aligned(c, 0, rd64(c->b), "misaligned gpa");
	}
	return ret ? ret : check_page_aligned(c, 12, rd32(c->b + 12),
					      "misaligned size");
}

/*
 * The mask must name the SNP platform and no other declared one; QEMU
 * rejects a second ID block for its platform (digest §6.4).
 */
static int check_snp_id_block(const struct ctx *c)
{
	const struct igvm_platform_info *snp;
	u32 mask = rd32(c->b);
	int ret = check_zero(c, 5, 3);

	if (ret) {
		return ret;
	}
	snp = find_platform_type(c->f, IGVM_PLATFORM_SEV_SNP);
	if (!snp || !(mask & snp->mask) ||
	    (mask & c->f->declared_masks & ~snp->mask)) {
		return fail(c->err, c->at,
			    "ID block mask is not the SNP platform");
	}
	if (c->f->id_block_masks & snp->mask) {
		return fail(c->err, c->at, "SNP ID block given twice");
	}
	if (c->b[4] > 1) {
		return fail(c->err, c->at + 4, "bad author_key_enabled");
	}
	/* Spec: without an author key its signature and key are zero. */
	if (!c->b[4] && (rd32(c->b + 100) || !mem_is_zero(c->b + 400, 296))) {
		return fail(c->err, c->at + 100, "author key fields not zero");
	}
	c->f->id_block_masks |= snp->mask;
	return 0;
}

static int check_record(struct ctx *c, u32 type)
{
	switch (type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(c);
	case IGVM_VHT_GUEST_POLICY:
		return check_guest_policy(c);
	case IGVM_VHT_RELOCATABLE_REGION:
		return check_relocatable(c);
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return check_pt_relocation(c);
	case IGVM_VHT_PARAMETER_AREA:
		return check_parameter_area(c);
	case IGVM_VHT_PAGE_DATA:
		return check_page_data(c);
	case IGVM_VHT_PARAMETER_INSERT:
		return check_parameter_insert(c);
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(c);
	case IGVM_VHT_REQUIRED_MEMORY:
		return check_required_memory(c);
	case IGVM_VHT_ERROR_RANGE:
		return check_error_range(c);
	case IGVM_VHT_SNP_ID_BLOCK:
		return check_snp_id_block(c);
	case IGVM_VHT_VBS_MEASUREMENT:
		return check_mask(c, 0);
	default:
		return check_parameter_usage(c, type);
	}
}

bool igvm_is_parameter_usage(u32 type)
{
	switch (type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return true;
	default:
		return false;
	}
}

/* --- iteration ------------------------------------------------------------ */

void igvm_iter_init(struct igvm_iter *it, struct igvm_file *file)
{
	file->nplatforms = 0;
	memset(file->platforms, 0, sizeof(file->platforms));
	file->declared_masks = 0;
	memset(file->area_state, 0, sizeof(file->area_state));
	memset(file->area_size, 0, sizeof(file->area_size));
	file->id_block_masks = 0;
	file->pt_reloc_masks = 0;
	it->file = file;
	it->next = file->vh_offset;
	it->section = SECT_PLATFORM;
}

static u32 section_of(u32 type)
{
	if (type <= IGVM_VHT_RANGE_PLATFORM_END) {
		return SECT_PLATFORM;
	}
	if (type <= IGVM_VHT_RANGE_INIT_END) {
		return SECT_INIT;
	}
	return SECT_DIRECTIVE;
}

/* Checks the TLV framing (digest §3) and returns the record's end offset. */
static int read_tlv(struct igvm_iter *it, struct igvm_record *rec, u64 *end,
		    struct igvm_error *err)
{
	const struct igvm_file *f = it->file;
	u64 off = it->next, body_end;
	const struct vht_info *info;

	if (off + VHS_PREFIX > f->vh_end) {
		return fail(err, off, "header outside the variable headers");
	}
	rec->type = rd32(f->data + off);
	rec->length = rd32(f->data + off + 4);
	rec->offset = (u32)off;
	rec->body = f->data + off + VHS_PREFIX;
	/* The reference parser rejects bit 31 although the spec allows it. */
	if (rec->type & IGVM_VHT_OPTIONAL_BIT) {
		return fail_code(err, off, "optional header type not supported",
				 -SVSM_ENOTSUP);
	}
	info = vht_lookup(rec->type);
	if (!info) {
		return fail(err, off, "unknown header type");
	}
	if (rec->length != info->length) {
		return fail(err, off + 4, "wrong header length");
	}
	body_end = off + VHS_PREFIX + rec->length;
	*end = ALIGN_UP(body_end, 8);
	if (*end > f->vh_end) {
		return fail(err, off, "header outside the variable headers");
	}
	if (!mem_is_zero(f->data + body_end, (size_t)(*end - body_end))) {
		return fail(err, body_end, "header padding not zero");
	}
	if (section_of(rec->type) < it->section) {
		return fail(err, off, "headers out of section order");
	}
	return 0;
}

int igvm_next(struct igvm_iter *it, struct igvm_record *rec,
	      struct igvm_error *err)
{
	struct igvm_record r;
	struct ctx c;
	u64 end;
	int ret;

	if (it->next >= it->file->vh_end) {
		if (!it->file->nplatforms) {
			return fail(err, it->file->vh_offset,
				    "no supported platform header");
		}
		return 0;
	}
	ret = read_tlv(it, &r, &end, err);
	if (ret) {
		return ret;
	}
	c.f = it->file;
	c.b = r.body;
	c.at = (u64)r.offset + VHS_PREFIX;
	c.err = err;
	ret = check_record(&c, r.type);
	if (ret) {
		return ret;
	}
	it->section = section_of(r.type);
	it->next = (u32)end;
	*rec = r;
	return 1;
}

/* --- range sets ----------------------------------------------------------- */

void igvm_range_set_init(struct igvm_range_set *set, struct igvm_range *storage,
			 u32 capacity)
{
	set->ranges = storage;
	set->count = 0;
	set->capacity = capacity;
}

/*
 * Index of the first range whose end is >= start. Ranges are disjoint and
 * sorted, so their ends are sorted too.
 */
static u32 range_lower_bound(const struct igvm_range_set *set, u64 start)
{
	u32 lo = 0, hi = set->count;

	while (lo < hi) {
		u32 mid = lo + ((hi - lo) >> 1);

		if (set->ranges[mid].end < start) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/*
 * Only ranges lo and lo + 1 can overlap: ranges[lo] may merely touch start,
 * and every later range begins after ranges[lo + 1] does.
 */
static const struct igvm_range *range_clash(const struct igvm_range_set *set,
					    u32 lo, u64 start, u64 end)
{
	for (u32 i = lo; i < set->count && i < lo + 2; i++) {
		if (set->ranges[i].start < end && set->ranges[i].end > start) {
			return &set->ranges[i];
		}
	}
	return NULL;
}

bool igvm_range_set_find(const struct igvm_range_set *set, u64 start, u64 end,
			 struct igvm_range *clash)
{
	const struct igvm_range *r;

	r = range_clash(set, range_lower_bound(set, start), start, end);
	if (r && clash) {
		*clash = *r;
	}
	return r != NULL;
}

static void range_remove(struct igvm_range_set *set, u32 i)
{
	memmove(&set->ranges[i], &set->ranges[i + 1],
		(set->count - i - 1) * sizeof(set->ranges[0]));
	set->count--;
}

int igvm_range_set_add(struct igvm_range_set *set, u64 start, u64 end,
		       struct igvm_range *clash)
{
	struct igvm_range *r = set->ranges;
	u32 lo;

	if (start >= end) {
		return -SVSM_EINVAL;
	}
	lo = range_lower_bound(set, start);
	if (range_clash(set, lo, start, end)) {
		if (clash) {
			*clash = *range_clash(set, lo, start, end);
		}
		return -SVSM_EEXIST;
	}
	if (lo < set->count && r[lo].end == start) {
		r[lo].end = end;
		if (lo + 1 < set->count && r[lo + 1].start == end) {
			r[lo].end = r[lo + 1].end;
			range_remove(set, lo + 1);
		}
		return 0;
	}
	if (lo < set->count && r[lo].start == end) {
		r[lo].start = start;
		return 0;
	}
	if (set->count >= set->capacity) {
		return -SVSM_ENOMEM;
	}
	memmove(&r[lo + 1], &r[lo], (set->count - lo) * sizeof(r[0]));
	r[lo].start = start;
	r[lo].end = end;
	set->count++;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * IGVM reader: every check of igvm_open()/igvm_next() is reached by patching
 * one field of a valid file (then recomputing the CRC so the walk gets to the
 * check under test) or by building a file by hand, and the error's reason and
 * file offset are compared. Also: truncation at every length, the helpers,
 * and the GPA range set against a brute-force model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>

#define SNP IGVM_MASK_SNP
#define NAT IGVM_MASK_NATIVE
#define VMSA_GPA 0xFFFFFFFFF000ULL

/* --- byte helpers and an independent CRC ---------------------------------- */

static u32 ref_crc32(const u8 *p, size_t len, u32 crc)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
		}
	}
	return ~crc;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 getn(const u8 *p, u32 width)
{
	u64 v = 0;

	memcpy(&v, p, width);
	return v;
}

static void putn(u8 *p, u32 width, u64 v)
{
	memcpy(p, &v, width);
}

/* Recomputes the checksum so that a patched file gets past igvm_open(). */
static void fix_crc(u8 *buf, size_t len)
{
	u32 fixed = get32(buf + 4) == 1 ? 24 : 32;
	u64 off = get32(buf + 8), size = get32(buf + 12);
	u8 hdr[32];
	u32 crc;

	if (len < fixed || off + size > len) {
		return;
	}
	memcpy(hdr, buf, fixed);
	putn(hdr + 0x14, 4, 0);
	crc = ref_crc32(hdr, fixed, 0);
	putn(buf + 0x14, 4, ref_crc32(buf + off, size, crc));
}

/* File offset of the nth record of a type, walking the TLVs unchecked. */
static u32 rec_at(const u8 *buf, u32 type, u32 nth)
{
	u32 off = get32(buf + 8), end = off + get32(buf + 12);

	while (off < end) {
		if (get32(buf + off) == type && nth-- == 0) {
			return off;
		}
		off += 8 + ((get32(buf + off + 4) + 7) & ~7u);
	}
	fail_msg("no record 0x%x", type);
	return 0;
}

/* --- running the reader --------------------------------------------------- */

/* Opens and walks a copy of exactly len bytes, so ASan sees any overrun. */
static int walk(const u8 *buf, size_t len, struct igvm_error *err, u32 *nrec)
{
	u8 *copy = malloc(len ? len : 1);
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	int ret;

	memcpy(copy, buf, len);
	*nrec = 0;
	ret = igvm_open(&f, copy, len, err);
	if (!ret) {
		igvm_iter_init(&it, &f);
		while ((ret = igvm_next(&it, &rec, err)) == 1) {
			(*nrec)++;
		}
	}
	free(copy);
	return ret;
}

static int g_case = -1; /* index of the table case being run, for messages */

static void expect_ok(const u8 *buf, size_t len)
{
	struct igvm_error err = { 0, NULL };
	u32 n;

	if (walk(buf, len, &err, &n)) {
		fail_msg("case %d: unexpected error: %s at 0x%x", g_case,
			 err.reason, err.offset);
	}
}

static void expect_err(const u8 *buf, size_t len, const char *reason,
		       u32 offset)
{
	struct igvm_error err = { 0xdeadbeef, NULL };
	u32 n;

	if (walk(buf, len, &err, &n) >= 0) {
		fail_msg("case %d: accepted; expected \"%s\" at 0x%x", g_case,
			 reason, offset);
	}
	assert_non_null(err.reason);
	if (strcmp(err.reason, reason) || err.offset != offset) {
		fail_msg("case %d: got \"%s\" at 0x%x, expected \"%s\" at 0x%x",
			 g_case, err.reason, err.offset, reason, offset);
	}
}

/* --- the valid files the tests start from --------------------------------- */

static u8 page_a[4096], vmsa[4096], native_ctx[4096];

static int setup_data(void **state)
{
	for (size_t i = 0; i < sizeof(page_a); i++) {
		page_a[i] = (u8)(i * 7 + 1);
	}
	putn(vmsa + 0x178, 8, 0x808000);
	putn(native_ctx + 0x80, 8, 0x10002);
	putn(native_ctx + 0xC8, 8, 0x80000031);
	return 0;
}

/*
 * Record order (type#nth): PLATFORM#0 SNP, PLATFORM#1 NATIVE, POLICY#0,
 * REQMEM#0, AREA#0..2 (indices 0, 1, 2), VP_COUNT#0 (area 0), MEMORY_MAP#0
 * (area 1), MADT#0 (area 2), INSERT#0 (area 1), ENV_INFO#0 (area 0),
 * INSERT#1 (area 0), INSERT#2 (area 2), VP#0 native, PAGE#0 (data), PAGE#1
 * (no data), ID_BLOCK#0, VP#1 VMSA.
 */
static u8 *base_file(size_t *len)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);
	struct igvm_vhs_snp_id_block id = { .compatibility_mask = SNP };
	u8 *buf;

	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0),
			 0);
	assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0),
			 0);
	assert_int_equal(igvm_add_guest_policy(w, 0x30000, SNP), 0);
	assert_int_equal(igvm_add_required_memory(w, 0x8000000, SNP | NAT,
						  0x1000000, 0),
			 0);
	for (u32 i = 0; i < 3; i++) {
		assert_int_equal(igvm_add_parameter_area(w, i, 4096, NULL), 0);
	}
	igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, 1, 0);
	igvm_add_parameter_usage(w, IGVM_VHT_MADT, 2, 0);
	igvm_add_parameter_insert(w, 0x20000, SNP | NAT, 1);
	igvm_add_parameter_usage(w, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 0, 4);
	igvm_add_parameter_insert(w, 0x21000, SNP | NAT, 0);
	igvm_add_parameter_insert(w, 0x22000, SNP | NAT, 2);
	assert_int_equal(igvm_add_vp_context(w, 0, NAT, 0, native_ctx), 0);
	igvm_add_page_data(w, 0x10000, SNP | NAT, 0, 0, page_a, 4096);
	igvm_add_page_data(w, 0x11000, SNP, 0, 0, NULL, 0);
	assert_int_equal(igvm_add_snp_id_block(w, &id), 0);
	assert_int_equal(igvm_add_vp_context(w, VMSA_GPA, SNP, 0, vmsa), 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, len), 0);
	igvm_writer_free(w);
	return buf;
}

/* v1, one platform, one 4 KiB page: small enough to truncate everywhere. */
static u8 *small_file(size_t *len)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V1);
	u8 *buf;

	igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0);
	igvm_add_page_data(w, 0x1000, SNP, 0, 0, "x", 1);
	assert_int_equal(igvm_writer_serialize(w, &buf, len), 0);
	igvm_writer_free(w);
	return buf;
}

/* --- hand-built files ----------------------------------------------------- */

struct raw {
	u32 version;
	u32 gap; /* unused bytes between the fixed header and the headers */
	u8 vh[4096];
	u32 vhlen;
	u8 *data;
	u32 dlen;
	u32 fix_at[8], fix_rel[8], nfix;
};

static void raw_init(struct raw *r, u32 version)
{
	memset(r, 0, sizeof(*r));
	r->version = version;
}

static u32 raw_fixed(const struct raw *r)
{
	return r->version == 1 ? 24 : 32;
}

/* Appends a record; returns its file offset. */
static u32 raw_rec(struct raw *r, u32 type, const void *body, u32 len)
{
	u32 at = r->vhlen;

	putn(r->vh + at, 4, type);
	putn(r->vh + at + 4, 4, len);
	memcpy(r->vh + at + 8, body, len);
	r->vhlen += 8 + ((len + 7) & ~7u);
	assert_true(r->vhlen <= sizeof(r->vh));
	return raw_fixed(r) + r->gap + at;
}

/* Appends file data; the u32 at record field rec+8+field will point at it. */
static void raw_data(struct raw *r, u32 rec, u32 field, const void *d,
		     u32 len)
{
	r->data = realloc(r->data, r->dlen + len);
	memcpy(r->data + r->dlen, d, len);
	r->fix_at[r->nfix] = rec - raw_fixed(r) - r->gap + 8 + field;
	r->fix_rel[r->nfix++] = r->dlen;
	r->dlen += len;
}

static u8 *raw_build(struct raw *r, size_t *len)
{
	u32 fixed = raw_fixed(r), ds = fixed + r->gap + r->vhlen;
	u32 dlen = r->dlen ? r->dlen : 1; /* the data section is never empty */
	u8 *buf = calloc(1, ds + dlen);

	for (u32 i = 0; i < r->nfix; i++) {
		putn(r->vh + r->fix_at[i], 4, ds + r->fix_rel[i]);
	}
	putn(buf, 4, IGVM_MAGIC);
	putn(buf + 4, 4, r->version);
	putn(buf + 8, 4, fixed + r->gap);
	putn(buf + 12, 4, r->vhlen);
	putn(buf + 16, 4, ds + dlen);
	if (fixed == 32) {
		putn(buf + 0x1C, 4, 4096);
	}
	memcpy(buf + fixed + r->gap, r->vh, r->vhlen);
	if (r->dlen) {
		memcpy(buf + ds, r->data, r->dlen);
	}
	free(r->data);
	r->data = NULL;
	*len = ds + dlen;
	fix_crc(buf, *len);
	return buf;
}

static u32 raw_platform(struct raw *r, u32 mask, u8 type, u8 vtl)
{
	struct igvm_vhs_supported_platform p = { mask, vtl, type, 1, 0 };

	return raw_rec(r, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p));
}

/* --- table-driven patches of the base file -------------------------------- */

enum { SET, ADD, END_MINUS };
#define FIXED 0u          /* patch/report in the fixed header */
#define SAME 0xFFFFFFFFu /* error reported in the patched record */

struct pcase {
	u32 type, nth, field, width;
	int mode;
	u64 value;
	bool nofix;
	const char *reason; /* NULL: the patched file is still valid */
	u32 etype, enth, eoff;
};

#define C(t, n, f, w, v, r, eo)                                             \
	{ .type = (t), .nth = (n), .field = (f), .width = (w), .value = (v), \
	  .reason = (r), .etype = SAME, .eoff = (eo) }
#define OK(t, n, f, w, v) C(t, n, f, w, v, NULL, 0)

static void run_case(const struct pcase *c)
{
	size_t len;
	u8 *buf = base_file(&len);
	u32 at = c->type == FIXED ? 0 : rec_at(buf, c->type, c->nth);
	u32 eat = 0;
	u64 v = c->value;

	if (c->mode == ADD) {
		v += getn(buf + at + c->field, c->width);
	} else if (c->mode == END_MINUS) {
		v = len - v;
	}
	if (c->etype == SAME) {
		eat = at;
	} else if (c->etype != FIXED) {
		eat = rec_at(buf, c->etype, c->enth);
	}
	putn(buf + at + c->field, c->width, v);
	if (!c->nofix) {
		fix_crc(buf, len);
	}
	if (c->reason) {
		expect_err(buf, len, c->reason, eat + c->eoff);
	} else {
		expect_ok(buf, len);
	}
	free(buf);
}

static void run_cases(const struct pcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_case = (int)i;
		run_case(&c[i]);
	}
	g_case = -1;
}

#define PLAT IGVM_VHT_SUPPORTED_PLATFORM
#define POL IGVM_VHT_GUEST_POLICY
#define REQ IGVM_VHT_REQUIRED_MEMORY
#define AREA IGVM_VHT_PARAMETER_AREA
#define INS IGVM_VHT_PARAMETER_INSERT
#define VPC IGVM_VHT_VP_COUNT_PARAMETER
#define ENV IGVM_VHT_ENVIRONMENT_INFO_PARAMETER
#define MADT IGVM_VHT_MADT
#define PD IGVM_VHT_PAGE_DATA
#define VP IGVM_VHT_VP_CONTEXT
#define IDB IGVM_VHT_SNP_ID_BLOCK

static void test_base_valid(void **state)
{
	size_t len;
	u8 *buf = base_file(&len);
	struct igvm_error err;
	u32 n;

	assert_int_equal(walk(buf, len, &err, &n), 0);
	assert_int_equal(n, 19);
	free(buf);
}

static void test_fixed_header(void **state)
{
	static const struct pcase cases[] = {
		C(FIXED, 0, 0, 4, 0x4D564748, "bad magic", 0),
		C(FIXED, 0, 4, 4, 3, "unsupported format version", 4),
		C(FIXED, 0, 4, 4, 0, "unsupported format version", 4),
		/* Claiming v1 leaves a legal 8-byte gap before the headers. */
		OK(FIXED, 0, 4, 4, 1),
		C(FIXED, 0, 0x18, 4, 1, "AArch64 files not supported", 0x18),
		C(FIXED, 0, 0x18, 4, 2, "unknown architecture", 0x18),
		C(FIXED, 0, 0x1C, 4, 8192, "unsupported page size", 0x1C),
		C(FIXED, 0, 0x1C, 4, 0, "unsupported page size", 0x1C),
		C(FIXED, 0, 8, 4, 24, "bad variable header offset", 8),
		C(FIXED, 0, 8, 4, 36, "bad variable header offset", 8),
		C(FIXED, 0, 8, 4, 0, "bad variable header offset", 8),
		C(FIXED, 0, 8, 4, 0xFFFFFFF8,
		  "variable headers outside the file", 8),
		C(FIXED, 0, 12, 4, 0xFFFFFFF8,
		  "variable headers outside the file", 12),
		{ .type = FIXED, .field = 0x10, .width = 4, .mode = END_MINUS,
		  .value = 1, .reason = "file size mismatch", .etype = FIXED,
		  .eoff = 0x10 },
		{ .type = FIXED, .field = 0x10, .width = 4, .mode = ADD,
		  .value = 1, .reason = "file size mismatch",
		  .etype = FIXED, .eoff = 0x10 },
		/* Headers reaching the end leave no file data: rejected. */
		{ .type = FIXED, .field = 12, .width = 4, .mode = END_MINUS,
		  .value = 32, .reason = "variable headers outside the file",
		  .etype = FIXED, .eoff = 12 },
		{ .type = FIXED, .field = 12, .width = 4, .mode = ADD,
		  .value = 4,
		  .reason = "variable header size not a multiple of 8",
		  .etype = FIXED, .eoff = 12 },
		{ .type = FIXED, .field = 0x14, .width = 4, .mode = ADD,
		  .value = 1, .nofix = true, .reason = "bad checksum",
		  .etype = FIXED, .eoff = 0x14 },
		/* The CRC covers the variable headers. */
		{ .type = POL, .field = 8, .width = 1, .mode = ADD, .value = 1,
		  .nofix = true, .reason = "bad checksum", .etype = FIXED,
		  .eoff = 0x14 },
	};
	size_t len;
	u8 *buf = base_file(&len);

	run_cases(cases, ARRAY_SIZE(cases));
	/* The CRC does not cover the file data. */
	buf[len - 1] ^= 0xFF;
	expect_ok(buf, len);
	free(buf);
}

static void test_open_small_inputs(void **state)
{
	u8 buf[32] = { 'I', 'G', 'V', 'M', 2, 0, 0, 0 };

	expect_err(buf, 0, "file too small", 0);
	expect_err(buf, 23, "file too small", 0);
	/* A v2 header needs 32 bytes even when the size field agrees. */
	putn(buf + 16, 4, 28);
	expect_err(buf, 28, "file too small", 0);
	putn(buf + 4, 4, 1);
	putn(buf + 16, 4, 24);
	putn(buf + 8, 4, 24);
	expect_err(buf, 24, "variable headers outside the file", 8);
}

static void test_platform_records(void **state)
{
	static const struct pcase cases[] = {
		C(PLAT, 1, 8, 4, 0x6, "platform mask must have one bit", 8),
		C(PLAT, 1, 8, 4, 0, "platform mask must have one bit", 8),
		C(PLAT, 1, 8, 4, 1, "platform mask declared twice", 8),
		C(PLAT, 1, 12, 1, 1, "highest VTL not 0 or 2", 12),
		C(PLAT, 1, 12, 1, 3, "highest VTL not 0 or 2", 12),
		C(PLAT, 1, 13, 1, 6, "unknown platform type", 13),
		C(PLAT, 1, 13, 1, 2, "platform type declared twice", 13),
		C(PLAT, 1, 14, 2, 2, "platform version not 1", 14),
		C(PLAT, 1, 14, 2, 0, "platform version not 1", 14),
		C(PLAT, 1, 16, 8, 0x1000, "shared GPA boundary not zero", 16),
		C(PLAT, 1, 4, 4, 24, "wrong header length", 4),
		OK(PLAT, 0, 16, 8, 0x8000000000ULL), /* SNP vTOM */
		/* Moving NATIVE to another bit orphans its VP context. */
		{ .type = PLAT, .nth = 1, .field = 8, .width = 4,
		  .value = 0x80000000u,
		  .reason = "VP context mask is not one platform", .etype = VP,
		  .enth = 0, .eoff = 16 },
		/* NATIVE -> SEV keeps the native context; SEV_ES makes it a
		 * VMSA at gpa 0, which is also fine. */
		OK(PLAT, 1, 13, 1, IGVM_PLATFORM_SEV),
		OK(PLAT, 1, 13, 1, IGVM_PLATFORM_SEV_ES),
		{ .type = PLAT, .nth = 1, .field = 13, .width = 1,
		  .value = IGVM_PLATFORM_TDX,
		  .reason = "VP context not allowed for TDX", .etype = VP,
		  .enth = 0, .eoff = 16 },
		/* Without an SNP platform the ID block is dead. */
		{ .type = PLAT, .nth = 0, .field = 13, .width = 1,
		  .value = IGVM_PLATFORM_VSM_ISOLATION,
		  .reason = "ID block mask is not the SNP platform",
		  .etype = IDB, .enth = 0, .eoff = 8 },
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_framing(void **state)
{
	static const struct pcase cases[] = {
		C(POL, 0, 0, 4, 0x150, "unknown header type", 0),
		C(POL, 0, 0, 4, 0x200, "unknown header type", 0),
		C(POL, 0, 0, 4, 0x104, "unknown header type", 0),
		C(POL, 0, 0, 4, 0x0, "unknown header type", 0),
		C(POL, 0, 0, 4, 0x401, "unknown header type", 0),
		C(REQ, 0, 0, 4, 0x306, "unknown header type", 0),
		C(POL, 0, 0, 4, 0x80000101u,
		  "optional header type not supported", 0),
		C(POL, 0, 4, 4, 24, "wrong header length", 4),
		C(POL, 0, 4, 4, 0, "wrong header length", 4),
		C(POL, 0, 4, 4, 0xFFFFFFFF, "wrong header length", 4),
		C(VP, 0, 4, 4, 24, "wrong header length", 4),
		C(VP, 0, 28, 4, 1, "header padding not zero", 28),
		C(VP, 1, 31, 1, 0x80, "header padding not zero", 28),
		/* A directive retyped as an init header of the same length. */
		C(INS, 0, 0, 4, IGVM_VHT_GUEST_POLICY,
		  "headers out of section order", 0),
		C(REQ, 0, 0, 4, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION,
		  "wrong header length", 4),
		C(VPC, 0, 0, 4, IGVM_VHT_PAGE_DATA, "wrong header length", 4),
		/* Cutting the section makes the last record stick out. */
		{ .type = FIXED, .field = 12, .width = 4, .mode = ADD,
		  .value = (u64)-8,
		  .reason = "header outside the variable headers", .etype = VP,
		  .enth = 1, .eoff = 0 },
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* Swapping NATIVE's platform record with the policy (both 24 bytes). */
static void test_section_order(void **state)
{
	size_t len;
	u8 *buf = base_file(&len), tmp[24];
	u32 p = rec_at(buf, PLAT, 1), g = rec_at(buf, POL, 0);
	struct raw r;
	struct igvm_vhs_guest_policy pol = { 0, SNP, 0 };
	struct igvm_vhs_page_data pd = { .gpa = 0, .compatibility_mask = SNP };
	u32 at;

	memcpy(tmp, buf + p, 24);
	memcpy(buf + p, buf + g, 24);
	memcpy(buf + g, tmp, 24);
	fix_crc(buf, len);
	expect_err(buf, len, "headers out of section order", g);
	free(buf);

	raw_init(&r, 1);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 0);
	raw_rec(&r, PD, &pd, sizeof(pd));
	at = raw_rec(&r, POL, &pol, sizeof(pol));
	buf = raw_build(&r, &len);
	expect_err(buf, len, "headers out of section order", at);
	free(buf);
}

static void test_masks_and_reserved(void **state)
{
	static const struct pcase cases[] = {
		C(POL, 0, 20, 4, 1, "reserved field not zero", 20),
		C(POL, 0, 16, 4, 0, "compatibility mask is zero", 16),
		C(POL, 0, 16, 4, 8, "mask names no declared platform", 16),
		/* Undeclared extra bits are tolerated (COCONUT uses 0x17). */
		OK(POL, 0, 16, 4, 0x9),
		OK(PD, 1, 16, 4, 0x17),
		C(REQ, 0, 8, 8, 0x8000800, "misaligned gpa", 8),
		C(REQ, 0, 20, 4, 0x1800, "misaligned size", 20),
		OK(REQ, 0, 20, 4, 0), /* the reference parser allows 0 */
		C(REQ, 0, 24, 4, 2, "reserved field not zero", 24),
		C(REQ, 0, 28, 4, 1, "reserved field not zero", 28),
		C(REQ, 0, 16, 4, 0x40, "mask names no declared platform", 16),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_page_data(void **state)
{
	static const struct pcase cases[] = {
		C(PD, 0, 8, 8, 0x10800, "misaligned gpa", 8),
		C(PD, 0, 24, 4, 8, "reserved field not zero", 24),
		C(PD, 0, 24, 4, 0x80000000u, "reserved field not zero", 24),
		C(PD, 0, 24, 4, IGVM_PAGE_DATA_FLAG_2MB, "misaligned gpa", 8),
		OK(PD, 0, 24, 4, 6),
		C(PD, 0, 28, 2, 4, "unknown page data type", 28),
		OK(PD, 0, 28, 2, 3),
		C(PD, 0, 30, 2, 1, "reserved field not zero", 30),
		C(PD, 0, 20, 4, 8, "page data outside the file", 20),
		C(PD, 0, 20, 4, 40, "page data outside the file", 20),
		C(PD, 0, 20, 4, 0xFFFFFFFF, "page data outside the file", 20),
		C(PD, 1, 16, 4, 0, "compatibility mask is zero", 16),
		{ .type = PD, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 100, .reason = "page data outside the file",
		  .etype = SAME, .eoff = 20 },
		{ .type = PD, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 4095, .reason = "page data outside the file",
		  .etype = SAME, .eoff = 20 },
		/* The last page of the file is inside. */
		{ .type = PD, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 4096 },
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* 2 MiB pages: the gpa and the 2 MiB of data must fit. */
static void test_page_data_2mb(void **state)
{
	struct igvm_vhs_page_data pd = { .gpa = 0x200000,
					 .compatibility_mask = SNP,
					 .flags = IGVM_PAGE_DATA_FLAG_2MB };
	u8 *big = calloc(1, 0x200000), *buf;
	struct raw r;
	size_t len;
	u32 at;

	raw_init(&r, 2);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 0);
	at = raw_rec(&r, PD, &pd, sizeof(pd));
	raw_data(&r, at, 12, big, 0x200000);
	buf = raw_build(&r, &len);
	expect_ok(buf, len);
	free(buf);

	raw_init(&r, 2);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 0);
	at = raw_rec(&r, PD, &pd, sizeof(pd));
	raw_data(&r, at, 12, big, 0x200000 - 1);
	buf = raw_build(&r, &len);
	expect_err(buf, len, "page data outside the file", at + 20);
	free(buf);
	free(big);
}

static void test_parameters(void **state)
{
	static const struct pcase cases[] = {
		C(AREA, 0, 8, 8, 0, "bad parameter area size", 8),
		C(AREA, 0, 8, 8, 0x1800, "bad parameter area size", 8),
		C(AREA, 1, 16, 4, 16, "parameter area index too large", 16),
		C(AREA, 1, 16, 4, 0, "parameter area declared twice", 16),
		C(AREA, 0, 20, 4, 8, "parameter area data outside the file",
		  20),
		OK(AREA, 0, 8, 8, 0x100000000ULL),
		{ .type = AREA, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 4096 },
		{ .type = AREA, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 4095,
		  .reason = "parameter area data outside the file",
		  .etype = SAME, .eoff = 20 },
		C(VPC, 0, 8, 4, 5, "parameter area used before declaration", 8),
		C(VPC, 0, 8, 4, 99, "parameter area index too large", 8),
		C(VPC, 0, 12, 4, 4093, "parameter outside its parameter area",
		  12),
		OK(VPC, 0, 12, 4, 4092),
		OK(MADT, 0, 12, 4, 4095),
		C(MADT, 0, 12, 4, 4096, "parameter outside its parameter area",
		  12),
		C(MADT, 0, 12, 4, 0xFFFFFFFF,
		  "parameter outside its parameter area", 12),
		C(ENV, 0, 8, 4, 1, "parameter area used after insertion", 8),
		C(ENV, 0, 12, 4, 4093, "parameter outside its parameter area",
		  12),
		C(INS, 1, 20, 4, 1, "parameter area inserted twice", 20),
		C(INS, 1, 20, 4, 7, "parameter area used before declaration",
		  20),
		C(INS, 1, 20, 4, 16, "parameter area index too large", 20),
		C(INS, 0, 8, 8, 0x20800, "misaligned gpa", 8),
		C(INS, 0, 16, 4, 0, "compatibility mask is zero", 16),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_vp_context(void **state)
{
	static const struct pcase cases[] = {
		C(VP, 0, 16, 4, 4, "VP context mask is not one platform", 16),
		C(VP, 0, 16, 4, 3, "VP context mask is not one platform", 16),
		C(VP, 0, 16, 4, 0, "VP context mask is not one platform", 16),
		C(VP, 0, 26, 2, 1, "reserved field not zero", 26),
		C(VP, 0, 8, 8, 0x1000, "VP context gpa not zero", 8),
		C(VP, 0, 20, 4, 0, "VP context outside the file", 20),
		{ .type = VP, .field = 20, .width = 4, .mode = END_MINUS,
		  .value = 100, .reason = "VP context outside the file",
		  .etype = SAME, .eoff = 20 },
		C(VP, 1, 8, 8, VMSA_GPA + 0x800, "misaligned gpa", 8),
		{ .type = VP, .nth = 1, .field = 20, .width = 4,
		  .mode = END_MINUS, .value = 4095,
		  .reason = "VP context outside the file", .etype = SAME,
		  .eoff = 20 },
		/* The VMSA under the native mask is a native context. */
		C(VP, 1, 16, 4, NAT, "VP context gpa not zero", 8),
		OK(VP, 1, 24, 2, 7),
		OK(VP, 1, 8, 8, 0),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* Native context data must be zero past the 0xE8-byte structure. */
static void test_native_context_tail(void **state)
{
	size_t len;
	u8 *buf = base_file(&len);
	u32 at = rec_at(buf, VP, 0), fo = get32(buf + at + 20);

	buf[fo + 0xE7] = 0x55; /* last byte of efer: fine */
	expect_ok(buf, len);
	buf[fo + 0xE8] = 1;
	expect_err(buf, len, "native VP context tail not zero", at + 20);
	buf[fo + 0xE8] = 0;
	buf[fo + 0xFFF] = 1;
	expect_err(buf, len, "native VP context tail not zero", at + 20);
	free(buf);
}

static void test_id_block(void **state)
{
	static const struct pcase cases[] = {
		C(IDB, 0, 8, 4, NAT,
		  "ID block mask is not the SNP platform", 8),
		C(IDB, 0, 8, 4, SNP | NAT,
		  "ID block mask is not the SNP platform", 8),
		C(IDB, 0, 8, 4, 0, "ID block mask is not the SNP platform", 8),
		OK(IDB, 0, 8, 4, SNP | 0x8),
		C(IDB, 0, 13, 1, 1, "reserved field not zero", 13),
		C(IDB, 0, 15, 1, 1, "reserved field not zero", 13),
		C(IDB, 0, 12, 1, 2, "bad author_key_enabled", 12),
		C(IDB, 0, 108, 4, 1, "author key fields not zero", 108),
		C(IDB, 0, 8 + 400, 1, 1, "author key fields not zero", 108),
		C(IDB, 0, 8 + 695, 1, 1, "author key fields not zero", 108),
		OK(IDB, 0, 8 + 399, 1, 1), /* last byte of the ID key */
		OK(IDB, 0, 12, 1, 1),
	};
	struct igvm_vhs_snp_id_block id = { .compatibility_mask = SNP };
	struct raw r;
	size_t len;
	u8 *buf;
	u32 at;

	run_cases(cases, ARRAY_SIZE(cases));

	raw_init(&r, 1);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 0);
	raw_rec(&r, IDB, &id, sizeof(id));
	at = raw_rec(&r, IDB, &id, sizeof(id));
	buf = raw_build(&r, &len);
	expect_err(buf, len, "SNP ID block given twice", at + 8);
	free(buf);

	raw_init(&r, 1);
	raw_platform(&r, NAT, IGVM_PLATFORM_NATIVE, 0);
	id.compatibility_mask = NAT;
	at = raw_rec(&r, IDB, &id, sizeof(id));
	buf = raw_build(&r, &len);
	expect_err(buf, len, "ID block mask is not the SNP platform", at + 8);
	free(buf);
}

static void test_no_platform(void **state)
{
	struct raw r;
	size_t len;
	u8 *buf;

	raw_init(&r, 1);
	buf = raw_build(&r, &len);
	expect_err(buf, len, "no supported platform header", 24);
	free(buf);
}

/* Headers we only read: relocation regions, error range, VBS measurement. */
static void test_other_headers(void **state)
{
	u8 reloc[48] = { 0 }, ptr[32] = { 0 }, er[16] = { 0 }, vbs[864] = { 0 };
	struct raw r;
	size_t len;
	u8 *buf;
	u32 a, b, c, d, v;

	putn(reloc, 4, SNP);
	reloc[7] = 7;
	putn(reloc + 8, 8, 0x200000);
	putn(reloc + 16, 8, 0x400000);
	putn(reloc + 24, 8, 0x3000);
	putn(reloc + 32, 8, 0x200000);
	putn(reloc + 40, 8, 0x40000000);
	putn(ptr, 4, SNP);
	putn(ptr + 8, 8, 0x10000);
	putn(ptr + 16, 8, 0x4000);
	putn(ptr + 24, 8, 0x2000);
	putn(er, 8, 0x5000);
	putn(er + 8, 4, SNP);
	putn(er + 12, 4, 0x1000);
	putn(vbs, 4, 0x10);

	raw_init(&r, 2);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 2);
	v = raw_platform(&r, 0x10, IGVM_PLATFORM_VSM_ISOLATION, 2);
	a = raw_rec(&r, IGVM_VHT_RELOCATABLE_REGION, reloc, sizeof(reloc));
	b = raw_rec(&r, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, ptr,
		    sizeof(ptr));
	c = raw_rec(&r, IGVM_VHT_ERROR_RANGE, er, sizeof(er));
	d = raw_rec(&r, IGVM_VHT_VBS_MEASUREMENT, vbs, sizeof(vbs));
	buf = raw_build(&r, &len);
	expect_ok(buf, len);

#define TRY(off, w, v, reason, eoff)                             \
	do {                                                     \
		u64 old = getn(buf + (off), (w));                \
		putn(buf + (off), (w), (v));                     \
		fix_crc(buf, len);                               \
		expect_err(buf, len, (reason), (eoff));          \
		putn(buf + (off), (w), old);                     \
		fix_crc(buf, len);                               \
	} while (0)

	TRY(a + 8 + 8, 8, 0x3000, "bad relocation alignment", a + 16);
	TRY(a + 8 + 8, 8, 0, "bad relocation alignment", a + 16);
	TRY(a + 8 + 16, 8, 0x401000, "misaligned gpa", a + 24);
	TRY(a + 8 + 40, 8, 0x40001000, "misaligned gpa", a + 48);
	TRY(a + 8 + 24, 8, 0x3800, "misaligned size", a + 32);
	TRY(a + 8 + 6, 1, 3, "bad VTL", a + 14);
	TRY(a + 8 + 7, 1, 8, "reserved field not zero", a + 15);
	TRY(a + 8, 4, 0, "compatibility mask is zero", a + 8);
	TRY(b + 8 + 7, 1, 1, "reserved field not zero", b + 15);
	TRY(b + 8 + 24, 8, 0x5000, "used size above region size", b + 32);
	TRY(b + 8 + 24, 8, 0x1800, "misaligned size", b + 32);
	TRY(b + 8 + 8, 8, 0x10800, "misaligned gpa", b + 16);
	TRY(b + 8 + 6, 1, 5, "bad VTL", b + 14);
	TRY(c + 8, 8, 0x5800, "misaligned gpa", c + 8);
	TRY(c + 8 + 12, 4, 0x800, "misaligned size", c + 20);
	TRY(c + 8 + 8, 4, 0x20, "mask names no declared platform", c + 16);
	TRY(d + 8, 4, 0, "compatibility mask is zero", d + 8);
	TRY(v + 16, 8, 0x1000, "shared GPA boundary not zero", v + 16);
	free(buf);

	raw_init(&r, 2);
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 2);
	raw_rec(&r, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, ptr, sizeof(ptr));
	a = raw_rec(&r, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, ptr,
		    sizeof(ptr));
	buf = raw_build(&r, &len);
	expect_err(buf, len, "page table relocation twice", a + 8);
	free(buf);
}

/* VSM contexts are a register list (digest §6.3). */
static void test_vbs_context(void **state)
{
	struct igvm_vhs_vp_context vp = { .compatibility_mask = 0x10 };
	u8 regs[4 + 3 * 32] = { 0 };
	struct raw r;
	size_t len;
	u8 *buf;
	u32 at, fo;

	putn(regs, 4, 3);
	putn(regs + 4 + 1, 4, 0x20010);      /* Rip */
	putn(regs + 4 + 32 + 1, 4, 0x40000); /* Cr0 */
	putn(regs + 4 + 64 + 1, 4, 0x8007A); /* last MTRR */
	for (int i = 0; i < 3; i++) {
		regs[4 + i * 32] = 2;
	}
	raw_init(&r, 2);
	raw_platform(&r, 0x10, IGVM_PLATFORM_VSM_ISOLATION, 2);
	at = raw_rec(&r, VP, &vp, sizeof(vp));
	raw_data(&r, at, 12, regs, sizeof(regs));
	buf = raw_build(&r, &len);
	expect_ok(buf, len);
	fo = get32(buf + at + 20);

	TRY(fo, 4, 0, "bad VBS VP context", at + 20);
	TRY(fo, 4, 4, "VP context outside the file", at + 20);
	TRY(fo, 4, 0x8000000, "VP context outside the file", at + 20);
	TRY(fo, 4, 0xFFFFFFFF, "VP context outside the file", at + 20);
	TRY(fo + 4 + 32, 1, 1, "bad VBS VP context", fo + 36);
	TRY(fo + 4 + 64 + 1, 4, 0x20000, "bad VBS VP context", fo + 68);
	TRY(fo + 4 + 64 + 1, 4, 0x8007B, "bad VBS VP context", fo + 68);
	TRY(fo + 4 + 32 + 15, 1, 1, "bad VBS VP context", fo + 36);
	TRY(at + 24, 2, 1, "bad VBS VP context", at + 20);
	TRY(at + 8, 8, 0x1000, "VP context gpa not zero", at + 8);
	TRY(at + 20, 4, 0, "VP context outside the file", at + 20);
	/* Registers for a VTL above 2 */
	for (int i = 0; i < 3; i++) {
		buf[fo + 4 + i * 32] = 3;
	}
	expect_err(buf, len, "bad VBS VP context", fo + 4);
	free(buf);
}

/* --- truncation ----------------------------------------------------------- */

static void truncations(u8 *(*make)(size_t *))
{
	size_t full;
	u8 *orig = make(&full), *buf = malloc(full);

	for (size_t len = 0; len < full; len++) {
		struct igvm_error err;
		u32 n;

		memcpy(buf, orig, len);
		/* As is: the size field no longer matches. */
		assert_true(walk(buf, len, &err, &n) < 0);
		/* With the size field and CRC made consistent, the walk must
		 * still fail: some header points past the new end. */
		if (len >= 32) {
			putn(buf + 16, 4, len);
			fix_crc(buf, len);
			assert_true(walk(buf, len, &err, &n) < 0);
		}
	}
	free(buf);
	free(orig);
}

static void test_truncation_small(void **state)
{
	truncations(small_file);
}

static void test_truncation_base(void **state)
{
	truncations(base_file);
}

/* --- helpers and iteration ------------------------------------------------ */

static void test_helpers(void **state)
{
	size_t len;
	u8 *buf = base_file(&len);
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	struct igvm_error err;
	/* platforms, policy, reqmem, 3 areas, 3 usages, insert, usage,
	 * 2 inserts, native VP, 2 pages, ID block, VMSA */
	static const u32 exp[19] = { 1, 2, 1, 3, 0, 0, 0, 0, 0, 0,
				     3, 0, 3, 3, 2, 3, 1, 1, 1 };
	u32 masks[32], n = 0;

	assert_int_equal(igvm_open(&f, buf, len, &err), 0);
	assert_int_equal(f.format_version, 2);
	assert_int_equal(f.fixed_header_size, 32);
	assert_int_equal(f.vh_offset, 32);
	assert_int_equal(f.vh_end, 32 + get32(buf + 12));
	for (int pass = 0; pass < 2; pass++) {
		igvm_iter_init(&it, &f);
		n = 0;
		while (igvm_next(&it, &rec, &err) == 1) {
			assert_ptr_equal(rec.body, buf + rec.offset + 8);
			masks[n++] = igvm_record_mask(&rec);
		}
		assert_int_equal(n, 19);
	}
	assert_int_equal(f.nplatforms, 2);
	assert_int_equal(f.declared_masks, 3);
	assert_int_equal(f.platforms[0].type, IGVM_PLATFORM_SEV_SNP);
	assert_int_equal(f.platforms[0].highest_vtl, 2);
	assert_int_equal(f.platforms[1].mask, NAT);
	assert_ptr_equal(igvm_find_platform(&f, NAT), &f.platforms[1]);
	assert_null(igvm_find_platform(&f, 3));
	assert_null(igvm_find_platform(&f, 0));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f.area_state[i], IGVM_AREA_INSERTED);
		assert_int_equal(f.area_size[i], 4096);
	}
	assert_int_equal(f.area_state[3], IGVM_AREA_UNUSED);
	assert_int_equal(f.id_block_masks, SNP);
	assert_memory_equal(masks, exp, sizeof(exp));

	assert_null(igvm_file_data(&f, f.vh_end - 1, 1));
	assert_null(igvm_file_data(&f, 0, 1));
	assert_non_null(igvm_file_data(&f, f.vh_end, 1));
	assert_non_null(igvm_file_data(&f, len - 1, 1));
	assert_null(igvm_file_data(&f, len - 1, 2));
	assert_null(igvm_file_data(&f, 0xFFFFFFFF, 0xFFFFFFFF));
	assert_ptr_equal(igvm_file_data(&f, f.vh_end, len - f.vh_end),
			 buf + f.vh_end);

	assert_string_equal(igvm_type_name(IGVM_VHT_PAGE_DATA), "PAGE_DATA");
	assert_string_equal(igvm_type_name(IGVM_VHT_SUPPORTED_PLATFORM),
			    "SUPPORTED_PLATFORM");
	assert_string_equal(igvm_type_name(IGVM_VHT_ENVIRONMENT_INFO_PARAMETER),
			    "ENVIRONMENT_INFO_PARAMETER");
	assert_string_equal(igvm_type_name(0x306), "UNKNOWN");
	assert_string_equal(igvm_type_name(0x80000302u), "UNKNOWN");
	rec.type = 0x999;
	assert_int_equal(igvm_record_mask(&rec), 0);
	free(buf);
}

/* The file may sit at any address; fields are read with memcpy. */
static void test_unaligned_buffer(void **state)
{
	size_t len;
	u8 *buf = base_file(&len), *odd = malloc(len + 3);
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	struct igvm_error err;
	u32 n = 0;

	memcpy(odd + 3, buf, len);
	assert_int_equal(igvm_open(&f, odd + 3, len, &err), 0);
	igvm_iter_init(&it, &f);
	while (igvm_next(&it, &rec, &err) == 1) {
		n += igvm_record_mask(&rec) != 0;
	}
	assert_int_equal(n, 12);
	free(odd);
	free(buf);
}

/* Headers may start after a gap that the CRC does not cover (§2). */
static void test_gap_before_headers(void **state)
{
	struct igvm_vhs_page_data pd = { .gpa = 0, .compatibility_mask = SNP };
	struct raw r;
	size_t len;
	u8 *buf;

	raw_init(&r, 1);
	r.gap = 16;
	raw_platform(&r, SNP, IGVM_PLATFORM_SEV_SNP, 0);
	raw_rec(&r, PD, &pd, sizeof(pd));
	buf = raw_build(&r, &len);
	expect_ok(buf, len);
	buf[30] = 0x77;
	expect_ok(buf, len);
	assert_int_equal(get32(buf + 8), 40);
	free(buf);
}

/* --- range sets ----------------------------------------------------------- */

static void test_range_set_basic(void **state)
{
	struct igvm_range store[4], clash;
	struct igvm_range_set s;

	igvm_range_set_init(&s, store, 4);
	assert_int_equal(igvm_range_set_add(&s, 5, 5, NULL), -SVSM_EINVAL);
	assert_int_equal(igvm_range_set_add(&s, 6, 5, NULL), -SVSM_EINVAL);
	assert_int_equal(igvm_range_set_add(&s, 0x1000, 0x2000, NULL), 0);
	assert_int_equal(igvm_range_set_add(&s, 0x5000, 0x6000, NULL), 0);
	/* Overlaps report the clashing range and change nothing. */
	assert_int_equal(igvm_range_set_add(&s, 0x1800, 0x1900, &clash),
			 -SVSM_EEXIST);
	assert_int_equal(clash.start, 0x1000);
	assert_int_equal(clash.end, 0x2000);
	assert_int_equal(igvm_range_set_add(&s, 0x0, 0x1001, &clash),
			 -SVSM_EEXIST);
	assert_int_equal(clash.start, 0x1000);
	assert_int_equal(igvm_range_set_add(&s, 0x1FFF, 0x5001, &clash),
			 -SVSM_EEXIST);
	assert_int_equal(clash.start, 0x1000);
	/* Touching the end of one range and overlapping the next. */
	assert_int_equal(igvm_range_set_add(&s, 0x2000, 0x5001, &clash),
			 -SVSM_EEXIST);
	assert_int_equal(clash.start, 0x5000);
	assert_int_equal(igvm_range_set_add(&s, 0x0, ~0ULL, NULL),
			 -SVSM_EEXIST);
	assert_int_equal(s.count, 2);
	/* Merges: left, right, both. */
	assert_int_equal(igvm_range_set_add(&s, 0x2000, 0x3000, NULL), 0);
	assert_int_equal(igvm_range_set_add(&s, 0x4000, 0x5000, NULL), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(store[0].end, 0x3000);
	assert_int_equal(store[1].start, 0x4000);
	assert_int_equal(igvm_range_set_add(&s, 0x3000, 0x4000, NULL), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(store[0].start, 0x1000);
	assert_int_equal(store[0].end, 0x6000);
	/* Capacity: three more disjoint ranges fit, the next does not, but
	 * one that merges still does. */
	assert_int_equal(igvm_range_set_add(&s, 0x10000, 0x11000, NULL), 0);
	assert_int_equal(igvm_range_set_add(&s, 0x0, 0x100, NULL), 0);
	assert_int_equal(igvm_range_set_add(&s, 0x8000, 0x9000, NULL), 0);
	assert_int_equal(igvm_range_set_add(&s, 0x20000, 0x21000, NULL),
			 -SVSM_ENOMEM);
	assert_int_equal(igvm_range_set_add(&s, 0x9000, 0xA000, NULL), 0);
	assert_int_equal(s.count, 4);
	assert_true(igvm_range_set_find(&s, 0x9FFF, 0xA000, &clash));
	assert_int_equal(clash.start, 0x8000);
	assert_int_equal(clash.end, 0xA000);
	assert_false(igvm_range_set_find(&s, 0xA000, 0x10000, NULL));
	assert_false(igvm_range_set_find(&s, 0x100, 0x1000, &clash));
	assert_true(igvm_range_set_find(&s, 0xFF, 0x1000, NULL));
	assert_int_equal(igvm_range_set_add(&s, ~0ULL - 1, ~0ULL, NULL),
			 -SVSM_ENOMEM);
	assert_int_equal(igvm_range_set_add(&s, 0x11000, ~0ULL, NULL), 0);
	assert_int_equal(store[3].end, ~0ULL);
}

/* Thousands of ranges, inserted out of order, then merged into one. */
static void test_range_set_many(void **state)
{
	enum { N = 5000 };
	struct igvm_range *store = malloc(N * sizeof(*store)), clash;
	struct igvm_range_set s;
	u32 k;

	igvm_range_set_init(&s, store, N);
	for (u32 i = 0; i < N; i++) {
		k = (i * 2749) % N; /* a permutation: 2749 is prime */
		assert_int_equal(igvm_range_set_add(&s, k * 0x2000ULL,
						    k * 0x2000ULL + 0x1000,
						    NULL),
				 0);
	}
	assert_int_equal(s.count, N);
	for (u32 i = 1; i < N; i++) {
		assert_true(store[i - 1].end < store[i].start);
	}
	for (u32 i = 0; i < N; i++) {
		k = (i * 2749) % N;
		assert_int_equal(igvm_range_set_add(&s, k * 0x2000ULL + 0x800,
						    k * 0x2000ULL + 0x1800,
						    &clash),
				 -SVSM_EEXIST);
		assert_int_equal(clash.start, k * 0x2000ULL);
	}
	for (u32 i = 0; i < N; i++) {
		k = (i * 1237) % N;
		assert_int_equal(igvm_range_set_add(&s,
						    k * 0x2000ULL + 0x1000,
						    k * 0x2000ULL + 0x2000,
						    NULL),
				 0);
	}
	assert_int_equal(s.count, 1);
	assert_int_equal(store[0].start, 0);
	assert_int_equal(store[0].end, N * 0x2000ULL);
	free(store);
}

/* Random adds against a bitmap of 1024 units. */
static void test_range_set_model(void **state)
{
	enum { UNITS = 1024 };
	struct igvm_range store[UNITS], clash;
	struct igvm_range_set s;
	u8 used[UNITS] = { 0 };
	u64 rng = 0x9E3779B97F4A7C15ULL;

	igvm_range_set_init(&s, store, UNITS);
	for (int op = 0; op < 20000; op++) {
		u32 a, b, first = UNITS;
		int ret;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		a = rng % UNITS;
		b = a + 1 + (u32)((rng >> 20) % 8);
		b = b > UNITS ? UNITS : b;
		for (u32 u = a; u < b; u++) {
			if (used[u] && first == UNITS) {
				first = u;
			}
		}
		ret = igvm_range_set_add(&s, a, b, &clash);
		if (first == UNITS) {
			assert_int_equal(ret, 0);
			memset(used + a, 1, b - a);
		} else {
			assert_int_equal(ret, -SVSM_EEXIST);
			assert_true(clash.start <= first && first < clash.end);
		}
	}
	/* The set is exactly the runs of the bitmap. */
	for (u32 u = 0, i = 0; u < UNITS; u++) {
		bool in = i < s.count && store[i].start <= u &&
			  u < store[i].end;

		assert_int_equal(in, used[u]);
		if (i < s.count && u + 1 == store[i].end) {
			assert_true(u + 1 == UNITS || !used[u + 1]);
			i++;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_valid),
		cmocka_unit_test(test_fixed_header),
		cmocka_unit_test(test_open_small_inputs),
		cmocka_unit_test(test_platform_records),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_section_order),
		cmocka_unit_test(test_masks_and_reserved),
		cmocka_unit_test(test_page_data),
		cmocka_unit_test(test_page_data_2mb),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_vp_context),
		cmocka_unit_test(test_native_context_tail),
		cmocka_unit_test(test_id_block),
		cmocka_unit_test(test_no_platform),
		cmocka_unit_test(test_other_headers),
		cmocka_unit_test(test_vbs_context),
		cmocka_unit_test(test_truncation_small),
		cmocka_unit_test(test_truncation_base),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_unaligned_buffer),
		cmocka_unit_test(test_gap_before_headers),
		cmocka_unit_test(test_range_set_basic),
		cmocka_unit_test(test_range_set_many),
		cmocka_unit_test(test_range_set_model),
	};

	return cmocka_run_group_tests(tests, setup_data, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * IGVM writer: round trips through the reader (every field of every record),
 * exact byte layout against hand-built files, deduplication, determinism and
 * the writer's own validation errors.
 *
 * Run as "test_igvm_writer --write-corpus DIR" it instead writes the seed
 * corpus of the igvm_parse fuzzer (see tests/fuzz/fuzz_igvm_parse.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>

#define MAXREC 64
#define SNP IGVM_MASK_SNP
#define NAT IGVM_MASK_NATIVE
#define VMSA_GPA 0xFFFFFFFFF000ULL

/* --- independent helpers -------------------------------------------------- */

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

static void put16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* CRC of the fixed header (checksum zeroed) followed by the headers. */
static u32 file_crc(const u8 *buf)
{
	u32 fixed = get32(buf + 4) == 1 ? 24 : 32;
	u8 hdr[32];
	u32 crc;

	memcpy(hdr, buf, fixed);
	put32(hdr + 0x14, 0);
	crc = ref_crc32(hdr, fixed, 0);
	return ref_crc32(buf + get32(buf + 8), get32(buf + 12), crc);
}

/* --- a writer wrapper that remembers what each record must contain -------- */

struct xrec {
	u32 type;
	u32 len;
	u8 body[sizeof(struct igvm_vhs_snp_id_block)];
	int fo_off;     /* offset of file_offset in body, -1 if none */
	const u8 *data; /* expected file data, NULL for file_offset 0 */
	size_t dlen;    /* bytes given */
	size_t dsize;   /* bytes stored (zero padded) */
};

struct tb {
	struct igvm_writer *w;
	struct xrec x[3][MAXREC];
	size_t n[3];
};

static struct xrec *tb_push(struct tb *t, int sect, u32 type,
			    const void *body, u32 len)
{
	struct xrec *x = &t->x[sect][t->n[sect]++];

	assert_true(t->n[sect] <= MAXREC);
	memset(x, 0, sizeof(*x));
	x->type = type;
	x->len = len;
	memcpy(x->body, body, len);
	x->fo_off = -1;
	return x;
}

static void tb_init(struct tb *t, u32 version)
{
	memset(t, 0, sizeof(*t));
	t->w = igvm_writer_new(version);
	assert_non_null(t->w);
}

static void tb_platform(struct tb *t, u32 mask, u8 type, u8 vtl, u64 bound)
{
	struct igvm_vhs_supported_platform p = { mask, vtl, type, 1, bound };

	assert_int_equal(igvm_add_platform(t->w, mask, type, vtl, bound), 0);
	tb_push(t, 0, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p));
}

static void tb_policy(struct tb *t, u64 policy, u32 mask)
{
	struct igvm_vhs_guest_policy p = { policy, mask, 0 };

	assert_int_equal(igvm_add_guest_policy(t->w, policy, mask), 0);
	tb_push(t, 1, IGVM_VHT_GUEST_POLICY, &p, sizeof(p));
}

static void tb_page(struct tb *t, u64 gpa, u32 mask, u32 flags, u16 dtype,
		    const u8 *data, size_t len)
{
	struct igvm_vhs_page_data p = { gpa, mask, 0, flags, dtype, 0 };
	struct xrec *x;

	assert_int_equal(igvm_add_page_data(t->w, gpa, mask, flags, dtype,
					    data, len),
			 0);
	x = tb_push(t, 2, IGVM_VHT_PAGE_DATA, &p, sizeof(p));
	x->fo_off = offsetof(struct igvm_vhs_page_data, file_offset);
	if (data && len) {
		x->data = data;
		x->dlen = len;
		x->dsize = 4096;
	}
}

static void tb_area(struct tb *t, u32 index, u64 nbytes, const u8 *initial)
{
	struct igvm_vhs_parameter_area p = { nbytes, index, 0 };
	struct xrec *x;

	assert_int_equal(igvm_add_parameter_area(t->w, index, nbytes, initial),
			 0);
	x = tb_push(t, 2, IGVM_VHT_PARAMETER_AREA, &p, sizeof(p));
	x->fo_off = offsetof(struct igvm_vhs_parameter_area, file_offset);
	x->data = initial;
	x->dlen = x->dsize = initial ? nbytes : 0;
}

static void tb_usage(struct tb *t, u32 type, u32 index, u32 off)
{
	struct igvm_vhs_parameter p = { index, off };

	assert_int_equal(igvm_add_parameter_usage(t->w, type, index, off), 0);
	tb_push(t, 2, type, &p, sizeof(p));
}

static void tb_insert(struct tb *t, u64 gpa, u32 mask, u32 index)
{
	struct igvm_vhs_parameter_insert p = { gpa, mask, index };

	assert_int_equal(igvm_add_parameter_insert(t->w, gpa, mask, index), 0);
	tb_push(t, 2, IGVM_VHT_PARAMETER_INSERT, &p, sizeof(p));
}

static void tb_vp(struct tb *t, u64 gpa, u32 mask, u16 vp, const u8 *page)
{
	struct igvm_vhs_vp_context v = { gpa, mask, 0, vp, 0 };
	struct xrec *x;

	assert_int_equal(igvm_add_vp_context(t->w, gpa, mask, vp, page), 0);
	x = tb_push(t, 2, IGVM_VHT_VP_CONTEXT, &v, sizeof(v));
	x->fo_off = offsetof(struct igvm_vhs_vp_context, file_offset);
	x->data = page;
	x->dlen = x->dsize = 4096;
}

static void tb_reqmem(struct tb *t, u64 gpa, u32 mask, u32 n, u32 flags)
{
	struct igvm_vhs_required_memory r = { gpa, mask, n, flags, 0 };

	assert_int_equal(igvm_add_required_memory(t->w, gpa, mask, n, flags),
			 0);
	tb_push(t, 2, IGVM_VHT_REQUIRED_MEMORY, &r, sizeof(r));
}

static void tb_id_block(struct tb *t, const struct igvm_vhs_snp_id_block *b)
{
	assert_int_equal(igvm_add_snp_id_block(t->w, b), 0);
	tb_push(t, 2, IGVM_VHT_SNP_ID_BLOCK, b, sizeof(*b));
}

static void tb_serialize(struct tb *t, u8 **buf, size_t *len)
{
	int ret = igvm_writer_serialize(t->w, buf, len);

	if (ret) {
		fail_msg("serialize: %s", igvm_writer_error(t->w));
	}
}

static void check_record(const struct igvm_file *f, const struct xrec *x,
			 const struct igvm_record *rec)
{
	const u8 *body = rec->body;
	u32 fo;

	assert_int_equal(rec->type, x->type);
	assert_int_equal(rec->length, x->len);
	if (x->fo_off < 0) {
		assert_memory_equal(body, x->body, x->len);
		return;
	}
	/* Every field but file_offset must be as given; that one is checked
	 * by following it to the data. */
	assert_memory_equal(body, x->body, x->fo_off);
	assert_memory_equal(body + x->fo_off + 4, x->body + x->fo_off + 4,
			    x->len - x->fo_off - 4);
	fo = get32(body + x->fo_off);
	if (!x->data) {
		assert_int_equal(fo, 0);
		return;
	}
	assert_true(fo >= f->vh_end);
	assert_non_null(igvm_file_data(f, fo, x->dsize));
	assert_memory_equal(f->data + fo, x->data, x->dlen);
	assert_true(mem_is_zero(f->data + fo + x->dlen, x->dsize - x->dlen));
}

/* Parses buf with the reader and compares it with what t was given. */
static void tb_verify(const struct tb *t, const u8 *buf, size_t len)
{
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	struct igvm_error err = { 0, NULL };

	if (igvm_open(&f, buf, len, &err)) {
		fail_msg("open: %s at 0x%x", err.reason, err.offset);
	}
	igvm_iter_init(&it, &f);
	for (int s = 0; s < 3; s++) {
		for (size_t i = 0; i < t->n[s]; i++) {
			if (igvm_next(&it, &rec, &err) != 1) {
				fail_msg("record %d/%zu: %s at 0x%x", s, i,
					 err.reason, err.offset);
			}
			check_record(&f, &t->x[s][i], &rec);
		}
	}
	assert_int_equal(igvm_next(&it, &rec, &err), 0);
	assert_int_equal(get32(buf + 0x14), file_crc(buf));
}

/* --- test data ------------------------------------------------------------ */

static u8 page_a[4096], page_b[4096], vmsa[4096], native_ctx[4096];
static u8 area_init[8192];
static struct igvm_vhs_snp_id_block id_block;

static int setup_data(void **state)
{
	struct igvm_native_vp_context_x64 ctx = { 0 };

	for (size_t i = 0; i < sizeof(page_a); i++) {
		page_a[i] = (u8)(i * 7 + 1);
		page_b[i] = (u8)(i * 13 + 5);
	}
	memset(vmsa, 0, sizeof(vmsa));
	put64(vmsa + 0x178, 0x808000);  /* RIP */
	put64(vmsa + 0x158, 0x31);      /* CR0 */
	put64(vmsa + 0x3B0, 0x29);      /* SEV_FEATURES */
	ctx.rip = 0x10002;
	ctx.cr0 = 0x80000031;
	ctx.cr3 = 0x13000;
	ctx.efer = 0x1500;
	ctx.code_selector = 8;
	memset(native_ctx, 0, sizeof(native_ctx));
	memcpy(native_ctx, &ctx, sizeof(ctx));
	for (size_t i = 0; i < sizeof(area_init); i++) {
		area_init[i] = (u8)(i >> 4);
	}
	memset(&id_block, 0, sizeof(id_block));
	id_block.compatibility_mask = SNP;
	memset(id_block.ld, 0xAB, sizeof(id_block.ld));
	memset(id_block.family_id, 1, sizeof(id_block.family_id));
	memset(id_block.image_id, 2, sizeof(id_block.image_id));
	id_block.version = 1;
	id_block.guest_svn = 3;
	id_block.id_key_algorithm = 1;
	memset(&id_block.id_key_signature, 0x5A,
	       sizeof(id_block.id_key_signature));
	id_block.id_public_key.curve = 2;
	memset(id_block.id_public_key.qx, 0x11, 72);
	memset(id_block.id_public_key.qy, 0x22, 72);
	(void)state;
	return 0;
}

/* COCONUT's QEMU shape (digest §10.2), shrunk: SNP + NATIVE, v2. */
static void build_coconut(struct tb *t)
{
	tb_init(t, IGVM_FORMAT_V2);
	tb_platform(t, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0);
	tb_platform(t, NAT, IGVM_PLATFORM_NATIVE, 0, 0);
	tb_policy(t, 0x30000, SNP);
	tb_reqmem(t, 0x8000000, SNP | NAT, 0x1000000, 0);
	tb_area(t, 1, 4096, NULL);
	tb_area(t, 2, 4096, NULL);
	tb_area(t, 0, 8192, area_init);
	tb_usage(t, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	tb_usage(t, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 0, 4);
	tb_usage(t, IGVM_VHT_MADT, 2, 0);
	tb_usage(t, IGVM_VHT_MEMORY_MAP, 1, 0);
	tb_insert(t, 0x20000, SNP | NAT, 1);
	tb_insert(t, 0x21000, SNP | NAT, 2);
	tb_insert(t, 0x22000, SNP | NAT, 0);
	tb_vp(t, 0, NAT, 0, native_ctx);
	tb_page(t, 0x10000, SNP | NAT, 0, IGVM_PAGE_DATA_NORMAL, page_a, 4096);
	tb_page(t, 0x11000, SNP | NAT, 0, IGVM_PAGE_DATA_NORMAL, page_b, 100);
	tb_page(t, 0x12000, SNP | NAT, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0);
	tb_page(t, 0x13000, SNP, IGVM_PAGE_DATA_FLAG_UNMEASURED,
		IGVM_PAGE_DATA_NORMAL, page_a, 4096);
	tb_page(t, 0x13000, NAT, 0, IGVM_PAGE_DATA_NORMAL, page_b, 4096);
	tb_page(t, 0x806000, SNP, 0, IGVM_PAGE_DATA_SECRETS, NULL, 0);
	tb_page(t, 0x807000, SNP, 0, IGVM_PAGE_DATA_CPUID_DATA, page_b, 48);
	tb_page(t, 0x808000, SNP, IGVM_PAGE_DATA_FLAG_SHARED,
		IGVM_PAGE_DATA_CPUID_XF, page_a, 1);
	tb_id_block(t, &id_block);
	tb_vp(t, VMSA_GPA, SNP, 0, vmsa);
}

/* --- round trips ---------------------------------------------------------- */

static void test_roundtrip_coconut(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	u8 *buf;
	size_t len;

	build_coconut(t);
	tb_serialize(t, &buf, &len);
	assert_int_equal(get32(buf + 4), 2);
	assert_int_equal(get32(buf + 8), 32);
	tb_verify(t, buf, len);
	free(buf);
	igvm_writer_free(t->w);
	free(t);
}

static void test_roundtrip_v1_snp(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	u8 *buf;
	size_t len;

	tb_init(t, IGVM_FORMAT_V1);
	tb_platform(t, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0x8000000000ULL);
	tb_page(t, 0x0, SNP, 0, 0, page_a, 4096);
	tb_page(t, 0x1000, SNP, 0, 0, NULL, 0);
	tb_vp(t, VMSA_GPA, SNP, 0, vmsa);
	tb_vp(t, VMSA_GPA - 0x1000, SNP, 1, vmsa);
	tb_serialize(t, &buf, &len);
	assert_int_equal(get32(buf + 4), 1);
	assert_int_equal(get32(buf + 8), 24);
	tb_verify(t, buf, len);
	free(buf);
	igvm_writer_free(t->w);
	free(t);
}

/* Four platforms, each with its own view of the same GPA. */
static void test_roundtrip_many_platforms(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	u8 *buf;
	size_t len;

	tb_init(t, IGVM_FORMAT_V2);
	tb_platform(t, 0x1, IGVM_PLATFORM_SEV_SNP, 2, 0);
	tb_platform(t, 0x4, IGVM_PLATFORM_TDX, 2, 0);
	tb_platform(t, 0x10, IGVM_PLATFORM_VSM_ISOLATION, 2, 0);
	tb_platform(t, 0x2, IGVM_PLATFORM_NATIVE, 0, 0);
	tb_platform(t, 0x20, IGVM_PLATFORM_SEV_ES, 0, 0);
	tb_policy(t, 0x30000, 0x1);
	tb_policy(t, 0x1, 0x4);
	tb_page(t, 0xF000, 0x16, 0, 0, page_a, 4096);
	tb_page(t, 0x805000, 0x1, 0, 0, page_a, 10);
	tb_page(t, 0x805000, 0x4, 0, 0, page_b, 10);
	tb_page(t, 0x805000, 0x12, 0, 0, NULL, 0);
	tb_page(t, 0x805000, 0x20, 0, 0, page_b, 4096);
	tb_vp(t, 0, 0x2, 0, native_ctx);
	tb_vp(t, 0x900000, 0x20, 0, vmsa);
	tb_serialize(t, &buf, &len);
	tb_verify(t, buf, len);
	free(buf);
	igvm_writer_free(t->w);
	free(t);
}

/* Records added to an earlier section after later ones land in order. */
static void test_sections_reordered(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	u8 *buf;
	size_t len;

	tb_init(t, IGVM_FORMAT_V2);
	tb_platform(t, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0);
	tb_page(t, 0x3000, SNP, 0, 0, page_b, 4096);
	tb_reqmem(t, 0x100000, SNP, 0x2000, 1);
	tb_policy(t, 0x30000, SNP);
	tb_platform(t, NAT, IGVM_PLATFORM_NATIVE, 0, 0);
	tb_page(t, 0x2000, NAT, 0, 0, page_a, 4096);
	tb_policy(t, 0x1, NAT);
	/* tb keeps per-section lists, so verify expects sections in order. */
	tb_serialize(t, &buf, &len);
	tb_verify(t, buf, len);
	assert_int_equal(get32(buf + 32), IGVM_VHT_SUPPORTED_PLATFORM);
	assert_int_equal(get32(buf + 56), IGVM_VHT_SUPPORTED_PLATFORM);
	assert_int_equal(get32(buf + 80), IGVM_VHT_GUEST_POLICY);
	assert_int_equal(get32(buf + 104), IGVM_VHT_GUEST_POLICY);
	assert_int_equal(get32(buf + 128), IGVM_VHT_PAGE_DATA);
	assert_int_equal(get32(buf + 160), IGVM_VHT_REQUIRED_MEMORY);
	assert_int_equal(get32(buf + 192), IGVM_VHT_PAGE_DATA);
	free(buf);
	igvm_writer_free(t->w);
	free(t);
}

/* --- exact bytes ---------------------------------------------------------- */

/* A v1 file built by hand, byte for byte (digest §2, §3, §4.1, §6.1). */
static void test_layout_v1_exact(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V1);
	u8 *buf, exp[24 + 24 + 32 + 4096];
	size_t len;

	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2,
					   0x123456789ULL),
			 0);
	assert_int_equal(igvm_add_page_data(w, 0x1000, SNP, 2,
					    IGVM_PAGE_DATA_NORMAL, "hello", 5),
			 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);

	memset(exp, 0, sizeof(exp));
	memcpy(exp, "IGVM", 4);
	put32(exp + 4, 1);
	put32(exp + 8, 24);
	put32(exp + 12, 56);
	put32(exp + 16, sizeof(exp));
	put32(exp + 24, 0x001);
	put32(exp + 28, 16);
	put32(exp + 32, SNP);
	exp[36] = 2;
	exp[37] = IGVM_PLATFORM_SEV_SNP;
	put16(exp + 38, 1);
	put64(exp + 40, 0x123456789ULL);
	put32(exp + 48, 0x302);
	put32(exp + 52, 24);
	put64(exp + 56, 0x1000);
	put32(exp + 64, SNP);
	put32(exp + 68, 80); /* file data starts right after the headers */
	put32(exp + 72, 2);
	memcpy(exp + 80, "hello", 5);
	put32(exp + 20, ref_crc32(exp, 80, 0));

	assert_int_equal(len, sizeof(exp));
	assert_memory_equal(buf, exp, sizeof(exp));
	free(buf);
	igvm_writer_free(w);
}

/* v2 fixed header and the 20-byte VP_CONTEXT with 4 bytes of padding. */
static void test_layout_v2_vp_context(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);
	u8 *buf;
	size_t len;

	assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0),
			 0);
	assert_int_equal(igvm_add_vp_context(w, 0, NAT, 3, native_ctx), 0);
	assert_int_equal(igvm_add_required_memory(w, 0x200000, NAT, 0x3000, 1),
			 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);
	assert_int_equal(len, 32 + 24 + 32 + 32 + 4096);
	assert_int_equal(get32(buf + 0x18), IGVM_ARCH_X64);
	assert_int_equal(get32(buf + 0x1C), 4096);
	assert_int_equal(get32(buf + 8), 32);
	assert_int_equal(get32(buf + 12), 88);
	assert_int_equal(get32(buf + 16), len);
	/* VP_CONTEXT at 56 */
	assert_int_equal(get32(buf + 56), 0x304);
	assert_int_equal(get32(buf + 60), 20);
	assert_true(mem_is_zero(buf + 64, 8));       /* gpa */
	assert_int_equal(get32(buf + 72), NAT);
	assert_int_equal(get32(buf + 76), 120);      /* file_offset */
	assert_int_equal(buf[80] | buf[81] << 8, 3); /* vp_index */
	assert_true(mem_is_zero(buf + 82, 6));       /* reserved + padding */
	/* REQUIRED_MEMORY at 88 */
	assert_int_equal(get32(buf + 88), 0x305);
	assert_int_equal(get32(buf + 92), 24);
	assert_int_equal(get32(buf + 96), 0x200000);
	assert_int_equal(get32(buf + 104), NAT);
	assert_int_equal(get32(buf + 108), 0x3000);
	assert_int_equal(get32(buf + 112), 1);
	assert_int_equal(get32(buf + 116), 0);
	assert_memory_equal(buf + 120, native_ctx, 4096);
	assert_int_equal(get32(buf + 0x14), file_crc(buf));
	free(buf);
	igvm_writer_free(w);
}

/* Parameter headers, guest policy and ID block bytes at their offsets. */
static void test_layout_param_and_id_block(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V1);
	u8 *buf;
	size_t len;
	u32 at = 24;

	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0),
			 0);
	assert_int_equal(igvm_add_guest_policy(w, 0x1234567890ULL, SNP), 0);
	assert_int_equal(igvm_add_parameter_area(w, 5, 0x2000, area_init), 0);
	assert_int_equal(igvm_add_parameter_usage(w, IGVM_VHT_COMMAND_LINE, 5,
						  0x10),
			 0);
	assert_int_equal(igvm_add_parameter_insert(w, 0x40000, SNP, 5), 0);
	assert_int_equal(igvm_add_snp_id_block(w, &id_block), 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);

	at += 24; /* platform */
	assert_int_equal(get32(buf + at), 0x101);
	assert_int_equal(get32(buf + at + 4), 16);
	assert_int_equal(get32(buf + at + 8), 0x34567890);
	assert_int_equal(get32(buf + at + 12), 0x12);
	assert_int_equal(get32(buf + at + 16), SNP);
	assert_int_equal(get32(buf + at + 20), 0);
	at += 24;
	assert_int_equal(get32(buf + at), 0x301);
	assert_int_equal(get32(buf + at + 4), 16);
	assert_int_equal(get32(buf + at + 8), 0x2000);
	assert_int_equal(get32(buf + at + 12), 0);
	assert_int_equal(get32(buf + at + 16), 5);
	/* file data starts after fixed header + all headers */
	assert_int_equal(get32(buf + at + 20),
			 24 + 24 + 24 + 24 + 16 + 24 + 704);
	at += 24;
	assert_int_equal(get32(buf + at), 0x30E);
	assert_int_equal(get32(buf + at + 4), 8);
	assert_int_equal(get32(buf + at + 8), 5);
	assert_int_equal(get32(buf + at + 12), 0x10);
	at += 16;
	assert_int_equal(get32(buf + at), 0x303);
	assert_int_equal(get32(buf + at + 4), 16);
	assert_int_equal(get32(buf + at + 8), 0x40000);
	assert_int_equal(get32(buf + at + 16), SNP);
	assert_int_equal(get32(buf + at + 20), 5);
	at += 24;
	assert_int_equal(get32(buf + at), 0x30B);
	assert_int_equal(get32(buf + at + 4), 696);
	assert_memory_equal(buf + at + 8, &id_block, 696);
	at += 704;
	assert_int_equal(at, get32(buf + 8) + get32(buf + 12));
	assert_memory_equal(buf + at, area_init, 0x2000);
	assert_int_equal(len, at + 0x2000);
	assert_int_equal(get32(buf + 0x14), file_crc(buf));
	free(buf);
	igvm_writer_free(w);
}

/* Identical blobs share one copy; offsets follow first use in header order. */
static void test_dedup_offsets(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);
	u8 *buf, short_a[4096];
	size_t len;
	u32 data_start, fo[7];

	memcpy(short_a, page_a, 4096);
	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0),
			 0);
	assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0),
			 0);
	igvm_add_page_data(w, 0x0000, SNP, 0, 0, page_a, 4096);
	igvm_add_page_data(w, 0x1000, SNP, 0, 0, page_b, 4096);
	igvm_add_page_data(w, 0x2000, SNP, 0, 0, short_a, 4096);
	igvm_add_page_data(w, 0x3000, SNP, 0, 0, NULL, 0);
	igvm_add_page_data(w, 0x4000, SNP, 0, 0, page_b, 4096);
	/* "hello" and "hello\0\0" pad to the same page. */
	igvm_add_page_data(w, 0x5000, SNP, 0, 0, "hello", 5);
	assert_int_equal(igvm_add_page_data(w, 0x6000, SNP, 0, 0, "hello\0", 7),
			 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);
	data_start = 32 + 2 * 24 + 7 * 32;
	for (int i = 0; i < 7; i++) {
		fo[i] = get32(buf + 32 + 48 + i * 32 + 8 + 12);
	}
	assert_int_equal(fo[0], data_start);
	assert_int_equal(fo[1], data_start + 4096);
	assert_int_equal(fo[2], data_start);
	assert_int_equal(fo[3], 0);
	assert_int_equal(fo[4], data_start + 4096);
	assert_int_equal(fo[5], data_start + 8192);
	assert_int_equal(fo[6], data_start + 8192);
	assert_int_equal(len, data_start + 3 * 4096);
	free(buf);
	igvm_writer_free(w);
}

static void test_determinism(void **state)
{
	struct tb *t1 = malloc(sizeof(*t1)), *t2 = malloc(sizeof(*t2));
	u8 *a, *b, *c;
	size_t la, lb, lc;

	build_coconut(t1);
	build_coconut(t2);
	tb_serialize(t1, &a, &la);
	tb_serialize(t1, &c, &lc);
	tb_serialize(t2, &b, &lb);
	assert_int_equal(la, lb);
	assert_int_equal(la, lc);
	assert_memory_equal(a, b, la);
	assert_memory_equal(a, c, la);
	free(a);
	free(b);
	free(c);
	igvm_writer_free(t1->w);
	igvm_writer_free(t2->w);
	free(t1);
	free(t2);
}

/* 10,000 pages with 100 distinct contents: dedup must keep 100 blobs. */
static void test_many_pages(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V1);
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	struct igvm_error err;
	u8 page[4096], *buf;
	size_t len;
	u32 n = 0;

	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0),
			 0);
	for (u32 i = 0; i < 10000; i++) {
		memset(page, 0, sizeof(page));
		put32(page + 100, i % 100);
		/* Reverse order with a gap every 7 pages: many ranges. */
		assert_int_equal(igvm_add_page_data(w,
						    (u64)(20000 - i) * 4096 +
							    (i / 7) * 0x100000,
						    SNP, 0, 0, page, 4096),
				 0);
	}
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);
	assert_int_equal(len, 24 + 24 + 10000 * 32 + 100 * 4096);
	assert_int_equal(igvm_open(&f, buf, len, &err), 0);
	igvm_iter_init(&it, &f);
	while (igvm_next(&it, &rec, &err) == 1) {
		n++;
	}
	assert_int_equal(n, 10001);
	free(buf);
	igvm_writer_free(w);
}

/* --- validation errors ---------------------------------------------------- */

static struct igvm_writer *two_platforms(void)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);

	assert_non_null(w);
	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0),
			 0);
	assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0),
			 0);
	return w;
}

#define assert_err(w, call, msg)                                      \
	do {                                                          \
		assert_true((call) < 0);                              \
		assert_string_equal(igvm_writer_error(w), (msg));     \
	} while (0)

static void test_err_overlap_pages(void **state)
{
	struct igvm_writer *w = two_platforms();

	assert_int_equal(igvm_add_page_data(w, 0x10000, SNP | NAT, 0, 0, NULL,
					    0),
			 0);
	assert_int_equal(igvm_add_page_data(w, 0x11000, NAT, 0, 0, NULL, 0), 0);
	assert_err(w, igvm_add_page_data(w, 0x10000, NAT, 0, 0, page_a, 4096),
		   "page 0x10000 for mask 0x2 overlaps page data 0x10000-0x11000 already loaded");
	assert_err(w, igvm_add_page_data(w, 0x11000, SNP | NAT, 0, 0, NULL, 0),
		   "page 0x11000 for mask 0x2 overlaps page data 0x11000-0x12000 already loaded");
	/* Same GPA for a platform that has not loaded it is fine. */
	assert_int_equal(igvm_add_page_data(w, 0x11000, SNP, 0, 0, NULL, 0), 0);
	igvm_writer_free(w);
}

static void test_err_overlap_insert_and_vmsa(void **state)
{
	struct igvm_writer *w = two_platforms();

	assert_int_equal(igvm_add_parameter_area(w, 0, 0x2000, NULL), 0);
	assert_int_equal(igvm_add_parameter_area(w, 1, 0x1000, NULL), 0);
	assert_int_equal(igvm_add_page_data(w, 0x21000, SNP, 0, 0, NULL, 0), 0);
	assert_err(w, igvm_add_parameter_insert(w, 0x20000, SNP | NAT, 0),
		   "parameter area 0 insert at 0x20000 for mask 0x1 overlaps page data 0x21000-0x22000 already loaded");
	/* The failed insert left area 0 insertable. */
	assert_int_equal(igvm_add_parameter_insert(w, 0x30000, SNP | NAT, 0),
			 0);
	assert_err(w, igvm_add_page_data(w, 0x31000, NAT, 0, 0, NULL, 0),
		   "page 0x31000 for mask 0x2 overlaps parameter area 0 inserted at 0x30000-0x32000 already loaded");
	assert_err(w, igvm_add_vp_context(w, 0x30000, SNP, 0, vmsa),
		   "VMSA for mask 0x1 overlaps parameter area 0 inserted at 0x30000-0x32000 already loaded");
	assert_int_equal(igvm_add_vp_context(w, 0x40000, SNP, 0, vmsa), 0);
	assert_err(w, igvm_add_parameter_insert(w, 0x40000, SNP, 1),
		   "parameter area 1 insert at 0x40000 for mask 0x1 overlaps VMSA 0x40000-0x41000 already loaded");
	assert_int_equal(igvm_add_parameter_insert(w, 0x40000, NAT, 1), 0);
	/* Native contexts load nothing; required memory may overlap. */
	assert_int_equal(igvm_add_page_data(w, 0x0, NAT, 0, 0, NULL, 0), 0);
	assert_int_equal(igvm_add_vp_context(w, 0, NAT, 0, native_ctx), 0);
	assert_int_equal(igvm_add_required_memory(w, 0, SNP | NAT, 0x100000, 0),
			 0);
	assert_err(w, igvm_add_page_data(w, 0xFFFFFFFFFFFFF000ULL, SNP, 0, 0,
					 NULL, 0),
		   "page 0xfffffffffffff000: range wraps around the address space");
	igvm_writer_free(w);
}

static void test_err_masks_and_alignment(void **state)
{
	struct igvm_writer *w = two_platforms();

	assert_err(w, igvm_add_page_data(w, 0x1000, 0x5, 0, 0, NULL, 0),
		   "page 0x1000: mask 0x5 has bits 0x4 that name no declared platform");
	assert_err(w, igvm_add_page_data(w, 0x1000, 0, 0, 0, NULL, 0),
		   "page 0x1000: compatibility mask is zero");
	assert_err(w, igvm_add_page_data(w, 0x1800, SNP, 0, 0, NULL, 0),
		   "page 0x1800: gpa 0x1800 is not 4 KiB aligned");
	assert_err(w, igvm_add_page_data(w, 0x200000, SNP,
					 IGVM_PAGE_DATA_FLAG_2MB, 0, NULL, 0),
		   "page 0x200000: 2 MiB pages are not supported");
	assert_err(w, igvm_add_page_data(w, 0x1000, SNP, 0x8, 0, NULL, 0),
		   "page 0x1000: flags 0x8 have reserved bits set");
	assert_err(w, igvm_add_page_data(w, 0x1000, SNP, 0, 4, NULL, 0),
		   "page 0x1000: unknown page data type 4");
	assert_err(w, igvm_add_page_data(w, 0x1000, SNP, 0, 0, area_init, 4097),
		   "page 0x1000: 4097 bytes of data exceed 4096");
	assert_err(w, igvm_add_guest_policy(w, 0, 0x8),
		   "guest policy: mask 0x8 has bits 0x8 that name no declared platform");
	assert_err(w, igvm_add_required_memory(w, 0x1000, SNP, 0x1800, 0),
		   "required memory at 0x1000: size 0x1800 is not a nonzero multiple of 4 KiB");
	assert_err(w, igvm_add_required_memory(w, 0x1000, SNP, 0, 0),
		   "required memory at 0x1000: size 0x0 is not a nonzero multiple of 4 KiB");
	assert_err(w, igvm_add_required_memory(w, 0x1001, SNP, 0x1000, 0),
		   "required memory: gpa 0x1001 is not 4 KiB aligned");
	assert_err(w, igvm_add_required_memory(w, 0x1000, SNP, 0x1000, 2),
		   "required memory at 0x1000: flags 0x2 have reserved bits set");
	igvm_writer_free(w);
}

static void test_err_platforms(void **state)
{
	struct igvm_writer *w = two_platforms();

	assert_null(igvm_writer_new(3));
	assert_err(w, igvm_add_platform(w, 0x3, IGVM_PLATFORM_TDX, 0, 0),
		   "platform mask 0x3 must have exactly one bit");
	assert_err(w, igvm_add_platform(w, 0x0, IGVM_PLATFORM_TDX, 0, 0),
		   "platform mask 0x0 must have exactly one bit");
	assert_err(w, igvm_add_platform(w, NAT, IGVM_PLATFORM_TDX, 0, 0),
		   "platform mask 0x2 declared twice");
	assert_err(w, igvm_add_platform(w, 0x4, IGVM_PLATFORM_NATIVE, 0, 0),
		   "platform type 0 declared twice");
	assert_err(w, igvm_add_platform(w, 0x4, 6, 0, 0),
		   "unknown platform type 6");
	assert_err(w, igvm_add_platform(w, 0x4, IGVM_PLATFORM_TDX, 1, 0),
		   "platform 0x4: highest VTL 1 is not 0 or 2");
	assert_err(w, igvm_add_platform(w, 0x10, IGVM_PLATFORM_VSM_ISOLATION, 2,
					0x1000),
		   "platform 0x10: shared GPA boundary 0x1000 must be 0");
	assert_int_equal(igvm_add_platform(w, 0x4, IGVM_PLATFORM_TDX, 2, 0), 0);
	igvm_writer_free(w);
}

static void test_err_parameter_lifecycle(void **state)
{
	struct igvm_writer *w = two_platforms();

	assert_err(w, igvm_add_parameter_area(w, 16, 4096, NULL),
		   "parameter area index 16 is not below 16");
	assert_err(w, igvm_add_parameter_area(w, 0, 0, NULL),
		   "parameter area 0: size 0x0 is not a nonzero multiple of 4 KiB below 4 GiB");
	assert_err(w, igvm_add_parameter_area(w, 0, 0x1800, NULL),
		   "parameter area 0: size 0x1800 is not a nonzero multiple of 4 KiB below 4 GiB");
	assert_err(w, igvm_add_parameter_usage(w, IGVM_VHT_MADT, 0, 0),
		   "MADT: parameter area 0 used before declaration");
	assert_err(w, igvm_add_parameter_insert(w, 0x1000, SNP, 0),
		   "parameter area 0 insert at 0x1000: parameter area 0 used before declaration");
	assert_int_equal(igvm_add_parameter_area(w, 0, 4096, NULL), 0);
	assert_err(w, igvm_add_parameter_area(w, 0, 4096, NULL),
		   "parameter area 0 declared twice");
	assert_err(w, igvm_add_parameter_usage(w, IGVM_VHT_PAGE_DATA, 0, 0),
		   "type 0x302 is not a parameter usage");
	assert_err(w, igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER,
					       0, 4093),
		   "VP_COUNT_PARAMETER: byte offset 0xffd does not fit parameter area 0 of 0x1000 bytes");
	assert_err(w, igvm_add_parameter_usage(w, IGVM_VHT_SRAT, 0, 4096),
		   "SRAT: byte offset 0x1000 does not fit parameter area 0 of 0x1000 bytes");
	assert_int_equal(igvm_add_parameter_usage(w, IGVM_VHT_SRAT, 0, 4095),
			 0);
	assert_int_equal(igvm_add_parameter_usage(w,
						  IGVM_VHT_VP_COUNT_PARAMETER,
						  0, 4092),
			 0);
	assert_err(w, igvm_add_parameter_insert(w, 0x1800, SNP, 0),
		   "parameter area 0 insert at 0x1800: gpa 0x1800 is not 4 KiB aligned");
	assert_err(w, igvm_add_parameter_insert(w, 0x1000, 0x8, 0),
		   "parameter area 0 insert at 0x1000: mask 0x8 has bits 0x8 that name no declared platform");
	assert_int_equal(igvm_add_parameter_insert(w, 0x1000, SNP, 0), 0);
	assert_err(w, igvm_add_parameter_insert(w, 0x2000, NAT, 0),
		   "parameter area 0 inserted twice");
	assert_err(w, igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, 0, 0),
		   "MEMORY_MAP: parameter area 0 already inserted");
	igvm_writer_free(w);
}

static void test_err_vp_context(void **state)
{
	struct igvm_writer *w = two_platforms();
	u8 bad[4096];

	assert_int_equal(igvm_add_platform(w, 0x4, IGVM_PLATFORM_TDX, 2, 0), 0);
	assert_err(w, igvm_add_vp_context(w, 0, 0x3, 0, native_ctx),
		   "VP context mask 0x3 is not exactly one declared platform");
	assert_err(w, igvm_add_vp_context(w, 0, 0x8, 0, native_ctx),
		   "VP context mask 0x8 is not exactly one declared platform");
	assert_err(w, igvm_add_vp_context(w, 0, 0x4, 0, native_ctx),
		   "VP context for mask 0x4: platform type 3 is not supported");
	assert_err(w, igvm_add_vp_context(w, 0x1000, NAT, 0, native_ctx),
		   "native VP context for mask 0x2: gpa 0x1000 must be 0");
	memcpy(bad, native_ctx, sizeof(bad));
	bad[4095] = 1;
	assert_err(w, igvm_add_vp_context(w, 0, NAT, 0, bad),
		   "native VP context for mask 0x2: bytes after 0xe8 are not zero");
	assert_err(w, igvm_add_vp_context(w, 0, NAT, 0, NULL),
		   "VP context for mask 0x2 has no data");
	assert_err(w, igvm_add_vp_context(w, 0x1800, SNP, 0, vmsa),
		   "VMSA: gpa 0x1800 is not 4 KiB aligned");
	assert_int_equal(igvm_add_vp_context(w, 0, NAT, 0, native_ctx), 0);
	assert_err(w, igvm_add_vp_context(w, 0, NAT, 0, native_ctx),
		   "VP context for mask 0x2, VP 0 given twice");
	assert_int_equal(igvm_add_vp_context(w, 0, NAT, 1, native_ctx), 0);
	assert_int_equal(igvm_add_vp_context(w, VMSA_GPA, SNP, 0, vmsa), 0);
	assert_err(w, igvm_add_vp_context(w, VMSA_GPA - 0x1000, SNP, 0, vmsa),
		   "VP context for mask 0x1, VP 0 given twice");
	igvm_writer_free(w);
}

static void test_err_id_block(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);
	struct igvm_vhs_snp_id_block b = id_block;

	assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0),
			 0);
	assert_err(w, igvm_add_snp_id_block(w, &b),
		   "SNP ID block: mask 0x1 has bits 0x1 that name no declared platform");
	b.compatibility_mask = NAT;
	assert_err(w, igvm_add_snp_id_block(w, &b),
		   "SNP ID block mask 0x2 is not the mask of a declared SNP platform");
	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0),
			 0);
	b.compatibility_mask = SNP | NAT;
	assert_err(w, igvm_add_snp_id_block(w, &b),
		   "SNP ID block mask 0x3 is not the mask of a declared SNP platform");
	b.compatibility_mask = SNP;
	b.reserved[1] = 1;
	assert_err(w, igvm_add_snp_id_block(w, &b),
		   "SNP ID block: reserved bytes or author_key_enabled 0 invalid");
	b.reserved[1] = 0;
	b.author_public_key.qx[3] = 1;
	assert_err(w, igvm_add_snp_id_block(w, &b),
		   "SNP ID block: author fields set without an author key");
	b.author_key_enabled = 1;
	assert_int_equal(igvm_add_snp_id_block(w, &b), 0);
	assert_err(w, igvm_add_snp_id_block(w, &id_block),
		   "more than one SNP ID block for mask 0x1");
	igvm_writer_free(w);
}

static void test_err_serialize(void **state)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V1);
	u8 *buf = NULL;
	size_t len = 0;

	assert_err(w, igvm_writer_serialize(w, &buf, &len),
		   "no platform declared");
	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 0, 0),
			 0);
	assert_int_equal(igvm_add_page_data(w, 0, SNP, 0, 0, NULL, 0), 0);
	assert_err(w, igvm_writer_serialize(w, &buf, &len),
		   "the file has no data: add at least one page with data or a VP context");
	assert_null(buf);
	/* Errors leave the writer usable. */
	assert_int_equal(igvm_add_page_data(w, 0x1000, SNP, 0, 0, "x", 1), 0);
	assert_int_equal(igvm_writer_serialize(w, &buf, &len), 0);
	assert_int_equal(len, 24 + 24 + 64 + 4096);
	free(buf);
	igvm_writer_free(w);
}

/* --- fuzz corpus ---------------------------------------------------------- */

/*
 * The fuzzer takes one mode byte, then the file; mode 1 recomputes the
 * checksum. Seeds get both modes so either path starts from a valid file.
 */
static int write_seed(const char *dir, const char *name, struct igvm_writer *w)
{
	char path[512];
	u8 *buf;
	size_t len;
	FILE *f;

	if (igvm_writer_serialize(w, &buf, &len)) {
		fprintf(stderr, "%s: %s\n", name, igvm_writer_error(w));
		return 1;
	}
	for (u8 mode = 0; mode < 2; mode++) {
		snprintf(path, sizeof(path), "%s/%s-%s", dir, name,
			 mode ? "fixcrc" : "raw");
		f = fopen(path, "wb");
		if (!f || fwrite(&mode, 1, 1, f) != 1 ||
		    fwrite(buf, 1, len, f) != len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	free(buf);
	igvm_writer_free(w);
	return 0;
}

static int write_corpus(const char *dir)
{
	struct igvm_writer *w;
	int ret = 0, bad = 0;

	setup_data(NULL);
	w = igvm_writer_new(IGVM_FORMAT_V1);
	bad |= igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0);
	bad |= igvm_add_guest_policy(w, 0x30000, SNP);
	bad |= igvm_add_page_data(w, 0x1000, SNP, 0, 0, "IGVM seed", 9);
	bad |= igvm_add_page_data(w, 0x2000, SNP, 0, IGVM_PAGE_DATA_SECRETS,
				  NULL, 0);
	bad |= igvm_add_page_data(w, 0x3000, SNP,
				  IGVM_PAGE_DATA_FLAG_UNMEASURED, 0, NULL, 0);
	bad |= igvm_add_snp_id_block(w, &id_block);
	ret |= write_seed(dir, "v1-snp", w);

	w = igvm_writer_new(IGVM_FORMAT_V2);
	bad |= igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0);
	bad |= igvm_add_required_memory(w, 0x100000, NAT, 0x10000, 1);
	bad |= igvm_add_parameter_area(w, 0, 4096, NULL);
	bad |= igvm_add_parameter_area(w, 1, 4096, NULL);
	bad |= igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	bad |= igvm_add_parameter_usage(w, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER,
					0, 4);
	bad |= igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, 1, 0);
	bad |= igvm_add_parameter_insert(w, 0x20000, NAT, 0);
	bad |= igvm_add_parameter_insert(w, 0x21000, NAT, 1);
	bad |= igvm_add_vp_context(w, 0, NAT, 0, native_ctx);
	bad |= igvm_add_page_data(w, 0x10000, NAT, 0, 0, NULL, 0);
	ret |= write_seed(dir, "v2-native", w);

	w = igvm_writer_new(IGVM_FORMAT_V2);
	bad |= igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0);
	bad |= igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0);
	bad |= igvm_add_guest_policy(w, 0x30000, SNP);
	bad |= igvm_add_page_data(w, 0x10000, SNP | NAT, 0, 0, "x", 1);
	bad |= igvm_add_page_data(w, 0x11000, SNP, 0, IGVM_PAGE_DATA_CPUID_DATA,
				  NULL, 0);
	bad |= igvm_add_vp_context(w, VMSA_GPA, SNP, 0, vmsa);
	ret |= write_seed(dir, "v2-snp-vmsa", w);
	if (bad) {
		fprintf(stderr, "a seed could not be built\n");
	}
	return ret || bad;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_coconut),
		cmocka_unit_test(test_roundtrip_v1_snp),
		cmocka_unit_test(test_roundtrip_many_platforms),
		cmocka_unit_test(test_sections_reordered),
		cmocka_unit_test(test_layout_v1_exact),
		cmocka_unit_test(test_layout_v2_vp_context),
		cmocka_unit_test(test_layout_param_and_id_block),
		cmocka_unit_test(test_dedup_offsets),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_many_pages),
		cmocka_unit_test(test_err_overlap_pages),
		cmocka_unit_test(test_err_overlap_insert_and_vmsa),
		cmocka_unit_test(test_err_masks_and_alignment),
		cmocka_unit_test(test_err_platforms),
		cmocka_unit_test(test_err_parameter_lifecycle),
		cmocka_unit_test(test_err_vp_context),
		cmocka_unit_test(test_err_id_block),
		cmocka_unit_test(test_err_serialize),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-corpus")) {
		return write_corpus(argv[2]);
	}
	return cmocka_run_group_tests(tests, setup_data, NULL);
}

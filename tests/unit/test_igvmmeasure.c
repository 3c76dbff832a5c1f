/* SPDX-License-Identifier: MIT */
/*
 * igvmmeasure: the SEV-SNP launch digest against the worked values of the
 * igvm-format digest (§11.3) and against digests computed here by hand with
 * an independent PAGE_INFO packing; the QEMU/KVM checks; the ID block
 * (signature verified independently with OpenSSL); signing keeps the digest;
 * corrupted files give errors with offsets; the dump; the command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <svsm/errno.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/crc32.h>
#include <svsm/lib/igvm_parse.h>

#include "../../tools/igvmmeasure/igvmmeasure.h"

#define SNP IGVM_MASK_SNP
#define NAT IGVM_MASK_NATIVE
#define VMSA_GPA 0xFFFFFFFFF000ULL
#define POLICY 0x30000ULL

static char tmpdir[64];
static EVP_PKEY *test_key;

/* --- independent helpers -------------------------------------------------- */

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static void put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (u8)(v >> (8 * i));
	}
}

static void put64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (u8)(v >> (8 * i));
	}
}

static void unhex(const char *hex, u8 *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (u8)v;
	}
}

static void tohex(const u8 *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		sprintf(out + 2 * i, "%02x", p[i]);
	}
}

/*
 * PAGE_INFO packed byte by byte from the AMD table (digest §11.1), not with
 * the tool's struct: DIGEST_CUR, CONTENTS, LENGTH 0x70, PAGE_TYPE, IMI 0,
 * VMPL permissions 0, GPA.
 */
static void ref_extend(u8 digest[48], const u8 *contents, u8 type, u64 gpa)
{
	u8 pi[0x70];

	memset(pi, 0, sizeof(pi));
	memcpy(pi, digest, 48);
	if (contents) {
		memcpy(pi + 0x30, contents, 48);
	}
	pi[0x60] = 0x70;
	pi[0x62] = type;
	put64(pi + 0x68, gpa);
	SHA384(pi, sizeof(pi), digest);
}

static void sha_page(const u8 *page, u8 out[48])
{
	SHA384(page, 4096, out);
}

static const u8 zero4k[4096];

static void ref_zero_normal(u8 digest[48], u64 gpa)
{
	u8 h[48];

	sha_page(zero4k, h);
	ref_extend(digest, h, 1, gpa);
}

static void ref_data_normal(u8 digest[48], const u8 *page, u64 gpa)
{
	u8 h[48];

	sha_page(page, h);
	ref_extend(digest, h, 1, gpa);
}

static void fill_page(u8 *page, u8 seed)
{
	for (int i = 0; i < 4096; i++) {
		page[i] = (u8)(seed + i * 7);
	}
}

/* A VMSA as COCONUT's builder makes it (digest §10.1), with a given CR0. */
static void make_vmsa(u8 *page, u64 cr0)
{
	memset(page, 0, 4096);
	put64(page + 0x158, cr0);
	put64(page + 0x178, 0x808000);
	put64(page + 0x1D8, 0x805FD8);
	put64(page + 0x150, 0x10000);
	put64(page + 0x148, 0x60);
	put64(page + 0xD0, 0x1000);
	put64(page + 0x3B0, 0x29);
}

/* --- files built with the writer ------------------------------------------ */

struct built {
	u8 *buf;
	size_t len;
	struct igvm_file f;
};

static struct igvm_writer *snp_writer(bool native, bool policy)
{
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);

	assert_non_null(w);
	assert_int_equal(igvm_add_platform(w, SNP, IGVM_PLATFORM_SEV_SNP, 2, 0),
			 0);
	if (native) {
		assert_int_equal(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE,
						   0, 0),
				 0);
	}
	if (policy) {
		assert_int_equal(igvm_add_guest_policy(w, POLICY, SNP), 0);
	}
	return w;
}

static void finish(struct igvm_writer *w, struct built *b)
{
	struct igvm_error e;

	if (igvm_writer_serialize(w, &b->buf, &b->len)) {
		fail_msg("serialize: %s", igvm_writer_error(w));
	}
	igvm_writer_free(w);
	assert_int_equal(igvm_open(&b->f, b->buf, b->len, &e), 0);
}

static void ok(int ret, struct igvm_writer *w)
{
	if (ret) {
		fail_msg("writer: %s", igvm_writer_error(w));
	}
}

static void add_vmsa(struct igvm_writer *w, u64 gpa, u16 vp, u64 cr0)
{
	static u8 page[4096];

	make_vmsa(page, cr0);
	ok(igvm_add_vp_context(w, gpa, SNP, vp, page), w);
}

/* The tiny file: one data page, one zero page, one VMSA. */
static void tiny_file(struct built *b, u8 *data_page)
{
	struct igvm_writer *w = snp_writer(true, true);

	fill_page(data_page, 0x11);
	ok(igvm_add_page_data(w, 0, SNP | NAT, 0, 0, data_page, 4096), w);
	ok(igvm_add_page_data(w, 0x1000, SNP, 0, 0, NULL, 0), w);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	finish(w, b);
}

static void tiny_by_hand(u8 digest[48], const u8 *data_page)
{
	u8 vmsa[4096], h[48];

	memset(digest, 0, 48);
	ref_data_normal(digest, data_page, 0);
	ref_zero_normal(digest, 0x1000);
	make_vmsa(vmsa, 0x31);
	sha_page(vmsa, h);
	ref_extend(digest, h, 2, VMSA_GPA);
}

static void measure_ok(struct built *b, bool native_zero, u8 digest[48])
{
	struct igvm_error e;
	u32 mask = 0;

	assert_int_equal(snp_find_platform(&b->f, &mask, &e), 0);
	assert_int_equal(mask, SNP);
	if (snp_measure(&b->f, mask, native_zero, digest, &e)) {
		fail_msg("measure: %s at 0x%x", e.reason, e.offset);
	}
}

static void free_built(struct built *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* Offset of the n-th record of `type` (0-based). */
static u32 record_offset(struct built *b, u32 type, int n)
{
	struct igvm_record rec;
	struct igvm_error e;
	struct igvm_iter it;

	igvm_iter_init(&it, &b->f);
	while (igvm_next(&it, &rec, &e) == 1) {
		if (rec.type == type && n-- == 0) {
			return rec.offset;
		}
	}
	fail_msg("record 0x%x not found", type);
	return 0;
}

/* --- temporary files and the command line --------------------------------- */

static const char *tmp_path(const char *name)
{
	static char paths[64][128];
	static int next;
	char *p = paths[next++ % 64];

	snprintf(p, 128, "%s/%s", tmpdir, name);
	return p;
}

static void write_tmp(const char *path, const u8 *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static u8 *read_tmp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct cli {
	char *out, *err;
	size_t out_len, err_len;
	int rc;
};

/* Runs the tool in-process: run_cli(&r, "FILE", "measure", NULL). */
static void run_cli(struct cli *r, ...)
{
	char *argv[32] = { "igvmmeasure" };
	int argc = 1;
	FILE *o, *e;
	va_list ap;

	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)) != NULL) {
		argc++;
		assert_true(argc < 31);
	}
	va_end(ap);
	o = open_memstream(&r->out, &r->out_len);
	e = open_memstream(&r->err, &r->err_len);
	assert_non_null(o);
	assert_non_null(e);
	r->rc = igvmmeasure_run(argc, argv, o, e);
	fclose(o);
	fclose(e);
}

static void free_cli(struct cli *r)
{
	free(r->out);
	free(r->err);
}

static void write_key(const char *path, EVP_PKEY *key, bool traditional)
{
	BIO *bio = BIO_new_file(path, "w");

	assert_non_null(bio);
	if (traditional) {
		assert_int_equal(PEM_write_bio_PrivateKey_traditional(
					 bio, key, NULL, NULL, 0, NULL, NULL),
				 1);
	} else {
		assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL,
							  0, NULL, NULL),
				 1);
	}
	BIO_free(bio);
}

/* --- worked values (digest §11.3) ----------------------------------------- */

static void test_worked_values(void **state)
{
	u8 want[48], tool[48], ref[48];

	unhex("c0e59a3e3ffbd3b5c75428fb36432facabc745944296ff515f737c4fef4efc64586809f7a16f56354a1eaecf2aa8d774",
	      want, 48);
	assert_memory_equal(snp_zero_page_digest(), want, 48);

	memset(tool, 0, 48);
	memset(ref, 0, 48);
	snp_page_info_extend(tool, snp_zero_page_digest(), SNP_PAGE_NORMAL, 0);
	ref_zero_normal(ref, 0);
	unhex("9d13634b6014bb21cf059b2dc694e7bff01a8a7137041100cd2b695f3d10fb687267b97808b27f8f471d943bc6f53a20",
	      want, 48);
	assert_memory_equal(tool, want, 48);
	assert_memory_equal(ref, want, 48);

	snp_page_info_extend(tool, NULL, SNP_PAGE_UNMEASURED, 0x1000);
	ref_extend(ref, NULL, 4, 0x1000);
	unhex("d323436e8c2cffca5216a24291388fc83eff81663bea9d105d95447ccf17f9cd94a8cdd9905cc93f0ab2775dd89b599d",
	      want, 48);
	assert_memory_equal(tool, want, 48);
	assert_memory_equal(ref, want, 48);

	memset(tool, 0, 48);
	snp_page_info_extend(tool, NULL, SNP_PAGE_SECRETS, 0x806000);
	unhex("6cf68a187d1c45361cd7c6d4db0bc80fd650eda1ed239de699b9659cf0052ec48e213236ff0c9467abc7dddd6f1fa092",
	      want, 48);
	assert_memory_equal(tool, want, 48);
}

/* --- digests of whole files ----------------------------------------------- */

static void test_tiny_file_by_hand(void **state)
{
	u8 data[4096], want[48], got[48];
	struct built b;

	tiny_file(&b, data);
	tiny_by_hand(want, data);
	measure_ok(&b, false, got);
	assert_memory_equal(got, want, 48);
	free_built(&b);
}

/* Headers for the native platform only must not change the SNP digest. */
static void test_other_masks_ignored(void **state)
{
	struct igvm_writer *w = snp_writer(true, true);
	u8 data[4096], other[4096], native[4096] = { 0 };
	u8 want[48], got[48];
	struct built b;

	fill_page(data, 0x11);
	fill_page(other, 0x55);
	put64(native + 0x80, 0x10000); /* rip */
	ok(igvm_add_parameter_area(w, 0, 0x1000, NULL), w);
	ok(igvm_add_parameter_insert(w, 0x30000, NAT, 0), w);
	ok(igvm_add_page_data(w, 0, SNP | NAT, 0, 0, data, 4096), w);
	ok(igvm_add_page_data(w, 0x1000, SNP, 0, 0, NULL, 0), w);
	ok(igvm_add_page_data(w, 0x2000, NAT, 0, 0, other, 4096), w);
	ok(igvm_add_page_data(w, 0x1000, NAT, 0, 0, other, 4096), w);
	ok(igvm_add_vp_context(w, 0, NAT, 0, native), w);
	ok(igvm_add_required_memory(w, 0x100000, SNP | NAT, 0x10000, 0), w);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	finish(w, &b);
	tiny_by_hand(want, data);
	measure_ok(&b, false, got);
	assert_memory_equal(got, want, 48);
	free_built(&b);
}

/* A parameter insert is one UNMEASURED page per 4 KiB of its area (§9.5). */
static void test_parameter_insert(void **state)
{
	struct igvm_writer *w = snp_writer(false, true);
	u8 want[48] = { 0 }, got[48];
	struct built b;

	ok(igvm_add_parameter_area(w, 3, 0x2000, NULL), w);
	ok(igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER, 3, 0), w);
	ok(igvm_add_parameter_insert(w, 0x20000, SNP, 3), w);
	ok(igvm_add_page_data(w, 0x22000, SNP, 0, 0, NULL, 0), w);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	finish(w, &b);
	measure_ok(&b, false, got);

	ref_extend(want, NULL, 4, 0x20000);
	ref_extend(want, NULL, 4, 0x21000);
	ref_zero_normal(want, 0x22000);
	{
		u8 vmsa[4096], h[48];

		make_vmsa(vmsa, 0x31);
		sha_page(vmsa, h);
		ref_extend(want, h, 2, VMSA_GPA);
	}
	assert_memory_equal(got, want, 48);
	free_built(&b);
}

/* SECRETS, CPUID (data not hashed), unmeasured and shared pages (§11.2). */
static void test_page_types(void **state)
{
	struct igvm_writer *w = snp_writer(false, true);
	u8 cpuid[4096], data[4096], want[48] = { 0 }, got[48];
	struct built b;

	fill_page(cpuid, 0x21);
	fill_page(data, 0x42);
	ok(igvm_add_page_data(w, 0x806000, SNP, 0, IGVM_PAGE_DATA_SECRETS,
			      NULL, 0),
	   w);
	ok(igvm_add_page_data(w, 0x807000, SNP, 0, IGVM_PAGE_DATA_CPUID_DATA,
			      cpuid, 4096),
	   w);
	ok(igvm_add_page_data(w, 0x808000, SNP, 0, IGVM_PAGE_DATA_CPUID_XF,
			      NULL, 0),
	   w);
	ok(igvm_add_page_data(w, 0x809000, SNP, IGVM_PAGE_DATA_FLAG_UNMEASURED,
			      0, data, 4096),
	   w);
	ok(igvm_add_page_data(w, 0x80A000, SNP, IGVM_PAGE_DATA_FLAG_SHARED, 0,
			      data, 4096),
	   w);
	finish(w, &b);
	measure_ok(&b, false, got);

	ref_extend(want, NULL, 5, 0x806000);
	ref_extend(want, NULL, 6, 0x807000);
	ref_extend(want, NULL, 6, 0x808000);
	ref_extend(want, NULL, 4, 0x809000);
	ref_data_normal(want, data, 0x80A000);
	assert_memory_equal(got, want, 48);
	free_built(&b);
}

static void test_native_zero(void **state)
{
	u8 data[4096], want[48] = { 0 }, got[48], vmsa[4096], h[48];
	struct built b;

	tiny_file(&b, data);
	measure_ok(&b, true, got);
	ref_data_normal(want, data, 0);
	ref_extend(want, NULL, 3, 0x1000);
	make_vmsa(vmsa, 0x31);
	sha_page(vmsa, h);
	ref_extend(want, h, 2, VMSA_GPA);
	assert_memory_equal(got, want, 48);
	free_built(&b);
}

/*
 * The writer has no 2 MiB pages, so this file is built by hand: v1 header,
 * one SNP platform, one 2 MiB PAGE_DATA at 0x200000, then the file data.
 */
static u8 *raw_2mb_file(bool with_data, size_t *len)
{
	const u32 vh = 24, vh_end = 24 + 24 + 32;
	size_t data_len = with_data ? PAGE_SIZE_2M : 8;
	u8 *buf = calloc(1, vh_end + data_len);
	u32 crc;

	*len = vh_end + data_len;
	put32(buf, IGVM_MAGIC);
	put32(buf + 4, 1);
	put32(buf + 8, vh);
	put32(buf + 12, vh_end - vh);
	put32(buf + 16, (u32)*len);
	put32(buf + 24, IGVM_VHT_SUPPORTED_PLATFORM);
	put32(buf + 28, 16);
	put32(buf + 32, SNP);
	buf[37] = IGVM_PLATFORM_SEV_SNP;
	buf[38] = 1;
	put32(buf + 48, IGVM_VHT_PAGE_DATA);
	put32(buf + 52, 24);
	put64(buf + 56, 0x200000);
	put32(buf + 64, SNP);
	put32(buf + 68, with_data ? vh_end : 0);
	put32(buf + 72, IGVM_PAGE_DATA_FLAG_2MB);
	for (size_t i = 0; with_data && i < PAGE_SIZE_2M; i += 4096) {
		fill_page(buf + vh_end + i, (u8)(i >> 12));
	}
	crc = crc32_update(0, buf, vh_end);
	put32(buf + 20, crc);
	return buf;
}

static void test_2mb_pages(void **state)
{
	u8 want[48], got[48], zwant[48];
	struct igvm_error e;
	struct igvm_file f;
	size_t len;
	u8 *buf;

	for (int with_data = 0; with_data < 2; with_data++) {
		buf = raw_2mb_file(with_data, &len);
		assert_int_equal(igvm_open(&f, buf, len, &e), 0);
		assert_int_equal(snp_measure(&f, SNP, false, got, &e), 0);
		memset(want, 0, 48);
		memset(zwant, 0, 48);
		for (u64 i = 0; i < 512; i++) {
			u64 gpa = 0x200000 + i * 4096;

			if (with_data) {
				ref_data_normal(want, buf + 80 + i * 4096,
						gpa);
			} else {
				ref_zero_normal(want, gpa);
				ref_extend(zwant, NULL, 3, gpa);
			}
		}
		assert_memory_equal(got, want, 48);
		if (!with_data) {
			assert_int_equal(snp_measure(&f, SNP, true, got, &e),
					 0);
			assert_memory_equal(got, zwant, 48);
		}
		free(buf);
	}
}

/* --- QEMU/KVM checks (§9.6) ----------------------------------------------- */

static void expect_kvm_error(struct built *b, const char *reason, u32 offset)
{
	struct igvm_error e = { 0, NULL };

	assert_int_equal(snp_check_kvm(&b->f, SNP, &e), -SVSM_EINVAL);
	assert_non_null(e.reason);
	if (!strstr(e.reason, reason)) {
		fail_msg("reason '%s' lacks '%s'", e.reason, reason);
	}
	assert_int_equal(e.offset, offset);
	free_built(b);
}

static void test_check_kvm(void **state)
{
	struct igvm_writer *w;
	struct igvm_error e;
	struct built b;
	u8 data[4096];

	/* Good, with CR0 0x31 and 0x30, and a native page after the VMSA. */
	for (u64 cr0 = 0x30; cr0 <= 0x31; cr0++) {
		w = snp_writer(true, true);
		ok(igvm_add_page_data(w, 0, SNP, 0, 0, NULL, 0), w);
		add_vmsa(w, VMSA_GPA, 0, cr0);
		ok(igvm_add_page_data(w, 0x1000, NAT, 0, 0, NULL, 0), w);
		finish(w, &b);
		assert_int_equal(snp_check_kvm(&b.f, SNP, &e), 0);
		free_built(&b);
	}

	/* An SNP page after the VMSA. */
	w = snp_writer(true, true);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	ok(igvm_add_page_data(w, 0x1000, SNP | NAT, 0, 0, NULL, 0), w);
	finish(w, &b);
	expect_kvm_error(&b, "after the VMSA",
			 record_offset(&b, IGVM_VHT_PAGE_DATA, 0));

	/* A parameter insert after the VMSA. */
	w = snp_writer(false, true);
	ok(igvm_add_parameter_area(w, 0, 0x1000, NULL), w);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	ok(igvm_add_parameter_insert(w, 0x1000, SNP, 0), w);
	finish(w, &b);
	expect_kvm_error(&b, "after the VMSA",
			 record_offset(&b, IGVM_VHT_PARAMETER_INSERT, 0));

	/* Wrong GPA: the offset is the gpa field. */
	w = snp_writer(false, true);
	add_vmsa(w, 0xFFFFF000, 0, 0x31);
	finish(w, &b);
	expect_kvm_error(&b, "gpa",
			 record_offset(&b, IGVM_VHT_VP_CONTEXT, 0) + 8);

	/* Two VMSAs. */
	w = snp_writer(false, true);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	add_vmsa(w, VMSA_GPA - 0x1000, 1, 0x31);
	finish(w, &b);
	expect_kvm_error(&b, "more than one",
			 record_offset(&b, IGVM_VHT_VP_CONTEXT, 1));

	/* CR0 with PG set: the offset is CR0 inside the VMSA data. */
	w = snp_writer(false, true);
	fill_page(data, 1);
	ok(igvm_add_page_data(w, 0, SNP, 0, 0, data, 4096), w);
	add_vmsa(w, VMSA_GPA, 0, 0x80000031);
	finish(w, &b);
	{
		u32 rec = record_offset(&b, IGVM_VHT_VP_CONTEXT, 0);
		struct igvm_vhs_vp_context vp;

		memcpy(&vp, b.buf + rec + 8, sizeof(vp));
		expect_kvm_error(&b, "CR0", vp.file_offset + 0x158);
	}

	/* No VMSA at all. */
	w = snp_writer(false, true);
	ok(igvm_add_page_data(w, 0, SNP, 0, 0, data, 4096), w);
	finish(w, &b);
	expect_kvm_error(&b, "no SNP VMSA", b.f.vh_offset);
}

/* --- ID block ------------------------------------------------------------- */

static void reverse72(const u8 *in, u8 *out)
{
	for (int i = 0; i < 72; i++) {
		out[i] = in[71 - i];
	}
}

/*
 * Checks the block with OpenSSL directly: the 96-byte ID_BLOCK packed by
 * hand, r and s turned back to big-endian, the generated key's public part.
 */
static void verify_independently(const struct igvm_vhs_snp_id_block *b,
				 u64 policy, EVP_PKEY *key, bool expect)
{
	u8 msg[96], rbe[72], sbe[72], pub[97], *der = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t publen = 0;
	int len;

	memcpy(msg, b->ld, 48);
	memcpy(msg + 48, b->family_id, 16);
	memcpy(msg + 64, b->image_id, 16);
	put32(msg + 80, 1);
	put32(msg + 84, b->guest_svn);
	put64(msg + 88, policy);
	reverse72(b->id_key_signature.r_comp, rbe);
	reverse72(b->id_key_signature.s_comp, sbe);
	assert_int_equal(ECDSA_SIG_set0(sig, BN_bin2bn(rbe, 72, NULL),
					BN_bin2bn(sbe, 72, NULL)),
			 1);
	len = i2d_ECDSA_SIG(sig, &der);
	assert_true(len > 0);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL,
					      key),
			 1);
	assert_int_equal(EVP_DigestVerify(ctx, der, (size_t)len, msg, 96) == 1,
			 expect);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);

	/* Qx, Qy: the uncompressed point 04 || X || Y, reversed. */
	assert_int_equal(EVP_PKEY_get_octet_string_param(
				 key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub,
				 sizeof(pub), &publen),
			 1);
	assert_int_equal(publen, 97);
	assert_int_equal(pub[0], 4);
	for (int i = 0; i < 48; i++) {
		assert_int_equal(b->id_public_key.qx[i], pub[48 - i]);
		assert_int_equal(b->id_public_key.qy[i], pub[96 - i]);
	}
	for (int i = 48; i < 72; i++) {
		assert_int_equal(b->id_public_key.qx[i], 0);
		assert_int_equal(b->id_public_key.qy[i], 0);
		assert_int_equal(b->id_key_signature.r_comp[i], 0);
		assert_int_equal(b->id_key_signature.s_comp[i], 0);
	}
}

static void test_id_block(void **state)
{
	struct snp_id_params p = { .version = 1, .guest_svn = 7 };
	struct igvm_vhs_snp_id_block b;
	struct tool_error e;
	u8 digest[48];

	for (int i = 0; i < 48; i++) {
		digest[i] = (u8)(0xA0 + i);
	}
	for (int i = 0; i < 16; i++) {
		p.family_id[i] = (u8)i;
		p.image_id[i] = (u8)(0xF0 | i);
	}
	assert_int_equal(snp_id_block_build(&b, SNP, digest, &p, POLICY,
					    test_key, &e),
			 0);
	assert_int_equal(b.compatibility_mask, SNP);
	assert_int_equal(b.author_key_enabled, 0);
	assert_memory_equal(b.ld, digest, 48);
	assert_memory_equal(b.family_id, p.family_id, 16);
	assert_memory_equal(b.image_id, p.image_id, 16);
	assert_int_equal(b.version, 1);
	assert_int_equal(b.guest_svn, 7);
	assert_int_equal(b.id_key_algorithm, 1);
	assert_int_equal(b.author_key_algorithm, 0);
	assert_int_equal(b.id_public_key.curve, 2);
	assert_int_equal(b.id_public_key.reserved, 0);
	{
		const u8 *author = (const u8 *)&b.author_key_signature;

		for (size_t i = 0; i < 144 + 152; i++) {
			assert_int_equal(author[i], 0);
		}
	}
	verify_independently(&b, POLICY, test_key, true);
	assert_true(snp_id_block_verify(&b, POLICY));

	/* The policy is signed; so is every other ID_BLOCK field. */
	verify_independently(&b, POLICY | 1, test_key, false);
	assert_false(snp_id_block_verify(&b, POLICY | 1));
	b.ld[0] ^= 1;
	verify_independently(&b, POLICY, test_key, false);
	assert_false(snp_id_block_verify(&b, POLICY));
	b.ld[0] ^= 1;
	b.guest_svn++;
	assert_false(snp_id_block_verify(&b, POLICY));
}

/* Number of SNP ID blocks, and whether the first comes before the VMSA. */
static int count_id_blocks(struct built *b, bool *before_vmsa)
{
	struct igvm_record rec;
	struct igvm_error e;
	struct igvm_iter it;
	bool seen_vmsa = false;
	int n = 0;

	*before_vmsa = false;
	igvm_iter_init(&it, &b->f);
	while (igvm_next(&it, &rec, &e) == 1) {
		if (rec.type == IGVM_VHT_VP_CONTEXT &&
		    igvm_record_mask(&rec) == SNP) {
			seen_vmsa = true;
		}
		if (rec.type == IGVM_VHT_SNP_ID_BLOCK) {
			*before_vmsa = n == 0 ? !seen_vmsa : *before_vmsa;
			n++;
		}
	}
	return n;
}

static void sign_buffer(struct built *in, struct built *out, u32 svn)
{
	struct snp_id_params p = { .version = 1, .guest_svn = svn };
	struct igvm_vhs_snp_id_block id;
	struct tool_error te;
	struct igvm_error e;
	u8 digest[48];
	u64 policy = 0;

	measure_ok(in, false, digest);
	assert_true(snp_find_policy(&in->f, SNP, &policy));
	assert_int_equal(policy, POLICY);
	assert_int_equal(snp_id_block_build(&id, SNP, digest, &p, policy,
					    test_key, &te),
			 0);
	if (igvm_rewrite_with_id_block(&in->f, &id, &out->buf, &out->len,
				       &te)) {
		fail_msg("rewrite: %s", te.text);
	}
	assert_int_equal(igvm_open(&out->f, out->buf, out->len, &e), 0);
}

static void test_sign_keeps_digest(void **state)
{
	struct igvm_vhs_snp_id_block id;
	struct built in, out, again;
	u8 data[4096], d0[48], d1[48], d2[48];
	bool before;

	tiny_file(&in, data);
	measure_ok(&in, false, d0);
	sign_buffer(&in, &out, 1);
	measure_ok(&out, false, d1);
	assert_memory_equal(d0, d1, 48);
	assert_int_equal(count_id_blocks(&out, &before), 1);
	assert_true(before);
	assert_true(snp_find_id_block(&out.f, SNP, &id));
	assert_memory_equal(id.ld, d0, 48);
	assert_true(snp_id_block_verify(&id, POLICY));
	verify_independently(&id, POLICY, test_key, true);

	/* Signing a signed file replaces its ID block. */
	sign_buffer(&out, &again, 2);
	measure_ok(&again, false, d2);
	assert_memory_equal(d0, d2, 48);
	assert_int_equal(count_id_blocks(&again, &before), 1);
	assert_true(snp_find_id_block(&again.f, SNP, &id));
	assert_int_equal(id.guest_svn, 2);
	free_built(&in);
	free_built(&out);
	free_built(&again);
}

/* What the writer cannot express is refused with a clear message. */
static void test_sign_unsupported(void **state)
{
	struct snp_id_params p = { .version = 1 };
	struct igvm_vhs_snp_id_block id;
	u8 digest[48] = { 0 }, *out = NULL;
	struct tool_error te;
	struct igvm_error e;
	struct igvm_file f;
	size_t len, olen;
	u8 *buf = raw_2mb_file(false, &len);

	assert_int_equal(igvm_open(&f, buf, len, &e), 0);
	assert_int_equal(snp_id_block_build(&id, SNP, digest, &p, POLICY,
					    test_key, &te),
			 0);
	assert_int_equal(igvm_rewrite_with_id_block(&f, &id, &out, &olen, &te),
			 -1);
	assert_non_null(
		strstr(te.text, "cannot re-emit PAGE_DATA at offset 0x30"));
	assert_null(out);
	free(buf);
}

/* --- corrupted files ------------------------------------------------------ */

static void fix_header(u8 *buf, size_t len)
{
	u32 fixed, vh, vhs, crc, zero = 0;

	put32(buf + 16, (u32)len);
	fixed = buf[4] == 1 ? 24 : 32;
	memcpy(&vh, buf + 8, 4);
	memcpy(&vhs, buf + 12, 4);
	if (len < 32 || (u64)vh + vhs > len) {
		return;
	}
	crc = crc32_update(0, buf, 20);
	crc = crc32_update(crc, &zero, 4);
	crc = crc32_update(crc, buf + 24, fixed - 24);
	crc = crc32_update(crc, buf + vh, vhs);
	put32(buf + 20, crc);
}

static FILE *null_out(void)
{
	static FILE *f;

	if (!f) {
		f = fopen("/dev/null", "w");
		assert_non_null(f);
	}
	return f;
}

/* Every entry point either succeeds or fails with a reason and an offset. */
static void exercise(const u8 *buf, size_t len)
{
	struct dump_opts o = { 0 };
	struct igvm_error e = { 0xFFFFFFFF, NULL };
	struct igvm_file f;
	u8 digest[48];
	u32 mask;
	int ret;

	ret = igvm_open(&f, buf, len, &e);
	if (!ret) {
		ret = igvm_dump(null_out(), &f, "x", &o, &e);
	}
	if (!ret) {
		ret = snp_find_platform(&f, &mask, &e);
	}
	if (!ret) {
		ret = snp_measure(&f, mask, false, digest, &e);
		if (!ret) {
			ret = snp_check_kvm(&f, mask, &e);
		}
	}
	if (ret) {
		assert_non_null(e.reason);
		assert_true(e.offset < MAX(len, 32));
	}
}

static void test_truncated(void **state)
{
	struct built b;
	u8 data[4096], *copy;

	tiny_file(&b, data);
	copy = malloc(b.len);
	for (size_t len = 0; len < b.len; len++) {
		struct igvm_error e = { 0, NULL };
		struct igvm_file f;

		/* As cut: the header's size no longer matches. */
		memcpy(copy, b.buf, len);
		assert_true(igvm_open(&f, copy, len, &e) < 0);
		assert_non_null(e.reason);
		assert_true(e.offset <= 0x10);
		/* With size and checksum fixed, deeper checks must catch it. */
		if (len >= 24) {
			fix_header(copy, len);
			exercise(copy, len);
			assert_true(igvm_open(&f, copy, len, &e) < 0 ||
				    snp_find_platform(&f, &(u32){ 0 }, &e) < 0);
		}
	}
	free(copy);
	free_built(&b);
}

static void test_flipped_bytes(void **state)
{
	u8 data[4096], d0[48], d1[48], *copy;
	struct built b;

	tiny_file(&b, data);
	measure_ok(&b, false, d0);
	copy = malloc(b.len);
	for (size_t i = 0; i < b.f.vh_end; i++) {
		struct igvm_error e = { 0, NULL };
		struct igvm_file f;

		memcpy(copy, b.buf, b.len);
		copy[i] ^= 0xFF;
		/* Any flipped header byte is detected... */
		assert_true(igvm_open(&f, copy, b.len, &e) < 0);
		assert_non_null(e.reason);
		exercise(copy, b.len);
		/* ...and with the checksum fixed nothing crashes either. */
		fix_header(copy, b.len);
		exercise(copy, b.len);
	}
	/* A flipped byte of page data changes the digest only. */
	memcpy(copy, b.buf, b.len);
	copy[b.f.vh_end] ^= 1;
	{
		struct built c = { .buf = copy, .len = b.len };
		struct igvm_error e;

		assert_int_equal(igvm_open(&c.f, copy, b.len, &e), 0);
		measure_ok(&c, false, d1);
		assert_memory_not_equal(d0, d1, 48);
	}
	free(copy);
	free_built(&b);
}

/* --- dump ----------------------------------------------------------------- */

static void expect_line(const char *text, const char *line)
{
	if (!strstr(text, line)) {
		fail_msg("dump lacks '%s':\n%s", line, text);
	}
}

static void dump_file(struct built *b, bool all, char **text)
{
	struct dump_opts o = { .all_pages = all };
	struct igvm_error e;
	size_t len;
	FILE *f = open_memstream(text, &len);

	assert_int_equal(igvm_dump(f, &b->f, "test.igvm", &o, &e), 0);
	fclose(f);
}

/* Every kind of record the dump decodes, for the dump test and the seeds. */
static void rich_file(struct built *b)
{
	struct igvm_writer *w = snp_writer(true, true);
	u8 data[4096], native[4096] = { 0 };

	fill_page(data, 3);
	put64(native + 0x80, 0x10000); /* rip */
	put16(native + 0xA8, 0x8);     /* code selector */
	put16(native + 0xAA, 0xA09B);  /* code attributes */
	ok(igvm_add_required_memory(w, 0x8000000000ULL, SNP | NAT, 0x1000000,
				    0),
	   w);
	ok(igvm_add_parameter_area(w, 0, 0x1000, NULL), w);
	ok(igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, 0, 0), w);
	ok(igvm_add_parameter_insert(w, 0x20000, SNP, 0), w);
	ok(igvm_add_vp_context(w, 0, NAT, 0, native), w);
	for (u64 i = 0; i < 16; i++) {
		bool zero = i == 2 || i == 7 || i == 15;

		ok(igvm_add_page_data(w, 0x10000 + i * 4096, SNP | NAT, 0, 0,
				      zero ? NULL : data, zero ? 0 : 4096),
		   w);
	}
	ok(igvm_add_page_data(w, 0x806000, SNP, 0, IGVM_PAGE_DATA_SECRETS,
			      NULL, 0),
	   w);
	add_vmsa(w, VMSA_GPA, 0, 0x31);
	finish(w, b);
}

static void test_dump(void **state)
{
	char *text, line[160], hex[97];
	u8 digest[48];
	struct built b;

	rich_file(&b);
	measure_ok(&b, false, digest);
	dump_file(&b, false, &text);

	snprintf(line, sizeof(line), "checksum 0x%08x (valid)",
		 b.buf[20] | b.buf[21] << 8 | b.buf[22] << 16 |
			 (u32)b.buf[23] << 24);
	expect_line(text, line);
	expect_line(text, "fixed header: format version 2, 32 bytes, architecture x64, page size 4096\n");
	expect_line(text, "\nplatforms:\n  [0x000020] SUPPORTED_PLATFORM mask 0x1 SEV_SNP vtl 2 version 1 shared_gpa_boundary 0x0\n");
	expect_line(text, "SUPPORTED_PLATFORM mask 0x2 NATIVE vtl 0");
	expect_line(text, "\ninitialization:\n");
	expect_line(text, "GUEST_POLICY mask 0x1 policy 0x30000\n");
	expect_line(text, "SNP policy: ABI 0.0, SMT yes, migrate-MA no, debug no, single socket no\n");
	expect_line(text, "\ndirectives:\n");
	expect_line(text, "REQUIRED_MEMORY gpa 0x8000000000 size 0x1000000 mask 0x3 flags 0x0\n");
	expect_line(text, "PARAMETER_AREA index 0 size 0x1000 zero\n");
	expect_line(text, "MEMORY_MAP area 0 offset 0x0\n");
	expect_line(text, "PARAMETER_INSERT gpa 0x20000 mask 0x1 area 0 (0x1000 bytes)\n");
	expect_line(text, "VP_CONTEXT mask 0x2 (NATIVE) vp 0 gpa 0x0 data 0x");
	expect_line(text, "rip 0x10000 rsp 0x0 rax 0x0 rsi 0x0\n");
	expect_line(text, "cs 0x8 (attributes 0xa09b)");
	expect_line(text, "PAGE_DATA 0x10000-0x1ffff (16 pages, mask 0x3, normal, 3 zero)\n");
	expect_line(text, "PAGE_DATA gpa 0x806000 mask 0x1 type secrets flags 0x0 zero\n");
	expect_line(text, "VP_CONTEXT mask 0x1 (SEV_SNP) vp 0 gpa 0xfffffffff000 data 0x");
	expect_line(text, "VMSA rip 0x808000 rsp 0x805fd8 vmpl 0 sev_features 0x29\n");
	expect_line(text, "cr0 0x31 cr3 0x10000 cr4 0x60 efer 0x1000\n");
	expect_line(text, "records: 2 platform, 1 initialization, 23 directive\n");
	tohex(digest, 48, hex);
	snprintf(line, sizeof(line),
		 "SEV-SNP launch digest (mask 0x1): %s\n", hex);
	expect_line(text, line);
	snprintf(line, sizeof(line), "  [0x%06x] PAGE_DATA 0x10000-0x1ffff",
		 record_offset(&b, IGVM_VHT_PAGE_DATA, 0));
	expect_line(text, line);
	free(text);

	/* --all-pages: one line per page. */
	dump_file(&b, true, &text);
	expect_line(text, "PAGE_DATA gpa 0x12000 mask 0x3 type normal flags 0x0 zero\n");
	expect_line(text, "PAGE_DATA gpa 0x13000 mask 0x3 type normal flags 0x0 data 0x");
	assert_null(strstr(text, "16 pages"));
	free(text);
	free_built(&b);
}

/* --- command line --------------------------------------------------------- */

static void test_cli_measure_sign(void **state)
{
	const char *in = tmp_path("in.igvm"), *out = tmp_path("out.igvm");
	const char *key = tmp_path("key.pem"), *key2 = tmp_path("key2.pem");
	u8 data[4096], want[48];
	char hex[98];
	struct built b;
	struct cli r;

	tiny_file(&b, data);
	write_tmp(in, b.buf, b.len);
	tiny_by_hand(want, data);
	tohex(want, 48, hex);
	strcat(hex, "\n");

	run_cli(&r, in, "measure", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, hex);
	assert_int_equal(r.err_len, 0);
	free_cli(&r);

	run_cli(&r, "--check-kvm", in, "measure", "-b", "--platform", "snp",
		NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.out_len, 48);
	assert_memory_equal(r.out, want, 48);
	free_cli(&r);

	/* Both PEM forms: PKCS#8 and SEC1 ("openssl ecparam -genkey"). */
	write_key(key, test_key, false);
	write_key(key2, test_key, true);
	for (int k = 0; k < 2; k++) {
		run_cli(&r, in, "sign", "--key", k ? key2 : key, "--output",
			out, "--family-id", "000102030405060708090a0b0c0d0e0f",
			"--image-id", "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF",
			"--svn", "5", "--version", "1", NULL);
		if (r.rc) {
			fail_msg("sign: %s", r.err);
		}
		assert_string_equal(r.out, hex);
		free_cli(&r);
		run_cli(&r, out, "measure", NULL);
		assert_int_equal(r.rc, 0);
		assert_string_equal(r.out, hex);
		free_cli(&r);
	}
	{
		struct igvm_vhs_snp_id_block id;
		struct igvm_error e;
		u8 signed_digest[48];
		struct built s;

		s.buf = read_tmp(out, &s.len);
		assert_int_equal(igvm_open(&s.f, s.buf, s.len, &e), 0);
		measure_ok(&s, false, signed_digest);
		assert_memory_equal(signed_digest, want, 48);
		assert_true(snp_find_id_block(&s.f, SNP, &id));
		assert_int_equal(id.family_id[15], 0x0F);
		assert_int_equal(id.image_id[0], 0xF0);
		assert_int_equal(id.guest_svn, 5);
		verify_independently(&id, POLICY, test_key, true);
		free_built(&s);
	}

	/* The dump checks the signature and the ld. */
	run_cli(&r, out, "dump", NULL);
	assert_int_equal(r.rc, 0);
	expect_line(r.out, "signature valid (policy 0x30000)\n");
	expect_line(r.out, "the ID block's ld matches\n");
	free_cli(&r);

	/* An ID block for other rules: an error unless told to ignore it. */
	run_cli(&r, out, "measure", "--native-zero", NULL);
	assert_int_equal(r.rc, 1);
	expect_line(r.err, "ID block's ld does not match the computed digest");
	free_cli(&r);
	run_cli(&r, out, "measure", "--native-zero", "-i", NULL);
	assert_int_equal(r.rc, 0);
	free_cli(&r);
	free_built(&b);
}

static void expect_cli(int rc, const char *err, ...)
{
	char *argv[16];
	int n = 0;
	va_list ap;
	struct cli r;

	va_start(ap, err);
	while ((argv[n] = va_arg(ap, char *)) != NULL) {
		n++;
	}
	va_end(ap);
	/* run_cli is variadic too: pass up to 10 arguments through. */
	for (int i = n; i < 10; i++) {
		argv[i] = NULL;
	}
	run_cli(&r, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
		argv[6], argv[7], argv[8], argv[9], NULL);
	if (r.rc != rc || !strstr(r.err, err)) {
		fail_msg("exit %d, expected %d; stderr '%s' lacks '%s'", r.rc,
			 rc, r.err, err);
	}
	free_cli(&r);
}

static void test_cli_errors(void **state)
{
	const char *in = tmp_path("e.igvm"), *nosnp = tmp_path("n.igvm");
	const char *nopol = tmp_path("p.igvm"), *out = tmp_path("eo.igvm");
	const char *bad = tmp_path("bad.pem"), *p256 = tmp_path("p256.pem");
	char *missing = (char *)tmp_path("missing.pem");
	struct igvm_writer *w;
	u8 data[4096];
	struct built b;
	char expect[256];
	EVP_PKEY *k256;

	tiny_file(&b, data);
	write_tmp(in, b.buf, b.len);
	free_built(&b);

	w = igvm_writer_new(IGVM_FORMAT_V2);
	ok(igvm_add_platform(w, NAT, IGVM_PLATFORM_NATIVE, 0, 0), w);
	ok(igvm_add_page_data(w, 0, NAT, 0, 0, data, 4096), w);
	finish(w, &b);
	write_tmp(nosnp, b.buf, b.len);
	free_built(&b);

	w = snp_writer(false, false);
	ok(igvm_add_page_data(w, 0, SNP, 0, 0, data, 4096), w);
	finish(w, &b);
	write_tmp(nopol, b.buf, b.len);
	free_built(&b);

	write_tmp(bad, (const u8 *)"not a key\n", 10);
	k256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(k256);
	write_key(p256, k256, false);
	EVP_PKEY_free(k256);
	write_key(tmp_path("key.pem"), test_key, false);

	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: no SEV-SNP platform in the file (it declares NATIVE mask 0x2)\n",
		 nosnp);
	expect_cli(1, expect, nosnp, "measure", NULL);
	expect_cli(1, "no SEV-SNP platform", nosnp, "sign", "--key",
		   tmp_path("key.pem"), "--output", out, NULL);
	expect_cli(1, "no GUEST_POLICY for the SEV-SNP platform", nopol,
		   "sign", "--key", tmp_path("key.pem"), "--output", out, NULL);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: No such file or directory\n", missing);
	expect_cli(1, expect, in, "sign", "--key", missing, "--output", out,
		   NULL);
	expect_cli(1, "not a PEM private key", in, "sign", "--key", bad,
		   "--output", out, NULL);
	expect_cli(1, "not an ECDSA P-384 key", in, "sign", "--key", p256,
		   "--output", out, NULL);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: No such file or directory\n", missing);
	expect_cli(1, expect, missing, "measure", NULL);
	expect_cli(1, "KVM check: ", nopol, "measure", "--check-kvm", NULL);
	assert_int_equal(access(out, F_OK), -1);

	expect_cli(2, "ID block version must be 1", in, "sign", "--key",
		   tmp_path("key.pem"), "--output", out, "--version", "2",
		   NULL);
	expect_cli(2, "expected 32 hex digits", in, "sign", "--key",
		   tmp_path("key.pem"), "--output", out, "--image-id", "abc",
		   NULL);
	expect_cli(2, "platform 'tdx' is not supported", in, "measure",
		   "--platform", "tdx", NULL);
	expect_cli(2, "unknown command 'frobnicate'", in, "frobnicate", NULL);
	expect_cli(2, "does not apply to 'dump'", in, "dump", "-b", NULL);
	expect_cli(2, "does not apply to 'measure'", in, "measure", "--key",
		   bad, NULL);
	expect_cli(2, "sign needs --key and --output", in, "sign", NULL);
	expect_cli(2, "bad option '--frob'", in, "measure", "--frob", NULL);
	expect_cli(2, "usage:", in, NULL);
}

/* Errors name the file, the reason and the offset, and exit 1. */
static void test_cli_corrupt(void **state)
{
	const char *path = tmp_path("c.igvm");
	u8 data[4096];
	char expect[256];
	struct built b;
	u32 rec;

	tiny_file(&b, data);
	/* A flipped byte in the variable headers: the checksum catches it. */
	b.buf[b.f.vh_offset + 1] ^= 0x40;
	write_tmp(path, b.buf, b.len);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: bad checksum at offset 0x14\n", path);
	expect_cli(1, expect, path, "measure", NULL);
	expect_cli(1, expect, path, "dump", NULL);

	/* With the checksum fixed the record check names the field. */
	fix_header(b.buf, b.len);
	write_tmp(path, b.buf, b.len);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: unknown header type at offset 0x%x\n", path,
		 b.f.vh_offset);
	expect_cli(1, expect, path, "measure", NULL);
	b.buf[b.f.vh_offset + 1] ^= 0x40;

	/* A page pointing past the end of the file. */
	rec = record_offset(&b, IGVM_VHT_PAGE_DATA, 0);
	put32(b.buf + rec + 8 + 12, (u32)b.len - 100);
	fix_header(b.buf, b.len);
	write_tmp(path, b.buf, b.len);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: page data outside the file at offset 0x%x\n",
		 path, rec + 8 + 12);
	expect_cli(1, expect, path, "measure", NULL);
	/* The dump prints what it could before the error. */
	{
		struct cli r;

		run_cli(&r, path, "dump", NULL);
		assert_int_equal(r.rc, 1);
		expect_line(r.out, "SUPPORTED_PLATFORM mask 0x1 SEV_SNP");
		expect_line(r.err, "page data outside the file at offset 0x");
		free_cli(&r);
	}

	/* Truncated: the size in the header no longer matches. */
	write_tmp(path, b.buf, b.len - 1);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: file size mismatch at offset 0x10\n", path);
	expect_cli(1, expect, path, "measure", NULL);
	write_tmp(path, b.buf, 10);
	snprintf(expect, sizeof(expect),
		 "igvmmeasure: %s: file too small at offset 0x0\n", path);
	expect_cli(1, expect, path, "dump", NULL);
	free_built(&b);
}

/* --- setup ---------------------------------------------------------------- */

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_igvmmeasure.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		return -1;
	}
	test_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	return test_key ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = {
		"in.igvm", "out.igvm", "key.pem", "key2.pem", "e.igvm",
		"n.igvm", "p.igvm", "eo.igvm", "bad.pem", "p256.pem",
		"c.igvm",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		unlink(tmp_path(names[i]));
	}
	rmdir(tmpdir);
	EVP_PKEY_free(test_key);
	return 0;
}

/*
 * "test_igvmmeasure --write-corpus DIR" writes the seeds of the igvmmeasure
 * fuzzer (tests/fuzz/fuzz_igvmmeasure.c): a mode byte (1 = fix the checksum)
 * then the file.
 */
static void write_seed(const char *dir, const char *name, u8 mode,
		       const u8 *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&mode, 1, 1, f) != 1 ||
	    fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "%s: write failed\n", path);
		exit(1);
	}
}

static int write_corpus(const char *dir)
{
	struct built rich, sig;
	size_t len;
	u8 *raw;

	if (setup(NULL)) {
		return 1;
	}
	rich_file(&rich);
	sign_buffer(&rich, &sig, 1);
	write_seed(dir, "rich-fixcrc", 1, rich.buf, rich.len);
	write_seed(dir, "rich-signed-fixcrc", 1, sig.buf, sig.len);
	write_seed(dir, "rich-signed-raw", 0, sig.buf, sig.len);
	raw = raw_2mb_file(false, &len);
	write_seed(dir, "snp-2mb-zero-fixcrc", 1, raw, len);
	free(raw);
	free_built(&rich);
	free_built(&sig);
	return teardown(NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_values),
		cmocka_unit_test(test_tiny_file_by_hand),
		cmocka_unit_test(test_other_masks_ignored),
		cmocka_unit_test(test_parameter_insert),
		cmocka_unit_test(test_page_types),
		cmocka_unit_test(test_native_zero),
		cmocka_unit_test(test_2mb_pages),
		cmocka_unit_test(test_check_kvm),
		cmocka_unit_test(test_id_block),
		cmocka_unit_test(test_sign_keeps_digest),
		cmocka_unit_test(test_sign_unsupported),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_cli_measure_sign),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_corrupt),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-corpus")) {
		return write_corpus(argv[2]);
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * OVMF GUID table and SEV metadata reader (tools/igvmbuilder/ovmf.c), on
 * synthetic images from tests/unit/support/ovmf_fake.c: what it finds in a
 * good image, that images without a table or metadata are not errors, and
 * one test per malformation, each checking the message names the offending
 * entry, field or range. Debian's OVMF.fd is read too when installed.
 *
 * Run as "test_ovmf_parse --write-corpus DIR" it writes the seed corpus of
 * the ovmf_parse fuzzer instead (tests/fuzz/ovmf_parse.mk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/igvmbuilder/ovmf.h"
#include "support/ovmf_fake.h"

#define SIZE 0x10000
#define DEBIAN_OVMF "/usr/share/ovmf/OVMF.fd"

static struct ovmf_info info;
static char err[512];

static int parse(const u8 *img, size_t size)
{
	return ovmf_parse(img, size, &info, err, sizeof(err));
}

/* Builds spec, lets `mutate` corrupt it, parses, frees. */
static int parse_spec(const struct fake_fw *spec,
		      void (*mutate)(u8 *, const struct fake_fw_offsets *))
{
	struct fake_fw_offsets off;
	u8 *img = fake_fw_build(spec, &off);
	int ret;

	assert_non_null(img);
	if (mutate) {
		mutate(img, &off);
	}
	ret = parse(img, spec->size);
	free(img);
	return ret;
}

static void expect_error(const struct fake_fw *spec,
			 void (*mutate)(u8 *, const struct fake_fw_offsets *),
			 const char *text)
{
	assert_int_equal(parse_spec(spec, mutate), -1);
	if (!strstr(err, text)) {
		fail_msg("error \"%s\" does not contain \"%s\"", err, text);
	}
}

/* --- good images ---------------------------------------------------------- */

static void test_default_image(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	assert_int_equal(parse_spec(&spec, NULL), 0);
	assert_true(info.has_table);
	assert_true(info.has_sev_metadata);
	assert_true(info.has_ap_reset);
	assert_int_equal(info.ap_reset, 0x80B004);
	assert_int_equal(info.metadata_offset,
			 SIZE - FAKE_FW_METADATA_FROM_END);
	assert_int_equal(info.ndesc, spec.ndesc);
	for (u32 i = 0; i < spec.ndesc; i++) {
		assert_int_equal(info.desc[i].base, spec.desc[i].base);
		assert_int_equal(info.desc[i].len, spec.desc[i].len);
		assert_int_equal(info.desc[i].type, spec.desc[i].type);
	}
	assert_string_equal(err, "");
}

static void test_no_table_is_not_an_error(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	spec.no_table = true;
	assert_int_equal(parse_spec(&spec, NULL), 0);
	assert_false(info.has_table);
	assert_false(info.has_sev_metadata);
	/* Too small to hold a footer at all. */
	assert_int_equal(parse((const u8 *)"", 0), 0);
	assert_int_equal(parse((const u8 *)"0123456789", 10), 0);
	assert_false(info.has_table);
}

static void test_table_without_metadata(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	spec.no_metadata = true;
	assert_int_equal(parse_spec(&spec, NULL), 0);
	assert_true(info.has_table);
	assert_false(info.has_sev_metadata);
	assert_true(info.has_ap_reset);
	/* And a table with no entries at all. */
	spec.ap_reset = 0;
	assert_int_equal(parse_spec(&spec, NULL), 0);
	assert_true(info.has_table);
	assert_false(info.has_ap_reset);
}

static void test_no_descriptors(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	spec.ndesc = 0;
	assert_int_equal(parse_spec(&spec, NULL), 0);
	assert_true(info.has_sev_metadata);
	assert_int_equal(info.ndesc, 0);
}

/* Unknown entries (TDX metadata, hash table...) are skipped, not refused. */
static void unknown_entry(u8 *img, const struct fake_fw_offsets *o)
{
	img[o->reset_len + 2] ^= 0xff; /* first GUID byte of the reset block */
}

static void test_unknown_entry_skipped(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	assert_int_equal(parse_spec(&spec, unknown_entry), 0);
	assert_false(info.has_ap_reset);
	assert_true(info.has_sev_metadata);
}

/* The image Debian ships (edk2 2022.11), when the ovmf package is there. */
static void test_debian_ovmf(void **state)
{
	FILE *f = fopen(DEBIAN_OVMF, "rb");
	static u8 img[16 << 20];
	size_t n;

	if (!f) {
		skip();
	}
	n = fread(img, 1, sizeof(img), f);
	fclose(f);
	assert_int_equal(parse(img, n), 0);
	assert_true(info.has_table);
	if (!info.has_sev_metadata) {
		skip(); /* a build without SEV support */
	}
	assert_true(info.ndesc >= 4);
	for (u32 i = 0; i < info.ndesc; i++) {
		assert_int_equal(info.desc[i].base % 4096, 0);
		assert_true(info.desc[i].len > 0);
	}
}

/* --- malformed tables ----------------------------------------------------- */

static void table_too_short(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put16(img + o->table_len, 17);
}

static void table_too_long(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put16(img + o->table_len, 0xffff);
}

static void test_bad_table_length(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, 0x1000);
	expect_error(&spec, table_too_short,
		     "OVMF GUID table: length 17 at 0xfce is shorter than the footer");
	expect_error(&spec, table_too_long,
		     "OVMF GUID table: length 65535 at 0xfce runs past the start of the image");
}

static void entry_too_short(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put16(img + o->metadata_len, 3);
}

static void entry_too_long(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put16(img + o->metadata_len, 200);
}

static void stray_bytes(u8 *img, const struct fake_fw_offsets *o)
{
	/* Two more bytes in the table than its entries fill. */
	fake_put16(img + o->table_len, 18 + 22 + 22 + 2);
}

static void test_bad_entry_length(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	expect_error(&spec, entry_too_short,
		     "entry ending at 0xffce has length 3 (less than its 18-byte trailer");
	expect_error(&spec, entry_too_long,
		     "entry ending at 0xffce has length 200 (it runs past the start of the table; 44 bytes are left");
	expect_error(&spec, stray_bytes,
		     "OVMF GUID table: 2 bytes at 0xffa0-0xffa2 are too few for an entry");
}

static void metadata_entry_wide(u8 *img, const struct fake_fw_offsets *o)
{
	/* Claim 6 data bytes: the entry now starts 2 bytes lower. */
	fake_put16(img + o->metadata_len, 24);
	fake_put16(img + o->table_len, 18 + 24 + 22);
}

static void second_metadata_entry(u8 *img, const struct fake_fw_offsets *o)
{
	static const u8 guid[16] = OVMF_SEV_METADATA_GUID;

	memcpy(img + o->reset_len + 2, guid, 16);
}

static void zero_reset(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->reset_len - 4, 0);
}

static void test_bad_entry_data(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	expect_error(&spec, metadata_entry_wide,
		     "SEV metadata entry at 0xffb6 has 6 data bytes, expected 4");
	expect_error(&spec, second_metadata_entry,
		     "OVMF GUID table: a second SEV metadata entry at 0xffa2");
	expect_error(&spec, zero_reset,
		     "SEV-ES reset block at 0xffa2 gives address 0");
}

/* --- malformed SEV metadata ----------------------------------------------- */

static void offset_outside(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->metadata_off, SIZE + 0x1000);
}

static void offset_too_small(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->metadata_off, 8);
}

static void bad_signature(u8 *img, const struct fake_fw_offsets *o)
{
	memcpy(img + o->asev, "TDVF", 4);
}

static void bad_version(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->asev + 8, 2);
}

static void too_many(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->asev + 12, 17);
}

static void length_short(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->asev + 4, 16 + 12 * 6);
}

static void length_past_end(u8 *img, const struct fake_fw_offsets *o)
{
	fake_put32(img + o->asev + 4, FAKE_FW_METADATA_FROM_END + 4);
}

static void test_bad_metadata_block(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	expect_error(&spec, offset_outside,
		     "SEV metadata: offset 0x11000 from the image end points outside the 65536-byte image");
	expect_error(&spec, offset_too_small,
		     "SEV metadata: offset 0x8 from the image end points outside");
	expect_error(&spec, bad_signature,
		     "SEV metadata at 0xfe00: signature 54 44 56 46 is not \"ASEV\"");
	expect_error(&spec, bad_version,
		     "SEV metadata at 0xfe00: version 2 (only version 1 is defined)");
	expect_error(&spec, too_many,
		     "SEV metadata at 0xfe00: 17 descriptors (at most 16 are supported)");
	expect_error(&spec, length_short,
		     "SEV metadata at 0xfe00: length 88 is too short (7 descriptors need 100 bytes");
	expect_error(&spec, length_past_end,
		     "SEV metadata at 0xfe00: length 516 runs past the end of the image (7 descriptors need 100 bytes; 512 bytes are left");
}

/* --- descriptors ---------------------------------------------------------- */

static void one_desc(struct fake_fw *spec, u32 i, u32 base, u32 len,
		     u32 type)
{
	spec->desc[i] = (struct fake_fw_desc){ base, len, type };
}

static void test_bad_descriptors(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 1, 0x809000, 0x3000, 7);
	expect_error(&spec, NULL,
		     "SEV metadata descriptor 1 (0x809000-0x80c000): unknown section type 0x7");
	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 1, 0x809800, 0x3000, OVMF_SEV_SNP_SEC_MEM);
	expect_error(&spec, NULL,
		     "SEV metadata descriptor 1 (SNP_SEC_MEM 0x809800-0x80c800) is not a non-empty range of whole 4 KiB pages");
	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 1, 0x809000, 0, OVMF_SEV_SNP_SEC_MEM);
	expect_error(&spec, NULL, "descriptor 1 (SNP_SEC_MEM 0x809000-0x809000) is not a non-empty range");
	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 2, 0x80D000, 0x2000, OVMF_SEV_SNP_SECRETS);
	expect_error(&spec, NULL,
		     "SEV metadata descriptor 2 (SNP_SECRETS 0x80d000-0x80f000) must be one 4 KiB page");
}

/* A range that does not fit in 32 bits is outside the firmware's reach. */
static void test_descriptor_above_4g(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 3, 0xFFFFF000, 0x2000, OVMF_SEV_SNP_SEC_MEM);
	expect_error(&spec, NULL,
		     "SEV metadata descriptor 3 (SNP_SEC_MEM 0xfffff000-0x100001000) is outside the 32-bit address space of the firmware (ends above 4 GiB)");
}

static void test_overlapping_descriptors(void **state)
{
	struct fake_fw spec;

	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 5, 0x808000, 0x2000, OVMF_SEV_SNP_SEC_MEM);
	expect_error(&spec, NULL,
		     "SEV metadata descriptors 0 (SNP_SEC_MEM 0x800000-0x809000) and 5 (SNP_SEC_MEM 0x808000-0x80a000) overlap");
	fake_fw_default(&spec, SIZE);
	one_desc(&spec, 6, 0x90E000, 0x1000, OVMF_SEV_CPUID);
	expect_error(&spec, NULL,
		     "SEV metadata descriptors 3 and 6 both give the CPUID page (0x80e000 and 0x90e000)");
}

/* --- seed corpus for the fuzzer ------------------------------------------- */

static int write_seed(const char *dir, const char *name, const u8 *p,
		      size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* Small images: the fuzzer mutates the tail, where the table lives. */
static int write_corpus(const char *dir)
{
	struct fake_fw spec;
	int ret = 0;
	u8 *img;

	for (int v = 0; v < 3; v++) {
		char name[32];

		fake_fw_default(&spec, 0x400);
		spec.no_metadata = v == 1;
		spec.ap_reset = v == 2 ? 0 : spec.ap_reset;
		img = fake_fw_build(&spec, NULL);
		snprintf(name, sizeof(name), "seed-%d", v);
		ret |= !img || write_seed(dir, name, img, spec.size);
		free(img);
	}
	return ret;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_image),
		cmocka_unit_test(test_no_table_is_not_an_error),
		cmocka_unit_test(test_table_without_metadata),
		cmocka_unit_test(test_no_descriptors),
		cmocka_unit_test(test_unknown_entry_skipped),
		cmocka_unit_test(test_debian_ovmf),
		cmocka_unit_test(test_bad_table_length),
		cmocka_unit_test(test_bad_entry_length),
		cmocka_unit_test(test_bad_entry_data),
		cmocka_unit_test(test_bad_metadata_block),
		cmocka_unit_test(test_bad_descriptors),
		cmocka_unit_test(test_descriptor_above_4g),
		cmocka_unit_test(test_overlapping_descriptors),
	};

	if (argc == 3 && !strcmp(argv[1], "--write-corpus")) {
		return write_corpus(argv[2]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

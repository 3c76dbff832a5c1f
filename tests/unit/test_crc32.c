/* SPDX-License-Identifier: MIT */
/*
 * crc32_update() against published check values and a bitwise reference
 * implementation (which shares nothing with the table in lib/crc32.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <svsm/lib/crc32.h>

static u32 ref_crc32(u32 crc, const u8 *p, size_t len)
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

/* xorshift64: deterministic, so a failure reproduces. */
static u64 t_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void t_fill(u8 *buf, size_t len, u64 *rng)
{
	for (size_t i = 0; i < len; i++) {
		buf[i] = (u8)t_rand(rng);
	}
}

static void test_check_values(void **state)
{
	static const struct {
		const char *s;
		u32 crc;
	} vec[] = {
		{ "", 0 },
		{ "a", 0xe8b7be43 },
		{ "abc", 0x352441c2 },
		{ "123456789", 0xcbf43926 },
		{ "The quick brown fox jumps over the lazy dog", 0x414fa339 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(vec); i++) {
		assert_int_equal(crc32_update(0, vec[i].s, strlen(vec[i].s)),
				 vec[i].crc);
	}
}

static void test_zero_length_keeps_crc(void **state)
{
	assert_int_equal(crc32_update(0, NULL, 0), 0);
	assert_int_equal(crc32_update(0xcbf43926, "x", 0), 0xcbf43926);
}

/* A one-byte input from crc 0 reaches every one of the 256 table entries. */
static void test_every_table_entry(void **state)
{
	for (unsigned int b = 0; b < 256; b++) {
		u8 byte = (u8)b;

		assert_int_equal(crc32_update(0, &byte, 1),
				 ref_crc32(0, &byte, 1));
	}
}

static void test_zeros_and_ones(void **state)
{
	u8 buf[4096];

	memset(buf, 0, sizeof(buf));
	assert_int_equal(crc32_update(0, buf, sizeof(buf)),
			 ref_crc32(0, buf, sizeof(buf)));
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(crc32_update(0, buf, sizeof(buf)),
			 ref_crc32(0, buf, sizeof(buf)));
}

static void test_random_vs_reference(void **state)
{
	u64 rng = 0x243f6a8885a308d3ULL;
	u8 *buf = malloc(8192);

	assert_non_null(buf);
	for (int i = 0; i < 300; i++) {
		size_t len = t_rand(&rng) % 8193;
		size_t off = t_rand(&rng) % 8;

		if (off > len) {
			off = len;
		}
		t_fill(buf, len, &rng);
		/* Odd offsets: the input need not be aligned. */
		assert_int_equal(crc32_update(0, buf + off, len - off),
				 ref_crc32(0, buf + off, len - off));
	}
	free(buf);
}

static void test_chunked_equals_one_shot(void **state)
{
	u64 rng = 0x13198a2e03707344ULL;
	u8 buf[3000];

	t_fill(buf, sizeof(buf), &rng);
	for (int i = 0; i < 200; i++) {
		u32 whole = crc32_update(0, buf, sizeof(buf));
		u32 crc = 0;
		size_t pos = 0;

		while (pos < sizeof(buf)) {
			size_t n = t_rand(&rng) % 300;

			if (n > sizeof(buf) - pos) {
				n = sizeof(buf) - pos;
			}
			crc = crc32_update(crc, buf + pos, n);
			pos += n;
		}
		assert_int_equal(crc, whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_zero_length_keeps_crc),
		cmocka_unit_test(test_every_table_entry),
		cmocka_unit_test(test_zeros_and_ones),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_chunked_equals_one_shot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

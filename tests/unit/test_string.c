/* SPDX-License-Identifier: MIT */
/*
 * lib/string.c against the host libc, plus svsm_strerror().
 *
 * Host builds map <svsm/lib/string.h> to libc, so lib/string.c is compiled
 * here a second time, as the freestanding build sees it but under svsm_t_*
 * names; libc stays available under the usual names for comparison. The
 * buffers are heap blocks of the exact size, so ASan catches any access past
 * either end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>

#define memcpy svsm_t_memcpy
#define memmove svsm_t_memmove
#define memset svsm_t_memset
#define memcmp svsm_t_memcmp
#define strlen svsm_t_strlen
#define strnlen svsm_t_strnlen
#define strcmp svsm_t_strcmp
#define strncmp svsm_t_strncmp
#define strchr svsm_t_strchr
#undef SVSM_HOST
#include "../../lib/string.c"
#define SVSM_HOST 1
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

/* Enough to cover every word alignment and a few whole words either side. */
#define T_MAX 200

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

static int t_sign(int v)
{
	return (v > 0) - (v < 0);
}

static u8 *t_alloc(size_t len)
{
	/* malloc(0) may return NULL; one spare byte is not worth the case. */
	u8 *p = malloc(len ? len : 1);

	assert_non_null(p);
	return p;
}

static void test_memcpy(void **state)
{
	u64 rng = 1;

	for (size_t n = 0; n < T_MAX; n++) {
		for (size_t so = 0; so < 8; so++) {
			for (size_t d_o = 0; d_o < 8; d_o++) {
				u8 *src = t_alloc(so + n);
				u8 *dst = t_alloc(d_o + n);
				u8 *want = t_alloc(d_o + n);

				t_fill(src, so + n, &rng);
				t_fill(dst, d_o + n, &rng);
				memcpy(want, dst, d_o + n);
				memcpy(want + d_o, src + so, n);
				assert_ptr_equal(svsm_t_memcpy(dst + d_o,
							       src + so, n),
						 dst + d_o);
				assert_memory_equal(dst, want, d_o + n);
				free(src);
				free(dst);
				free(want);
			}
		}
	}
}

/* Every overlap, both directions, every relative alignment. */
static void test_memmove_overlap(void **state)
{
	enum { LEN = 96 };
	u64 rng = 2;
	u8 *buf = t_alloc(LEN), *want = t_alloc(LEN);

	for (size_t d = 0; d < LEN; d++) {
		for (size_t s = 0; s < LEN; s++) {
			size_t max = LEN - MAX(d, s);

			for (size_t n = 0; n <= max; n += 1 + n / 8) {
				t_fill(buf, LEN, &rng);
				memcpy(want, buf, LEN);
				memmove(want + d, want + s, n);
				assert_ptr_equal(svsm_t_memmove(buf + d,
								buf + s, n),
						 buf + d);
				assert_memory_equal(buf, want, LEN);
			}
		}
	}
	free(buf);
	free(want);
}

static void test_memset(void **state)
{
	static const int vals[] = { 0, 0xa5, 0xff, -1, 0x1234, INT_MIN };
	u64 rng = 3;

	for (size_t n = 0; n < T_MAX; n++) {
		for (size_t off = 0; off < 8; off++) {
			u8 *buf = t_alloc(off + n), *want = t_alloc(off + n);
			int c = vals[t_rand(&rng) % ARRAY_SIZE(vals)];

			t_fill(buf, off + n, &rng);
			memcpy(want, buf, off + n);
			memset(want + off, c, n);
			assert_ptr_equal(svsm_t_memset(buf + off, c, n),
					 buf + off);
			assert_memory_equal(buf, want, off + n);
			free(buf);
			free(want);
		}
	}
}

static void test_memcmp(void **state)
{
	u64 rng = 4;

	for (int i = 0; i < 20000; i++) {
		size_t n = t_rand(&rng) % 40;
		u8 *a = t_alloc(n), *b = t_alloc(n);

		t_fill(a, n, &rng);
		memcpy(b, a, n);
		/* Differ in one byte, often one with the top bit set. */
		if (n && t_rand(&rng) % 4) {
			b[t_rand(&rng) % n] = (u8)t_rand(&rng);
		}
		assert_int_equal(t_sign(svsm_t_memcmp(a, b, n)),
				 t_sign(memcmp(a, b, n)));
		free(a);
		free(b);
	}
	assert_true(svsm_t_memcmp("\x80", "\x7f", 1) > 0);
}

/* A random NUL-terminated string from a small alphabet, with high bytes. */
static char *t_string(u64 *rng, size_t max)
{
	static const char alphabet[] = "ab\x80\xff";
	size_t len = t_rand(rng) % (max + 1);
	char *s = (char *)t_alloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		s[i] = alphabet[t_rand(rng) % (sizeof(alphabet) - 1)];
	}
	s[len] = '\0';
	return s;
}

static void test_strlen_strnlen(void **state)
{
	u64 rng = 5;

	for (int i = 0; i < 5000; i++) {
		char *s = t_string(&rng, 50);
		size_t max = t_rand(&rng) % 60;

		assert_int_equal(svsm_t_strlen(s), strlen(s));
		assert_int_equal(svsm_t_strnlen(s, max), strnlen(s, max));
		free(s);
	}
	/* strnlen must stop at max even without a terminator. */
	assert_int_equal(svsm_t_strnlen("abc", 2), 2);
	assert_int_equal(svsm_t_strnlen("abc", SIZE_MAX), 3);
}

static void test_strcmp_strncmp(void **state)
{
	u64 rng = 6;

	for (int i = 0; i < 20000; i++) {
		char *a = t_string(&rng, 6), *b = t_string(&rng, 6);
		size_t n = t_rand(&rng) % 8;

		assert_int_equal(t_sign(svsm_t_strcmp(a, b)),
				 t_sign(strcmp(a, b)));
		assert_int_equal(t_sign(svsm_t_strcmp(a, a)), 0);
		assert_int_equal(t_sign(svsm_t_strncmp(a, b, n)),
				 t_sign(strncmp(a, b, n)));
		free(a);
		free(b);
	}
	assert_int_equal(svsm_t_strncmp("abc", "abd", 0), 0);
	assert_int_equal(svsm_t_strncmp("abc", "abd", 2), 0);
	assert_true(svsm_t_strcmp("ab", "abc") < 0);
	assert_true(svsm_t_strcmp("\xff", "a") > 0);
}

static void test_strchr(void **state)
{
	static const char s[] = "hello, w\xe9rld";

	assert_ptr_equal(svsm_t_strchr(s, 'h'), s);
	assert_ptr_equal(svsm_t_strchr(s, 'l'), s + 2);
	assert_ptr_equal(svsm_t_strchr(s, 0xe9), s + 8);
	assert_ptr_equal(svsm_t_strchr(s, (char)0xe9), s + 8);
	assert_ptr_equal(svsm_t_strchr(s, 'z'), NULL);
	/* The terminator is part of the string. */
	assert_ptr_equal(svsm_t_strchr(s, '\0'), s + sizeof(s) - 1);
	assert_ptr_equal(svsm_t_strchr(s, 0x100 + 'h'), s);
	for (int c = 0; c < 256; c++) {
		assert_ptr_equal(svsm_t_strchr(s, c), strchr(s, c));
	}
}

static void test_strerror(void **state)
{
	assert_string_equal(svsm_strerror(0), "success");
	assert_string_equal(svsm_strerror(-SVSM_ENOMEM), "out of memory");
	assert_string_equal(svsm_strerror(SVSM_ENOMEM), "out of memory");
	assert_string_equal(svsm_strerror(-SVSM_EINVAL), "invalid argument");
	assert_string_equal(svsm_strerror(-SVSM_EBADMSG), "corrupted data");
	assert_string_equal(svsm_strerror(-11), "unknown error");
	assert_string_equal(svsm_strerror(INT_MIN), "unknown error");
	assert_string_equal(svsm_strerror(INT_MAX), "unknown error");
	/* Every code in errno.h has its own text. */
	for (int e = SVSM_ENOMEM; e <= SVSM_EBADMSG; e++) {
		assert_string_not_equal(svsm_strerror(-e), "unknown error");
		for (int f = SVSM_ENOMEM; f < e; f++) {
			assert_string_not_equal(svsm_strerror(-e),
						svsm_strerror(-f));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

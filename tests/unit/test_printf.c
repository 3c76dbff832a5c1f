/* SPDX-License-Identifier: MIT */
/*
 * fmt_vsnprintf() against the host libc: fixed cases for every conversion,
 * flag and length modifier, then random specifications. Each case runs at
 * several buffer sizes, and the whole buffer (past the terminator too) must
 * match what vsnprintf() leaves there.
 *
 * lib/printf.c is built a second time here with FMT_SOFT_DIV, under other
 * names, so that the 32-bit decimal path runs on the host as well.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <svsm/lib/printf.h>

int soft_fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int soft_fmt_snprintf(char *buf, size_t size, const char *fmt,
				     ...);

#define FMT_SOFT_DIV 1
#define fmt_vsnprintf soft_fmt_vsnprintf
#define fmt_snprintf soft_fmt_snprintf
#include "../../lib/printf.c"
#undef fmt_vsnprintf
#undef fmt_snprintf

#define T_BUF 512

typedef int (*t_vfmt_fn)(char *buf, size_t size, const char *fmt, va_list ap);

static const struct {
	const char *name;
	t_vfmt_fn fn;
} t_impls[] = {
	{ "fmt_vsnprintf", fmt_vsnprintf },
	{ "soft_fmt_vsnprintf", soft_fmt_vsnprintf },
};

static const size_t t_sizes[] = { 0, 1, 2, 3, 7, 16, 64, T_BUF };

static unsigned long t_compared;

static void t_check_size(t_vfmt_fn fn, const char *name, size_t size,
			 const char *fmt, va_list ap)
{
	/* Slack past size: a write beyond it shows up as a difference. */
	char want[T_BUF + 16], got[T_BUF + 16];
	size_t shown = size ? size - 1 : 0;
	va_list a1, a2;
	int rw, rg;

	memset(want, 0xa5, sizeof(want));
	memset(got, 0xa5, sizeof(got));
	va_copy(a1, ap);
	rw = vsnprintf(size ? want : NULL, size, fmt, a1);
	va_end(a1);
	va_copy(a2, ap);
	rg = fn(size ? got : NULL, size, fmt, a2);
	va_end(a2);
	t_compared++;
	if (rw != rg || memcmp(want, got, sizeof(want)) != 0) {
		print_error("%s(size %zu, \"%s\"):\n  libc %d \"%.*s\"\n"
			    "  ours %d \"%.*s\"\n",
			    name, size, fmt, rw, (int)shown, want, rg,
			    (int)shown, got);
		fail();
	}
}

static void t_check_all(const char *fmt, va_list ap)
{
	for (size_t i = 0; i < ARRAY_SIZE(t_impls); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(t_sizes); j++) {
			t_check_size(t_impls[i].fn, t_impls[i].name,
				     t_sizes[j], fmt, ap);
		}
	}
}

/* Checks fmt with these arguments, for each implementation and size. */
__printf(1, 2) static void check(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_check_all(fmt, ap);
	va_end(ap);
}

/*
 * The same without gcc's format check, for valid C that gcc warns about
 * ('0' with a precision, '+' with %u, ...) and for runtime formats.
 */
static void check_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_check_all(fmt, ap);
	va_end(ap);
}

/* Formats with no compile-time check, for what libc and gcc disagree on. */
static int t_fmt(t_vfmt_fn fn, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_literal(void **state)
{
	check("%s", "");
	check("plain text");
	check("%%");
	check("a%%b%%%%c");
	check("tab\there, newline\n");
}

static void test_int(void **state)
{
	static const int vals[] = { 0, 1, -1, 7, -42, 1000, INT_MAX, INT_MIN };

	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		int v = vals[i];

		check("%d", v);
		check("%i", v);
		check("%u", (unsigned int)v);
		check("%x", (unsigned int)v);
		check("%X", (unsigned int)v);
		check("%o", (unsigned int)v);
		check("[%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|% 05d|%+05d]", v, v,
		      v, v, v, v, v, v, v);
		check_raw("[%.0d|%5.0d|%.3d|%5.3d|%-8.3d|%08.3d|%.12d|%+.3d]",
			  v, v, v, v, v, v, v, v);
		check("[%#x|%#X|%#o|%#.0x|%#.0o|%#5.3x|%#08x|%#-8x|%#.5o]",
		      (unsigned int)v, (unsigned int)v, (unsigned int)v,
		      (unsigned int)v, (unsigned int)v, (unsigned int)v,
		      (unsigned int)v, (unsigned int)v, (unsigned int)v);
		check_raw("[%+u|% u|%08u|%-8x|%08o]", (unsigned int)v,
		      (unsigned int)v, (unsigned int)v, (unsigned int)v,
		      (unsigned int)v);
	}
}

static void test_length_modifiers(void **state)
{
	/* Out-of-range on purpose: the value must be cut to char or short. */
	check_raw("%hhd %hhd %hhd %hhu %hhx", 127, 128, -129, 0x1ff, 0x1ab);
	check_raw("%hd %hd %hu %hx %ho", 32767, 40000, 70000, -1, -1);
	check("%ld %ld %lu %lx %lo", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX,
	      ULONG_MAX);
	check("%lld %lld %llu", (long long)INT64_MIN, (long long)INT64_MAX,
	      (unsigned long long)UINT64_MAX);
	check("%llx %llX %llo", (unsigned long long)UINT64_MAX,
	      (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	check("%lli %llu", -1000000000000LL, 10000000000000000000ULL);
	check("%zu %zx %zd %zd", SIZE_MAX, SIZE_MAX, (ssize_t)-5,
	      (ssize_t)SSIZE_MAX);
	check("%jd %jd %ju %jx", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX,
	      UINTMAX_MAX);
	check("%td %td %tx", PTRDIFF_MIN, PTRDIFF_MAX, (ptrdiff_t)-1);
	check("[%30lld|%-30lld|%030lld|%.25lld|%+.25lld|%#30llo]",
	      (long long)INT64_MIN, (long long)INT64_MIN, (long long)INT64_MIN,
	      (long long)INT64_MIN, (long long)INT64_MAX,
	      (unsigned long long)UINT64_MAX);
	/* Powers of ten around where a 64-bit decimal needs every digit. */
	for (unsigned long long p = 1; p < UINT64_MAX / 10; p *= 10) {
		check("%llu %llu %llu %lld", p - 1, p, p + 1, -(long long)p);
	}
}

static void test_star(void **state)
{
	check("[%*d]", 5, 42);
	check("[%*d]", -5, 42);
	check("[%-*d]", -5, 42);
	check_raw("[%0*d]", -5, 42);
	check("[%.*d]", 3, 7);
	check("[%.*d]", -1, 7);
	check("[%.*d]", -1, 0);
	check("[%*.*d]", 8, 3, -7);
	check("[%*.*d]", -8, -3, -7);
	check("[%.*s]", 2, "abc");
	check("[%.*s]", -1, "abc");
	check("[%*s]", -6, "ab");
	check("[%*c]", 4, 'z');
	check("[%*llx|%*s]", 20, (unsigned long long)UINT64_MAX, 3, "x");
}

static void test_text(void **state)
{
	check("%s", "hello");
	check("[%10s|%-10s|%.3s|%10.3s|%.0s|%.10s|%5s|%-5s]", "hello",
	      "hello", "hello", "hello", "hello", "hi", "", "");
	check("[%c|%5c|%-5c|%c|%c]", 'a', 'b', 'c', 0x1ff, -1);
	check("[%c]", 0); /* an embedded NUL is still output */
	check("%s=%d, %s=%#llx%c%%", "a", -3, "b",
	      (unsigned long long)0xfedcba9876543210ULL, '!');
}

static void test_pointer(void **state)
{
	int x;
	void *ptrs[] = { &x, (void *)1, (void *)0x1234, (void *)UINTPTR_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(ptrs); i++) {
		check_raw("[%p|%20p|%-20p|%020p|%.20p]", ptrs[i], ptrs[i],
			  ptrs[i], ptrs[i], ptrs[i]);
	}
}

static void test_long_output(void **state)
{
	check("%300d|%-300s|%.300d", 1, "x", -1);
	check("%700s", "wider than the buffer");
}

/* Where glibc differs or C leaves it undefined: our documented choice. */
static void test_own_choices(void **state)
{
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(t_impls); i++) {
		t_vfmt_fn fn = t_impls[i].fn;
		const char *null_str = NULL;

		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%p", NULL), 3);
		assert_string_equal(buf, "0x0");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "[%s|%8s]",
				       null_str, null_str), 17);
		assert_string_equal(buf, "[(null)|  (null)]");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%.3s", null_str),
				 3);
		assert_string_equal(buf, "(nu");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "a%5yb%"), 6);
		assert_string_equal(buf, "a%5yb%");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%5%"), 1);
		assert_string_equal(buf, "%");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%n%d", 1), 3);
		assert_string_equal(buf, "%n1");
	}
}

static void test_sizes(void **state)
{
	char buf[8];

	for (size_t i = 0; i < ARRAY_SIZE(t_impls); i++) {
		t_vfmt_fn fn = t_impls[i].fn;

		assert_int_equal(t_fmt(fn, NULL, 0, "%d", 12345), 5);
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(t_fmt(fn, buf, 1, "%d", 12345), 5);
		assert_int_equal(buf[0], '\0');
		assert_int_equal(buf[1], 'x');
		assert_int_equal(t_fmt(fn, buf, 4, "%d", 12345), 5);
		assert_string_equal(buf, "123");
		assert_int_equal(buf[4], 'x');
	}
}

/* Huge widths must be cheap once the buffer is full, and not overflow. */
static void test_huge_width(void **state)
{
	char buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(t_impls); i++) {
		t_vfmt_fn fn = t_impls[i].fn;

		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%*d", INT_MAX, 1),
				 INT_MAX);
		assert_string_equal(buf, "               ");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%*d", INT_MIN, 1),
				 INT_MAX);
		assert_string_equal(buf, "1              ");
		assert_int_equal(t_fmt(fn, buf, sizeof(buf),
				       "%99999999999999d", 1), INT_MAX);
		assert_int_equal(t_fmt(fn, buf, sizeof(buf), "%.*d%*d",
				       INT_MAX, 1, INT_MAX, 1), -1);
		assert_string_equal(buf, "000000000000000");
	}
}

/* xorshift64: deterministic, so a failure reproduces. */
static u64 t_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void t_random_spec(u64 *rng, char *fmt, size_t size, char conv,
			  const char *len)
{
	char flags[8] = "";
	char width[8] = "", prec[8] = "";
	size_t nf = 0;

	for (const char *f = "-0+ "; *f; f++) {
		if (t_rand(rng) % 4 == 0) {
			flags[nf++] = *f;
		}
	}
	/* '#' is undefined for d, i and u. */
	if (strchr("oxX", conv) && t_rand(rng) % 3 == 0) {
		flags[nf++] = '#';
	}
	if (t_rand(rng) % 2) {
		snprintf(width, sizeof(width), "%u",
			 (unsigned int)(t_rand(rng) % 30));
	}
	if (t_rand(rng) % 2) {
		snprintf(prec, sizeof(prec), ".%u",
			 (unsigned int)(t_rand(rng) % 25));
	} else if (t_rand(rng) % 8 == 0) {
		strcpy(prec, ".");
	}
	snprintf(fmt, size, "<%s%s%s%s%c>", flags, width, prec, len, conv);
}

/* Passes v as the type the length modifier lens[li] calls for. */
static void t_check_signed(const char *fmt, size_t li, u64 v)
{
	switch (li) {
	case 0: /* "", hh and h all take an int */
	case 1:
	case 2:
		check_raw(fmt, (int)v);
		break;
	case 3:
		check_raw(fmt, (long)v);
		break;
	case 4:
		check_raw(fmt, (long long)v);
		break;
	case 5:
		check_raw(fmt, (ssize_t)v);
		break;
	case 6:
		check_raw(fmt, (intmax_t)v);
		break;
	default:
		check_raw(fmt, (ptrdiff_t)v);
		break;
	}
}

static void t_check_unsigned(const char *fmt, size_t li, u64 v)
{
	switch (li) {
	case 0:
	case 1:
	case 2:
		check_raw(fmt, (unsigned int)v);
		break;
	case 3:
		check_raw(fmt, (unsigned long)v);
		break;
	case 4:
		check_raw(fmt, (unsigned long long)v);
		break;
	case 5:
		check_raw(fmt, (size_t)v);
		break;
	case 6:
		check_raw(fmt, (uintmax_t)v);
		break;
	default:
		check_raw(fmt, (ptrdiff_t)v);
		break;
	}
}

static void t_random_case(u64 *rng)
{
	static const char convs[] = "diuxXo";
	static const char *const lens[] = {
		"", "hh", "h", "l", "ll", "z", "j", "t",
	};
	char conv = convs[t_rand(rng) % (sizeof(convs) - 1)];
	size_t li = t_rand(rng) % ARRAY_SIZE(lens);
	/* A random shift gives small values as often as large ones. */
	u64 v = t_rand(rng) >> (t_rand(rng) % 64);
	char fmt[32];

	t_random_spec(rng, fmt, sizeof(fmt), conv, lens[li]);
	if (conv == 'd' || conv == 'i') {
		if (t_rand(rng) % 2) {
			v = 0 - v;
		}
		t_check_signed(fmt, li, v);
	} else {
		t_check_unsigned(fmt, li, v);
	}
}

static void test_random(void **state)
{
	u64 rng = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 20000; i++) {
		t_random_case(&rng);
	}
	print_message("%lu comparisons with libc so far\n", t_compared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_long_output),
		cmocka_unit_test(test_own_choices),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_huge_width),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

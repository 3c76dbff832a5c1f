/* SPDX-License-Identifier: MIT */
/*
 * Freestanding vsnprintf for the loader, stage2 and the kernel. No floating
 * point, no locale, no %n. The 32-bit loader links without libgcc, so 64-bit
 * division is avoided there (see div_base()).
 */
#include <svsm/lib/printf.h>
#include <svsm/lib/string.h>

#define FMT_INT_MAX __INT_MAX__

/* Enough for a 64-bit value in octal (22 digits). */
#define FMT_DIGITS_MAX 24

enum fmt_flag {
	F_LEFT = 1 << 0,
	F_ZERO = 1 << 1,
	F_PLUS = 1 << 2,
	F_SPACE = 1 << 3,
	F_ALT = 1 << 4,
};

enum fmt_len { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct fmt_spec {
	unsigned int flags;
	int width;
	int prec; /* -1 when absent */
	enum fmt_len len;
	char conv;
};

/* len counts the whole output, even the part that did not fit. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static size_t out_room(const struct fmt_out *o)
{
	return o->len < o->size ? o->size - o->len : 0;
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	size_t room = out_room(o);

	if (room) {
		memcpy(o->buf + o->len, s, MIN(n, room));
	}
	o->len += n;
}

/* Huge widths cost nothing once the buffer is full. */
static void out_fill(struct fmt_out *o, char c, size_t n)
{
	size_t room = out_room(o);

	if (room) {
		memset(o->buf + o->len, c, MIN(n, room));
	}
	o->len += n;
}

/*
 * i686 has no 64-by-32 divide that gcc would use inline: a u64 '/' becomes a
 * call to __udivdi3, which the freestanding 32-bit builds do not link. Long
 * division in 16-bit steps keeps every intermediate below base << 16, so plain
 * 32-bit divisions suffice. FMT_SOFT_DIV lets the host tests run this path.
 */
#if UINTPTR_MAX == 0xffffffff || defined(FMT_SOFT_DIV)
static unsigned int div_small(u64 *val, unsigned int base)
{
	u64 quot = 0;
	u32 rem = 0;

	for (int shift = 48; shift >= 0; shift -= 16) {
		u32 cur = (rem << 16) | (u32)((*val >> shift) & 0xffff);

		quot = (quot << 16) | (cur / base);
		rem = cur % base;
	}
	*val = quot;
	return rem;
}
#else
static unsigned int div_small(u64 *val, unsigned int base)
{
	unsigned int rem = (unsigned int)(*val % base);

	*val /= base;
	return rem;
}
#endif

/* Divides *val by base in place and returns the remainder. */
static unsigned int div_base(u64 *val, unsigned int base)
{
	unsigned int rem;

	if (base == 10) {
		return div_small(val, base);
	}
	rem = (unsigned int)(*val & (base - 1));
	*val >>= base == 16 ? 4 : 3;
	return rem;
}

/* Writes the digits so that they end just before `end`; returns the count. */
static size_t to_digits(char *end, u64 val, unsigned int base, bool upper)
{
	const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = xdigits[div_base(&val, base)];
	} while (val);
	return (size_t)(end - p);
}

static unsigned int conv_base(char conv)
{
	switch (conv) {
	case 'o':
		return 8;
	case 'x':
	case 'X':
	case 'p':
		return 16;
	default:
		return 10;
	}
}

static const char *conv_prefix(const struct fmt_spec *sp, u64 val)
{
	if (sp->conv == 'p') {
		return "0x";
	}
	if ((sp->flags & F_ALT) && val != 0) {
		if (sp->conv == 'x') {
			return "0x";
		}
		if (sp->conv == 'X') {
			return "0X";
		}
	}
	return "";
}

/* Layout: [spaces] [sign] [0x] [zeros] digits [spaces]. */
static void emit_number(struct fmt_out *o, const struct fmt_spec *sp, u64 val,
			char sign)
{
	char digits[FMT_DIGITS_MAX];
	char *end = digits + sizeof(digits);
	const char *prefix = conv_prefix(sp, val);
	size_t ndig = 0, zeros = 0, total, pad = 0;

	/* C: precision 0 with value 0 prints no digits at all. */
	if (val != 0 || sp->prec != 0) {
		ndig = to_digits(end, val, conv_base(sp->conv),
				  sp->conv == 'X');
	}
	if (sp->prec > 0 && (size_t)sp->prec > ndig) {
		zeros = (size_t)sp->prec - ndig;
	}
	/* '#' with 'o' means "the first digit is a 0". */
	if (sp->conv == 'o' && (sp->flags & F_ALT) && zeros == 0 &&
	    (val != 0 || ndig == 0)) {
		zeros = 1;
	}
	total = (sign ? 1 : 0) + strlen(prefix) + zeros + ndig;
	if (sp->width > 0 && (size_t)sp->width > total) {
		pad = (size_t)sp->width - total;
	}
	if (pad && !(sp->flags & F_LEFT) && (sp->flags & F_ZERO) &&
	    sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT)) {
		out_fill(o, ' ', pad);
	}
	if (sign) {
		out_mem(o, &sign, 1);
	}
	out_mem(o, prefix, strlen(prefix));
	out_fill(o, '0', zeros);
	out_mem(o, end - ndig, ndig);
	if (sp->flags & F_LEFT) {
		out_fill(o, ' ', pad);
	}
}

static void emit_signed(struct fmt_out *o, const struct fmt_spec *sp, s64 val)
{
	char sign = 0;
	/* Negate as unsigned: -INT64_MIN does not exist as an s64. */
	u64 mag = val < 0 ? 0 - (u64)val : (u64)val;

	if (val < 0) {
		sign = '-';
	} else if (sp->flags & F_PLUS) {
		sign = '+';
	} else if (sp->flags & F_SPACE) {
		sign = ' ';
	}
	emit_number(o, sp, mag, sign);
}

/* %s and %c: '0', '+', ' ' and '#' do not apply. */
static void emit_text(struct fmt_out *o, const struct fmt_spec *sp,
		      const char *s, size_t n)
{
	size_t pad = 0;

	if (sp->width > 0 && (size_t)sp->width > n) {
		pad = (size_t)sp->width - n;
	}
	if (!(sp->flags & F_LEFT)) {
		out_fill(o, ' ', pad);
	}
	out_mem(o, s, n);
	if (sp->flags & F_LEFT) {
		out_fill(o, ' ', pad);
	}
}

static s64 fetch_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z: /* the signed type of size_t's width */
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T:
		return (size_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Saturates instead of overflowing: the result only sizes padding. */
static int parse_num(const char **fmt)
{
	int val = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int digit = *(*fmt)++ - '0';

		if (val > (FMT_INT_MAX - digit) / 10) {
			val = FMT_INT_MAX;
		} else {
			val = val * 10 + digit;
		}
	}
	return val;
}

static const char *parse_flags(const char *fmt, unsigned int *flags)
{
	for (;; fmt++) {
		switch (*fmt) {
		case '-':
			*flags |= F_LEFT;
			break;
		case '0':
			*flags |= F_ZERO;
			break;
		case '+':
			*flags |= F_PLUS;
			break;
		case ' ':
			*flags |= F_SPACE;
			break;
		case '#':
			*flags |= F_ALT;
			break;
		default:
			return fmt;
		}
	}
}

static const char *parse_width(const char *fmt, struct fmt_spec *sp,
			       va_list *ap)
{
	int width;

	if (*fmt != '*') {
		sp->width = parse_num(&fmt);
		return fmt;
	}
	width = va_arg(*ap, int);
	/* C: a negative '*' width is a '-' flag and a positive width. */
	if (width < 0) {
		sp->flags |= F_LEFT;
		width = width == -FMT_INT_MAX - 1 ? FMT_INT_MAX : -width;
	}
	sp->width = width;
	return fmt + 1;
}

static const char *parse_prec(const char *fmt, struct fmt_spec *sp,
			      va_list *ap)
{
	sp->prec = -1;
	if (*fmt != '.') {
		return fmt;
	}
	fmt++;
	if (*fmt != '*') {
		sp->prec = parse_num(&fmt);
		return fmt;
	}
	/* A negative '*' precision counts as no precision. */
	sp->prec = va_arg(*ap, int);
	if (sp->prec < 0) {
		sp->prec = -1;
	}
	return fmt + 1;
}

static const char *parse_len(const char *fmt, enum fmt_len *len)
{
	switch (*fmt) {
	case 'h':
		if (fmt[1] == 'h') {
			*len = LEN_HH;
			return fmt + 2;
		}
		*len = LEN_H;
		return fmt + 1;
	case 'l':
		if (fmt[1] == 'l') {
			*len = LEN_LL;
			return fmt + 2;
		}
		*len = LEN_L;
		return fmt + 1;
	case 'z':
		*len = LEN_Z;
		return fmt + 1;
	case 'j':
		*len = LEN_J;
		return fmt + 1;
	case 't':
		*len = LEN_T;
		return fmt + 1;
	default:
		*len = LEN_INT;
		return fmt;
	}
}

/* Formats the conversion at fmt (a '%'); returns what follows it. */
static const char *format_one(struct fmt_out *o, const char *fmt,
			      va_list *ap)
{
	const char *start = fmt;
	struct fmt_spec sp = { 0 };
	const char *s;
	char c;

	fmt = parse_flags(fmt + 1, &sp.flags);
	fmt = parse_width(fmt, &sp, ap);
	fmt = parse_prec(fmt, &sp, ap);
	fmt = parse_len(fmt, &sp.len);
	sp.conv = *fmt;

	switch (sp.conv) {
	case 'd':
	case 'i':
		emit_signed(o, &sp, fetch_signed(ap, sp.len));
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		emit_number(o, &sp, fetch_unsigned(ap, sp.len), 0);
		break;
	case 'p':
		emit_number(o, &sp, (uintptr_t)va_arg(*ap, void *), 0);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_text(o, &sp, &c, 1);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s) {
			s = "(null)";
		}
		emit_text(o, &sp, s,
			  sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) :
					 strlen(s));
		break;
	case '%':
		out_mem(o, "%", 1);
		break;
	case '\0':
		/* A lone '%' at the end: print it rather than read past. */
		out_mem(o, start, (size_t)(fmt - start));
		return fmt;
	default:
		/* Unknown conversions are printed as written, like glibc. */
		out_mem(o, start, (size_t)(fmt + 1 - start));
		break;
	}
	return fmt + 1;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	/* A copy, because the helpers need a pointer to a va_list. */
	va_copy(args, ap);
	while (*fmt) {
		const char *lit = fmt;

		while (*fmt && *fmt != '%') {
			fmt++;
		}
		out_mem(&o, lit, (size_t)(fmt - lit));
		if (*fmt == '%') {
			fmt = format_one(&o, fmt, &args);
		}
	}
	va_end(args);

	if (size) {
		buf[MIN(o.len, size - 1)] = '\0';
	}
	/* Like POSIX (EOVERFLOW): the length does not fit the return type. */
	return o.len > (size_t)FMT_INT_MAX ? -1 : (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

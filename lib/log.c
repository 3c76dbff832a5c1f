/* SPDX-License-Identifier: MIT */
/*
 * Each line of a message goes to the sink in one call with its own prefix, so
 * a sink that writes a call atomically never mixes lines from two CPUs.
 */
#include <svsm/lib/log.h>
#include <svsm/lib/printf.h>
#include <svsm/lib/string.h>

/* Longer prefixes (absurd component or module names) are cut. */
#define LOG_PREFIX_MAX 64

/* Room for a multi-line message: each line is still cut to LOG_LINE_MAX. */
#define LOG_BUF_SIZE (2 * LOG_LINE_MAX)

static const char *log_component;
static log_sink_fn log_sink;
static enum log_level log_max = LOG_INFO;

void log_init(const char *component, log_sink_fn sink, enum log_level max)
{
	log_component = component ? component : "SVSM";
	log_max = max;
	log_sink = sink;
}

void log_set_level(enum log_level max)
{
	log_max = max;
}

enum log_level log_get_level(void)
{
	return log_max;
}

/* Returns the prefix length, at most LOG_PREFIX_MAX - 1. */
static size_t log_prefix(char *pfx, enum log_level level, const char *module)
{
	const char *comp = log_component;
	int n;

	switch (level) {
	case LOG_ERROR:
		n = fmt_snprintf(pfx, LOG_PREFIX_MAX, "[%s] ERROR: ", comp);
		break;
	case LOG_WARN:
		n = fmt_snprintf(pfx, LOG_PREFIX_MAX, "[%s] WARN: ", comp);
		break;
	case LOG_INFO:
		n = fmt_snprintf(pfx, LOG_PREFIX_MAX, "[%s] ", comp);
		break;
	default:
		n = fmt_snprintf(pfx, LOG_PREFIX_MAX, "[%s%s%s] %s ", comp,
				 module ? "/" : "", module ? module : "",
				 level == LOG_DEBUG ? "DEBUG" : "TRACE");
		break;
	}
	return MIN((size_t)n, (size_t)LOG_PREFIX_MAX - 1);
}

/*
 * buf[0, plen) is free for the prefix and buf[plen, end) holds the message,
 * whose last byte is '\n'. Each line is written over the tail of the one
 * before it, which is at least plen + 1 bytes long and already sent.
 */
static void log_emit_lines(char *buf, size_t end, const char *pfx,
			   size_t plen)
{
	size_t start = plen;

	while (start < end) {
		size_t eol = start, line = start - plen, len;
		char saved;

		while (buf[eol] != '\n') {
			eol++;
		}
		memcpy(buf + line, pfx, plen);
		len = eol + 1 - line;
		if (len > LOG_LINE_MAX) {
			len = LOG_LINE_MAX;
			buf[line + len - 1] = '\n';
		}
		/* NUL-terminated too, for sinks that want a C string. */
		saved = buf[line + len];
		buf[line + len] = '\0';
		log_sink(buf + line, len);
		buf[line + len] = saved;
		start = eol + 1;
	}
}

void log_vprintf(enum log_level level, const char *module, const char *fmt,
		 va_list ap)
{
	char buf[LOG_BUF_SIZE];
	char pfx[LOG_PREFIX_MAX];
	size_t plen, cap, len;
	int n;

	if (!log_sink || level > log_max) {
		return;
	}
	plen = log_prefix(pfx, level, module);
	/* Keep one byte for the '\n' and one for the NUL after it. */
	cap = LOG_BUF_SIZE - plen - 1;
	n = fmt_vsnprintf(buf + plen, cap, fmt, ap);
	len = n < 0 ? cap - 1 : MIN((size_t)n, cap - 1);
	if (len == 0 || buf[plen + len - 1] != '\n') {
		buf[plen + len++] = '\n';
	}
	log_emit_lines(buf, plen + len, pfx, plen);
}

void log_printf(enum log_level level, const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, module, fmt, ap);
	va_end(ap);
}

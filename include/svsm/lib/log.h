/* SPDX-License-Identifier: MIT */
/*
 * Line-oriented logging shared by stage2 and the kernel. The format is the one
 * of the installation guide: "[SVSM] msg", "[SVSM] WARN: msg",
 * "[SVSM] ERROR: msg", "[SVSM/module] DEBUG msg".
 * Each message is formatted into one buffer and handed to the sink whole, so
 * lines from different CPUs never interleave inside a line.
 */
#ifndef SVSM_LIB_LOG_H
#define SVSM_LIB_LOG_H

#include <stdarg.h>
#include <svsm/types.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
	LOG_TRACE = 4,
};

#define LOG_LINE_MAX 256

/* Receives one complete line including its trailing '\n'. */
typedef void (*log_sink_fn)(const char *line, size_t len);

void log_init(const char *component, log_sink_fn sink, enum log_level max);
void log_set_level(enum log_level max);
enum log_level log_get_level(void);
__printf(3, 4) void log_printf(enum log_level level, const char *module,
			       const char *fmt, ...);
void log_vprintf(enum log_level level, const char *module, const char *fmt,
		 va_list ap);

#ifndef LOG_MODULE
#define LOG_MODULE "svsm"
#endif

#define log_error(...) log_printf(LOG_ERROR, LOG_MODULE, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, LOG_MODULE, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, LOG_MODULE, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, LOG_MODULE, __VA_ARGS__)
#define log_trace(...) log_printf(LOG_TRACE, LOG_MODULE, __VA_ARGS__)

#endif

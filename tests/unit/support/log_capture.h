/* SPDX-License-Identifier: MIT */
#ifndef TESTS_LOG_CAPTURE_H
#define TESTS_LOG_CAPTURE_H

#include <stddef.h>

#define LOG_CAPTURE_SIZE 65536

extern char log_capture_buf[LOG_CAPTURE_SIZE];
extern size_t log_capture_len;

/* Pass to log_init(); appends each line to log_capture_buf. */
void log_capture_sink(const char *line, size_t len);
void log_capture_reset(void);

#endif

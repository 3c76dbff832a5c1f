/* SPDX-License-Identifier: MIT */
/* A log sink for host tests: keeps the last lines printed, for assertions. */
#include <string.h>

#include "log_capture.h"

char log_capture_buf[LOG_CAPTURE_SIZE];
size_t log_capture_len;

void log_capture_sink(const char *line, size_t len)
{
	if (log_capture_len + len >= LOG_CAPTURE_SIZE)
		log_capture_len = 0;
	memcpy(log_capture_buf + log_capture_len, line, len);
	log_capture_len += len;
	log_capture_buf[log_capture_len] = '\0';
}

void log_capture_reset(void)
{
	log_capture_len = 0;
	log_capture_buf[0] = '\0';
}

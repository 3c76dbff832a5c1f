/* SPDX-License-Identifier: MIT */
/*
 * svsm_panic() for host unit tests: reports through cmocka's mock_assert(),
 * so a test can expect a CHECK() to fire with expect_assert_failure(), and an
 * unexpected one fails the test with the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <svsm/lib/check.h>

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mock_assert(0, msg, file, line);
	/* mock_assert() returns only when cmocka is not expecting; be safe. */
	abort();
}

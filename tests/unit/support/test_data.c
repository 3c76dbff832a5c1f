/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test_data.h"

struct test_blob test_load_acpi_blob(const char *machine, const char *file)
{
	char path[256];
	struct test_blob b;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "tests/data/acpi/%s/%s", machine, file);
	f = fopen(path, "rb");
	if (!f) {
		fail_msg("cannot open %s (run the tests from the repo root)",
			 path);
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	b.len = (size_t)n;
	b.p = malloc(b.len ? b.len : 1);
	assert_non_null(b.p);
	assert_int_equal(fread(b.p, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

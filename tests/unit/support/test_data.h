/* SPDX-License-Identifier: MIT */
/* Test data committed under tests/data/ (tests run from the repo root). */
#ifndef TESTS_TEST_DATA_H
#define TESTS_TEST_DATA_H

#include <stddef.h>

#include <svsm/types.h>

struct test_blob {
	u8 *p;
	size_t len;
};

/* Reads tests/data/acpi/<machine>/<file> whole; fails the test if absent. */
struct test_blob test_load_acpi_blob(const char *machine, const char *file);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * In-SVSM tests: each SVSM_TEST() is collected into the .svsm_tests section
 * and run by svsm_run_tests() in test builds. Assertions record the failure
 * and leave the test; the runner prints one line per test and a total.
 */
#ifndef SVSM_TESTS_H
#define SVSM_TESTS_H

#include <svsm/types.h>

struct svsm_test_ctx {
	bool failed;
	const char *file;
	int line;
	const char *expr;
};

struct svsm_test {
	const char *name;
	void (*fn)(struct svsm_test_ctx *ctx);
};

#define SVSM_TEST(name)                                                    \
	static void svsm_test_fn_##name(struct svsm_test_ctx *ctx);        \
	__attribute__((used, section(".svsm_tests"), aligned(8)))          \
	static const struct svsm_test svsm_test_desc_##name = {            \
		#name, svsm_test_fn_##name                                 \
	};                                                                 \
	static void svsm_test_fn_##name(struct svsm_test_ctx *ctx)

#define TEST_ASSERT(cond)                                  \
	do {                                               \
		if (!(cond)) {                             \
			ctx->failed = true;                \
			ctx->file = __FILE__;              \
			ctx->line = __LINE__;              \
			ctx->expr = #cond;                 \
			return;                            \
		}                                          \
	} while (0)

#define TEST_ASSERT_EQ(a, b) TEST_ASSERT((a) == (b))

/* Runs every registered test, prints the summary and exits QEMU. */
__noreturn void svsm_run_tests(void);

struct machine_info;
/* Test-build hooks (tests/in-svsm/hooks.c), driven by -fw_cfg options. */
void svsm_test_machine_hook(struct machine_info *m);
void svsm_test_crash_hook(void);

#endif

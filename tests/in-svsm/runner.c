/* SPDX-License-Identifier: MIT */
/* Runs the SVSM_TEST()s linked into a test build and reports to QEMU. */
#define LOG_MODULE "test"

#include <svsm/kernel.h>
#include <svsm/lib/log.h>
#include <svsm/tests.h>


extern const struct svsm_test __svsm_tests_start[], __svsm_tests_end[];

void svsm_run_tests(void)
{
	u64 total = (u64)(__svsm_tests_end - __svsm_tests_start);
	u64 passed = 0, failed = 0;

	log_info("running %llu tests", total);
	for (const struct svsm_test *t = __svsm_tests_start;
	     t < __svsm_tests_end; t++) {
		struct svsm_test_ctx ctx = { 0 };

		t->fn(&ctx);
		if (ctx.failed) {
			failed++;
			log_info("test %s ... FAILED at %s:%d: %s", t->name,
				 ctx.file, ctx.line, ctx.expr);
		} else {
			passed++;
			log_info("test %s ... ok", t->name);
		}
	}
	log_info("%llu passed, %llu failed", passed, failed);
	svsm_qemu_exit(failed || !total ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
}

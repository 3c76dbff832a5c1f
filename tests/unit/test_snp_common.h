/* SPDX-License-Identifier: MIT */
/* Shared by the test_snp_*.c host tests of the SNP platform layer. */
#ifndef TESTS_UNIT_TEST_SNP_COMMON_H
#define TESTS_UNIT_TEST_SNP_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#include "../sim/sim.h"
#include "../sim/snp_env.h"
#include "support/log_capture.h"

/* A fresh simulated machine and platform, the log captured. */
static inline int snp_setup(void **state)
{
	snp_env_reset();
	log_init("SVSM", log_capture_sink, LOG_DEBUG);
	log_capture_reset();
	return 0;
}

/* As snp_setup(), then early init and the BSP's GHCB. */
static inline int snp_setup_booted(void **state)
{
	snp_setup(state);
	snp_env_boot();
	return 0;
}

/* Fails the test if the simulator saw a rule broken or a mapping leak. */
static inline int snp_teardown(void **state)
{
	sim_race_enable(false);
	if (sim_error_count() || sim_glue_temp_maps) {
		fprintf(stderr, "sim: %u errors (last: %s), %u mappings\n",
			sim_error_count(), sim_last_error(),
			sim_glue_temp_maps);
		return -1;
	}
	return 0;
}

#define assert_terminated(set, code)                          \
	do {                                                  \
		assert_true(sim_hv.terminated);               \
		assert_int_equal(sim_hv.term_set, (set));     \
		assert_int_equal(sim_hv.term_code, (code));   \
	} while (0)

#define assert_svsm_terminated(reason) \
	assert_terminated(SNP_TERM_SET_SVSM, (reason))

#define SNP_TEST(f) cmocka_unit_test_setup_teardown(f, snp_setup, snp_teardown)
#define SNP_TEST_BOOTED(f) \
	cmocka_unit_test_setup_teardown(f, snp_setup_booted, snp_teardown)

#endif

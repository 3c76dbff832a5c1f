/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder presets (tools/igvmbuilder/config.c): what a good preset turns
 * into, and one test per refusal, each checking that the message names the
 * preset file and the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/hw/igvm.h>

#include "../../tools/igvmbuilder/builder.h"
#include "support/igvmbuilder_util.h"

static struct build_config cfg;

/* Loads a preset; returns config_load()'s result, messages in *diag. */
static int load(const char *platforms, const char *extra, const char **diag,
		char **path)
{
	int ret;

	*path = tu_preset("preset.json", platforms, extra, "FW_FILE");
	tu_diag_begin();
	ret = config_load(*path, &cfg);
	*diag = tu_diag_end();
	return ret;
}

static void refused(const char *platforms, const char *extra,
		    const char *key, const char *what)
{
	char want[1024], *path;
	const char *diag;

	assert_int_equal(load(platforms, extra, &diag, &path), -1);
	snprintf(want, sizeof(want), "igvmbuilder: %s: key \"%s\": %s\n", path,
		 key, what);
	assert_string_equal(diag, want);
	free(path);
}

static void test_qemu_preset(void **state)
{
	const char *diag;
	char *path;

	assert_int_equal(load("\"snp\", \"native\"",
			      ", \"policy\": \"0x30000\", \"measure\": \"print\"",
			      &diag, &path),
			 0);
	assert_string_equal(diag, "");
	assert_int_equal(cfg.platform_masks,
			 IGVM_MASK_SNP | IGVM_MASK_NATIVE);
	assert_true(cfg.has_policy);
	assert_int_equal(cfg.policy, 0x30000);
	assert_true(cfg.measure_print);
	assert_string_equal(cfg.firmware_env, "FW_FILE");
	free(path);
}

/* The project's own presets must load (run from the top of the tree). */
static void test_repository_presets(void **state)
{
	struct build_config c;

	tu_diag_begin();
	assert_int_equal(config_load("configs/qemu-target.json", &c), 0);
	assert_int_equal(c.platform_masks, IGVM_MASK_SNP | IGVM_MASK_NATIVE);
	assert_int_equal(c.policy, 0x30000);
	assert_true(c.measure_print);
	assert_int_equal(config_load("configs/test/qemu-test-target.json", &c),
			 0);
	assert_int_equal(c.platform_masks, IGVM_MASK_NATIVE);
	assert_false(c.measure_print);
	assert_string_equal(tu_diag_end(), "");
}

static void test_default_policy(void **state)
{
	const char *diag;
	char *path;

	assert_int_equal(load("\"snp\"", "", &diag, &path), 0);
	assert_false(cfg.has_policy);
	assert_int_equal(cfg.policy, 0x30000);
	free(path);
}

static void test_bad_platforms(void **state)
{
	refused("\"snp\", \"tdx\"", "", "platforms",
		"unknown platform \"tdx\" (known: snp, native)");
	refused("\"native\", 3", "", "platforms",
		"unknown platform \"3\" (known: snp, native)");
	refused("\"snp\", \"snp\"", "", "platforms",
		"platform \"snp\" listed twice");
	refused("", "", "platforms", "must be a non-empty array");
}

static void test_unknown_keys(void **state)
{
	refused("\"snp\"", ", \"polcy\": \"0x30000\"", "polcy",
		"unknown key in \"igvm\"");
	refused("\"snp\"", ", \"kernel_region\": { \"bse\": 1 }", "bse",
		"unknown key in \"kernel_region\"");
}

static void test_policy_not_hex(void **state)
{
	refused("\"snp\"", ", \"policy\": \"196608\"", "policy",
		"\"196608\" is not a hex number (use e.g. \"0x30000\")");
	refused("\"snp\"", ", \"policy\": \"0x3g000\"", "policy",
		"\"0x3g000\" is not a hex number (use e.g. \"0x30000\")");
	refused("\"snp\"", ", \"policy\": \"0x\"", "policy",
		"\"0x\" is not a hex number (use e.g. \"0x30000\")");
	refused("\"snp\"", ", \"policy\": \"0x10000000000000000\"", "policy",
		"\"0x10000000000000000\" is not a hex number (use e.g. \"0x30000\")");
	refused("\"snp\"", ", \"policy\": 196608", "policy",
		"must be a hex string such as \"0x30000\"");
}

static void test_policy_semantics(void **state)
{
	refused("\"snp\"", ", \"policy\": \"0x10000\"", "policy",
		"0x10000 has bit 17 clear, which the SNP firmware ABI reserves as 1 (use e.g. \"0x30000\")");
	refused("\"native\"", ", \"policy\": \"0x30000\"", "policy",
		"a guest policy needs the snp platform");
}

static void test_measure(void **state)
{
	refused("\"native\"", ", \"measure\": \"print\"", "measure",
		"\"print\" needs the snp platform");
	refused("\"snp\"", ", \"measure\": \"check\"", "measure",
		"only \"print\" is supported");
}

static void test_kernel_region_address_width(void **state)
{
	refused("\"snp\", \"native\"",
		", \"kernel_region\": { \"base\": \"0xffffffe00000\", \"size\": \"0x400000\" }",
		"kernel_region",
		"0xffffffe00000-0x1000000200000 is outside the 48-bit guest-physical address space (it must end at or below 0xfffffffff000, the SNP launch VMSA page)");
}

static void test_missing_preset(void **state)
{
	struct build_config c;
	const char *diag;

	tu_diag_begin();
	assert_int_equal(config_load("/nonexistent/preset.json", &c), -1);
	diag = tu_diag_end();
	if (strncmp(diag, "igvmbuilder: /nonexistent/preset.json: cannot read or parse JSON", 64)) {
		fail_msg("unexpected message: %s", diag);
	}
}

/* What make reads back (mk/config.mk). */
static void test_print_make(void **state)
{
	char *text = NULL, *path;
	const char *diag;
	size_t len = 0;
	FILE *f, *saved = stdout;

	assert_int_equal(load("\"snp\", \"native\"", ", \"measure\": \"print\"",
			      &diag, &path),
			 0);
	f = open_memstream(&text, &len);
	stdout = f;
	config_print_make(&cfg);
	stdout = saved;
	fclose(f);
	assert_non_null(strstr(text, "CFG_PLATFORMS := snp native\n"));
	assert_non_null(strstr(text, "CFG_MEASURE := print\n"));
	assert_non_null(strstr(text, "CFG_FIRMWARE := FW_FILE\n"));
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_preset),
		cmocka_unit_test(test_repository_presets),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_bad_platforms),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_policy_not_hex),
		cmocka_unit_test(test_policy_semantics),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_kernel_region_address_width),
		cmocka_unit_test(test_missing_preset),
		cmocka_unit_test(test_print_make),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The exact lines lib/log.c hands to its sink, one sink call per line. */
#define LOG_MODULE "mod"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <svsm/lib/log.h>

#include "support/log_capture.h"

static unsigned int t_calls;
static size_t t_longest;

/* Checks what every sink call must satisfy, then records the line. */
static void t_sink(const char *line, size_t len)
{
	assert_true(len > 0);
	assert_true(len <= LOG_LINE_MAX);
	assert_int_equal(line[len - 1], '\n');
	assert_int_equal(line[len], '\0');
	assert_null(memchr(line, '\n', len - 1));
	t_calls++;
	if (len > t_longest) {
		t_longest = len;
	}
	log_capture_sink(line, len);
}

static int t_setup(void **state)
{
	log_init("SVSM", t_sink, LOG_TRACE);
	log_capture_reset();
	t_calls = 0;
	t_longest = 0;
	return 0;
}

static void t_expect(const char *text, unsigned int calls)
{
	assert_string_equal(log_capture_buf, text);
	assert_int_equal(t_calls, calls);
}

/* Runs first, before any log_init(): nothing happens, nothing crashes. */
static void test_before_init(void **state)
{
	log_info("dropped %d", 1);
	log_error("dropped");
	log_printf(LOG_WARN, NULL, "dropped");
	t_expect("", 0);
}

static void test_levels(void **state)
{
	log_info("hello %d", 42);
	log_warn("careful");
	log_error("failed: %s", "disk");
	log_debug("x=%#x", 0x10);
	log_trace("step %u", 3u);
	t_expect("[SVSM] hello 42\n"
		 "[SVSM] WARN: careful\n"
		 "[SVSM] ERROR: failed: disk\n"
		 "[SVSM/mod] DEBUG x=0x10\n"
		 "[SVSM/mod] TRACE step 3\n",
		 5);
}

static void test_component_and_module(void **state)
{
	log_init("stage2", t_sink, LOG_TRACE);
	log_printf(LOG_DEBUG, "mm", "a");
	log_printf(LOG_INFO, "mm", "b");
	log_printf(LOG_DEBUG, NULL, "c");
	t_expect("[stage2/mm] DEBUG a\n[stage2] b\n[stage2] DEBUG c\n", 3);
}

static void test_filtering(void **state)
{
	log_set_level(LOG_WARN);
	assert_int_equal(log_get_level(), LOG_WARN);
	log_trace("no");
	log_debug("no");
	log_info("no");
	log_warn("w");
	log_error("e");
	t_expect("[SVSM] WARN: w\n[SVSM] ERROR: e\n", 2);

	log_capture_reset();
	log_set_level(LOG_ERROR);
	log_warn("no");
	log_error("e");
	t_expect("[SVSM] ERROR: e\n", 3);

	log_capture_reset();
	log_set_level(LOG_DEBUG);
	log_trace("no");
	log_debug("d");
	t_expect("[SVSM/mod] DEBUG d\n", 4);
}

static void test_trailing_newline_not_doubled(void **state)
{
	log_info("one\n");
	log_info("%s", "two\n");
	log_info("\n");
	log_info("%s", "");
	t_expect("[SVSM] one\n[SVSM] two\n[SVSM] \n[SVSM] \n", 4);
}

static void test_multi_line(void **state)
{
	log_warn("first\nsecond\n\nfourth");
	t_expect("[SVSM] WARN: first\n"
		 "[SVSM] WARN: second\n"
		 "[SVSM] WARN: \n"
		 "[SVSM] WARN: fourth\n",
		 4);

	log_capture_reset();
	log_debug("%s\n%d\n", "a", 1);
	t_expect("[SVSM/mod] DEBUG a\n[SVSM/mod] DEBUG 1\n", 6);
}

static void test_truncation(void **state)
{
	char msg[1000];
	char want[LOG_LINE_MAX + 1];
	size_t plen = strlen("[SVSM] ERROR: ");

	memset(msg, 'a', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	log_error("%s", msg);

	memcpy(want, "[SVSM] ERROR: ", plen);
	memset(want + plen, 'a', LOG_LINE_MAX - plen - 1);
	want[LOG_LINE_MAX - 1] = '\n';
	want[LOG_LINE_MAX] = '\0';
	t_expect(want, 1);
	assert_int_equal(t_longest, LOG_LINE_MAX);
}

/* A long line inside a multi-line message is cut without losing the next. */
static void test_truncation_multi_line(void **state)
{
	char msg[300];
	const char *p;

	memset(msg, 'b', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	log_info("x\n%s\ny", msg);
	assert_int_equal(t_calls, 3);
	assert_int_equal(t_longest, LOG_LINE_MAX);
	assert_memory_equal(log_capture_buf, "[SVSM] x\n[SVSM] bbb", 19);
	p = log_capture_buf + strlen("[SVSM] x\n") + LOG_LINE_MAX;
	assert_string_equal(p, "[SVSM] y\n");
}

/* Messages beyond the formatting buffer keep their first lines. */
static void test_message_too_long(void **state)
{
	for (int lines = 1; lines < 60; lines++) {
		char msg[60 * 20 + 1];
		size_t len = 0;

		for (int i = 0; i < lines; i++) {
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
						"line %02d .........\n", i);
		}
		log_capture_reset();
		t_calls = 0;
		log_info("%s", msg);
		assert_true(t_calls >= 1 && t_calls <= (unsigned int)lines);
		assert_memory_equal(log_capture_buf, "[SVSM] line 00 ", 15);
	}
}

static void test_disabled_by_null_sink(void **state)
{
	log_init("SVSM", NULL, LOG_TRACE);
	log_error("dropped");
	t_expect("", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_init),
		cmocka_unit_test_setup(test_levels, t_setup),
		cmocka_unit_test_setup(test_component_and_module, t_setup),
		cmocka_unit_test_setup(test_filtering, t_setup),
		cmocka_unit_test_setup(test_trailing_newline_not_doubled,
				       t_setup),
		cmocka_unit_test_setup(test_multi_line, t_setup),
		cmocka_unit_test_setup(test_truncation, t_setup),
		cmocka_unit_test_setup(test_truncation_multi_line, t_setup),
		cmocka_unit_test_setup(test_message_too_long, t_setup),
		cmocka_unit_test_setup(test_disabled_by_null_sink, t_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

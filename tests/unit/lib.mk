# SPDX-License-Identifier: MIT
# Unit tests of the freestanding helper library (lib/).

UNIT_TESTS += printf
test_printf_SRCS := tests/unit/test_printf.c lib/printf.c \
	tests/unit/support/panic.c

UNIT_TESTS += crc32
test_crc32_SRCS := tests/unit/test_crc32.c lib/crc32.c \
	tests/unit/support/panic.c

UNIT_TESTS += log
test_log_SRCS := tests/unit/test_log.c lib/log.c lib/printf.c \
	tests/unit/support/log_capture.c tests/unit/support/panic.c

# lib/string.c itself is included by test_string.c under other names.
UNIT_TESTS += string
test_string_SRCS := tests/unit/test_string.c lib/strerror.c \
	tests/unit/support/panic.c

#!/bin/bash
# SPDX-License-Identifier: MIT
# Static checks run by `make check`:
#  1. inline assembly only in kernel/arch/, boot/, tests/, tools/, utils/
#     (privileged operations stay behind the arch interface);
#  2. cppcheck on the freestanding code.
set -eu

fail=0
asm=$(git ls-files '*.c' '*.h' | grep -vE '^(kernel/arch/|boot/|tests/|tools/|utils/)' |
	xargs grep -lE '__asm__|asm volatile|\basm\(' || true)
if [ -n "$asm" ]; then
	echo "lint: inline assembly outside kernel/arch and boot:" >&2
	echo "$asm" >&2
	fail=1
fi

if command -v cppcheck >/dev/null 2>&1; then
	if ! cppcheck --quiet --error-exitcode=1 --std=c11 --language=c \
		--enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem --suppress=unknownMacro \
		--suppress=comparePointers --suppress=ctuuninitvar \
		--suppress=ctunullpointer \
		-D__GNUC__ -DSVSM_KERNEL -Iinclude -Ikernel/arch/x86/include \
		lib kernel boot tools utils 2>&1; then
		echo "lint: cppcheck found problems" >&2
		fail=1
	fi
fi

if [ "$fail" = 0 ]; then
	echo "lint: ok"
fi
exit $fail

#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each unit-test binary given on the command line and summarises.
set -u
failed=""
for t in "$@"; do
	echo "==> $t"
	if ! "$t"; then
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "unit tests FAILED:$failed" >&2
	exit 1
fi
echo "unit tests: all $# binaries passed"

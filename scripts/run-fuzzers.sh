#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs each libFuzzer binary for a bounded time: run-fuzzers.sh SECONDS BIN...
# Seeds come from tests/fuzz/corpus/<name>/ when present; new inputs go to a
# scratch directory so the tree is not modified.
set -u
secs=$1
shift
failed=""
for f in "$@"; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || seeds=""
	echo "==> fuzzing $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -print_final_stats=0 -timeout=10 \
		-artifact_prefix="$work/" "$work" $seeds >"$work/log" 2>&1; then
		tail -n 40 "$work/log"
		failed="$failed $name"
		echo "crash input kept in $work" >&2
	else
		grep -E '^(#[0-9]+|Done)' "$work/log" | tail -n 1
		rm -rf "$work"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzzing FAILED:$failed" >&2
	exit 1
fi

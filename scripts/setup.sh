#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages the build, the tests and `make run` need.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

PACKAGES="build-essential binutils clang libclang-rt-14-dev libcmocka-dev \
libjson-c-dev libssl-dev qemu-system-x86 ovmf python3 gdb valgrind xxd time"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	echo "setup: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null 2>&1 || apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
else
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run this, then try again:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi

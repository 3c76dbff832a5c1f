# SPDX-License-Identifier: MIT
# ACPI MADT and e820/IGVM memory-map parsers (kernel/drivers/), on blobs
# captured from QEMU by scripts/capture-acpi-blobs.sh (tests/data/acpi/; run
# the tests from the repo root) and on hand-made malformed ones.
UNIT_TESTS += acpi e820
test_acpi_SRCS := tests/unit/test_acpi.c kernel/drivers/acpi.c tests/unit/support/test_data.c \
	tests/unit/support/panic.c
test_e820_SRCS := tests/unit/test_e820.c kernel/drivers/e820.c \
	tests/unit/support/panic.c

# SPDX-License-Identifier: MIT
# QEMU's ACPI linker/loader script (kernel/drivers/acpi_loader.c), then the
# MADT walk with checksums verified, on the etc/table-loader scripts captured
# with the blobs in tests/data/acpi/ (run the tests from the repo root) and
# on hand-made malformed scripts.
UNIT_TESTS += acpi_loader
test_acpi_loader_SRCS := tests/unit/test_acpi_loader.c \
	kernel/drivers/acpi_loader.c kernel/drivers/acpi.c tests/unit/support/test_data.c \
	tests/unit/support/panic.c

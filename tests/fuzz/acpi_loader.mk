# SPDX-License-Identifier: MIT
# QEMU's ACPI linker/loader script (kernel/drivers/acpi_loader.c), then the
# MADT walk with checksums verified. Seeds in tests/fuzz/corpus/acpi_loader/
# are made from the QEMU blobs in tests/data/acpi/ by
# scripts/capture-acpi-blobs.sh.
FUZZ_TARGETS += acpi_loader
fuzz_acpi_loader_SRCS := tests/fuzz/fuzz_acpi_loader.c \
	kernel/drivers/acpi_loader.c kernel/drivers/acpi.c

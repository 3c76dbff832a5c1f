# SPDX-License-Identifier: MIT
# ACPI MADT and e820/IGVM memory-map parsers (kernel/drivers/). Seeds in
# tests/fuzz/corpus/{acpi,e820}/ are made from the QEMU blobs in
# tests/data/acpi/ (see tests/fuzz/corpus/acpi/README).
FUZZ_TARGETS += acpi e820
fuzz_acpi_SRCS := tests/fuzz/fuzz_acpi.c kernel/drivers/acpi.c
fuzz_e820_SRCS := tests/fuzz/fuzz_e820.c kernel/drivers/e820.c

/* SPDX-License-Identifier: MIT */
/*
 * The CPU list from the ACPI MADT, read from the two fw_cfg blobs QEMU gives
 * the firmware: etc/acpi/rsdp and etc/acpi/tables. Both come from the
 * hypervisor, so every length and pointer in them is checked; nothing is
 * allocated (the caller supplies the output array).
 *
 * QEMU serves the blobs before the firmware has run etc/table-loader, so the
 * pointers (RSDP RsdtAddress/XsdtAddress, RSDT/XSDT entries) are offsets
 * into the tables blob, and every checksum field is still zero because the
 * loader's ADD_CHECKSUM commands compute them after relocation (QEMU
 * hw/acpi/bios-linker-loader.c). Pass ACPI_FWCFG_UNPATCHED for such blobs.
 */
#ifndef SVSM_ACPI_H
#define SVSM_ACPI_H

#include <svsm/types.h>

/* Checksums are not verified: the blobs have not been through the loader. */
#define ACPI_FWCFG_UNPATCHED BIT(0)

struct acpi_cpu {
	u32 apic_id;
	u32 acpi_uid;
	bool x2apic;	/* from a Processor Local x2APIC entry */
};

/* The caller sets cpus and max; count and disabled are outputs. */
struct acpi_cpu_list {
	struct acpi_cpu *cpus;
	u32 max;
	u32 count;	/* enabled CPUs, in MADT order */
	u32 disabled;	/* entries without the Enabled flag, not listed */
};

/*
 * Where a blob was found malformed. table is a signature ("RSDP", "RSDT",
 * "XSDT", "APIC", or another table's, non-printable bytes shown as '?');
 * offset is in the rsdp blob for "RSDP", else in the tables blob; fault is a
 * static string.
 */
struct acpi_error {
	char table[5];
	const char *fault;
	u32 offset;
};

/*
 * Lists the enabled CPUs of the MADT reached through the RSDP and its XSDT
 * (if present and valid) or RSDT. flags: 0 or ACPI_FWCFG_UNPATCHED.
 * Returns 0, or -SVSM_EBADMSG (malformed, see *err), -SVSM_ENOENT (no
 * MADT), -SVSM_ENOMEM (more than out->max enabled CPUs) or -SVSM_EINVAL
 * (bad arguments). On error out->count holds the CPUs listed so far.
 */
int acpi_find_cpus(const void *rsdp, size_t rsdp_len, const void *tables,
		   size_t tables_len, u32 flags, struct acpi_cpu_list *out,
		   struct acpi_error *err);

/*
 * The same for a bare MADT (e.g. the IGVM MADT parameter): err->offset is
 * then relative to madt.
 */
int acpi_madt_cpus(const void *madt, size_t len, u32 flags,
		   struct acpi_cpu_list *out, struct acpi_error *err);

/* "ACPI table APIC at offset 0x1234: zero-length entry", NUL-terminated. */
void acpi_format_error(const struct acpi_error *err, char *buf, size_t len);

#endif

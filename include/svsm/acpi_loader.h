/* SPDX-License-Identifier: MIT */
/*
 * QEMU's ACPI linker/loader script (fw_cfg file etc/table-loader; QEMU
 * hw/acpi/bios-linker-loader.c), run the way firmware runs it, so that the
 * etc/acpi/rsdp and etc/acpi/tables blobs get real checksums and can be
 * parsed by acpi_find_cpus() with flags 0.
 *
 * The script is a sequence of 128-byte commands that name fw_cfg files.
 * Firmware copies each file to memory (ALLOCATE), adds a file's address to
 * pointers stored in another (ADD_POINTER), then computes checksums
 * (ADD_CHECKSUM). Here every blob stays where the caller read it and is
 * taken to sit at address 0 of its own space: pointers keep their values,
 * offsets into their source blob, which is what acpi_find_cpus() expects,
 * and checksums come out as they would at any other address.
 *
 * File names are matched exactly against the names the caller supplies,
 * i.e. the names the blobs were read under. A file the script allocates
 * but the caller did not supply (vmgenid, the TPM log, NVDIMM buffers: not
 * needed to find the CPUs) is skipped: commands that would change it are
 * ignored, and pointers to it are left unchecked, since its size is not
 * known. So a script written for other files (e.g. QEMU's, when the build
 * reads the tables under overridden names) changes nothing, and the blobs
 * must then carry their own checksums. A name no earlier ALLOCATE command
 * introduced is an "unknown file" error, as in the firmware.
 */
#ifndef SVSM_ACPI_LOADER_H
#define SVSM_ACPI_LOADER_H

#include <svsm/acpi.h>
#include <svsm/types.h>

/* Size of one script command; the script is a whole number of them. */
#define ACPI_LOADER_CMD_LEN 128u

/* The acpi_error table name of the script's errors. */
#define ACPI_LOADER_TABLE "LDR"

/* One fw_cfg file read by the caller: name as in fw_cfg, exact length. */
struct acpi_blob {
	const char *name;
	u8 *data;
	size_t len;
};

/*
 * Runs the script over the blobs (distinct names), in place. Returns 0,
 * -SVSM_EBADMSG (malformed script: err->table is ACPI_LOADER_TABLE,
 * err->offset the offset of the faulty command in the script) or
 * -SVSM_EINVAL (bad arguments). The blobs are never read or written outside
 * [data, data + len); after an error they may be partly patched. err may be
 * NULL.
 */
int acpi_loader_apply(const void *script, size_t script_len,
		      struct acpi_blob *blobs, u32 nblobs,
		      struct acpi_error *err);

/*
 * acpi_format_error(), plus the file name for the faults about one, read
 * back from the command in the script: "ACPI table LDR at offset 0x80:
 * unknown file (etc/foo)". NUL-terminated.
 */
void acpi_loader_format_error(const struct acpi_error *err,
			      const void *script, size_t script_len,
			      char *buf, size_t len);

#endif

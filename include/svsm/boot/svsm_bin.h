/* SPDX-License-Identifier: MIT */
/*
 * svsm.bin: a -bios image for QEMU without IGVM support. The image ends at
 * 4 GiB; its last 64 KiB are the loader (reset vector at 0xFFFFFFF0), and the
 * IGVM file sits below. mksvsmbin fills the locator the loader reads.
 */
#ifndef SVSM_BOOT_SVSM_BIN_H
#define SVSM_BOOT_SVSM_BIN_H

#include <svsm/types.h>

#define SVSM_BIN_LOADER_SIZE 0x10000u
#define SVSM_BIN_MAX_SIZE 0x1000000u /* QEMU 7.2 limit for -bios */
#define SVSM_BIN_ALIGN 0x10000u      /* QEMU wants a 64 KiB multiple */
#define SVSM_BIN_LOCATOR_OFFSET 0xFFC0u /* within the loader */
#define SVSM_BIN_LOCATOR_MAGIC 0x4c424d53u /* "SMBL" */

struct svsm_bin_locator {
	u32 magic;
	u32 version;
	u32 igvm_gpa;  /* where the IGVM file is mapped (below the loader) */
	u32 igvm_size;
	u32 image_size; /* whole svsm.bin */
	u32 reserved[7];
} __packed;
STATIC_ASSERT_SIZE(struct svsm_bin_locator, 48);

/* Debug-exit value the loader writes to port 0xf4 when the image is bad. */
#define SVSM_LOADER_EXIT_BAD_IMAGE 0x12

#endif

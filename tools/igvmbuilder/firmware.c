/* SPDX-License-Identifier: MIT */
/*
 * Guest firmware (OVMF) checks. A UEFI firmware volume header carries the
 * signature "_FVH" at offset 0x28 (PI spec vol. 3, EFI_FIRMWARE_VOLUME_HEADER);
 * an OVMF .fd image starts with one.
 */
#include <stdio.h>
#include <string.h>

#include "builder.h"

#define FV_SIGNATURE_OFFSET 0x28
#define FW_MAX_SIZE (16u << 20)

int firmware_check(const struct file_buf *fw)
{
	if (fw->size < FV_SIGNATURE_OFFSET + 4 ||
	    memcmp(fw->data + FV_SIGNATURE_OFFSET, "_FVH", 4) != 0) {
		fprintf(stderr,
			"igvmbuilder: firmware %s is not a UEFI firmware volume (no \"_FVH\" signature at offset 0x28)\n",
			fw->path);
		return -1;
	}
	if (fw->size % 4096 || fw->size > FW_MAX_SIZE) {
		fprintf(stderr,
			"igvmbuilder: firmware %s: size %zu is not a multiple of 4 KiB up to 16 MiB\n",
			fw->path, fw->size);
		return -1;
	}
	return 0;
}

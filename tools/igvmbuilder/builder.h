/* SPDX-License-Identifier: MIT */
#ifndef TOOLS_IGVMBUILDER_BUILDER_H
#define TOOLS_IGVMBUILDER_BUILDER_H

#include <svsm/types.h>

#include "config.h"

struct file_buf {
	const char *path;
	u8 *data;
	size_t size;
};

struct build_inputs {
	const struct build_config *cfg;
	struct file_buf stage2;   /* stage2 ELF */
	struct file_buf kernel;   /* kernel ELF, loaded by stage2 */
	struct file_buf firmware; /* OVMF image, or size 0 */
};

/* Reads a whole file; prints an error naming the file on failure. */
int file_read(const char *path, struct file_buf *buf);

/* Checks that buf is a UEFI firmware volume image; prints why not. */
int firmware_check(const struct file_buf *fw);

/* Builds the IGVM image. Returns 0 or -1 after printing the error. */
int build_igvm(const struct build_inputs *in, u8 **out, size_t *out_len);

#endif

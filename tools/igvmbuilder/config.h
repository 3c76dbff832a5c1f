/* SPDX-License-Identifier: MIT */
/* The build preset (a JSON file under configs/), read with json-c. */
#ifndef TOOLS_IGVMBUILDER_CONFIG_H
#define TOOLS_IGVMBUILDER_CONFIG_H

#include <svsm/types.h>

#define CFG_MAX_STR 256

struct build_config {
	char path[CFG_MAX_STR];
	/* "igvm" object */
	char output[CFG_MAX_STR];
	char svsm_bin[CFG_MAX_STR];
	u32 platform_masks; /* IGVM_MASK_* */
	bool has_policy; /* "policy" given (a hex string, bit 17 set) */
	u64 policy;      /* SNP guest policy; 0x30000 when not given */
	u16 comport;
	bool measure_print; /* "measure": "print": make prints the digest */
	bool qemu_testdev;
	u64 kernel_region_base;
	u64 kernel_region_size;
	/* "kernel" object */
	char kernel_type[16]; /* "svsm" or "test" */
	char kernel_elf[CFG_MAX_STR];
	char features[CFG_MAX_STR];
	/* "firmware" object: the make variable that names the file, or "" */
	char firmware_env[CFG_MAX_STR];
};

/*
 * Reads and checks a preset. On error returns -1 after printing a message
 * that names the file and the key.
 */
int config_load(const char *path, struct build_config *cfg);

/* Prints the preset as make variable assignments (CFG_*). */
void config_print_make(const struct build_config *cfg);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the igvmbuilder tests: a scratch directory, files in it, the
 * builder's diagnostics captured as text, synthetic stage2 and kernel ELFs,
 * and presets written from a few parameters.
 */
#ifndef TESTS_UNIT_SUPPORT_IGVMBUILDER_UTIL_H
#define TESTS_UNIT_SUPPORT_IGVMBUILDER_UTIL_H

#include <stddef.h>

#include <svsm/types.h>

#define TEST_STAGE2_ENTRY 0x10040ULL
#define TEST_STAGE2_FILESZ 0x1800 /* two pages of data, then bss */
#define TEST_STAGE2_MEMSZ 0x3000  /* stage2 ends at 0x13000 */
#define TEST_KERNEL_SIZE 0x2100   /* three pages: 0x100000-0x103000 */

/* Creates (once) and returns the scratch directory; removed at exit. */
const char *tu_dir(void);
/* "<scratch>/<name>" in a static buffer that the next call reuses. */
const char *tu_path(const char *name);
/* Writes data to <scratch>/<name>; returns the path (strdup'd). */
char *tu_write(const char *name, const void *data, size_t len);

/* Starts capturing the builder's messages; tu_diag_end() returns them. */
void tu_diag_begin(void);
const char *tu_diag_end(void);

/* A minimal static x86-64 ELF: one PT_LOAD at 0x10000, entry 0x10040. */
u8 *tu_stage2_elf(size_t *len);
/* TEST_KERNEL_SIZE bytes starting with an ELF magic, no zero page. */
u8 *tu_kernel_bytes(size_t *len);

/*
 * A preset with the given "platforms" JSON array text (e.g. "\"snp\",
 * \"native\"") and extra members of the "igvm" object (e.g. ", \"policy\":
 * \"0x30000\""); fw_env names the firmware variable or is NULL for none.
 * Returns the path of the written file (strdup'd).
 */
char *tu_preset(const char *name, const char *platforms, const char *extra,
		const char *fw_env);

#endif

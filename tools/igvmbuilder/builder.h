/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder internals, shared by the tool (main.c), its unit tests
 * (tests/unit/igvmbuilder_*.c) and the OVMF fuzzer. Everything but main()
 * lives in IGVMBUILDER_LIB_SRCS (tools/igvmbuilder/tool.mk).
 */
#ifndef TOOLS_IGVMBUILDER_BUILDER_H
#define TOOLS_IGVMBUILDER_BUILDER_H

#include <stdio.h>

#include <svsm/boot/boot_params.h>
#include <svsm/types.h>

#include "config.h"
#include "ovmf.h"

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

/* --- diagnostics ---------------------------------------------------------- */

/*
 * Every message goes to one stream, stderr unless a test redirects it, as
 * "igvmbuilder: <message>" (errors) or "igvmbuilder: warning: <message>".
 */
void bld_set_diag(FILE *f);
__printf(1, 2) int bld_error(const char *fmt, ...); /* returns -1 */
__printf(1, 2) void bld_warn(const char *fmt, ...);
__printf(1, 2) void bld_note(const char *fmt, ...);

/* --- inputs --------------------------------------------------------------- */

/* Reads a whole file; on failure prints "<what> <path>: <reason>". */
int file_read(const char *what, const char *path, struct file_buf *buf);
void file_free(struct file_buf *buf);

/*
 * Checks that fw is a UEFI firmware volume of whole pages that fits the
 * firmware window below 4 GiB; prints why not.
 */
int firmware_check(const struct file_buf *fw);

/* --- firmware layout ------------------------------------------------------ */

/* The guest firmware must fit [FW_WINDOW_START, 4 GiB) (docs/memory-map.md). */
#define FW_WINDOW_END 0x100000000ULL
#define FW_WINDOW_SIZE 0x1000000ULL
#define FW_WINDOW_START (FW_WINDOW_END - FW_WINDOW_SIZE)

/* A guest-physical range the SVSM itself occupies, with its name. */
struct gpa_range {
	u64 start;
	u64 end; /* exclusive */
	const char *what;
};

/*
 * Turns the parsed OVMF metadata into the boot parameters' firmware block
 * (the image ends at 4 GiB; pre-validated ranges are merged when adjacent,
 * in ascending order). Every metadata range and the image itself must stay
 * clear of the `n` SVSM ranges and of each other. Returns 0, or -1 after
 * printing an error that names the firmware and both ranges.
 */
int firmware_plan(const struct file_buf *fw, const struct ovmf_info *oi,
		  const struct gpa_range *svsm, size_t n,
		  struct svsm_fw_info *out);

/* --- SEV-SNP pages -------------------------------------------------------- */

struct snp_cpuid_table;
struct sev_vmsa;

/* The CPUID leaves the SVSM and its guest need; outputs left zero. */
void snp_cpuid_template(struct snp_cpuid_table *t);

/* The boot vCPU's VMSA: stage2's 32-bit entry with EAX/ESI as documented. */
void snp_boot_vmsa(struct sev_vmsa *v, u64 rip, u64 boot_params_gpa);

/* --- the build ------------------------------------------------------------ */

/* Builds the IGVM image. Returns 0 or -1 after printing the error. */
int build_igvm(const struct build_inputs *in, u8 **out, size_t *out_len);

/* The whole tool, as main() runs it; returns the exit status. */
int igvmbuilder_run(int argc, char **argv);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * igvmmeasure internals shared by the tool, its unit tests and its fuzzer:
 * SNP ID block signing, re-emission of a file with a new ID block, the
 * human-readable dump and the command line. The digest is in measure.h.
 */
#ifndef IGVMMEASURE_H
#define IGVMMEASURE_H

#include <stdio.h>

#include <openssl/evp.h>

#include <svsm/hw/igvm.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/types.h>

#include "measure.h"

/* A failure that needs more than a static reason (key files, the writer). */
struct tool_error {
	char text[512];
};

__printf(2, 3) int tool_fail(struct tool_error *e, const char *fmt, ...);

/* --- SNP ID block --------------------------------------------------------- */

/* SNP firmware ABI constants for the ID block (sources in idblock.c). */
#define SNP_ID_BLOCK_VERSION 1u
#define SNP_ALGO_ECDSA_P384_SHA384 1u
#define SNP_CURVE_P384 2u
#define SNP_ECDSA_COMPONENT_SIZE 72

/* The ID_BLOCK the ID key signs and SNP_LAUNCH_FINISH receives: 96 bytes. */
struct snp_id_block_body {
	u8 ld[SNP_DIGEST_SIZE];
	u8 family_id[16];
	u8 image_id[16];
	u32 version;
	u32 guest_svn;
	u64 policy;
} __packed;
STATIC_ASSERT_SIZE(struct snp_id_block_body, 96);
STATIC_ASSERT_OFFSET(struct snp_id_block_body, version, 80);
STATIC_ASSERT_OFFSET(struct snp_id_block_body, policy, 88);

struct snp_id_params {
	u8 family_id[16];
	u8 image_id[16];
	u32 version;
	u32 guest_svn;
};

/* Reads a PEM private key and checks it is an ECDSA P-384 key. */
EVP_PKEY *snp_load_key(const char *path, struct tool_error *e);

/*
 * The ID_BLOCK as the firmware sees it: QEMU copies ld, family_id, image_id
 * and guest_svn from the IGVM record, forces version 1 and takes the policy
 * from the SNP GUEST_POLICY.
 */
void snp_id_block_body(const struct igvm_vhs_snp_id_block *b, u64 policy,
		       struct snp_id_block_body *body);

/*
 * Fills *b for the SNP platform `mask`: ld = digest, the parameters, and the
 * ID key's signature and public key. No author key. Returns 0 or -1 with *e.
 */
int snp_id_block_build(struct igvm_vhs_snp_id_block *b, u32 mask,
		       const u8 digest[SNP_DIGEST_SIZE],
		       const struct snp_id_params *p, u64 policy,
		       EVP_PKEY *key, struct tool_error *e);

/* True if the block's ID signature verifies with its own public key. */
bool snp_id_block_verify(const struct igvm_vhs_snp_id_block *b, u64 policy);

/*
 * The SNP GUEST_POLICY of the file (the last one naming snp_mask, as QEMU
 * keeps the last). Returns false if there is none. The file must walk
 * cleanly (call snp_find_platform() first).
 */
bool snp_find_policy(struct igvm_file *f, u32 snp_mask, u64 *policy);

/* The ID block for snp_mask, if the file has one. Same precondition. */
bool snp_find_id_block(struct igvm_file *f, u32 snp_mask,
		       struct igvm_vhs_snp_id_block *out);

/* --- re-emission ---------------------------------------------------------- */

/*
 * Serializes every record of f again through the IGVM writer, in file order,
 * with any ID block for the SNP platform replaced by *id, which goes right
 * before the first SNP VP context (or last). Mask bits that name no declared
 * platform are dropped: loaders ignore them and the writer refuses them.
 * On success *out is malloc'd. Returns 0 or -1 with *e.
 */
int igvm_rewrite_with_id_block(struct igvm_file *f,
			       const struct igvm_vhs_snp_id_block *id,
			       u8 **out, size_t *out_len,
			       struct tool_error *e);

/* --- dump ----------------------------------------------------------------- */

struct dump_opts {
	bool all_pages;   /* one line per page instead of collapsed runs */
	bool native_zero; /* for the digest printed at the end */
};

/* "SEV_SNP", "NATIVE", ... (digest §4.1), "UNKNOWN" otherwise. */
const char *igvm_platform_type_name(u8 type);

/*
 * Prints every header of the opened file f, in file order, then its SNP
 * launch digest. Returns 0, or the reader's error (what came before it is
 * already printed).
 */
int igvm_dump(FILE *out, struct igvm_file *f, const char *name,
	      const struct dump_opts *o, struct igvm_error *err);

/* --- command line --------------------------------------------------------- */

/* The whole tool; main() passes stdout and stderr. Returns the exit code. */
int igvmmeasure_run(int argc, char **argv, FILE *out, FILE *err);

#endif

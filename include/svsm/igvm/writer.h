/* SPDX-License-Identifier: MIT */
/*
 * IGVM writer (host only). Records are collected per section and serialized
 * in the order platform headers, initialization headers, directives; within
 * each section in the order they were added. Identical data blobs are stored
 * once. Same calls give a byte-identical file.
 *
 * Every add function checks its arguments as the format requires (alignment,
 * masks naming declared platforms, parameter-area lifecycle, no two loads of
 * one page for the same platform) and returns 0 or a negative SVSM_E* code;
 * igvm_writer_error() then says what was wrong, naming the ranges involved.
 */
#ifndef SVSM_IGVM_WRITER_H
#define SVSM_IGVM_WRITER_H

#include <svsm/hw/igvm.h>
#include <svsm/types.h>

struct igvm_writer;

/* format_version is IGVM_FORMAT_V1 or IGVM_FORMAT_V2 (x64, 4 KiB pages). */
struct igvm_writer *igvm_writer_new(u32 format_version);
void igvm_writer_free(struct igvm_writer *w);
const char *igvm_writer_error(const struct igvm_writer *w);

int igvm_add_platform(struct igvm_writer *w, u32 mask, u8 platform_type,
		      u8 highest_vtl, u64 shared_gpa_boundary);
int igvm_add_guest_policy(struct igvm_writer *w, u64 policy, u32 mask);

/*
 * One 4 KiB page at gpa. data may be shorter than 4096 bytes (zero padded);
 * data == NULL or len == 0 writes file_offset 0 ("load zeros").
 */
int igvm_add_page_data(struct igvm_writer *w, u64 gpa, u32 mask, u32 flags,
		       u16 data_type, const void *data, size_t len);

/* initial may be NULL (zeros); otherwise it is nbytes long. */
int igvm_add_parameter_area(struct igvm_writer *w, u32 index, u64 nbytes,
			    const void *initial);
/* type is one of the parameter-usage IGVM_VHT_* codes (VP_COUNT, MEMORY_MAP..). */
int igvm_add_parameter_usage(struct igvm_writer *w, u32 type, u32 index,
			     u32 byte_offset);
int igvm_add_parameter_insert(struct igvm_writer *w, u64 gpa, u32 mask,
			      u32 index);

/* page is 4096 bytes: an SNP VMSA, or a native context padded with zeros. */
int igvm_add_vp_context(struct igvm_writer *w, u64 gpa, u32 mask, u16 vp_index,
			const void *page);
int igvm_add_required_memory(struct igvm_writer *w, u64 gpa, u32 mask,
			     u32 nbytes, u32 flags);
int igvm_add_snp_id_block(struct igvm_writer *w,
			  const struct igvm_vhs_snp_id_block *block);

/*
 * Lays out the file and computes the checksum. On success *out is a malloc'd
 * buffer the caller frees. Returns 0 or a negative SVSM_E* code.
 */
int igvm_writer_serialize(struct igvm_writer *w, u8 **out, size_t *out_len);

#endif

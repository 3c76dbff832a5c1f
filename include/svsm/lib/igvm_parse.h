/* SPDX-License-Identifier: MIT */
/*
 * IGVM reader shared by the svsm.bin loader (32-bit, freestanding), the host
 * tools (igvmmeasure, igvminfo) and the tests. It never allocates and never
 * trusts the file: every offset and length is checked before use, and every
 * failure names the file offset where it was found.
 *
 * Use: igvm_open() checks the fixed header and the checksum; then
 * igvm_next() walks the variable headers one by one, checking each record's
 * structure (known type, exact length, section order, reserved fields zero,
 * alignment, file data inside the file-data section) and the lifecycle of
 * parameter areas. Semantic checks that need a platform (GPA overlap) are the
 * caller's, with the help of igvm_range_set below.
 */
#ifndef SVSM_LIB_IGVM_PARSE_H
#define SVSM_LIB_IGVM_PARSE_H

#include <svsm/hw/igvm.h>
#include <svsm/types.h>

#define IGVM_MAX_PLATFORMS 8
#define IGVM_MAX_PARAM_AREAS 16

struct igvm_error {
	u32 offset;         /* file offset of the offending field or record */
	const char *reason; /* static string, e.g. "bad checksum" */
};

struct igvm_platform_info {
	u32 mask;
	u8 type;
	u8 highest_vtl;
	u64 shared_gpa_boundary;
};

enum igvm_area_state { IGVM_AREA_UNUSED = 0, IGVM_AREA_DECLARED, IGVM_AREA_INSERTED };

struct igvm_file {
	const u8 *data;
	u32 size;
	u32 format_version;
	u32 fixed_header_size;
	u32 vh_offset; /* start of variable headers */
	u32 vh_end;    /* end of variable headers == start of file data */
	/* Filled while iterating: */
	u32 nplatforms;
	struct igvm_platform_info platforms[IGVM_MAX_PLATFORMS];
	u32 declared_masks; /* OR of every platform mask */
	u8 area_state[IGVM_MAX_PARAM_AREAS];
	u64 area_size[IGVM_MAX_PARAM_AREAS];
	u32 id_block_masks; /* platform masks that have an SNP ID block */
	u32 pt_reloc_masks; /* masks that have a page-table relocation */
};

struct igvm_record {
	u32 type;        /* IGVM_VHT_* */
	u32 length;      /* body length */
	u32 offset;      /* file offset of the TLV prefix */
	const void *body; /* points into the file; body may be unaligned */
};

struct igvm_iter {
	struct igvm_file *file;
	u32 next;    /* file offset of the next record */
	u32 section; /* 0 platform, 1 init, 2 directive */
};

/*
 * Checks the fixed header: magic, version, architecture and page size (v2),
 * total_file_size == size, variable-header bounds, non-empty file-data
 * section, and the CRC32. Returns 0 or a negative SVSM_E* with *err set.
 */
int igvm_open(struct igvm_file *file, const void *data, size_t size,
	      struct igvm_error *err);

void igvm_iter_init(struct igvm_iter *it, struct igvm_file *file);

/*
 * Returns 1 and fills *rec for the next valid record, 0 at the end, or a
 * negative SVSM_E* with *err set. A record that fails a check is never
 * returned, and the walk must stop at the first error. Reaching the end of a
 * file that declared no platform is an error. igvm_iter_init() resets the
 * per-walk state in *file, so a file can be walked several times.
 */
int igvm_next(struct igvm_iter *it, struct igvm_record *rec,
	      struct igvm_error *err);

/* Compatibility mask of a directive or init record, or 0 if it has none. */
u32 igvm_record_mask(const struct igvm_record *rec);

/* The platform whose mask is exactly `mask`, or NULL. */
const struct igvm_platform_info *igvm_find_platform(const struct igvm_file *f,
						    u32 mask);

/* Pointer to `len` bytes of file data at file_offset, or NULL if outside. */
const u8 *igvm_file_data(const struct igvm_file *f, u32 file_offset, u32 len);

/* True for the parameter-usage types (VP_COUNT, MEMORY_MAP, MADT, ...). */
bool igvm_is_parameter_usage(u32 type);

/* Human-readable name of a variable header type ("PAGE_DATA"). */
const char *igvm_type_name(u32 type);

/*
 * A small set of disjoint GPA ranges, used to find two directives that load
 * the same page for one platform. Adjacent ranges are merged, so a file that
 * loads pages in ascending order needs one slot per contiguous run.
 */
struct igvm_range {
	u64 start;
	u64 end; /* exclusive */
};

struct igvm_range_set {
	struct igvm_range *ranges;
	u32 count;
	u32 capacity;
};

void igvm_range_set_init(struct igvm_range_set *set, struct igvm_range *storage,
			 u32 capacity);
/*
 * Adds [start, end). Returns 0, -SVSM_EEXIST if it overlaps a range already in
 * the set (*clash set to that range; clash may be NULL), -SVSM_ENOMEM if the
 * set is full, or -SVSM_EINVAL if start >= end. On failure the set is
 * unchanged. Both the lookup and the insertion are a binary search plus one
 * memmove, so thousands of ranges are fine.
 */
int igvm_range_set_add(struct igvm_range_set *set, u64 start, u64 end,
		       struct igvm_range *clash);

/*
 * True if [start, end) overlaps a range in the set; *clash (may be NULL) is
 * then the lowest such range. The set is not modified.
 */
bool igvm_range_set_find(const struct igvm_range_set *set, u64 start, u64 end,
			 struct igvm_range *clash);

#endif

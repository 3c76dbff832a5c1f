/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM from the memory maps the hypervisor supplies: QEMU's fw_cfg
 * etc/e820 blob and the IGVM memory map parameter. Both are untrusted; the
 * parsers only read inside the given length and allocate nothing.
 *
 * Output rules, shared by both: the RAM ranges are merged where they
 * overlap or touch, sorted, then shrunk to whole 4 KiB pages (start rounded
 * up, end rounded down); ranges left empty are dropped. The result is
 * therefore sorted, disjoint, never adjacent and page-aligned.
 */
#ifndef SVSM_E820_H
#define SVSM_E820_H

#include <svsm/types.h>

/* QEMU hw/i386/e820_memory_layout.h: packed {u64 addr, u64 size, u32 type}. */
#define E820_ENTRY_SIZE 20
#define E820_TYPE_RAM 1

/* A physical range [start, end), end exclusive. */
struct mem_region {
	u64 start;
	u64 end;
};

/*
 * Parses an etc/e820 blob into out[0..*count). Returns 0, -SVSM_EBADMSG
 * (size not a multiple of 20, or a RAM entry past 2^64), -SVSM_ENOMEM (more
 * than max regions) or -SVSM_EINVAL (bad arguments).
 */
int e820_parse(const void *blob, size_t len, struct mem_region *out, u32 max,
	       u32 *count);

/*
 * The same for a list of 24-byte IGVM_VHS_MEMORY_MAP_ENTRY (entry_type 0 is
 * RAM). The list ends at the first entry with number_of_pages 0 or at len;
 * a partial entry at the end is ignored (a 4 KiB parameter page holds 170).
 * -SVSM_EBADMSG if a RAM entry lies past 2^64.
 */
int igvm_memmap_parse(const void *entries, size_t len, struct mem_region *out,
		      u32 max, u32 *count);

/*
 * Removes [start, end) from a sorted, disjoint region list, widened to whole
 * pages so the list stays page-aligned; a region containing it is split in
 * two. Returns 0, -SVSM_ENOMEM (the split needs a slot past max; the list is
 * unchanged) or -SVSM_EINVAL (start > end, or *count > max).
 */
int mem_regions_subtract(struct mem_region *regions, u32 *count, u32 max,
			 u64 start, u64 end);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the IGVM reader (lib/igvm_parse.c).
 *
 * Input: one mode byte, then the file. With an odd mode byte the checksum is
 * recomputed before parsing, so that mutated headers reach the record checks
 * instead of all failing on "bad checksum". Every record the reader accepts
 * is then used the way a loader would (its file data read through, its GPA
 * range added to a range set), so ASan catches a check that is too weak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/crc32.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>
#include <svsm/lib/unaligned.h>

#include "igvm_crc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

/* Reads every byte, so ASan reports a range the reader should have refused. */
static void touch(const u8 *p, u64 len)
{
	volatile u8 sink = 0;

	if (!p) {
		abort();
	}
	for (u64 i = 0; i < len; i++) {
		sink ^= p[i];
	}
	(void)sink;
}

/* Sorted, disjoint and never adjacent: adjacent ranges must be merged. */
static void check_set(const struct igvm_range_set *s)
{
	for (u32 i = 0; i < s->count; i++) {
		if (s->ranges[i].start >= s->ranges[i].end ||
		    (i && s->ranges[i - 1].end >= s->ranges[i].start)) {
			abort();
		}
	}
}

static void add_range(struct igvm_range_set *s, u64 gpa, u64 size)
{
	struct igvm_range clash;
	bool found;
	u64 end;
	int ret;

	if (!add_no_overflow(gpa, size, &end)) {
		return;
	}
	found = igvm_range_set_find(s, gpa, end, &clash);
	ret = igvm_range_set_add(s, gpa, end, &clash);
	if (found != (ret == -SVSM_EEXIST) ||
	    (found && !ranges_overlap(gpa, size, clash.start,
				      clash.end - clash.start))) {
		abort();
	}
	check_set(s);
}

static void use_record(const struct igvm_file *f,
		       const struct igvm_record *rec,
		       struct igvm_range_set *loads)
{
	const u8 *b = rec->body;
	u32 fo, ctx;
	u64 gpa;

	if (!igvm_type_name(rec->type)) {
		abort();
	}
	(void)igvm_record_mask(rec);
	if (rec->type == IGVM_VHT_PAGE_DATA) {
		struct igvm_vhs_page_data pd;
		u32 size;

		memcpy(&pd, b, sizeof(pd));
		size = pd.flags & IGVM_PAGE_DATA_FLAG_2MB ? PAGE_SIZE_2M :
							    PAGE_SIZE;
		if (pd.file_offset) {
			touch(igvm_file_data(f, pd.file_offset, size), size);
		}
		add_range(loads, pd.gpa, size);
	} else if (rec->type == IGVM_VHT_VP_CONTEXT) {
		const struct igvm_platform_info *p =
			igvm_find_platform(f, rd32(b + 8));

		memcpy(&fo, b + 12, 4);
		memcpy(&gpa, b, 8);
		if (!p) {
			abort();
		}
		/* A VBS register list is variable; every other context is
		 * one page. */
		ctx = p->type == IGVM_PLATFORM_VSM_ISOLATION ? 4 : PAGE_SIZE;
		touch(igvm_file_data(f, fo, ctx), ctx);
		add_range(loads, gpa, PAGE_SIZE);
	} else if (rec->type == IGVM_VHT_PARAMETER_AREA) {
		struct igvm_vhs_parameter_area pa;

		memcpy(&pa, b, sizeof(pa));
		if (pa.file_offset) {
			touch(igvm_file_data(f, pa.file_offset,
					     (u32)pa.number_of_bytes),
			      pa.number_of_bytes);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igvm_range storage[64];
	struct igvm_range_set loads;
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_record rec;
	struct igvm_error err = { 0, NULL };
	size_t len;
	u8 *buf;
	int ret;

	if (!size) {
		return 0;
	}
	/* An exact-size copy, so ASan sees any read past the end. */
	len = size - 1;
	buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	if (data[0] & 1) {
		fuzz_igvm_fix_crc(buf, len);
	}
	ret = igvm_open(&f, buf, len, &err);
	if (!ret) {
		igvm_range_set_init(&loads, storage, ARRAY_SIZE(storage));
		igvm_iter_init(&it, &f);
		while ((ret = igvm_next(&it, &rec, &err)) == 1) {
			use_record(&f, &rec, &loads);
		}
		if (ret < 0 && err.offset >= len) {
			abort();
		}
	}
	if (ret < 0 && !err.reason) {
		abort();
	}
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Re-emits an IGVM file through the writer with a new SNP ID block. The ID
 * block is not measured (igvm-format digest §11.2), and every measured
 * directive keeps its place and contents, so the launch digest is unchanged;
 * the caller checks that on the result.
 */
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/igvm_parse.h>

#include "igvmmeasure.h"

struct rewrite {
	struct igvm_file *f;
	struct igvm_writer *w;
	const struct igvm_vhs_snp_id_block *id;
	u32 snp_mask;
	bool id_added;
};

/* Undeclared bits are ignored by loaders (§4.2) but refused by the writer. */
static u32 declared(const struct rewrite *rw, u32 mask)
{
	return mask & rw->f->declared_masks;
}

static int emit_platform(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_supported_platform p;

	memcpy(&p, body, sizeof(p));
	return igvm_add_platform(rw->w, p.compatibility_mask, p.platform_type,
				 p.highest_vtl, p.shared_gpa_boundary);
}

static int emit_policy(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_guest_policy p;

	memcpy(&p, body, sizeof(p));
	return igvm_add_guest_policy(rw->w, p.policy,
				     declared(rw, p.compatibility_mask));
}

static int emit_area(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_parameter_area a;
	const u8 *data = NULL;

	memcpy(&a, body, sizeof(a));
	if (a.file_offset && a.number_of_bytes <= UINT32_MAX) {
		data = igvm_file_data(rw->f, a.file_offset,
				      (u32)a.number_of_bytes);
	}
	return igvm_add_parameter_area(rw->w, a.parameter_area_index,
				       a.number_of_bytes, data);
}

/* The writer has no 2 MiB pages (the reference parser cannot read them). */
static int emit_page(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_page_data p;
	const u8 *data = NULL;

	memcpy(&p, body, sizeof(p));
	if (p.file_offset) {
		data = igvm_file_data(rw->f, p.file_offset, IGVM_PAGE_SIZE);
	}
	return igvm_add_page_data(rw->w, p.gpa,
				  declared(rw, p.compatibility_mask), p.flags,
				  p.data_type, data, data ? IGVM_PAGE_SIZE : 0);
}

static int emit_insert(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_parameter_insert p;

	memcpy(&p, body, sizeof(p));
	return igvm_add_parameter_insert(rw->w, p.gpa,
					 declared(rw, p.compatibility_mask),
					 p.parameter_area_index);
}

/* The new ID block goes just before the SNP VMSA, as QEMU reads it there. */
static int emit_vp_context(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_vp_context v;
	const u8 *page;
	int ret;

	memcpy(&v, body, sizeof(v));
	if (v.compatibility_mask == rw->snp_mask && !rw->id_added) {
		ret = igvm_add_snp_id_block(rw->w, rw->id);
		if (ret) {
			return ret;
		}
		rw->id_added = true;
	}
	page = igvm_file_data(rw->f, v.file_offset, IGVM_PAGE_SIZE);
	return igvm_add_vp_context(rw->w, v.gpa, v.compatibility_mask,
				   v.vp_index, page);
}

static int emit_required_memory(struct rewrite *rw, const void *body)
{
	struct igvm_vhs_required_memory r;

	memcpy(&r, body, sizeof(r));
	return igvm_add_required_memory(rw->w, r.gpa,
					declared(rw, r.compatibility_mask),
					r.number_of_bytes, r.flags);
}

static int emit_usage(struct rewrite *rw, u32 type, const void *body)
{
	struct igvm_vhs_parameter p;

	memcpy(&p, body, sizeof(p));
	return igvm_add_parameter_usage(rw->w, type, p.parameter_area_index,
					p.byte_offset);
}

/* Returns the writer's result, or -SVSM_ENOTSUP for what it cannot write. */
static int emit(struct rewrite *rw, const struct igvm_record *rec)
{
	const u8 *b = rec->body;

	switch (rec->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return emit_platform(rw, b);
	case IGVM_VHT_GUEST_POLICY:
		return emit_policy(rw, b);
	case IGVM_VHT_PARAMETER_AREA:
		return emit_area(rw, b);
	case IGVM_VHT_PAGE_DATA:
		return emit_page(rw, b);
	case IGVM_VHT_PARAMETER_INSERT:
		return emit_insert(rw, b);
	case IGVM_VHT_VP_CONTEXT:
		return emit_vp_context(rw, b);
	case IGVM_VHT_REQUIRED_MEMORY:
		return emit_required_memory(rw, b);
	case IGVM_VHT_SNP_ID_BLOCK:
		/* The reader allows only the SNP platform's: replaced. */
		return 0;
	default:
		if (igvm_is_parameter_usage(rec->type)) {
			return emit_usage(rw, rec->type, b);
		}
		return -SVSM_ENOTSUP;
	}
}

static const char *why_not(const struct rewrite *rw, int ret)
{
	if (ret == -SVSM_ENOTSUP) {
		return "not supported by the IGVM writer";
	}
	return igvm_writer_error(rw->w);
}

static int reemit_all(struct rewrite *rw, struct tool_error *e)
{
	struct igvm_error err;
	struct igvm_record rec;
	struct igvm_iter it;
	int ret;

	igvm_iter_init(&it, rw->f);
	while ((ret = igvm_next(&it, &rec, &err)) == 1) {
		if (rec.type == IGVM_VHT_PAGE_DATA &&
		    (((const struct igvm_vhs_page_data *)rec.body)->flags &
		     IGVM_PAGE_DATA_FLAG_2MB)) {
			ret = -SVSM_ENOTSUP;
		} else {
			ret = emit(rw, &rec);
		}
		if (ret) {
			return tool_fail(e,
					 "cannot re-emit %s at offset 0x%x: %s",
					 igvm_type_name(rec.type), rec.offset,
					 why_not(rw, ret));
		}
	}
	if (ret) {
		return tool_fail(e, "%s at offset 0x%x", err.reason,
				 err.offset);
	}
	return 0;
}

int igvm_rewrite_with_id_block(struct igvm_file *f,
			       const struct igvm_vhs_snp_id_block *id,
			       u8 **out, size_t *out_len,
			       struct tool_error *e)
{
	struct rewrite rw = {
		.f = f,
		.id = id,
		.snp_mask = id->compatibility_mask,
	};
	int ret;

	rw.w = igvm_writer_new(f->format_version);
	if (!rw.w) {
		return tool_fail(e, "out of memory");
	}
	ret = reemit_all(&rw, e);
	if (!ret && !rw.id_added && igvm_add_snp_id_block(rw.w, id)) {
		ret = tool_fail(e, "cannot add the ID block: %s",
				igvm_writer_error(rw.w));
	}
	if (!ret && igvm_writer_serialize(rw.w, out, out_len)) {
		ret = tool_fail(e, "cannot write the file: %s",
				igvm_writer_error(rw.w));
	}
	igvm_writer_free(rw.w);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/*
 * Human-readable listing of an IGVM file, for debugging images. One line per
 * record, prefixed with its file offset, in file order; runs of similar
 * PAGE_DATA records collapse into one line. Field names follow igvm_defs and
 * the igvm-format digest. Tests match parts of this output: keep it stable.
 */
#include <string.h>

#include <svsm/errno.h>
#include <svsm/lib/unaligned.h>

#include "igvmmeasure.h"

#define DETAIL "             " /* lines that belong to the record above */

/* A run of PAGE_DATA records: same mask, flags, type, contiguous GPAs. */
struct page_run {
	u32 count;
	u32 offset; /* file offset of the first record */
	u64 start, next;
	u32 mask, flags, file_offset;
	u16 type;
	u32 zeros;
};

struct dump {
	FILE *out;
	struct igvm_file *f;
	const struct dump_opts *o;
	struct page_run run;
	u32 section; /* 0 none yet, 1 platform, 2 init, 3 directive */
	u32 counts[3];
	u64 snp_policy;
	bool have_snp_policy;
};

static void put_hex(FILE *out, const u8 *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		fprintf(out, "%02x", p[i]);
	}
}

const char *igvm_platform_type_name(u8 type)
{
	static const char *const names[] = {
		"NATIVE", "VSM_ISOLATION", "SEV_SNP", "TDX", "SEV", "SEV_ES",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "UNKNOWN";
}

static const char *page_type_name(u16 type)
{
	static const char *const names[] = {
		"normal", "secrets", "cpuid", "cpuid-xf",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

static const struct igvm_platform_info *snp_platform(const struct igvm_file *f)
{
	for (u32 i = 0; i < f->nplatforms; i++) {
		if (f->platforms[i].type == IGVM_PLATFORM_SEV_SNP) {
			return &f->platforms[i];
		}
	}
	return NULL;
}

/* --- fixed header --------------------------------------------------------- */

static void dump_fixed(FILE *out, const struct igvm_file *f, const char *name)
{
	const u8 *d = f->data;
	u32 arch = IGVM_ARCH_X64, page = IGVM_PAGE_SIZE;

	if (f->format_version == IGVM_FORMAT_V2) {
		arch = rd32(d + 0x18);
		page = rd32(d + 0x1C);
	}
	fprintf(out, "%s: IGVM file, 0x%x bytes\n", name, f->size);
	fprintf(out,
		"  fixed header: format version %u, %u bytes, architecture %s, page size %u\n",
		f->format_version, f->fixed_header_size,
		arch == IGVM_ARCH_X64 ? "x64" : "aarch64", page);
	fprintf(out,
		"  variable headers 0x%x-0x%x (%u bytes), file data 0x%x-0x%x (%u bytes)\n",
		f->vh_offset, f->vh_end, f->vh_end - f->vh_offset, f->vh_end,
		f->size, f->size - f->vh_end);
	fprintf(out, "  checksum 0x%08x (valid)\n",
		rd32(d + offsetof(struct igvm_fixed_header, checksum)));
}

/* --- page data runs ------------------------------------------------------- */

static void print_flags(FILE *out, u32 flags)
{
	fprintf(out, "flags 0x%x", flags);
	if (flags & IGVM_PAGE_DATA_FLAG_2MB) {
		fprintf(out, " 2mb");
	}
	if (flags & IGVM_PAGE_DATA_FLAG_UNMEASURED) {
		fprintf(out, " unmeasured");
	}
	if (flags & IGVM_PAGE_DATA_FLAG_SHARED) {
		fprintf(out, " shared");
	}
}

static void flush_run(struct dump *d)
{
	struct page_run *r = &d->run;

	if (!r->count) {
		return;
	}
	fprintf(d->out, "  [0x%06x] PAGE_DATA ", r->offset);
	if (r->count == 1) {
		fprintf(d->out, "gpa 0x%llx mask 0x%x type %s ", r->start,
			r->mask, page_type_name(r->type));
		print_flags(d->out, r->flags);
		if (r->zeros) {
			fprintf(d->out, " zero\n");
		} else {
			fprintf(d->out, " data 0x%x\n", r->file_offset);
		}
	} else {
		fprintf(d->out, "0x%llx-0x%llx (%u pages, mask 0x%x, %s, ",
			r->start, r->next - 1, r->count, r->mask,
			page_type_name(r->type));
		if (r->flags) {
			print_flags(d->out, r->flags);
			fprintf(d->out, ", ");
		}
		fprintf(d->out, "%u zero)\n", r->zeros);
	}
	r->count = 0;
}

static bool extends_run(const struct dump *d,
			const struct igvm_vhs_page_data *p)
{
	const struct page_run *r = &d->run;

	/* next == 0: the run reached the top of the address space. */
	return r->count && !d->o->all_pages && r->next && p->gpa == r->next &&
	       p->compatibility_mask == r->mask && p->flags == r->flags &&
	       p->data_type == r->type;
}

static void dump_page_data(struct dump *d, const struct igvm_record *rec)
{
	struct page_run *r = &d->run;
	struct igvm_vhs_page_data p;
	u64 size;

	memcpy(&p, rec->body, sizeof(p));
	size = p.flags & IGVM_PAGE_DATA_FLAG_2MB ? PAGE_SIZE_2M : PAGE_SIZE;
	if (!extends_run(d, &p)) {
		flush_run(d);
		r->offset = rec->offset;
		r->start = p.gpa;
		r->mask = p.compatibility_mask;
		r->flags = p.flags;
		r->type = p.data_type;
		r->file_offset = p.file_offset;
		r->zeros = 0;
	}
	r->count++;
	r->next = p.gpa + size;
	r->zeros += !p.file_offset;
}

/* --- platform and initialization headers ---------------------------------- */

static void dump_platform(struct dump *d, const u8 *b)
{
	fprintf(d->out,
		"SUPPORTED_PLATFORM mask 0x%x %s vtl %u version %u shared_gpa_boundary 0x%llx\n",
		rd32(b), igvm_platform_type_name(b[5]), b[4], rd16(b + 6),
		rd64(b + 8));
}

/* SNP guest policy bits (igvm-format §5, snp-svsm-protocol §7.5). */
static void dump_snp_policy(FILE *out, u64 policy)
{
	static const char *const yes_no[] = { "no", "yes" };
	const u64 known = 0x1FFFFFULL;

	fprintf(out,
		DETAIL "SNP policy: ABI %u.%u, SMT %s, migrate-MA %s, debug %s, single socket %s",
		(unsigned)(policy >> 8) & 0xFF, (unsigned)policy & 0xFF,
		yes_no[(policy >> 16) & 1], yes_no[(policy >> 18) & 1],
		yes_no[(policy >> 19) & 1], yes_no[(policy >> 20) & 1]);
	if (!(policy & BIT(17))) {
		fprintf(out, ", reserved bit 17 clear (must be 1)");
	}
	if (policy & ~known) {
		fprintf(out, ", other bits 0x%llx", policy & ~known);
	}
	fprintf(out, "\n");
}

static void dump_guest_policy(struct dump *d, const u8 *b)
{
	const struct igvm_platform_info *snp = snp_platform(d->f);
	u64 policy = rd64(b);
	u32 mask = rd32(b + 8);

	fprintf(d->out, "GUEST_POLICY mask 0x%x policy 0x%llx\n", mask, policy);
	if (snp && (mask & snp->mask)) {
		dump_snp_policy(d->out, policy);
		d->snp_policy = policy;
		d->have_snp_policy = true;
	}
}

static void dump_relocatable(struct dump *d, const u8 *b)
{
	fprintf(d->out,
		"RELOCATABLE_REGION mask 0x%x vp %u vtl %u flags 0x%x gpa 0x%llx size 0x%llx\n",
		rd32(b), rd16(b + 4), b[6], b[7], rd64(b + 16), rd64(b + 24));
	fprintf(d->out,
		DETAIL "alignment 0x%llx minimum 0x%llx maximum 0x%llx\n",
		rd64(b + 8), rd64(b + 32), rd64(b + 40));
}

static void dump_pt_relocation(struct dump *d, const u8 *b)
{
	fprintf(d->out,
		"PAGE_TABLE_RELOCATION_REGION mask 0x%x vp %u vtl %u gpa 0x%llx size 0x%llx used 0x%llx\n",
		rd32(b), rd16(b + 4), b[6], rd64(b + 8), rd64(b + 16),
		rd64(b + 24));
}

/* --- directives ----------------------------------------------------------- */

static void dump_area(struct dump *d, const u8 *b)
{
	fprintf(d->out, "PARAMETER_AREA index %u size 0x%llx ", rd32(b + 8),
		rd64(b));
	if (rd32(b + 12)) {
		fprintf(d->out, "data 0x%x\n", rd32(b + 12));
	} else {
		fprintf(d->out, "zero\n");
	}
}

static void dump_insert(struct dump *d, const u8 *b)
{
	u32 index = rd32(b + 12);

	fprintf(d->out, "PARAMETER_INSERT gpa 0x%llx mask 0x%x area %u",
		rd64(b), rd32(b + 8), index);
	if (index < IGVM_MAX_PARAM_AREAS) {
		fprintf(d->out, " (0x%llx bytes)", d->f->area_size[index]);
	}
	fprintf(d->out, "\n");
}

static void dump_vmsa(FILE *out, const u8 *v)
{
	fprintf(out,
		DETAIL "VMSA rip 0x%llx rsp 0x%llx vmpl %u sev_features 0x%llx\n",
		rd64(v + VMSA_RIP), rd64(v + VMSA_RSP), v[VMSA_VMPL],
		rd64(v + VMSA_SEV_FEATURES));
	fprintf(out, DETAIL "cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx\n",
		rd64(v + VMSA_CR0), rd64(v + VMSA_CR3), rd64(v + VMSA_CR4),
		rd64(v + VMSA_EFER));
}

static void dump_native(FILE *out, const u8 *page)
{
	struct igvm_native_vp_context_x64 c;

	memcpy(&c, page, sizeof(c));
	fprintf(out, DETAIL "rip 0x%llx rsp 0x%llx rax 0x%llx rsi 0x%llx\n",
		(u64)c.rip, (u64)c.rsp, (u64)c.rax, (u64)c.rsi);
	fprintf(out, DETAIL "cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx\n",
		(u64)c.cr0, (u64)c.cr3, (u64)c.cr4, (u64)c.efer);
	fprintf(out,
		DETAIL "cs 0x%x (attributes 0x%x) ds 0x%x (attributes 0x%x) gdtr 0x%llx/0x%x\n",
		c.code_selector, c.code_attributes, c.data_selector,
		c.data_attributes, (u64)c.gdtr_base, c.gdtr_limit);
}

static void dump_vp_context(struct dump *d, const u8 *b)
{
	u32 mask = rd32(b + 8), fo = rd32(b + 12);
	const struct igvm_platform_info *p = igvm_find_platform(d->f, mask);
	const u8 *page = igvm_file_data(d->f, fo, IGVM_PAGE_SIZE);
	const u8 *count = igvm_file_data(d->f, fo, 4);
	u8 type = p ? p->type : 0xFF;

	fprintf(d->out,
		"VP_CONTEXT mask 0x%x (%s) vp %u gpa 0x%llx data 0x%x\n", mask,
		igvm_platform_type_name(type), rd16(b + 16), rd64(b), fo);
	if (type == IGVM_PLATFORM_VSM_ISOLATION && count) {
		fprintf(d->out, DETAIL "VBS register list, %u registers\n",
			rd32(count));
	} else if (!page) {
		return;
	} else if (type == IGVM_PLATFORM_SEV_SNP ||
		   type == IGVM_PLATFORM_SEV_ES) {
		dump_vmsa(d->out, page);
	} else if (type == IGVM_PLATFORM_NATIVE || type == IGVM_PLATFORM_SEV) {
		dump_native(d->out, page);
	}
}

static void dump_required_memory(struct dump *d, const u8 *b)
{
	fprintf(d->out,
		"REQUIRED_MEMORY gpa 0x%llx size 0x%x mask 0x%x flags 0x%x%s\n",
		rd64(b), rd32(b + 12), rd32(b + 8), rd32(b + 16),
		rd32(b + 16) & IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE ?
			" vtl2-protectable" :
			"");
}

static void dump_id_block(struct dump *d, const u8 *body)
{
	struct igvm_vhs_snp_id_block b;

	memcpy(&b, body, sizeof(b));
	fprintf(d->out, "SNP_ID_BLOCK mask 0x%x author_key_enabled %u\n",
		b.compatibility_mask, b.author_key_enabled);
	fprintf(d->out, DETAIL "ld ");
	put_hex(d->out, b.ld, sizeof(b.ld));
	fprintf(d->out, "\n" DETAIL "family_id ");
	put_hex(d->out, b.family_id, sizeof(b.family_id));
	fprintf(d->out, " image_id ");
	put_hex(d->out, b.image_id, sizeof(b.image_id));
	fprintf(d->out,
		"\n" DETAIL "version %u guest_svn %u id_key_algorithm %u author_key_algorithm %u id key curve %u\n",
		b.version, b.guest_svn, b.id_key_algorithm,
		b.author_key_algorithm, b.id_public_key.curve);
	if (!d->have_snp_policy) {
		fprintf(d->out,
			DETAIL "signature not checked (no SNP policy)\n");
	} else {
		fprintf(d->out, DETAIL "signature %s (policy 0x%llx)\n",
			snp_id_block_verify(&b, d->snp_policy) ? "valid" :
								 "INVALID",
			d->snp_policy);
	}
}

static void dump_other(struct dump *d, const struct igvm_record *rec)
{
	const u8 *b = rec->body;

	switch (rec->type) {
	case IGVM_VHT_ERROR_RANGE:
		fprintf(d->out, "ERROR_RANGE gpa 0x%llx size 0x%x mask 0x%x\n",
			rd64(b), rd32(b + 12), rd32(b + 8));
		break;
	case IGVM_VHT_VBS_MEASUREMENT:
		fprintf(d->out,
			"VBS_MEASUREMENT mask 0x%x version %u product %u module %u svn %u\n",
			rd32(b), rd32(b + 4), rd32(b + 8), rd32(b + 12),
			rd32(b + 16));
		break;
	default:
		/* Every remaining known type is a parameter usage (§6.2). */
		fprintf(d->out, "%s area %u offset 0x%x\n",
			igvm_type_name(rec->type), rd32(b), rd32(b + 4));
		break;
	}
}

static void dump_body(struct dump *d, const struct igvm_record *rec)
{
	const u8 *b = rec->body;

	fprintf(d->out, "  [0x%06x] ", rec->offset);
	switch (rec->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		dump_platform(d, b);
		break;
	case IGVM_VHT_GUEST_POLICY:
		dump_guest_policy(d, b);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
		dump_relocatable(d, b);
		break;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		dump_pt_relocation(d, b);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		dump_area(d, b);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		dump_insert(d, b);
		break;
	case IGVM_VHT_VP_CONTEXT:
		dump_vp_context(d, b);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		dump_required_memory(d, b);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
		dump_id_block(d, b);
		break;
	default:
		dump_other(d, rec);
		break;
	}
}

static u32 section_of(u32 type)
{
	if (type <= IGVM_VHT_RANGE_PLATFORM_END) {
		return 1;
	}
	return type <= IGVM_VHT_RANGE_INIT_END ? 2 : 3;
}

static void dump_record(struct dump *d, const struct igvm_record *rec)
{
	static const char *const titles[] = {
		"", "platforms:", "initialization:", "directives:",
	};
	u32 section = section_of(rec->type);

	if (rec->type != IGVM_VHT_PAGE_DATA) {
		flush_run(d);
	}
	if (section != d->section) {
		fprintf(d->out, "%s\n", titles[section]);
		d->section = section;
	}
	d->counts[section - 1]++;
	if (rec->type == IGVM_VHT_PAGE_DATA) {
		dump_page_data(d, rec);
	} else {
		dump_body(d, rec);
	}
}

/* --- summary -------------------------------------------------------------- */

static void dump_digest(struct dump *d)
{
	const struct igvm_platform_info *snp = snp_platform(d->f);
	struct igvm_vhs_snp_id_block id;
	u8 digest[SNP_DIGEST_SIZE];
	struct igvm_error err;

	if (!snp) {
		fprintf(d->out, "no SEV-SNP platform: no launch digest\n");
		return;
	}
	fprintf(d->out, "SEV-SNP launch digest (mask 0x%x%s): ", snp->mask,
		d->o->native_zero ? ", native zero pages" : "");
	if (snp_measure(d->f, snp->mask, d->o->native_zero, digest, &err)) {
		fprintf(d->out, "not computable: %s at offset 0x%x\n",
			err.reason, err.offset);
		return;
	}
	put_hex(d->out, digest, sizeof(digest));
	fprintf(d->out, "\n");
	if (snp_find_id_block(d->f, snp->mask, &id)) {
		fprintf(d->out, "  the ID block's ld %s\n",
			memcmp(id.ld, digest, sizeof(digest)) ?
				"does NOT match" :
				"matches");
	}
}

int igvm_dump(FILE *out, struct igvm_file *f, const char *name,
	      const struct dump_opts *o, struct igvm_error *err)
{
	struct dump d = { .out = out, .f = f, .o = o };
	struct igvm_record rec;
	struct igvm_iter it;
	int ret;

	dump_fixed(out, f, name);
	igvm_iter_init(&it, f);
	while ((ret = igvm_next(&it, &rec, err)) == 1) {
		dump_record(&d, &rec);
	}
	flush_run(&d);
	if (ret) {
		return ret;
	}
	fprintf(out, "records: %u platform, %u initialization, %u directive\n",
		d.counts[0], d.counts[1], d.counts[2]);
	dump_digest(&d);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * IGVM writer for the host tools. The layout follows the reference
 * serializer (igvm-format digest §8): fixed header, variable headers right
 * after it, then the file data with blobs in header order, identical blobs
 * stored once, checksum last. Every add function validates its arguments
 * before changing any state, so a failed call leaves the writer usable.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/crc32.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>

enum { SECT_PLATFORM, SECT_INIT, SECT_DIRECTIVE, NSECT };

#define NO_BLOB ((size_t)-1)
#define MASK_BITS 32

struct wrec {
	u32 type;
	u32 length;
	u8 *body;
	size_t blob;   /* index into blobs, or NO_BLOB */
	u32 fo_off;    /* offset of the file_offset field in body */
	u64 load_size; /* GPA bytes this record loads, 0 if none */
};

struct rec_list {
	struct wrec *v;
	size_t n, cap;
};

struct blob {
	u8 *data;
	size_t len;
	u64 hash;
	u32 file_offset; /* assigned while serializing; 0 = not placed yet */
};

struct vp_key {
	u32 mask;
	u16 vp_index;
};

struct igvm_writer {
	u32 version;
	struct rec_list lists[NSECT];
	struct blob *blobs;
	size_t nblobs, blobs_cap;
	size_t *htab; /* blob index + 1, 0 = empty; size is a power of two */
	size_t htab_cap;
	struct igvm_platform_info platforms[IGVM_MAX_PLATFORMS];
	u32 nplatforms;
	u32 declared;
	u8 area_state[IGVM_MAX_PARAM_AREAS];
	u64 area_size[IGVM_MAX_PARAM_AREAS];
	struct igvm_range_set loads[MASK_BITS];
	u32 id_block_masks;
	struct vp_key *vps;
	size_t nvps, vps_cap;
	char err[256];
};

__printf(2, 3) static int seterr(struct igvm_writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return -SVSM_EINVAL;
}

static int nomem(struct igvm_writer *w)
{
	snprintf(w->err, sizeof(w->err), "out of memory");
	return -SVSM_ENOMEM;
}

/*
 * Returns array v (capacity *cap elements of `size` bytes) with room for
 * `need` elements, possibly moved; NULL if out of memory (v is still valid).
 */
static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap) {
		return v;
	}
	while (ncap < need) {
		ncap *= 2;
	}
	p = realloc(v, ncap * size);
	if (p) {
		*cap = ncap;
	}
	return p;
}

struct igvm_writer *igvm_writer_new(u32 format_version)
{
	struct igvm_writer *w;

	if (format_version != IGVM_FORMAT_V1 &&
	    format_version != IGVM_FORMAT_V2) {
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w) {
		w->version = format_version;
	}
	return w;
}

void igvm_writer_free(struct igvm_writer *w)
{
	if (!w) {
		return;
	}
	for (int s = 0; s < NSECT; s++) {
		for (size_t i = 0; i < w->lists[s].n; i++) {
			free(w->lists[s].v[i].body);
		}
		free(w->lists[s].v);
	}
	for (size_t i = 0; i < w->nblobs; i++) {
		free(w->blobs[i].data);
	}
	free(w->blobs);
	free(w->htab);
	for (int b = 0; b < MASK_BITS; b++) {
		free(w->loads[b].ranges);
	}
	free(w->vps);
	free(w);
}

const char *igvm_writer_error(const struct igvm_writer *w)
{
	return w->err;
}

/* --- file data blobs ------------------------------------------------------ */

static u64 hash_bytes(const u8 *p, size_t len)
{
	u64 h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h = (h ^ p[i]) * 0x100000001b3ULL;
	}
	return h;
}

/* Linear probing; the table is kept at most half full. */
static void htab_insert(struct igvm_writer *w, size_t idx)
{
	size_t slot = w->blobs[idx].hash & (w->htab_cap - 1);

	while (w->htab[slot]) {
		slot = (slot + 1) & (w->htab_cap - 1);
	}
	w->htab[slot] = idx + 1;
}

static int htab_rehash(struct igvm_writer *w)
{
	size_t ncap = w->htab_cap ? w->htab_cap * 2 : 1024;
	size_t *old = w->htab;

	w->htab = calloc(ncap, sizeof(*w->htab));
	if (!w->htab) {
		w->htab = old;
		return -SVSM_ENOMEM;
	}
	w->htab_cap = ncap;
	free(old);
	for (size_t i = 0; i < w->nblobs; i++) {
		htab_insert(w, i);
	}
	return 0;
}

static size_t htab_find(const struct igvm_writer *w, const u8 *data,
			size_t len, u64 hash)
{
	size_t slot;

	if (!w->htab_cap) {
		return NO_BLOB;
	}
	for (slot = hash & (w->htab_cap - 1); w->htab[slot];
	     slot = (slot + 1) & (w->htab_cap - 1)) {
		const struct blob *b = &w->blobs[w->htab[slot] - 1];

		if (b->hash == hash && b->len == len &&
		    !memcmp(b->data, data, len)) {
			return w->htab[slot] - 1;
		}
	}
	return NO_BLOB;
}

/*
 * Stores `size` bytes: data (len bytes) followed by zeros. Identical blobs
 * share one copy, as in the reference serializer (digest §6.1).
 */
static int intern_blob(struct igvm_writer *w, const void *data, size_t len,
		       size_t size, size_t *idx)
{
	u8 *copy = calloc(1, size);
	struct blob *blobs;
	u64 hash;

	if (!copy) {
		return nomem(w);
	}
	memcpy(copy, data, len);
	hash = hash_bytes(copy, size);
	*idx = htab_find(w, copy, size, hash);
	if (*idx != NO_BLOB) {
		free(copy);
		return 0;
	}
	blobs = grow(w->blobs, &w->blobs_cap, w->nblobs + 1, sizeof(*blobs));
	if (blobs) {
		w->blobs = blobs;
	}
	if (!blobs || ((w->nblobs + 1) * 2 > w->htab_cap && htab_rehash(w))) {
		free(copy);
		return nomem(w);
	}
	w->blobs[w->nblobs] = (struct blob){ .data = copy, .len = size,
					     .hash = hash };
	*idx = w->nblobs++;
	htab_insert(w, *idx);
	return 0;
}

/* --- records -------------------------------------------------------------- */

static struct wrec *add_rec(struct igvm_writer *w, int sect, u32 type,
			    const void *body, u32 len)
{
	struct rec_list *l = &w->lists[sect];
	struct wrec *r = grow(l->v, &l->cap, l->n + 1, sizeof(*r));
	u8 *copy = malloc(len);

	if (r) {
		l->v = r;
	}
	if (!r || !copy) {
		free(copy);
		nomem(w);
		return NULL;
	}
	memcpy(copy, body, len);
	r = &l->v[l->n++];
	*r = (struct wrec){ .type = type, .length = len, .body = copy,
			    .blob = NO_BLOB };
	return r;
}

/* Adds a record whose file_offset field (at fo_off) points at a blob. */
static int add_rec_blob(struct igvm_writer *w, u32 type, const void *body,
			u32 len, u32 fo_off, size_t blob, u64 load_size)
{
	struct wrec *r = add_rec(w, SECT_DIRECTIVE, type, body, len);

	if (!r) {
		return -SVSM_ENOMEM;
	}
	r->fo_off = fo_off;
	r->blob = blob;
	r->load_size = load_size;
	return 0;
}

static const struct igvm_platform_info *platform_of_type(
	const struct igvm_writer *w, u8 type)
{
	for (u32 i = 0; i < w->nplatforms; i++) {
		if (w->platforms[i].type == type) {
			return &w->platforms[i];
		}
	}
	return NULL;
}

static const struct igvm_platform_info *platform_of_mask(
	const struct igvm_writer *w, u32 mask)
{
	for (u32 i = 0; i < w->nplatforms; i++) {
		if (w->platforms[i].mask == mask) {
			return &w->platforms[i];
		}
	}
	return NULL;
}

/* The writer is stricter than the reader: every mask bit must be declared. */
static int check_mask(struct igvm_writer *w, const char *what, u32 mask)
{
	if (!mask) {
		return seterr(w, "%s: compatibility mask is zero", what);
	}
	if (mask & ~w->declared) {
		return seterr(w,
			      "%s: mask 0x%x has bits 0x%x that name no declared platform",
			      what, mask, mask & ~w->declared);
	}
	return 0;
}

static int check_gpa(struct igvm_writer *w, const char *what, u64 gpa)
{
	if (gpa & (IGVM_PAGE_SIZE - 1)) {
		return seterr(w, "%s: gpa 0x%llx is not 4 KiB aligned", what,
			      (unsigned long long)gpa);
	}
	return 0;
}

/* --- GPA overlap (digest §7 rule 19) -------------------------------------- */

static void describe_load(const struct wrec *r, char *buf, size_t len)
{
	u64 gpa;

	memcpy(&gpa, r->body, sizeof(gpa));
	if (r->type == IGVM_VHT_PAGE_DATA) {
		snprintf(buf, len, "page data 0x%llx-0x%llx",
			 (unsigned long long)gpa,
			 (unsigned long long)(gpa + r->load_size));
	} else if (r->type == IGVM_VHT_PARAMETER_INSERT) {
		snprintf(buf, len,
			 "parameter area %u inserted at 0x%llx-0x%llx",
			 ((const struct igvm_vhs_parameter_insert *)r->body)
				 ->parameter_area_index,
			 (unsigned long long)gpa,
			 (unsigned long long)(gpa + r->load_size));
	} else {
		snprintf(buf, len, "VMSA 0x%llx-0x%llx",
			 (unsigned long long)gpa,
			 (unsigned long long)(gpa + r->load_size));
	}
}

/* Names the earliest directive loading into [start, end) for bit `bit`. */
static void describe_clash(const struct igvm_writer *w, u32 bit, u64 start,
			   u64 end, char *buf, size_t len)
{
	const struct rec_list *l = &w->lists[SECT_DIRECTIVE];

	for (size_t i = 0; i < l->n; i++) {
		const struct wrec *r = &l->v[i];
		u32 mask;
		u64 gpa;

		if (!r->load_size) {
			continue;
		}
		memcpy(&gpa, r->body, sizeof(gpa));
		memcpy(&mask, r->body + 8, sizeof(mask));
		if ((mask & bit) && ranges_overlap(gpa, r->load_size, start,
						   end - start)) {
			describe_load(r, buf, len);
			return;
		}
	}
	snprintf(buf, len, "a range");
}

/* Fails if [gpa, gpa+size) is already loaded for any platform in mask. */
static int check_loads(struct igvm_writer *w, const char *what, u64 gpa,
		       u64 size, u32 mask)
{
	struct igvm_range clash;
	char other[128];
	u64 end;

	if (!add_no_overflow(gpa, size, &end)) {
		return seterr(w, "%s: range wraps around the address space",
			      what);
	}
	for (u32 b = 0; b < MASK_BITS; b++) {
		if (!(mask & BIT(b)) ||
		    !igvm_range_set_find(&w->loads[b], gpa, end, &clash)) {
			continue;
		}
		describe_clash(w, (u32)BIT(b), gpa, end, other, sizeof(other));
		return seterr(w, "%s for mask 0x%x overlaps %s already loaded",
			      what, (u32)BIT(b), other);
	}
	return 0;
}

/* Records the load; check_loads() has already ruled out overlaps. */
static int commit_loads(struct igvm_writer *w, u64 gpa, u64 size, u32 mask)
{
	for (u32 b = 0; b < MASK_BITS; b++) {
		struct igvm_range_set *s = &w->loads[b];
		size_t cap = s->capacity;
		struct igvm_range *r;

		if (!(mask & BIT(b))) {
			continue;
		}
		/* The set may need one more slot; grow it before adding. */
		r = grow(s->ranges, &cap, s->count + 1, sizeof(*r));
		if (!r) {
			return nomem(w);
		}
		s->ranges = r;
		s->capacity = (u32)cap;
		if (igvm_range_set_add(s, gpa, gpa + size, NULL)) {
			return seterr(w, "internal error recording a load");
		}
	}
	return 0;
}

/* --- platform and initialization headers ---------------------------------- */

static int check_platform(struct igvm_writer *w, u32 mask, u8 type, u8 vtl,
			  u64 boundary)
{
	if (w->nplatforms >= IGVM_MAX_PLATFORMS) {
		return seterr(w, "more than %d platforms", IGVM_MAX_PLATFORMS);
	}
	if (!mask || (mask & (mask - 1))) {
		return seterr(w, "platform mask 0x%x must have exactly one bit",
			      mask);
	}
	if (mask & w->declared) {
		return seterr(w, "platform mask 0x%x declared twice", mask);
	}
	if (type > IGVM_PLATFORM_SEV_ES) {
		return seterr(w, "unknown platform type %u", type);
	}
	if (platform_of_type(w, type)) {
		return seterr(w, "platform type %u declared twice", type);
	}
	if (vtl != 0 && vtl != 2) {
		return seterr(w, "platform 0x%x: highest VTL %u is not 0 or 2",
			      mask, vtl);
	}
	if ((type == IGVM_PLATFORM_NATIVE ||
	     type == IGVM_PLATFORM_VSM_ISOLATION) && boundary) {
		return seterr(w,
			      "platform 0x%x: shared GPA boundary 0x%llx must be 0",
			      mask, (unsigned long long)boundary);
	}
	return 0;
}

int igvm_add_platform(struct igvm_writer *w, u32 mask, u8 platform_type,
		      u8 highest_vtl, u64 shared_gpa_boundary)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = mask,
		.highest_vtl = highest_vtl,
		.platform_type = platform_type,
		.platform_version = 1,
		.shared_gpa_boundary = shared_gpa_boundary,
	};
	struct igvm_platform_info *info;
	int ret;

	ret = check_platform(w, mask, platform_type, highest_vtl,
			     shared_gpa_boundary);
	if (ret) {
		return ret;
	}
	if (!add_rec(w, SECT_PLATFORM, IGVM_VHT_SUPPORTED_PLATFORM, &p,
		     sizeof(p))) {
		return -SVSM_ENOMEM;
	}
	info = &w->platforms[w->nplatforms++];
	info->mask = mask;
	info->type = platform_type;
	info->highest_vtl = highest_vtl;
	info->shared_gpa_boundary = shared_gpa_boundary;
	w->declared |= mask;
	return 0;
}

int igvm_add_guest_policy(struct igvm_writer *w, u64 policy, u32 mask)
{
	struct igvm_vhs_guest_policy p = {
		.policy = policy,
		.compatibility_mask = mask,
	};
	int ret = check_mask(w, "guest policy", mask);

	if (ret) {
		return ret;
	}
	if (!add_rec(w, SECT_INIT, IGVM_VHT_GUEST_POLICY, &p, sizeof(p))) {
		return -SVSM_ENOMEM;
	}
	return 0;
}

/* --- page data ------------------------------------------------------------ */

static int check_page_data(struct igvm_writer *w, const char *what, u64 gpa,
			   u32 mask, u32 flags, u16 data_type, size_t len)
{
	int ret = check_mask(w, what, mask);

	if (!ret) {
		ret = check_gpa(w, what, gpa);
	}
	if (ret) {
		return ret;
	}
	/* Only 4K pages: the reference parser cannot read 2 MB data (§6.1). */
	if (flags & IGVM_PAGE_DATA_FLAG_2MB) {
		return seterr(w, "%s: 2 MiB pages are not supported", what);
	}
	if (flags & ~(IGVM_PAGE_DATA_FLAG_UNMEASURED |
		      IGVM_PAGE_DATA_FLAG_SHARED)) {
		return seterr(w, "%s: flags 0x%x have reserved bits set", what,
			      flags);
	}
	if (data_type > IGVM_PAGE_DATA_CPUID_XF) {
		return seterr(w, "%s: unknown page data type %u", what,
			      data_type);
	}
	if (len > IGVM_PAGE_SIZE) {
		return seterr(w, "%s: %zu bytes of data exceed 4096", what,
			      len);
	}
	return check_loads(w, what, gpa, IGVM_PAGE_SIZE, mask);
}

int igvm_add_page_data(struct igvm_writer *w, u64 gpa, u32 mask, u32 flags,
		       u16 data_type, const void *data, size_t len)
{
	struct igvm_vhs_page_data p = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.flags = flags,
		.data_type = data_type,
	};
	size_t blob = NO_BLOB;
	char what[48];
	int ret;

	snprintf(what, sizeof(what), "page 0x%llx", (unsigned long long)gpa);
	ret = check_page_data(w, what, gpa, mask, flags, data_type,
			      data ? len : 0);
	if (!ret && data && len) {
		ret = intern_blob(w, data, len, IGVM_PAGE_SIZE, &blob);
	}
	if (!ret) {
		ret = add_rec_blob(w, IGVM_VHT_PAGE_DATA, &p, sizeof(p),
				   offsetof(struct igvm_vhs_page_data,
					    file_offset),
				   blob, IGVM_PAGE_SIZE);
	}
	return ret ? ret : commit_loads(w, gpa, IGVM_PAGE_SIZE, mask);
}

/* --- parameter areas (digest §6.2) ---------------------------------------- */

int igvm_add_parameter_area(struct igvm_writer *w, u32 index, u64 nbytes,
			    const void *initial)
{
	struct igvm_vhs_parameter_area p = {
		.number_of_bytes = nbytes,
		.parameter_area_index = index,
	};
	size_t blob = NO_BLOB;
	int ret;

	if (index >= IGVM_MAX_PARAM_AREAS) {
		return seterr(w, "parameter area index %u is not below %d",
			      index, IGVM_MAX_PARAM_AREAS);
	}
	if (!nbytes || (nbytes & (IGVM_PAGE_SIZE - 1)) || nbytes > UINT32_MAX) {
		return seterr(w,
			      "parameter area %u: size 0x%llx is not a nonzero multiple of 4 KiB below 4 GiB",
			      index, (unsigned long long)nbytes);
	}
	if (w->area_state[index] != IGVM_AREA_UNUSED) {
		return seterr(w, "parameter area %u declared twice", index);
	}
	if (initial) {
		ret = intern_blob(w, initial, nbytes, nbytes, &blob);
		if (ret) {
			return ret;
		}
	}
	ret = add_rec_blob(w, IGVM_VHT_PARAMETER_AREA, &p, sizeof(p),
			   offsetof(struct igvm_vhs_parameter_area,
				    file_offset),
			   blob, 0);
	if (!ret) {
		w->area_state[index] = IGVM_AREA_DECLARED;
		w->area_size[index] = nbytes;
	}
	return ret;
}

static int check_area_live(struct igvm_writer *w, const char *what, u32 index)
{
	if (index >= IGVM_MAX_PARAM_AREAS ||
	    w->area_state[index] == IGVM_AREA_UNUSED) {
		return seterr(w,
			      "%s: parameter area %u used before declaration",
			      what, index);
	}
	if (w->area_state[index] == IGVM_AREA_INSERTED) {
		return seterr(w, "%s: parameter area %u already inserted", what,
			      index);
	}
	return 0;
}

int igvm_add_parameter_usage(struct igvm_writer *w, u32 type, u32 index,
			     u32 byte_offset)
{
	struct igvm_vhs_parameter p = {
		.parameter_area_index = index,
		.byte_offset = byte_offset,
	};
	u64 need = (type == IGVM_VHT_VP_COUNT_PARAMETER ||
		    type == IGVM_VHT_ENVIRONMENT_INFO_PARAMETER) ? 4 : 1;
	const char *what;
	int ret;

	if (!igvm_is_parameter_usage(type)) {
		return seterr(w, "type 0x%x is not a parameter usage", type);
	}
	what = igvm_type_name(type);
	ret = check_area_live(w, what, index);
	if (ret) {
		return ret;
	}
	if (byte_offset + need > w->area_size[index]) {
		return seterr(w,
			      "%s: byte offset 0x%x does not fit parameter area %u of 0x%llx bytes",
			      what, byte_offset, index,
			      (unsigned long long)w->area_size[index]);
	}
	if (!add_rec(w, SECT_DIRECTIVE, type, &p, sizeof(p))) {
		return -SVSM_ENOMEM;
	}
	return 0;
}

int igvm_add_parameter_insert(struct igvm_writer *w, u64 gpa, u32 mask,
			      u32 index)
{
	struct igvm_vhs_parameter_insert p = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.parameter_area_index = index,
	};
	char what[80];
	u64 size;
	int ret;

	snprintf(what, sizeof(what), "parameter area %u insert at 0x%llx",
		 index, (unsigned long long)gpa);
	if (index < IGVM_MAX_PARAM_AREAS &&
	    w->area_state[index] == IGVM_AREA_INSERTED) {
		return seterr(w, "parameter area %u inserted twice", index);
	}
	ret = check_area_live(w, what, index);
	if (!ret) {
		ret = check_mask(w, what, mask);
	}
	if (!ret) {
		ret = check_gpa(w, what, gpa);
	}
	if (ret) {
		return ret;
	}
	size = w->area_size[index];
	ret = check_loads(w, what, gpa, size, mask);
	if (!ret) {
		ret = add_rec_blob(w, IGVM_VHT_PARAMETER_INSERT, &p, sizeof(p),
				   0, NO_BLOB, size);
	}
	if (!ret) {
		w->area_state[index] = IGVM_AREA_INSERTED;
		ret = commit_loads(w, gpa, size, mask);
	}
	return ret;
}

/* --- VP context (digest §6.3) --------------------------------------------- */

static bool is_vmsa_platform(const struct igvm_platform_info *p)
{
	return p->type == IGVM_PLATFORM_SEV_SNP ||
	       p->type == IGVM_PLATFORM_SEV_ES;
}

static int check_vp_platform(struct igvm_writer *w, u64 gpa, u32 mask,
			     const u8 *page,
			     const struct igvm_platform_info *p)
{
	const size_t ctx = sizeof(struct igvm_native_vp_context_x64);

	switch (p->type) {
	case IGVM_PLATFORM_NATIVE:
	case IGVM_PLATFORM_SEV:
		if (gpa) {
			return seterr(w,
				      "native VP context for mask 0x%x: gpa 0x%llx must be 0",
				      mask, (unsigned long long)gpa);
		}
		if (!mem_is_zero(page + ctx, IGVM_PAGE_SIZE - ctx)) {
			return seterr(w,
				      "native VP context for mask 0x%x: bytes after 0x%zx are not zero",
				      mask, ctx);
		}
		return 0;
	case IGVM_PLATFORM_SEV_SNP:
	case IGVM_PLATFORM_SEV_ES:
		return check_gpa(w, "VMSA", gpa);
	default:
		return seterr(w,
			      "VP context for mask 0x%x: platform type %u is not supported",
			      mask, p->type);
	}
}

static int check_vp_context(struct igvm_writer *w, u64 gpa, u32 mask,
			    u16 vp_index, const void *page)
{
	const struct igvm_platform_info *p = platform_of_mask(w, mask);
	int ret;

	if (!page) {
		return seterr(w, "VP context for mask 0x%x has no data", mask);
	}
	if (!p) {
		return seterr(w,
			      "VP context mask 0x%x is not exactly one declared platform",
			      mask);
	}
	for (size_t i = 0; i < w->nvps; i++) {
		if (w->vps[i].mask == mask && w->vps[i].vp_index == vp_index) {
			return seterr(w,
				      "VP context for mask 0x%x, VP %u given twice",
				      mask, vp_index);
		}
	}
	ret = check_vp_platform(w, gpa, mask, page, p);
	if (ret || !is_vmsa_platform(p)) {
		return ret;
	}
	/* A VMSA occupies its GPA; a native context (gpa 0) loads nothing. */
	return check_loads(w, "VMSA", gpa, IGVM_PAGE_SIZE, mask);
}

int igvm_add_vp_context(struct igvm_writer *w, u64 gpa, u32 mask, u16 vp_index,
			const void *page)
{
	struct igvm_vhs_vp_context v = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.vp_index = vp_index,
	};
	struct vp_key *vps;
	u64 load;
	size_t blob;
	int ret;

	ret = check_vp_context(w, gpa, mask, vp_index, page);
	if (ret) {
		return ret;
	}
	vps = grow(w->vps, &w->vps_cap, w->nvps + 1, sizeof(*vps));
	if (!vps) {
		return nomem(w);
	}
	w->vps = vps;
	ret = intern_blob(w, page, IGVM_PAGE_SIZE, IGVM_PAGE_SIZE, &blob);
	if (ret) {
		return ret;
	}
	load = is_vmsa_platform(platform_of_mask(w, mask)) ? IGVM_PAGE_SIZE : 0;
	ret = add_rec_blob(w, IGVM_VHT_VP_CONTEXT, &v, sizeof(v),
			   offsetof(struct igvm_vhs_vp_context, file_offset),
			   blob, load);
	if (ret) {
		return ret;
	}
	w->vps[w->nvps++] = (struct vp_key){ .mask = mask,
					     .vp_index = vp_index };
	return load ? commit_loads(w, gpa, load, mask) : 0;
}

/* --- other directives ----------------------------------------------------- */

int igvm_add_required_memory(struct igvm_writer *w, u64 gpa, u32 mask,
			     u32 nbytes, u32 flags)
{
	struct igvm_vhs_required_memory r = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.number_of_bytes = nbytes,
		.flags = flags,
	};
	int ret = check_mask(w, "required memory", mask);

	if (!ret) {
		ret = check_gpa(w, "required memory", gpa);
	}
	if (ret) {
		return ret;
	}
	if (!nbytes || (nbytes & (IGVM_PAGE_SIZE - 1))) {
		return seterr(w,
			      "required memory at 0x%llx: size 0x%x is not a nonzero multiple of 4 KiB",
			      (unsigned long long)gpa, nbytes);
	}
	if (flags & ~IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE) {
		return seterr(w,
			      "required memory at 0x%llx: flags 0x%x have reserved bits set",
			      (unsigned long long)gpa, flags);
	}
	/* Not a load: it may overlap measured pages (digest §6.4). */
	if (!add_rec(w, SECT_DIRECTIVE, IGVM_VHT_REQUIRED_MEMORY, &r,
		     sizeof(r))) {
		return -SVSM_ENOMEM;
	}
	return 0;
}

/* The author signature and key end the ID block (digest §6.4). */
#define AUTHOR_FIELDS offsetof(struct igvm_vhs_snp_id_block, author_key_signature)

static int check_id_block(struct igvm_writer *w,
			  const struct igvm_vhs_snp_id_block *b)
{
	const struct igvm_platform_info *snp =
		platform_of_type(w, IGVM_PLATFORM_SEV_SNP);
	u32 mask = b->compatibility_mask;
	int ret = check_mask(w, "SNP ID block", mask);

	if (ret) {
		return ret;
	}
	if (!snp || mask != snp->mask) {
		return seterr(w,
			      "SNP ID block mask 0x%x is not the mask of a declared SNP platform",
			      mask);
	}
	if (w->id_block_masks & mask) {
		return seterr(w, "more than one SNP ID block for mask 0x%x",
			      mask);
	}
	if (!mem_is_zero(b->reserved, sizeof(b->reserved)) ||
	    b->author_key_enabled > 1) {
		return seterr(w,
			      "SNP ID block: reserved bytes or author_key_enabled %u invalid",
			      b->author_key_enabled);
	}
	/* Spec: the author fields are zero when no author key is used. */
	if (!b->author_key_enabled &&
	    (b->author_key_algorithm ||
	     !mem_is_zero((const u8 *)b + AUTHOR_FIELDS,
			  sizeof(*b) - AUTHOR_FIELDS))) {
		return seterr(w,
			      "SNP ID block: author fields set without an author key");
	}
	return 0;
}

int igvm_add_snp_id_block(struct igvm_writer *w,
			  const struct igvm_vhs_snp_id_block *block)
{
	int ret = check_id_block(w, block);

	if (ret) {
		return ret;
	}
	if (!add_rec(w, SECT_DIRECTIVE, IGVM_VHT_SNP_ID_BLOCK, block,
		     sizeof(*block))) {
		return -SVSM_ENOMEM;
	}
	w->id_block_masks |= block->compatibility_mask;
	return 0;
}

/* --- serialization -------------------------------------------------------- */

static u64 vh_size(const struct igvm_writer *w)
{
	u64 size = 0;

	for (int s = 0; s < NSECT; s++) {
		for (size_t i = 0; i < w->lists[s].n; i++) {
			size += 8 + ALIGN_UP((u64)w->lists[s].v[i].length, 8);
		}
	}
	return size;
}

/* Gives each blob an offset at its first use, in header order. */
static u64 place_blobs(struct igvm_writer *w, u64 cursor)
{
	for (size_t i = 0; i < w->nblobs; i++) {
		w->blobs[i].file_offset = 0;
	}
	for (int s = 0; s < NSECT; s++) {
		for (size_t i = 0; i < w->lists[s].n; i++) {
			struct blob *b;

			if (w->lists[s].v[i].blob == NO_BLOB) {
				continue;
			}
			b = &w->blobs[w->lists[s].v[i].blob];
			if (!b->file_offset) {
				/* Offsets above 4 GiB fail in the caller. */
				b->file_offset = (u32)MIN(cursor, UINT32_MAX);
				cursor += b->len;
			}
		}
	}
	return cursor;
}

static void write_records(const struct igvm_writer *w, u8 *out, u32 at)
{
	for (int s = 0; s < NSECT; s++) {
		for (size_t i = 0; i < w->lists[s].n; i++) {
			const struct wrec *r = &w->lists[s].v[i];
			struct igvm_vhs_header h = { r->type, r->length };

			memcpy(out + at, &h, sizeof(h));
			memcpy(out + at + 8, r->body, r->length);
			if (r->blob != NO_BLOB) {
				memcpy(out + at + 8 + r->fo_off,
				       &w->blobs[r->blob].file_offset, 4);
			}
			at += 8 + ALIGN_UP(r->length, 8);
		}
	}
}

static void write_fixed(const struct igvm_writer *w, u8 *out, u32 fixed,
			u32 vhs, u32 total)
{
	struct igvm_fixed_header_v2 h = {
		.v1 = {
			.magic = IGVM_MAGIC,
			.format_version = w->version,
			.variable_header_offset = fixed,
			.variable_header_size = vhs,
			.total_file_size = total,
		},
		.architecture = IGVM_ARCH_X64,
		.page_size = IGVM_PAGE_SIZE,
	};
	u32 crc;

	memcpy(out, &h, fixed);
	crc = crc32_update(0, out, fixed + vhs);
	memcpy(out + offsetof(struct igvm_fixed_header, checksum), &crc, 4);
}

int igvm_writer_serialize(struct igvm_writer *w, u8 **out, size_t *out_len)
{
	u32 fixed = w->version == IGVM_FORMAT_V1 ?
			    sizeof(struct igvm_fixed_header) :
			    sizeof(struct igvm_fixed_header_v2);
	u64 vhs = vh_size(w), total;
	u8 *buf;

	if (!w->nplatforms) {
		return seterr(w, "no platform declared");
	}
	total = place_blobs(w, fixed + vhs);
	if (total > UINT32_MAX) {
		return seterr(w, "file of 0x%llx bytes exceeds 4 GiB",
			      (unsigned long long)total);
	}
	/* The reference parser rejects an empty file-data section (§2). */
	if (total == fixed + vhs) {
		return seterr(w,
			      "the file has no data: add at least one page with data or a VP context");
	}
	buf = calloc(1, total);
	if (!buf) {
		return nomem(w);
	}
	write_records(w, buf, fixed);
	for (size_t i = 0; i < w->nblobs; i++) {
		/* A blob left over by a failed add has no offset. */
		if (w->blobs[i].file_offset) {
			memcpy(buf + w->blobs[i].file_offset, w->blobs[i].data,
			       w->blobs[i].len);
		}
	}
	write_fixed(w, buf, fixed, (u32)vhs, (u32)total);
	*out = buf;
	*out_len = total;
	return 0;
}

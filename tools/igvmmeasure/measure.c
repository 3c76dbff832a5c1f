/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP launch digest. Section numbers refer to the igvm-format digest
 * (docs: igvm-format.md): §11.1 gives PAGE_INFO, §11.2 maps each directive to
 * PAGE_INFOs, §9 says how QEMU/KVM apply the file. Where COCONUT's igvmmeasure
 * and QEMU differ, QEMU wins: it is what produces the hardware digest.
 */
#include <string.h>

#include <openssl/sha.h>

#include <svsm/errno.h>
#include <svsm/lib/unaligned.h>

#include "measure.h"

static const u8 zero_page[IGVM_PAGE_SIZE];

static int fail(struct igvm_error *err, u32 offset, const char *reason)
{
	err->offset = offset;
	err->reason = reason;
	return -SVSM_EINVAL;
}

void snp_page_info_extend(u8 digest[SNP_DIGEST_SIZE],
			  const u8 contents[SNP_DIGEST_SIZE], u8 type, u64 gpa)
{
	struct snp_page_info pi;

	memset(&pi, 0, sizeof(pi));
	memcpy(pi.digest_cur, digest, SNP_DIGEST_SIZE);
	if (contents) {
		memcpy(pi.contents, contents, SNP_DIGEST_SIZE);
	}
	pi.length = sizeof(pi);
	pi.page_type = type;
	pi.gpa = gpa;
	SHA384((const u8 *)&pi, sizeof(pi), digest);
}

const u8 *snp_zero_page_digest(void)
{
	static u8 digest[SNP_DIGEST_SIZE];
	static bool done;

	if (!done) {
		SHA384(zero_page, sizeof(zero_page), digest);
		done = true;
	}
	return digest;
}

int snp_find_platform(struct igvm_file *f, u32 *snp_mask,
		      struct igvm_error *err)
{
	struct igvm_record rec;
	struct igvm_iter it;
	int ret;

	igvm_iter_init(&it, f);
	while ((ret = igvm_next(&it, &rec, err)) == 1) {
	}
	if (ret) {
		return ret;
	}
	for (u32 i = 0; i < f->nplatforms; i++) {
		if (f->platforms[i].type == IGVM_PLATFORM_SEV_SNP) {
			*snp_mask = f->platforms[i].mask;
			return 0;
		}
	}
	err->offset = f->vh_offset;
	err->reason = "no SEV-SNP platform";
	return -SVSM_ENOENT;
}

/*
 * One 4 KiB page of a PAGE_DATA directive (§11.2). The type decides first,
 * as in igvmmeasure: SECRETS and CPUID pages ignore the unmeasured flag, and
 * their contents never enter the digest. The shared flag is ignored, as QEMU
 * does.
 */
static void measure_4k(u8 *digest, u16 data_type, u32 flags, const u8 *data,
		       u64 gpa, bool native_zero)
{
	u8 hash[SNP_DIGEST_SIZE];

	if (data_type == IGVM_PAGE_DATA_SECRETS) {
		snp_page_info_extend(digest, NULL, SNP_PAGE_SECRETS, gpa);
	} else if (data_type != IGVM_PAGE_DATA_NORMAL) {
		snp_page_info_extend(digest, NULL, SNP_PAGE_CPUID, gpa);
	} else if (flags & IGVM_PAGE_DATA_FLAG_UNMEASURED) {
		snp_page_info_extend(digest, NULL, SNP_PAGE_UNMEASURED, gpa);
	} else if (data) {
		SHA384(data, IGVM_PAGE_SIZE, hash);
		snp_page_info_extend(digest, hash, SNP_PAGE_NORMAL, gpa);
	} else if (native_zero) {
		snp_page_info_extend(digest, NULL, SNP_PAGE_ZERO, gpa);
	} else {
		/* QEMU turns its ZERO regions into NORMAL pages (§9.4). */
		snp_page_info_extend(digest, snp_zero_page_digest(),
				     SNP_PAGE_NORMAL, gpa);
	}
}

/* A 2 MiB page is measured as 512 consecutive 4 KiB pages (§11.2). */
static int measure_page_data(const struct igvm_file *f,
			     const struct igvm_record *rec, u8 *digest,
			     bool native_zero, struct igvm_error *err)
{
	struct igvm_vhs_page_data pd;
	const u8 *data = NULL;
	u64 size;

	memcpy(&pd, rec->body, sizeof(pd));
	size = pd.flags & IGVM_PAGE_DATA_FLAG_2MB ? PAGE_SIZE_2M : PAGE_SIZE;
	if (pd.file_offset) {
		data = igvm_file_data(f, pd.file_offset, (u32)size);
		if (!data) {
			return fail(err, rec->offset,
				    "page data outside the file");
		}
	}
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		measure_4k(digest, pd.data_type, pd.flags,
			   data ? data + off : NULL, pd.gpa + off, native_zero);
	}
	return 0;
}

/*
 * QEMU imports the whole area as UNMEASURED pages, one PAGE_INFO per 4 KiB
 * (§9.5, §11.2; COCONUT's igvmmeasure emits only the first page, which is the
 * same for its 4 KiB areas).
 */
static int measure_insert(const struct igvm_file *f,
			  const struct igvm_record *rec, u8 *digest,
			  struct igvm_error *err)
{
	struct igvm_vhs_parameter_insert pi;
	u64 size, end;

	memcpy(&pi, rec->body, sizeof(pi));
	if (pi.parameter_area_index >= IGVM_MAX_PARAM_AREAS) {
		return fail(err, rec->offset, "bad parameter area index");
	}
	size = f->area_size[pi.parameter_area_index];
	if (size > SNP_MAX_MEASURED_AREA) {
		return fail(err, rec->offset,
			    "parameter area too large to measure");
	}
	if (!add_no_overflow(pi.gpa, size, &end)) {
		return fail(err, rec->offset,
			    "parameter insert wraps around the address space");
	}
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		snp_page_info_extend(digest, NULL, SNP_PAGE_UNMEASURED,
				     pi.gpa + off);
	}
	return 0;
}

/* The VMSA page is hashed as stored in the file, at the header's GPA. */
static int measure_vmsa(const struct igvm_file *f,
			const struct igvm_record *rec, u8 *digest,
			struct igvm_error *err)
{
	struct igvm_vhs_vp_context vp;
	u8 hash[SNP_DIGEST_SIZE];
	const u8 *page;

	memcpy(&vp, rec->body, sizeof(vp));
	page = igvm_file_data(f, vp.file_offset, IGVM_PAGE_SIZE);
	if (!page) {
		return fail(err, rec->offset, "VMSA outside the file");
	}
	SHA384(page, IGVM_PAGE_SIZE, hash);
	snp_page_info_extend(digest, hash, SNP_PAGE_VMSA, vp.gpa);
	return 0;
}

static int measure_record(const struct igvm_file *f,
			  const struct igvm_record *rec, u32 snp_mask,
			  bool native_zero, u8 *digest, struct igvm_error *err)
{
	switch (rec->type) {
	case IGVM_VHT_PAGE_DATA:
		return measure_page_data(f, rec, digest, native_zero, err);
	case IGVM_VHT_PARAMETER_INSERT:
		return measure_insert(f, rec, digest, err);
	case IGVM_VHT_VP_CONTEXT:
		/* A VP context mask is exactly one platform (§4.2). */
		if (igvm_record_mask(rec) != snp_mask) {
			return 0;
		}
		return measure_vmsa(f, rec, digest, err);
	default:
		/* Policies, areas, usages, ID block: not measured. */
		return 0;
	}
}

int snp_measure(struct igvm_file *f, u32 snp_mask, bool native_zero,
		u8 digest[SNP_DIGEST_SIZE], struct igvm_error *err)
{
	struct igvm_record rec;
	struct igvm_iter it;
	int ret;

	memset(digest, 0, SNP_DIGEST_SIZE);
	igvm_iter_init(&it, f);
	while ((ret = igvm_next(&it, &rec, err)) == 1) {
		if (!(igvm_record_mask(&rec) & snp_mask)) {
			continue;
		}
		ret = measure_record(f, &rec, snp_mask, native_zero, digest,
				     err);
		if (ret) {
			return ret;
		}
	}
	return ret;
}

/* --- QEMU/KVM restrictions (§9.6) ----------------------------------------- */

static int check_kvm_vmsa(const struct igvm_file *f,
			  const struct igvm_record *rec, u32 count,
			  struct igvm_error *err)
{
	struct igvm_vhs_vp_context vp;
	const u8 *page;
	u64 cr0;

	memcpy(&vp, rec->body, sizeof(vp));
	if (count) {
		return fail(err, rec->offset,
			    "KVM check: more than one SNP VMSA (KVM sets only the first vCPU's)");
	}
	if (vp.gpa != SNP_KVM_VMSA_GPA) {
		return fail(err, rec->offset + 8,
			    "KVM check: VMSA gpa is not 0xfffffffff000, where KVM places it");
	}
	page = igvm_file_data(f, vp.file_offset, IGVM_PAGE_SIZE);
	if (!page) {
		return fail(err, rec->offset, "VMSA outside the file");
	}
	cr0 = rd64(page + VMSA_CR0);
	if (cr0 != 0x31 && cr0 != 0x30) {
		return fail(err, vp.file_offset + VMSA_CR0,
			    "KVM check: VMSA CR0 is not 0x31 or 0x30, the value KVM measures");
	}
	return 0;
}

int snp_check_kvm(struct igvm_file *f, u32 snp_mask, struct igvm_error *err)
{
	struct igvm_record rec;
	struct igvm_iter it;
	u32 count = 0;
	int ret;

	igvm_iter_init(&it, f);
	while ((ret = igvm_next(&it, &rec, err)) == 1) {
		u32 mask = igvm_record_mask(&rec);

		if (!(mask & snp_mask)) {
			continue;
		}
		if ((rec.type == IGVM_VHT_PAGE_DATA ||
		     rec.type == IGVM_VHT_PARAMETER_INSERT) && count) {
			return fail(err, rec.offset,
				    "KVM check: page directive after the VMSA (KVM measures the VMSA last)");
		}
		if (rec.type == IGVM_VHT_VP_CONTEXT && mask == snp_mask) {
			ret = check_kvm_vmsa(f, &rec, count++, err);
			if (ret) {
				return ret;
			}
		}
	}
	if (!ret && !count) {
		return fail(err, f->vh_offset, "KVM check: no SNP VMSA");
	}
	return ret;
}

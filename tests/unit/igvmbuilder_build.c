/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder end to end on synthetic inputs: a tiny stage2 ELF, kernel
 * bytes and OVMF images from tests/unit/support/ovmf_fake.c. Each image is
 * read back with lib/igvm_parse.c and checked record by record: platforms,
 * policy, directive order, masks, the secrets and CPUID pages, the VMSA, the
 * boot parameters and their firmware block; igvmmeasure's KVM checks must
 * pass and the same inputs must give the same bytes. Then every refusal:
 * each error must name the firmware file and both ranges involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <svsm/boot/boot_params.h>
#include <svsm/boot/layout.h>
#include <svsm/hw/igvm.h>
#include <svsm/hw/snp_cpuid.h>
#include <svsm/hw/vmsa.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/string.h>

#include "../../tools/igvmbuilder/builder.h"
#include "../../tools/igvmmeasure/measure.h"
#include "support/igvmbuilder_util.h"
#include "support/ovmf_fake.h"

#define FW_SIZE 0x10000
#define FW_START (0x100000000ULL - FW_SIZE)
#define STAGE2_END 0x13000ULL
#define ELF_END 0x103000ULL
#define BOOT_PARAMS ELF_END
#define MAX_RECS 8192
#define SNP IGVM_MASK_SNP
#define NAT IGVM_MASK_NATIVE

#define PLAT_BOTH "\"snp\", \"native\""
#define SNP_EXTRA ", \"policy\": \"0x30000\", \"measure\": \"print\""

struct rec {
	u32 type;
	u32 mask;
	const void *body;
};

struct image {
	u8 *data;
	size_t len;
	struct igvm_file f;
	size_t n;
	struct rec r[MAX_RECS];
};

static struct image img;
static u8 *stage2, *kernel;
static size_t stage2_len, kernel_len;

static int setup(void **state)
{
	stage2 = tu_stage2_elf(&stage2_len);
	kernel = tu_kernel_bytes(&kernel_len);
	return 0;
}

static int teardown(void **state)
{
	free(stage2);
	free(kernel);
	free(img.data);
	return 0;
}

static void expect_text(const char *text, const char *want)
{
	if (!strstr(text, want)) {
		fail_msg("\"%s\" does not contain \"%s\"", text, want);
	}
}

/*
 * Builds with the preset (platforms, extra) and firmware fw (NULL: none);
 * returns build_igvm()'s result and leaves the messages in *diag.
 */
static int build(const char *platforms, const char *extra,
		 const struct fake_fw *fw, const char **diag)
{
	struct build_config cfg;
	struct build_inputs in = { .cfg = &cfg };
	char *preset = tu_preset("preset.json", platforms, extra,
				 fw ? "FW_FILE" : NULL);
	int ret;

	free(img.data);
	img.data = NULL;
	tu_diag_begin();
	ret = config_load(preset, &cfg);
	if (!ret) {
		in.stage2 = (struct file_buf){ "stage2.elf", stage2,
					       stage2_len };
		in.kernel = (struct file_buf){ "kernel.elf", kernel,
					       kernel_len };
		if (fw) {
			in.firmware = (struct file_buf){
				"fw.fd", fake_fw_build(fw, NULL), fw->size
			};
		}
		ret = build_igvm(&in, &img.data, &img.len);
		free(in.firmware.data);
	}
	*diag = tu_diag_end();
	free(preset);
	return ret;
}

static void parse_image(void)
{
	struct igvm_record rec;
	struct igvm_error e;
	struct igvm_iter it;
	int ret;

	assert_int_equal(igvm_open(&img.f, img.data, img.len, &e), 0);
	igvm_iter_init(&it, &img.f);
	img.n = 0;
	while ((ret = igvm_next(&it, &rec, &e)) == 1) {
		assert_true(img.n < MAX_RECS);
		img.r[img.n++] = (struct rec){ rec.type,
					       igvm_record_mask(&rec),
					       rec.body };
	}
	if (ret) {
		fail_msg("%s at 0x%x", e.reason, e.offset);
	}
}

/* Builds, expecting success and the given diagnostics, and parses. */
static void build_ok(const char *platforms, const char *extra,
		     const struct fake_fw *fw, const char *want_diag)
{
	const char *diag;

	if (build(platforms, extra, fw, &diag)) {
		fail_msg("build failed: %s", diag);
	}
	assert_string_equal(diag, want_diag);
	parse_image();
}

static void build_fails(const char *platforms, const char *extra,
			const struct fake_fw *fw, const char *want)
{
	const char *diag;

	assert_int_equal(build(platforms, extra, fw, &diag), -1);
	expect_text(diag, want);
}

static const struct igvm_vhs_page_data *page_at(u64 gpa)
{
	for (size_t i = 0; i < img.n; i++) {
		const struct igvm_vhs_page_data *p = img.r[i].body;

		if (img.r[i].type == IGVM_VHT_PAGE_DATA && p->gpa == gpa) {
			return p;
		}
	}
	fail_msg("no page at 0x%llx", gpa);
	return NULL;
}

static const u8 *page_bytes(u64 gpa)
{
	static const u8 zero[PAGE_SIZE];
	const struct igvm_vhs_page_data *p = page_at(gpa);

	return p->file_offset ? img.data + p->file_offset : zero;
}

static const struct svsm_boot_params *boot_params(void)
{
	return (const struct svsm_boot_params *)page_bytes(BOOT_PARAMS);
}

static const u8 *vp_context(u32 mask, u64 *gpa)
{
	for (size_t i = 0; i < img.n; i++) {
		const struct igvm_vhs_vp_context *v = img.r[i].body;

		if (img.r[i].type == IGVM_VHT_VP_CONTEXT &&
		    v->compatibility_mask == mask) {
			*gpa = v->gpa;
			return img.data + v->file_offset;
		}
	}
	return NULL;
}

static size_t count(u32 type, u32 mask)
{
	size_t n = 0;

	for (size_t i = 0; i < img.n; i++) {
		n += img.r[i].type == type && (!mask || img.r[i].mask == mask);
	}
	return n;
}

/* --- the full SNP + native image ------------------------------------------ */

static void check_platforms(u8 snp_vtl)
{
	const struct igvm_vhs_supported_platform *p;
	const struct igvm_vhs_guest_policy *pol;

	assert_int_equal(img.f.format_version, IGVM_FORMAT_V2);
	assert_int_equal(img.r[0].type, IGVM_VHT_SUPPORTED_PLATFORM);
	p = img.r[0].body;
	assert_int_equal(p->compatibility_mask, SNP);
	assert_int_equal(p->platform_type, IGVM_PLATFORM_SEV_SNP);
	assert_int_equal(p->highest_vtl, snp_vtl);
	assert_int_equal(p->shared_gpa_boundary, 0);
	p = img.r[1].body;
	assert_int_equal(img.r[1].type, IGVM_VHT_SUPPORTED_PLATFORM);
	assert_int_equal(p->compatibility_mask, NAT);
	assert_int_equal(p->platform_type, IGVM_PLATFORM_NATIVE);
	assert_int_equal(p->highest_vtl, 0);
	assert_int_equal(img.r[2].type, IGVM_VHT_GUEST_POLICY);
	pol = img.r[2].body;
	assert_int_equal(pol->policy, 0x30000);
	assert_int_equal(pol->compatibility_mask, SNP);
}

/* COCONUT's --sort order (igvm-format digest §10.2), SNP VMSA last. */
static void check_order(void)
{
	static const u32 head[] = {
		IGVM_VHT_PARAMETER_AREA, IGVM_VHT_PARAMETER_AREA,
		IGVM_VHT_VP_COUNT_PARAMETER,
		IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, IGVM_VHT_MEMORY_MAP,
		IGVM_VHT_PARAMETER_INSERT, IGVM_VHT_PARAMETER_INSERT,
		IGVM_VHT_VP_CONTEXT,
	};
	size_t first = 3, i;
	u64 last = 0;

	for (i = 0; i < ARRAY_SIZE(head); i++) {
		assert_int_equal(img.r[first + i].type, head[i]);
	}
	assert_int_equal(img.r[first + 5].mask, SNP | NAT);
	assert_int_equal(img.r[first + 6].mask, SNP | NAT);
	assert_int_equal(img.r[first + 7].mask, NAT);
	for (i = first + ARRAY_SIZE(head); i + 1 < img.n; i++) {
		const struct igvm_vhs_page_data *p = img.r[i].body;

		assert_int_equal(img.r[i].type, IGVM_VHT_PAGE_DATA);
		assert_true(p->gpa > last || i == first + ARRAY_SIZE(head));
		last = p->gpa;
	}
	assert_int_equal(img.r[img.n - 1].type, IGVM_VHT_VP_CONTEXT);
	assert_int_equal(img.r[img.n - 1].mask, SNP);
}

/* Which platforms see a page, by where it is (docs/memory-map.md). */
static void check_masks(bool fw)
{
	for (size_t i = 0; i < img.n; i++) {
		const struct igvm_vhs_page_data *p = img.r[i].body;
		u32 want = SNP | NAT;
		u16 type = IGVM_PAGE_DATA_NORMAL;

		if (img.r[i].type != IGVM_VHT_PAGE_DATA) {
			continue;
		}
		if (p->gpa == SNP_SECRETS_PAGE_GPA) {
			want = SNP;
			type = IGVM_PAGE_DATA_SECRETS;
		} else if (p->gpa == SNP_CPUID_PAGE_GPA) {
			want = SNP;
			type = IGVM_PAGE_DATA_CPUID_DATA;
		} else if (p->gpa >= FW_START) {
			assert_true(fw);
			want = SNP;
		} else {
			assert_true((p->gpa >= STAGE2_BASE &&
				     p->gpa < STAGE2_END) ||
				    (p->gpa >= KERNEL_ELF_GPA &&
				     p->gpa <= BOOT_PARAMS));
		}
		assert_int_equal(p->compatibility_mask, want);
		assert_int_equal(p->data_type, type);
		assert_int_equal(p->flags, 0);
	}
}

static void check_payloads(const struct fake_fw *fw)
{
	u8 *fwimg = fw ? fake_fw_build(fw, NULL) : NULL;

	assert_memory_equal(page_bytes(0x10000), stage2 + 0x1000, PAGE_SIZE);
	assert_memory_equal(page_bytes(0x11000), stage2 + 0x2000, 0x800);
	assert_int_equal(page_at(0x12000)->file_offset, 0); /* bss */
	assert_memory_equal(page_bytes(0x100000), kernel, PAGE_SIZE);
	assert_memory_equal(page_bytes(0x102000), kernel + 0x2000, 0x100);
	for (u64 off = 0; fwimg && off < FW_SIZE; off += PAGE_SIZE) {
		assert_memory_equal(page_bytes(FW_START + off), fwimg + off,
				    PAGE_SIZE);
	}
	free(fwimg);
}

static void check_secrets_and_cpuid(void)
{
	const struct igvm_vhs_page_data *s = page_at(SNP_SECRETS_PAGE_GPA);
	const struct snp_cpuid_table *t;
	bool has_cbit = false;

	assert_int_equal(s->file_offset, 0); /* the PSP fills it */
	t = (const void *)page_bytes(SNP_CPUID_PAGE_GPA);
	assert_int_equal(t->count, 34);
	assert_int_equal(t->reserved0, 0);
	assert_int_equal(t->reserved1, 0);
	for (u32 i = 0; i < t->count; i++) {
		const struct snp_cpuid_entry *e = &t->entries[i];
		bool xsave01 = e->eax_in == 0xD && e->ecx_in < 2;

		assert_int_equal(e->xcr0_in, xsave01 ? 1 : 0);
		assert_int_equal(e->xss_in, 0);
		assert_true(!e->eax && !e->ebx && !e->ecx && !e->edx);
		has_cbit |= e->eax_in == 0x8000001F;
		if (i) {
			assert_true(e->eax_in > t->entries[i - 1].eax_in ||
				    (e->eax_in == t->entries[i - 1].eax_in &&
				     e->ecx_in > t->entries[i - 1].ecx_in));
		}
	}
	assert_true(has_cbit);
	assert_true(mem_is_zero(&t->entries[t->count],
				PAGE_SIZE - 16 - 48 * t->count));
}

static void check_segment(const struct vmsa_segment *s, u16 sel, u16 attrib)
{
	assert_int_equal(s->selector, sel);
	assert_int_equal(s->attrib, attrib);
	assert_int_equal(s->limit, 0xFFFFFFFF);
	assert_int_equal(s->base, 0);
}

/* Every field COCONUT sets, and nothing else (digest §10.1). */
static void check_vmsa(void)
{
	struct sev_vmsa v;
	const u8 *page;
	u64 gpa;

	page = vp_context(SNP, &gpa);
	assert_non_null(page);
	assert_int_equal(gpa, 0xFFFFFFFFF000ULL);
	memcpy(&v, page, sizeof(v));
	/* COCONUT's 16-bit attributes, squeezed into the VMSA form. */
	assert_int_equal(vmsa_attrib(0xC09B), 0xC9B);
	assert_int_equal(vmsa_attrib(0xA093), 0xA93);
	check_segment(&v.cs, 0x08, 0xC9B);
	check_segment(&v.ds, 0x10, 0xA93);
	check_segment(&v.es, 0x10, 0xA93);
	check_segment(&v.fs, 0x10, 0xA93);
	check_segment(&v.gs, 0x10, 0xA93);
	check_segment(&v.ss, 0x10, 0xA93);
	assert_int_equal(v.cr0, 0x31);
	assert_int_equal(v.cr4, 0x40);
	assert_int_equal(v.efer, 0x1800);
	assert_int_equal(v.rflags, 2);
	assert_int_equal(v.g_pat, 0x0007040600070406ULL);
	assert_int_equal(v.xcr0, 1);
	assert_int_equal(v.rip, TEST_STAGE2_ENTRY);
	assert_int_equal(v.rax, 1);
	assert_int_equal(v.rsi, BOOT_PARAMS);
	assert_int_equal(v.sev_features, 0x29);
	assert_int_equal(v.vmpl, 0);
	assert_int_equal(v.dr6, 0);
	assert_int_equal(v.dr7, 0);
	/* Clear what was checked: the rest of the page must be zero. */
	memset(&v.es, 0, 6 * sizeof(v.es));
	v.cr0 = v.cr4 = v.efer = v.rflags = v.g_pat = v.xcr0 = 0;
	v.rip = v.rax = v.rsi = v.sev_features = 0;
	assert_true(mem_is_zero(&v, sizeof(v)));
}

static void check_boot_params(bool fw)
{
	const struct svsm_boot_params *bp = boot_params();
	const struct svsm_fw_info *f = &bp->firmware;

	assert_int_equal(bp->magic, SVSM_BOOT_PARAMS_MAGIC);
	assert_int_equal(bp->platform_masks, SNP | NAT);
	assert_int_equal(bp->cpuid_page, SNP_CPUID_PAGE_GPA);
	assert_int_equal(bp->secrets_page, SNP_SECRETS_PAGE_GPA);
	assert_int_equal(bp->kernel_elf_size, TEST_KERNEL_SIZE);
	assert_int_equal(bp->stage2_end, STAGE2_END);
	assert_int_equal(bp->general_params_gpa, BOOT_PARAMS + 0x1000);
	assert_int_equal(bp->memory_map_gpa, BOOT_PARAMS + 0x2000);
	if (!fw) {
		assert_true(mem_is_zero(f, sizeof(*f)));
		return;
	}
	assert_int_equal(f->start, FW_START);
	assert_int_equal(f->size, FW_SIZE);
	assert_int_equal(f->secrets_page, 0x80D000);
	assert_int_equal(f->cpuid_page, 0x80E000);
	assert_int_equal(f->caa_page, 0x80F000);
	assert_int_equal(f->reset_rip, 0x80B004);
	assert_int_equal(f->flags, 0);
	/* Adjacent SEC_MEM and kernel-hash ranges merged, ascending. */
	assert_int_equal(f->prevalidated_count, 2);
	assert_int_equal(f->prevalidated[0].base, 0x800000);
	assert_int_equal(f->prevalidated[0].size, 0xC000);
	assert_int_equal(f->prevalidated[1].base, 0x810000);
	assert_int_equal(f->prevalidated[1].size, 0x11000);
}

static void check_kvm_and_measure(u8 digest[SNP_DIGEST_SIZE])
{
	struct igvm_error e;
	u32 mask;

	assert_int_equal(snp_find_platform(&img.f, &mask, &e), 0);
	assert_int_equal(mask, SNP);
	if (snp_check_kvm(&img.f, mask, &e)) {
		fail_msg("KVM check: %s at 0x%x", e.reason, e.offset);
	}
	assert_int_equal(snp_measure(&img.f, mask, false, digest, &e), 0);
}

static void test_snp_native_with_firmware(void **state)
{
	u8 d1[SNP_DIGEST_SIZE], d2[SNP_DIGEST_SIZE];
	struct fake_fw fw;
	u8 *first;
	size_t len;

	fake_fw_default(&fw, FW_SIZE);
	build_ok(PLAT_BOTH, SNP_EXTRA, &fw, "");
	check_platforms(2);
	check_order();
	check_masks(true);
	check_payloads(&fw);
	check_secrets_and_cpuid();
	check_vmsa();
	check_boot_params(true);
	assert_int_equal(count(IGVM_VHT_PAGE_DATA, SNP),
			 2 + FW_SIZE / PAGE_SIZE);
	check_kvm_and_measure(d1);
	/* Same inputs, same bytes. */
	first = img.data;
	len = img.len;
	img.data = NULL;
	build_ok(PLAT_BOTH, SNP_EXTRA, &fw, "");
	assert_int_equal(img.len, len);
	assert_memory_equal(img.data, first, len);
	check_kvm_and_measure(d2);
	assert_memory_equal(d1, d2, sizeof(d1));
	free(first);
}

/* Debian's OVMF.fd case: kept out, with one line saying why. */
static void test_firmware_without_metadata(void **state)
{
	struct fake_fw fw;

	fake_fw_default(&fw, FW_SIZE);
	fw.no_metadata = true;
	build_ok(PLAT_BOTH, SNP_EXTRA, &fw,
		 "igvmbuilder: warning: firmware fw.fd has no SEV metadata: usable on the native platform only, not packaged\n");
	check_platforms(0);
	check_order();
	check_masks(false);
	check_boot_params(false);
	assert_int_equal(count(IGVM_VHT_PAGE_DATA, SNP), 2);
	fw.no_table = true;
	build_ok(PLAT_BOTH, SNP_EXTRA, &fw,
		 "igvmbuilder: warning: firmware fw.fd has no SEV metadata (no OVMF GUID table): usable on the native platform only, not packaged\n");
}

static void test_firmware_without_caa(void **state)
{
	struct fake_fw fw;

	fake_fw_default(&fw, FW_SIZE);
	fw.desc[4].type = OVMF_SEV_SNP_SEC_MEM; /* no calling area any more */
	build_ok(PLAT_BOTH, SNP_EXTRA, &fw,
		 "igvmbuilder: warning: firmware fw.fd: its SEV metadata names no SVSM calling area (an OVMF without SVSM support): packaged, but it will not start under the SVSM\n");
	check_platforms(2);
	assert_int_equal(boot_params()->firmware.caa_page, 0);
	/* Its page joins the SEC_MEM ranges around it. */
	assert_int_equal(boot_params()->firmware.prevalidated_count, 2);
	assert_int_equal(boot_params()->firmware.prevalidated[1].base,
			 0x80F000);
	assert_int_equal(boot_params()->firmware.prevalidated[1].size,
			 0x12000);
}

static void test_snp_without_firmware(void **state)
{
	u8 digest[SNP_DIGEST_SIZE];

	build_ok(PLAT_BOTH, SNP_EXTRA, NULL, "");
	check_platforms(0);
	check_order();
	check_masks(false);
	check_secrets_and_cpuid();
	check_vmsa();
	check_boot_params(false);
	check_kvm_and_measure(digest);
}

/* The test preset: no SNP page, policy or VMSA at all. */
static void test_native_only(void **state)
{
	const struct svsm_boot_params *bp;
	u64 gpa;

	build_ok("\"native\"", "", NULL, "");
	assert_int_equal(img.f.format_version, IGVM_FORMAT_V2);
	assert_int_equal(img.f.nplatforms, 1);
	assert_int_equal(count(IGVM_VHT_GUEST_POLICY, 0), 0);
	assert_null(vp_context(SNP, &gpa));
	assert_non_null(vp_context(NAT, &gpa));
	assert_int_equal(count(IGVM_VHT_PAGE_DATA, 0),
			 count(IGVM_VHT_PAGE_DATA, NAT));
	bp = boot_params();
	assert_int_equal(bp->cpuid_page, 0);
	assert_int_equal(bp->secrets_page, 0);
	assert_int_equal(bp->platform_masks, NAT);
}

/* Without NATIVE the file is version 1, as COCONUT writes it. */
static void test_snp_only(void **state)
{
	const struct igvm_vhs_guest_policy *policy;
	struct fake_fw fw;
	u8 digest[SNP_DIGEST_SIZE];
	u64 gpa;

	fake_fw_default(&fw, FW_SIZE);
	build_ok("\"snp\"", "", &fw, "");
	assert_int_equal(img.f.format_version, IGVM_FORMAT_V1);
	assert_int_equal(img.f.nplatforms, 1);
	assert_null(vp_context(NAT, &gpa));
	assert_int_equal(count(IGVM_VHT_PAGE_DATA, 0),
			 count(IGVM_VHT_PAGE_DATA, SNP));
	/* No "policy" key: COCONUT's default. */
	policy = img.r[1].body;
	assert_int_equal(policy->policy, 0x30000);
	check_kvm_and_measure(digest);
}

static void test_fixed_kernel_region(void **state)
{
	const struct igvm_vhs_required_memory *rm;

	build_ok(PLAT_BOTH,
		 ", \"kernel_region\": { \"base\": \"0x8000000\", \"size\": \"0x1000000\" }",
		 NULL, "");
	assert_int_equal(img.r[3].type, IGVM_VHT_REQUIRED_MEMORY);
	rm = img.r[3].body;
	assert_int_equal(rm->gpa, 0x8000000);
	assert_int_equal(rm->number_of_bytes, 0x1000000);
	assert_int_equal(rm->compatibility_mask, SNP | NAT);
}

/*
 * Debian's OVMF.fd (edk2 2022.11), when installed: it has SEV metadata but
 * predates SVSM support, so it is packaged with a warning.
 */
static void test_debian_ovmf(void **state)
{
	struct build_config cfg;
	struct build_inputs in = { .cfg = &cfg };
	u8 digest[SNP_DIGEST_SIZE];
	struct ovmf_info oi;
	const char *diag;
	char *preset, why[256];
	int ret;

	if (access("/usr/share/ovmf/OVMF.fd", R_OK)) {
		skip();
	}
	preset = tu_preset("debian.json", PLAT_BOTH, SNP_EXTRA, "FW_FILE");
	tu_diag_begin();
	assert_int_equal(config_load(preset, &cfg), 0);
	assert_int_equal(file_read("firmware", "/usr/share/ovmf/OVMF.fd",
				   &in.firmware), 0);
	assert_int_equal(firmware_check(&in.firmware), 0);
	in.stage2 = (struct file_buf){ "stage2.elf", stage2, stage2_len };
	in.kernel = (struct file_buf){ "kernel.elf", kernel, kernel_len };
	free(img.data);
	ret = build_igvm(&in, &img.data, &img.len);
	diag = tu_diag_end();
	assert_int_equal(ret, 0);
	assert_int_equal(ovmf_parse(in.firmware.data, in.firmware.size, &oi,
				    why, sizeof(why)),
			 0);
	parse_image();
	if (oi.has_sev_metadata) {
		assert_int_equal(boot_params()->firmware.size,
				 in.firmware.size);
		assert_int_equal(count(IGVM_VHT_PAGE_DATA, SNP),
				 2 + in.firmware.size / PAGE_SIZE);
		if (!boot_params()->firmware.caa_page) {
			expect_text(diag, "names no SVSM calling area");
		}
	}
	check_kvm_and_measure(digest);
	file_free(&in.firmware);
	free(preset);
}

/* --- refusals ------------------------------------------------------------- */

static void fw_with(struct fake_fw *fw, u32 i, u32 base, u32 len, u32 type)
{
	fake_fw_default(fw, FW_SIZE);
	fw->desc[i] = (struct fake_fw_desc){ base, len, type };
}

static void test_metadata_overlaps_svsm_pages(void **state)
{
	struct fake_fw fw;

	fw_with(&fw, 0, 0x11000, 0x1000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata descriptor 0 (SNP_SEC_MEM) 0x11000-0x12000 overlaps the SVSM's stage2 0x10000-0x13000\n");
	fw_with(&fw, 0, 0x40000, 0x1000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "descriptor 0 (SNP_SEC_MEM) 0x40000-0x41000 overlaps the SVSM's stage2 heap 0x13000-0x9e000");
	fw_with(&fw, 2, 0x9E000, 0x1000, OVMF_SEV_SNP_SECRETS);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "descriptor 2 (SNP_SECRETS) 0x9e000-0x9f000 overlaps the SVSM's SNP secrets page 0x9e000-0x9f000");
	fw_with(&fw, 3, 0x9F000, 0x1000, OVMF_SEV_CPUID);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "descriptor 3 (CPUID) 0x9f000-0xa0000 overlaps the SVSM's SNP CPUID page 0x9f000-0xa0000");
	fw_with(&fw, 5, 0xF0000, 0x20000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "descriptor 5 (SNP_SEC_MEM) 0xf0000-0x110000 overlaps the SVSM's kernel ELF 0x100000-0x103000");
	fw_with(&fw, 4, 0x104000, 0x1000, OVMF_SEV_SVSM_CAA);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "descriptor 4 (SVSM_CAA) 0x104000-0x105000 overlaps the SVSM's boot parameter pages 0x103000-0x106000");
}

static void test_metadata_overlaps_kernel_region(void **state)
{
	struct fake_fw fw;

	fw_with(&fw, 5, 0x8100000, 0x10000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH,
		    SNP_EXTRA ", \"kernel_region\": { \"base\": \"0x8000000\", \"size\": \"0x1000000\" }",
		    &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata descriptor 5 (SNP_SEC_MEM) 0x8100000-0x8110000 overlaps the SVSM's kernel region 0x8000000-0x9000000\n");
	/* The image itself, at the top of 4 GiB. */
	fake_fw_default(&fw, FW_SIZE);
	build_fails(PLAT_BOTH,
		    SNP_EXTRA ", \"kernel_region\": { \"base\": \"0xffc00000\", \"size\": \"0x400000\" }",
		    &fw,
		    "igvmbuilder: firmware fw.fd: image 0xffff0000-0x100000000 overlaps the SVSM's kernel region 0xffc00000-0x100000000\n");
}

static void test_metadata_overlaps_image(void **state)
{
	struct fake_fw fw;

	fw_with(&fw, 6, 0xFFFF8000, 0x1000, OVMF_SEV_KERNEL_HASHES);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata descriptor 6 (KERNEL_HASHES) 0xffff8000-0xffff9000 overlaps the firmware image 0xffff0000-0x100000000\n");
}

static void test_metadata_outside_address_width(void **state)
{
	struct fake_fw fw;

	fw_with(&fw, 6, 0xFFFFF000, 0x2000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata descriptor 6 (SNP_SEC_MEM 0xfffff000-0x100001000) is outside the 32-bit address space of the firmware (ends above 4 GiB)\n");
}

static void test_metadata_overlapping_each_other(void **state)
{
	struct fake_fw fw;

	fw_with(&fw, 6, 0x80C000, 0x2000, OVMF_SEV_SNP_SEC_MEM);
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata descriptors 2 (SNP_SECRETS 0x80d000-0x80e000) and 6 (SNP_SEC_MEM 0x80c000-0x80e000) overlap\n");
}

static void test_malformed_metadata(void **state)
{
	struct fake_fw fw;

	fake_fw_default(&fw, FW_SIZE);
	fw.ndesc = 17;
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: SEV metadata at 0xfe00: 17 descriptors (at most 16 are supported)\n");
}

static void test_too_many_prevalidated(void **state)
{
	struct fake_fw fw;

	fake_fw_default(&fw, FW_SIZE);
	fw.ndesc = 9;
	for (u32 i = 0; i < 9; i++) {
		fw.desc[i] = (struct fake_fw_desc){ 0x1000000 + i * 0x2000,
						    0x1000,
						    OVMF_SEV_SNP_SEC_MEM };
	}
	build_fails(PLAT_BOTH, SNP_EXTRA, &fw,
		    "igvmbuilder: firmware fw.fd: its SEV metadata needs more than 8 separate pre-validated ranges\n");
}

/* --- the command line ----------------------------------------------------- */

static int run(const char *fw_path, const char *stage2_path,
	       const char *out_name, const char **diag)
{
	char *preset = tu_preset("run.json", PLAT_BOTH, SNP_EXTRA, "FW_FILE");
	char *argv[] = { "igvmbuilder", "--config", preset, "--stage2",
			 (char *)stage2_path, "--kernel",
			 tu_write("kernel.bin", kernel, kernel_len),
			 "--firmware", (char *)fw_path, "--output",
			 strdup(tu_path(out_name)), NULL };
	int ret;

	tu_diag_begin();
	ret = igvmbuilder_run(ARRAY_SIZE(argv) - 1, argv);
	*diag = tu_diag_end();
	free(preset);
	free(argv[6]);
	free(argv[10]);
	return ret;
}

static u8 *read_all(const char *path, size_t *len)
{
	struct file_buf b;

	assert_int_equal(file_read("test", path, &b), 0);
	*len = b.size;
	return b.data;
}

static void test_cli_builds_identical_files(void **state)
{
	char *s2 = tu_write("stage2.elf", stage2, stage2_len);
	struct fake_fw spec;
	u8 *fwimg, *a, *b;
	const char *diag;
	char *fw_path;
	size_t la, lb;

	fake_fw_default(&spec, FW_SIZE);
	fwimg = fake_fw_build(&spec, NULL);
	fw_path = tu_write("ovmf.fd", fwimg, FW_SIZE);
	assert_int_equal(run(fw_path, s2, "a.igvm", &diag), 0);
	assert_string_equal(diag, "");
	assert_int_equal(run(fw_path, s2, "b.igvm", &diag), 0);
	a = read_all(tu_path("a.igvm"), &la);
	b = read_all(tu_path("b.igvm"), &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	free(fwimg);
	free(fw_path);
	free(s2);
}

static void test_cli_missing_firmware(void **state)
{
	char *s2 = tu_write("stage2.elf", stage2, stage2_len);
	const char *diag;

	assert_int_equal(run("/nonexistent/OVMF.fd", s2, "x.igvm", &diag), 1);
	assert_string_equal(diag, "igvmbuilder: firmware FW_FILE=/nonexistent/OVMF.fd: No such file or directory\n");
	free(s2);
}

static void test_cli_firmware_not_a_volume(void **state)
{
	char *s2 = tu_write("stage2.elf", stage2, stage2_len);
	const char *diag;

	assert_int_equal(run(s2, s2, "x.igvm", &diag), 1);
	expect_text(diag, "stage2.elf is not a UEFI firmware volume (no \"_FVH\" signature at offset 0x28)\n");
	free(s2);
}

static void test_cli_missing_stage2(void **state)
{
	struct fake_fw spec;
	const char *diag;
	char *fw_path;
	u8 *fwimg;

	fake_fw_default(&spec, FW_SIZE);
	fwimg = fake_fw_build(&spec, NULL);
	fw_path = tu_write("ovmf.fd", fwimg, FW_SIZE);
	assert_int_equal(run(fw_path, "/nonexistent/stage2.elf", "x.igvm", &diag), 1);
	assert_string_equal(diag, "igvmbuilder: stage2 /nonexistent/stage2.elf: No such file or directory\n");
	free(fwimg);
	free(fw_path);
}

static void test_cli_firmware_too_large(void **state)
{
	char *s2 = tu_write("stage2.elf", stage2, stage2_len);
	struct fake_fw spec;
	const char *diag;
	char *fw_path;
	u8 *fwimg;

	fake_fw_default(&spec, FW_WINDOW_SIZE + PAGE_SIZE);
	fwimg = fake_fw_build(&spec, NULL);
	fw_path = tu_write("big.fd", fwimg, spec.size);
	assert_int_equal(run(fw_path, s2, "x.igvm", &diag), 1);
	expect_text(diag, "igvmbuilder: firmware ");
	expect_text(diag, "big.fd: 0x1001000 bytes do not fit the firmware window 0xff000000-0x100000000 (16 MiB below 4 GiB)\n");
	free(fwimg);
	free(fw_path);
	free(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_native_with_firmware),
		cmocka_unit_test(test_firmware_without_metadata),
		cmocka_unit_test(test_firmware_without_caa),
		cmocka_unit_test(test_snp_without_firmware),
		cmocka_unit_test(test_native_only),
		cmocka_unit_test(test_snp_only),
		cmocka_unit_test(test_fixed_kernel_region),
		cmocka_unit_test(test_debian_ovmf),
		cmocka_unit_test(test_metadata_overlaps_svsm_pages),
		cmocka_unit_test(test_metadata_overlaps_kernel_region),
		cmocka_unit_test(test_metadata_overlaps_image),
		cmocka_unit_test(test_metadata_outside_address_width),
		cmocka_unit_test(test_metadata_overlapping_each_other),
		cmocka_unit_test(test_malformed_metadata),
		cmocka_unit_test(test_too_many_prevalidated),
		cmocka_unit_test(test_cli_builds_identical_files),
		cmocka_unit_test(test_cli_missing_firmware),
		cmocka_unit_test(test_cli_firmware_not_a_volume),
		cmocka_unit_test(test_cli_missing_stage2),
		cmocka_unit_test(test_cli_firmware_too_large),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

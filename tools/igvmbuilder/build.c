/* SPDX-License-Identifier: MIT */
/*
 * Lays out the IGVM image (docs/memory-map.md):
 *   stage2 ELF segments at STAGE2_BASE (bss as zero-page directives),
 *   the SEV-SNP secrets and CPUID pages below the legacy hole (SNP only),
 *   the raw kernel ELF at KERNEL_ELF_GPA, then the boot parameter page and
 *   the inserted parameter areas (general parameters, memory map),
 *   REQUIRED_MEMORY for a fixed kernel region, the guest firmware ending at
 *   4 GiB (SNP only), one VP context per platform.
 * Directives come in the order COCONUT's igvmbuilder --sort produces
 * (igvm-format digest §10.2): required memory, parameter areas, usages,
 * inserts, the native context, all page data in ascending GPA (a stable
 * sort: pages at one GPA keep their order), and the SNP VMSA last, so that
 * the launch digest follows file order (igvmmeasure --check-kvm).
 *
 * Pages shared by the platforms carry every platform's mask; the SNP-only
 * pages carry only the SNP bit, so the svsm.bin loader (native) never sees
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include <svsm/boot/boot_params.h>
#include <svsm/boot/layout.h>
#include <svsm/drivers/uart.h>
#include <svsm/hw/igvm.h>
#include <svsm/hw/snp_cpuid.h>
#include <svsm/hw/vmsa.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/elf.h>
#include <svsm/lib/string.h>

#include "builder.h"

#define AREA_GENERAL 0
#define AREA_MEMORY_MAP 1
#define CODE32_ATTRIBUTES 0xC09B /* G, D/B, P, S, execute/read, accessed */
#define DATA_ATTRIBUTES 0xC093   /* G, D/B, P, S, read/write, accessed */
#define PARAM_PAGES 3 /* boot parameters, general parameters, memory map */
#define MAX_SVSM_RANGES 8

struct page_item {
	u64 gpa;
	size_t seq; /* insertion order, for a stable sort */
	u32 mask;
	u16 type;
	const u8 *data; /* NULL: zeros */
	size_t len;
	const char *what;
};

struct layout {
	u8 *stage2_img; /* flattened stage2, STAGE2_BASE..stage2_end */
	u64 stage2_end;
	u64 stage2_entry;
	u64 elf_end;
	u64 boot_params_gpa;
	u64 general_gpa;
	u64 memory_map_gpa;
	u32 all_masks;
	bool snp, native;
	bool fw_packaged;
	struct svsm_fw_info fw;
	struct svsm_boot_params bp;
	struct snp_cpuid_table cpuid;
	struct page_item *pages;
	size_t npages, pages_cap;
};

static const u16 comport_base[5] = { 0, UART_COM1, UART_COM2, UART_COM3,
				      UART_COM4 };

static int werr(struct igvm_writer *w, int ret, const char *what)
{
	if (ret) {
		return bld_error("%s: %s", what, igvm_writer_error(w));
	}
	return 0;
}

/* --- layout --------------------------------------------------------------- */

/* Flattens the stage2 ELF into its memory image at STAGE2_BASE. */
static u8 *stage2_image(const struct file_buf *f, struct layout *lay)
{
	size_t cap = STAGE2_LIMIT - STAGE2_BASE;
	struct elf_segment seg;
	struct elf_file elf;
	const char *why = "out of memory";
	u8 *img = calloc(1, cap);

	if (!img || elf_open(&elf, f->data, f->size, &why)) {
		goto bad;
	}
	lay->stage2_end = STAGE2_BASE;
	for (u32 i = 0; i < elf_phnum(&elf); i++) {
		int ret = elf_load_segment(&elf, i, &seg, &why);

		if (ret < 0) {
			goto bad;
		}
		if (!ret || !seg.memsz) {
			continue;
		}
		if (seg.vaddr < STAGE2_BASE ||
		    seg.vaddr + seg.memsz > STAGE2_LIMIT) {
			why = "segment outside 0x10000-0x9c000";
			goto bad;
		}
		memcpy(img + (seg.vaddr - STAGE2_BASE), f->data + seg.offset,
		       seg.filesz);
		lay->stage2_end = MAX(lay->stage2_end, seg.vaddr + seg.memsz);
	}
	lay->stage2_end = ALIGN_UP(lay->stage2_end, PAGE_SIZE);
	lay->stage2_entry = elf.ehdr.e_entry;
	return img;
bad:
	bld_error("stage2 %s: %s", f->path, why);
	free(img);
	return NULL;
}

/*
 * The kernel ELF and the parameter pages follow it at 1 MiB; they must stay
 * below a fixed kernel region and below the firmware window (so also below
 * 4 GiB, all that stage2 reaches with paging off).
 */
static int plan_layout(const struct build_inputs *in, struct layout *lay)
{
	const struct build_config *cfg = in->cfg;
	u64 params_end;

	lay->all_masks = cfg->platform_masks;
	lay->snp = cfg->platform_masks & IGVM_MASK_SNP;
	lay->native = cfg->platform_masks & IGVM_MASK_NATIVE;
	lay->stage2_img = stage2_image(&in->stage2, lay);
	if (!lay->stage2_img) {
		return -1;
	}
	lay->elf_end = KERNEL_ELF_GPA +
		       ALIGN_UP((u64)in->kernel.size, PAGE_SIZE);
	lay->boot_params_gpa = lay->elf_end;
	lay->general_gpa = lay->elf_end + PAGE_SIZE;
	lay->memory_map_gpa = lay->elf_end + 2 * PAGE_SIZE;
	params_end = lay->elf_end + PARAM_PAGES * PAGE_SIZE;
	if (cfg->kernel_region_base && params_end > cfg->kernel_region_base) {
		return bld_error("the kernel ELF (%zu bytes at 0x%llx) runs into the kernel region at 0x%llx",
				 in->kernel.size, KERNEL_ELF_GPA,
				 cfg->kernel_region_base);
	}
	if (params_end > FW_WINDOW_START) {
		return bld_error("the kernel ELF and boot parameters 0x%llx-0x%llx run into the firmware window 0x%llx-0x%llx",
				 KERNEL_ELF_GPA, params_end, FW_WINDOW_START,
				 FW_WINDOW_END);
	}
	return 0;
}

/* What the guest firmware must not touch (docs/memory-map.md); at most 7. */
static size_t svsm_ranges(const struct build_config *cfg,
			  const struct layout *lay, struct gpa_range *r)
{
	size_t n = 0;

	r[n++] = (struct gpa_range){ STAGE2_BASE, lay->stage2_end, "stage2" };
	r[n++] = (struct gpa_range){ lay->stage2_end, SNP_SECRETS_PAGE_GPA,
				     "stage2 heap" };
	r[n++] = (struct gpa_range){ SNP_SECRETS_PAGE_GPA,
				     SNP_SECRETS_PAGE_GPA + PAGE_SIZE,
				     "SNP secrets page" };
	r[n++] = (struct gpa_range){ SNP_CPUID_PAGE_GPA,
				     SNP_CPUID_PAGE_GPA + PAGE_SIZE,
				     "SNP CPUID page" };
	r[n++] = (struct gpa_range){ KERNEL_ELF_GPA, lay->elf_end,
				     "kernel ELF" };
	r[n++] = (struct gpa_range){ lay->boot_params_gpa,
				     lay->elf_end + PARAM_PAGES * PAGE_SIZE,
				     "boot parameter pages" };
	if (cfg->kernel_region_base) {
		r[n++] = (struct gpa_range){ cfg->kernel_region_base,
					     cfg->kernel_region_base +
						     cfg->kernel_region_size,
					     "kernel region" };
	}
	return n;
}

/*
 * An OVMF without SEV metadata cannot be launched by the SVSM (it would not
 * know which pages to validate), so it is left out rather than refused: the
 * same image still works where no SEV-SNP guest firmware is needed.
 */
static int plan_firmware(const struct build_inputs *in, struct layout *lay)
{
	const struct file_buf *fw = &in->firmware;
	struct gpa_range svsm[MAX_SVSM_RANGES];
	struct ovmf_info oi;
	char why[256];

	if (!lay->snp || !fw->size) {
		return 0;
	}
	if (ovmf_parse(fw->data, fw->size, &oi, why, sizeof(why))) {
		return bld_error("firmware %s: %s", fw->path, why);
	}
	if (!oi.has_sev_metadata) {
		bld_warn("firmware %s has no SEV metadata%s: usable on the native platform only, not packaged",
			 fw->path, oi.has_table ? "" : " (no OVMF GUID table)");
		return 0;
	}
	if (firmware_plan(fw, &oi, svsm, svsm_ranges(in->cfg, lay, svsm),
			  &lay->fw)) {
		return -1;
	}
	if (!lay->fw.caa_page) {
		bld_warn("firmware %s: its SEV metadata names no SVSM calling area (an OVMF without SVSM support): packaged, but it will not start under the SVSM",
			 fw->path);
	}
	lay->fw_packaged = true;
	return 0;
}

static void fill_boot_params(const struct build_inputs *in,
			     struct layout *lay)
{
	const struct build_config *cfg = in->cfg;
	struct svsm_boot_params *bp = &lay->bp;

	memset(bp, 0, sizeof(*bp));
	bp->magic = SVSM_BOOT_PARAMS_MAGIC;
	bp->version = SVSM_BOOT_PARAMS_VERSION;
	bp->size = sizeof(*bp);
	bp->platform_masks = cfg->platform_masks;
	bp->kernel_region_start = cfg->kernel_region_base;
	bp->kernel_region_size = cfg->kernel_region_size;
	bp->kernel_elf_start = KERNEL_ELF_GPA;
	bp->kernel_elf_size = in->kernel.size;
	bp->stage2_start = STAGE2_BASE;
	bp->stage2_end = lay->stage2_end;
	bp->stage2_heap_start = lay->stage2_end;
	bp->stage2_heap_end = SNP_SECRETS_PAGE_GPA;
	bp->general_params_gpa = lay->general_gpa;
	bp->memory_map_gpa = lay->memory_map_gpa;
	bp->memory_map_size = PAGE_SIZE;
	/*
	 * One page for both platforms, but only SEV-SNP has these two pages:
	 * stage2 may use them only when it starts with EAX = 1 (SNP).
	 */
	bp->cpuid_page = lay->snp ? SNP_CPUID_PAGE_GPA : 0;
	bp->secrets_page = lay->snp ? SNP_SECRETS_PAGE_GPA : 0;
	bp->debug_serial_port = comport_base[cfg->comport];
	bp->has_qemu_testdev = cfg->qemu_testdev;
	bp->has_fw_cfg_port = 1;
	bp->firmware = lay->fw;
}

/* --- page data ------------------------------------------------------------ */

static int add_item(struct layout *lay, u64 gpa, u32 mask, u16 type,
		    const u8 *data, size_t len, const char *what)
{
	if (lay->npages == lay->pages_cap) {
		size_t cap = lay->pages_cap ? 2 * lay->pages_cap : 1024;
		struct page_item *p = realloc(lay->pages, cap * sizeof(*p));

		if (!p) {
			return bld_error("out of memory");
		}
		lay->pages = p;
		lay->pages_cap = cap;
	}
	lay->pages[lay->npages] = (struct page_item){
		.gpa = gpa, .seq = lay->npages, .mask = mask, .type = type,
		.data = data, .len = len, .what = what,
	};
	lay->npages++;
	return 0;
}

static int add_range(struct layout *lay, u64 gpa, u32 mask, const u8 *data,
		     size_t len, const char *what)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		if (add_item(lay, gpa + off, mask, IGVM_PAGE_DATA_NORMAL,
			     data + off, MIN(len - off, PAGE_SIZE), what)) {
			return -1;
		}
	}
	return 0;
}

static int collect_pages(const struct build_inputs *in, struct layout *lay)
{
	const struct file_buf *fw = &in->firmware;
	u32 m = lay->all_masks;

	if (add_range(lay, STAGE2_BASE, m, lay->stage2_img,
		      lay->stage2_end - STAGE2_BASE, "stage2") ||
	    add_range(lay, KERNEL_ELF_GPA, m, in->kernel.data, in->kernel.size,
		      "kernel ELF") ||
	    add_item(lay, lay->boot_params_gpa, m, IGVM_PAGE_DATA_NORMAL,
		     (const u8 *)&lay->bp, sizeof(lay->bp), "boot parameters")) {
		return -1;
	}
	if (!lay->snp) {
		return 0;
	}
	snp_cpuid_template(&lay->cpuid);
	if (add_item(lay, SNP_SECRETS_PAGE_GPA, IGVM_MASK_SNP,
		     IGVM_PAGE_DATA_SECRETS, NULL, 0, "SNP secrets page") ||
	    add_item(lay, SNP_CPUID_PAGE_GPA, IGVM_MASK_SNP,
		     IGVM_PAGE_DATA_CPUID_DATA, (const u8 *)&lay->cpuid,
		     sizeof(lay->cpuid), "SNP CPUID page")) {
		return -1;
	}
	if (!lay->fw_packaged) {
		return 0;
	}
	return add_range(lay, lay->fw.start, IGVM_MASK_SNP, fw->data, fw->size,
			 "firmware");
}

static int cmp_page(const void *a, const void *b)
{
	const struct page_item *x = a, *y = b;

	if (x->gpa != y->gpa) {
		return x->gpa < y->gpa ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* All-zero pages become "load zeros" directives (no file data). */
static int emit_pages(struct igvm_writer *w, struct layout *lay)
{
	qsort(lay->pages, lay->npages, sizeof(*lay->pages), cmp_page);
	for (size_t i = 0; i < lay->npages; i++) {
		const struct page_item *p = &lay->pages[i];
		bool zero = !p->data || mem_is_zero(p->data, p->len);

		if (werr(w, igvm_add_page_data(w, p->gpa, p->mask, 0, p->type,
					       zero ? NULL : p->data,
					       zero ? 0 : p->len),
			 p->what)) {
			return -1;
		}
	}
	return 0;
}

/* --- other directives ----------------------------------------------------- */

static int add_headers(struct igvm_writer *w, const struct build_config *cfg,
		       const struct layout *lay)
{
	if (lay->snp &&
	    (werr(w, igvm_add_platform(w, IGVM_MASK_SNP,
				       IGVM_PLATFORM_SEV_SNP,
				       lay->fw_packaged ? 2 : 0, 0),
		  "SNP platform") ||
	     werr(w, igvm_add_guest_policy(w, cfg->policy, IGVM_MASK_SNP),
		  "guest policy"))) {
		return -1;
	}
	if (lay->native &&
	    werr(w, igvm_add_platform(w, IGVM_MASK_NATIVE,
				      IGVM_PLATFORM_NATIVE, 0, 0),
		 "native platform")) {
		return -1;
	}
	return 0;
}

/* A fixed kernel region must exist; a top-of-RAM one is found by stage2. */
static int add_required_memory(struct igvm_writer *w,
			       const struct build_config *cfg,
			       const struct layout *lay)
{
	if (!cfg->kernel_region_base) {
		return 0;
	}
	return werr(w, igvm_add_required_memory(w, cfg->kernel_region_base,
					       lay->all_masks,
					       (u32)cfg->kernel_region_size, 0),
		    "kernel region");
}

static int add_parameters(struct igvm_writer *w, const struct layout *lay)
{
	u32 m = lay->all_masks;

	if (igvm_add_parameter_area(w, AREA_GENERAL, PAGE_SIZE, NULL) ||
	    igvm_add_parameter_area(w, AREA_MEMORY_MAP, PAGE_SIZE, NULL) ||
	    igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER,
				     AREA_GENERAL, 0) ||
	    igvm_add_parameter_usage(w, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER,
				     AREA_GENERAL, 4) ||
	    igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, AREA_MEMORY_MAP,
				     0) ||
	    igvm_add_parameter_insert(w, lay->general_gpa, m, AREA_GENERAL) ||
	    igvm_add_parameter_insert(w, lay->memory_map_gpa, m,
				      AREA_MEMORY_MAP)) {
		return werr(w, -1, "parameter areas");
	}
	return 0;
}

static int add_native_context(struct igvm_writer *w, const struct layout *lay)
{
	struct igvm_native_vp_context_x64 *c;
	u8 page[PAGE_SIZE] = { 0 };

	if (!lay->native) {
		return 0;
	}
	c = (struct igvm_native_vp_context_x64 *)page;
	c->rax = SVSM_PLATFORM_NATIVE;
	c->rsi = lay->boot_params_gpa;
	c->rip = lay->stage2_entry;
	c->rflags = 0x2;
	c->code_selector = 0x08;
	c->code_attributes = CODE32_ATTRIBUTES;
	c->code_limit = 0xffffffff;
	c->data_selector = 0x10;
	c->data_attributes = DATA_ATTRIBUTES;
	c->data_limit = 0xffffffff;
	c->cr0 = 0x11; /* PE | ET: flat protected mode, paging off */
	return werr(w, igvm_add_vp_context(w, 0, IGVM_MASK_NATIVE, 0, page),
		    "native VP context");
}

/* KVM measures the VMSA after every page, so it comes last (digest §9.6). */
static int add_snp_vmsa(struct igvm_writer *w, const struct layout *lay)
{
	struct sev_vmsa vmsa;

	if (!lay->snp) {
		return 0;
	}
	snp_boot_vmsa(&vmsa, lay->stage2_entry, lay->boot_params_gpa);
	return werr(w, igvm_add_vp_context(w, SNP_LAUNCH_VMSA_GPA,
					   IGVM_MASK_SNP, 0, &vmsa),
		    "SNP VMSA");
}

static int plan(const struct build_inputs *in, struct layout *lay)
{
	if (plan_layout(in, lay) || plan_firmware(in, lay)) {
		return -1;
	}
	fill_boot_params(in, lay);
	return collect_pages(in, lay);
}

/* NATIVE needs format version 2; without it COCONUT writes version 1. */
int build_igvm(const struct build_inputs *in, u8 **out, size_t *out_len)
{
	const struct build_config *cfg = in->cfg;
	struct layout *lay = calloc(1, sizeof(*lay));
	struct igvm_writer *w = NULL;
	int ret = -1;

	if (!lay) {
		return bld_error("out of memory");
	}
	if (!cfg->platform_masks) {
		bld_error("%s: no platform", cfg->path);
		goto out;
	}
	w = igvm_writer_new(cfg->platform_masks & IGVM_MASK_NATIVE ?
				    IGVM_FORMAT_V2 :
				    IGVM_FORMAT_V1);
	if (!w) {
		bld_error("out of memory");
		goto out;
	}
	if (plan(in, lay) || add_headers(w, cfg, lay) ||
	    add_required_memory(w, cfg, lay) || add_parameters(w, lay) ||
	    add_native_context(w, lay) || emit_pages(w, lay) ||
	    add_snp_vmsa(w, lay)) {
		goto out;
	}
	ret = werr(w, igvm_writer_serialize(w, out, out_len), "serialize");
out:
	free(lay->stage2_img);
	free(lay->pages);
	free(lay);
	igvm_writer_free(w);
	return ret;
}

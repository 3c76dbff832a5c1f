/* SPDX-License-Identifier: MIT */
/*
 * Lays out the IGVM image (docs/memory-map.md):
 *   stage2 ELF segments at STAGE2_BASE (bss as zero-page directives),
 *   the raw kernel ELF at KERNEL_ELF_GPA, then the boot parameter page and
 *   the inserted parameter areas (general parameters, memory map),
 *   REQUIRED_MEMORY for the kernel region, and one VP context per platform.
 * Directives are emitted in the order COCONUT's --sort produces: required
 * memory, parameter areas, usages, inserts, native context, page data in
 * ascending GPA (and the SNP VMSA last), so measurement follows file order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/boot/boot_params.h>
#include <svsm/boot/layout.h>
#include <svsm/drivers/uart.h>
#include <svsm/hw/igvm.h>
#include <svsm/igvm/writer.h>
#include <svsm/lib/elf.h>
#include <svsm/lib/string.h>

#include "builder.h"

#define AREA_GENERAL 0
#define AREA_MEMORY_MAP 1
#define CODE32_ATTRIBUTES 0xC09B /* G, D/B, P, S, execute/read, accessed */
#define DATA_ATTRIBUTES 0xC093   /* G, D/B, P, S, read/write, accessed */

struct layout {
	u8 *stage2_img; /* flattened stage2, STAGE2_BASE..stage2_end */
	u64 stage2_end;
	u64 stage2_entry;
	u64 boot_params_gpa;
	u64 general_gpa;
	u64 memory_map_gpa;
	u32 all_masks;
};

static const u16 comport_base[5] = { 0, UART_COM1, UART_COM2, UART_COM3,
				      UART_COM4 };

static int werr(struct igvm_writer *w, int ret, const char *what)
{
	if (ret)
		fprintf(stderr, "igvmbuilder: %s: %s\n", what,
			igvm_writer_error(w));
	return ret ? -1 : 0;
}

/* Adds one page, as a zero-page directive when the contents are all zero. */
static int add_page(struct igvm_writer *w, u64 gpa, u32 mask, const u8 *data,
		    size_t len, const char *what)
{
	bool zero = !data || mem_is_zero(data, len);

	return werr(w, igvm_add_page_data(w, gpa, mask, 0,
					  IGVM_PAGE_DATA_NORMAL,
					  zero ? NULL : data, zero ? 0 : len),
		    what);
}

static int add_pages(struct igvm_writer *w, u64 gpa, u32 mask, const u8 *data,
		     size_t len, const char *what)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		size_t n = len - off < PAGE_SIZE ? len - off : PAGE_SIZE;

		if (add_page(w, gpa + off, mask, data + off, n, what))
			return -1;
	}
	return 0;
}

/* Flattens the stage2 ELF into its memory image at STAGE2_BASE. */
static u8 *stage2_image(const struct file_buf *f, struct layout *lay)
{
	size_t cap = STAGE2_LIMIT - STAGE2_BASE;
	struct elf_segment seg;
	struct elf_file elf;
	const char *why;
	u8 *img = calloc(1, cap);

	if (!img || elf_open(&elf, f->data, f->size, &why))
		goto bad;
	lay->stage2_end = STAGE2_BASE;
	for (u32 i = 0; i < elf_phnum(&elf); i++) {
		int ret = elf_load_segment(&elf, i, &seg, &why);

		if (ret < 0)
			goto bad;
		if (!ret || !seg.memsz)
			continue;
		if (seg.vaddr < STAGE2_BASE || seg.vaddr + seg.memsz > STAGE2_LIMIT) {
			why = "segment outside 0x10000-0x9c000";
			goto bad;
		}
		memcpy(img + (seg.vaddr - STAGE2_BASE), f->data + seg.offset,
		       seg.filesz);
		if (seg.vaddr + seg.memsz > lay->stage2_end)
			lay->stage2_end = seg.vaddr + seg.memsz;
	}
	lay->stage2_end = ALIGN_UP(lay->stage2_end, PAGE_SIZE);
	lay->stage2_entry = elf.ehdr.e_entry;
	return img;
bad:
	fprintf(stderr, "igvmbuilder: stage2 %s: %s\n", f->path,
		img ? why : "out of memory");
	free(img);
	return NULL;
}

static int add_stage2(struct igvm_writer *w, const struct layout *lay)
{
	return add_pages(w, STAGE2_BASE, lay->all_masks, lay->stage2_img,
			 lay->stage2_end - STAGE2_BASE, "stage2");
}

static void fill_boot_params(const struct build_inputs *in,
			     const struct layout *lay,
			     struct svsm_boot_params *bp)
{
	const struct build_config *cfg = in->cfg;

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
	bp->debug_serial_port = comport_base[cfg->comport];
	bp->has_qemu_testdev = cfg->qemu_testdev;
	bp->has_fw_cfg_port = 1;
}

static int add_parameters(struct igvm_writer *w, const struct layout *lay)
{
	u32 m = lay->all_masks;

	return werr(w, igvm_add_parameter_area(w, AREA_GENERAL, PAGE_SIZE, NULL) ||
			       igvm_add_parameter_area(w, AREA_MEMORY_MAP, PAGE_SIZE, NULL) ||
			       igvm_add_parameter_usage(w, IGVM_VHT_VP_COUNT_PARAMETER, AREA_GENERAL, 0) ||
			       igvm_add_parameter_usage(w, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, AREA_GENERAL, 4) ||
			       igvm_add_parameter_usage(w, IGVM_VHT_MEMORY_MAP, AREA_MEMORY_MAP, 0) ||
			       igvm_add_parameter_insert(w, lay->general_gpa, m, AREA_GENERAL) ||
			       igvm_add_parameter_insert(w, lay->memory_map_gpa, m, AREA_MEMORY_MAP),
		    "parameter areas");
}

/* A fixed kernel region must exist; a top-of-RAM one is found by stage2. */
static int add_required_memory(struct igvm_writer *w,
			       const struct build_config *cfg,
			       const struct layout *lay)
{
	if (!cfg->kernel_region_base)
		return 0;
	return werr(w, igvm_add_required_memory(w, cfg->kernel_region_base,
					       lay->all_masks,
					       (u32)cfg->kernel_region_size, 0),
		    "kernel region");
}

static int add_native_context(struct igvm_writer *w, const struct layout *lay)
{
	struct igvm_native_vp_context_x64 *c;
	u8 page[PAGE_SIZE] = { 0 };

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

static int add_kernel_and_params(struct igvm_writer *w,
				 const struct build_inputs *in,
				 const struct layout *lay)
{
	struct svsm_boot_params bp;

	if (add_pages(w, KERNEL_ELF_GPA, lay->all_masks, in->kernel.data,
		      in->kernel.size, "kernel ELF"))
		return -1;
	fill_boot_params(in, lay, &bp);
	return add_page(w, lay->boot_params_gpa, lay->all_masks, (u8 *)&bp,
			sizeof(bp), "boot parameters");
}

static int plan_layout(const struct build_inputs *in, struct layout *lay)
{
	u64 elf_end = KERNEL_ELF_GPA + ALIGN_UP(in->kernel.size, PAGE_SIZE);
	const struct build_config *cfg = in->cfg;

	lay->all_masks = cfg->platform_masks;
	lay->stage2_img = stage2_image(&in->stage2, lay);
	if (!lay->stage2_img)
		return -1;
	lay->boot_params_gpa = elf_end;
	lay->general_gpa = elf_end + PAGE_SIZE;
	lay->memory_map_gpa = elf_end + 2 * PAGE_SIZE;
	if (cfg->kernel_region_base &&
	    lay->memory_map_gpa + PAGE_SIZE > cfg->kernel_region_base) {
		fprintf(stderr,
			"igvmbuilder: the kernel ELF (%zu bytes at 0x%llx) runs into the kernel region at 0x%llx\n",
			in->kernel.size, (unsigned long long)KERNEL_ELF_GPA,
			(unsigned long long)cfg->kernel_region_base);
		return -1;
	}
	return 0;
}

int build_igvm(const struct build_inputs *in, u8 **out, size_t *out_len)
{
	const struct build_config *cfg = in->cfg;
	struct igvm_writer *w = igvm_writer_new(IGVM_FORMAT_V2);
	struct layout lay = { 0 };
	int ret = -1;

	if (!w || plan_layout(in, &lay))
		goto out;
	if (!(cfg->platform_masks & IGVM_MASK_NATIVE)) {
		fprintf(stderr, "igvmbuilder: %s: only the native platform is implemented so far\n",
			cfg->path);
		goto out;
	}
	if (werr(w, igvm_add_platform(w, IGVM_MASK_NATIVE, IGVM_PLATFORM_NATIVE, 0, 0), "platform") ||
	    add_required_memory(w, cfg, &lay) || add_parameters(w, &lay) || add_native_context(w, &lay) ||
	    add_stage2(w, &lay) || add_kernel_and_params(w, in, &lay))
		goto out;
	ret = werr(w, igvm_writer_serialize(w, out, out_len), "serialize");
out:
	free(lay.stage2_img);
	igvm_writer_free(w);
	return ret;
}

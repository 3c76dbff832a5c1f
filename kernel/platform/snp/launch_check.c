/* SPDX-License-Identifier: MIT */
/*
 * The firmware layout check (snp_launch_check(), include/svsm/snp_launch.h).
 * The firmware block is part of the IGVM image: igvmbuilder checked it when
 * it built the file, but the SVSM checks it again, because whatever it
 * accepts here becomes memory the guest VMPL can read, write and execute.
 * The rule that matters: no page of the SVSM (its kernel region, or any
 * page the boot parameters say the SVSM's boot chain uses) ever reaches the
 * firmware, and the firmware's own memory is ordinary guest RAM.
 */
#define LOG_MODULE "snp"

#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/lib/log.h>
#include <svsm/snp_launch.h>

#define FOUR_GIB 0x100000000ULL
/* The x86 reset vector is the image's last 16 bytes (4 GiB - 16). */
#define RESET_VECTOR_FROM_END 16
#define SVSM_RANGES_MAX 10

struct svsm_ranges {
	struct snp_launch_range r[SVSM_RANGES_MAX];
	u32 n;
};

/* [start, start + size) widened to whole pages; wrap-around saturates. */
static void svsm_add(struct svsm_ranges *s, u64 start, u64 size,
		     const char *what)
{
	u64 end;

	if (!size)
		return;
	if (!add_no_overflow(start, size, &end) ||
	    !add_no_overflow(end, PAGE_SIZE - 1, &end))
		end = ~0ULL;
	s->r[s->n++] = (struct snp_launch_range){
		ALIGN_DOWN(start, PAGE_SIZE), end & PAGE_MASK, what };
}

static u64 span(u64 start, u64 end)
{
	return end > start ? end - start : 0;
}

/*
 * Everything the SVSM owns or its boot chain used (docs/memory-map.md):
 * stage2 and its heap, the launch CPUID and secrets pages, the kernel ELF
 * with the boot parameter page right after it, the parameter areas, the
 * launch VMSA and the kernel region.
 */
static void svsm_collect(const struct snp_launch_input *in,
			 struct svsm_ranges *s)
{
	const struct svsm_boot_params *bp = in->bp;
	u64 elf_pages = ALIGN_UP(bp->kernel_elf_size, PAGE_SIZE);

	s->n = 0;
	svsm_add(s, in->svsm_start, span(in->svsm_start, in->svsm_end),
		 "kernel region");
	svsm_add(s, bp->stage2_start, span(bp->stage2_start, bp->stage2_end),
		 "stage2");
	svsm_add(s, bp->stage2_heap_start,
		 span(bp->stage2_heap_start, bp->stage2_heap_end),
		 "stage2 heap");
	svsm_add(s, bp->kernel_elf_start,
		 bp->kernel_elf_size ? elf_pages + PAGE_SIZE : 0,
		 "kernel ELF and boot parameters");
	svsm_add(s, bp->general_params_gpa, bp->general_params_gpa ? 1 : 0,
		 "general parameter page");
	svsm_add(s, bp->memory_map_gpa, bp->memory_map_size, "memory map");
	svsm_add(s, bp->madt_gpa, bp->madt_size, "MADT");
	svsm_add(s, bp->cpuid_page, bp->cpuid_page ? 1 : 0, "CPUID page");
	svsm_add(s, bp->secrets_page, bp->secrets_page ? 1 : 0,
		 "secrets page");
	svsm_add(s, SNP_LAUNCH_VMSA_GPA, PAGE_SIZE, "launch VMSA");
}

static bool overlaps(const struct snp_launch_range *a,
		     const struct snp_launch_range *b)
{
	return a->start < b->end && b->start < a->end;
}

static int clear_of_svsm(const struct snp_launch_range *r,
			 const struct svsm_ranges *s)
{
	for (u32 i = 0; i < s->n; i++) {
		if (overlaps(r, &s->r[i])) {
			log_error("firmware %s 0x%llx-0x%llx overlaps the SVSM's %s 0x%llx-0x%llx",
				  r->what, r->start, r->end, s->r[i].what,
				  s->r[i].start, s->r[i].end);
			return -SVSM_EINVAL;
		}
	}
	return 0;
}

/* Inside one guest RAM range (the map has the SVSM region cut out). */
static bool in_ram(const struct snp_launch_input *in,
		   const struct snp_launch_range *r)
{
	for (u32 i = 0; i < in->nram; i++) {
		if (r->start >= in->ram[i].start && r->end <= in->ram[i].end)
			return true;
	}
	return false;
}

/* Inserts [base, base + size) into plan->mem, kept sorted by start. */
static int add_mem(struct snp_launch_plan *p, u64 base, u64 size,
		   const char *what)
{
	u32 i = p->nmem;

	if (!size || !IS_ALIGNED(base, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE)) {
		log_error("firmware %s 0x%llx+0x%llx is not a range of whole pages",
			  what, base, size);
		return -SVSM_EINVAL;
	}
	for (; i > 0 && p->mem[i - 1].start > base; i--)
		p->mem[i] = p->mem[i - 1];
	p->mem[i] = (struct snp_launch_range){ base, base + size, what };
	p->nmem++;
	return 0;
}

/* An SVSM-aware SNP firmware cannot start without any of these pages. */
static int add_page(struct snp_launch_plan *p, u64 gpa, const char *what)
{
	if (!gpa) {
		log_error("firmware names no %s: it cannot run under an SVSM",
			  what);
		return -SVSM_EINVAL;
	}
	return add_mem(p, gpa, PAGE_SIZE, what);
}

static int collect_mem(const struct svsm_fw_info *fw,
		       struct snp_launch_plan *p)
{
	int ret = 0;

	if (fw->prevalidated_count > SVSM_FW_MAX_PREVALIDATED) {
		log_error("firmware names %u pre-validated ranges (at most %u)",
			  fw->prevalidated_count, SVSM_FW_MAX_PREVALIDATED);
		return -SVSM_EINVAL;
	}
	for (u32 i = 0; i < fw->prevalidated_count && !ret; i++)
		ret = add_mem(p, fw->prevalidated[i].base,
			      fw->prevalidated[i].size, "pre-validated range");
	if (!ret)
		ret = add_page(p, fw->secrets_page, "secrets page");
	if (!ret)
		ret = add_page(p, fw->cpuid_page, "CPUID page");
	if (!ret)
		ret = add_page(p, fw->caa_page, "calling area");
	p->secrets = fw->secrets_page;
	p->cpuid = fw->cpuid_page;
	p->caa = fw->caa_page;
	return ret;
}

/*
 * The image sits below 4 GiB (real mode reaches its reset vector through
 * the CS base); the BSP starts at its last 16 bytes.
 */
static int check_image(const struct svsm_fw_info *fw,
		       struct snp_launch_plan *p)
{
	u64 end = (u64)fw->start + fw->size;

	if (!IS_ALIGNED(fw->start, PAGE_SIZE) ||
	    !IS_ALIGNED(fw->size, PAGE_SIZE) || end > FOUR_GIB) {
		log_error("firmware image 0x%x+0x%x is not whole pages below 4 GiB",
			  fw->start, fw->size);
		return -SVSM_EINVAL;
	}
	p->image = (struct snp_launch_range){ fw->start, end, "image" };
	p->bsp_rip = (u32)(end - RESET_VECTOR_FROM_END);
	return 0;
}

static int report_overlap(const struct snp_launch_range *r,
			  const struct snp_launch_range *o)
{
	log_error("firmware %s 0x%llx-0x%llx overlaps its %s 0x%llx-0x%llx",
		  r->what, r->start, r->end, o->what, o->start, o->end);
	return -SVSM_EINVAL;
}

/*
 * A page named twice would be validated twice (and a table written into
 * a range zeroed afterwards); the image is already validated by the
 * launch. mem is sorted, so checking neighbours finds any overlap.
 */
static int check_disjoint(const struct snp_launch_plan *p)
{
	for (u32 i = 0; i < p->nmem; i++) {
		if (i + 1 < p->nmem && overlaps(&p->mem[i], &p->mem[i + 1]))
			return report_overlap(&p->mem[i], &p->mem[i + 1]);
		if (overlaps(&p->mem[i], &p->image))
			return report_overlap(&p->mem[i], &p->image);
	}
	return 0;
}

static int check_placement(const struct snp_launch_input *in,
			   const struct snp_launch_plan *p)
{
	struct svsm_ranges svsm;
	int ret;

	svsm_collect(in, &svsm);
	ret = clear_of_svsm(&p->image, &svsm);
	for (u32 i = 0; i < p->nmem && !ret; i++) {
		const struct snp_launch_range *r = &p->mem[i];

		ret = clear_of_svsm(r, &svsm);
		if (!ret && !in_ram(in, r)) {
			log_error("firmware %s 0x%llx-0x%llx is not guest RAM",
				  r->what, r->start, r->end);
			ret = -SVSM_EINVAL;
		}
	}
	return ret;
}

static int check_header(const struct svsm_boot_params *bp)
{
	if (bp->magic != SVSM_BOOT_PARAMS_MAGIC ||
	    bp->version != SVSM_BOOT_PARAMS_VERSION ||
	    bp->size != sizeof(*bp)) {
		log_error("boot parameters: bad magic 0x%x, version %u or size %u",
			  bp->magic, bp->version, bp->size);
		return -SVSM_EINVAL;
	}
	if (bp->firmware.size && bp->firmware.flags) {
		log_error("firmware flags 0x%x: none are defined",
			  bp->firmware.flags);
		return -SVSM_EINVAL;
	}
	return 0;
}

int snp_launch_check(const struct snp_launch_input *in,
		     struct snp_launch_plan *plan)
{
	const struct svsm_fw_info *fw = &in->bp->firmware;
	int ret = check_header(in->bp);

	*plan = (struct snp_launch_plan){ .nmem = 0 };
	if (ret)
		return ret;
	if (!fw->size)
		return -SVSM_ENOENT;
	ret = check_image(fw, plan);
	if (!ret)
		ret = collect_mem(fw, plan);
	if (!ret)
		ret = check_disjoint(plan);
	if (!ret)
		ret = check_placement(in, plan);
	return ret;
}

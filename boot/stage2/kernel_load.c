/* SPDX-License-Identifier: MIT */
/*
 * stage2: check the kernel region, load the kernel ELF into it and build the
 * hand-over data after the image. All inputs come from the IGVM file and the
 * loader's parameters, so each is checked before use.
 */
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/hw/igvm.h>
#include <svsm/lib/elf.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>

#include "stage2.h"

#define LOW_LIMIT 0x100000000ULL /* stage2 identity-maps the low 4 GiB */
#define MIN_KERNEL_HEAP 0x100000ULL

static const void *low_ptr(u64 gpa, u64 size, const char *what)
{
	u64 end;

	if (!gpa || !add_no_overflow(gpa, size, &end) || end > LOW_LIMIT)
		stage2_fail("%s at 0x%llx (+0x%llx) is outside low memory", what,
			    gpa, size);
	return (const void *)(uintptr_t)gpa;
}

static bool map_contains(const struct igvm_memory_map_entry *map, u64 n,
			 u64 start, u64 end)
{
	for (u64 i = 0; i < n && map[i].number_of_pages; i++) {
		u64 s = map[i].starting_gpa_page_number << PAGE_SHIFT;
		u64 e = s + (map[i].number_of_pages << PAGE_SHIFT);

		if (map[i].entry_type == IGVM_MEMORY_NORMAL && start >= s &&
		    end <= e)
			return true;
	}
	return false;
}

/* The top `size` bytes (2 MiB aligned) of the highest RAM range. */
static u64 top_of_ram(const struct igvm_memory_map_entry *map, u64 n, u64 size)
{
	u64 best = 0;

	for (u64 i = 0; i < n && map[i].number_of_pages; i++) {
		u64 s = map[i].starting_gpa_page_number << PAGE_SHIFT;
		u64 e = ALIGN_DOWN(s + (map[i].number_of_pages << PAGE_SHIFT),
				   PAGE_SIZE_2M);

		if (map[i].entry_type == IGVM_MEMORY_NORMAL && e > s &&
		    e - s >= size && e - size > best)
			best = e - size;
	}
	return best;
}

void stage2_find_kernel_region(const struct svsm_boot_params *bp,
			       struct stage2_region *region)
{
	const struct igvm_memory_map_entry *map;
	u64 base = bp->kernel_region_start, size = bp->kernel_region_size;
	u64 n, end;

	if (!IS_ALIGNED(base, PAGE_SIZE_2M) || !IS_ALIGNED(size, PAGE_SIZE_2M) ||
	    size < KERNEL_REGION_MIN_SIZE || !add_no_overflow(base, size, &end))
		stage2_fail("kernel region 0x%llx+0x%llx is not a 2 MiB aligned range of at least 0x%llx bytes",
			    base, size, KERNEL_REGION_MIN_SIZE);
	map = low_ptr(bp->memory_map_gpa, bp->memory_map_size, "memory map");
	n = bp->memory_map_size / sizeof(*map);
	if (!base) {
		base = top_of_ram(map, n, size);
		end = base + size;
		if (base < KERNEL_REGION_MIN_BASE)
			stage2_fail("no RAM range can hold the 0x%llx-byte kernel region; give the VM more memory",
				    size);
	}
	if (!map_contains(map, n, base, end))
		stage2_fail("kernel region 0x%016llx-0x%016llx is not guest RAM; give the VM more memory",
			    base, end);
	if (ranges_overlap(base, size, 0, LOWMEM_END) ||
	    ranges_overlap(base, size, bp->kernel_elf_start,
			   bp->kernel_elf_size + 3 * PAGE_SIZE))
		stage2_fail("kernel region 0x%llx-0x%llx overlaps boot data", base,
			    end);
	region->phys = base;
	region->size = size;
}

static u64 load_segments(const struct elf_file *elf,
			 const struct stage2_region *r)
{
	u64 limit = KERNEL_VIRT_BASE + r->size, image_end = KERNEL_VIRT_BASE;
	struct elf_segment seg;
	const char *why;

	for (u32 i = 0; i < elf_phnum(elf); i++) {
		int ret = elf_load_segment(elf, i, &seg, &why);

		if (ret < 0)
			stage2_fail("kernel ELF: %s", why);
		if (!ret || !seg.memsz)
			continue;
		if (seg.vaddr < KERNEL_VIRT_BASE || seg.vaddr + seg.memsz > limit)
			stage2_fail("kernel segment 0x%016llx-0x%016llx is outside the kernel region 0x%016llx-0x%016llx",
				    seg.vaddr, seg.vaddr + seg.memsz,
				    KERNEL_VIRT_BASE, limit);
		memcpy((void *)seg.vaddr, elf->data + seg.offset, seg.filesz);
		memset((void *)(seg.vaddr + seg.filesz), 0,
		       seg.memsz - seg.filesz);
		image_end = MAX(image_end, seg.vaddr + seg.memsz);
	}
	if (image_end == KERNEL_VIRT_BASE)
		stage2_fail("kernel ELF has no loadable segment");
	return image_end;
}

struct placer {
	u64 cursor; /* next free kernel virtual address */
	u64 limit;
};

/* Copies len bytes to the next page-aligned slot; returns its address. */
static u64 place(struct placer *p, const void *src, u64 len)
{
	u64 va = ALIGN_UP(p->cursor, PAGE_SIZE);

	if (len > p->limit - va)
		stage2_fail("kernel region too small for the boot data (need 0x%llx more bytes)",
			    len);
	if (src)
		memcpy((void *)va, src, len);
	else
		memset((void *)va, 0, len);
	p->cursor = va + len;
	return va;
}

static void place_symbols(struct placer *p, const struct elf_file *elf,
			  struct svsm_launch_info *li)
{
	const struct elf64_sym *syms;
	const char *strtab, *why;
	u64 nsyms, strsize;
	int ret;

	ret = elf_symtab(elf, &syms, &nsyms, &strtab, &strsize, &why);
	if (ret == -SVSM_ENOENT) {
		log_warn("kernel ELF has no symbol table: backtraces show addresses only");
		return;
	}
	if (ret)
		stage2_fail("kernel ELF: %s", why);
	li->symtab_size = nsyms * sizeof(*syms);
	li->symtab_va = place(p, syms, li->symtab_size);
	li->strtab_size = strsize;
	li->strtab_va = place(p, strtab, strsize);
}

static void place_params(struct placer *p, const struct svsm_boot_params *bp,
			 struct svsm_launch_info *li)
{
	const struct svsm_general_params *gp;

	gp = low_ptr(bp->general_params_gpa, sizeof(*gp), "general parameters");
	li->vp_count = gp->vp_count;
	li->environment_info = gp->environment_info;
	li->boot_params_va = place(p, bp, sizeof(*bp));
	li->memory_map_size = bp->memory_map_size;
	li->memory_map_va = place(p, low_ptr(bp->memory_map_gpa,
					     bp->memory_map_size, "memory map"),
				  bp->memory_map_size);
	if (bp->madt_size) {
		li->madt_size = bp->madt_size;
		li->madt_va = place(p, low_ptr(bp->madt_gpa, bp->madt_size,
					       "MADT"),
				    bp->madt_size);
	}
}

struct svsm_launch_info *stage2_load_kernel(const struct svsm_boot_params *bp,
					    const struct stage2_region *region,
					    u64 *entry)
{
	struct svsm_launch_info *li;
	struct elf_file elf;
	struct placer p;
	const char *why;

	if (elf_open(&elf, low_ptr(bp->kernel_elf_start, bp->kernel_elf_size,
				   "kernel ELF"),
		     bp->kernel_elf_size, &why))
		stage2_fail("kernel ELF: %s", why);
	p.cursor = load_segments(&elf, region);
	p.limit = KERNEL_VIRT_BASE + region->size - MIN_KERNEL_HEAP;
	li = (struct svsm_launch_info *)place(&p, NULL, PAGE_SIZE);
	li->magic = SVSM_LAUNCH_INFO_MAGIC;
	li->version = SVSM_LAUNCH_INFO_VERSION;
	li->debug_serial_port = bp->debug_serial_port;
	li->has_qemu_testdev = bp->has_qemu_testdev;
	li->has_fw_cfg_port = bp->has_fw_cfg_port;
	li->kernel_region_phys_start = region->phys;
	li->kernel_region_phys_end = region->phys + region->size;
	li->kernel_region_virt_start = KERNEL_VIRT_BASE;
	li->cpuid_page_pa = bp->cpuid_page;
	li->secrets_page_pa = bp->secrets_page;
	place_params(&p, bp, li);
	place_symbols(&p, &elf, li);
	li->heap_phys_start = region->phys +
			      (ALIGN_UP(p.cursor, PAGE_SIZE) - KERNEL_VIRT_BASE);
	*entry = elf.ehdr.e_entry;
	if (*entry < KERNEL_VIRT_BASE || *entry >= p.limit)
		stage2_fail("kernel entry point 0x%llx outside the kernel image",
			    *entry);
	return li;
}

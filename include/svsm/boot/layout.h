/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical and virtual layout shared by the IGVM builder, the svsm.bin
 * loader, stage2 and the kernel. docs/memory-map.md explains each range.
 */
#ifndef SVSM_BOOT_LAYOUT_H
#define SVSM_BOOT_LAYOUT_H

/* Platform type handed to stage2 in EAX and to the kernel in launch info. */
#define SVSM_PLATFORM_NATIVE 0
#define SVSM_PLATFORM_SNP 1

/* svsm.bin loader scratch memory (stack, bss, parameter-area buffers). */
#define LOADER_SCRATCH_START 0x0ULL
#define LOADER_SCRATCH_END 0x10000ULL

/* stage2 image: linked here; its heap runs from its end to the SNP pages. */
#define STAGE2_BASE 0x10000ULL
#define STAGE2_LIMIT 0x9C000ULL
#define SNP_SECRETS_PAGE_GPA 0x9E000ULL
#define SNP_CPUID_PAGE_GPA 0x9F000ULL
#define LOWMEM_END 0xA0000ULL

/* The raw kernel ELF and the boot parameter pages start at 1 MiB. */
#define KERNEL_ELF_GPA 0x100000ULL

/*
 * The kernel region: by default 256 MiB at the top of the highest RAM range,
 * chosen by stage2 (as the installation guide's log shows: with 8 GiB the
 * guest keeps 0-2 GiB and 4 GiB-0x270000000). A preset may fix the base.
 */
#define KERNEL_REGION_DEFAULT_SIZE 0x10000000ULL
#define KERNEL_REGION_MIN_SIZE 0x400000ULL
#define KERNEL_REGION_MIN_BASE 0x1000000ULL

/* The kernel is linked here (PML4 slot 511). */
#define KERNEL_VIRT_BASE 0xffffff8000000000ULL
/* Per-CPU areas (PML4 slot 510), one 4 MiB window per CPU index. */
#define PERCPU_VIRT_BASE 0xffffff0000000000ULL
#define PERCPU_VIRT_STRIDE 0x400000ULL
/*
 * In each per-CPU window, besides the stacks from +2 MiB (percpu.c) and
 * the SNP platform's temporary slots (+0, 2 MiB; 4 MiB - 8 KiB, 4 KiB):
 * [+3 MiB, +3.5 MiB) maps guest pages for that CPU only
 * (kernel/mm/guestmem_map.c).
 */
#define PERCPU_GUESTMEM_OFFSET 0x300000ULL
#define PERCPU_GUESTMEM_SIZE 0x80000ULL
/* Dynamic mappings: MMIO, foreign physical pages (PML4 slot 508). */
#define VMAP_VIRT_BASE 0xfffffe0000000000ULL
#define VMAP_VIRT_SIZE 0x40000000ULL

/* SNP: the launch VMSA page, never a valid guest page. */
#define SNP_LAUNCH_VMSA_GPA 0xFFFFFFFFF000ULL

#endif

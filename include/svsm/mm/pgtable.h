/* SPDX-License-Identifier: MIT */
/*
 * 4-level x86-64 page tables. The code only computes and stores entries; it
 * reaches page-table memory through the ops (so host tests run it on fake
 * memory) and flushes the TLB through arch_flush_tlb_page().
 *
 * Mappings use abstract flags (PGT_*), turned into PTE bits here, plus the
 * platform's encryption mask (the SNP C-bit) ORed into every entry's address.
 */
#ifndef SVSM_MM_PGTABLE_H
#define SVSM_MM_PGTABLE_H

#include <svsm/types.h>

#define PGT_WRITE BIT(0)   /* writable; without it read-only */
#define PGT_EXEC BIT(1)    /* executable; without it NX */
#define PGT_USER BIT(2)
#define PGT_GLOBAL BIT(3)
#define PGT_UNCACHED BIT(4) /* PCD|PWT, for MMIO */
#define PGT_4K_ONLY BIT(5)  /* never use 2 MiB pages for this request */

struct pgtable_ops {
	/* Returns the physical address of a zeroed 4 KiB page, or 0. */
	phys_addr_t (*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, phys_addr_t pa);
	/* Pointer through which the page-table page at pa can be accessed. */
	void *(*phys_to_virt)(void *ctx, phys_addr_t pa);
	void *ctx;
};

struct pgtable {
	phys_addr_t root; /* physical address of the PML4 */
	const struct pgtable_ops *ops;
	u64 enc_mask; /* ORed into every entry (C-bit), 0 on native */
};

struct pgtable_walk_result {
	phys_addr_t pa;   /* physical address va translates to */
	u64 page_size;    /* 4 KiB, 2 MiB or 1 GiB */
	u64 pte;          /* the leaf entry */
	unsigned int level; /* 1 = PT, 2 = PD, 3 = PDPT */
};

/* Allocates an empty PML4. Returns 0 or -SVSM_ENOMEM. */
int pgtable_init(struct pgtable *pt, const struct pgtable_ops *ops, u64 enc_mask);
/* Adopts an existing PML4 at root. */
void pgtable_adopt(struct pgtable *pt, const struct pgtable_ops *ops,
		   u64 enc_mask, phys_addr_t root);

/*
 * Maps [va, va+size) to [pa, pa+size). va, pa and size must be 4 KiB aligned,
 * size non-zero, the va range canonical (within one half), and the pa range
 * below both 2^52 and the lowest bit of enc_mask; 2 MiB pages are used where
 * va and pa are both 2 MiB aligned, at least 2 MiB remain and no page table
 * is already there (unless PGT_4K_ONLY). Fails with -SVSM_EEXIST if any page
 * is already mapped (nothing is changed then), -SVSM_EINVAL on bad alignment,
 * range or unknown flags, -SVSM_ENOMEM when a table page cannot be allocated
 * (pages mapped so far are unmapped again; table pages stay). No TLB flush.
 */
int pgtable_map(struct pgtable *pt, virt_addr_t va, phys_addr_t pa, u64 size,
		u64 flags);

/*
 * Unmaps [va, va+size): 4 KiB aligned; a 2 MiB or 1 GiB page partly covered
 * is split first. Unmapped holes are skipped; emptied table pages are kept.
 * Returns 0, -SVSM_EINVAL, or -SVSM_ENOMEM when a split has no table page
 * (no translation has changed then). Flushes each unmapped page locally.
 */
int pgtable_unmap(struct pgtable *pt, virt_addr_t va, u64 size);

/*
 * Sets the flags of every mapped page in [va, va+size), splitting like
 * pgtable_unmap(), with the same return values. The new flags replace every
 * attribute bit of the leaf; PGT_4K_ONLY is ignored.
 */
int pgtable_protect(struct pgtable *pt, virt_addr_t va, u64 size, u64 flags);

/* Translates va. Returns 0, or -SVSM_ENOENT if unmapped or non-canonical. */
int pgtable_walk(const struct pgtable *pt, virt_addr_t va,
		 struct pgtable_walk_result *res);

/* Converts PGT_* flags to PTE bits for a 4 KiB entry (no address). */
u64 pgtable_flags_to_pte(u64 flags);

/*
 * Frees every table page, the PML4 included, of both halves (not the mapped
 * memory) and sets pt->root to 0; a no-op if it is already 0.
 */
void pgtable_destroy(struct pgtable *pt);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page tables (AMD APM vol. 2, section 5.3).
 *
 * Levels are numbered as in struct pgtable_walk_result: 4 = PML4, 3 = PDPT,
 * 2 = PD, 1 = PT. One level-generic walker, descend(), serves every
 * operation; every entry store goes through pte_set().
 *
 * Unmap and protect first split the large pages at the two ends of the range
 * when the range covers them only partly; after that every leaf met in the
 * range is covered whole. Doing the splits up front means an allocation
 * failure is reported before any translation has changed (a split alone
 * changes no translation).
 */
#include <svsm/arch/tlb.h>
#include <svsm/errno.h>
#include <svsm/hw/x86_pte.h>
#include <svsm/lib/check.h>
#include <svsm/mm/pgtable.h>

#define PT_LEVELS 4

#define PGT_ALL_FLAGS                                            \
	(PGT_WRITE | PGT_EXEC | PGT_USER | PGT_GLOBAL | PGT_UNCACHED | \
	 PGT_4K_ONLY)

/*
 * The PAT selector is bit 7 in a 4 KiB PTE but bit 12 in a 2 MiB or 1 GiB
 * leaf, where bit 7 is PS (APM vol. 2, "Page-Translation-Table Entry Fields").
 */
#define PTE_PAT_4K BIT(7)
#define PTE_PAT_LARGE BIT(12)

/*
 * With 48-bit virtual addresses, canonical means bits 63..47 all equal
 * (AMD APM vol. 1, section 2.2.2).
 */
#define VA_SIGN_SHIFT 47
#define VA_SIGN_ALL_ONES 0x1ffffULL

struct slot {
	u64 *entry;
	unsigned int level;
};

static unsigned int level_shift(unsigned int level)
{
	return PT_SHIFT + 9 * (level - 1);
}

static u64 level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

/* Bytes from va to the end of the level-sized page that holds it. */
static u64 level_remaining(virt_addr_t va, unsigned int level)
{
	return level_size(level) - (va & (level_size(level) - 1));
}

/*
 * The only place an entry is stored. A single 64-bit store so the hardware
 * walker never sees a torn entry; the SNP build hooks entry writes here.
 */
static void pte_set(u64 *entry, u64 val)
{
	*(volatile u64 *)entry = val;
}

static u64 pte_get(const u64 *entry)
{
	return *(const volatile u64 *)entry;
}

/* PS is only defined in PDEs and PDPTEs; in a PML4E it is reserved. */
static bool pte_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || ((level == 2 || level == 3) && (e & PTE_PS));
}

/*
 * Mask of the address field of a leaf at level: a 2 MiB or 1 GiB leaf only
 * holds the address bits above its page size (bit 12 is PAT there).
 */
static u64 leaf_addr_mask(unsigned int level)
{
	return PTE_ADDR_MASK & ~(level_size(level) - 1);
}

static phys_addr_t pte_addr(const struct pgtable *pt, u64 e,
			    unsigned int level)
{
	u64 mask = pte_is_leaf(e, level) ? leaf_addr_mask(level) :
					   PTE_ADDR_MASK;

	return e & mask & ~pt->enc_mask;
}

/*
 * Everything in a leaf but its address: permissions, caching, A/D, NX. The
 * reserved bits of a large leaf (zero in any valid entry) are left out so
 * they can never leak into the addresses of a split.
 */
static u64 leaf_attrs(const struct pgtable *pt, u64 e, unsigned int level)
{
	u64 keep = ~PTE_ADDR_MASK | (level > 1 ? PTE_PAT_LARGE : 0);

	return e & ~pt->enc_mask & keep;
}

static u64 *table_va(const struct pgtable *pt, phys_addr_t pa)
{
	return pt->ops->phys_to_virt(pt->ops->ctx, pa);
}

/*
 * Intermediate entries allow everything and leave permissions to the leaf:
 * the effective rights are the most restrictive over all levels (APM vol. 2,
 * "Page-Protection Checks").
 */
static u64 table_bits(u64 flags)
{
	return PTE_P | PTE_W | ((flags & PGT_USER) ? PTE_U : 0);
}

static u64 leaf_bits(u64 flags, unsigned int level)
{
	u64 bits = pgtable_flags_to_pte(flags);

	return level > 1 ? bits | PTE_PS : bits;
}

static u64 make_entry(const struct pgtable *pt, phys_addr_t pa, u64 bits)
{
	return pa | pt->enc_mask | bits;
}

/*
 * Makes the non-leaf *entry point to a table: allocates one if alloc and the
 * entry is empty, and adds tbits an existing table entry lacks (a user page
 * needs U at every level). Returns -SVSM_ENOENT if there is no table below.
 */
static int ensure_table(const struct pgtable *pt, u64 *entry, u64 tbits,
			bool alloc)
{
	u64 e = pte_get(entry);
	phys_addr_t pa;

	if (e & PTE_P) {
		if ((e & tbits) != tbits) {
			pte_set(entry, e | tbits);
		}
		return 0;
	}
	if (!alloc) {
		return -SVSM_ENOENT;
	}
	pa = pt->ops->alloc_page(pt->ops->ctx);
	if (!pa) {
		return -SVSM_ENOMEM;
	}
	pte_set(entry, make_entry(pt, pa, tbits));
	return 0;
}

/*
 * Walks from the root to the entry for va at level stop, or to the leaf or
 * empty entry above it that ends the walk early; *s gets the entry reached.
 * Fails only with -SVSM_ENOMEM, when alloc is set and a table is missing.
 */
static int descend(const struct pgtable *pt, virt_addr_t va,
		   unsigned int stop, u64 tbits, bool alloc, struct slot *s)
{
	u64 *table = table_va(pt, pt->root);
	unsigned int level;
	int rc;

	CHECK(stop >= 1 && stop <= PT_LEVELS);
	for (level = PT_LEVELS;; level--) {
		s->entry = &table[pt_index(va, level_shift(level))];
		s->level = level;
		if (level == stop || pte_is_leaf(pte_get(s->entry), level)) {
			return 0;
		}
		rc = ensure_table(pt, s->entry, tbits, alloc);
		if (rc) {
			return rc == -SVSM_ENOENT ? 0 : rc;
		}
		table = table_va(pt, pte_addr(pt, pte_get(s->entry), level));
	}
}

/* The leaf or empty entry that decides how va translates. */
static void find(const struct pgtable *pt, virt_addr_t va, struct slot *s)
{
	(void)descend(pt, va, 1, 0, false, s);
}

static bool va_canonical(virt_addr_t va)
{
	u64 sign = va >> VA_SIGN_SHIFT;

	return sign == 0 || sign == VA_SIGN_ALL_ONES;
}

static int check_va_range(virt_addr_t va, u64 size)
{
	u64 last;

	if (!size || !IS_ALIGNED(va | size, PAGE_SIZE) ||
	    !add_no_overflow(va, size - 1, &last)) {
		return -SVSM_EINVAL;
	}
	/* Both ends in the same half: the range cannot span the hole. */
	if (!va_canonical(va) ||
	    (va >> VA_SIGN_SHIFT) != (last >> VA_SIGN_SHIFT)) {
		return -SVSM_EINVAL;
	}
	return 0;
}

/*
 * The physical range must fit the address field and stay below the C-bit,
 * which sits above the physical address width (APM vol. 2, "Secure Memory
 * Encryption").
 */
static int check_pa_range(const struct pgtable *pt, phys_addr_t pa, u64 size)
{
	u64 limit = BIT(52);
	u64 last;

	if (pt->enc_mask) {
		limit = MIN(limit, pt->enc_mask & -pt->enc_mask);
	}
	if (!IS_ALIGNED(pa, PAGE_SIZE) ||
	    !add_no_overflow(pa, size - 1, &last) || last >= limit) {
		return -SVSM_EINVAL;
	}
	return 0;
}

static int check_args(const struct pgtable *pt, virt_addr_t va, u64 size,
		      u64 flags)
{
	CHECK(pt->root);
	if (flags & ~PGT_ALL_FLAGS) {
		return -SVSM_EINVAL;
	}
	return check_va_range(va, size);
}

/* Returns -SVSM_EEXIST if any page of [va, va+size) is mapped. */
static int check_unmapped(const struct pgtable *pt, virt_addr_t va, u64 size)
{
	struct slot s;
	u64 done, step;

	for (done = 0; done < size; done += step) {
		find(pt, va + done, &s);
		if (pte_get(s.entry) & PTE_P) {
			return -SVSM_EEXIST;
		}
		step = level_remaining(va + done, s.level);
	}
	return 0;
}

/*
 * Level of the leaf to create at va. A table already present where a 2 MiB
 * leaf would go (left by an earlier 4 KiB mapping or a split) is filled with
 * 4 KiB entries rather than replaced, which would mean freeing it and
 * flushing paging-structure caches.
 */
static unsigned int map_level(const struct pgtable *pt, virt_addr_t va,
			      phys_addr_t pa, u64 left, u64 flags)
{
	struct slot s;

	if ((flags & PGT_4K_ONLY) || left < PAGE_SIZE_2M ||
	    !IS_ALIGNED(va | pa, PAGE_SIZE_2M)) {
		return 1;
	}
	(void)descend(pt, va, 2, 0, false, &s);
	return (s.level == 2 && (pte_get(s.entry) & PTE_P)) ? 1 : 2;
}

static int map_leaf(const struct pgtable *pt, virt_addr_t va, phys_addr_t pa,
		    unsigned int level, u64 flags)
{
	struct slot s;
	int rc;

	rc = descend(pt, va, level, table_bits(flags), true, &s);
	if (rc) {
		return rc;
	}
	if (s.level != level || (pte_get(s.entry) & PTE_P)) {
		return -SVSM_EEXIST;
	}
	pte_set(s.entry, make_entry(pt, pa, leaf_bits(flags, level)));
	return 0;
}

/* Undoes the first done bytes of a failed map: whole leaves, so no split. */
static void map_rollback(struct pgtable *pt, virt_addr_t va, u64 done)
{
	int rc;

	if (done) {
		rc = pgtable_unmap(pt, va, done);
		CHECK(rc == 0);
	}
}

/*
 * No TLB flush: only not-present entries are replaced, and the processor
 * caches only translations whose entries are all present (APM vol. 2, "TLB
 * Management").
 */
int pgtable_map(struct pgtable *pt, virt_addr_t va, phys_addr_t pa, u64 size,
		u64 flags)
{
	unsigned int level;
	u64 done;
	int rc;

	rc = check_args(pt, va, size, flags);
	if (!rc) {
		rc = check_pa_range(pt, pa, size);
	}
	if (!rc) {
		rc = check_unmapped(pt, va, size);
	}
	if (rc) {
		return rc;
	}
	for (done = 0; done < size; done += level_size(level)) {
		level = map_level(pt, va + done, pa + done, size - done, flags);
		rc = map_leaf(pt, va + done, pa + done, level, flags);
		if (rc) {
			map_rollback(pt, va, done);
			return rc;
		}
	}
	return 0;
}

/*
 * Replaces the large leaf *entry by a table one level down with the same
 * translation and attributes. The old large TLB entry needs no flush here:
 * the caller changes a page inside it next and flushes that page, and INVLPG
 * drops every TLB entry translating the address, whatever its size.
 */
static int split_leaf(const struct pgtable *pt, u64 *entry, unsigned int level)
{
	u64 e = pte_get(entry);
	u64 attrs = leaf_attrs(pt, e, level);
	phys_addr_t base = pte_addr(pt, e, level);
	u64 step = level_size(level - 1);
	phys_addr_t tpa;
	u64 *table;
	unsigned int i;

	if (level == 2) {
		attrs &= ~(PTE_PS | PTE_PAT_LARGE);
		attrs |= (e & PTE_PAT_LARGE) ? PTE_PAT_4K : 0;
	}
	tpa = pt->ops->alloc_page(pt->ops->ctx);
	if (!tpa) {
		return -SVSM_ENOMEM;
	}
	table = table_va(pt, tpa);
	for (i = 0; i < PT_ENTRIES; i++) {
		pte_set(&table[i], make_entry(pt, base + i * step, attrs));
	}
	pte_set(entry, make_entry(pt, tpa, PTE_P | PTE_W | (e & PTE_U)));
	return 0;
}

/* True if the level-sized page holding addr lies inside [va, va+size). */
static bool page_inside(virt_addr_t addr, unsigned int level, virt_addr_t va,
			u64 size)
{
	virt_addr_t base = ALIGN_DOWN(addr, level_size(level));

	return base >= va && base - va + level_size(level) <= size;
}

/* Splits the leaf holding addr until it lies inside [va, va+size). */
static int split_around(const struct pgtable *pt, virt_addr_t addr,
			virt_addr_t va, u64 size)
{
	struct slot s;
	int rc;

	for (;;) {
		find(pt, addr, &s);
		if (!(pte_get(s.entry) & PTE_P) || s.level == 1 ||
		    page_inside(addr, s.level, va, size)) {
			return 0;
		}
		rc = split_leaf(pt, s.entry, s.level);
		if (rc) {
			return rc;
		}
	}
}

static int split_edges(const struct pgtable *pt, virt_addr_t va, u64 size)
{
	int rc = split_around(pt, va, va, size);

	if (rc) {
		return rc;
	}
	return split_around(pt, va + size - 1, va, size);
}

/*
 * Rewrites every leaf in [va, va+size): clears it when unmap, else gives it
 * flags. One INVLPG per leaf, since it drops the TLB entry of the whole page
 * holding the address, whatever its size (APM vol. 3, "INVLPG").
 */
static int change_range(struct pgtable *pt, virt_addr_t va, u64 size,
			u64 flags, bool unmap)
{
	struct slot s;
	u64 done, step, e;
	int rc;

	rc = split_edges(pt, va, size);
	if (rc) {
		return rc;
	}
	for (done = 0; done < size; done += step) {
		(void)descend(pt, va + done, 1, unmap ? 0 : table_bits(flags),
			      false, &s);
		step = level_remaining(va + done, s.level);
		e = pte_get(s.entry);
		if (!(e & PTE_P)) {
			continue;
		}
		CHECK(page_inside(va + done, s.level, va, size));
		pte_set(s.entry, unmap ? 0 :
				 make_entry(pt, pte_addr(pt, e, s.level),
					    leaf_bits(flags, s.level)));
		arch_flush_tlb_page(va + done);
	}
	return 0;
}

int pgtable_unmap(struct pgtable *pt, virt_addr_t va, u64 size)
{
	int rc = check_args(pt, va, size, 0);

	return rc ? rc : change_range(pt, va, size, 0, true);
}

int pgtable_protect(struct pgtable *pt, virt_addr_t va, u64 size, u64 flags)
{
	int rc = check_args(pt, va, size, flags);

	return rc ? rc : change_range(pt, va, size, flags, false);
}

int pgtable_walk(const struct pgtable *pt, virt_addr_t va,
		 struct pgtable_walk_result *res)
{
	struct slot s;
	u64 e;

	if (!va_canonical(va)) {
		return -SVSM_ENOENT;
	}
	find(pt, va, &s);
	e = pte_get(s.entry);
	if (!(e & PTE_P)) {
		return -SVSM_ENOENT;
	}
	res->level = s.level;
	res->page_size = level_size(s.level);
	res->pte = e;
	res->pa = pte_addr(pt, e, s.level) | (va & (res->page_size - 1));
	return 0;
}

/*
 * A is preset, and D on writable pages, so the processor never has to set
 * them itself with a locked update of the entry (APM vol. 2, "Accessed (A)
 * Bit" and "Dirty (D) Bit").
 * NX needs EFER.NXE, which the kernel enables before using these tables.
 */
u64 pgtable_flags_to_pte(u64 flags)
{
	u64 pte = PTE_P | PTE_A;

	if (flags & PGT_WRITE) {
		pte |= PTE_W | PTE_D;
	}
	if (!(flags & PGT_EXEC)) {
		pte |= PTE_NX;
	}
	if (flags & PGT_USER) {
		pte |= PTE_U;
	}
	if (flags & PGT_GLOBAL) {
		pte |= PTE_G;
	}
	if (flags & PGT_UNCACHED) {
		pte |= PTE_PCD | PTE_PWT;
	}
	return pte;
}

int pgtable_init(struct pgtable *pt, const struct pgtable_ops *ops,
		 u64 enc_mask)
{
	phys_addr_t root = ops->alloc_page(ops->ctx);

	if (!root) {
		return -SVSM_ENOMEM;
	}
	pgtable_adopt(pt, ops, enc_mask, root);
	return 0;
}

void pgtable_adopt(struct pgtable *pt, const struct pgtable_ops *ops,
		   u64 enc_mask, phys_addr_t root)
{
	pt->root = root;
	pt->ops = ops;
	pt->enc_mask = enc_mask;
}

/* Recursion depth is bounded by the four levels. */
static void free_table(const struct pgtable *pt, phys_addr_t pa,
		       unsigned int level)
{
	u64 *table = table_va(pt, pa);
	unsigned int i;
	u64 e;

	for (i = 0; level > 1 && i < PT_ENTRIES; i++) {
		e = pte_get(&table[i]);
		if ((e & PTE_P) && !pte_is_leaf(e, level)) {
			free_table(pt, pte_addr(pt, e, level), level - 1);
		}
	}
	pt->ops->free_page(pt->ops->ctx, pa);
}

void pgtable_destroy(struct pgtable *pt)
{
	if (pt->root) {
		free_table(pt, pt->root, PT_LEVELS);
	}
	pt->root = 0;
}

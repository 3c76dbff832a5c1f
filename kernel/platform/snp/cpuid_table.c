/* SPDX-License-Identifier: MIT */
/*
 * Lookups in a CPUID page (digest §6.2), with the rules Linux applies:
 * ECX matters only for leaves with sub-leaves; XCR0/XSS only for leaf 0xD
 * sub-leaves 0 and 1, whose EBX (XSAVE area size) depends on the enabled
 * features: without an exact entry it is recomputed from the sizes of the
 * enabled components (sub-leaves 2..63) on top of the XCR0 = 1 or 3,
 * XSS = 0 entry. Pure and bounded by the 64 entries of the page whatever
 * its count says: unit-tested and fuzzed.
 */
#include <svsm/snp.h>

#define LEAF_XSAVE 0xdu
#define XSAVE_LEGACY_SIZE 0x240u /* legacy area + header */
#define XSAVE_SUB1_EAX_XSAVES BIT(3)
#define XSAVE_SUB_ALIGN64 BIT(1) /* sub-leaf n ECX: 64-byte aligned */

/* Leaves whose output depends on ECX (Linux cpuid_function_is_indexed). */
bool snp_cpuid_leaf_indexed(u32 leaf)
{
	static const u32 indexed[] = { 0x4,  0x7,  0xb,	 0xd,  0xf,
				       0x10, 0x12, 0x14, 0x17, 0x18,
				       0x1d, 0x1e, 0x1f, 0x20, 0x24,
				       0x8000001d, 0x80000020, 0x80000026 };

	for (unsigned int i = 0; i < ARRAY_SIZE(indexed); i++) {
		if (indexed[i] == leaf) {
			return true;
		}
	}
	return false;
}

static bool xsave_size_leaf(u32 leaf, u32 subleaf)
{
	return leaf == LEAF_XSAVE && subleaf <= 1;
}

static u32 table_count(const struct snp_cpuid_table *t)
{
	return MIN(t->count, (u32)SNP_CPUID_MAX_ENTRIES);
}

static void entry_result(const struct snp_cpuid_entry *e,
			 struct snp_cpuid_result *out)
{
	*out = (struct snp_cpuid_result){ e->eax, e->ebx, e->ecx, e->edx };
}

/* exact: XCR0/XSS must match; else the base (legacy XSAVE) entry. */
static const struct snp_cpuid_entry *
find(const struct snp_cpuid_table *t, u32 leaf, u32 subleaf, u64 xcr0,
     u64 xss, bool exact)
{
	for (u32 i = 0; i < table_count(t); i++) {
		const struct snp_cpuid_entry *e = &t->entries[i];

		if (e->eax_in != leaf ||
		    (snp_cpuid_leaf_indexed(leaf) && e->ecx_in != subleaf)) {
			continue;
		}
		if (!xsave_size_leaf(leaf, subleaf)) {
			return e;
		}
		if (exact ? (e->xcr0_in == xcr0 && e->xss_in == xss) :
			    ((e->xcr0_in == 1 || e->xcr0_in == 3) &&
			     !e->xss_in)) {
			return e;
		}
	}
	return NULL;
}

/*
 * XSAVE area size for the features in xfeatures: standard format = end of
 * the furthest component; compacted = legacy + the sum of the sizes (each
 * 64-byte aligned when its sub-leaf says so). False if the table lacks an
 * enabled component.
 */
static bool xsave_size(const struct snp_cpuid_table *t, u64 xfeatures,
		       bool compacted, u32 *size)
{
	u64 found = 0;
	u32 sz = XSAVE_LEGACY_SIZE;

	for (u32 i = 0; i < table_count(t); i++) {
		const struct snp_cpuid_entry *e = &t->entries[i];
		u32 c = e->ecx_in;

		if (e->eax_in != LEAF_XSAVE || c < 2 || c > 63 ||
		    !(xfeatures & BIT(c)) || (found & BIT(c))) {
			continue;
		}
		found |= BIT(c);
		if (!compacted) {
			sz = MAX(sz, e->eax + e->ebx);
		} else {
			if (e->ecx & XSAVE_SUB_ALIGN64) {
				sz = ALIGN_UP(sz, 64);
			}
			sz += e->eax;
		}
	}
	*size = sz;
	return found == (xfeatures & ~3ULL);
}

bool snp_cpuid_lookup(const struct snp_cpuid_table *table, u32 leaf,
		      u32 subleaf, u64 xcr0, u64 xss,
		      struct snp_cpuid_result *out)
{
	const struct snp_cpuid_entry *e;
	u32 size;

	e = find(table, leaf, subleaf, xcr0, xss, true);
	if (e) {
		entry_result(e, out);
		return true;
	}
	if (!xsave_size_leaf(leaf, subleaf)) {
		return false;
	}
	e = find(table, leaf, subleaf, xcr0, xss, false);
	if (!e) {
		return false;
	}
	entry_result(e, out);
	if (subleaf == 1 && !(e->eax & XSAVE_SUB1_EAX_XSAVES)) {
		return true; /* no XSAVES: EBX is not a compacted size */
	}
	if (!xsave_size(table, subleaf ? xcr0 | xss : xcr0, subleaf == 1,
			&size)) {
		return false;
	}
	out->ebx = size;
	return true;
}

bool snp_cpuid_has_leaf(const struct snp_cpuid_table *table, u32 leaf)
{
	for (u32 i = 0; i < table_count(table); i++) {
		if (table->entries[i].eax_in == leaf) {
			return true;
		}
	}
	return false;
}

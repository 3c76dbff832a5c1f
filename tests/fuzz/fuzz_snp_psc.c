/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the pure parts of the SNP platform layer that take
 * hypervisor- or instruction-controlled input:
 *  - psc_check_response() (kernel/platform/snp/psc_check.c): the PSC
 *    header the hypervisor returns. Checked against the rules written out
 *    again here: an accepted answer (DONE/MORE) never has a reserved bit,
 *    a changed end, an index that moved back or past end + 1, or an error
 *    in SW_EXITINFO2; DONE exactly when every entry is processed.
 *  - psc_build(): the descriptor covers exactly [pa, new pa), in order,
 *    with at most 253 entries, 2 MiB entries only where aligned, inside
 *    the range and not below no_huge_end.
 *  - vc_decode() (vc_decode.c): on an exact-size heap copy, so a read past
 *    the given bytes is an ASan error; an accepted instruction is 1..15
 *    bytes, decodes the same when cut to its own length, and IN/OUT have
 *    size 1, 2 or 4.
 *  - snp_cpuid_lookup() (cpuid_table.c) on a CPUID page made of input
 *    bytes (count included): must not read outside the page.
 * Input: 24 bytes PSC headers + SW_EXITINFO2, 24 bytes psc_build
 * arguments, then instruction bytes, which also fill the CPUID page and
 * name the leaf looked up. Seeds: tests/fuzz/corpus/snp_psc/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/snp.h>
#include <svsm/lib/unaligned.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

#define REQUIRE(c)               \
	do {                     \
		if (!(c)) {      \
			abort(); \
		}                \
	} while (0)

static void fuzz_check(const u8 *p)
{
	struct psc_hdr b, a;
	u64 info2 = rd64(p + 16);
	enum psc_verdict v;

	memcpy(&b, p, 8);
	memcpy(&a, p + 8, 8);
	v = psc_check_response(&b, &a, info2);
	if (b.end_entry >= PSC_MAX_ENTRIES || b.cur_entry > b.end_entry) {
		REQUIRE(v == PSC_ERR_REQUEST);
		return;
	}
	REQUIRE(v <= PSC_ERR_REQUEST);
	if (v == PSC_DONE || v == PSC_MORE || v == PSC_ERR_HV) {
		REQUIRE(!a.reserved && a.end_entry == b.end_entry);
		REQUIRE(a.cur_entry >= b.cur_entry);
		REQUIRE(a.cur_entry <= (u32)b.end_entry + 1);
		REQUIRE((v == PSC_ERR_HV) == (info2 != 0));
	}
	if (v == PSC_DONE) {
		REQUIRE(a.cur_entry == b.end_entry + 1);
	}
	if (v == PSC_MORE) {
		REQUIRE(a.cur_entry <= b.end_entry);
	}
}

static void fuzz_build(const u8 *p)
{
	static struct psc_desc d;
	u64 start = rd64(p) & 0x0007fffffffff000ULL; /* end < 2^52 */
	u64 end = start + (rd64(p + 8) & 0x3ffff000ULL);
	u64 no_huge = start + (rd64(p + 16) & 0x3ffff000ULL);
	u64 op = 1 + (p[7] & 1), pa = start, expect = start;
	u16 n = psc_build(&d, &pa, end, op, no_huge);

	REQUIRE(n <= PSC_MAX_ENTRIES && (n > 0) == (start < end));
	REQUIRE(pa <= end && (pa == end || n == PSC_MAX_ENTRIES));
	for (u16 i = 0; i < n; i++) {
		u64 e = d.entries[i], gpa = e & PSC_ENTRY_GFN_MASK;
		bool huge = (e & PSC_ENTRY_2M) != 0;

		REQUIRE(gpa == expect);
		REQUIRE(((e >> PSC_ENTRY_OP_SHIFT) & 0xf) == op);
		REQUIRE(!(e & (PSC_ENTRY_RESERVED | PSC_ENTRY_CUR_PAGE_MASK)));
		REQUIRE(!huge || (IS_ALIGNED(gpa, PAGE_SIZE_2M) &&
				  gpa >= no_huge && end - gpa >= PAGE_SIZE_2M));
		expect += huge ? PAGE_SIZE_2M : PAGE_SIZE;
	}
	REQUIRE(expect == pa);
	REQUIRE(d.hdr.cur_entry == 0 && !d.hdr.reserved);
}

static void fuzz_decode(const u8 *p, size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	struct vc_insn insn, again;
	int ret;

	memcpy(copy, p, len);
	ret = vc_decode(copy, len, &insn);
	REQUIRE(ret == 0 || ret == -SVSM_EINVAL || ret == -SVSM_ENOTSUP);
	if (!ret) {
		REQUIRE(insn.len >= 1 && insn.len <= VC_INSN_MAX_LEN &&
			insn.len <= len);
		REQUIRE(insn.kind <= VC_INSN_OUT);
		if (insn.kind == VC_INSN_IN || insn.kind == VC_INSN_OUT) {
			REQUIRE(insn.size == 1 || insn.size == 2 ||
				insn.size == 4);
		}
		REQUIRE(!vc_decode(copy, insn.len, &again));
		REQUIRE(!memcmp(&insn, &again, sizeof(insn)));
	}
	free(copy);
}

static void fuzz_cpuid(const u8 *p, size_t len)
{
	struct snp_cpuid_table *t = calloc(1, sizeof(*t));
	struct snp_cpuid_result r;
	u8 sel[24] = { 0 };

	memcpy(t, p, MIN(len, sizeof(*t)));
	memcpy(sel, p, MIN(len, sizeof(sel)));
	(void)snp_cpuid_lookup(t, (u32)rd64(sel), (u32)rd64(sel + 4),
			       rd64(sel + 8), rd64(sel + 16), &r);
	(void)snp_cpuid_lookup(t, 0xd, sel[0] & 1, rd64(sel + 8),
			       rd64(sel + 16), &r);
	(void)snp_cpuid_has_leaf(t, (u32)rd64(sel));
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 48) {
		return 0;
	}
	fuzz_check(data);
	fuzz_build(data + 24);
	fuzz_decode(data + 48, size - 48);
	fuzz_cpuid(data + 48, size - 48);
	return 0;
}

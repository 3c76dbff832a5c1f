/* SPDX-License-Identifier: MIT */
/*
 * ACPI MADT CPU enumeration (kernel/drivers/acpi.c).
 *
 * Real data: the blobs QEMU 7.2 serves over fw_cfg, captured by
 * scripts/capture-acpi-blobs.sh into tests/data/acpi/ (run from the repo
 * root). Malformed data: a small builder makes RSDP/RSDT/XSDT/MADT blobs with
 * valid checksums, one field is then broken, and the error's table, fault
 * and offset are compared. Every blob is handed over in an exact-size heap
 * copy, so ASan reports any read past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/acpi.h>
#include <svsm/errno.h>
#include "support/test_data.h"

#define UNPATCHED ACPI_FWCFG_UNPATCHED
#define HDR 36u
#define MADT_BODY 44u

/* --- byte helpers -------------------------------------------------------- */

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u8 sum8(const u8 *p, size_t len)
{
	u8 s = 0;

	for (size_t i = 0; i < len; i++) {
		s += p[i];
	}
	return s;
}

/* Sets the checksum byte at p[at] so that p[0..len) sums to zero. */
static void fix_sum(u8 *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (u8)(0x100 - sum8(p, len));
}

/* --- running the parser on exact-size copies ----------------------------- */

static struct acpi_cpu cpus[64];
static struct acpi_cpu_list list;
static struct acpi_error err;

static int run_max(const u8 *rsdp, size_t rlen, const u8 *tables, size_t tlen,
		   u32 flags, u32 max)
{
	u8 *r = malloc(rlen ? rlen : 1);
	u8 *t = malloc(tlen ? tlen : 1);
	int ret;

	assert_non_null(r);
	assert_non_null(t);
	memcpy(r, rsdp, rlen);
	memcpy(t, tables, tlen);
	memset(cpus, 0xAA, sizeof(cpus));
	list = (struct acpi_cpu_list){ .cpus = cpus, .max = max };
	memset(&err, 0x55, sizeof(err));
	ret = acpi_find_cpus(r, rlen, t, tlen, flags, &list, &err);
	free(r);
	free(t);
	return ret;
}

static int run(const u8 *rsdp, size_t rlen, const u8 *tables, size_t tlen,
	       u32 flags)
{
	return run_max(rsdp, rlen, tables, tlen, flags, ARRAY_SIZE(cpus));
}

static void expect_err(int ret, int want, const char *table, const char *fault,
		       u32 offset)
{
	char msg[128];

	acpi_format_error(&err, msg, sizeof(msg));
	print_message("%s\n", msg);
	assert_int_equal(ret, want);
	assert_string_equal(err.table, table);
	assert_non_null(err.fault);
	assert_string_equal(err.fault, fault);
	assert_int_equal(err.offset, offset);
}

/* --- captured QEMU blobs -------------------------------------------------- */

static struct test_blob load(const char *machine, const char *file)
{
	return test_load_acpi_blob(machine, file);
}

struct machine {
	const char *name;
	u32 cpus;
};

static const struct machine machines[] = {
	{ "q35-smp1-512m", 1 }, { "q35-smp2-512m", 2 },
	{ "q35-smp4-512m", 4 }, { "q35-smp8-512m", 8 },
	{ "q35-smp2-3g", 2 },	{ "q35-smp2-8g", 2 },
};

static void test_qemu_cpus(void **state)
{
	for (u32 m = 0; m < ARRAY_SIZE(machines); m++) {
		struct test_blob r = load(machines[m].name, "rsdp");
		struct test_blob t = load(machines[m].name, "tables");

		assert_int_equal(run(r.p, r.len, t.p, t.len, UNPATCHED), 0);
		assert_null(err.fault);
		assert_int_equal(list.count, machines[m].cpus);
		assert_int_equal(list.disabled, 0);
		for (u32 i = 0; i < list.count; i++) {
			assert_int_equal(cpus[i].apic_id, i);
			assert_int_equal(cpus[i].acpi_uid, i);
			assert_false(cpus[i].x2apic);
		}
		free(r.p);
		free(t.p);
	}
}

/* Hot-pluggable CPUs are listed, disabled; 3 cores per socket skip ID 3. */
static void test_qemu_sparse_disabled(void **state)
{
	static const u32 ids[] = { 0, 1, 2, 4 };
	struct test_blob r = load("q35-smp4-max6-sparse", "rsdp");
	struct test_blob t = load("q35-smp4-max6-sparse", "tables");

	assert_int_equal(run(r.p, r.len, t.p, t.len, UNPATCHED), 0);
	assert_int_equal(list.count, 4);
	assert_int_equal(list.disabled, 2);
	for (u32 i = 0; i < 4; i++) {
		assert_int_equal(cpus[i].apic_id, ids[i]);
		assert_int_equal(cpus[i].acpi_uid, i);
	}
	free(r.p);
	free(t.p);
}

/* Offsets of the RSDT (QEMU puts it last) and of the RSDT's MADT entry. */
static u32 qemu_rsdt(const struct test_blob *r)
{
	return get32(r->p + 16);
}

/*
 * QEMU leaves every checksum field zero for the firmware's loader, so
 * without ACPI_FWCFG_UNPATCHED the RSDP is the first thing refused.
 */
static void test_qemu_unpatched_checksums(void **state)
{
	struct test_blob r = load("q35-smp2-512m", "rsdp");
	struct test_blob t = load("q35-smp2-512m", "tables");
	u32 rsdt = qemu_rsdt(&r);

	assert_int_equal(r.len, 20);
	assert_int_equal(r.p[15], 0); /* ACPI 1.0 RSDP: no XSDT */
	assert_int_equal(r.p[8], 0);
	assert_memory_equal(t.p + rsdt, "RSDT", 4);
	assert_int_equal(t.p[rsdt + 9], 0);
	expect_err(run(r.p, r.len, t.p, t.len, 0), -SVSM_EBADMSG, "RSDP",
		   "bad checksum", 0);
	free(r.p);
	free(t.p);
}

/* Computes the checksums the loader would (with base 0): then strict passes. */
static void test_qemu_checksummed(void **state)
{
	struct test_blob r = load("q35-smp8-512m", "rsdp");
	struct test_blob t = load("q35-smp8-512m", "tables");
	u32 rsdt = qemu_rsdt(&r), n = (get32(t.p + rsdt + 4) - HDR) / 4;

	fix_sum(r.p, 20, 8);
	for (u32 i = 0; i < n; i++) {
		u32 off = get32(t.p + rsdt + HDR + 4 * i);

		fix_sum(t.p + off, get32(t.p + off + 4), 9);
	}
	expect_err(run(r.p, r.len, t.p, t.len, 0), -SVSM_EBADMSG, "RSDT",
		   "bad checksum", rsdt);
	fix_sum(t.p + rsdt, get32(t.p + rsdt + 4), 9);
	assert_int_equal(run(r.p, r.len, t.p, t.len, 0), 0);
	assert_int_equal(list.count, 8);
	free(r.p);
	free(t.p);
}

/* The RSDT is the last table: any shorter blob must be refused, cleanly. */
static void test_qemu_truncated(void **state)
{
	struct test_blob r = load("q35-smp4-512m", "rsdp");
	struct test_blob t = load("q35-smp4-512m", "tables");
	u32 rsdt = qemu_rsdt(&r), end = rsdt + get32(t.p + rsdt + 4);

	for (u32 len = 0; len <= end + 64; len++) {
		int ret = run(r.p, r.len, t.p, len, UNPATCHED);

		if (len < end) {
			assert_int_equal(ret, -SVSM_EBADMSG);
			assert_non_null(err.fault);
			assert_true(err.offset < len || err.offset <= 16);
		} else {
			assert_int_equal(ret, 0);
			assert_int_equal(list.count, 4);
		}
	}
	for (u32 len = 0; len < r.len; len++) {
		expect_err(run(r.p, len, t.p, t.len, UNPATCHED), -SVSM_EBADMSG,
			   "RSDP", "blob shorter than the structure", 0);
	}
	free(r.p);
	free(t.p);
}

static void test_qemu_bare_madt(void **state)
{
	struct test_blob r = load("q35-smp4-512m", "rsdp");
	struct test_blob t = load("q35-smp4-512m", "tables");
	u32 rsdt = qemu_rsdt(&r), madt = get32(t.p + rsdt + HDR + 4);
	u32 len = get32(t.p + madt + 4);
	u8 *m = malloc(len);

	assert_memory_equal(t.p + madt, "APIC", 4);
	memcpy(m, t.p + madt, len);
	list = (struct acpi_cpu_list){ .cpus = cpus, .max = 64 };
	assert_int_equal(acpi_madt_cpus(m, len, UNPATCHED, &list, &err), 0);
	assert_int_equal(list.count, 4);
	assert_int_equal(acpi_madt_cpus(m, len, 0, &list, &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "bad checksum");
	m[HDR + 8 + 8 + 1] = 0;
	assert_int_equal(acpi_madt_cpus(m, len, UNPATCHED, &list, &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "zero-length entry");
	assert_int_equal(err.offset, MADT_BODY + 8);
	assert_int_equal(acpi_madt_cpus(m, 35, UNPATCHED, &list, &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "blob shorter than the header");
	assert_int_equal(acpi_madt_cpus(m, len - 1, UNPATCHED, &list, &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "length past the end of the blob");
	free(m);
	free(r.p);
	free(t.p);
}

/* --- a builder for hand-made blobs ---------------------------------------- */

struct fx {
	u8 rsdp[36];
	u32 rlen;
	u8 t[4096];
	u32 len;
	u32 madt, rsdt, xsdt, hpet;
};

/* Appends a table with a valid header and checksum; returns its offset. */
static u32 add_table(struct fx *f, const char *sig, const void *body,
		     u32 body_len)
{
	u32 off = f->len;
	u8 *h = f->t + off;

	assert_true(off + HDR + body_len <= sizeof(f->t));
	memset(h, 0, HDR);
	memcpy(h, sig, 4);
	put32(h + 4, HDR + body_len);
	h[8] = 1;
	memcpy(h + 10, "SVSMTS", 6);
	memcpy(h + 16, "TESTTABL", 8);
	memcpy(h + HDR, body, body_len);
	f->len += HDR + body_len;
	fix_sum(h, HDR + body_len, 9);
	return off;
}

/* Recomputes the checksum of the table at off after an edit. */
static void refix(struct fx *f, u32 off)
{
	u32 len = get32(f->t + off + 4);

	fix_sum(f->t + off, MIN(len, f->len - off), 9);
}

struct madt {
	u8 b[1024];
	u32 len;
};

static void madt_init(struct madt *m)
{
	memset(m, 0, sizeof(*m));
	put32(m->b, 0xFEE00000); /* Local Interrupt Controller Address */
	put32(m->b + 4, 1);	 /* PCAT_COMPAT */
	m->len = 8;
}

static void madt_lapic(struct madt *m, u8 uid, u8 id, u32 flags)
{
	u8 *e = m->b + m->len;

	e[0] = 0;
	e[1] = 8;
	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
	m->len += 8;
}

static void madt_x2apic(struct madt *m, u32 id, u32 uid, u32 flags)
{
	u8 *e = m->b + m->len;

	memset(e, 0, 16);
	e[0] = 9;
	e[1] = 16;
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	m->len += 16;
}

/* An I/O APIC (type 1) and an override (type 2): skipped by length. */
static void madt_others(struct madt *m)
{
	static const u8 ioapic[12] = { 1, 12, 0, 0, 0, 0, 0xC0, 0xFE };
	static const u8 iso[10] = { 2, 10, 0, 0, 2 };

	memcpy(m->b + m->len, ioapic, sizeof(ioapic));
	m->len += sizeof(ioapic);
	memcpy(m->b + m->len, iso, sizeof(iso));
	m->len += sizeof(iso);
}

static void set_rsdp(struct fx *f, u8 rev)
{
	memset(f->rsdp, 0, sizeof(f->rsdp));
	memcpy(f->rsdp, "RSD PTR ", 8);
	memcpy(f->rsdp + 9, "SVSMTS", 6);
	f->rsdp[15] = rev;
	put32(f->rsdp + 16, f->rsdt);
	f->rlen = 20;
	if (rev >= 2) {
		f->rlen = 36;
		put32(f->rsdp + 20, 36);
		put64(f->rsdp + 24, f->xsdt);
		fix_sum(f->rsdp, 36, 32);
	}
	fix_sum(f->rsdp, 20, 8);
	if (rev >= 2) {
		fix_sum(f->rsdp, 36, 32);
	}
}

static u32 add_rsdt(struct fx *f, const u32 *ptrs, u32 n)
{
	return add_table(f, "RSDT", ptrs, 4 * n);
}

/*
 * An unaligned blob like QEMU's: an odd-sized filler, an HPET table, a MADT
 * with CPUs 0..ncpu-1 and two other entries, then the RSDT over both.
 */
static void fx_init_madt(struct fx *f, const struct madt *m)
{
	static const u8 hpet[20] = { 1 };
	u32 ptrs[2];

	memset(f, 0, sizeof(*f));
	f->len = 3;
	f->hpet = add_table(f, "HPET", hpet, sizeof(hpet));
	f->madt = add_table(f, "APIC", m->b, m->len);
	ptrs[0] = f->hpet;
	ptrs[1] = f->madt;
	f->rsdt = add_rsdt(f, ptrs, 2);
	set_rsdp(f, 0);
}

static void fx_init(struct fx *f, u32 ncpu)
{
	struct madt m;

	madt_init(&m);
	for (u32 i = 0; i < ncpu; i++) {
		madt_lapic(&m, (u8)i, (u8)i, 1);
	}
	madt_others(&m);
	fx_init_madt(f, &m);
}

static int fx_run(const struct fx *f, u32 flags)
{
	return run(f->rsdp, f->rlen, f->t, f->len, flags);
}

/* Offset in the blob of the MADT's i-th 8-byte Local APIC entry. */
static u32 lapic_at(const struct fx *f, u32 i)
{
	return f->madt + MADT_BODY + 8 * i;
}

static void test_fx_good(void **state)
{
	struct fx f;

	fx_init(&f, 4);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_null(err.fault);
	assert_int_equal(list.count, 4);
	for (u32 i = 0; i < 4; i++) {
		assert_int_equal(cpus[i].apic_id, i);
	}
	assert_int_equal(fx_run(&f, UNPATCHED), 0);
}

/* --- RSDP ----------------------------------------------------------------- */

static void test_rsdp_signature(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	f.rsdp[3] = 'X';
	fix_sum(f.rsdp, 20, 8);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP", "bad signature", 0);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "RSDP",
		   "bad signature", 0);
}

static void test_rsdp_checksum(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	f.rsdp[8]++;
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP", "bad checksum", 0);
	assert_int_equal(fx_run(&f, UNPATCHED), 0);
}

static void test_rsdp_pointer_outside(void **state)
{
	static const u32 bad[] = { 4096, 0xFFFFFFFF, 0xFFFFFFDC };
	struct fx f;

	fx_init(&f, 1);
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		put32(f.rsdp + 16, bad[i]);
		fix_sum(f.rsdp, 20, 8);
		expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP",
			   "pointer outside the blob", 16);
	}
	/* The header must fit, not just the first byte. */
	put32(f.rsdp + 16, f.len - HDR + 1);
	fix_sum(f.rsdp, 20, 8);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP",
		   "pointer outside the blob", 16);
}

static void test_rsdp_points_elsewhere(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	put32(f.rsdp + 16, f.hpet);
	fix_sum(f.rsdp, 20, 8);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT", "bad signature",
		   f.hpet);
}

/* --- RSDT ----------------------------------------------------------------- */

static void test_rsdt_length_past_end(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	put32(f.t + f.rsdt + 4, f.len - f.rsdt + 4);
	refix(&f, f.rsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT",
		   "length past the end of the blob", f.rsdt);
	put32(f.t + f.rsdt + 4, 0xFFFFFFFF);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "RSDT",
		   "length past the end of the blob", f.rsdt);
}

static void test_rsdt_short_length(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	put32(f.t + f.rsdt + 4, 35);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "RSDT",
		   "length shorter than the header", f.rsdt);
	put32(f.t + f.rsdt + 4, 0);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "RSDT",
		   "length shorter than the header", f.rsdt);
}

static void test_rsdt_checksum(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	f.t[f.rsdt + 20]++;
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT", "bad checksum",
		   f.rsdt);
	assert_int_equal(fx_run(&f, UNPATCHED), 0);
}

static void test_rsdt_entry_outside(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	put32(f.t + f.rsdt + HDR + 4, f.len);
	refix(&f, f.rsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT",
		   "pointer outside the blob", f.rsdt + HDR + 4);
	put32(f.t + f.rsdt + HDR, 0xFFFFFFF0);
	refix(&f, f.rsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT",
		   "pointer outside the blob", f.rsdt + HDR);
}

static void test_rsdt_odd_length(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	/* Lengthen the RSDT by one byte: 2.25 entries. */
	f.len++;
	put32(f.t + f.rsdt + 4, get32(f.t + f.rsdt + 4) + 1);
	refix(&f, f.rsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT",
		   "length not a whole number of entries", f.rsdt);
}

/* Every table the RSDT names is checked, not only the MADT. */
static void test_rsdt_other_table_bad(void **state)
{
	struct fx f;

	fx_init(&f, 1);
	f.t[f.hpet + HDR]++;
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "HPET", "bad checksum",
		   f.hpet);
	put32(f.t + f.hpet + 4, f.len);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "HPET",
		   "length past the end of the blob", f.hpet);
	/* A signature from the blob is printed safely. */
	memcpy(f.t + f.hpet, "\x01\xff" "A\n", 4);
	expect_err(fx_run(&f, UNPATCHED), -SVSM_EBADMSG, "??A?",
		   "length past the end of the blob", f.hpet);
}

/* --- MADT ----------------------------------------------------------------- */

static void test_madt_missing(void **state)
{
	struct fx f;
	u32 ptr;

	fx_init(&f, 1);
	ptr = f.hpet;
	f.rsdt = add_rsdt(&f, &ptr, 1);
	set_rsdp(&f, 0);
	expect_err(fx_run(&f, 0), -SVSM_ENOENT, "APIC", "table not found",
		   f.rsdt);
	/* An empty RSDT too. */
	f.rsdt = add_rsdt(&f, &ptr, 0);
	set_rsdp(&f, 0);
	expect_err(fx_run(&f, 0), -SVSM_ENOENT, "APIC", "table not found",
		   f.rsdt);
}

static void test_madt_duplicate_table(void **state)
{
	struct fx f;
	u32 ptrs[3];

	fx_init(&f, 1);
	ptrs[0] = f.madt;
	ptrs[1] = f.hpet;
	ptrs[2] = add_table(&f, "APIC", f.t + f.madt + HDR,
			    get32(f.t + f.madt + 4) - HDR);
	f.rsdt = add_rsdt(&f, ptrs, 3);
	set_rsdp(&f, 0);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "duplicate table",
		   ptrs[2]);
}

static void test_madt_checksum(void **state)
{
	struct fx f;

	fx_init(&f, 2);
	f.t[f.madt + MADT_BODY + 3] = 7; /* an APIC ID */
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "bad checksum",
		   f.madt);
	assert_int_equal(fx_run(&f, UNPATCHED), 0);
	assert_int_equal(cpus[0].apic_id, 7);
}

static void test_madt_length_past_blob(void **state)
{
	struct fx f;

	fx_init(&f, 2);
	put32(f.t + f.madt + 4, f.len - f.madt + 1);
	refix(&f, f.madt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC",
		   "length past the end of the blob", f.madt);
}

static void test_madt_too_short(void **state)
{
	struct fx f;
	struct madt m;

	m.len = 7; /* not even the 8-byte prefix */
	memset(m.b, 0, 8);
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC",
		   "length shorter than the header", f.madt);
	/* Just the prefix: a valid MADT without CPUs. */
	madt_init(&m);
	fx_init_madt(&f, &m);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 0);
}

static void test_madt_zero_length_entry(void **state)
{
	struct fx f;

	fx_init(&f, 4);
	f.t[lapic_at(&f, 2) + 1] = 0;
	refix(&f, f.madt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "zero-length entry",
		   lapic_at(&f, 2));
	assert_int_equal(list.count, 2);
}

static void test_madt_entry_past_end(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	madt_x2apic(&m, 1, 1, 1);
	m.b[m.len - 15] = 17; /* the x2APIC entry claims one byte more */
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC",
		   "entry past the end of the table", f.madt + MADT_BODY + 8);

	/* One stray byte after the last entry: no room for a header. */
	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	m.b[m.len++] = 0;
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC",
		   "entry past the end of the table", f.madt + MADT_BODY + 8);
}

static void test_madt_entry_too_short(void **state)
{
	static const struct {
		u8 type, len;
	} cases[] = { { 0, 7 }, { 9, 15 }, { 9, 8 }, { 1, 1 }, { 0x7F, 1 } };
	struct fx f;
	struct madt m;

	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		madt_init(&m);
		memset(m.b + m.len, 0, 16);
		m.b[m.len] = cases[i].type;
		m.b[m.len + 1] = cases[i].len;
		m.len += 16;
		fx_init_madt(&f, &m);
		expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC",
			   "entry shorter than its type", f.madt + MADT_BODY);
	}
}

/* Longer entries (a later revision) and unknown types are walked over. */
static void test_madt_long_and_unknown_entries(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	m.b[m.len - 7] = 10;
	m.len += 2;
	memset(m.b + m.len, 0xEE, 2);
	m.b[m.len] = 0x80; /* OEM type */
	m.b[m.len + 1] = 2;
	m.len += 2;
	madt_x2apic(&m, 0x12345678, 77, 1);
	m.b[m.len - 15] = 20;
	m.len += 4;
	fx_init_madt(&f, &m);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(cpus[1].apic_id, 0x12345678);
	assert_int_equal(cpus[1].acpi_uid, 77);
}

static void test_too_many_cpus(void **state)
{
	struct fx f;

	fx_init(&f, 4);
	expect_err(run_max(f.rsdp, f.rlen, f.t, f.len, 0, 3), -SVSM_ENOMEM,
		   "APIC", "more CPUs than the list holds", lapic_at(&f, 3));
	assert_int_equal(list.count, 3);
	assert_int_equal(run_max(f.rsdp, f.rlen, f.t, f.len, 0, 4), 0);
	/* No output array at all. */
	expect_err(run_max(f.rsdp, f.rlen, f.t, f.len, 0, 0), -SVSM_ENOMEM,
		   "APIC", "more CPUs than the list holds", lapic_at(&f, 0));
}

static void test_duplicate_apic_id(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	madt_lapic(&m, 1, 5, 1);
	madt_lapic(&m, 2, 0, 0); /* disabled: not a duplicate */
	madt_lapic(&m, 3, 5, 1);
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "duplicate APIC ID",
		   lapic_at(&f, 3));

	/* The same ID in an x2APIC entry. */
	madt_init(&m);
	madt_lapic(&m, 0, 3, 1);
	madt_x2apic(&m, 3, 1, 1);
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "duplicate APIC ID",
		   lapic_at(&f, 1));
}

static void test_disabled_cpus(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	madt_lapic(&m, 1, 1, 0);
	madt_lapic(&m, 2, 2, 2); /* online capable, not enabled */
	madt_lapic(&m, 3, 3, 3); /* both: enabled */
	madt_x2apic(&m, 0x300, 4, 0);
	madt_lapic(&m, 5, 0xFF, 0); /* a disabled placeholder */
	fx_init_madt(&f, &m);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.disabled, 4);
	assert_int_equal(cpus[0].apic_id, 0);
	assert_int_equal(cpus[1].apic_id, 3);
	assert_int_equal(cpus[1].acpi_uid, 3);
}

static void test_x2apic(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0, 1);
	madt_x2apic(&m, 0x100, 0x1000, 1);
	madt_x2apic(&m, 0xFFFFFFFE, 0xFFFFFFFF, 1);
	madt_others(&m);
	fx_init_madt(&f, &m);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 3);
	assert_false(cpus[0].x2apic);
	assert_true(cpus[1].x2apic);
	assert_int_equal(cpus[1].apic_id, 0x100);
	assert_int_equal(cpus[1].acpi_uid, 0x1000);
	assert_int_equal(cpus[2].apic_id, 0xFFFFFFFE);
	assert_int_equal(cpus[2].acpi_uid, 0xFFFFFFFF);
}

static void test_broadcast_ids(void **state)
{
	struct fx f;
	struct madt m;

	madt_init(&m);
	madt_lapic(&m, 0, 0xFF, 1);
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "broadcast APIC ID",
		   f.madt + MADT_BODY);
	madt_init(&m);
	madt_x2apic(&m, 0xFF, 0, 1); /* fine in x2APIC mode */
	madt_x2apic(&m, 0xFFFFFFFF, 1, 1);
	fx_init_madt(&f, &m);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "APIC", "broadcast APIC ID",
		   f.madt + MADT_BODY + 16);
}

/* --- XSDT (RSDP revision 2) ---------------------------------------------- */

/* The RSDT names a 2-CPU MADT, the XSDT a 3-CPU one at a 64-bit pointer. */
static void fx_init_xsdt(struct fx *f)
{
	struct madt m;
	u8 ptrs[16];
	u32 madt2;

	fx_init(f, 2);
	madt_init(&m);
	for (u32 i = 0; i < 3; i++) {
		madt_lapic(&m, (u8)i, (u8)(0x10 + i), 1);
	}
	madt2 = add_table(f, "APIC", m.b, m.len);
	put64(ptrs, f->hpet);
	put64(ptrs + 8, madt2);
	f->xsdt = add_table(f, "XSDT", ptrs, sizeof(ptrs));
	set_rsdp(f, 2);
}

static void test_xsdt_preferred(void **state)
{
	struct fx f;

	fx_init_xsdt(&f);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 3);
	assert_int_equal(cpus[0].apic_id, 0x10);
	assert_null(err.fault);
}

/* An unusable XSDT sends the walk to the RSDT, with no stale error. */
static void test_xsdt_fallback(void **state)
{
	struct fx f;

	fx_init_xsdt(&f);
	f.t[f.xsdt + 10]++; /* OEMID */
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);
	assert_null(err.fault);
	/* With checksums off the same XSDT is fine. */
	assert_int_equal(fx_run(&f, UNPATCHED), 0);
	assert_int_equal(list.count, 3);

	fx_init_xsdt(&f);
	put64(f.rsdp + 24, 1ULL << 32);
	fix_sum(f.rsdp, 36, 32);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);

	fx_init_xsdt(&f);
	put64(f.rsdp + 24, f.hpet);
	fix_sum(f.rsdp, 36, 32);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);

	/* XsdtAddress 0: no XSDT. */
	fx_init_xsdt(&f);
	put64(f.rsdp + 24, 0);
	fix_sum(f.rsdp, 36, 32);
	assert_int_equal(fx_run(&f, 0), 0);
	assert_int_equal(list.count, 2);

	/* Both unusable: the RSDT's error is reported. */
	fx_init_xsdt(&f);
	f.t[f.xsdt + HDR]++;
	f.t[f.rsdt + HDR]++;
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDT", "bad checksum",
		   f.rsdt);
}

/* Past the XSDT table itself, errors are reported, not fallen back from. */
static void test_xsdt_entry_errors(void **state)
{
	struct fx f;

	fx_init_xsdt(&f);
	put64(f.t + f.xsdt + HDR + 8, 1ULL << 32);
	refix(&f, f.xsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "XSDT",
		   "pointer outside the blob", f.xsdt + HDR + 8);

	fx_init_xsdt(&f);
	f.len += 4;
	put32(f.t + f.xsdt + 4, get32(f.t + f.xsdt + 4) + 4);
	refix(&f, f.xsdt);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "XSDT",
		   "length not a whole number of entries", f.xsdt);
}

static void test_rsdp_v2_checks(void **state)
{
	struct fx f;

	fx_init_xsdt(&f);
	f.rsdp[33]++;
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP",
		   "bad extended checksum", 0);
	assert_int_equal(fx_run(&f, UNPATCHED), 0);

	fx_init_xsdt(&f);
	expect_err(run(f.rsdp, 20, f.t, f.len, 0), -SVSM_EBADMSG, "RSDP",
		   "blob shorter than the structure", 0);

	fx_init_xsdt(&f);
	put32(f.rsdp + 20, 37);
	fix_sum(f.rsdp, 36, 32);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP",
		   "length past the end of the blob", 20);

	put32(f.rsdp + 20, 20);
	fix_sum(f.rsdp, 36, 32);
	expect_err(fx_run(&f, 0), -SVSM_EBADMSG, "RSDP",
		   "length shorter than the structure", 20);

	/* Revision 1 is ACPI 1.0 too: the XSDT fields are not read. */
	fx_init_xsdt(&f);
	f.rsdp[15] = 1;
	fix_sum(f.rsdp, 20, 8);
	assert_int_equal(run(f.rsdp, 20, f.t, f.len, 0), 0);
	assert_int_equal(list.count, 2);
}

/* --- truncation, arguments, formatting ------------------------------------ */

static void test_fx_truncated(void **state)
{
	struct fx f;
	u32 rsdt_end;

	fx_init_xsdt(&f);
	rsdt_end = f.rsdt + get32(f.t + f.rsdt + 4);
	for (u32 len = 0; len < f.len; len++) {
		int ret = run(f.rsdp, f.rlen, f.t, len, 0);

		/* The XSDT is last: a cut one falls back to the RSDT. */
		if (len >= rsdt_end) {
			assert_int_equal(ret, 0);
			assert_int_equal(list.count, 2);
		} else {
			assert_int_equal(ret, -SVSM_EBADMSG);
		}
	}
	for (u32 len = 0; len < f.rlen; len++) {
		assert_int_equal(run(f.rsdp, len, f.t, f.len, 0),
				 -SVSM_EBADMSG);
	}
}

static void test_bad_args(void **state)
{
	struct acpi_cpu_list l = { .cpus = NULL, .max = 1 };
	struct fx f;

	fx_init(&f, 1);
	assert_int_equal(acpi_find_cpus(f.rsdp, f.rlen, f.t, f.len, 0, NULL,
					&err),
			 -SVSM_EINVAL);
	assert_string_equal(err.fault, "invalid arguments");
	assert_int_equal(acpi_find_cpus(f.rsdp, f.rlen, f.t, f.len, 0, &l,
					&err),
			 -SVSM_EINVAL);
	l = (struct acpi_cpu_list){ .cpus = cpus, .max = 4 };
	assert_int_equal(acpi_find_cpus(NULL, 20, f.t, f.len, 0, &l, &err),
			 -SVSM_EINVAL);
	assert_int_equal(acpi_find_cpus(f.rsdp, f.rlen, NULL, 1, 0, &l, &err),
			 -SVSM_EINVAL);
	assert_int_equal(acpi_madt_cpus(NULL, 1, 0, &l, &err), -SVSM_EINVAL);
	/* err is optional. */
	assert_int_equal(acpi_find_cpus(f.rsdp, f.rlen, f.t, f.len, 0, &l,
					NULL),
			 0);
	assert_int_equal(l.count, 1);
	/* NULL blobs of length 0 are just empty. */
	assert_int_equal(acpi_find_cpus(NULL, 0, NULL, 0, 0, &l, &err),
			 -SVSM_EBADMSG);
	assert_int_equal(acpi_find_cpus(f.rsdp, f.rlen, NULL, 0, 0, &l, &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "pointer outside the blob");
}

static void test_format_error(void **state)
{
	struct acpi_error e = { "APIC", "zero-length entry", 0x1234 };
	char buf[80];

	acpi_format_error(&e, buf, sizeof(buf));
	assert_string_equal(
		buf, "ACPI table APIC at offset 0x1234: zero-length entry");
	e = (struct acpi_error){ "RSDP", "bad checksum", 0 };
	acpi_format_error(&e, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI table RSDP at offset 0x0: bad checksum");
	e.offset = 0xFFFFFFFF;
	acpi_format_error(&e, buf, 30);
	assert_string_equal(buf, "ACPI table RSDP at offset 0xf");
	acpi_format_error(&e, buf, 1);
	assert_string_equal(buf, "");
	acpi_format_error(&e, NULL, 0);
	acpi_format_error(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI: no error");
	e = (struct acpi_error){ "", "invalid arguments", 0 };
	acpi_format_error(&e, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI: invalid arguments");
	/* An unterminated table name is cut at 4 characters. */
	memcpy(e.table, "ABCDE", 5);
	e.fault = "x";
	acpi_format_error(&e, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI table ABCD at offset 0x0: x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_cpus),
		cmocka_unit_test(test_qemu_sparse_disabled),
		cmocka_unit_test(test_qemu_unpatched_checksums),
		cmocka_unit_test(test_qemu_checksummed),
		cmocka_unit_test(test_qemu_truncated),
		cmocka_unit_test(test_qemu_bare_madt),
		cmocka_unit_test(test_fx_good),
		cmocka_unit_test(test_rsdp_signature),
		cmocka_unit_test(test_rsdp_checksum),
		cmocka_unit_test(test_rsdp_pointer_outside),
		cmocka_unit_test(test_rsdp_points_elsewhere),
		cmocka_unit_test(test_rsdt_length_past_end),
		cmocka_unit_test(test_rsdt_short_length),
		cmocka_unit_test(test_rsdt_checksum),
		cmocka_unit_test(test_rsdt_entry_outside),
		cmocka_unit_test(test_rsdt_odd_length),
		cmocka_unit_test(test_rsdt_other_table_bad),
		cmocka_unit_test(test_madt_missing),
		cmocka_unit_test(test_madt_duplicate_table),
		cmocka_unit_test(test_madt_checksum),
		cmocka_unit_test(test_madt_length_past_blob),
		cmocka_unit_test(test_madt_too_short),
		cmocka_unit_test(test_madt_zero_length_entry),
		cmocka_unit_test(test_madt_entry_past_end),
		cmocka_unit_test(test_madt_entry_too_short),
		cmocka_unit_test(test_madt_long_and_unknown_entries),
		cmocka_unit_test(test_too_many_cpus),
		cmocka_unit_test(test_duplicate_apic_id),
		cmocka_unit_test(test_disabled_cpus),
		cmocka_unit_test(test_x2apic),
		cmocka_unit_test(test_broadcast_ids),
		cmocka_unit_test(test_xsdt_preferred),
		cmocka_unit_test(test_xsdt_fallback),
		cmocka_unit_test(test_xsdt_entry_errors),
		cmocka_unit_test(test_rsdp_v2_checks),
		cmocka_unit_test(test_fx_truncated),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_format_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

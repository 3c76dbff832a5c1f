/* SPDX-License-Identifier: MIT */
/*
 * QEMU's ACPI linker/loader script (kernel/drivers/acpi_loader.c).
 *
 * Real data: the etc/table-loader script and the blobs QEMU 7.2 serves,
 * captured by scripts/capture-acpi-blobs.sh into tests/data/acpi/ (run from
 * the repo root): once the script has run, acpi_find_cpus() with checksums
 * verified finds the CPUs and every table sums to zero. Malformed data: a
 * small builder writes commands, one of them broken, and the error's fault
 * and offset are compared. Scripts and blobs are exact-size heap copies, so
 * ASan reports any access past their ends.
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
#include <svsm/acpi_loader.h>
#include <svsm/errno.h>
#include "support/test_data.h"

#define CMD ACPI_LOADER_CMD_LEN
#define HDR 36u
#define RSDP "etc/acpi/rsdp"
#define TABLES "etc/acpi/tables"
#define MAX_CMDS 64u

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

static u8 sum8(const u8 *p, size_t len)
{
	u8 s = 0;

	for (size_t i = 0; i < len; i++) {
		s += p[i];
	}
	return s;
}

static u8 *dup(const void *p, size_t len)
{
	u8 *c = malloc(len ? len : 1);

	assert_non_null(c);
	if (len) {
		memcpy(c, p, len);
	}
	return c;
}

/* --- captured QEMU blobs -------------------------------------------------- */

static struct test_blob load(const char *machine, const char *file)
{
	return test_load_acpi_blob(machine, file);
}

struct qemu {
	struct test_blob rsdp, tables, script;
	struct acpi_blob blobs[2];
};

static void qemu_load(struct qemu *q, const char *machine)
{
	q->rsdp = load(machine, "rsdp");
	q->tables = load(machine, "tables");
	q->script = load(machine, "table-loader");
	q->blobs[0] = (struct acpi_blob){ RSDP, q->rsdp.p, q->rsdp.len };
	q->blobs[1] = (struct acpi_blob){ TABLES, q->tables.p, q->tables.len };
}

static void qemu_free(struct qemu *q)
{
	free(q->rsdp.p);
	free(q->tables.p);
	free(q->script.p);
}

static struct acpi_error err;

static int qemu_apply(struct qemu *q)
{
	memset(&err, 0x55, sizeof(err));
	return acpi_loader_apply(q->script.p, q->script.len, q->blobs, 2,
				 &err);
}

static struct acpi_cpu cpus[64];
static struct acpi_cpu_list list;

static int find_cpus(const struct test_blob *r, const struct test_blob *t, u32 flags)
{
	list = (struct acpi_cpu_list){ .cpus = cpus, .max = 64 };
	memset(&err, 0x55, sizeof(err));
	return acpi_find_cpus(r->p, r->len, t->p, t->len, flags, &list, &err);
}

struct machine {
	const char *name;
	u32 cpus, disabled;
};

static const struct machine machines[] = {
	{ "q35-smp1-512m", 1, 0 },	  { "q35-smp2-512m", 2, 0 },
	{ "q35-smp4-512m", 4, 0 },	  { "q35-smp8-512m", 8, 0 },
	{ "q35-smp2-3g", 2, 0 },	  { "q35-smp2-8g", 2, 0 },
	{ "q35-smp4-max6-sparse", 4, 2 }, { "q35-smp2-vmgenid", 2, 0 },
};

/* Every checksum command of the script; returns how many. */
static u32 qemu_checksums(const struct qemu *q, u32 *offs, u32 max)
{
	u32 n = 0;

	for (size_t at = 0; at < q->script.len; at += CMD) {
		const char *file = (const char *)q->script.p + at + 4;

		if (get32(q->script.p + at) != 3) {
			continue;
		}
		assert_true(n < max);
		assert_true(!strcmp(file, RSDP) || !strcmp(file, TABLES));
		offs[n++] = (u32)at;
	}
	return n;
}

/* The table at off sums to zero over its Length. */
static void assert_table_sums(const struct test_blob *t, u32 off)
{
	assert_true(off + HDR <= t->len);
	assert_true(get32(t->p + off + 4) <= t->len - off);
	assert_int_equal(sum8(t->p + off, get32(t->p + off + 4)), 0);
}

/* RSDP, RSDT, every table in it, and the DSDT named by the FADT. */
static void assert_all_tables_sum(const struct qemu *q)
{
	const struct test_blob *t = &q->tables;
	u32 rsdt = get32(q->rsdp.p + 16);
	u32 n = (get32(t->p + rsdt + 4) - HDR) / 4;

	assert_int_equal(sum8(q->rsdp.p, 20), 0);
	assert_table_sums(t, rsdt);
	for (u32 i = 0; i < n; i++) {
		u32 off = get32(t->p + rsdt + HDR + 4 * i);

		assert_table_sums(t, off);
		if (!memcmp(t->p + off, "FACP", 4)) {
			assert_memory_equal(t->p + get32(t->p + off + 40),
					    "DSDT", 4);
			assert_table_sums(t, get32(t->p + off + 40));
		}
	}
}

/* Only checksum bytes change: the loader adds 0 to every pointer. */
static void assert_only_checksums_changed(const struct qemu *q,
					  const struct test_blob *rsdp,
					  const struct test_blob *tables)
{
	u32 offs[MAX_CMDS], n = qemu_checksums(q, offs, MAX_CMDS);
	u32 changed = 0;

	for (u32 i = 0; i < n; i++) {
		const u8 *c = q->script.p + offs[i];
		const struct test_blob *now = strcmp((const char *)c + 4, RSDP) ?
						 &q->tables :
						 &q->rsdp;
		const struct test_blob *was = now == &q->rsdp ? rsdp : tables;
		u32 at = get32(c + 60);

		assert_int_equal(was->p[at], 0); /* QEMU leaves them zero */
		assert_int_equal(sum8(now->p + get32(c + 64), get32(c + 68)),
				 0);
		changed += now->p[at] != 0;
		now->p[at] = 0;
	}
	assert_true(changed > 0);
	assert_memory_equal(q->rsdp.p, rsdp->p, rsdp->len);
	assert_memory_equal(q->tables.p, tables->p, tables->len);
}

static void test_qemu_machines(void **state)
{
	for (u32 m = 0; m < ARRAY_SIZE(machines); m++) {
		struct qemu q;
		struct test_blob r0, t0;

		qemu_load(&q, machines[m].name);
		assert_int_equal(q.script.len % CMD, 0);
		assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0),
				 -SVSM_EBADMSG);
		assert_string_equal(err.fault, "bad checksum");
		assert_int_equal(qemu_apply(&q), 0);
		assert_null(err.fault);
		assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0), 0);
		assert_null(err.fault);
		assert_int_equal(list.count, machines[m].cpus);
		assert_int_equal(list.disabled, machines[m].disabled);
		assert_all_tables_sum(&q);
		r0 = (struct test_blob){ dup(q.rsdp.p, q.rsdp.len), q.rsdp.len };
		t0 = (struct test_blob){ dup(q.tables.p, q.tables.len),
				    q.tables.len };
		/* Running it again changes nothing. */
		assert_int_equal(qemu_apply(&q), 0);
		assert_memory_equal(q.tables.p, t0.p, t0.len);
		assert_memory_equal(q.rsdp.p, r0.p, r0.len);
		qemu_free(&q);
		/* Against the blobs as served: checksum bytes only. */
		qemu_load(&q, machines[m].name);
		free(r0.p);
		free(t0.p);
		r0 = (struct test_blob){ dup(q.rsdp.p, q.rsdp.len), q.rsdp.len };
		t0 = (struct test_blob){ dup(q.tables.p, q.tables.len),
				    q.tables.len };
		assert_int_equal(qemu_apply(&q), 0);
		assert_only_checksums_changed(&q, &r0, &t0);
		free(r0.p);
		free(t0.p);
		qemu_free(&q);
	}
}

/* Offset of the RSDT's i-th table. */
static u32 qemu_table(const struct qemu *q, u32 i)
{
	return get32(q->tables.p + get32(q->rsdp.p + 16) + HDR + 4 * i);
}

static u32 qemu_madt(const struct qemu *q)
{
	u32 rsdt = get32(q->rsdp.p + 16);

	for (u32 i = 0; i < (get32(q->tables.p + rsdt + 4) - HDR) / 4; i++) {
		if (!memcmp(q->tables.p + qemu_table(q, i), "APIC", 4)) {
			return qemu_table(q, i);
		}
	}
	fail_msg("no MADT");
	return 0;
}

/* With checksums real, a change to the MADT is now caught. */
static void test_qemu_madt_corrupted(void **state)
{
	struct qemu q;
	u32 madt;

	qemu_load(&q, "q35-smp4-512m");
	assert_int_equal(qemu_apply(&q), 0);
	madt = qemu_madt(&q);
	q.tables.p[madt + 44 + 8 + 3] = 9; /* APIC ID of the second CPU */
	assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0), -SVSM_EBADMSG);
	assert_string_equal(err.table, "APIC");
	assert_string_equal(err.fault, "bad checksum");
	assert_int_equal(err.offset, madt);
	assert_int_equal(find_cpus(&q.rsdp, &q.tables, ACPI_FWCFG_UNPATCHED),
			 0);
	assert_int_equal(cpus[1].apic_id, 9);
	/* Running the script again makes the change consistent. */
	assert_int_equal(qemu_apply(&q), 0);
	assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0), 0);
	assert_int_equal(cpus[1].apic_id, 9);
	qemu_free(&q);
}

/*
 * Cut tables blobs: the script must fail, without touching a byte past the
 * cut (the copies are exact-size); from the end of the last table on, it
 * succeeds.
 */
static void test_qemu_truncated(void **state)
{
	struct qemu q;
	u32 rsdt, end;

	qemu_load(&q, "q35-smp2-512m");
	rsdt = get32(q.rsdp.p + 16);
	end = rsdt + get32(q.tables.p + rsdt + 4);
	for (u32 len = 0; len <= end + 8; len++) {
		struct acpi_blob b[2] = { q.blobs[0], { TABLES, NULL, len } };
		int ret;

		b[1].data = dup(q.tables.p, len);
		ret = acpi_loader_apply(q.script.p, q.script.len, b, 2, &err);
		if (len < end) {
			assert_int_equal(ret, -SVSM_EBADMSG);
			assert_string_equal(err.table, ACPI_LOADER_TABLE);
		} else {
			assert_int_equal(ret, 0);
		}
		free(b[1].data);
	}
	qemu_free(&q);
}

/*
 * A build reading the tables under other names: QEMU's script is about its
 * own files, so it changes nothing, and the blobs are checked as they are.
 */
static void test_qemu_other_names(void **state)
{
	struct qemu q;
	struct test_blob t0;

	qemu_load(&q, "q35-smp2-512m");
	t0 = (struct test_blob){ dup(q.tables.p, q.tables.len), q.tables.len };
	q.blobs[0].name = "opt/acpi/rsdp";
	q.blobs[1].name = "opt/acpi/tables";
	assert_int_equal(qemu_apply(&q), 0);
	assert_memory_equal(q.tables.p, t0.p, t0.len);
	assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0), -SVSM_EBADMSG);
	assert_string_equal(err.table, "RSDP");
	assert_string_equal(err.fault, "bad checksum");
	/* Only the RSDP supplied: its pointer into the tables is unchecked. */
	q.blobs[0].name = RSDP;
	assert_int_equal(acpi_loader_apply(q.script.p, q.script.len,
					   q.blobs, 1, &err),
			 0);
	assert_int_equal(sum8(q.rsdp.p, 20), 0);
	free(t0.p);
	qemu_free(&q);
}

/*
 * -device vmgenid: the script also allocates etc/vmgenid_guid, points an
 * SSDT's VGIA at it and asks for a WRITE_POINTER into etc/vmgenid_addr. The
 * kernel supplies only the ACPI blobs; supplying the GUID blob too (4 KiB,
 * QEMU hw/acpi/vmgenid.c) gets the pointer checked, and changes nothing.
 */
static void test_qemu_vmgenid(void **state)
{
	static u8 guid[4096];
	struct qemu q;
	struct test_blob t0;
	struct acpi_blob b[3];

	qemu_load(&q, "q35-smp2-vmgenid");
	assert_int_equal(qemu_apply(&q), 0);
	assert_int_equal(find_cpus(&q.rsdp, &q.tables, 0), 0);
	assert_int_equal(list.count, 2);
	assert_all_tables_sum(&q);
	t0 = (struct test_blob){ dup(q.tables.p, q.tables.len), q.tables.len };
	memcpy(b, q.blobs, sizeof(q.blobs));
	b[2] = (struct acpi_blob){ "etc/vmgenid_guid", guid, sizeof(guid) };
	assert_int_equal(acpi_loader_apply(q.script.p, q.script.len, b, 3,
					   &err),
			 0);
	assert_memory_equal(q.tables.p, t0.p, t0.len);
	/* A GUID blob too small for the VGIA pointer is refused. */
	b[2].len = 40;
	assert_int_equal(acpi_loader_apply(q.script.p, q.script.len, b, 3,
					   &err),
			 -SVSM_EBADMSG);
	assert_string_equal(err.fault, "pointer outside the blob");
	assert_int_equal(get32(q.script.p + err.offset), 4); /* WRITE_POINTER */
	free(t0.p);
	qemu_free(&q);
}

/* --- a builder for hand-made scripts -------------------------------------- */

struct script {
	u8 b[MAX_CMDS * CMD];
	u32 len;
};

static u8 *cmd(struct script *s, u32 type)
{
	u8 *c = s->b + s->len;

	assert_true(s->len + CMD <= sizeof(s->b));
	memset(c, 0, CMD);
	put32(c, type);
	s->len += CMD;
	return c;
}

/* Copies a name into a 56-byte field, as QEMU's strncpy() does. */
static void name(u8 *field, const char *n)
{
	strncpy((char *)field, n, 55);
}

static void s_alloc(struct script *s, const char *file)
{
	u8 *c = cmd(s, 1);

	name(c + 4, file);
	put32(c + 60, 64);
	c[64] = 1;
}

static void s_ptr(struct script *s, const char *dst, const char *src,
		  u32 off, u8 size)
{
	u8 *c = cmd(s, 2);

	name(c + 4, dst);
	name(c + 60, src);
	put32(c + 116, off);
	c[120] = size;
}

static void s_cksum(struct script *s, const char *file, u32 off, u32 start,
		    u32 len)
{
	u8 *c = cmd(s, 3);

	name(c + 4, file);
	put32(c + 60, off);
	put32(c + 64, start);
	put32(c + 68, len);
}

static void s_wrptr(struct script *s, const char *dst, const char *src,
		    u32 dst_off, u32 src_off, u8 size)
{
	u8 *c = cmd(s, 4);

	name(c + 4, dst);
	name(c + 60, src);
	put32(c + 116, dst_off);
	put32(c + 120, src_off);
	c[124] = size;
}

/* Two blobs: "a" of 64 bytes and "b" of 32, with pointers to fill in. */
static u8 blob_a[64], blob_b[32];
static struct script s;

static void s_init(void)
{
	memset(&s, 0, sizeof(s));
	for (u32 i = 0; i < sizeof(blob_a); i++) {
		blob_a[i] = (u8)(i * 7 + 1);
	}
	for (u32 i = 0; i < sizeof(blob_b); i++) {
		blob_b[i] = (u8)(i * 3 + 5);
	}
	s_alloc(&s, "a");
	s_alloc(&s, "b");
}

/* Runs s over exact-size copies; the copies are kept in blob_a/blob_b. */
static int s_run_len(u32 len, u32 nblobs)
{
	u8 *script = dup(s.b, len);
	struct acpi_blob b[2] = {
		{ "a", dup(blob_a, sizeof(blob_a)), sizeof(blob_a) },
		{ "b", dup(blob_b, sizeof(blob_b)), sizeof(blob_b) },
	};
	int ret;

	memset(&err, 0x55, sizeof(err));
	ret = acpi_loader_apply(script, len, b, nblobs, &err);
	memcpy(blob_a, b[0].data, sizeof(blob_a));
	memcpy(blob_b, b[1].data, sizeof(blob_b));
	free(b[0].data);
	free(b[1].data);
	free(script);
	return ret;
}

static int s_run(void)
{
	return s_run_len(s.len, 2);
}

/* The command at index i failed with fault; the message is printed. */
static void expect_fault(int ret, u32 i, const char *fault)
{
	char msg[160];

	acpi_loader_format_error(&err, s.b, s.len, msg, sizeof(msg));
	print_message("%s\n", msg);
	assert_int_equal(ret, -SVSM_EBADMSG);
	assert_string_equal(err.table, ACPI_LOADER_TABLE);
	assert_non_null(err.fault);
	assert_string_equal(err.fault, fault);
	assert_int_equal(err.offset, i * CMD);
}

static void test_good_script(void **state)
{
	u8 a0[sizeof(blob_a)];

	s_init();
	s_ptr(&s, "a", "b", 8, 4);
	s_ptr(&s, "a", "a", 2, 1);
	s_ptr(&s, "b", "a", 24, 8);
	s_ptr(&s, "b", "b", 20, 2);
	s_cksum(&s, "a", 9, 0, 36);
	s_cksum(&s, "a", 63, 40, 24);
	s_cksum(&s, "b", 0, 0, 1);
	cmd(&s, 0);
	put32(blob_a + 8, 20);	/* b + 20 */
	blob_a[2] = 63;		/* a + 63 */
	memset(blob_b + 24, 0, 8);
	blob_b[24] = 63;	/* a + 63, 8 bytes */
	blob_b[20] = 31;	/* b + 31, 2 bytes */
	blob_b[21] = 0;
	memcpy(a0, blob_a, sizeof(a0));
	assert_int_equal(s_run(), 0);
	assert_null(err.fault);
	assert_int_equal(sum8(blob_a, 36), 0);
	assert_int_equal(sum8(blob_a + 40, 24), 0);
	assert_int_equal(blob_b[0], 0);
	/* Pointers keep their values; only the checksum bytes change. */
	a0[9] = blob_a[9];
	a0[63] = blob_a[63];
	assert_memory_equal(blob_a, a0, sizeof(a0));
	assert_int_equal(blob_b[24], 63);
	/* Nothing to do at all. */
	assert_int_equal(acpi_loader_apply(NULL, 0, NULL, 0, &err), 0);
	assert_null(err.fault);
}

/* The checksum byte is zeroed first, whatever it held. */
static void test_checksum_value(void **state)
{
	u8 want;

	s_init();
	s_cksum(&s, "b", 5, 4, 8);
	blob_b[5] = 0;
	want = (u8)(0x100 - sum8(blob_b + 4, 8));
	blob_b[5] = 0xAB;
	assert_int_equal(s_run(), 0);
	assert_int_equal(blob_b[5], want);
	assert_int_equal(sum8(blob_b + 4, 8), 0);
	/* The whole blob; then a one-byte range: the byte must be 0. */
	s_init();
	s_cksum(&s, "a", 63, 0, 64);
	s_cksum(&s, "b", 31, 31, 1);
	assert_int_equal(s_run(), 0);
	assert_int_equal(sum8(blob_a, 64), 0);
	assert_int_equal(blob_b[31], 0);
}

static void test_bad_length(void **state)
{
	static const u32 lens[] = { 1, 127, 129, 2 * CMD + 5,
				    3 * CMD - 1 };
	u8 b0[sizeof(blob_b)];

	for (u32 i = 0; i < ARRAY_SIZE(lens); i++) {
		s_init();
		s_cksum(&s, "b", 0, 0, 32);
		memcpy(b0, blob_b, sizeof(b0));
		expect_fault(s_run_len(lens[i], 2), lens[i] / CMD,
			     "script length not a multiple of 128");
		/* Refused as a whole, before any command runs. */
		assert_memory_equal(blob_b, b0, sizeof(b0));
	}
}

static void test_unknown_command(void **state)
{
	static const u32 types[] = { 5, 0x80000001, 0xFFFFFFFF, 0x100 };

	for (u32 i = 0; i < ARRAY_SIZE(types); i++) {
		s_init();
		s_cksum(&s, "b", 0, 0, 32);
		cmd(&s, types[i]);
		expect_fault(s_run(), 3, "unknown command");
		/* The commands before it ran. */
		assert_int_equal(sum8(blob_b, sizeof(blob_b)), 0);
	}
}

/* Command 0 is padding, whatever its other bytes hold. */
static void test_padding(void **state)
{
	s_init();
	memset(cmd(&s, 0) + 4, 0xFF, CMD - 4);
	cmd(&s, 0);
	s_cksum(&s, "a", 0, 0, 1);
	assert_int_equal(s_run(), 0);
	assert_int_equal(blob_a[0], 0);
}

static void test_name_not_terminated(void **state)
{
	u8 *c;

	s_init();
	c = cmd(&s, 1);
	memset(c + 4, 'x', 56);
	expect_fault(s_run(), 2, "file name not terminated");

	s_init();
	s_ptr(&s, "a", "b", 0, 1);
	memset(s.b + 2 * CMD + 60, 'b', 56);
	expect_fault(s_run(), 2, "file name not terminated");

	s_init();
	s_wrptr(&s, "etc/x", "b", 0, 0, 8);
	memset(s.b + 2 * CMD + 4, 'e', 56);
	expect_fault(s_run(), 2, "file name not terminated");

	s_init();
	s_cksum(&s, "a", 0, 0, 1);
	memset(s.b + 2 * CMD + 4, 'a', 56);
	expect_fault(s_run(), 2, "file name not terminated");

	/* 55 characters and the NUL fill the field: fine. */
	s_init();
	c = cmd(&s, 1);
	memset(c + 4, 'y', 55);
	assert_int_equal(s_run(), 0);
}

static void test_unknown_file(void **state)
{
	char msg[160];

	s_init();
	s_cksum(&s, "c", 0, 0, 1);
	expect_fault(s_run(), 2, "unknown file");
	acpi_loader_format_error(&err, s.b, s.len, msg, sizeof(msg));
	assert_string_equal(msg, "ACPI table LDR at offset 0x100: "
				 "unknown file (c)");

	s_init();
	s_ptr(&s, "etc/acpi/tables", "a", 0, 1);
	expect_fault(s_run(), 2, "unknown file");

	s_init();
	s_ptr(&s, "a", "etc/acpi/tables", 0, 1);
	expect_fault(s_run(), 2, "unknown source file");
	acpi_loader_format_error(&err, s.b, s.len, msg, sizeof(msg));
	assert_string_equal(msg, "ACPI table LDR at offset 0x100: "
				 "unknown source file (etc/acpi/tables)");

	s_init();
	s_wrptr(&s, "etc/vmgenid_addr", "etc/vmgenid_guid", 0, 0, 8);
	expect_fault(s_run(), 2, "unknown source file");

	/* Used before its ALLOCATE command. */
	memset(&s, 0, sizeof(s));
	s_alloc(&s, "a");
	s_cksum(&s, "b", 0, 0, 1);
	s_alloc(&s, "b");
	expect_fault(s_run(), 1, "unknown file");

	/* Names are compared whole. */
	s_init();
	s_cksum(&s, "a ", 0, 0, 1);
	expect_fault(s_run(), 2, "unknown file");
	s_init();
	s_cksum(&s, "", 0, 0, 1);
	expect_fault(s_run(), 2, "unknown file");
}

static void test_allocated_twice(void **state)
{
	char msg[160];

	s_init();
	s_alloc(&s, "c");
	s_alloc(&s, "a");
	expect_fault(s_run(), 3, "file allocated twice");
	acpi_loader_format_error(&err, s.b, s.len, msg, sizeof(msg));
	assert_string_equal(msg, "ACPI table LDR at offset 0x180: "
				 "file allocated twice (a)");
}

/*
 * Files the script allocates but the caller did not supply (vmgenid, the
 * TPM log): commands on them are skipped, pointers to them not checked.
 */
static void test_unsupplied_files(void **state)
{
	u8 a0[sizeof(blob_a)];

	s_init();
	s_alloc(&s, "etc/vmgenid_guid");
	s_ptr(&s, "a", "etc/vmgenid_guid", 60, 4);
	s_ptr(&s, "etc/vmgenid_guid", "a", 0xFFFFFFFF, 8);
	s_cksum(&s, "etc/vmgenid_guid", 0xFFFFFFFF, 0xFFFFFFF0, 100);
	s_wrptr(&s, "etc/vmgenid_addr", "etc/vmgenid_guid", 0, 0xFFFFFFFF,
		8);
	s_cksum(&s, "b", 31, 0, 32);
	put32(blob_a + 60, 0xFFFFFFFF);
	memcpy(a0, blob_a, sizeof(a0));
	assert_int_equal(s_run(), 0);
	assert_memory_equal(blob_a, a0, sizeof(a0));
	assert_int_equal(sum8(blob_b, 32), 0);
	/* The pointer size is still checked. */
	s_ptr(&s, "etc/vmgenid_guid", "a", 0, 3);
	expect_fault(s_run(), 8, "bad pointer size");
	/* "b" is allocated but only "a" supplied: skipped. */
	s_init();
	s_ptr(&s, "a", "b", 60, 4);
	s_cksum(&s, "b", 99, 0, 1000);
	assert_int_equal(s_run_len(s.len, 1), 0);
}

static void test_pointer_offset(void **state)
{
	static const struct {
		u32 off;
		u8 size;
	} bad[] = { { 61, 4 }, { 64, 1 }, { 57, 8 }, { 63, 2 },
		    { 0xFFFFFFFF, 8 }, { 0xFFFFFFFC, 4 } };

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		s_init();
		s_ptr(&s, "a", "b", bad[i].off, bad[i].size);
		expect_fault(s_run(), 2,
			     "pointer offset past the end of the blob");
	}
	/* The last bytes of the blob are fine. */
	s_init();
	memset(blob_a + 56, 0, 8);
	s_ptr(&s, "a", "b", 56, 8);
	s_ptr(&s, "a", "b", 63, 1);
	assert_int_equal(s_run(), 0);
}

static void test_pointer_size(void **state)
{
	static const u8 sizes[] = { 0, 3, 5, 7, 16, 255 };

	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		s_init();
		memset(blob_a, 0, sizeof(blob_a));
		s_ptr(&s, "a", "b", 0, sizes[i]);
		expect_fault(s_run(), 2, "bad pointer size");
		s_init();
		s_wrptr(&s, "etc/x", "b", 0, 0, sizes[i]);
		expect_fault(s_run(), 2, "bad pointer size");
	}
}

static void test_pointer_value(void **state)
{
	static const u8 sizes[] = { 1, 2, 4, 8 };

	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		s_init();
		memset(blob_a, 0, sizeof(blob_a));
		blob_a[4] = 31; /* the last byte of b */
		s_ptr(&s, "a", "b", 4, sizes[i]);
		assert_int_equal(s_run(), 0);
		blob_a[4] = 32;
		expect_fault(s_run(), 2, "pointer outside the blob");
		blob_a[4] = 0;
		blob_a[4 + sizes[i] - 1] = 0x80; /* a high byte */
		expect_fault(s_run(), 2, "pointer outside the blob");
	}
	/* 8 bytes are read whole. */
	s_init();
	memset(blob_a, 0, sizeof(blob_a));
	blob_a[7] = 1;
	s_ptr(&s, "a", "b", 0, 4);
	assert_int_equal(s_run(), 0);
	s_init();
	memset(blob_a, 0, sizeof(blob_a));
	blob_a[7] = 1;
	s_ptr(&s, "a", "b", 0, 8);
	expect_fault(s_run(), 2, "pointer outside the blob");
	/* Into an empty blob nothing points. */
	s_init();
	memset(blob_a, 0, sizeof(blob_a));
	s_alloc(&s, "e");
	s_ptr(&s, "a", "e", 0, 4);
	{
		u8 *script = dup(s.b, s.len);
		u8 *a = dup(blob_a, sizeof(blob_a));
		struct acpi_blob b[2] = { { "a", a, sizeof(blob_a) },
					  { "e", NULL, 0 } };

		expect_fault(acpi_loader_apply(script, s.len, b, 2, &err), 3,
			     "pointer outside the blob");
		free(script);
		free(a);
	}
	/* WRITE_POINTER: the offset into the source blob. */
	s_init();
	s_wrptr(&s, "etc/x", "b", 0xFFFFFFFF, 31, 8);
	assert_int_equal(s_run(), 0);
	s_wrptr(&s, "etc/x", "b", 0, 32, 1);
	expect_fault(s_run(), 3, "pointer outside the blob");
}

/* WRITE_POINTER writes nothing anywhere, in the blobs or fw_cfg. */
static void test_write_pointer_ignored(void **state)
{
	u8 a0[sizeof(blob_a)], b0[sizeof(blob_b)];

	s_init();
	s_wrptr(&s, "a", "b", 0, 4, 8);
	s_wrptr(&s, "b", "a", 16, 63, 2);
	memcpy(a0, blob_a, sizeof(a0));
	memcpy(b0, blob_b, sizeof(b0));
	assert_int_equal(s_run(), 0);
	assert_memory_equal(blob_a, a0, sizeof(a0));
	assert_memory_equal(blob_b, b0, sizeof(b0));
}

static void test_checksum_offset(void **state)
{
	static const u32 offs[] = { 64, 65, 0xFFFFFFFF };

	for (u32 i = 0; i < ARRAY_SIZE(offs); i++) {
		s_init();
		s_cksum(&s, "a", offs[i], 0, 64);
		expect_fault(s_run(), 2,
			     "checksum offset past the end of the blob");
	}
}

static void test_checksum_range(void **state)
{
	static const struct {
		u32 start, len;
	} bad[] = { { 0, 65 }, { 1, 64 }, { 63, 2 }, { 65, 0 },
		    { 0, 0xFFFFFFFF }, { 0xFFFFFFFF, 1 } };

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		s_init();
		s_cksum(&s, "a", 5, bad[i].start, bad[i].len);
		expect_fault(s_run(), 2,
			     "checksum range past the end of the blob");
	}
}

/* start + length wraps in 32 bits: still past the end. */
static void test_checksum_overflow(void **state)
{
	static const struct {
		u32 start, len;
	} bad[] = { { 0xFFFFFFF0, 0x20 }, { 8, 0xFFFFFFF8 },
		    { 0x80000000, 0x80000000 }, { 1, 0xFFFFFFFF } };

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		s_init();
		s_cksum(&s, "a", 9, bad[i].start, bad[i].len);
		expect_fault(s_run(), 2,
			     "checksum range past the end of the blob");
	}
}

static void test_checksum_outside_range(void **state)
{
	static const struct {
		u32 off, start, len;
	} bad[] = { { 3, 4, 8 }, { 12, 4, 8 }, { 0, 1, 63 }, { 4, 4, 0 } };

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		s_init();
		s_cksum(&s, "a", bad[i].off, bad[i].start, bad[i].len);
		expect_fault(s_run(), 2, "checksum outside its range");
	}
}

/* The error names the first bad command, after the good ones ran. */
static void test_error_offset(void **state)
{
	s_init();
	for (u32 i = 0; i < 10; i++) {
		s_cksum(&s, "a", i, i, 1);
	}
	s_cksum(&s, "a", 64, 0, 1);
	s_cksum(&s, "b", 0, 0, 32);
	expect_fault(s_run(), 12, "checksum offset past the end of the blob");
	assert_int_equal(blob_a[9], 0);
	assert_int_not_equal(blob_b[0], 0);
}

static void test_bad_args(void **state)
{
	struct acpi_blob b[2] = { { "a", blob_a, sizeof(blob_a) },
				  { "b", blob_b, sizeof(blob_b) } };

	s_init();
	assert_int_equal(acpi_loader_apply(NULL, CMD, b, 2, &err),
			 -SVSM_EINVAL);
	assert_string_equal(err.fault, "invalid arguments");
	assert_string_equal(err.table, "");
	assert_int_equal(acpi_loader_apply(s.b, s.len, NULL, 1, &err),
			 -SVSM_EINVAL);
	b[1].name = "a";
	assert_int_equal(acpi_loader_apply(s.b, s.len, b, 2, &err),
			 -SVSM_EINVAL);
	b[1].name = NULL;
	assert_int_equal(acpi_loader_apply(s.b, s.len, b, 2, &err),
			 -SVSM_EINVAL);
	b[1] = (struct acpi_blob){ "b", NULL, 1 };
	assert_int_equal(acpi_loader_apply(s.b, s.len, b, 2, &err),
			 -SVSM_EINVAL);
	assert_int_equal(acpi_loader_apply(s.b, (size_t)UINT32_MAX + CMD + 1,
					   b, 1, &err),
			 -SVSM_EINVAL);
	/* err is optional, an empty blob fine. */
	b[1] = (struct acpi_blob){ "b", NULL, 0 };
	assert_int_equal(acpi_loader_apply(s.b, s.len, b, 2, NULL), 0);
	s_cksum(&s, "b", 0, 0, 0);
	assert_int_equal(acpi_loader_apply(s.b, s.len, b, 2, NULL),
			 -SVSM_EBADMSG);
}

#define NO_NAME "ACPI table LDR at offset 0x100: unknown file"

static void test_format_error(void **state)
{
	struct acpi_error e = { ACPI_LOADER_TABLE, "unknown command", 0x80 };
	char buf[160];

	s_init();
	acpi_loader_format_error(&e, s.b, s.len, buf, sizeof(buf));
	assert_string_equal(buf,
			    "ACPI table LDR at offset 0x80: unknown command");
	/* A name with unprintable bytes, cut to fit the buffer. */
	s_init();
	s_cksum(&s, "et\x01\x80z", 0, 0, 1);
	assert_int_equal(s_run(), -SVSM_EBADMSG);
	acpi_loader_format_error(&err, s.b, s.len, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI table LDR at offset 0x100: "
				 "unknown file (et??z)");
	/* The name whole or not at all. */
	acpi_loader_format_error(&err, s.b, s.len, buf, 52);
	assert_string_equal(buf, NO_NAME);
	acpi_loader_format_error(&err, s.b, s.len, buf, 53);
	assert_string_equal(buf, "ACPI table LDR at offset 0x100: "
				 "unknown file (et??z)");
	acpi_loader_format_error(&err, s.b, s.len, buf, 20);
	assert_string_equal(buf, "ACPI table LDR at o");
	/* No script, or an offset outside it: no name. */
	acpi_loader_format_error(&err, NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, NO_NAME);
	acpi_loader_format_error(&err, s.b, 2 * CMD + 127, buf, sizeof(buf));
	assert_string_equal(buf, NO_NAME);
	acpi_loader_format_error(&err, s.b, s.len, NULL, 0);
	acpi_loader_format_error(NULL, s.b, s.len, buf, sizeof(buf));
	assert_string_equal(buf, "ACPI: no error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_machines),
		cmocka_unit_test(test_qemu_madt_corrupted),
		cmocka_unit_test(test_qemu_truncated),
		cmocka_unit_test(test_qemu_other_names),
		cmocka_unit_test(test_qemu_vmgenid),
		cmocka_unit_test(test_good_script),
		cmocka_unit_test(test_checksum_value),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_name_not_terminated),
		cmocka_unit_test(test_unknown_file),
		cmocka_unit_test(test_allocated_twice),
		cmocka_unit_test(test_unsupplied_files),
		cmocka_unit_test(test_pointer_offset),
		cmocka_unit_test(test_pointer_size),
		cmocka_unit_test(test_pointer_value),
		cmocka_unit_test(test_write_pointer_ignored),
		cmocka_unit_test(test_checksum_offset),
		cmocka_unit_test(test_checksum_range),
		cmocka_unit_test(test_checksum_overflow),
		cmocka_unit_test(test_checksum_outside_range),
		cmocka_unit_test(test_error_offset),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_format_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

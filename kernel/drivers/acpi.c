/* SPDX-License-Identifier: MIT */
/*
 * MADT CPU enumeration from QEMU's fw_cfg ACPI blobs (see <svsm/acpi.h>).
 * Section numbers are those of the ACPI 6.5 specification.
 *
 * The blobs come from the hypervisor: every offset read from them is
 * checked against the blob length in u64 before use, so no sum can wrap,
 * and a malformed blob is reported with the table, the fault and where.
 */
#include <svsm/acpi.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>
#include <svsm/lib/unaligned.h>

/* §5.2.5.3 RSDP: the ACPI 1.0 part, then the revision 2 extension. */
#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u
#define RSDP_REVISION 15u
#define RSDP_RSDT_ADDR 16u
#define RSDP_LENGTH 20u
#define RSDP_XSDT_ADDR 24u

/* §5.2.6 System Description Table Header. */
#define SDT_HDR_LEN 36u
#define SDT_LENGTH 4u

/* §5.2.12: the header, then Local Interrupt Controller Address and Flags. */
#define MADT_PREFIX_LEN 44u
#define MADT_LAPIC 0u
#define MADT_LAPIC_LEN 8u
#define MADT_X2APIC 9u
#define MADT_X2APIC_LEN 16u
#define MADT_ENTRY_HDR_LEN 2u

/* §5.2.12.2 Table 5.23: bit 0 Enabled (bit 1 Online Capable is unused). */
#define LAPIC_FLAG_ENABLED BIT(0)

/* The destination IDs that mean "all CPUs" in xAPIC and x2APIC mode. */
#define XAPIC_BROADCAST 0xFFu
#define X2APIC_BROADCAST 0xFFFFFFFFu

struct blob {
	const u8 *p;
	u32 len;
	u32 flags;
	struct acpi_error *err;
};

/* §5.2.6: all bytes of a table, checksum field included, sum to zero. */
static bool sum_is_zero(const u8 *p, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len; i++) {
		sum += p[i];
	}
	return sum == 0;
}

/* Records the fault; sig is 4 bytes, possibly from the blob itself. */
static int fail(struct acpi_error *err, const void *sig, const char *fault,
		u64 offset, int ret)
{
	const u8 *s = sig;

	for (u32 i = 0; i < 4; i++) {
		err->table[i] = s[i] >= 0x20 && s[i] < 0x7F ? (char)s[i] : '?';
	}
	err->table[4] = '\0';
	err->fault = fault;
	err->offset = (u32)offset;
	return ret;
}

static int bad(struct acpi_error *err, const void *sig, const char *fault,
	       u64 offset)
{
	return fail(err, sig, fault, offset, -SVSM_EBADMSG);
}

/*
 * Checks the table whose header starts at off (the caller has checked that
 * the header is inside the blob): its signature if sig is set, and that its
 * Length covers the header, stays inside the blob and sums to zero.
 */
static int check_table(const struct blob *b, u64 off, const char *sig,
		       u32 *len)
{
	const u8 *t = b->p + off;
	u32 tlen = rd32(t + SDT_LENGTH);

	if (sig && memcmp(t, sig, 4) != 0) {
		return bad(b->err, sig, "bad signature", off);
	}
	if (tlen < SDT_HDR_LEN) {
		return bad(b->err, t, "length shorter than the header", off);
	}
	if (tlen > b->len - off) {
		return bad(b->err, t, "length past the end of the blob", off);
	}
	if (!(b->flags & ACPI_FWCFG_UNPATCHED) && !sum_is_zero(t, tlen)) {
		return bad(b->err, t, "bad checksum", off);
	}
	*len = tlen;
	return 0;
}

/* True if a table header at off (a pointer read from the blob) fits. */
static bool header_fits(const struct blob *b, u64 off)
{
	return b->len >= SDT_HDR_LEN && off <= b->len - SDT_HDR_LEN;
}

static int add_cpu(struct acpi_cpu_list *out, struct acpi_error *err,
		   const struct acpi_cpu *cpu, u32 flags, u64 off)
{
	u32 broadcast = cpu->x2apic ? X2APIC_BROADCAST : XAPIC_BROADCAST;

	if (!(flags & LAPIC_FLAG_ENABLED)) {
		out->disabled++;
		return 0;
	}
	if (cpu->apic_id == broadcast) {
		return bad(err, "APIC", "broadcast APIC ID", off);
	}
	for (u32 i = 0; i < out->count; i++) {
		if (out->cpus[i].apic_id == cpu->apic_id) {
			return bad(err, "APIC", "duplicate APIC ID", off);
		}
	}
	if (out->count >= out->max) {
		return fail(err, "APIC", "more CPUs than the list holds", off,
			    -SVSM_ENOMEM);
	}
	out->cpus[out->count++] = *cpu;
	return 0;
}

/* §5.2.12.2 Processor Local APIC and §5.2.12.12 Processor Local x2APIC. */
static int madt_entry(struct acpi_cpu_list *out, struct acpi_error *err,
		      const u8 *e, u64 off)
{
	struct acpi_cpu cpu;

	if (e[0] == MADT_LAPIC) {
		cpu.acpi_uid = e[2];
		cpu.apic_id = e[3];
		cpu.x2apic = false;
		return add_cpu(out, err, &cpu, rd32(e + 4), off);
	}
	if (e[0] == MADT_X2APIC) {
		cpu.apic_id = rd32(e + 4);
		cpu.acpi_uid = rd32(e + 12);
		cpu.x2apic = true;
		return add_cpu(out, err, &cpu, rd32(e + 8), off);
	}
	return 0;
}

/* Later revisions may lengthen an entry, never shorten it (§5.2.12). */
static u32 entry_min_len(u8 type)
{
	if (type == MADT_LAPIC) {
		return MADT_LAPIC_LEN;
	}
	if (type == MADT_X2APIC) {
		return MADT_X2APIC_LEN;
	}
	return MADT_ENTRY_HDR_LEN;
}

/*
 * Walks the Interrupt Controller Structures of the MADT at m (len bytes,
 * already inside the blob); base is its offset, for errors.
 */
static int walk_madt(const u8 *m, u32 len, u64 base,
		     struct acpi_cpu_list *out, struct acpi_error *err)
{
	static const char past_table[] = "entry past the end of the table";
	u32 pos = MADT_PREFIX_LEN;
	int ret;

	if (len < MADT_PREFIX_LEN) {
		return bad(err, "APIC", "length shorter than the header", base);
	}
	while (pos < len) {
		u32 elen;

		if (len - pos < MADT_ENTRY_HDR_LEN) {
			return bad(err, "APIC", past_table, base + pos);
		}
		elen = m[pos + 1];
		if (!elen) {
			return bad(err, "APIC", "zero-length entry",
				   base + pos);
		}
		if (elen > len - pos) {
			return bad(err, "APIC", past_table, base + pos);
		}
		if (elen < entry_min_len(m[pos])) {
			return bad(err, "APIC", "entry shorter than its type",
				   base + pos);
		}
		ret = madt_entry(out, err, m + pos, base + pos);
		if (ret) {
			return ret;
		}
		pos += elen;
	}
	return 0;
}

/*
 * §5.2.7 RSDT / §5.2.8 XSDT: an array of 4- or 8-byte pointers after the
 * header. Every table they name is checked; the single MADT is returned.
 */
static int walk_root(const struct blob *b, u64 root, u32 root_len,
		     const char *sig, u32 esize, u64 *madt, u32 *madt_len)
{
	u32 body = root_len - SDT_HDR_LEN;
	bool found = false;

	if (body % esize) {
		return bad(b->err, sig, "length not a whole number of entries",
			   root);
	}
	for (u32 i = 0; i < body / esize; i++) {
		u64 at = root + SDT_HDR_LEN + (u64)i * esize;
		const u8 *e = b->p + at;
		u64 ptr = esize == 8 ? rd64(e) : rd32(e);
		u32 tlen;
		int ret;

		if (!header_fits(b, ptr)) {
			return bad(b->err, sig, "pointer outside the blob", at);
		}
		ret = check_table(b, ptr, NULL, &tlen);
		if (ret) {
			return ret;
		}
		if (memcmp(b->p + ptr, "APIC", 4) != 0) {
			continue;
		}
		/* §5.2.12: a system has one MADT; two would be ambiguous. */
		if (found) {
			return bad(b->err, "APIC", "duplicate table", ptr);
		}
		found = true;
		*madt = ptr;
		*madt_len = tlen;
	}
	if (!found) {
		return fail(b->err, "APIC", "table not found", root,
			    -SVSM_ENOENT);
	}
	return 0;
}

/* Checks the root table the RSDP names at ptr_at, then walks it. */
static int use_root(const struct blob *b, const struct blob *r, u32 ptr_at,
		    const char *sig, u64 *madt, u32 *madt_len)
{
	u32 esize = ptr_at == RSDP_XSDT_ADDR ? 8 : 4;
	u64 root = esize == 8 ? rd64(r->p + ptr_at) : rd32(r->p + ptr_at);
	u32 len;
	int ret;

	if (!header_fits(b, root)) {
		return bad(b->err, "RSDP", "pointer outside the blob", ptr_at);
	}
	ret = check_table(b, root, sig, &len);
	if (ret) {
		return ret;
	}
	return walk_root(b, root, len, sig, esize, madt, madt_len);
}

/* §5.2.5.3: the ACPI 1.0 part, and for revision >= 2 the extended part. */
static int check_rsdp(const struct blob *r, bool *has_xsdt)
{
	static const char short_blob[] = "blob shorter than the structure";
	bool sums = !(r->flags & ACPI_FWCFG_UNPATCHED);
	u32 len;

	if (r->len < RSDP_V1_LEN) {
		return bad(r->err, "RSDP", short_blob, 0);
	}
	if (memcmp(r->p, "RSD PTR ", 8) != 0) {
		return bad(r->err, "RSDP", "bad signature", 0);
	}
	if (sums && !sum_is_zero(r->p, RSDP_V1_LEN)) {
		return bad(r->err, "RSDP", "bad checksum", 0);
	}
	*has_xsdt = false;
	if (r->p[RSDP_REVISION] < 2) {
		return 0;
	}
	if (r->len < RSDP_V2_LEN) {
		return bad(r->err, "RSDP", short_blob, 0);
	}
	len = rd32(r->p + RSDP_LENGTH);
	if (len < RSDP_V2_LEN) {
		return bad(r->err, "RSDP", "length shorter than the structure",
			   RSDP_LENGTH);
	}
	if (len > r->len) {
		return bad(r->err, "RSDP", "length past the end of the blob",
			   RSDP_LENGTH);
	}
	if (sums && !sum_is_zero(r->p, len)) {
		return bad(r->err, "RSDP", "bad extended checksum", 0);
	}
	*has_xsdt = rd64(r->p + RSDP_XSDT_ADDR) != 0;
	return 0;
}

/*
 * §5.2.5.3: OSPM uses the XSDT when the RSDP has one. Like Linux, fall back
 * to the RSDT if the XSDT itself is unusable; an error found beyond it (in
 * an entry or the MADT) is reported as is.
 */
static int find_madt(const struct blob *b, const struct blob *r, u64 *madt,
		     u32 *madt_len)
{
	bool has_xsdt = false;
	u64 xsdt;
	u32 xlen;
	int ret;

	ret = check_rsdp(r, &has_xsdt);
	if (ret) {
		return ret;
	}
	if (has_xsdt) {
		xsdt = rd64(r->p + RSDP_XSDT_ADDR);
		if (header_fits(b, xsdt) &&
		    !check_table(b, xsdt, "XSDT", &xlen)) {
			return use_root(b, r, RSDP_XSDT_ADDR, "XSDT", madt,
					madt_len);
		}
		memset(b->err, 0, sizeof(*b->err));
	}
	return use_root(b, r, RSDP_RSDT_ADDR, "RSDT", madt, madt_len);
}

static bool bad_args(const void *blob, size_t len, struct acpi_cpu_list *out)
{
	return (!blob && len) || len > UINT32_MAX || !out ||
	       (!out->cpus && out->max);
}

static void start(struct acpi_cpu_list *out, struct acpi_error *err)
{
	out->count = 0;
	out->disabled = 0;
	memset(err, 0, sizeof(*err));
}

int acpi_find_cpus(const void *rsdp, size_t rsdp_len, const void *tables,
		   size_t tables_len, u32 flags, struct acpi_cpu_list *out,
		   struct acpi_error *err)
{
	struct acpi_error scratch;
	struct blob r, b;
	u32 madt_len = 0;
	u64 madt = 0;
	int ret;

	if (!err) {
		err = &scratch;
	}
	if (bad_args(rsdp, rsdp_len, out) ||
	    bad_args(tables, tables_len, out)) {
		memset(err, 0, sizeof(*err));
		err->fault = "invalid arguments";
		return -SVSM_EINVAL;
	}
	start(out, err);
	r = (struct blob){ rsdp, (u32)rsdp_len, flags, err };
	b = (struct blob){ tables, (u32)tables_len, flags, err };
	ret = find_madt(&b, &r, &madt, &madt_len);
	if (ret) {
		return ret;
	}
	return walk_madt(b.p + madt, madt_len, madt, out, err);
}

int acpi_madt_cpus(const void *madt, size_t len, u32 flags,
		   struct acpi_cpu_list *out, struct acpi_error *err)
{
	struct acpi_error scratch;
	struct blob b;
	u32 tlen;
	int ret;

	if (!err) {
		err = &scratch;
	}
	if (bad_args(madt, len, out)) {
		memset(err, 0, sizeof(*err));
		err->fault = "invalid arguments";
		return -SVSM_EINVAL;
	}
	start(out, err);
	b = (struct blob){ madt, (u32)len, flags, err };
	if (!header_fits(&b, 0)) {
		return bad(err, "APIC", "blob shorter than the header", 0);
	}
	ret = check_table(&b, 0, "APIC", &tlen);
	if (ret) {
		return ret;
	}
	return walk_madt(b.p, tlen, 0, out, err);
}

/* Appends s to buf (of size len, used *pos), truncating; keeps the NUL. */
static void put(char *buf, size_t len, size_t *pos, const char *s)
{
	while (*s && *pos + 1 < len) {
		buf[(*pos)++] = *s++;
	}
	buf[*pos] = '\0';
}

static void put_hex(char *buf, size_t len, size_t *pos, u32 v)
{
	char tmp[11];
	int i = 10;

	tmp[i] = '\0';
	do {
		tmp[--i] = "0123456789abcdef"[v & 0xF];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	put(buf, len, pos, tmp + i);
}

void acpi_format_error(const struct acpi_error *err, char *buf, size_t len)
{
	char table[sizeof(err->table)];
	size_t pos = 0;

	if (!buf || !len) {
		return;
	}
	buf[0] = '\0';
	if (!err || !err->fault) {
		put(buf, len, &pos, "ACPI: no error");
		return;
	}
	if (!err->table[0]) {
		put(buf, len, &pos, "ACPI: ");
		put(buf, len, &pos, err->fault);
		return;
	}
	memcpy(table, err->table, sizeof(table) - 1);
	table[sizeof(table) - 1] = '\0';
	put(buf, len, &pos, "ACPI table ");
	put(buf, len, &pos, table);
	put(buf, len, &pos, " at offset ");
	put_hex(buf, len, &pos, err->offset);
	put(buf, len, &pos, ": ");
	put(buf, len, &pos, err->fault);
}

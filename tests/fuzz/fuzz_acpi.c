/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MADT CPU enumeration (kernel/drivers/acpi.c).
 *
 * Input: mode, rsdp_len, max, then rsdp_len bytes of RSDP blob and the rest
 * as the tables blob. Mode bits 0-1 pick how the input is used:
 *   0  as is;
 *   1  as is, with every checksum the walk will meet recomputed, so that
 *      mutations get past "bad checksum" to the checks behind it;
 *   2  the tables part is a MADT body: a valid RSDP, RSDT and MADT header
 *      are built around it, to reach the entry walk at once;
 *   3  the tables part is a bare MADT for acpi_madt_cpus().
 * Mode bit 2 passes ACPI_FWCFG_UNPATCHED. Each blob is an exact-size heap
 * copy, so ASan sees any read past its end; the result is checked for the
 * promised invariants. Seeds: tests/fuzz/corpus/acpi/ (see the README).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/acpi.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/unaligned.h>

#define HDR 36u
#define MAX_CPUS 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

static void fix_sum(u8 *p, size_t len, size_t at)
{
	u8 sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++) {
		sum += p[i];
	}
	p[at] = (u8)-sum;
}

/* Fixes the table at off if its header is inside; returns its length. */
static u32 fix_table(u8 *t, size_t len, u64 off)
{
	u32 tlen;

	if (len < HDR || off > len - HDR) {
		return 0;
	}
	tlen = rd32(t + off + 4);
	if (tlen >= HDR && tlen <= len - off) {
		fix_sum(t + off, tlen, 9);
		return tlen;
	}
	return 0;
}

/* Children first: a root's checksum does not cover them. */
static void fix_root(u8 *t, size_t len, u64 root, u32 esize)
{
	u32 rlen = fix_table(t, len, root);

	for (u32 i = 0; rlen && i < (rlen - HDR) / esize; i++) {
		const u8 *e = t + root + HDR + (u64)i * esize;

		fix_table(t, len, esize == 8 ? rd64(e) : rd32(e));
	}
	fix_table(t, len, root);
}

static void fix_all(u8 *r, size_t rlen, u8 *t, size_t tlen)
{
	u32 xlen;

	if (rlen < 20) {
		return;
	}
	fix_root(t, tlen, rd32(r + 16), 4);
	fix_sum(r, 20, 8);
	if (r[15] >= 2 && rlen >= 36) {
		fix_root(t, tlen, rd64(r + 24), 8);
		xlen = rd32(r + 20);
		if (xlen >= 36 && xlen <= rlen) {
			fix_sum(r, xlen, 32);
		}
	}
}

/* Mode 2: RSDP -> RSDT (at 0) -> MADT (at 40) whose body is the input. */
static void wrap_madt(u8 *r, u8 *t, const u8 *body, size_t blen)
{
	memset(r, 0, 20);
	memcpy(r, "RSD PTR ", 8);
	memset(t, 0, 40 + HDR);
	memcpy(t, "RSDT", 4);
	wr32(t + 4, 40);
	wr32(t + HDR, 40);
	memcpy(t + 40, "APIC", 4);
	wr32(t + 44, (u32)(HDR + blen));
	memcpy(t + 40 + HDR, body, blen);
	fix_sum(t + 40, HDR + blen, 9);
	fix_sum(t, 40, 9);
	fix_sum(r, 20, 8);
}

/*
 * Errors name a place in one of the blobs (RSDP fields are in the first 36
 * bytes); a success lists distinct APIC IDs, at most max of them.
 */
static void check(int ret, const struct acpi_cpu_list *l,
		  const struct acpi_error *err, size_t tlen)
{
	char msg[96];

	if (ret != 0 && ret != -SVSM_EBADMSG && ret != -SVSM_ENOENT &&
	    ret != -SVSM_ENOMEM) {
		abort();
	}
	if (l->count > l->max || !ret != !err->fault || err->table[4]) {
		abort();
	}
	if (ret && err->offset >= MAX(tlen, 36)) {
		abort();
	}
	for (u32 i = 0; i < l->count; i++) {
		for (u32 j = 0; j < i; j++) {
			if (l->cpus[i].apic_id == l->cpus[j].apic_id) {
				abort();
			}
		}
	}
	acpi_format_error(err, msg, sizeof(msg));
	if (strnlen(msg, sizeof(msg)) >= sizeof(msg)) {
		abort();
	}
}

static u8 *copy(const u8 *p, size_t len, size_t extra)
{
	u8 *c = malloc(len + extra ? len + extra : 1);

	if (!c) {
		abort();
	}
	if (len) {
		memcpy(c + extra, p, len);
	}
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_cpu cpus[MAX_CPUS];
	struct acpi_cpu_list l;
	struct acpi_error err;
	size_t rlen, tlen;
	u32 flags, mode;
	u8 *r, *t;
	int ret;

	if (size < 3) {
		return 0;
	}
	mode = data[0] & 3;
	flags = data[0] & 4 ? ACPI_FWCFG_UNPATCHED : 0;
	l = (struct acpi_cpu_list){ cpus, data[2] % (MAX_CPUS + 1), 0, 0 };
	data += 3;
	size -= 3;
	rlen = mode >= 2 ? 0 : MIN(data[-2], size);
	tlen = size - rlen;
	if (mode == 2) {
		r = malloc(20);
		t = copy(data, tlen, 40 + HDR);
		if (!r) {
			abort();
		}
		wrap_madt(r, t, data, tlen);
		rlen = 20;
		tlen += 40 + HDR;
	} else {
		r = copy(data, rlen, 0);
		t = copy(data + rlen, tlen, 0);
	}
	if (mode == 1) {
		fix_all(r, rlen, t, tlen);
	}
	if (mode == 3) {
		ret = acpi_madt_cpus(t, tlen, flags, &l, &err);
	} else {
		ret = acpi_find_cpus(r, rlen, t, tlen, flags, &l, &err);
	}
	check(ret, &l, &err, tlen);
	free(r);
	free(t);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for QEMU's ACPI linker/loader script
 * (kernel/drivers/acpi_loader.c), followed by the MADT walk with checksums
 * verified (kernel/drivers/acpi.c), as the kernel runs them at boot.
 *
 * Input: flags, max, rsdp_len, script_len (u16 LE), then rsdp_len bytes of
 * RSDP blob, script_len bytes of script and the rest as the tables blob.
 * Flag bits 0 and 1 leave the RSDP and the tables blob out of the blobs
 * given to the loader (as a build reading them under other names would),
 * bit 2 names the tables blob as the script will not. Each blob and the
 * script is an exact-size heap copy, so ASan sees any access past its end;
 * the results are checked for the promised invariants. Seeds:
 * tests/fuzz/corpus/acpi_loader/, from scripts/capture-acpi-blobs.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/acpi.h>
#include <svsm/acpi_loader.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/unaligned.h>

#define MAX_CPUS 64u
#define PRE 5u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

static u8 *copy(const u8 *p, size_t len)
{
	u8 *c = malloc(len ? len : 1);

	if (!c) {
		abort();
	}
	if (len) {
		memcpy(c, p, len);
	}
	return c;
}

/* The blob a command's first file field names, if supplied. */
static const struct acpi_blob *named(const u8 *c, const struct acpi_blob *b,
				     u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (!strcmp((const char *)c + 4, b[i].name)) {
			return &b[i];
		}
	}
	return NULL;
}

/*
 * After a success, the last checksum command on a supplied blob left its
 * range summing to zero: nothing runs after it that writes.
 */
static void check_last_sum(const u8 *s, size_t slen,
			   const struct acpi_blob *b, u32 n)
{
	const struct acpi_blob *blob = NULL;
	const u8 *last = NULL;
	u8 sum = 0;

	for (size_t at = 0; at < slen; at += ACPI_LOADER_CMD_LEN) {
		if (rd32(s + at) == 3 && named(s + at, b, n)) {
			last = s + at;
			blob = named(s + at, b, n);
		}
	}
	if (!last) {
		return;
	}
	for (u32 i = 0; i < rd32(last + 68); i++) {
		sum += blob->data[rd32(last + 64) + i];
	}
	if (sum) {
		abort();
	}
}

static void check_apply(int ret, const struct acpi_error *err,
			const u8 *s, size_t slen)
{
	char msg[160];

	if (ret != 0 && ret != -SVSM_EBADMSG) {
		abort();
	}
	if (!ret != !err->fault) {
		abort();
	}
	if (ret && (strcmp(err->table, ACPI_LOADER_TABLE) ||
		    err->offset % ACPI_LOADER_CMD_LEN || err->offset >= slen)) {
		abort();
	}
	acpi_loader_format_error(err, s, slen, msg, sizeof(msg));
	if (strnlen(msg, sizeof(msg)) >= sizeof(msg)) {
		abort();
	}
}

static void check_cpus(int ret, const struct acpi_cpu_list *l,
		       const struct acpi_error *err)
{
	if (ret != 0 && ret != -SVSM_EBADMSG && ret != -SVSM_ENOENT &&
	    ret != -SVSM_ENOMEM) {
		abort();
	}
	if (l->count > l->max || !ret != !err->fault) {
		abort();
	}
	for (u32 i = 0; i < l->count; i++) {
		for (u32 j = 0; j < i; j++) {
			if (l->cpus[i].apic_id == l->cpus[j].apic_id) {
				abort();
			}
		}
	}
}

/* Puts the blobs the flags keep into b; returns how many. */
static u32 pick(u8 flags, struct acpi_blob *b, u8 *r, size_t rlen, u8 *t,
		size_t tlen)
{
	u32 n = 0;

	if (!(flags & 1)) {
		b[n++] = (struct acpi_blob){ "etc/acpi/rsdp", r, rlen };
	}
	if (!(flags & 2)) {
		b[n++] = (struct acpi_blob){
			flags & 4 ? "opt/acpi/tables" : "etc/acpi/tables", t,
			tlen };
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_cpu cpus[MAX_CPUS];
	struct acpi_blob blobs[2];
	struct acpi_cpu_list l;
	struct acpi_error err;
	size_t rlen, slen, tlen;
	u8 *r, *s, *t;
	u32 n;
	int ret;

	if (size < PRE) {
		return 0;
	}
	l = (struct acpi_cpu_list){ cpus, data[1] % (MAX_CPUS + 1), 0, 0 };
	rlen = MIN(data[2], size - PRE);
	slen = MIN((size_t)(data[3] | data[4] << 8), size - PRE - rlen);
	tlen = size - PRE - rlen - slen;
	r = copy(data + PRE, rlen);
	s = copy(data + PRE + rlen, slen);
	t = copy(data + PRE + rlen + slen, tlen);
	n = pick(data[0], blobs, r, rlen, t, tlen);
	ret = acpi_loader_apply(s, slen, blobs, n, &err);
	check_apply(ret, &err, s, slen);
	if (!ret) {
		check_last_sum(s, slen, blobs, n);
		ret = acpi_find_cpus(r, rlen, t, tlen, 0, &l, &err);
		check_cpus(ret, &l, &err);
	}
	free(r);
	free(s);
	free(t);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for igvmmeasure (tools/igvmmeasure): the dump formatter,
 * the SEV-SNP digest (both zero-page modes), the KVM checks and the
 * re-emission used by "sign".
 *
 * Input: one mode byte, then the file; an odd mode byte recomputes the
 * checksum first, as in fuzz_igvm_parse.c, so mutated headers get past it.
 * Oracle: whenever the writer accepts to re-emit the file with an ID block,
 * the result must parse and have the same launch digest (the ID block is not
 * measured, igvm-format digest §11.2).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/lib/crc32.h>
#include <svsm/lib/igvm_parse.h>
#include <svsm/lib/unaligned.h>

#include "../../tools/igvmmeasure/igvmmeasure.h"

#include "igvm_crc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void svsm_panic(const char *file, int line, const char *fmt, ...)
{
	abort();
}

static FILE *sink(void)
{
	static FILE *f;

	if (!f) {
		f = fopen("/dev/null", "w");
		if (!f) {
			abort();
		}
	}
	return f;
}

/* Re-emits with an unsigned ID block; the digest must not move. */
static void check_rewrite(struct igvm_file *f, u32 mask, const u8 *digest)
{
	struct igvm_vhs_snp_id_block id = { .compatibility_mask = mask };
	u8 again[SNP_DIGEST_SIZE], *out = NULL;
	struct igvm_error err;
	struct tool_error te;
	struct igvm_file g;
	size_t len;
	u32 mask2;

	memcpy(id.ld, digest, SNP_DIGEST_SIZE);
	if (igvm_rewrite_with_id_block(f, &id, &out, &len, &te)) {
		return;
	}
	if (igvm_open(&g, out, len, &err) ||
	    snp_find_platform(&g, &mask2, &err) || mask2 != mask ||
	    snp_measure(&g, mask, false, again, &err) ||
	    memcmp(again, digest, SNP_DIGEST_SIZE) ||
	    !snp_find_id_block(&g, mask, &id)) {
		abort();
	}
	free(out);
}

static void run(struct igvm_file *f)
{
	struct dump_opts o = { .all_pages = false };
	u8 digest[SNP_DIGEST_SIZE], zero[SNP_DIGEST_SIZE];
	struct igvm_error err = { 0, NULL };
	u32 mask;

	if (igvm_dump(sink(), f, "fuzz", &o, &err) && !err.reason) {
		abort();
	}
	if (snp_find_platform(f, &mask, &err)) {
		return;
	}
	if (snp_measure(f, mask, false, digest, &err) ||
	    snp_measure(f, mask, true, zero, &err)) {
		if (!err.reason || err.offset >= f->size) {
			abort();
		}
		return;
	}
	if (snp_check_kvm(f, mask, &err) && !err.reason) {
		abort();
	}
	check_rewrite(f, mask, digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igvm_error err = { 0, NULL };
	struct igvm_file f;
	size_t len;
	u8 *buf;

	if (!size) {
		return 0;
	}
	/* An exact-size copy, so ASan sees any read past the end. */
	len = size - 1;
	buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	if (data[0] & 1) {
		fuzz_igvm_fix_crc(buf, len);
	}
	if (!igvm_open(&f, buf, len, &err)) {
		run(&f);
	} else if (!err.reason) {
		abort();
	}
	free(buf);
	return 0;
}

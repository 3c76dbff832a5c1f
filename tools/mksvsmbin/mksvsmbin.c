/* SPDX-License-Identifier: MIT */
/*
 * mksvsmbin: makes bin/svsm.bin, a QEMU -bios image holding an IGVM file and
 * the loader that applies it (include/svsm/boot/svsm_bin.h):
 *
 *   [IGVM file | zero padding | loader (64 KiB, reset vector at the end)]
 *
 * The image ends at 4 GiB when QEMU maps it, so the IGVM file is at
 * 4 GiB - image size; the loader learns that from the locator we patch.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/boot/svsm_bin.h>

struct blob {
	u8 *data;
	size_t size;
};

static int read_blob(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "mksvsmbin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	b->size = (size_t)n;
	b->data = malloc(b->size ? b->size : 1);
	if (!b->data || fread(b->data, 1, b->size, f) != b->size) {
		fprintf(stderr, "mksvsmbin: %s: cannot read\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int build(const struct blob *loader, const struct blob *igvm,
		 struct blob *out)
{
	struct svsm_bin_locator loc;
	size_t body = (igvm->size + SVSM_BIN_ALIGN - 1) & ~(size_t)(SVSM_BIN_ALIGN - 1);

	if (loader->size != SVSM_BIN_LOADER_SIZE) {
		fprintf(stderr, "mksvsmbin: loader is %zu bytes, expected %u\n",
			loader->size, SVSM_BIN_LOADER_SIZE);
		return -1;
	}
	memcpy(&loc, loader->data + SVSM_BIN_LOCATOR_OFFSET, sizeof(loc));
	if (loc.magic != SVSM_BIN_LOCATOR_MAGIC) {
		fprintf(stderr, "mksvsmbin: loader has no locator at 0x%x\n",
			SVSM_BIN_LOCATOR_OFFSET);
		return -1;
	}
	out->size = body + SVSM_BIN_LOADER_SIZE;
	if (out->size > SVSM_BIN_MAX_SIZE) {
		fprintf(stderr, "mksvsmbin: image would be %zu bytes; QEMU accepts at most %u\n",
			out->size, SVSM_BIN_MAX_SIZE);
		return -1;
	}
	out->data = calloc(1, out->size);
	if (!out->data)
		return -1;
	memcpy(out->data, igvm->data, igvm->size);
	memcpy(out->data + body, loader->data, loader->size);
	loc.igvm_gpa = (u32)(0x100000000ULL - out->size);
	loc.igvm_size = (u32)igvm->size;
	loc.image_size = (u32)out->size;
	memcpy(out->data + body + SVSM_BIN_LOCATOR_OFFSET, &loc, sizeof(loc));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "loader", required_argument, NULL, 'l' },
		{ "igvm", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lpath = NULL, *ipath = NULL, *opath = NULL;
	struct blob loader, igvm, out;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l')
			lpath = optarg;
		else if (c == 'i')
			ipath = optarg;
		else if (c == 'o')
			opath = optarg;
		else
			return 2;
	}
	if (!lpath || !ipath || !opath || optind != argc) {
		fprintf(stderr, "usage: mksvsmbin --loader BIN --igvm FILE --output FILE\n");
		return 2;
	}
	if (read_blob(lpath, &loader) || read_blob(ipath, &igvm) ||
	    build(&loader, &igvm, &out))
		return 1;
	f = fopen(opath, "wb");
	if (!f || fwrite(out.data, 1, out.size, f) != out.size || fclose(f)) {
		fprintf(stderr, "mksvsmbin: %s: %s\n", opath, strerror(errno));
		return 1;
	}
	return 0;
}

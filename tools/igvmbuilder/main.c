/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder: packs stage2, the kernel and the guest firmware into an IGVM
 * file as the build preset says.
 *
 *   igvmbuilder --config CONFIG --print-make
 *   igvmbuilder --config CONFIG --stage2 ELF --kernel ELF [--firmware FD]
 *               --output FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <svsm/hw/igvm.h>

#include "builder.h"
#include "config.h"

int file_read(const char *path, struct file_buf *buf)
{
	FILE *f = fopen(path, "rb");
	long size;

	buf->path = path;
	buf->data = NULL;
	buf->size = 0;
	if (!f) {
		fprintf(stderr, "igvmbuilder: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto err;
	buf->data = malloc(size ? (size_t)size : 1);
	if (!buf->data || fread(buf->data, 1, (size_t)size, f) != (size_t)size)
		goto err;
	buf->size = (size_t)size;
	fclose(f);
	return 0;
err:
	fprintf(stderr, "igvmbuilder: %s: cannot read\n", path);
	free(buf->data);
	buf->data = NULL;
	fclose(f);
	return -1;
}

static int write_file(const char *path, const u8 *data, size_t len)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "igvmbuilder: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "igvmbuilder: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: igvmbuilder --config CONFIG --print-make\n"
		"       igvmbuilder --config CONFIG --stage2 ELF --kernel ELF [--firmware FD] --output FILE\n");
}

struct args {
	const char *config, *stage2, *kernel, *firmware, *output;
	bool print_make;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "stage2", required_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "print-make", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 's': a->stage2 = optarg; break;
		case 'k': a->kernel = optarg; break;
		case 'f': a->firmware = optarg; break;
		case 'o': a->output = optarg; break;
		case 'm': a->print_make = true; break;
		default: return -1;
		}
	}
	if (optind != argc || !a->config)
		return -1;
	if (!a->print_make && (!a->stage2 || !a->kernel || !a->output))
		return -1;
	return 0;
}

static int load_firmware(const struct build_config *cfg, const char *path,
			 struct file_buf *fw)
{
	memset(fw, 0, sizeof(*fw));
	if (!cfg->firmware_env[0]) {
		if (path)
			fprintf(stderr, "igvmbuilder: %s has no firmware; ignoring %s\n",
				cfg->path, path);
		return 0;
	}
	if (!path || !*path) {
		fprintf(stderr, "igvmbuilder: %s needs a firmware: set %s to an OVMF image (Debian: apt-get install ovmf)\n",
			cfg->path, cfg->firmware_env);
		return -1;
	}
	if (access(path, R_OK)) {
		fprintf(stderr, "igvmbuilder: firmware %s=%s: %s\n",
			cfg->firmware_env, path, strerror(errno));
		return -1;
	}
	if (file_read(path, fw) || firmware_check(fw))
		return -1;
	if (!(cfg->platform_masks & ~IGVM_MASK_NATIVE))
		fprintf(stderr,
			"igvmbuilder: note: firmware %s checked but not packaged: no platform of %s launches a guest firmware\n",
			path, cfg->path);
	return 0;
}

int main(int argc, char **argv)
{
	struct build_config cfg;
	struct build_inputs in = { .cfg = &cfg };
	struct args a;
	size_t len;
	u8 *out;

	if (parse_args(argc, argv, &a)) {
		usage();
		return 2;
	}
	if (config_load(a.config, &cfg))
		return 1;
	if (a.print_make) {
		config_print_make(&cfg);
		return 0;
	}
	if (load_firmware(&cfg, a.firmware, &in.firmware) ||
	    file_read(a.stage2, &in.stage2) || file_read(a.kernel, &in.kernel))
		return 1;
	if (build_igvm(&in, &out, &len))
		return 1;
	if (write_file(a.output, out, len))
		return 1;
	free(out);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder command line: packs stage2, the kernel and the guest firmware
 * into an IGVM file as the build preset says.
 *
 *   igvmbuilder --config CONFIG --print-make
 *   igvmbuilder --config CONFIG --stage2 ELF --kernel ELF [--firmware FD]
 *               --output FILE
 *
 * Exit status: 0 success, 1 an input or the output could not be processed,
 * 2 bad command line.
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

int file_read(const char *what, const char *path, struct file_buf *buf)
{
	FILE *f = fopen(path, "rb");
	long size;

	buf->path = path;
	buf->data = NULL;
	buf->size = 0;
	if (!f) {
		return bld_error("%s %s: %s", what, path, strerror(errno));
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		goto err;
	}
	buf->data = malloc(size ? (size_t)size : 1);
	if (!buf->data ||
	    fread(buf->data, 1, (size_t)size, f) != (size_t)size) {
		goto err;
	}
	buf->size = (size_t)size;
	fclose(f);
	return 0;
err:
	free(buf->data);
	buf->data = NULL;
	fclose(f);
	return bld_error("%s %s: cannot read", what, path);
}

void file_free(struct file_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->size = 0;
}

/* Written to a temporary name first, so a failure leaves no partial file. */
static int write_file(const char *path, const u8 *data, size_t len)
{
	char tmp[4096];
	bool ok;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		return bld_error("%s: %s", tmp, strerror(errno));
	}
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f)) {
		ok = false;
	}
	if (!ok) {
		unlink(tmp);
		return bld_error("%s: write failed", tmp);
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return bld_error("%s: %s", path, strerror(errno));
	}
	return 0;
}

static int usage(void)
{
	bld_error("usage: igvmbuilder --config CONFIG --print-make\n"
		  "       igvmbuilder --config CONFIG --stage2 ELF --kernel ELF [--firmware FD] --output FILE");
	return 2;
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
	optind = 0; /* full getopt reset: the tests run the tool repeatedly */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config = optarg;
			break;
		case 's':
			a->stage2 = optarg;
			break;
		case 'k':
			a->kernel = optarg;
			break;
		case 'f':
			a->firmware = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'm':
			a->print_make = true;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || !a->config) {
		return -1;
	}
	if (!a->print_make && (!a->stage2 || !a->kernel || !a->output)) {
		return -1;
	}
	return 0;
}

/*
 * The preset names the make variable that holds the firmware path; a
 * missing path or file is an error even when the firmware ends up not
 * packaged, so that a typo never goes unnoticed.
 */
static int load_firmware(const struct build_config *cfg, const char *path,
			 struct file_buf *fw)
{
	memset(fw, 0, sizeof(*fw));
	if (!cfg->firmware_env[0]) {
		if (path) {
			bld_note("%s has no firmware; ignoring %s", cfg->path,
				 path);
		}
		return 0;
	}
	if (!path || !*path) {
		return bld_error("%s needs a firmware: set %s to an OVMF image (Debian: apt-get install ovmf)",
				 cfg->path, cfg->firmware_env);
	}
	if (access(path, R_OK)) {
		return bld_error("firmware %s=%s: %s", cfg->firmware_env, path,
				 strerror(errno));
	}
	if (file_read("firmware", path, fw) || firmware_check(fw)) {
		return -1;
	}
	if (!(cfg->platform_masks & IGVM_MASK_SNP)) {
		bld_note("firmware %s checked but not packaged: no platform of %s launches a guest firmware",
			 path, cfg->path);
	}
	return 0;
}

static int build(const struct build_config *cfg, const struct args *a)
{
	struct build_inputs in = { .cfg = cfg };
	u8 *out = NULL;
	size_t len;
	int ret = 1;

	if (!load_firmware(cfg, a->firmware, &in.firmware) &&
	    !file_read("stage2", a->stage2, &in.stage2) &&
	    !file_read("kernel", a->kernel, &in.kernel) &&
	    !build_igvm(&in, &out, &len) && !write_file(a->output, out, len)) {
		ret = 0;
	}
	free(out);
	file_free(&in.firmware);
	file_free(&in.stage2);
	file_free(&in.kernel);
	return ret;
}

int igvmbuilder_run(int argc, char **argv)
{
	struct build_config cfg;
	struct args a;

	if (parse_args(argc, argv, &a)) {
		return usage();
	}
	if (config_load(a.config, &cfg)) {
		return 1;
	}
	if (a.print_make) {
		config_print_make(&cfg);
		return 0;
	}
	return build(&cfg, &a);
}

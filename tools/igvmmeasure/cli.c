/* SPDX-License-Identifier: MIT */
/*
 * igvmmeasure command line, modelled on COCONUT's igvmmeasure:
 *
 *   igvmmeasure [OPTIONS] FILE measure [-b] [-i]
 *   igvmmeasure [OPTIONS] FILE dump [-a]
 *   igvmmeasure [OPTIONS] FILE sign --key KEY.pem --output OUT [...]
 *
 * Options may come anywhere. Exit status: 0 success, 1 the file, key or
 * output could not be processed, 2 bad command line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <svsm/errno.h>

#include "igvmmeasure.h"

#define PROG "igvmmeasure"
#define EXIT_USAGE 2

enum cmd { CMD_MEASURE, CMD_DUMP, CMD_SIGN };

/* Options and the commands that accept them (bit per enum cmd). */
#define FOR_MEASURE BIT(CMD_MEASURE)
#define FOR_DUMP BIT(CMD_DUMP)
#define FOR_SIGN BIT(CMD_SIGN)

struct args {
	const char *file;
	enum cmd cmd;
	const char *key, *output;
	bool binary, native_zero, check_kvm, ignore_idblock, all_pages;
	struct snp_id_params id;
	u64 used;             /* FOR_* bits every given option allows */
	int restricting_opt; /* the option that last narrowed `used` */
};

struct ctx {
	const struct args *a;
	struct igvm_file f;
	FILE *out, *err;
};

enum {
	OPT_FAMILY_ID = 256,
	OPT_IMAGE_ID,
	OPT_VERSION,
	OPT_SVN,
};

static const struct option long_opts[] = {
	{ "binary", no_argument, NULL, 'b' },
	{ "platform", required_argument, NULL, 'p' },
	{ "native-zero", no_argument, NULL, 'n' },
	{ "check-kvm", no_argument, NULL, 'c' },
	{ "ignore-idblock", no_argument, NULL, 'i' },
	{ "all-pages", no_argument, NULL, 'a' },
	{ "key", required_argument, NULL, 'k' },
	{ "id-key", required_argument, NULL, 'k' },
	{ "output", required_argument, NULL, 'o' },
	{ "family-id", required_argument, NULL, OPT_FAMILY_ID },
	{ "image-id", required_argument, NULL, OPT_IMAGE_ID },
	{ "version", required_argument, NULL, OPT_VERSION },
	{ "svn", required_argument, NULL, OPT_SVN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [OPTIONS] FILE measure [-b] [-i]\n"
		"       " PROG " [OPTIONS] FILE dump [-a]\n"
		"       " PROG " [OPTIONS] FILE sign --key KEY.pem --output OUT\n"
		"                   [--family-id HEX] [--image-id HEX] [--version 1] [--svn N]\n"
		"options:\n"
		"  -p, --platform snp    platform to measure (only SEV-SNP)\n"
		"  -n, --native-zero     measure pages without data as SNP ZERO pages\n"
		"  -c, --check-kvm       fail unless QEMU/KVM can reproduce the digest\n"
		"  -b, --binary          measure: print the 48 raw digest bytes\n"
		"  -i, --ignore-idblock  measure: do not compare with the ID block's ld\n"
		"  -a, --all-pages       dump: one line per page, no collapsed runs\n"
		"  -k, --key KEY.pem     sign: ECDSA P-384 ID key (PEM)\n"
		"  -o, --output OUT      sign: the signed IGVM file to write\n"
		"  --family-id, --image-id HEX  sign: 16 bytes as 32 hex digits\n"
		"  --svn N               sign: guest SVN\n");
}

/* --- argument parsing ----------------------------------------------------- */

__printf(2, 3) static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, PROG ": ");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\n");
	return EXIT_USAGE;
}

static int parse_hex16(const char *s, u8 out[16])
{
	if (strlen(s) != 32) {
		return -1;
	}
	for (int i = 0; i < 16; i++) {
		unsigned int v;
		char pair[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)pair[0]) ||
		    !isxdigit((unsigned char)pair[1]) ||
		    sscanf(pair, "%x", &v) != 1) {
			return -1;
		}
		out[i] = (u8)v;
	}
	return 0;
}

static int parse_u32(const char *s, u32 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > UINT32_MAX) {
		return -1;
	}
	*out = (u32)v;
	return 0;
}

/*
 * The SNP ABI defines only ID block version 1 and QEMU hands the firmware 1
 * whatever the file says, so a block signed with another value never
 * verifies: refuse it instead of writing an image that cannot launch.
 */
static int parse_sign_value(int opt, const char *arg, struct args *a,
			    FILE *err)
{
	switch (opt) {
	case OPT_FAMILY_ID:
	case OPT_IMAGE_ID:
		if (parse_hex16(arg, opt == OPT_FAMILY_ID ?
					     a->id.family_id :
					     a->id.image_id)) {
			return usage_error(err, "%s: expected 32 hex digits",
					   arg);
		}
		return 0;
	case OPT_VERSION:
		if (parse_u32(arg, &a->id.version) || a->id.version != 1) {
			return usage_error(err,
					   "--version %s: the ID block version must be 1 (the only one the SNP ABI defines; QEMU always passes 1)",
					   arg);
		}
		return 0;
	default:
		if (parse_u32(arg, &a->id.guest_svn)) {
			return usage_error(err, "--svn %s: not a 32-bit number",
					   arg);
		}
		return 0;
	}
}

static void restrict_to(struct args *a, int opt, u64 cmds)
{
	a->used &= cmds;
	a->restricting_opt = opt;
}

static const char *opt_name(int opt)
{
	for (const struct option *o = long_opts; o->name; o++) {
		if (o->val == opt) {
			return o->name;
		}
	}
	return "?";
}

static int parse_option(int opt, const char *arg, struct args *a, FILE *err)
{
	switch (opt) {
	case 'b':
		a->binary = true;
		restrict_to(a, opt, FOR_MEASURE);
		return 0;
	case 'i':
		a->ignore_idblock = true;
		restrict_to(a, opt, FOR_MEASURE);
		return 0;
	case 'a':
		a->all_pages = true;
		restrict_to(a, opt, FOR_DUMP);
		return 0;
	case 'n':
		a->native_zero = true;
		return 0;
	case 'c':
		a->check_kvm = true;
		restrict_to(a, opt, FOR_MEASURE | FOR_SIGN);
		return 0;
	case 'p':
		if (strcmp(arg, "snp") && strcmp(arg, "sev-snp")) {
			return usage_error(err,
					   "platform '%s' is not supported (only snp)",
					   arg);
		}
		return 0;
	case 'k':
		a->key = arg;
		restrict_to(a, opt, FOR_SIGN);
		return 0;
	case 'o':
		a->output = arg;
		restrict_to(a, opt, FOR_SIGN);
		return 0;
	default:
		restrict_to(a, opt, FOR_SIGN);
		return parse_sign_value(opt, arg, a, err);
	}
}

static int parse_command(const char *s, enum cmd *cmd)
{
	static const char *const names[] = { "measure", "dump", "sign" };

	for (u32 i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*cmd = (enum cmd)i;
			return 0;
		}
	}
	return -1;
}

static int check_args(int argc, char **argv, struct args *a, FILE *err)
{
	if (argc - optind != 2) {
		usage(err);
		return EXIT_USAGE;
	}
	a->file = argv[optind];
	if (parse_command(argv[optind + 1], &a->cmd)) {
		return usage_error(err, "unknown command '%s'",
				   argv[optind + 1]);
	}
	if (!(a->used & BIT(a->cmd))) {
		return usage_error(err, "--%s does not apply to '%s'",
				   opt_name(a->restricting_opt),
				   argv[optind + 1]);
	}
	if (a->cmd == CMD_SIGN && (!a->key || !a->output)) {
		return usage_error(err, "sign needs --key and --output");
	}
	return 0;
}

/* Returns 0 to go on, or the exit code (-1 for --help: exit 0). */
static int parse_args(int argc, char **argv, struct args *a, FILE *err)
{
	int opt, ret;

	memset(a, 0, sizeof(*a));
	a->id.version = SNP_ID_BLOCK_VERSION;
	a->used = FOR_MEASURE | FOR_DUMP | FOR_SIGN;
	optind = 0; /* full getopt reset: the tests call this repeatedly */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "bp:ncik:o:ah", long_opts,
				  NULL)) != -1) {
		if (opt == 'h') {
			return -1;
		}
		if (opt == '?' || opt == ':') {
			return usage_error(err, "bad option '%s'",
					   argv[optind - 1]);
		}
		ret = parse_option(opt, optarg, a, err);
		if (ret) {
			return ret;
		}
	}
	return check_args(argc, argv, a, err);
}

/* --- files ---------------------------------------------------------------- */

static int read_all(int fd, u8 *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0) {
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static int read_file(const char *path, u8 **data, size_t *len,
		     struct tool_error *e)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	int ret = -1;

	*data = NULL;
	if (fd < 0 || fstat(fd, &st)) {
		tool_fail(e, "%s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		tool_fail(e, "not a regular file");
	} else if (!(*data = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		tool_fail(e, "out of memory");
	} else if (read_all(fd, *data, (size_t)st.st_size)) {
		tool_fail(e, "read error");
	} else {
		*len = (size_t)st.st_size;
		ret = 0;
	}
	if (fd >= 0) {
		close(fd);
	}
	if (ret) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

/* Written to a temporary name first, so a failure leaves no partial file. */
static int write_file(const char *path, const u8 *data, size_t len,
		      struct tool_error *e)
{
	char tmp[4096];
	bool ok;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		return tool_fail(e, "%s: %s", tmp, strerror(errno));
	}
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f)) {
		ok = false;
	}
	if (!ok) {
		unlink(tmp);
		return tool_fail(e, "%s: write failed", tmp);
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return tool_fail(e, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* --- commands ------------------------------------------------------------- */

__printf(2, 3) static int fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->err, PROG ": %s: ", c->a->file);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fprintf(c->err, "\n");
	return 1;
}

static int fail_igvm(const struct ctx *c, const struct igvm_error *e)
{
	return fail(c, "%s at offset 0x%x", e->reason, e->offset);
}

static int fail_no_snp(const struct ctx *c)
{
	const struct igvm_file *f = &c->f;
	char list[256] = "";
	size_t n = 0;

	for (u32 i = 0; i < f->nplatforms && n < sizeof(list); i++) {
		n += (size_t)snprintf(list + n, sizeof(list) - n,
				      "%s%s mask 0x%x", i ? ", " : "",
				      igvm_platform_type_name(
					      f->platforms[i].type),
				      f->platforms[i].mask);
	}
	return fail(c, "no SEV-SNP platform in the file (it declares %s)",
		    list);
}

static void print_hex(FILE *out, const u8 *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		fprintf(out, "%02x", p[i]);
	}
	fprintf(out, "\n");
}

/* Finds the SNP platform, runs the KVM checks if asked, and measures. */
static int measure_snp(struct ctx *c, u32 *mask, u8 *digest)
{
	struct igvm_error e;
	int ret;

	ret = snp_find_platform(&c->f, mask, &e);
	if (ret == -SVSM_ENOENT) {
		return fail_no_snp(c);
	}
	if (!ret && c->a->check_kvm) {
		ret = snp_check_kvm(&c->f, *mask, &e);
	}
	if (!ret) {
		ret = snp_measure(&c->f, *mask, c->a->native_zero, digest, &e);
	}
	return ret ? fail_igvm(c, &e) : 0;
}

/* Like igvmmeasure: an ID block whose ld differs is an error (§6.4). */
static int check_id_block(struct ctx *c, u32 mask, const u8 *digest)
{
	struct igvm_vhs_snp_id_block id;

	if (c->a->ignore_idblock || !snp_find_id_block(&c->f, mask, &id) ||
	    !memcmp(id.ld, digest, SNP_DIGEST_SIZE)) {
		return 0;
	}
	fail(c, "the SNP ID block's ld does not match the computed digest");
	fprintf(c->err, "  ID block ld: ");
	print_hex(c->err, id.ld, SNP_DIGEST_SIZE);
	fprintf(c->err, "  computed:    ");
	print_hex(c->err, digest, SNP_DIGEST_SIZE);
	return 1;
}

static int cmd_measure(struct ctx *c)
{
	u8 digest[SNP_DIGEST_SIZE];
	u32 mask;
	int ret;

	ret = measure_snp(c, &mask, digest);
	if (!ret) {
		ret = check_id_block(c, mask, digest);
	}
	if (ret) {
		return ret;
	}
	if (c->a->binary) {
		fwrite(digest, 1, sizeof(digest), c->out);
	} else {
		print_hex(c->out, digest, sizeof(digest));
	}
	return 0;
}

static int cmd_dump(struct ctx *c)
{
	struct dump_opts o = {
		.all_pages = c->a->all_pages,
		.native_zero = c->a->native_zero,
	};
	struct igvm_error e;

	if (igvm_dump(c->out, &c->f, c->a->file, &o, &e)) {
		fflush(c->out);
		return fail_igvm(c, &e);
	}
	return 0;
}

/* The signed file must parse and measure exactly like the input. */
static int check_signed(struct ctx *c, const u8 *buf, size_t len,
			const u8 *digest)
{
	u8 again[SNP_DIGEST_SIZE];
	struct igvm_file out;
	struct igvm_error e;
	u32 mask;

	if (igvm_open(&out, buf, len, &e) ||
	    snp_find_platform(&out, &mask, &e) ||
	    snp_measure(&out, mask, c->a->native_zero, again, &e)) {
		return fail(c, "internal error: the signed file is invalid: %s at offset 0x%x",
			    e.reason, e.offset);
	}
	if (memcmp(again, digest, SNP_DIGEST_SIZE)) {
		return fail(c, "internal error: signing changed the launch digest");
	}
	return 0;
}

static int sign_with_key(struct ctx *c, EVP_PKEY *key)
{
	struct igvm_vhs_snp_id_block id;
	u8 digest[SNP_DIGEST_SIZE];
	struct tool_error e;
	u8 *buf = NULL;
	size_t len = 0;
	u64 policy;
	u32 mask;
	int ret;

	ret = measure_snp(c, &mask, digest);
	if (ret) {
		return ret;
	}
	if (!snp_find_policy(&c->f, mask, &policy)) {
		return fail(c, "no GUEST_POLICY for the SEV-SNP platform (mask 0x%x): the ID block signs the policy",
			    mask);
	}
	if (snp_id_block_build(&id, mask, digest, &c->a->id, policy, key, &e) ||
	    igvm_rewrite_with_id_block(&c->f, &id, &buf, &len, &e)) {
		return fail(c, "%s", e.text);
	}
	ret = check_signed(c, buf, len, digest);
	if (!ret && write_file(c->a->output, buf, len, &e)) {
		ret = fail(c, "%s", e.text);
	}
	free(buf);
	if (!ret) {
		print_hex(c->out, digest, sizeof(digest));
	}
	return ret;
}

static int cmd_sign(struct ctx *c)
{
	struct tool_error e;
	EVP_PKEY *key;
	int ret;

	key = snp_load_key(c->a->key, &e);
	if (!key) {
		fprintf(c->err, PROG ": %s\n", e.text);
		return 1;
	}
	ret = sign_with_key(c, key);
	EVP_PKEY_free(key);
	return ret;
}

static int run_command(struct ctx *c, const u8 *data, size_t len)
{
	struct igvm_error e;

	if (igvm_open(&c->f, data, len, &e)) {
		return fail_igvm(c, &e);
	}
	switch (c->a->cmd) {
	case CMD_MEASURE:
		return cmd_measure(c);
	case CMD_DUMP:
		return cmd_dump(c);
	default:
		return cmd_sign(c);
	}
}

int igvmmeasure_run(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctx c = { .out = out, .err = err };
	struct tool_error e;
	struct args a;
	size_t len;
	u8 *data;
	int ret;

	ret = parse_args(argc, argv, &a, err);
	if (ret) {
		if (ret < 0) {
			usage(out);
		}
		return ret < 0 ? 0 : ret;
	}
	c.a = &a;
	if (read_file(a.file, &data, &len, &e)) {
		return fail(&c, "%s", e.text);
	}
	ret = run_command(&c, data, len);
	free(data);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/*
 * Build presets. Unknown keys are errors, not silently ignored: a typo in a
 * preset must not produce a different image than the user asked for.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/boot/layout.h>
#include <svsm/hw/igvm.h>

#include "builder.h"
#include "config.h"

/* SNP guest policy bit 17 is reserved and must be 1 (SNP firmware ABI). */
#define SNP_POLICY_RESERVED_ONE BIT(17)
/* COCONUT's default: SMT allowed, plus the reserved bit. */
#define SNP_POLICY_DEFAULT 0x30000ULL

__printf(3, 4) static int cfg_error(const struct build_config *cfg,
				    const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bld_error("%s: key \"%s\": %s", cfg->path, key, msg);
}

static int check_keys(const struct build_config *cfg, const char *where,
		      json_object *obj, const char *const *allowed)
{
	json_object_object_foreach(obj, key, val)
	{
		const char *const *a;

		(void)val;
		for (a = allowed; *a && strcmp(*a, key); a++)
			;
		if (!*a) {
			return cfg_error(cfg, key, "unknown key in \"%s\"",
					 where);
		}
	}
	return 0;
}

static int get_string(const struct build_config *cfg, json_object *obj,
		      const char *key, char *out, size_t size, bool required)
{
	json_object *v;
	const char *s;

	if (!json_object_object_get_ex(obj, key, &v)) {
		return required ? cfg_error(cfg, key, "missing") : 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		return cfg_error(cfg, key, "must be a string");
	}
	s = json_object_get_string(v);
	if (strlen(s) >= size) {
		return cfg_error(cfg, key, "too long");
	}
	strcpy(out, s);
	return 0;
}

/* Numbers may be JSON integers or strings such as "0x30000". */
static int get_u64(const struct build_config *cfg, json_object *obj,
		   const char *key, u64 *out, bool *present)
{
	json_object *v;
	const char *s;
	char *end;

	*present = json_object_object_get_ex(obj, key, &v);
	if (!*present) {
		return 0;
	}
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0) {
			return cfg_error(cfg, key, "must not be negative");
		}
		*out = (u64)json_object_get_int64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		return cfg_error(cfg, key, "must be a number or a hex string");
	}
	s = json_object_get_string(v);
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-') {
		return cfg_error(cfg, key, "\"%s\" is not a number (use e.g. \"0x30000\")",
				 s);
	}
	return 0;
}

/*
 * The SNP guest policy is a bit field, so the preset spells it in hex, as
 * COCONUT's presets do: "0x30000". Anything else is refused rather than
 * guessed at (a decimal 196608 and a hex 0x196608 are easy to confuse).
 */
static int get_policy(struct build_config *cfg, json_object *igvm)
{
	json_object *v;
	const char *s;
	size_t n;

	cfg->has_policy = json_object_object_get_ex(igvm, "policy", &v);
	if (!cfg->has_policy) {
		cfg->policy = SNP_POLICY_DEFAULT;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		return cfg_error(cfg, "policy",
				 "must be a hex string such as \"0x30000\"");
	}
	s = json_object_get_string(v);
	n = strlen(s);
	if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    strspn(s + 2, "0123456789abcdefABCDEF") != n - 2) {
		return cfg_error(cfg, "policy",
				 "\"%s\" is not a hex number (use e.g. \"0x30000\")",
				 s);
	}
	cfg->policy = strtoull(s + 2, NULL, 16);
	if (!(cfg->policy & SNP_POLICY_RESERVED_ONE)) {
		return cfg_error(cfg, "policy",
				 "%s has bit 17 clear, which the SNP firmware ABI reserves as 1 (use e.g. \"0x30000\")",
				 s);
	}
	return 0;
}

static int parse_platforms(struct build_config *cfg, json_object *igvm)
{
	json_object *arr;

	if (!json_object_object_get_ex(igvm, "platforms", &arr)) {
		return cfg_error(cfg, "platforms", "missing");
	}
	if (!json_object_is_type(arr, json_type_array) ||
	    !json_object_array_length(arr)) {
		return cfg_error(cfg, "platforms", "must be a non-empty array");
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *p = json_object_is_type(e, json_type_string) ?
					json_object_get_string(e) : NULL;
		u32 mask;

		if (p && !strcmp(p, "native")) {
			mask = IGVM_MASK_NATIVE;
		} else if (p && !strcmp(p, "snp")) {
			mask = IGVM_MASK_SNP;
		} else {
			return cfg_error(cfg, "platforms",
					 "unknown platform \"%s\" (known: snp, native)",
					 p ? p : json_object_to_json_string(e));
		}
		if (cfg->platform_masks & mask) {
			return cfg_error(cfg, "platforms",
					 "platform \"%s\" listed twice", p);
		}
		cfg->platform_masks |= mask;
	}
	return 0;
}

/*
 * "kernel_region": {"size": S} puts the region at the top of the highest
 * RAM range, chosen by stage2 at boot (base 0 in the boot parameters);
 * {"base": B, "size": S} fixes it and adds a REQUIRED_MEMORY directive.
 */
static int parse_region(struct build_config *cfg, json_object *igvm)
{
	static const char *const keys[] = { "base", "size", NULL };
	bool has_base = false, has_size;
	json_object *r;
	u64 end;

	cfg->kernel_region_base = 0;
	cfg->kernel_region_size = KERNEL_REGION_DEFAULT_SIZE;
	if (!json_object_object_get_ex(igvm, "kernel_region", &r)) {
		return 0;
	}
	if (check_keys(cfg, "kernel_region", r, keys) ||
	    get_u64(cfg, r, "base", &cfg->kernel_region_base, &has_base) ||
	    get_u64(cfg, r, "size", &cfg->kernel_region_size, &has_size)) {
		return -1;
	}
	if (cfg->kernel_region_base % PAGE_SIZE_2M ||
	    cfg->kernel_region_size % PAGE_SIZE_2M ||
	    cfg->kernel_region_size < KERNEL_REGION_MIN_SIZE ||
	    cfg->kernel_region_size > 0x100000000ULL) {
		return cfg_error(cfg, "kernel_region",
				 "size must be 2 MiB aligned, 4 MiB to 4 GiB; base 2 MiB aligned");
	}
	if (has_base && cfg->kernel_region_base < KERNEL_REGION_MIN_BASE) {
		return cfg_error(cfg, "base", "must be at least 0x%llx",
				 KERNEL_REGION_MIN_BASE);
	}
	/* 48-bit GPAs; the last page is where KVM puts the SNP launch VMSA. */
	end = cfg->kernel_region_base + cfg->kernel_region_size;
	if (cfg->kernel_region_base >
	    SNP_LAUNCH_VMSA_GPA - cfg->kernel_region_size) {
		return cfg_error(cfg, "kernel_region",
				 "0x%llx-0x%llx is outside the 48-bit guest-physical address space (it must end at or below 0x%llx, the SNP launch VMSA page)",
				 cfg->kernel_region_base, end,
				 SNP_LAUNCH_VMSA_GPA);
	}
	return 0;
}

static int parse_igvm(struct build_config *cfg, json_object *igvm)
{
	static const char *const keys[] = { "output", "svsm_bin", "platforms",
					    "policy", "comport", "measure",
					    "qemu_testdev", "kernel_region",
					    NULL };
	char measure[32] = "";
	u64 comport = 1, testdev = 0;
	bool present;

	if (check_keys(cfg, "igvm", igvm, keys) ||
	    get_string(cfg, igvm, "output", cfg->output, sizeof(cfg->output), true) ||
	    get_string(cfg, igvm, "svsm_bin", cfg->svsm_bin, sizeof(cfg->svsm_bin), true) ||
	    parse_platforms(cfg, igvm) || get_policy(cfg, igvm) ||
	    get_u64(cfg, igvm, "comport", &comport, &present) ||
	    get_u64(cfg, igvm, "qemu_testdev", &testdev, &present) ||
	    get_string(cfg, igvm, "measure", measure, sizeof(measure), false) ||
	    parse_region(cfg, igvm)) {
		return -1;
	}
	if (comport < 1 || comport > 4) {
		return cfg_error(cfg, "comport", "must be 1, 2, 3 or 4");
	}
	cfg->comport = (u16)comport;
	cfg->qemu_testdev = testdev != 0;
	if (*measure && strcmp(measure, "print")) {
		return cfg_error(cfg, "measure", "only \"print\" is supported");
	}
	cfg->measure_print = *measure != '\0';
	if (cfg->has_policy && !(cfg->platform_masks & IGVM_MASK_SNP)) {
		return cfg_error(cfg, "policy", "a guest policy needs the snp platform");
	}
	/* The launch digest is an SEV-SNP measurement. */
	if (cfg->measure_print && !(cfg->platform_masks & IGVM_MASK_SNP)) {
		return cfg_error(cfg, "measure", "\"print\" needs the snp platform");
	}
	return 0;
}

static int parse_kernel(struct build_config *cfg, json_object *k)
{
	static const char *const keys[] = { "type", "features", "elf", NULL };

	strcpy(cfg->kernel_type, "svsm");
	strcpy(cfg->kernel_elf, "svsm-kernel.elf");
	if (check_keys(cfg, "kernel", k, keys) ||
	    get_string(cfg, k, "type", cfg->kernel_type, sizeof(cfg->kernel_type), false) ||
	    get_string(cfg, k, "features", cfg->features, sizeof(cfg->features), false) ||
	    get_string(cfg, k, "elf", cfg->kernel_elf, sizeof(cfg->kernel_elf), false)) {
		return -1;
	}
	if (strcmp(cfg->kernel_type, "svsm") && strcmp(cfg->kernel_type, "test")) {
		return cfg_error(cfg, "type", "must be \"svsm\" or \"test\"");
	}
	return 0;
}

static int parse_firmware(struct build_config *cfg, json_object *fw)
{
	static const char *const keys[] = { "env", NULL };

	return check_keys(cfg, "firmware", fw, keys) ||
	       get_string(cfg, fw, "env", cfg->firmware_env,
			  sizeof(cfg->firmware_env), false);
}

static int parse_root(struct build_config *cfg, json_object *root)
{
	static const char *const keys[] = { "igvm", "kernel", "firmware",
					    "description", NULL };
	json_object *igvm, *kernel, *fw;

	if (!json_object_is_type(root, json_type_object)) {
		return cfg_error(cfg, "(top level)", "must be an object");
	}
	if (check_keys(cfg, "(top level)", root, keys)) {
		return -1;
	}
	if (!json_object_object_get_ex(root, "igvm", &igvm)) {
		return cfg_error(cfg, "igvm", "missing");
	}
	if (!json_object_object_get_ex(root, "kernel", &kernel)) {
		return cfg_error(cfg, "kernel", "missing");
	}
	if (parse_igvm(cfg, igvm) || parse_kernel(cfg, kernel)) {
		return -1;
	}
	if (json_object_object_get_ex(root, "firmware", &fw) &&
	    parse_firmware(cfg, fw)) {
		return -1;
	}
	return 0;
}

int config_load(const char *path, struct build_config *cfg)
{
	json_object *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	root = json_object_from_file(path);
	if (!root) {
		return bld_error("%s: cannot read or parse JSON: %s", path,
				 json_util_get_last_err());
	}
	ret = parse_root(cfg, root);
	json_object_put(root);
	return ret;
}

void config_print_make(const struct build_config *cfg)
{
	printf("CFG_OUTPUT := %s\n", cfg->output);
	printf("CFG_SVSM_BIN := %s\n", cfg->svsm_bin);
	printf("CFG_KERNEL_TYPE := %s\n", cfg->kernel_type);
	printf("CFG_KERNEL_ELF := %s\n", cfg->kernel_elf);
	printf("CFG_FEATURES := %s\n", cfg->features);
	printf("CFG_PLATFORMS :=%s%s\n",
	       cfg->platform_masks & IGVM_MASK_SNP ? " snp" : "",
	       cfg->platform_masks & IGVM_MASK_NATIVE ? " native" : "");
	printf("CFG_FIRMWARE := %s\n", cfg->firmware_env);
	printf("CFG_MEASURE := %s\n", cfg->measure_print ? "print" : "");
}

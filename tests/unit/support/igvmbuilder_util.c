/* SPDX-License-Identifier: MIT */
/* Helpers for the igvmbuilder tests; see igvmbuilder_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svsm/lib/elf.h>

#include "../../../tools/igvmbuilder/builder.h"
#include "igvmbuilder_util.h"

static char dir[64];
static char path_buf[256];
static char *diag_text;
static size_t diag_len;
static FILE *diag_stream;

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		fprintf(stderr, "cannot remove %s\n", dir);
	}
}

const char *tu_dir(void)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/igvmbuilder-test-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(remove_dir);
	}
	return dir;
}

const char *tu_path(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", tu_dir(), name);
	return path_buf;
}

char *tu_write(const char *name, const void *data, size_t len)
{
	char *path = strdup(tu_path(name));
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

void tu_diag_begin(void)
{
	free(diag_text);
	diag_text = NULL;
	diag_stream = open_memstream(&diag_text, &diag_len);
	bld_set_diag(diag_stream);
}

const char *tu_diag_end(void)
{
	bld_set_diag(NULL);
	fclose(diag_stream);
	return diag_text ? diag_text : "";
}

u8 *tu_stage2_elf(size_t *len)
{
	size_t size = 0x1000 + TEST_STAGE2_FILESZ;
	u8 *b = calloc(1, size);
	struct elf64_ehdr eh = {
		.e_ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
		.e_type = ELF_ET_EXEC,
		.e_machine = ELF_EM_X86_64,
		.e_version = 1,
		.e_entry = TEST_STAGE2_ENTRY,
		.e_phoff = sizeof(struct elf64_ehdr),
		.e_ehsize = sizeof(struct elf64_ehdr),
		.e_phentsize = sizeof(struct elf64_phdr),
		.e_phnum = 1,
	};
	struct elf64_phdr ph = {
		.p_type = ELF_PT_LOAD,
		.p_flags = ELF_PF_R | ELF_PF_W | ELF_PF_X,
		.p_offset = 0x1000,
		.p_vaddr = 0x10000,
		.p_paddr = 0x10000,
		.p_filesz = TEST_STAGE2_FILESZ,
		.p_memsz = TEST_STAGE2_MEMSZ,
		.p_align = 0x1000,
	};

	memcpy(b, &eh, sizeof(eh));
	memcpy(b + sizeof(eh), &ph, sizeof(ph));
	for (size_t i = 0; i < TEST_STAGE2_FILESZ; i++) {
		b[0x1000 + i] = (u8)(i * 7 + 1);
	}
	*len = size;
	return b;
}

u8 *tu_kernel_bytes(size_t *len)
{
	u8 *b = malloc(TEST_KERNEL_SIZE);

	for (size_t i = 0; i < TEST_KERNEL_SIZE; i++) {
		b[i] = (u8)(i * 13 + 5);
	}
	memcpy(b, "\177ELF", 4);
	*len = TEST_KERNEL_SIZE;
	return b;
}

char *tu_preset(const char *name, const char *platforms, const char *extra,
		const char *fw_env)
{
	char text[2048];
	int n;

	n = snprintf(text, sizeof(text),
		     "{\n"
		     "  \"igvm\": {\n"
		     "    \"output\": \"t.igvm\", \"svsm_bin\": \"t.bin\",\n"
		     "    \"platforms\": [%s], \"comport\": 1%s\n"
		     "  },\n"
		     "  \"kernel\": { \"type\": \"svsm\" },\n"
		     "  \"firmware\": { %s%s%s }\n"
		     "}\n",
		     platforms, extra, fw_env ? "\"env\": \"" : "",
		     fw_env ? fw_env : "", fw_env ? "\"" : "");
	return tu_write(name, text, (size_t)n);
}

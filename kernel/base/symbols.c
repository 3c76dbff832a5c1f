/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbol lookup from the ELF symbol table that stage2 copied into the
 * kernel region. Only used on the report paths, so a linear scan is fine.
 */
#include <svsm/boot/layout.h>
#include <svsm/debug.h>
#include <svsm/lib/elf.h>

static const struct elf64_sym *syms;
static u64 nsyms;
static const char *strtab;
static u64 strtab_size;

void symbols_init(const struct svsm_launch_info *li)
{
	if (!li->symtab_va || !li->strtab_va || !li->strtab_size)
		return;
	syms = (const struct elf64_sym *)li->symtab_va;
	nsyms = li->symtab_size / sizeof(*syms);
	strtab = (const char *)li->strtab_va;
	strtab_size = li->strtab_size;
}

static const char *sym_name(const struct elf64_sym *s)
{
	/* The table is the kernel's own, but a bad index must not fault. */
	if (s->st_name >= strtab_size || strtab[strtab_size - 1] != '\0')
		return "?";
	return strtab + s->st_name;
}

bool symbols_lookup(u64 addr, const char **name, u64 *offset)
{
	const struct elf64_sym *best = NULL;

	for (u64 i = 0; i < nsyms; i++) {
		const struct elf64_sym *s = &syms[i];

		if (ELF_ST_TYPE(s->st_info) != ELF_STT_FUNC ||
		    addr < s->st_value)
			continue;
		if (s->st_size ? addr >= s->st_value + s->st_size : false)
			continue;
		if (!best || s->st_value > best->st_value)
			best = s;
	}
	if (!best)
		return false;
	*name = sym_name(best);
	*offset = addr - best->st_value;
	return true;
}

/* SPDX-License-Identifier: MIT */
/* ELF64 reader: see include/svsm/lib/elf.h. */
#include <svsm/errno.h>
#include <svsm/lib/elf.h>
#include <svsm/lib/string.h>

static bool in_file(const struct elf_file *elf, u64 off, u64 len)
{
	u64 end;

	return add_no_overflow(off, len, &end) && end <= elf->size;
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -SVSM_EINVAL;
}

int elf_open(struct elf_file *elf, const void *data, u64 size,
	     const char **why)
{
	struct elf64_ehdr *eh = &elf->ehdr;
	u64 ph_bytes;

	elf->data = data;
	elf->size = size;
	if (size < sizeof(*eh))
		return fail(why, "file smaller than an ELF header");
	memcpy(eh, data, sizeof(*eh));
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
		return fail(why, "not an ELF file");
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1)
		return fail(why, "not a little-endian ELF64 file");
	if (eh->e_type != ELF_ET_EXEC || eh->e_machine != ELF_EM_X86_64)
		return fail(why, "not an x86-64 executable");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return fail(why, "unexpected program header size");
	ph_bytes = (u64)eh->e_phnum * sizeof(struct elf64_phdr);
	if (!eh->e_phnum || !in_file(elf, eh->e_phoff, ph_bytes))
		return fail(why, "program headers outside the file");
	if (eh->e_shnum && (eh->e_shentsize != sizeof(struct elf64_shdr) ||
			    !in_file(elf, eh->e_shoff,
				     (u64)eh->e_shnum * sizeof(struct elf64_shdr))))
		return fail(why, "section headers outside the file");
	return 0;
}

u32 elf_phnum(const struct elf_file *elf)
{
	return elf->ehdr.e_phnum;
}

int elf_load_segment(const struct elf_file *elf, u32 idx,
		     struct elf_segment *seg, const char **why)
{
	struct elf64_phdr ph;
	u64 end;

	if (idx >= elf->ehdr.e_phnum)
		return fail(why, "no such program header");
	memcpy(&ph, elf->data + elf->ehdr.e_phoff + (u64)idx * sizeof(ph),
	       sizeof(ph));
	if (ph.p_type != ELF_PT_LOAD)
		return 0;
	if (ph.p_filesz > ph.p_memsz)
		return fail(why, "segment file size larger than memory size");
	if (!in_file(elf, ph.p_offset, ph.p_filesz))
		return fail(why, "segment data outside the file");
	if (!add_no_overflow(ph.p_vaddr, ph.p_memsz, &end))
		return fail(why, "segment wraps around the address space");
	seg->vaddr = ph.p_vaddr;
	seg->memsz = ph.p_memsz;
	seg->offset = ph.p_offset;
	seg->filesz = ph.p_filesz;
	seg->flags = ph.p_flags;
	return 1;
}

static void read_shdr(const struct elf_file *elf, u32 idx,
		      struct elf64_shdr *sh)
{
	memcpy(sh, elf->data + elf->ehdr.e_shoff + (u64)idx * sizeof(*sh),
	       sizeof(*sh));
}

int elf_symtab(const struct elf_file *elf, const struct elf64_sym **syms,
	       u64 *nsyms, const char **strtab, u64 *strtab_size,
	       const char **why)
{
	struct elf64_shdr sh, str;

	for (u32 i = 0; i < elf->ehdr.e_shnum; i++) {
		read_shdr(elf, i, &sh);
		if (sh.sh_type != ELF_SHT_SYMTAB)
			continue;
		if (sh.sh_entsize != sizeof(struct elf64_sym) ||
		    !in_file(elf, sh.sh_offset, sh.sh_size) ||
		    sh.sh_link >= elf->ehdr.e_shnum)
			return fail(why, "malformed symbol table");
		read_shdr(elf, sh.sh_link, &str);
		if (!in_file(elf, str.sh_offset, str.sh_size) || !str.sh_size)
			return fail(why, "malformed string table");
		*syms = (const struct elf64_sym *)(elf->data + sh.sh_offset);
		*nsyms = sh.sh_size / sizeof(struct elf64_sym);
		*strtab = (const char *)(elf->data + str.sh_offset);
		*strtab_size = str.sh_size;
		return 0;
	}
	return -SVSM_ENOENT;
}

/* SPDX-License-Identifier: MIT */
/*
 * ELF64 reader for static x86-64 executables (the kernel and stage2). Used by
 * stage2 to load the kernel and by igvmbuilder to lay out stage2. Every
 * offset is checked against the buffer; nothing is trusted.
 * Layouts from the System V gABI, "ELF Header" and "Program Header".
 */
#ifndef SVSM_LIB_ELF_H
#define SVSM_LIB_ELF_H

#include <svsm/types.h>

struct elf64_ehdr {
	u8 e_ident[16];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
} __packed;
STATIC_ASSERT_SIZE(struct elf64_ehdr, 64);

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
} __packed;
STATIC_ASSERT_SIZE(struct elf64_phdr, 56);

struct elf64_shdr {
	u32 sh_name;
	u32 sh_type;
	u64 sh_flags;
	u64 sh_addr;
	u64 sh_offset;
	u64 sh_size;
	u32 sh_link;
	u32 sh_info;
	u64 sh_addralign;
	u64 sh_entsize;
} __packed;
STATIC_ASSERT_SIZE(struct elf64_shdr, 64);

struct elf64_sym {
	u32 st_name;
	u8 st_info;
	u8 st_other;
	u16 st_shndx;
	u64 st_value;
	u64 st_size;
} __packed;
STATIC_ASSERT_SIZE(struct elf64_sym, 24);

#define ELF_PT_LOAD 1
#define ELF_PF_X 0x1
#define ELF_PF_W 0x2
#define ELF_PF_R 0x4
#define ELF_ET_EXEC 2
#define ELF_EM_X86_64 62
#define ELF_SHT_SYMTAB 2
#define ELF_STT_FUNC 2
#define ELF_ST_TYPE(info) ((info) & 0xf)

struct elf_file {
	const u8 *data;
	u64 size;
	struct elf64_ehdr ehdr; /* private copy, already checked */
};

/* Loadable segment, checked: offset+filesz inside the file, filesz<=memsz. */
struct elf_segment {
	u64 vaddr;
	u64 memsz;
	u64 offset;
	u64 filesz;
	u32 flags; /* ELF_PF_* */
};

/*
 * Checks the header of a static x86-64 ELF64 executable (ET_EXEC). Returns 0
 * or -SVSM_EINVAL with *why set to a static reason.
 */
int elf_open(struct elf_file *elf, const void *data, u64 size,
	     const char **why);

/* Number of program headers. */
u32 elf_phnum(const struct elf_file *elf);

/*
 * Returns 1 and fills *seg if program header idx is a PT_LOAD, 0 if it is
 * another type, or -SVSM_EINVAL (with *why) if it is malformed.
 */
int elf_load_segment(const struct elf_file *elf, u32 idx,
		     struct elf_segment *seg, const char **why);

/*
 * Finds the symbol table and its string table. Returns 0 with pointers into
 * the file, -SVSM_ENOENT if there is none, -SVSM_EINVAL if malformed.
 */
int elf_symtab(const struct elf_file *elf, const struct elf64_sym **syms,
	       u64 *nsyms, const char **strtab, u64 *strtab_size,
	       const char **why);

#endif

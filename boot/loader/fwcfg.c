/* SPDX-License-Identifier: MIT */
/*
 * Minimal fw_cfg reader for the loader (port I/O only): the e820 table and
 * the CPU count. Interface per QEMU docs/specs/fw_cfg.rst.
 */
#include <arch/io.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>

#include "loader.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_NB_CPUS 0x0005
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_MAX_FILES 4096
#define E820_TYPE_RAM 1

struct fwcfg_file {
	u32 size_be;
	u16 select_be;
	u16 reserved;
	char name[56];
} __packed;

struct e820_entry {
	u64 addr;
	u64 len;
	u32 type;
} __packed;

static u32 be32(u32 v)
{
	return __builtin_bswap32(v);
}

static void fwcfg_read(u16 key, void *buf, u32 len)
{
	u8 *p = buf;

	arch_outw(FW_CFG_PORT_SEL, key);
	for (u32 i = 0; i < len; i++)
		p[i] = arch_inb(FW_CFG_PORT_DATA);
}

/* Continues reading the currently selected item. */
static void fwcfg_read_more(void *buf, u32 len)
{
	u8 *p = buf;

	for (u32 i = 0; i < len; i++)
		p[i] = arch_inb(FW_CFG_PORT_DATA);
}

static int fwcfg_find(const char *name, u16 *key, u32 *size)
{
	struct fwcfg_file f;
	u32 count;

	fwcfg_read(FW_CFG_FILE_DIR, &count, sizeof(count));
	count = be32(count);
	if (count > FW_CFG_MAX_FILES)
		return -SVSM_EINVAL;
	for (u32 i = 0; i < count; i++) {
		fwcfg_read_more(&f, sizeof(f));
		f.name[sizeof(f.name) - 1] = '\0';
		if (strcmp(f.name, name) == 0) {
			*key = __builtin_bswap16(f.select_be);
			*size = be32(f.size_be);
			return 0;
		}
	}
	return -SVSM_ENOENT;
}

static void add_ram(struct machine_info *info, u64 start, u64 len)
{
	u64 end;

	if (!len || !add_no_overflow(start, len, &end) || info->nram >= E820_MAX)
		return;
	/* Only whole pages are usable RAM (and rounding must not wrap). */
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (end - start < PAGE_SIZE)
		return;
	start = ALIGN_UP(start, PAGE_SIZE);
	if (start >= end)
		return;
	info->ram[info->nram].start = start;
	info->ram[info->nram].end = end;
	info->nram++;
}

static int read_e820(struct machine_info *info)
{
	struct e820_entry e;
	u32 size;
	u16 key;
	int ret;

	ret = fwcfg_find("etc/e820", &key, &size);
	if (ret)
		return ret;
	if (size % sizeof(e))
		return -SVSM_EINVAL;
	arch_outw(FW_CFG_PORT_SEL, key);
	for (u32 i = 0; i < size / sizeof(e); i++) {
		fwcfg_read_more(&e, sizeof(e));
		if (e.type == E820_TYPE_RAM)
			add_ram(info, e.addr, e.len);
	}
	return info->nram ? 0 : -SVSM_ENOENT;
}

int fwcfg_read_machine(struct machine_info *info)
{
	char sig[4];
	u16 cpus;

	fwcfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0)
		return -SVSM_ENOENT;
	fwcfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	info->cpus = cpus ? cpus : 1;
	return read_e820(info);
}

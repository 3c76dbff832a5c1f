/* SPDX-License-Identifier: MIT */
/* svsm.bin loader internals. */
#ifndef BOOT_LOADER_LOADER_H
#define BOOT_LOADER_LOADER_H

#include <svsm/types.h>

/* CPU state loader_start() establishes; offsets are used by entry.S. */
struct loader_start {
	u32 eax, ebx, ecx, edx, esi, edi, ebp, esp; /* 0..28 */
	u32 eflags;                                 /* 32 */
	u32 cr0, cr3, cr4;                          /* 36, 40, 44 */
	u32 efer_lo, efer_hi;                       /* 48, 52 */
	u16 gdtr_limit;                             /* 56: lgdt operand */
	u32 gdtr_base;                              /* 58 */
	u16 data_selector;                          /* 62 */
	u32 eip;                                    /* 64: far pointer */
	u16 code_selector;                          /* 68 */
	u16 pad;
} __packed;
STATIC_ASSERT_OFFSET(struct loader_start, eflags, 32);
STATIC_ASSERT_OFFSET(struct loader_start, efer_hi, 52);
STATIC_ASSERT_OFFSET(struct loader_start, gdtr_limit, 56);
STATIC_ASSERT_OFFSET(struct loader_start, data_selector, 62);
STATIC_ASSERT_OFFSET(struct loader_start, eip, 64);
STATIC_ASSERT_OFFSET(struct loader_start, code_selector, 68);

__noreturn void loader_start(const struct loader_start *start);

#define E820_MAX 32

struct e820_range {
	u64 start;
	u64 end; /* exclusive */
};

/* What the loader learnt from QEMU's fw_cfg. */
struct machine_info {
	struct e820_range ram[E820_MAX];
	u32 nram;
	u32 cpus;
};

/* Reads e820 RAM ranges and the CPU count. Returns 0 or -SVSM_E*. */
int fwcfg_read_machine(struct machine_info *info);

__noreturn __printf(1, 2) void loader_fail(const char *fmt, ...);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state. GS base points at the CPU's struct percpu (whose first field
 * points to itself); FS base points at fs_block, whose word at 0x28 is the
 * stack-protector canary that gcc-built libraries read as %fs:0x28.
 */
#ifndef SVSM_PERCPU_H
#define SVSM_PERCPU_H

#include <arch/desc.h>
#include <svsm/types.h>

enum percpu_stack {
	STACK_RUNTIME = 0,
	STACK_IST_DF,
	STACK_IST_NMI,
	STACK_IST_MC,
	STACK_IST_DEBUG,
	STACK_IST_EXCEPTION,
	STACK_IST_IRQ,
	STACK_COUNT,
};

struct stack_range {
	u64 bottom;
	u64 top;
};

struct fault_record {
	u64 count;
	u64 vector;
	u64 error_code;
	u64 rip;
	u64 cr2;
};

struct fs_block {
	u64 reserved[5];
	u64 stack_canary; /* offset 0x28 */
};

struct percpu {
	struct percpu *self; /* offset 0: read by this_cpu() */
	u32 cpu_index;
	u32 apic_id;
	struct fs_block fs_block;
	struct gdt gdt;
	struct tss tss;
	struct stack_range stacks[STACK_COUNT];
	u32 exception_depth;
	struct fault_record last_fault;
	volatile u32 online;
};

/* The calling CPU's per-CPU area (valid from the first kernel instruction). */
struct percpu *this_cpu(void);

/* Installs the static early per-CPU area of the BSP (no stacks yet). */
void percpu_early_init(void);

/*
 * Allocates the per-CPU area of CPU `index` and maps its stacks, each above
 * an unmapped guard page, at PERCPU_VIRT_BASE + index * PERCPU_VIRT_STRIDE.
 * Returns NULL when out of memory.
 */
struct percpu *percpu_create(u32 index, u32 apic_id);

/* Makes cpu the calling CPU's area: GDT, TSS, GS and FS bases. */
void percpu_load(struct percpu *cpu);

/* Stack the CPU that owns `cpu` runs on after boot. */
u64 percpu_runtime_stack_top(const struct percpu *cpu);

/* True if [addr, addr+len) lies inside one of the CPU's stacks. */
bool percpu_on_stack(const struct percpu *cpu, u64 addr, u64 len);

#endif

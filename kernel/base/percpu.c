/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU areas. The struct lives in the linear map; the CPU's stacks are
 * mapped in its own window at PERCPU_VIRT_BASE + index * PERCPU_VIRT_STRIDE,
 * from +2 MiB upwards, each above an unmapped guard page, so an overflow
 * faults instead of silently corrupting the next stack.
 */
#include <arch/percpu.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>

#define STACKS_OFFSET 0x200000ULL

/* Stack sizes as page-allocator orders (32 KiB runtime, 16 KiB IST). */
static const unsigned int stack_order[STACK_COUNT] = {
	[STACK_RUNTIME] = 3,     [STACK_IST_DF] = 2,
	[STACK_IST_NMI] = 2,     [STACK_IST_MC] = 2,
	[STACK_IST_DEBUG] = 2,   [STACK_IST_EXCEPTION] = 3,
	[STACK_IST_IRQ] = 2,
};

static const enum ist_slot stack_ist[STACK_COUNT] = {
	[STACK_RUNTIME] = IST_NONE,
	[STACK_IST_DF] = IST_DOUBLE_FAULT,
	[STACK_IST_NMI] = IST_NMI,
	[STACK_IST_MC] = IST_MACHINE_CHECK,
	[STACK_IST_DEBUG] = IST_DEBUG,
	[STACK_IST_EXCEPTION] = IST_EXCEPTION,
	[STACK_IST_IRQ] = IST_IRQ,
};

static struct percpu boot_percpu;

struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

void percpu_early_init(void)
{
	boot_percpu.self = &boot_percpu;
	arch_set_gs_base(&boot_percpu);
}

static int map_stack(struct percpu *cpu, enum percpu_stack s, u64 *va)
{
	u64 size = PAGE_SIZE << stack_order[s];
	void *mem = mm_alloc_zeroed_pages(stack_order[s]);
	int ret;

	if (!mem)
		return -SVSM_ENOMEM;
	*va += PAGE_SIZE; /* guard page */
	ret = mm_map(*va, mm_virt_to_phys(mem), size, PGT_WRITE | PGT_4K_ONLY);
	if (ret) {
		mm_free_pages(mem);
		return ret;
	}
	cpu->stacks[s].bottom = *va;
	cpu->stacks[s].top = *va + size;
	*va += size;
	return 0;
}

struct percpu *percpu_create(u32 index, u32 apic_id)
{
	u64 va = PERCPU_VIRT_BASE + (u64)index * PERCPU_VIRT_STRIDE +
		 STACKS_OFFSET;
	struct percpu *cpu = kzalloc(sizeof(*cpu));

	if (!cpu)
		return NULL;
	cpu->self = cpu;
	cpu->cpu_index = index;
	cpu->apic_id = apic_id;
	for (int s = 0; s < STACK_COUNT; s++) {
		if (map_stack(cpu, s, &va))
			return NULL; /* boot-time only: failure is fatal anyway */
		if (stack_ist[s] != IST_NONE)
			cpu->tss.ist[stack_ist[s] - 1] = cpu->stacks[s].top;
	}
	cpu->tss.iomap_base = sizeof(cpu->tss);
	gdt_init(&cpu->gdt, &cpu->tss);
	return cpu;
}

void percpu_load(struct percpu *cpu)
{
	gdt_load(&cpu->gdt, true);
	arch_set_gs_base(cpu);
	arch_set_fs_base(&cpu->fs_block);
}

u64 percpu_runtime_stack_top(const struct percpu *cpu)
{
	return cpu->stacks[STACK_RUNTIME].top;
}

bool percpu_on_stack(const struct percpu *cpu, u64 addr, u64 len)
{
	for (int s = 0; s < STACK_COUNT; s++) {
		if (addr >= cpu->stacks[s].bottom &&
		    addr + len <= cpu->stacks[s].top)
			return true;
	}
	return false;
}

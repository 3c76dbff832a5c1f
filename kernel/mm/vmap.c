/* SPDX-License-Identifier: MIT */
/*
 * VMAP window allocator: a bump pointer. Mappings are made at boot (APIC,
 * trampoline, fw_cfg) and are few, so address space is never reused; this
 * keeps stale TLB entries of an unmapped range from ever aliasing a new one.
 */
#include <svsm/boot/layout.h>
#include <svsm/mm.h>
#include <svsm/spinlock.h>
#include <svsm/vmap.h>

/* The low part of the window is left to tests that map at fixed offsets. */
#define VMAP_DYNAMIC_START (VMAP_VIRT_BASE + 0x20000000ULL)

static u64 next_va = VMAP_DYNAMIC_START;
static spinlock_t vmap_lock = SPINLOCK_INIT;

void *vmap_phys(phys_addr_t pa, u64 size, u64 flags)
{
	u64 va, irq;

	if (!size || !IS_ALIGNED(pa, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE))
		return NULL;
	irq = spin_lock_irqsave(&vmap_lock);
	va = next_va;
	if (size > VMAP_VIRT_BASE + VMAP_VIRT_SIZE - va - PAGE_SIZE) {
		spin_unlock_irqrestore(&vmap_lock, irq);
		return NULL;
	}
	next_va += size + PAGE_SIZE;
	spin_unlock_irqrestore(&vmap_lock, irq);
	if (mm_map(va, pa, size, flags | PGT_4K_ONLY))
		return NULL;
	return (void *)(uintptr_t)va;
}

void vunmap(void *va, u64 size)
{
	mm_unmap((u64)(uintptr_t)va, size);
}

void vunmap_local(void *va, u64 size)
{
	mm_unmap_local((u64)(uintptr_t)va, size);
}

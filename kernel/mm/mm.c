/* SPDX-License-Identifier: MIT */
/*
 * Kernel memory management glue: locks around the page pool and heap, the
 * linear mapping of the kernel region, and the kernel page tables.
 */
#define LOG_MODULE "mm"

#include <arch/cpu.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/mm.h>
#include <svsm/mm/heap.h>
#include <svsm/smp.h>
#include <svsm/spinlock.h>


extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __boot_stack_guard[], __boot_stack_bottom[];
extern char __kernel_end[];

static struct page_pool pool;
static struct heap heap;
static spinlock_t pool_lock = SPINLOCK_INIT;
static spinlock_t pt_lock = SPINLOCK_INIT;
static struct pgtable kernel_pt;
static phys_addr_t region_start, region_end;

bool mm_phys_in_region(phys_addr_t pa, u64 len)
{
	u64 end;

	return add_no_overflow(pa, len, &end) && pa >= region_start &&
	       end <= region_end;
}

phys_addr_t mm_virt_to_phys(const void *va)
{
	u64 v = (u64)(uintptr_t)va;

	CHECK(v >= KERNEL_VIRT_BASE &&
	      v - KERNEL_VIRT_BASE < region_end - region_start);
	return region_start + (v - KERNEL_VIRT_BASE);
}

void *mm_phys_to_virt(phys_addr_t pa)
{
	CHECK(mm_phys_in_region(pa, 1));
	return (void *)(uintptr_t)(KERNEL_VIRT_BASE + (pa - region_start));
}

int mm_init(const struct svsm_launch_info *li)
{
	u64 heap_start = li->heap_phys_start;
	int ret;

	region_start = li->kernel_region_phys_start;
	region_end = li->kernel_region_phys_end;
	if (!IS_ALIGNED(heap_start, PAGE_SIZE) || heap_start < region_start ||
	    heap_start >= region_end)
		return -SVSM_EINVAL;
	ret = page_pool_init(&pool, (virt_addr_t)(uintptr_t)mm_phys_to_virt(heap_start),
			     heap_start, (region_end - heap_start) >> PAGE_SHIFT);
	if (ret)
		return ret;
	heap_init(&heap, &pool);
	return 0;
}

void *mm_alloc_pages(unsigned int order)
{
	u64 flags = spin_lock_irqsave(&pool_lock);
	void *p = page_pool_alloc(&pool, order);

	spin_unlock_irqrestore(&pool_lock, flags);
	return p;
}

void *mm_alloc_zeroed_pages(unsigned int order)
{
	void *p = mm_alloc_pages(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void mm_free_pages(void *va)
{
	u64 flags = spin_lock_irqsave(&pool_lock);

	page_pool_free(&pool, va);
	spin_unlock_irqrestore(&pool_lock, flags);
}

void *kmalloc(size_t size)
{
	u64 flags = spin_lock_irqsave(&pool_lock);
	void *p = heap_alloc(&heap, size);

	spin_unlock_irqrestore(&pool_lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	u64 flags = spin_lock_irqsave(&pool_lock);

	heap_free(&heap, ptr);
	spin_unlock_irqrestore(&pool_lock, flags);
}

void mm_get_stats(struct page_pool_stats *stats)
{
	u64 flags = spin_lock_irqsave(&pool_lock);

	page_pool_get_stats(&pool, stats);
	spin_unlock_irqrestore(&pool_lock, flags);
}

void mm_print_memory_info(void)
{
	page_pool_print(&pool);
}

static phys_addr_t pt_alloc(void *ctx)
{
	void *p = mm_alloc_zeroed_pages(0);

	return p ? mm_virt_to_phys(p) : 0;
}

static void pt_free(void *ctx, phys_addr_t pa)
{
	mm_free_pages(mm_phys_to_virt(pa));
}

static void *pt_phys_to_virt(void *ctx, phys_addr_t pa)
{
	return mm_phys_to_virt(pa);
}

static const struct pgtable_ops kernel_pt_ops = {
	.alloc_page = pt_alloc,
	.free_page = pt_free,
	.phys_to_virt = pt_phys_to_virt,
};

/* Maps [start, end) of the kernel image or region at its linear address. */
static int map_linear(const void *start, const void *end, u64 flags)
{
	u64 s = (u64)(uintptr_t)start, e = (u64)(uintptr_t)end;

	if (s == e)
		return 0;
	return pgtable_map(&kernel_pt, s, mm_virt_to_phys(start), e - s, flags);
}

static int map_kernel_image(void)
{
	int ret;

	ret = map_linear(__text_start, __text_end, PGT_EXEC);
	if (!ret)
		ret = map_linear(__rodata_start, __rodata_end, 0);
	if (!ret)
		ret = map_linear(__data_start, __boot_stack_guard, PGT_WRITE);
	/* The page under the boot stack stays unmapped: a guard. */
	if (!ret)
		ret = map_linear(__boot_stack_bottom, __kernel_end, PGT_WRITE);
	return ret;
}

int mm_init_kernel_pagetable(void)
{
	char *region_virt_end = (char *)mm_phys_to_virt(region_end - 1) + 1;
	int ret;

	ret = pgtable_init(&kernel_pt, &kernel_pt_ops, 0);
	if (!ret)
		ret = map_kernel_image();
	if (!ret)
		ret = map_linear(__kernel_end, region_virt_end, PGT_WRITE);
	if (ret)
		return ret;
	arch_write_cr3(kernel_pt.root);
	return 0;
}

int mm_map(virt_addr_t va, phys_addr_t pa, u64 size, u64 flags)
{
	u64 irq = spin_lock_irqsave(&pt_lock);
	int ret = pgtable_map(&kernel_pt, va, pa, size, flags);

	spin_unlock_irqrestore(&pt_lock, irq);
	return ret;
}

int mm_unmap(virt_addr_t va, u64 size)
{
	u64 irq = spin_lock_irqsave(&pt_lock);
	int ret = pgtable_unmap(&kernel_pt, va, size);

	spin_unlock_irqrestore(&pt_lock, irq);
	/* pgtable_unmap flushed this CPU; the others may cache it too. */
	if (!ret && smp_cpus_online() > 1)
		tlb_shootdown(va, size);
	return ret;
}

int mm_unmap_local(virt_addr_t va, u64 size)
{
	u64 irq = spin_lock_irqsave(&pt_lock);
	int ret = pgtable_unmap(&kernel_pt, va, size);

	spin_unlock_irqrestore(&pt_lock, irq);
	return ret;
}

int mm_walk(virt_addr_t va, struct pgtable_walk_result *res)
{
	u64 irq = spin_lock_irqsave(&pt_lock);
	int ret = pgtable_walk(&kernel_pt, va, res);

	spin_unlock_irqrestore(&pt_lock, irq);
	return ret;
}

phys_addr_t mm_kernel_pt_root(void)
{
	return kernel_pt.root;
}

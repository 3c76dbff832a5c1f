/* SPDX-License-Identifier: MIT */
/*
 * Application-processor bring-up on the native platform (INIT-SIPI-SIPI,
 * Intel SDM vol. 3, 9.4.4) and cross-CPU calls over IPIs.
 *
 * The trampoline (kernel/arch/x86/trampoline.S) needs low memory:
 * 0x8000 code and start context, 0x9000-0xBFFF transition page tables.
 * The loader's scratch area is free once the kernel runs.
 */
#define LOG_MODULE "smp"

#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpu_init.h>
#include <arch/desc.h>
#include <arch/exception.h>
#include <svsm/acpi.h>
#include <svsm/arch/tlb.h>
#include <svsm/boot/layout.h>
#include <svsm/errno.h>
#include <svsm/hw/x86_pte.h>
#include <svsm/kernel.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/platform.h>
#include <svsm/smp.h>
#include <svsm/spinlock.h>
#include <svsm/vmap.h>

#define TRAMPOLINE_PA 0x8000ULL
#define TRANSITION_PML4_PA 0x9000ULL
#define TRANSITION_PDPT_PA 0xA000ULL
#define TRANSITION_PD_PA 0xB000ULL
#define LOW_PAGES 4
#define AP_WAIT_LOOPS 20000000ULL
#define CALL_WAIT_LOOPS 2000000000ULL

struct trampoline_ctx {
	u64 kernel_cr3;
	u64 stack;
	u64 entry;
	u64 arg;
};

extern const char trampoline_start[], trampoline_end[], trampoline_ctx[];

static struct percpu *cpus[SMP_MAX_CPUS];
static u32 ncpus = 1;
static u64 last_bringup_cycles;

u64 smp_last_bringup_cycles(void)
{
	return last_bringup_cycles;
}

static struct {
	spinlock_t lock;
	smp_call_fn fn;
	void *arg;
	u32 pending;
} call = { .lock = SPINLOCK_INIT };

u32 smp_cpus_online(void)
{
	return __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);
}

struct percpu *smp_cpu(u32 index)
{
	return index < SMP_MAX_CPUS ? cpus[index] : NULL;
}

__noreturn void smp_idle_loop(void)
{
	for (;;) {
		/* sti's one-instruction shadow makes "sti; hlt" race-free. */
		arch_irq_enable_and_halt();
		arch_irq_disable();
	}
}

static bool call_ipi_handler(struct exc_frame *f)
{
	smp_call_fn fn = __atomic_load_n(&call.fn, __ATOMIC_ACQUIRE);

	fn(call.arg);
	__atomic_fetch_sub(&call.pending, 1, __ATOMIC_RELEASE);
	apic_eoi();
	return true;
}

static bool spurious_handler(struct exc_frame *f)
{
	return true; /* no EOI for the spurious vector (SDM 11.9) */
}

/*
 * Takes the call lock. A CPU that waits for it with interrupts enabled keeps
 * taking IPIs meanwhile: the holder may be waiting for this very CPU.
 */
static u64 call_lock(void)
{
	u64 flags = arch_read_rflags();

	arch_irq_disable();
	while (!spin_trylock(&call.lock)) {
		if (flags & RFLAGS_IF) {
			arch_irq_enable();
			arch_cpu_relax();
			arch_irq_disable();
		} else {
			arch_cpu_relax();
		}
	}
	return flags;
}

void smp_call_all(smp_call_fn fn, void *arg)
{
	u32 self = this_cpu()->cpu_index;
	u64 irq = call_lock();
	u32 n = smp_cpus_online();

	call.arg = arg;
	__atomic_store_n(&call.fn, fn, __ATOMIC_RELEASE);
	__atomic_store_n(&call.pending, n - 1, __ATOMIC_RELEASE);
	for (u32 i = 0; i < n; i++) {
		if (i != self && cpus[i])
			apic_send_ipi(cpus[i]->apic_id, SMP_CALL_VECTOR);
	}
	fn(arg);
	for (u64 loops = 0; __atomic_load_n(&call.pending, __ATOMIC_ACQUIRE);
	     loops++) {
		CHECK(loops < CALL_WAIT_LOOPS);
		arch_cpu_relax();
	}
	spin_unlock_irqrestore(&call.lock, irq);
}

struct flush_range {
	u64 va;
	u64 size;
};

static void flush_local(void *arg)
{
	const struct flush_range *r = arg;

	if (r->size > 64 * PAGE_SIZE) {
		arch_flush_tlb_all();
		return;
	}
	for (u64 off = 0; off < r->size; off += PAGE_SIZE)
		arch_flush_tlb_page(r->va + off);
}

void tlb_shootdown(virt_addr_t va, u64 size)
{
	struct flush_range r = { ALIGN_DOWN(va, PAGE_SIZE),
				 ALIGN_UP(size + (va & (PAGE_SIZE - 1)),
					  PAGE_SIZE) };

	if (smp_cpus_online() > 1)
		smp_call_all(flush_local, &r);
	else
		flush_local(&r);
}

/* Runs on the AP, still on the transition page tables. */
static __noreturn void ap_start(struct percpu *cpu, u64 kernel_cr3)
{
	arch_write_cr3(kernel_cr3);
	percpu_load(cpu);
	idt_load();
	if (arch_cpu_init())
		PANIC("CPU %u has no SSE2", cpu->cpu_index);
	if (platform_cpu_init())
		PANIC("CPU %u: platform set-up failed", cpu->cpu_index);
	apic_init_ap();
	log_info("CPU %u (APIC ID %u) is online", cpu->cpu_index, cpu->apic_id);
	__atomic_store_n(&cpu->online, 1, __ATOMIC_RELEASE);
	kernel_cpu_loop();
}

/*
 * Transition tables: PML4[0] -> PDPT -> PD[0] = identity 2 MiB page for the
 * trampoline; the upper-half entries are the kernel's, so the AP can reach
 * its stack and the kernel once in long mode.
 */
static void build_transition_tables(u64 *low)
{
	u64 *pml4 = low + 512, *pdpt = low + 1024, *pd = low + 1536;
	const u64 *kpml4 = mm_phys_to_virt(mm_kernel_pt_root());

	memset(pml4, 0, 3 * PAGE_SIZE);
	pml4[0] = TRANSITION_PDPT_PA | PTE_P | PTE_W;
	pdpt[0] = TRANSITION_PD_PA | PTE_P | PTE_W;
	pd[0] = PTE_P | PTE_W | PTE_PS | PTE_A | PTE_D;
	for (int i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
}

static u64 *setup_trampoline(void)
{
	u64 *low = vmap_phys(TRAMPOLINE_PA, LOW_PAGES * PAGE_SIZE, PGT_WRITE);
	u64 len = (u64)(trampoline_end - trampoline_start);

	if (!low)
		return NULL;
	CHECK(len <= PAGE_SIZE);
	memcpy(low, trampoline_start, len);
	build_transition_tables(low);
	return low;
}

static bool start_one(u64 *low, struct percpu *cpu)
{
	struct trampoline_ctx *ctx =
		(void *)((u8 *)low + (trampoline_ctx - trampoline_start));

	ctx->kernel_cr3 = mm_kernel_pt_root();
	ctx->stack = percpu_runtime_stack_top(cpu);
	ctx->entry = (u64)(uintptr_t)ap_start;
	ctx->arg = (u64)(uintptr_t)cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	log_debug("Launching AP %u with APIC-ID %u", cpu->cpu_index,
		  cpu->apic_id);
	u64 t0 = arch_rdtsc();

	apic_send_init(cpu->apic_id);
	apic_send_sipi(cpu->apic_id, TRAMPOLINE_PA >> PAGE_SHIFT);
	apic_send_sipi(cpu->apic_id, TRAMPOLINE_PA >> PAGE_SHIFT);
	for (u64 i = 0; i < AP_WAIT_LOOPS; i++) {
		if (__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) {
			last_bringup_cycles = arch_rdtsc() - t0;
			return true;
		}
		arch_cpu_relax();
	}
	return false;
}

static void start_listed(u64 *low, const struct acpi_cpu_list *list)
{
	u32 bsp_apic = this_cpu()->apic_id;

	for (u32 i = 0; i < list->count && ncpus < SMP_MAX_CPUS; i++) {
		u32 id = list->cpus[i].apic_id;
		struct percpu *cpu;

		if (id == bsp_apic)
			continue;
		cpu = percpu_create(ncpus, id);
		if (!cpu)
			PANIC("out of memory for the per-CPU area of APIC ID %u",
			      id);
		if (!start_one(low, cpu)) {
			log_error("CPU with APIC ID %u did not come up; continuing without it",
				  id);
			continue;
		}
		cpus[ncpus] = cpu;
		__atomic_store_n(&ncpus, ncpus + 1, __ATOMIC_RELEASE);
	}
}

u32 smp_start_aps(const struct acpi_cpu_list *list)
{
	u64 *low;

	cpus[0] = this_cpu();
	cpus[0]->apic_id = apic_id();
	exception_set_handler(SMP_CALL_VECTOR, call_ipi_handler);
	exception_set_handler(APIC_SPURIOUS_VECTOR, spurious_handler);
	if (list->count <= 1)
		return ncpus;
	low = setup_trampoline();
	if (!low) {
		log_error("cannot map the AP trampoline; running on the BSP only");
		return ncpus;
	}
	start_listed(low, list);
	vunmap(low, LOW_PAGES * PAGE_SIZE);
	return ncpus;
}

/* SPDX-License-Identifier: MIT */
/*
 * SMP: bring-up of the application processors and cross-CPU calls.
 * Only the BSP brings CPUs up; smp_call_all() may be called from any CPU
 * whose interrupts the others can take (APs idle with interrupts on).
 */
#ifndef SVSM_SMP_H
#define SVSM_SMP_H

#include <svsm/types.h>

#define SMP_MAX_CPUS 64
#define SMP_CALL_VECTOR 0xF0

struct acpi_cpu_list;

/*
 * Starts every CPU in the list except the BSP, one at a time; a CPU that
 * does not come up within a bounded wait is reported by APIC ID and left
 * out. Returns the number of CPUs online (BSP included).
 */
u32 smp_start_aps(const struct acpi_cpu_list *cpus);

u32 smp_cpus_online(void);
/* TSC cycles from INIT to "online" of the last AP started (for make bench). */
u64 smp_last_bringup_cycles(void);
struct percpu *smp_cpu(u32 index);

typedef void (*smp_call_fn)(void *arg);

/* Runs fn(arg) on every online CPU, the caller included; waits for all. */
void smp_call_all(smp_call_fn fn, void *arg);

/* Invalidates [va, va + size) in the TLB of every online CPU. */
void tlb_shootdown(virt_addr_t va, u64 size);

/* Idle loop of a CPU with nothing to do: sleeps, serving interrupts. */
__noreturn void smp_idle_loop(void);

#endif

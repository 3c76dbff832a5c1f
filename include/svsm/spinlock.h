/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock: FIFO fair, so no CPU starves under contention.
 * spin_lock_irqsave() also disables interrupts for code that interrupt
 * handlers may enter (the console, for instance).
 */
#ifndef SVSM_SPINLOCK_H
#define SVSM_SPINLOCK_H

#include <arch/cpu.h>
#include <svsm/types.h>

typedef struct {
	u32 next;    /* ticket handed to the next arrival */
	u32 serving; /* ticket that holds the lock */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	u32 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u32 serving = __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
	u32 expected = serving;

	return __atomic_compare_exchange_n(&l->next, &expected, serving + 1,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->serving, l->serving + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
}

static inline u64 spin_lock_irqsave(spinlock_t *l)
{
	u64 flags = arch_read_rflags();

	arch_irq_disable();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, u64 flags)
{
	spin_unlock(l);
	if (flags & RFLAGS_IF)
		arch_irq_enable();
}

#endif

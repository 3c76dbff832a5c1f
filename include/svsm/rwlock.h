/* SPDX-License-Identifier: MIT */
/*
 * Reader-writer spinlock, writer-preferring: once a writer waits, new
 * readers hold back, so a stream of readers (PVALIDATE on every vCPU)
 * cannot starve a writer (CREATE_VCPU). Not for interrupt context: it
 * does not disable interrupts.
 *
 * State word: bits 0-29 count readers, bit 30 says a writer waits, bit 31
 * that a writer holds the lock.
 */
#ifndef SVSM_RWLOCK_H
#define SVSM_RWLOCK_H

#include <arch/cpu.h>
#include <svsm/types.h>

typedef struct {
	u32 state;
} rwlock_t;

#define RWLOCK_INIT { 0 }
#define RWLOCK_WRITER 0x80000000u
#define RWLOCK_WAITING 0x40000000u
#define RWLOCK_READERS 0x3fffffffu

static inline void read_lock(rwlock_t *l)
{
	for (;;) {
		u32 v = __atomic_load_n(&l->state, __ATOMIC_RELAXED);

		if (!(v & (RWLOCK_WRITER | RWLOCK_WAITING)) &&
		    __atomic_compare_exchange_n(&l->state, &v, v + 1, true,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		arch_cpu_relax();
	}
}

static inline void read_unlock(rwlock_t *l)
{
	__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *l)
{
	for (;;) {
		u32 v = __atomic_load_n(&l->state, __ATOMIC_RELAXED);

		if (!(v & ~RWLOCK_WAITING) &&
		    __atomic_compare_exchange_n(&l->state, &v, RWLOCK_WRITER,
						true, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (!(v & RWLOCK_WAITING))
			__atomic_fetch_or(&l->state, RWLOCK_WAITING,
					  __ATOMIC_RELAXED);
		arch_cpu_relax();
	}
}

static inline void write_unlock(rwlock_t *l)
{
	__atomic_fetch_and(&l->state, ~RWLOCK_WRITER, __ATOMIC_RELEASE);
}

static inline bool rwlock_is_write_locked(rwlock_t *l)
{
	return __atomic_load_n(&l->state, __ATOMIC_RELAXED) & RWLOCK_WRITER;
}

#endif

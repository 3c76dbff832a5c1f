/* SPDX-License-Identifier: MIT */
/*
 * Host stand-ins for the few CPU operations generic code uses (locks,
 * interrupt flags), so modules such as the SNP platform and the protocol
 * layer build and run in host tests. Single-threaded: nothing to do.
 */
#ifndef ARCH_FAKE_CPU_H
#define ARCH_FAKE_CPU_H

#include <svsm/types.h>

#define RFLAGS_IF BIT(9)

static inline void arch_cpu_relax(void)
{
}

static inline u64 arch_read_rflags(void)
{
	return 0;
}

static inline void arch_irq_disable(void)
{
}

static inline void arch_irq_enable(void)
{
}

#endif

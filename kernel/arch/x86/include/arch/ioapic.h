/* SPDX-License-Identifier: MIT */
/* I/O APIC redirection (Intel 82093AA datasheet, section 3.2.4). */
#ifndef ARCH_X86_IOAPIC_H
#define ARCH_X86_IOAPIC_H

#include <svsm/types.h>

#define IOAPIC_DEFAULT_BASE 0xFEC00000ULL

/*
 * Routes an ISA interrupt (edge, active high) with identity GSI mapping to
 * `vector` on the CPU with APIC ID dest. Returns 0 or -SVSM_E*.
 */
int ioapic_route_isa_irq(u32 irq, u8 vector, u32 dest);

#endif

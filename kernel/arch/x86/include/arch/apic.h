/* SPDX-License-Identifier: MIT */
/*
 * Local APIC: xAPIC through its MMIO page, or x2APIC through MSRs when CPUID
 * offers it (Intel SDM vol. 3 ch. 11; AMD APM vol. 2 ch. 16).
 */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <svsm/types.h>

#define APIC_SPURIOUS_VECTOR 0xFF

/* Detects the mode, maps the xAPIC page and enables the BSP's APIC. */
int apic_init(void);
/* Enables the calling AP's APIC in the mode the BSP chose. */
void apic_init_ap(void);
bool apic_is_x2apic(void);
u32 apic_id(void);
void apic_send_init(u32 apic_id);
void apic_send_sipi(u32 apic_id, u8 vector);
void apic_send_ipi(u32 apic_id, u8 vector);
void apic_send_nmi(u32 apic_id);
void apic_eoi(void);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Zeroing memory that may fault (a guest page the hypervisor can take
 * away at any time): kernel/arch/x86/uaccess.S with rep stosq and an
 * exception-table fixup, kernel/arch/fake/zero.c on the host. The one
 * store instruction zeroes 8 bytes per step, instead of copying from a
 * zero page (which reads as much as it writes).
 */
#ifndef SVSM_ARCH_ZERO_H
#define SVSM_ARCH_ZERO_H

#include <svsm/types.h>

/* Zeroes len bytes at dst; 0, or -SVSM_EFAULT (then possibly partly). */
int arch_try_zero(void *dst, size_t len);

#endif

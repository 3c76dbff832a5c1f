/* SPDX-License-Identifier: MIT */
/*
 * Fault-tolerant memory accessors: a #PF or #GP on the access returns
 * -SVSM_EFAULT instead of crashing (kernel/arch/x86/uaccess.S, via the
 * exception table). Used for guest memory and by tests.
 */
#ifndef ARCH_X86_UACCESS_H
#define ARCH_X86_UACCESS_H

#include <svsm/types.h>

int arch_try_read_u64(const void *addr, u64 *out);
int arch_try_read_u8(const void *addr, u8 *out);
int arch_try_write_u8(void *addr, u8 value);
int arch_try_write_u64(void *addr, u64 value);
/* Copies len bytes; returns 0 or -SVSM_EFAULT (the copy may be partial). */
int arch_try_copy(void *dst, const void *src, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* Exception and interrupt entry frame (kernel/arch/x86/idt_entry.S). */
#ifndef ARCH_X86_EXCEPTION_H
#define ARCH_X86_EXCEPTION_H

#include <svsm/types.h>

#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_NM 7
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18
#define VEC_VC 29
#define VEC_FIRST_IRQ 32
#define IDT_VECTORS 256

/* Page-fault error code bits (AMD APM vol. 2, 8.4.2). */
#define PF_ERR_P BIT(0)
#define PF_ERR_W BIT(1)
#define PF_ERR_ID BIT(4)

/* Layout pushed by the entry stubs; offsets are used by idt_entry.S. */
struct exc_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};
STATIC_ASSERT_OFFSET(struct exc_frame, vector, 120);
STATIC_ASSERT_SIZE(struct exc_frame, 176);

/* Called by the entry stubs. */
void exception_dispatch(struct exc_frame *frame);

/*
 * A handler for a vector: returns true if it handled the event (the frame
 * may have been changed to resume elsewhere).
 */
typedef bool (*exc_handler_fn)(struct exc_frame *frame);
void exception_set_handler(unsigned int vector, exc_handler_fn fn);

/* Exception-table fixup for fault-tolerant accessors; true if applied. */
bool extable_fixup(struct exc_frame *frame);

const char *exception_name(unsigned int vector);

#endif

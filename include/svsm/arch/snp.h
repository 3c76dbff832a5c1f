/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP instructions and MSRs (AMD APM vol. 3: PVALIDATE, RMPADJUST,
 * VMGEXIT; GHCB spec: MSR 0xC001_0130). kernel/arch/x86/snp.c implements
 * them with the real instructions; kernel/arch/fake/snp.c forwards them to
 * the simulator in tests/sim (simulated RMP and hypervisor).
 */
#ifndef SVSM_ARCH_SNP_H
#define SVSM_ARCH_SNP_H

#include <svsm/types.h>

/* Instruction results (EAX). */
#define SNP_INSN_SUCCESS 0
#define SNP_INSN_FAIL_INPUT 1
#define SNP_INSN_FAIL_PERMISSION 2
#define SNP_INSN_FAIL_SIZEMISMATCH 6

/* RMPADJUST attributes (RDX). */
#define RMPADJUST_VMPL(v) ((u64)(v) & 0xff)
#define RMPADJUST_PERM_READ BIT(8)
#define RMPADJUST_PERM_WRITE BIT(9)
#define RMPADJUST_PERM_EXEC_USER BIT(10)
#define RMPADJUST_PERM_EXEC_SUPER BIT(11)
#define RMPADJUST_PERM_RWX 0xf00ULL
#define RMPADJUST_VMSA BIT(16)

/*
 * PVALIDATE of the page at virtual address va (4 KiB or 2 MiB). Returns the
 * instruction's result; *unchanged reports RFLAGS.CF (the RMP entry was
 * already in the requested state).
 */
int arch_pvalidate(virt_addr_t va, bool huge, bool validate, bool *unchanged);
/* RMPADJUST; returns the instruction's result (a fault is FAIL_INPUT). */
int arch_rmpadjust(virt_addr_t va, bool huge, u64 attrs);

u64 arch_ghcb_msr_read(void);
void arch_ghcb_msr_write(u64 value);
/* VMGEXIT (rep vmmcall): hands control to the hypervisor. */
void arch_vmgexit(void);
u64 arch_sev_status(void);

/* XCR0 (xgetbv 0), which the CPUID NAE and the CPUID page lookup need. */
u64 arch_snp_read_xcr0(void);
/* hlt with interrupts off: the end of a termination request. */
void arch_snp_halt(void);
/*
 * Flushes every TLB entry of every ASID on all CPUs (INVLPGB with
 * "include global" and no address, then TLBSYNC): after a rescind the
 * guest must not keep a translation to the page.
 */
void arch_snp_flush_tlb_global(void);

#endif

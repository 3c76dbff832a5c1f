/* SPDX-License-Identifier: MIT */
/*
 * The per-vCPU request loop (kernel/base/request_loop.c): run the guest at
 * its VMPL, and when it comes back, serve the call its calling area
 * announces (snp-svsm-protocol.md sections 1.3, 1.4).
 *
 * One iteration is split so that host tests and the in-SVSM tests can
 * drive each half: request_loop_enter_guest() switches to the guest and
 * returns when the SVSM runs again; request_loop_handle_exit() serves
 * what the guest left.
 */
#ifndef SVSM_REQUEST_LOOP_H
#define SVSM_REQUEST_LOOP_H

#include <svsm/types.h>

struct svsm_vcpu;

/*
 * Serves one exit of vcpu's guest: copies RAX, RCX, RDX, R8, SEV_FEATURES
 * and GUEST_EXIT_CODE out of its VMSA once; if the exit code is VMGEXIT
 * (0x403) and the calling area's call_pending byte is set, clears that
 * byte, dispatches RAX = protocol << 32 | call and writes RAX (result),
 * RCX, RDX and R8 back into the VMSA.
 * Returns 1 if a call was served, 0 if the exit carried none (the guest
 * is simply resumed), -SVSM_ENOENT if vcpu has no VMSA or calling area,
 * -SVSM_EFAULT if its VMSA could not be read.
 */
int request_loop_handle_exit(struct svsm_vcpu *vcpu);

/*
 * Sets EFER.SVME in vcpu's VMSA, runs it through the platform's run_guest
 * op and clears EFER.SVME again once the SVSM runs (so the hypervisor
 * cannot run the guest VMPL while the SVSM edits its VMSA). Returns 0,
 * -SVSM_ENOENT if vcpu has no VMSA, -SVSM_ENOTSUP if the platform has no
 * guest VMPL, or the run_guest error.
 */
int request_loop_enter_guest(struct svsm_vcpu *vcpu);

/* One iteration: enter the guest, then serve its exit. */
int request_loop_iterate(struct svsm_vcpu *vcpu);

/*
 * The calling CPU's loop, forever: iterate, and while vcpu has no VMSA
 * (before CREATE_VCPU named one for it, or after DELETE_VCPU) wait for
 * one. Panics if the platform cannot run a guest at all.
 */
__noreturn void request_loop_run(struct svsm_vcpu *vcpu);

#endif

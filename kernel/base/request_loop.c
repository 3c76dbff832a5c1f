/* SPDX-License-Identifier: MIT */
/*
 * The request loop (include/svsm/request_loop.h), following COCONUT's
 * model in snp-svsm-protocol.md section 1.4:
 *
 *   set EFER.SVME -> run the guest VMPL -> clear EFER.SVME ->
 *   GUEST_EXIT_CODE == VMGEXIT and CAA.call_pending != 0 ? ->
 *   call_pending = 0, dispatch, write RAX/RCX/RDX/R8 back -> again
 *
 * The registers come from the guest's VMSA, never from live registers,
 * and are copied out of it once. The VMSA is not writable by the guest
 * (CREATE_VCPU leaves it read-only to VMPL2), and with EFER.SVME clear the
 * hypervisor cannot run it meanwhile; the calling area is guest memory.
 *
 * call_pending is read, then written 0, not exchanged atomically: only
 * the calling vCPU's own guest uses it and that vCPU is stopped while the
 * SVSM runs; another guest vCPU writing there can only confuse its own
 * guest. The guest exchanges it with 0 after the call; a 1 it finds there
 * means "never served" (digest section 1.3).
 */
#define LOG_MODULE "rloop"

#include <arch/cpu.h>
#include <svsm/abi/svsm.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/hw/vmsa.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/platform.h>
#include <svsm/protocols.h>
#include <svsm/request_loop.h>
#include <svsm/vcpu.h>

#define VMSA_OFF(f) offsetof(struct sev_vmsa, f)

/*
 * The VMSA registers an exit needs, read in one gather, each once;
 * nothing else of the page is read. The call's four come first, in
 * struct svsm_call's order: the call is dispatched in place and the same
 * four are written back.
 */
enum { REG_RAX, REG_RCX, REG_RDX, REG_R8, REG_EXIT_CODE, REG_SEV_FEATURES,
       NREGS };
#define NCALL_REGS (REG_R8 + 1)

static const u16 reg_offset[NREGS] = {
	[REG_RAX] = VMSA_OFF(rax),
	[REG_RCX] = VMSA_OFF(rcx),
	[REG_RDX] = VMSA_OFF(rdx),
	[REG_R8] = VMSA_OFF(r8),
	[REG_EXIT_CODE] = VMSA_OFF(guest_exit_code),
	[REG_SEV_FEATURES] = VMSA_OFF(sev_features),
};

union rloop_regs {
	u64 reg[NREGS];
	struct svsm_call call;
};

STATIC_ASSERT_SIZE(struct svsm_call, NCALL_REGS * sizeof(u64));
STATIC_ASSERT_OFFSET(struct svsm_call, rax, REG_RAX * sizeof(u64));
STATIC_ASSERT_OFFSET(struct svsm_call, rcx, REG_RCX * sizeof(u64));
STATIC_ASSERT_OFFSET(struct svsm_call, rdx, REG_RDX * sizeof(u64));
STATIC_ASSERT_OFFSET(struct svsm_call, r8, REG_R8 * sizeof(u64));

/*
 * Writes the outputs into the VMSA the call came from, unless the call
 * deleted it (then the page is the guest's again). A VMSA that a newer
 * CREATE_VCPU replaced as its vCPU's is still registered: it gets them.
 */
static void rloop_write_vmsa(const struct svsm_vcpu *vcpu, phys_addr_t vmsa,
			     u8 *vmsa_va, const union rloop_regs *out)
{
	int ret = 0;

	vcpu_read_lock();
	if (vcpu->vmsa_gpa == vmsa || vcpu_vmsa_registered(vmsa))
		ret = guestmem_write_u64s_mapped(vmsa_va, reg_offset, out->reg,
						 NCALL_REGS);
	vcpu_read_unlock();
	if (ret)
		log_debug("cannot write results to VMSA 0x%llx", vmsa);
}

/*
 * Takes the call the calling area announces: call_pending read, then
 * cleared, through one mapping. False if there is none (or the CAA is
 * not accessible, which CREATE_VCPU and REMAP_CA rule out for the guest).
 */
static bool rloop_take_call(phys_addr_t caa)
{
	size_t flag = offsetof(struct svsm_caa, call_pending);
	bool taken = false;
	u8 *va;

	if (!guestmem_is_guest_ram(caa, sizeof(struct svsm_caa)))
		return false;
	va = guestmem_map(caa, PAGE_SIZE);
	if (!va)
		return false;
	/* A fault reads as negative: no call. */
	if (guestmem_read_u8_mapped(va + flag) > 0)
		taken = !guestmem_write_u8_mapped(va + flag, 0);
	guestmem_unmap(va, PAGE_SIZE);
	return taken;
}

/*
 * The exit of the VMSA at vmsa, mapped at vmsa_va for the whole call.
 * Every register is read before the calling area is touched, so a VMSA
 * that cannot be read leaves the call pending.
 */
static int rloop_serve(struct svsm_vcpu *vcpu, phys_addr_t vmsa,
		       u8 *vmsa_va, phys_addr_t caa)
{
	union rloop_regs r;

	if (guestmem_read_u64s_mapped(vmsa_va, reg_offset, r.reg, NREGS))
		return -SVSM_EFAULT;
	if (r.reg[REG_EXIT_CODE] != VMSA_EXIT_VMGEXIT || !rloop_take_call(caa))
		return 0;
	vcpu->sev_features = r.reg[REG_SEV_FEATURES];
	/* RAX out is the result; RCX, RDX, R8 as the call left them. */
	r.call.rax = svsm_dispatch(vcpu, &r.call);
	rloop_write_vmsa(vcpu, vmsa, vmsa_va, &r);
	return 1;
}

int request_loop_handle_exit(struct svsm_vcpu *vcpu)
{
	phys_addr_t vmsa, caa;
	u8 *vmsa_va;
	int ret;

	vcpu_get_pair(vcpu, &vmsa, &caa);
	if (!vmsa || !caa)
		return -SVSM_ENOENT;
	vmsa_va = guestmem_map(vmsa, PAGE_SIZE);
	if (!vmsa_va)
		return -SVSM_EFAULT;
	ret = rloop_serve(vcpu, vmsa, vmsa_va, caa);
	guestmem_unmap(vmsa_va, PAGE_SIZE);
	return ret;
}

/*
 * Sets or clears EFER.SVME, under the lock so that DELETE_VCPU (which
 * clears it and gives the page back) cannot interleave; a VMSA deleted
 * meanwhile is left alone.
 */
static int rloop_set_svme(phys_addr_t vmsa, bool on)
{
	phys_addr_t pa = vmsa + offsetof(struct sev_vmsa, efer);
	u64 efer;
	int ret = 0;

	vcpu_read_lock();
	if (vcpu_vmsa_registered(vmsa)) {
		ret = guestmem_read_phys(pa, &efer, sizeof(efer));
		efer = on ? efer | VMSA_EFER_SVME : efer & ~VMSA_EFER_SVME;
		if (!ret)
			ret = guestmem_write_phys(pa, &efer, sizeof(efer));
	}
	vcpu_read_unlock();
	return ret;
}

int request_loop_enter_guest(struct svsm_vcpu *vcpu)
{
	const struct platform *p = platform_get();
	phys_addr_t vmsa, caa;
	int ret;

	if (!p->run_guest)
		return -SVSM_ENOTSUP;
	vcpu_get_pair(vcpu, &vmsa, &caa);
	if (!vmsa)
		return -SVSM_ENOENT;
	ret = rloop_set_svme(vmsa, true);
	if (ret)
		return ret;
	ret = p->run_guest(SVSM_GUEST_VMPL);
	rloop_set_svme(vmsa, false);
	return ret;
}

int request_loop_iterate(struct svsm_vcpu *vcpu)
{
	int ret = request_loop_enter_guest(vcpu);

	return ret ? ret : request_loop_handle_exit(vcpu);
}

void request_loop_run(struct svsm_vcpu *vcpu)
{
	for (;;) {
		int ret = request_loop_iterate(vcpu);

		if (ret == -SVSM_ENOTSUP)
			PANIC("platform %s cannot run a guest",
			      platform_get()->name);
		/* No VMSA yet (or any more): wait for CREATE_VCPU. */
		if (ret == -SVSM_ENOENT)
			arch_cpu_relax();
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * #VC (vector 29): under SEV-ES/SNP the CPU raises it instead of exiting
 * to the hypervisor for CPUID, IN/OUT and RDMSR/WRMSR; the error code is
 * the SVM exit code (digest §3.7). The handler decodes the instruction,
 * which must be the one the exit code names, and emulates it through the
 * GHCB (CPUID from the CPUID page). Only the SVSM's own code runs here, so
 * anything else (string I/O, an unknown opcode) is an SVSM bug and fatal.
 * The decoder never reads past the bytes it is given (at most 15, the
 * longest x86 instruction).
 */
#include <svsm/errno.h>
#include <svsm/snp.h>

static u64 expected_exit(enum vc_insn_kind kind)
{
	switch (kind) {
	case VC_INSN_CPUID:
		return SVM_EXIT_CPUID;
	case VC_INSN_RDMSR:
	case VC_INSN_WRMSR:
		return SVM_EXIT_MSR;
	default:
		return SVM_EXIT_IOIO;
	}
}

u64 snp_msr_nae_read(u32 msr)
{
	struct ghcb_req req = {
		.exit_code = SVM_EXIT_MSR,
		.exit_info_1 = SVM_MSR_READ,
		.rcx = msr,
		.in = GHCB_F_RCX,
		.out = GHCB_F_RAX | GHCB_F_RDX,
	};
	struct ghcb_resp resp;

	ghcb_call_checked(&req, &resp);
	return ((resp.rdx & 0xffffffffULL) << 32) | (resp.rax & 0xffffffffULL);
}

void snp_msr_nae_write(u32 msr, u64 value)
{
	struct ghcb_req req = {
		.exit_code = SVM_EXIT_MSR,
		.exit_info_1 = SVM_MSR_WRITE,
		.rcx = msr,
		.rax = value & 0xffffffffULL,
		.rdx = value >> 32,
		.in = GHCB_F_RCX | GHCB_F_RAX | GHCB_F_RDX,
	};
	struct ghcb_resp resp;

	ghcb_call_checked(&req, &resp);
}

static void vc_cpuid(struct vc_regs *r, u64 xcr0)
{
	struct snp_cpuid_result res;

	/* The SVSM never enables supervisor XSAVE states: XSS is 0. */
	snp_cpuid((u32)r->rax, (u32)r->rcx, xcr0, 0, &res);
	r->rax = res.eax;
	r->rbx = res.ebx;
	r->rcx = res.ecx;
	r->rdx = res.edx;
}

static void vc_io(struct vc_regs *r, const struct vc_insn *insn)
{
	u16 port = insn->port_dx ? (u16)r->rdx : insn->port_imm;
	u64 mask = insn->size == 4 ? 0xffffffffULL :
				     (1ULL << (insn->size * 8)) - 1;

	if (insn->kind == VC_INSN_OUT) {
		snp_ioio(port, insn->size, false, (u32)(r->rax & mask));
		return;
	}
	/* A 32-bit destination zero-extends into RAX; 8/16 merge. */
	if (insn->size == 4) {
		r->rax = snp_ioio(port, 4, true, 0);
	} else {
		r->rax = (r->rax & ~mask) | snp_ioio(port, insn->size, true, 0);
	}
}

int vc_handle(struct vc_regs *regs, u64 exit_code, const u8 *bytes,
	      size_t avail, u64 xcr0)
{
	struct vc_insn insn;
	int ret = vc_decode(bytes, avail, &insn);
	u64 v;

	if (ret) {
		return ret;
	}
	if (exit_code != expected_exit(insn.kind)) {
		return -SVSM_EINVAL;
	}
	switch (insn.kind) {
	case VC_INSN_CPUID:
		vc_cpuid(regs, xcr0);
		break;
	case VC_INSN_RDMSR:
		v = snp_msr_nae_read((u32)regs->rcx);
		regs->rax = v & 0xffffffffULL;
		regs->rdx = v >> 32;
		break;
	case VC_INSN_WRMSR:
		snp_msr_nae_write((u32)regs->rcx,
				  ((regs->rdx & 0xffffffffULL) << 32) |
					  (regs->rax & 0xffffffffULL));
		break;
	default:
		vc_io(regs, &insn);
		break;
	}
	regs->rip += insn.len;
	return 0;
}

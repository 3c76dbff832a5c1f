/* SPDX-License-Identifier: MIT */
/*
 * The #VC instruction decoder: recognises exactly the instructions whose
 * intercepts the SVSM emulates (CPUID, RDMSR, WRMSR and the non-string
 * IN/OUT forms, with legacy prefixes and one REX) and never reads a byte
 * past the count it is given, capped at 15 (the longest x86 instruction).
 * Pure: unit-tested and fuzzed (tests/fuzz/fuzz_snp_psc.c).
 */
#include <svsm/errno.h>
#include <svsm/snp.h>

#define OP_TWO_BYTE 0x0f
#define OP2_WRMSR 0x30
#define OP2_RDMSR 0x32
#define OP2_CPUID 0xa2
#define OP_IN_IMM_B 0xe4
#define OP_IN_IMM 0xe5
#define OP_OUT_IMM_B 0xe6
#define OP_OUT_IMM 0xe7
#define OP_IN_DX_B 0xec
#define OP_IN_DX 0xed
#define OP_OUT_DX_B 0xee
#define OP_OUT_DX 0xef
#define PREFIX_OPSIZE 0x66

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: /* segment */
	case 0x64: case 0x65:                       /* FS, GS */
	case 0x66: case 0x67:                       /* operand, address */
	case 0xf0: case 0xf2: case 0xf3:            /* lock, rep */
		return true;
	default:
		return false;
	}
}

static int decode_0f(u8 op2, struct vc_insn *out)
{
	switch (op2) {
	case OP2_CPUID:
		out->kind = VC_INSN_CPUID;
		return 0;
	case OP2_RDMSR:
		out->kind = VC_INSN_RDMSR;
		return 0;
	case OP2_WRMSR:
		out->kind = VC_INSN_WRMSR;
		return 0;
	default:
		return -SVSM_ENOTSUP;
	}
}

/* IN/OUT: E4-E7 take an imm8 port, EC-EF use DX; odd opcodes are wide. */
static int decode_io(u8 op, bool opsize, struct vc_insn *out)
{
	bool imm = op >= OP_IN_IMM_B && op <= OP_OUT_IMM;

	if (!imm && (op < OP_IN_DX_B || op > OP_OUT_DX)) {
		return -SVSM_ENOTSUP; /* includes INS/OUTS (6C-6F) */
	}
	out->kind = (op == OP_IN_IMM_B || op == OP_IN_IMM ||
		     op == OP_IN_DX_B || op == OP_IN_DX) ?
			    VC_INSN_IN :
			    VC_INSN_OUT;
	out->size = !(op & 1) ? 1 : (opsize ? 2 : 4);
	out->port_dx = !imm;
	return 0;
}

int vc_decode(const u8 *bytes, size_t avail, struct vc_insn *out)
{
	size_t n = MIN(avail, (size_t)VC_INSN_MAX_LEN), i = 0;
	bool opsize = false;
	int ret;
	u8 op;

	*out = (struct vc_insn){ 0 };
	for (; i < n && is_legacy_prefix(bytes[i]); i++) {
		opsize |= bytes[i] == PREFIX_OPSIZE;
	}
	if (i < n && (bytes[i] & 0xf0) == 0x40) {
		i++; /* REX: no effect on these instructions' operand size */
	}
	if (i >= n) {
		return -SVSM_EINVAL;
	}
	op = bytes[i++];
	if (op == OP_TWO_BYTE) {
		if (i >= n) {
			return -SVSM_EINVAL;
		}
		ret = decode_0f(bytes[i++], out);
	} else {
		ret = decode_io(op, opsize, out);
		if (!ret && !out->port_dx) {
			if (i >= n) {
				return -SVSM_EINVAL;
			}
			out->port_imm = bytes[i++];
		}
	}
	out->len = (u8)i;
	return ret;
}

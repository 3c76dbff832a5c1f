/* SPDX-License-Identifier: MIT */
/*
 * The firmware boot vCPU's register state (digest §5.2) and its
 * SEV_FEATURES (§5.4). The firmware starts like a CPU out of reset: real
 * mode, CS:IP at its reset vector; COCONUT's init_guest_vmsa and Linux's
 * AP VMSAs use the same values.
 */
#include <svsm/abi/svsm.h>
#include <svsm/errno.h>
#include <svsm/lib/string.h>
#include <svsm/snp_launch.h>

/* Segment attributes in the VMSA's packed form (vmsa.h): P, S, type. */
#define RESET_CS_ATTRIB 0x9B   /* present code, execute/read, accessed */
#define RESET_DATA_ATTRIB 0x93 /* present data, read/write, accessed */
#define RESET_LDTR_ATTRIB 0x82 /* present LDT */
#define RESET_TR_ATTRIB 0x8B   /* present busy 32-bit TSS */
#define RESET_CS_SELECTOR 0xF000
#define RESET_LIMIT 0xFFFF

#define RESET_CR0 0x60000010ULL /* CD, NW, ET */
#define RESET_RFLAGS 0x2ULL
#define RESET_DR6 0xFFFF0FF0ULL
#define RESET_DR7 0x400ULL
#define RESET_G_PAT 0x0007040600070406ULL
#define RESET_XCR0 0x1ULL /* x87 only */
#define RESET_MXCSR 0x1F80u
#define RESET_X87_FTW 0x5555u
#define RESET_X87_FCW 0x0040u

int snp_launch_guest_features(u64 sev_status, u64 *features)
{
	u64 f = sev_status >> 2; /* SEV_FEATURES bit n = SEV_STATUS bit n+2 */

	if (f & SEV_FEAT_VTOM)
		return -SVSM_ENOTSUP;
	/*
	 * §5.4: both protect the SVSM from the host; the guest gets ordinary
	 * injection and keeps its debug registers to itself.
	 */
	*features = f & ~(SEV_FEAT_RESTRICTED_INJECTION | SEV_FEAT_DEBUG_SWAP);
	return 0;
}

static struct vmsa_segment reset_segment(u16 selector, u16 attrib, u64 base)
{
	return (struct vmsa_segment){ selector, attrib, RESET_LIMIT, base };
}

void snp_launch_init_vmsa(struct sev_vmsa *v, u32 rip, u64 sev_features)
{
	struct vmsa_segment data = reset_segment(0, RESET_DATA_ATTRIB, 0);

	memset(v, 0, sizeof(*v));
	/* §5.2: CS base holds the high bits of the reset address. */
	v->cs = reset_segment(RESET_CS_SELECTOR, RESET_CS_ATTRIB,
			      rip & 0xFFFF0000u);
	v->rip = rip & 0xFFFFu;
	v->ds = v->es = v->fs = v->gs = v->ss = data;
	v->gdtr = reset_segment(0, 0, 0);
	v->idtr = v->gdtr;
	v->ldtr = reset_segment(0, RESET_LDTR_ATTRIB, 0);
	v->tr = reset_segment(0, RESET_TR_ATTRIB, 0);
	v->cr0 = RESET_CR0;
	v->rflags = RESET_RFLAGS;
	v->dr6 = RESET_DR6;
	v->dr7 = RESET_DR7;
	v->g_pat = RESET_G_PAT;
	v->xcr0 = RESET_XCR0;
	v->mxcsr = RESET_MXCSR;
	v->x87_ftw = RESET_X87_FTW;
	v->x87_fcw = RESET_X87_FCW;
	v->vmpl = SVSM_GUEST_VMPL;
	v->sev_features = sev_features;
	/*
	 * EFER.SVME stays clear: a parked VMSA the hypervisor cannot run
	 * until the request loop sets SVME for a run (§1.4, §5.3).
	 */
	v->efer = 0;
}

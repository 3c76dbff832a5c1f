/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP-only contents of the image: the CPUID table template and the
 * boot vCPU's VMSA. (The secrets page has no contents: the PSP writes it.)
 */
#include <string.h>

#include <svsm/boot/layout.h>
#include <svsm/hw/snp_cpuid.h>
#include <svsm/hw/vmsa.h>

#include "builder.h"

/*
 * The leaves the SVSM and the guest it launches may ask for. Only the inputs
 * are ours: at launch the hypervisor fills the outputs and the PSP checks
 * them against the hardware (SNP firmware ABI, CPUID page), so a leaf left
 * out here is one that neither the SVSM nor the guest can ever read. This is
 * the list COCONUT's igvmbuilder (tools/igvmbuilder/src/cpuid.rs) uses, in
 * ascending order:
 *  0x0, 0x80000000   highest leaves and vendor: every CPUID user starts
 *                    there (Linux bounds its table lookups with them);
 *  0x1               family/model/stepping, x2APIC, XSAVE/OSXSAVE: read by
 *                    the SVSM's APIC and CPU set-up code;
 *  0x2, 0x4.0-3      cache descriptors and parameters, for the guest;
 *  0x5, 0x6          MONITOR/MWAIT and power management, for the guest;
 *  0x7.0, 0x7.1      structured features (SMEP, SMAP, CET, FSGSBASE...);
 *  0xB.0, 0xB.1      x2APIC topology (APIC IDs of the vCPUs);
 *  0xD.0, 0xD.1      XSAVE features and area sizes, with XCR0_IN = 1: Linux
 *                    trusts only the XCR0 = 1 or 3, XSS = 0 entries for
 *                    these two subleaves, and QEMU forces XCR0_IN to 1 for
 *                    them whatever the template says;
 *  0xD.2             size and offset of the AVX (YMM) state, which the
 *                    SVSM saves when it enables AVX in XCR0;
 *  0x80000001        NX, long mode, and the other extended features;
 *  0x80000002-4      brand string;
 *  0x80000005-6      L1/L2/L3 cache and TLB information;
 *  0x80000007        invariant TSC;
 *  0x80000008        physical and virtual address widths;
 *  0x8000000A        SVM features;
 *  0x80000019-1A     1 GiB TLB and performance hints;
 *  0x8000001D.0-3    cache topology;
 *  0x8000001E        extended APIC ID, core and node IDs;
 *  0x8000001F        SEV features and the C-bit position, which the SVSM
 *                    needs before it can build its page tables.
 */
static const struct {
	u32 eax_in, ecx_in;
	u64 xcr0_in;
} cpuid_leaves[] = {
	{ 0x0, 0, 0 },	      { 0x1, 0, 0 },	    { 0x2, 0, 0 },
	{ 0x4, 0, 0 },	      { 0x4, 1, 0 },	    { 0x4, 2, 0 },
	{ 0x4, 3, 0 },	      { 0x5, 0, 0 },	    { 0x6, 0, 0 },
	{ 0x7, 0, 0 },	      { 0x7, 1, 0 },	    { 0xB, 0, 0 },
	{ 0xB, 1, 0 },	      { 0xD, 0, 1 },	    { 0xD, 1, 1 },
	{ 0xD, 2, 0 },	      { 0x80000000, 0, 0 }, { 0x80000001, 0, 0 },
	{ 0x80000002, 0, 0 }, { 0x80000003, 0, 0 }, { 0x80000004, 0, 0 },
	{ 0x80000005, 0, 0 }, { 0x80000006, 0, 0 }, { 0x80000007, 0, 0 },
	{ 0x80000008, 0, 0 }, { 0x8000000A, 0, 0 }, { 0x80000019, 0, 0 },
	{ 0x8000001A, 0, 0 }, { 0x8000001D, 0, 0 }, { 0x8000001D, 1, 0 },
	{ 0x8000001D, 2, 0 }, { 0x8000001D, 3, 0 }, { 0x8000001E, 0, 0 },
	{ 0x8000001F, 0, 0 },
};
_Static_assert(ARRAY_SIZE(cpuid_leaves) <= SNP_CPUID_MAX_ENTRIES,
	       "the PSP accepts at most 64 CPUID entries");

void snp_cpuid_template(struct snp_cpuid_table *t)
{
	memset(t, 0, sizeof(*t));
	t->count = ARRAY_SIZE(cpuid_leaves);
	for (u32 i = 0; i < t->count; i++) {
		t->entries[i].eax_in = cpuid_leaves[i].eax_in;
		t->entries[i].ecx_in = cpuid_leaves[i].ecx_in;
		t->entries[i].xcr0_in = cpuid_leaves[i].xcr0_in;
	}
}

/*
 * Flat segments in the VMSA's attrib form, as COCONUT's start context gives
 * them: code 0xC9B (G, D/B, P, S, execute/read, accessed), data 0xA93 (G, L,
 * P, S, read/write, accessed). With D/B clear SS would be a 16-bit stack;
 * harmless, since stage2 loads its own GDT and every data segment before it
 * touches the stack.
 */
#define CODE32_ATTRIB 0xC9B
#define DATA_ATTRIB 0xA93
#define CODE_SELECTOR 0x08
#define DATA_SELECTOR 0x10

#define CR0_PE_ET_NE 0x31
#define CR4_MCE 0x40
#define EFER_NXE BIT(11)
#define RFLAGS_RESERVED_ONE 0x2
#define PAT_RESET 0x0007040600070406ULL /* WB, WT, UC-, UC twice */
#define XCR0_X87 0x1

static void flat_segment(struct vmsa_segment *s, u16 sel, u16 attrib)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = 0xFFFFFFFF;
	s->base = 0;
}

/*
 * The state KVM can reproduce when it measures the VMSA at launch (digest
 * §9.6, §10.1): stage2's 32-bit entry in flat protected mode with paging
 * off. CR0 must be 0x31 for KVM; EAX and ESI follow stage2's entry
 * convention (platform type, boot parameters) where COCONUT passes vTOM in
 * ESI; DR6 and DR7 are 0 as COCONUT leaves them for QEMU. SEV_FEATURES are
 * the ones the SVSM requires of its own VMSA: SNP active, restricted
 * injection (only #HV from the hypervisor) and debug-register swap.
 */
void snp_boot_vmsa(struct sev_vmsa *v, u64 rip, u64 boot_params_gpa)
{
	memset(v, 0, sizeof(*v));
	flat_segment(&v->cs, CODE_SELECTOR, CODE32_ATTRIB);
	flat_segment(&v->ds, DATA_SELECTOR, DATA_ATTRIB);
	flat_segment(&v->es, DATA_SELECTOR, DATA_ATTRIB);
	flat_segment(&v->fs, DATA_SELECTOR, DATA_ATTRIB);
	flat_segment(&v->gs, DATA_SELECTOR, DATA_ATTRIB);
	flat_segment(&v->ss, DATA_SELECTOR, DATA_ATTRIB);
	v->cr0 = CR0_PE_ET_NE;
	v->cr4 = CR4_MCE;
	v->efer = VMSA_EFER_SVME | EFER_NXE;
	v->rflags = RFLAGS_RESERVED_ONE;
	v->rip = rip;
	v->rax = SVSM_PLATFORM_SNP;
	v->rsi = boot_params_gpa;
	v->g_pat = PAT_RESET;
	v->xcr0 = XCR0_X87;
	v->sev_features = SEV_FEAT_SNP_ACTIVE | SEV_FEAT_RESTRICTED_INJECTION |
			  SEV_FEAT_DEBUG_SWAP;
	v->vmpl = 0;
}

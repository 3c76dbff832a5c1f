/* SPDX-License-Identifier: MIT */
/*
 * The SEV-ES / SEV-SNP VM save area (VMSA): the 4 KiB guest page that holds a
 * vCPU's encrypted register state. Layout from the AMD64 APM vol. 2, Table
 * B-4 ("VMSA Layout, State Save Area for SEV-ES"), cross-checked field by
 * field with Linux's struct sev_es_save_area (arch/x86/include/asm/svm.h,
 * which ends after the YMM registers at 0x670) and with COCONUT's cpuarch
 * VMSA (which goes on with the LBR and IBS state up to 0x7C8). Every offset
 * below is asserted; the reserved fields are named after their offset.
 */
#ifndef SVSM_HW_VMSA_H
#define SVSM_HW_VMSA_H

#include <svsm/types.h>

/*
 * A segment register as the VMCB/VMSA keeps it. attrib packs descriptor
 * bits 40-47 into bits 0-7 and bits 52-55 into bits 8-11 (APM vol. 2,
 * "Segment State in the VMCB").
 */
struct vmsa_segment {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;
STATIC_ASSERT_SIZE(struct vmsa_segment, 16);

#define VMSA_ATTR_TYPE_MASK 0x00Fu
#define VMSA_ATTR_S 0x010u /* code or data, not system */
#define VMSA_ATTR_DPL_SHIFT 5
#define VMSA_ATTR_P 0x080u
#define VMSA_ATTR_AVL 0x100u
#define VMSA_ATTR_L 0x200u
#define VMSA_ATTR_DB 0x400u
#define VMSA_ATTR_G 0x800u

/* Converts a 16-bit "descriptor bits 40-55" attribute to the VMSA form. */
static inline u16 vmsa_attrib(u16 desc_attr)
{
	return (u16)((desc_attr & 0xFFu) | ((desc_attr >> 4) & 0xF00u));
}

struct sev_vmsa {
	struct vmsa_segment es;
	struct vmsa_segment cs;
	struct vmsa_segment ss;
	struct vmsa_segment ds;
	struct vmsa_segment fs;
	struct vmsa_segment gs;
	struct vmsa_segment gdtr;
	struct vmsa_segment ldtr;
	struct vmsa_segment idtr;
	struct vmsa_segment tr;
	u64 pl0_ssp;
	u64 pl1_ssp;
	u64 pl2_ssp;
	u64 pl3_ssp;
	u64 u_cet;
	u8 reserved_0c8[2];
	u8 vmpl;
	u8 cpl;
	u8 reserved_0cc[4];
	u64 efer;
	u8 reserved_0d8[104];
	u64 xss;
	u64 cr4;
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;
	u64 dr0;
	u64 dr1;
	u64 dr2;
	u64 dr3;
	u64 dr0_addr_mask;
	u64 dr1_addr_mask;
	u64 dr2_addr_mask;
	u64 dr3_addr_mask;
	u8 reserved_1c0[24];
	u64 rsp;
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
	u64 rax;
	u64 star;
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;
	u8 reserved_248[32];
	u64 g_pat;
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;
	u8 reserved_298[80];
	u32 pkru;
	u32 tsc_aux;
	u64 tsc_scale;  /* Secure TSC */
	u64 tsc_offset; /* Secure TSC */
	u64 reg_prot_nonce; /* VMSA register protection; reserved in Linux */
	u64 rcx;
	u64 rdx;
	u64 rbx;
	u64 reserved_320; /* RSP lives at 0x1D8 */
	u64 rbp;
	u64 rsi;
	u64 rdi;
	u64 r8;
	u64 r9;
	u64 r10;
	u64 r11;
	u64 r12;
	u64 r13;
	u64 r14;
	u64 r15;
	u8 reserved_380[16];
	u64 guest_exit_info_1;
	u64 guest_exit_info_2;
	u64 guest_exit_int_info;
	u64 guest_nrip;
	u64 sev_features;
	u64 vintr_ctrl;
	u64 guest_exit_code;
	u64 virtual_tom;
	u64 tlb_id;
	u64 pcpu_id;
	u64 event_inj;
	u64 xcr0;
	u8 reserved_3f0[16];
	u64 x87_dp;
	u32 mxcsr;
	u16 x87_ftw;
	u16 x87_fsw;
	u16 x87_fcw;
	u16 x87_fop;
	u16 x87_ds;
	u16 x87_cs;
	u64 x87_rip;
	u8 fpreg_x87[80];
	u8 fpreg_xmm[256];
	u8 fpreg_ymm[256];
	u8 lbr_stack[256];
	u64 lbr_select;
	u64 ibs_fetch_ctl;
	u64 ibs_fetch_linaddr;
	u64 ibs_op_ctl;
	u64 ibs_op_rip;
	u64 ibs_op_data;
	u64 ibs_op_data2;
	u64 ibs_op_data3;
	u64 ibs_dc_linaddr;
	u64 bp_ibstgt_rip;
	u64 ic_ibs_extd_ctl;
	u8 reserved_7c8[2104];
} __packed;

/* Offsets from APM vol. 2 Table B-4 (and Linux's reserved-field checks). */
STATIC_ASSERT_SIZE(struct sev_vmsa, 4096);
STATIC_ASSERT_OFFSET(struct sev_vmsa, es, 0x000);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cs, 0x010);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ss, 0x020);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ds, 0x030);
STATIC_ASSERT_OFFSET(struct sev_vmsa, fs, 0x040);
STATIC_ASSERT_OFFSET(struct sev_vmsa, gs, 0x050);
STATIC_ASSERT_OFFSET(struct sev_vmsa, gdtr, 0x060);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ldtr, 0x070);
STATIC_ASSERT_OFFSET(struct sev_vmsa, idtr, 0x080);
STATIC_ASSERT_OFFSET(struct sev_vmsa, tr, 0x090);
STATIC_ASSERT_OFFSET(struct sev_vmsa, pl0_ssp, 0x0A0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, u_cet, 0x0C0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_0c8, 0x0C8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, vmpl, 0x0CA);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cpl, 0x0CB);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_0cc, 0x0CC);
STATIC_ASSERT_OFFSET(struct sev_vmsa, efer, 0x0D0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_0d8, 0x0D8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, xss, 0x140);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cr4, 0x148);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cr3, 0x150);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cr0, 0x158);
STATIC_ASSERT_OFFSET(struct sev_vmsa, dr7, 0x160);
STATIC_ASSERT_OFFSET(struct sev_vmsa, dr6, 0x168);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rflags, 0x170);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rip, 0x178);
STATIC_ASSERT_OFFSET(struct sev_vmsa, dr0, 0x180);
STATIC_ASSERT_OFFSET(struct sev_vmsa, dr3_addr_mask, 0x1B8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_1c0, 0x1C0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rsp, 0x1D8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, s_cet, 0x1E0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ssp, 0x1E8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, isst_addr, 0x1F0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rax, 0x1F8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, star, 0x200);
STATIC_ASSERT_OFFSET(struct sev_vmsa, kernel_gs_base, 0x220);
STATIC_ASSERT_OFFSET(struct sev_vmsa, sysenter_eip, 0x238);
STATIC_ASSERT_OFFSET(struct sev_vmsa, cr2, 0x240);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_248, 0x248);
STATIC_ASSERT_OFFSET(struct sev_vmsa, g_pat, 0x268);
STATIC_ASSERT_OFFSET(struct sev_vmsa, dbgctl, 0x270);
STATIC_ASSERT_OFFSET(struct sev_vmsa, last_excp_to, 0x290);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_298, 0x298);
STATIC_ASSERT_OFFSET(struct sev_vmsa, pkru, 0x2E8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, tsc_aux, 0x2EC);
STATIC_ASSERT_OFFSET(struct sev_vmsa, tsc_scale, 0x2F0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, tsc_offset, 0x2F8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reg_prot_nonce, 0x300);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rcx, 0x308);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rdx, 0x310);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rbx, 0x318);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_320, 0x320);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rbp, 0x328);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rsi, 0x330);
STATIC_ASSERT_OFFSET(struct sev_vmsa, rdi, 0x338);
STATIC_ASSERT_OFFSET(struct sev_vmsa, r8, 0x340);
STATIC_ASSERT_OFFSET(struct sev_vmsa, r15, 0x378);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_380, 0x380);
STATIC_ASSERT_OFFSET(struct sev_vmsa, guest_exit_info_1, 0x390);
STATIC_ASSERT_OFFSET(struct sev_vmsa, guest_exit_info_2, 0x398);
STATIC_ASSERT_OFFSET(struct sev_vmsa, guest_exit_int_info, 0x3A0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, guest_nrip, 0x3A8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, sev_features, 0x3B0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, vintr_ctrl, 0x3B8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, guest_exit_code, 0x3C0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, virtual_tom, 0x3C8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, tlb_id, 0x3D0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, pcpu_id, 0x3D8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, event_inj, 0x3E0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, xcr0, 0x3E8);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_3f0, 0x3F0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_dp, 0x400);
STATIC_ASSERT_OFFSET(struct sev_vmsa, mxcsr, 0x408);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_ftw, 0x40C);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_fsw, 0x40E);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_fcw, 0x410);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_fop, 0x412);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_ds, 0x414);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_cs, 0x416);
STATIC_ASSERT_OFFSET(struct sev_vmsa, x87_rip, 0x418);
STATIC_ASSERT_OFFSET(struct sev_vmsa, fpreg_x87, 0x420);
STATIC_ASSERT_OFFSET(struct sev_vmsa, fpreg_xmm, 0x470);
STATIC_ASSERT_OFFSET(struct sev_vmsa, fpreg_ymm, 0x570);
STATIC_ASSERT_OFFSET(struct sev_vmsa, lbr_stack, 0x670);
STATIC_ASSERT_OFFSET(struct sev_vmsa, lbr_select, 0x770);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ibs_fetch_ctl, 0x778);
STATIC_ASSERT_OFFSET(struct sev_vmsa, ic_ibs_extd_ctl, 0x7C0);
STATIC_ASSERT_OFFSET(struct sev_vmsa, reserved_7c8, 0x7C8);

/*
 * SEV_FEATURES (VMSA 0x3B0). Bit n here is bit n + 2 of the SEV_STATUS MSR
 * (0xC0010131), which is how a guest reads them; names as in Linux's
 * SVM_SEV_FEAT_* (arch/x86/include/asm/svm.h).
 */
#define SEV_FEAT_SNP_ACTIVE BIT(0)
#define SEV_FEAT_VTOM BIT(1)
#define SEV_FEAT_REFLECT_VC BIT(2)
#define SEV_FEAT_RESTRICTED_INJECTION BIT(3)
#define SEV_FEAT_ALTERNATE_INJECTION BIT(4)
#define SEV_FEAT_DEBUG_SWAP BIT(5)
#define SEV_FEAT_PREVENT_HOST_IBS BIT(6)
#define SEV_FEAT_BTB_ISOLATION BIT(7)
#define SEV_FEAT_VMPL_SSS BIT(8)
#define SEV_FEAT_SECURE_TSC BIT(9)
#define SEV_FEAT_VMGEXIT_PARAMETER BIT(10)
#define SEV_FEAT_IBS_VIRT BIT(12)
#define SEV_FEAT_VMSA_REG_PROT BIT(14)
#define SEV_FEAT_SMT_PROTECTION BIT(15)
#define SEV_FEAT_SECURE_AVIC BIT(16)

/* EFER.SVME: a VMSA runs only with it set (clearing it parks the vCPU). */
#define VMSA_EFER_SVME BIT(12)

/* guest_exit_code after VMGEXIT (APM vol. 2, Table 15-35, SVM exit codes). */
#define VMSA_EXIT_VMGEXIT 0x403ULL

#endif

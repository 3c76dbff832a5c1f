/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor's side of the GHCB page protocol: reads the
 * request from the registered GHCB (which must be shared: a real host
 * could only read ciphertext from a private page), answers it and marks
 * the fields it returns valid, as KVM does (digest §3.1, §3.3, §3.7).
 */
#include <string.h>

#include <svsm/hw/ghcb.h>
#include <svsm/hw/vmsa.h>

#include "sim_internal.h"


#define OFF(f) ((u32)offsetof(struct ghcb, f))
#define COM1 0x3f8
#define UART_LCR 3
#define UART_LSR 5
#define LCR_DLAB 0x80 /* COM1 + 0 is the divisor latch, not THR */
#define LSR_IDLE 0x60 /* THR and transmitter empty */

/* Which output fields an exit code returns. */
struct nae_out {
	u32 offs[4];
	u32 n;
};

static bool evil(u64 flag, u64 code)
{
	return (sim_hv.evil & flag) &&
	       (!sim_hv.evil_target || sim_hv.evil_target == code);
}

static void set_valid(struct ghcb *g, u32 off)
{
	u32 bit = off / 8;

	g->valid_bitmap[bit / 8] |= (u8)(1u << (bit % 8));
}

/* The valid bitmap of the request, before the answer replaces it. */
static u8 req_valid[16];

const u8 *sim_nae_request_valid(void)
{
	return req_valid;
}

bool sim_nae_req_valid(u32 off)
{
	u32 bit = off / 8;

	return (req_valid[bit / 8] >> (bit % 8)) & 1;
}

static void set_out(struct ghcb *g, struct nae_out *o, u32 off, u64 v)
{
	memcpy((u8 *)g + off, &v, 8);
	o->offs[o->n++] = off;
}

static void nae_cpuid(struct ghcb *g, struct nae_out *o)
{
	const struct snp_cpuid_table *t = &sim_hv.cpuid;
	u32 leaf = (u32)g->rax, sub = (u32)g->rcx;
	u32 r[4] = { 0 };

	sim_hv.cpuid_naes++;
	if (leaf == 0x40000000) {
		r[0] = 0x40000001; /* "SimHVSimHVSi" */
		r[1] = 0x486d6953;
		r[2] = 0x6d695356;
		r[3] = 0x69535648;
	}
	for (u32 i = 0; i < t->count; i++) {
		const struct snp_cpuid_entry *e = &t->entries[i];

		if (e->eax_in == leaf && e->ecx_in == sub) {
			r[0] = e->eax;
			r[1] = e->ebx;
			if (sim_hv.evil & SIM_EVIL_CPUID_CONTRADICT) {
				r[1] ^= 1;
			}
			r[2] = e->ecx;
			r[3] = e->edx;
			break;
		}
	}
	set_out(g, o, OFF(rax), r[0]);
	set_out(g, o, OFF(rbx), r[1]);
	set_out(g, o, OFF(rcx), r[2]);
	set_out(g, o, OFF(rdx), r[3]);
}

static u32 port_in(u16 port)
{
	if (port == COM1 + UART_LSR) {
		return LSR_IDLE;
	}
	return (u32)sim_hv.ports[port];
}

static void port_out(u16 port, u32 v)
{
	bool dlab = sim_hv.ports[COM1 + UART_LCR] & LCR_DLAB;

	sim_hv.ports[port] = v;
	if (port == COM1 && !dlab && sim_hv.com1_len < SIM_COM1_BUF - 1) {
		sim_hv.com1[sim_hv.com1_len++] = (char)v;
	}
}

static void nae_ioio(struct ghcb *g, struct nae_out *o)
{
	u64 info = g->sw_exit_info_1;
	u16 port = (u16)(info >> IOIO_PORT_SHIFT);
	u32 mask = (info & IOIO_DATA_8) ? 0xff :
		   (info & IOIO_DATA_16) ? 0xffff : 0xffffffffu;

	if (info & (IOIO_STRING | IOIO_REP)) {
		sim_error("string I/O NAE");
		return;
	}
	if (info & IOIO_TYPE_IN) {
		set_out(g, o, OFF(rax), port_in(port) & mask);
	} else if (!sim_nae_req_valid(OFF(rax))) {
		sim_error("OUT without a valid RAX");
	} else {
		port_out(port, (u32)g->rax & mask);
	}
}

static u64 *msr_slot(u32 idx)
{
	for (u32 i = 0; i < sim_hv.nmsrs; i++) {
		if (sim_hv.msr_idx[i] == idx) {
			return &sim_hv.msr_val[i];
		}
	}
	if (sim_hv.nmsrs == SIM_MAX_MSRS) {
		return NULL;
	}
	sim_hv.msr_idx[sim_hv.nmsrs] = idx;
	sim_hv.msr_val[sim_hv.nmsrs] = 0;
	return &sim_hv.msr_val[sim_hv.nmsrs++];
}

static void nae_msr(struct ghcb *g, struct nae_out *o)
{
	u64 *v = msr_slot((u32)g->rcx);

	if (!v) {
		sim_error("too many MSRs");
		return;
	}
	if (g->sw_exit_info_1 == 1) {
		*v = (g->rax & 0xffffffffULL) | (g->rdx << 32);
		return;
	}
	set_out(g, o, OFF(rax), *v & 0xffffffffULL);
	set_out(g, o, OFF(rdx), *v >> 32);
}

/* Returns false for a malformed request (answered SW_EXITINFO1 = 2). */
static bool nae_ap_create(struct ghcb *g)
{
	struct sim_rmp_entry *e = sim_rmp(g->sw_exit_info_2);
	u32 op = (u32)(g->sw_exit_info_1 & 0xffff);

	if (op > 2 || (op != 2 && (!e || !e->vmsa)) ||
	    (sim_hv.evil & SIM_EVIL_AP_CREATE_ERROR)) {
		return false;
	}
	if (sim_hv.nap < SIM_MAX_AP_CREATES) {
		sim_hv.ap[sim_hv.nap++] = (struct sim_ap_create){
			g->sw_exit_info_1, g->sw_exit_info_2, g->rax };
	}
	return true;
}

static void run_vmpl(struct ghcb *g)
{
	u8 vmpl = (u8)g->sw_exit_info_1;

	sim_hv.vmpl_runs++;
	sim_hv.last_vmpl = vmpl;
	if (sim_hv.guest) {
		sim_hv.guest(sim_cpu(), vmpl, sim_hv.guest_ctx);
	}
}

/* Answers; false if the request is malformed. */
static bool dispatch(struct ghcb *g, u64 code, struct nae_out *o)
{
	switch (code) {
	case SVM_EXIT_CPUID:
		nae_cpuid(g, o);
		return true;
	case SVM_EXIT_IOIO:
		nae_ioio(g, o);
		return true;
	case SVM_EXIT_MSR:
		nae_msr(g, o);
		return true;
	case SVM_VMGEXIT_PSC:
		sim_psc_nae(g);
		return true;
	case SVM_VMGEXIT_AP_CREATION:
		return nae_ap_create(g);
	case SVM_VMGEXIT_SNP_RUN_VMPL:
		run_vmpl(g);
		return true;
	case SVM_VMGEXIT_HV_FEATURES:
		g->sw_exit_info_2 = sim_hv.features;
		return true;
	case SVM_VMGEXIT_TERMINATE:
		sim_hv_terminate((u8)(g->sw_exit_info_1 & 0xf),
				 (u8)(g->sw_exit_info_1 >> 4));
		return true;
	default:
		return sim_hv.nae_hook &&
		       sim_hv.nae_hook(g, code, sim_hv.nae_ctx);
	}
}

static bool request_ok(const struct ghcb *g)
{
	return g->protocol_version == GHCB_PROTOCOL_VERSION &&
	       g->ghcb_usage == GHCB_USAGE_STANDARD &&
	       sim_nae_req_valid(OFF(sw_exit_code)) &&
	       sim_nae_req_valid(OFF(sw_exit_info_1)) &&
	       sim_nae_req_valid(OFF(sw_exit_info_2));
}

static void finish(struct ghcb *g, u64 code, const struct nae_out *o,
		   bool ok)
{
	u64 info1 = ok ? 0 : 2;

	if (evil(SIM_EVIL_EXIT_EXCEPTION, code)) {
		info1 = 1;
		g->sw_exit_info_2 = BIT(31) | (3 << 8) | 13; /* #GP */
	}
	if (evil(SIM_EVIL_EXIT_MALFORMED, code)) {
		info1 = 2;
	}
	if (!ok) {
		g->sw_exit_info_2 = 5; /* invalid input */
	}
	g->sw_exit_info_1 = info1;
	if (!evil(SIM_EVIL_EXIT_INFO1_INVALID, code)) {
		set_valid(g, OFF(sw_exit_info_1));
	}
	set_valid(g, OFF(sw_exit_info_2));
	for (u32 i = 0; i < o->n && !evil(SIM_EVIL_NO_VALID_BITS, code); i++) {
		set_valid(g, o->offs[i]);
	}
}

void sim_nae(u64 gpa)
{
	struct ghcb *g = sim_gpa_to_va(gpa, PAGE_SIZE);
	struct sim_rmp_entry *e = sim_rmp(gpa);
	struct nae_out o = { { 0 }, 0 };
	u64 code;
	bool ok;

	if (!g || !e || e->assigned) {
		sim_error("NAE through GHCB 0x%llx, which is not shared", gpa);
		return;
	}
	code = g->sw_exit_code;
	sim_hv.naes++;
	sim_hv.last_exit_code = code;
	memcpy(req_valid, g->valid_bitmap, sizeof(req_valid));
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	ok = request_ok(g) && dispatch(g, code, &o);
	finish(g, code, &o, ok);
	sim_race_arm(g);
}

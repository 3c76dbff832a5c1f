/* SPDX-License-Identifier: MIT */
/*
 * The simulated VMPL2 guest of tests/sim/guest.h. It reaches its memory
 * directly through the arena (it is the guest, not the SVSM), and plays the
 * hardware's part of VMGEXIT by writing its registers into its VMSA.
 */
#include <string.h>

#include <svsm/abi/svsm.h>
#include <svsm/hw/vmsa.h>

#include "guest.h"
#include "guestmem_sim.h"

void *guest_ptr(phys_addr_t gpa)
{
	return sim_gpa_to_va(gpa, PAGE_SIZE - (gpa & ~PAGE_MASK));
}

static struct sev_vmsa *vmsa_of(const struct sim_vcpu *v)
{
	return guest_ptr(v->vmsa);
}

static struct svsm_caa *caa_of(const struct sim_vcpu *v)
{
	return guest_ptr(v->caa);
}

void guest_call_begin(const struct sim_vcpu *v, const struct guest_regs *in)
{
	struct sev_vmsa *vmsa = vmsa_of(v);

	vmsa->rax = in->rax;
	vmsa->rcx = in->rcx;
	vmsa->rdx = in->rdx;
	vmsa->r8 = in->r8;
	vmsa->guest_exit_code = VMSA_EXIT_VMGEXIT;
	caa_of(v)->call_pending = 1;
}

bool guest_call_end(const struct sim_vcpu *v, struct guest_regs *out)
{
	const struct sev_vmsa *vmsa = vmsa_of(v);
	u8 pending = __atomic_exchange_n(&caa_of(v)->call_pending, 0,
					 __ATOMIC_SEQ_CST);

	out->rax = vmsa->rax;
	out->rcx = vmsa->rcx;
	out->rdx = vmsa->rdx;
	out->r8 = vmsa->r8;
	return !pending;
}

u64 guest_call(struct sim_guest *g, const struct sim_vcpu *v, u64 rax,
	       u64 *rcx, u64 *rdx, u64 *r8)
{
	struct guest_regs r = { rax, rcx ? *rcx : 0, rdx ? *rdx : 0,
				r8 ? *r8 : 0 };

	guest_call_begin(v, &r);
	g->calls++;
	g->vmgexit(g->ctx);
	if (!guest_call_end(v, &r))
		return GUEST_NOT_SERVED;
	if (rcx)
		*rcx = r.rcx;
	if (rdx)
		*rdx = r.rdx;
	if (r8)
		*r8 = r.r8;
	return r.rax;
}

u64 guest_pval_entry(phys_addr_t pa, bool huge, bool validate,
		     bool ignore_cf)
{
	return (pa & PVAL_ENTRY_ADDR_MASK) | (huge ? 1 : 0) |
	       (validate ? PVAL_ENTRY_VALIDATE : 0) |
	       (ignore_cf ? PVAL_ENTRY_IGNORE_CF : 0);
}

void guest_write_pval_request(phys_addr_t gpa, u16 entries, u16 next,
			      const u64 *entry)
{
	struct svsm_pvalidate_hdr hdr = { entries, next, 0 };
	u8 *p = guest_ptr(gpa);

	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), entry, (size_t)entries * sizeof(u64));
}

u16 guest_pval_next(phys_addr_t gpa)
{
	struct svsm_pvalidate_hdr hdr;

	memcpy(&hdr, guest_ptr(gpa), sizeof(hdr));
	return hdr.next;
}

static void set_segment(struct vmsa_segment *s, u16 sel, u16 attrib,
			u32 limit, u64 base)
{
	*s = (struct vmsa_segment){ sel, attrib, limit, base };
}

void guest_init_ap_vmsa(phys_addr_t gpa, u64 sev_features, u64 rip)
{
	struct sev_vmsa *v = guest_ptr(gpa);

	memset(v, 0, sizeof(*v));
	set_segment(&v->cs, (u16)((rip >> 12) << 8), 0x9a, 0xffff,
		    rip & ~0xfffULL);
	set_segment(&v->ds, 0, 0x92, 0xffff, 0);
	v->es = v->ss = v->fs = v->gs = v->ds;
	set_segment(&v->gdtr, 0, 0, 0xffff, 0);
	v->idtr = v->gdtr;
	set_segment(&v->ldtr, 0, 0x82, 0xffff, 0);
	set_segment(&v->tr, 0, 0x83, 0xffff, 0);
	v->rip = rip & 0xfff;
	v->cr0 = 0x60000010;
	v->rflags = 0x2;
	v->dr6 = 0xffff0ff0;
	v->dr7 = 0x400;
	v->g_pat = 0x0007040600070406ULL;
	v->xcr0 = 1;
	v->mxcsr = 0x1f80;
	v->x87_ftw = 0x5555;
	v->x87_fcw = 0x40;
	v->efer = VMSA_EFER_SVME;
	v->vmpl = SVSM_GUEST_VMPL;
	v->sev_features = sev_features;
}

/* ---- The Linux boot program ------------------------------------------ */

static phys_addr_t gl_request(const struct guest_linux *gl)
{
	return gl->plan.bsp->caa + sizeof(struct svsm_caa);
}

static void gl_fail(struct guest_linux *gl, const char *why)
{
	gl->failure = why;
	gl->phase = GL_FAILED;
}

static void gl_start_pval(struct guest_linux *gl, const u64 *work, u32 n)
{
	gl->work = work;
	gl->nwork = n;
	gl->work_pos = 0;
	gl->npv4k = gl->pv4k_pos = 0;
	gl->in_4k = false;
	gl->batch = 0;
}

/* Phases in order; PVALIDATE phases get their work list on entry. */
static void gl_advance(struct guest_linux *gl)
{
	gl->phase++;
	if (gl->phase == GL_PVAL_EARLY)
		gl_start_pval(gl, gl->plan.early, gl->plan.nearly);
	else if (gl->phase == GL_PVAL_LATE)
		gl_start_pval(gl, gl->plan.late, gl->plan.nlate);
}

/* Builds the next request: from the work list, then the 4 KiB redo. */
static bool gl_build_pval(struct guest_linux *gl)
{
	u64 entry[GUEST_PVAL_BATCH];
	u32 n = 0;

	if (gl->work_pos < gl->nwork) {
		n = MIN(gl->nwork - gl->work_pos, GUEST_PVAL_BATCH);
		memcpy(entry, gl->work + gl->work_pos, n * sizeof(u64));
	} else if (gl->pv4k_pos < gl->npv4k) {
		u64 e = gl->pv4k[gl->pv4k_pos];
		u64 end = (e & PVAL_ENTRY_ADDR_MASK) + PAGE_SIZE_2M;

		if (!gl->in_4k) {
			gl->pfn_4k = e & PVAL_ENTRY_ADDR_MASK;
			gl->in_4k = true;
		}
		for (; n < GUEST_PVAL_BATCH && gl->pfn_4k + n * PAGE_SIZE < end;
		     n++)
			entry[n] = (e & ~(PVAL_ENTRY_ADDR_MASK | 3)) |
				   (gl->pfn_4k + n * PAGE_SIZE);
	}
	gl->batch = n;
	if (n)
		guest_write_pval_request(gl_request(gl), (u16)n, 0, entry);
	return n;
}

/* After a successful request: account for the entries it covered. */
static void gl_pval_done(struct guest_linux *gl)
{
	if (gl->work_pos < gl->nwork) {
		gl->work_pos += gl->batch;
		return;
	}
	gl->entries_4k += gl->batch;
	gl->pfn_4k += gl->batch * PAGE_SIZE;
	if (gl->pfn_4k == (gl->pv4k[gl->pv4k_pos] & PVAL_ENTRY_ADDR_MASK) +
				  PAGE_SIZE_2M) {
		gl->pv4k_pos++;
		gl->in_4k = false;
	}
}

/*
 * Linux's svsm_pval_pages(): a 2 MiB entry that fails with SIZEMISMATCH
 * is kept for a 4 KiB redo, `next` is moved past it and the same request
 * goes again; any other error is fatal. Returns true to re-issue.
 */
static bool gl_pval_result(struct guest_linux *gl, u64 rax)
{
	phys_addr_t req = gl_request(gl);
	u16 next = guest_pval_next(req);
	u64 entry;

	if (rax == SVSM_SUCCESS) {
		gl_pval_done(gl);
		return false;
	}
	memcpy(&entry, (u8 *)guest_ptr(req) + 8 + next * 8, 8);
	if (rax != SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH ||
	    (entry & PVAL_ENTRY_SIZE_MASK) != 1 ||
	    gl->npv4k == GUEST_WORK_MAX || gl->work_pos >= gl->nwork) {
		gl_fail(gl, "PVALIDATE failed");
		return false;
	}
	gl->size_mismatches++;
	gl->pv4k[gl->npv4k++] = entry;
	if ((u32)next + 1 < gl->batch) {
		struct svsm_pvalidate_hdr *h = guest_ptr(req);

		h->next = next + 1;
		return true;
	}
	gl_pval_done(gl);
	return false;
}

/* Checks the result of the call that just came back. */
static bool gl_complete(struct guest_linux *gl, const struct guest_regs *r)
{
	gl->last_rax = r->rax;
	switch (gl->phase) {
	case GL_QUERY:
		if (r->rax || r->rcx != (1ULL << 32 | 1))
			gl_fail(gl, "QUERY_PROTOCOL");
		break;
	case GL_PVAL_EARLY:
	case GL_PVAL_LATE:
		return gl_pval_result(gl, r->rax);
	case GL_REMAP:
		if (r->rax)
			gl_fail(gl, "REMAP_CA");
		else
			gl->plan.bsp->caa = gl->plan.new_caa;
		break;
	default:
		if (r->rax)
			gl_fail(gl, gl->phase == GL_CREATE ? "CREATE_VCPU" :
							       "DELETE_VCPU");
		break;
	}
	if (gl->phase != GL_FAILED)
		gl_advance(gl);
	return false;
}

/* Fills in the next call; false if the phase has nothing (left) to do. */
static bool gl_issue(struct guest_linux *gl, struct guest_regs *r)
{
	const struct sim_vcpu *ap = gl->plan.ap;

	switch (gl->phase) {
	case GL_QUERY:
		*r = (struct guest_regs){
			guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL),
			(u64)SVSM_CORE_PROTOCOL << 32 | 1, 0, 0 };
		return true;
	case GL_PVAL_EARLY:
	case GL_PVAL_LATE:
		*r = (struct guest_regs){
			guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_PVALIDATE),
			gl_request(gl), 0, 0 };
		return gl_build_pval(gl);
	case GL_REMAP:
		*r = (struct guest_regs){
			guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_REMAP_CA),
			gl->plan.new_caa, 0, 0 };
		return true;
	case GL_CREATE:
		guest_init_ap_vmsa(ap->vmsa, gl->plan.sev_features, 0x9f000);
		*r = (struct guest_regs){
			guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_CREATE_VCPU),
			ap->vmsa, ap->caa, ap->apic_id };
		return true;
	case GL_DELETE:
		*r = (struct guest_regs){
			guest_rax(SVSM_CORE_PROTOCOL, SVSM_CORE_DELETE_VCPU),
			ap->vmsa, 0, 0 };
		return true;
	default:
		return false;
	}
}

void guest_linux_init(struct guest_linux *gl,
		      const struct guest_linux_plan *plan)
{
	memset(gl, 0, sizeof(*gl));
	gl->plan = *plan;
	gl->phase = GL_QUERY;
}

bool guest_linux_run(struct guest_linux *gl)
{
	struct guest_regs r;
	bool again = false;

	if (gl->in_call) {
		gl->in_call = false;
		if (!guest_call_end(gl->plan.bsp, &r)) {
			gl_fail(gl, "call not served");
			return false;
		}
		again = gl_complete(gl, &r);
	}
	while (gl->phase < GL_DONE) {
		if (again) {
			r = (struct guest_regs){
				guest_rax(SVSM_CORE_PROTOCOL,
					  SVSM_CORE_PVALIDATE),
				gl_request(gl), 0, 0 };
		} else if (!gl_issue(gl, &r)) {
			gl_advance(gl);
			continue;
		}
		guest_call_begin(gl->plan.bsp, &r);
		gl->in_call = true;
		gl->calls++;
		return true;
	}
	return false;
}

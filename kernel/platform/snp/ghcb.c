/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page protocol (digest §3.1-3.3). Each CPU has one shared page;
 * a call fills it, exits to the hypervisor, then copies every field the
 * hypervisor returns out of the page exactly once (one volatile read per
 * field) into struct ghcb_resp. The checks run on that private copy and
 * callers use nothing else, so a hypervisor that changes the page after
 * answering (another vCPU of its choosing may write it at any time) can
 * never make a checked value differ from the used one.
 */
#define LOG_MODULE "snp"

#include <svsm/arch/snp.h>
#include <svsm/errno.h>
#include <svsm/lib/check.h>
#include <svsm/lib/log.h>
#include <svsm/lib/string.h>
#include <svsm/snp.h>

#include "internal.h"

struct cpu_ghcb {
	struct ghcb *page; /* mapped without the C-bit */
	phys_addr_t pa;
	bool busy; /* a call is in flight: nesting is a bug */
};

static struct cpu_ghcb cpu_ghcbs[SNP_MAX_CPUS];

#define OFF(field) ((u32)offsetof(struct ghcb, field))

static struct cpu_ghcb *this_ghcb(void)
{
	u32 cpu = snp_glue_cpu_index();

	CHECK(cpu < SNP_MAX_CPUS);
	return &cpu_ghcbs[cpu];
}

void ghcb_valid_set(u8 valid[16], u32 offset)
{
	u32 bit = offset / 8;

	valid[bit / 8] |= (u8)(1u << (bit % 8));
}

bool ghcb_valid_test(const u8 valid[16], u32 offset)
{
	u32 bit = offset / 8;

	return bit < 128 && (valid[bit / 8] >> (bit % 8)) & 1;
}

/* One store / one load of a u64 field of the shared page. */
static void shared_write(struct ghcb *g, u32 off, u64 v)
{
	*(volatile u64 *)((u8 *)g + off) = v;
	ghcb_valid_set(g->valid_bitmap, off);
}

static u64 shared_read(const struct ghcb *g, u32 off)
{
	return *(const volatile u64 *)((const u8 *)g + off);
}

/* Save-area offset of each GHCB_F_* register, in bit order. */
static const u32 reg_off[] = { OFF(rax), OFF(rbx), OFF(rcx),
			       OFF(rdx), OFF(xcr0), OFF(xss) };

static u64 req_reg(const struct ghcb_req *req, unsigned int i)
{
	const u64 vals[] = { req->rax,	req->rbx,  req->rcx,
			     req->rdx,	req->xcr0, req->xss };

	return vals[i];
}

static void ghcb_fill(struct cpu_ghcb *c, const struct ghcb_req *req)
{
	struct ghcb *g = c->page;

	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	shared_write(g, OFF(sw_exit_code), req->exit_code);
	shared_write(g, OFF(sw_exit_info_1), req->exit_info_1);
	shared_write(g, OFF(sw_exit_info_2), req->exit_info_2);
	for (unsigned int i = 0; i < ARRAY_SIZE(reg_off); i++) {
		if (req->in & BIT(i)) {
			shared_write(g, reg_off[i], req_reg(req, i));
		}
	}
	if (req->buf_len) {
		memcpy(g->shared_buffer, req->buf, req->buf_len);
		shared_write(g, OFF(sw_scratch),
			     c->pa + GHCB_SHARED_BUFFER_OFFSET);
	}
	g->protocol_version = GHCB_PROTOCOL_VERSION;
	g->ghcb_usage = GHCB_USAGE_STANDARD;
}

static void copy_out_buf(const struct ghcb *g, void *dst, u16 len)
{
	const volatile u8 *src = g->shared_buffer;
	u8 *d = dst;

	for (u16 i = 0; i < len; i++) {
		d[i] = src[i];
	}
}

/* Reads each returned field once; nothing is read from the page later. */
static void ghcb_copy_out(const struct ghcb *g, const struct ghcb_req *req,
			  struct ghcb_resp *resp)
{
	u64 *regs[] = { &resp->rax, &resp->rbx, &resp->rcx, &resp->rdx };
	u64 lo = shared_read(g, OFF(valid_bitmap));
	u64 hi = shared_read(g, OFF(valid_bitmap) + 8);

	*resp = (struct ghcb_resp){ 0 };
	memcpy(resp->valid, &lo, 8);
	memcpy(resp->valid + 8, &hi, 8);
	resp->exit_info_1 = shared_read(g, OFF(sw_exit_info_1));
	resp->exit_info_2 = shared_read(g, OFF(sw_exit_info_2));
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++) {
		if (req->out & BIT(i)) {
			*regs[i] = shared_read(g, reg_off[i]);
		}
	}
	if (req->out_len) {
		copy_out_buf(g, req->out_buf, req->out_len);
	}
}

/* Checks on the private copy only (digest §3.3). */
static int ghcb_check(const struct ghcb_req *req,
		      const struct ghcb_resp *resp)
{
	if (!ghcb_valid_test(resp->valid, OFF(sw_exit_info_1))) {
		return -SVSM_EBADMSG;
	}
	if ((u32)resp->exit_info_1 != GHCB_EXIT_OK) {
		return -SVSM_EIO;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(reg_off); i++) {
		if ((req->out & BIT(i)) &&
		    !ghcb_valid_test(resp->valid, reg_off[i])) {
			return -SVSM_EBADMSG;
		}
	}
	if ((req->out & GHCB_F_EXIT_INFO_2) &&
	    !ghcb_valid_test(resp->valid, OFF(sw_exit_info_2))) {
		return -SVSM_EBADMSG;
	}
	return 0;
}

int ghcb_call(const struct ghcb_req *req, struct ghcb_resp *resp)
{
	struct cpu_ghcb *c = this_ghcb();
	u64 flags;

	if (!c->page) {
		return -SVSM_ENOENT;
	}
	CHECK(req->buf_len <= GHCB_SHARED_BUFFER_SIZE &&
	      req->out_len <= GHCB_SHARED_BUFFER_SIZE);
	flags = snp_irq_save();
	CHECK(!c->busy);
	c->busy = true;
	ghcb_fill(c, req);
	arch_ghcb_msr_write(c->pa);
	arch_vmgexit();
	ghcb_copy_out(c->page, req, resp);
	c->busy = false;
	snp_irq_restore(flags);
	return ghcb_check(req, resp);
}

void ghcb_call_checked(const struct ghcb_req *req, struct ghcb_resp *resp)
{
	int ret = ghcb_call(req, resp);

	if (ret == -SVSM_ENOENT) {
		PANIC("GHCB call 0x%llx before this CPU has a GHCB",
		      req->exit_code);
	}
	if (ret) {
		log_error("GHCB exit 0x%llx: %s, exit info 0x%llx/0x%llx",
			  req->exit_code, svsm_strerror(ret),
			  resp->exit_info_1, resp->exit_info_2);
		snp_fail(SNP_TERM_GHCB_RESPONSE);
	}
}

/*
 * Busy counts as not ready: a panic while a call is in flight must still
 * be able to print (the console drops output) and terminate (MSR
 * protocol) instead of nesting on the page.
 */
bool snp_ghcb_ready(void)
{
	const struct cpu_ghcb *c = this_ghcb();

	return c->page && !c->busy;
}

phys_addr_t snp_ghcb_pa(void)
{
	return this_ghcb()->pa;
}

int snp_ghcb_setup_cpu(void)
{
	struct cpu_ghcb *c = this_ghcb();
	struct ghcb *page;
	phys_addr_t pa;
	void *priv;

	if (c->page) {
		return -SVSM_EEXIST;
	}
	priv = snp_glue_alloc_pages(0);
	if (!priv) {
		return -SVSM_ENOMEM;
	}
	pa = snp_glue_virt_to_phys(priv);
	/* Digest §3.2: rescind, PSC shared, map unencrypted, register. */
	if (snp_pvalidate_range(pa, PAGE_SIZE, false)) {
		snp_fail(SNP_TERM_PVALIDATE);
	}
	snp_msr_psc(pa, PSC_OP_SHARED);
	page = snp_glue_map_shared(pa);
	if (!page) {
		snp_fail(SNP_TERM_MEMORY);
	}
	memset(page, 0, PAGE_SIZE);
	snp_msr_register_ghcb(pa);
	c->pa = pa;
	c->page = page;
	return 0;
}

#ifdef SVSM_HOST
void snp_ghcb_host_reset(void)
{
	memset(cpu_ghcbs, 0, sizeof(cpu_ghcbs));
}
#endif

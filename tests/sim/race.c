/* SPDX-License-Identifier: MIT */
/*
 * A hypervisor racing the SVSM on the GHCB page (digest §3.1: the page is
 * shared, the host can write it from another CPU at any time). After the
 * simulated hypervisor answers a NAE the page is made inaccessible; each
 * read by the SVSM then faults (SIGSEGV), is counted per byte, and is let
 * through by single-stepping the faulting instruction (RFLAGS.TF) with the
 * page readable; on the following SIGTRAP the byte just read is inverted
 * and the page is closed again. A field the SVSM read twice would thus
 * differ between its two reads. The first write to the page (the SVSM
 * filling its next request) ends the window.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "sim_internal.h"

#if defined(__x86_64__) && defined(__linux__)
#define RACE_SUPPORTED 1
#define EFLAGS_TF 0x100
#define PF_WRITE 0x2
#else
#define RACE_SUPPORTED 0
#endif

static struct {
	bool enabled;
	volatile bool armed;
	volatile bool stepping;
	u8 *page;
	u8 *fault_addr;
	u32 reads[PAGE_SIZE];
	bool handlers;
	struct sigaction old_segv, old_trap;
} race;

void sim_race_reset(void)
{
	sim_race_enable(false);
	memset(race.reads, 0, sizeof(race.reads));
}

bool sim_race_supported(void)
{
	return RACE_SUPPORTED;
}

u32 sim_race_reads(u32 offset)
{
	return offset < PAGE_SIZE ? race.reads[offset] : 0;
}

void sim_race_disarm(void)
{
	if (race.armed) {
		race.armed = false;
		mprotect(race.page, PAGE_SIZE, PROT_READ | PROT_WRITE);
	}
}

#if RACE_SUPPORTED
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	u8 *addr = si->si_addr;

	if (!race.armed || addr < race.page || addr >= race.page + PAGE_SIZE) {
		/* A real crash: let the harness's handler see it. */
		sigaction(SIGSEGV, &race.old_segv, NULL);
		race.handlers = false;
		return;
	}
	mprotect(race.page, PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (uc->uc_mcontext.gregs[REG_ERR] & PF_WRITE) {
		race.armed = false; /* the next request is being written */
		return;
	}
	race.reads[addr - race.page]++;
	race.fault_addr = addr;
	race.stepping = true;
	uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	if (!race.stepping) {
		return;
	}
	uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)EFLAGS_TF;
	race.stepping = false;
	*race.fault_addr = (u8)~*race.fault_addr;
	mprotect(race.page, PAGE_SIZE, PROT_NONE);
}

/* Test harnesses (cmocka) install their own handlers: ours go on top. */
static void install(bool on)
{
	struct sigaction sa;

	if (on == race.handlers) {
		return;
	}
	race.handlers = on;
	if (!on) {
		sigaction(SIGSEGV, &race.old_segv, NULL);
		sigaction(SIGTRAP, &race.old_trap, NULL);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sa.sa_sigaction = on_segv;
	sigaction(SIGSEGV, &sa, &race.old_segv);
	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, &race.old_trap);
}
#else
static void install(bool on)
{
}
#endif

void sim_race_enable(bool on)
{
	if (!on) {
		sim_race_disarm();
	}
	install(on && RACE_SUPPORTED);
	race.enabled = on && RACE_SUPPORTED;
}

void sim_race_arm(void *ghcb_page)
{
	if (!race.enabled) {
		return;
	}
	race.page = ghcb_page;
	memset(race.reads, 0, sizeof(race.reads));
	race.armed = true;
	mprotect(race.page, PAGE_SIZE, PROT_NONE);
}

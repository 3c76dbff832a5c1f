/* SPDX-License-Identifier: MIT */
/*
 * Simulated guest-physical memory: one host mapping of SIM_MEM_SIZE bytes,
 * 2 MiB aligned so that 2 MiB-aligned GPAs have 2 MiB-aligned addresses
 * (PVALIDATE's alignment rules then hold for both), and a first-fit page
 * allocator over the SVSM region.
 *
 * A reset hands the arena's pages back to the host kernel
 * (MADV_DONTNEED), which maps zero pages again on the next touch: the cost
 * follows the pages a test touched, not the arena's size, so fuzzers can
 * reset the whole machine for every input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim.h"

#define SVSM_PAGES (SIM_SVSM_SIZE / PAGE_SIZE)
#define ALLOC_PAGES ((SIM_SECRETS_GPA - SIM_SVSM_BASE) / PAGE_SIZE)

static u8 *arena;
static u8 page_order[SVSM_PAGES]; /* 0: free; else order + 1 at the head */
static bool page_used[SVSM_PAGES];
static u32 current_cpu;
static u32 errors;
static char last_error[256];

bool sim_alloc_next_2m_aligned;
bool sim_alloc_fail;

static void arena_create(void)
{
	size_t len = SIM_MEM_SIZE + PAGE_SIZE_2M;
	u8 *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("sim: mmap");
		abort();
	}
	arena = (u8 *)ALIGN_UP((uintptr_t)p, PAGE_SIZE_2M);
}

void sim_memory_reset(void)
{
	if (!arena) {
		arena_create();
	}
	mprotect(arena, SIM_MEM_SIZE, PROT_READ | PROT_WRITE);
	if (madvise(arena, SIM_MEM_SIZE, MADV_DONTNEED)) {
		/* Not expected on Linux; zeroing is slower, not wrong. */
		memset(arena, 0, SIM_MEM_SIZE);
	}
	memset(page_order, 0, sizeof(page_order));
	memset(page_used, 0, sizeof(page_used));
	sim_alloc_next_2m_aligned = false;
	sim_alloc_fail = false;
	current_cpu = 0;
	errors = 0;
	last_error[0] = 0;
}

void *sim_gpa_to_va(u64 gpa, u64 len)
{
	if (!arena || gpa < SIM_GPA_BASE || len > SIM_MEM_SIZE ||
	    gpa - SIM_GPA_BASE > SIM_MEM_SIZE - len) {
		return NULL;
	}
	return arena + (gpa - SIM_GPA_BASE);
}

u64 sim_va_to_gpa(const void *va)
{
	const u8 *p = va;

	if (!arena || p < arena || p >= arena + SIM_MEM_SIZE) {
		return SIM_BAD_GPA;
	}
	return SIM_GPA_BASE + (u64)(p - arena);
}

static bool range_free(u64 first, u64 n)
{
	for (u64 i = first; i < first + n; i++) {
		if (page_used[i]) {
			return false;
		}
	}
	return true;
}

static void *take(u64 first, unsigned int order)
{
	u64 n = 1ULL << order;

	for (u64 i = first; i < first + n; i++) {
		page_used[i] = true;
	}
	page_order[first] = (u8)(order + 1);
	memset(arena + first * PAGE_SIZE, 0, n * PAGE_SIZE);
	return arena + first * PAGE_SIZE;
}

void *sim_alloc_pages(unsigned int order)
{
	u64 n = 1ULL << order;
	u64 step = n;

	if (sim_alloc_fail || n > ALLOC_PAGES) {
		return NULL;
	}
	if (sim_alloc_next_2m_aligned && order == 0) {
		step = PAGE_SIZE_2M / PAGE_SIZE;
		sim_alloc_next_2m_aligned = false;
	}
	/* Page 0 of the region is left out: it is 2 MiB aligned. */
	for (u64 i = step == n ? n : 0; i + n <= ALLOC_PAGES; i += step) {
		if (range_free(i, n)) {
			return take(i, order);
		}
	}
	return NULL;
}

void sim_free_pages(void *va)
{
	u64 gpa = sim_va_to_gpa(va);
	u64 i = (gpa - SIM_SVSM_BASE) / PAGE_SIZE;

	if (gpa == SIM_BAD_GPA || gpa >= SIM_SVSM_BASE + SIM_SVSM_SIZE ||
	    !page_order[i]) {
		sim_error("free of 0x%llx, not an allocated block", gpa);
		return;
	}
	for (u64 k = 0; k < (1ULL << (page_order[i] - 1)); k++) {
		page_used[i + k] = false;
	}
	page_order[i] = 0;
}

u64 sim_pages_in_use(void)
{
	u64 n = 0;

	for (u64 i = 0; i < SVSM_PAGES; i++) {
		n += page_used[i];
	}
	return n;
}

void sim_set_cpu(u32 cpu)
{
	if (cpu >= SIM_MAX_CPUS) {
		sim_error("no vCPU %u", cpu);
		return;
	}
	current_cpu = cpu;
}

u32 sim_cpu(void)
{
	return current_cpu;
}

void sim_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errors++;
	fprintf(stderr, "sim: %s\n", last_error);
}

u32 sim_error_count(void)
{
	return errors;
}

const char *sim_last_error(void)
{
	return last_error;
}

/* SPDX-License-Identifier: MIT */
/*
 * In-SVSM tests of the core protocol on the native platform: synthetic
 * VMSAs, calling areas and PVALIDATE requests in real guest RAM (outside
 * the SVSM region), served by request_loop_handle_exit() and
 * svsm_dispatch() on the real (emulated) CPU. platform_pvalidate() and
 * platform_rmpadjust() succeed without effect here, so these tests prove
 * the decode paths, the per-CPU mapping window and the zeroing on real
 * memory; the RMP side is host-tested against the simulator.
 */
#include <svsm/abi/svsm.h>
#include <svsm/boot/layout.h>
#include <svsm/drivers/fw_cfg.h>
#include <svsm/e820.h>
#include <svsm/errno.h>
#include <svsm/guestmem.h>
#include <svsm/hw/vmsa.h>
#include <svsm/kernel.h>
#include <svsm/lib/string.h>
#include <svsm/machine.h>
#include <svsm/mm.h>
#include <svsm/percpu.h>
#include <svsm/protocols.h>
#include <svsm/request_loop.h>
#include <svsm/tests.h>
#include <svsm/vcpu.h>
#include <svsm/vmap.h>

#define AREA_SIZE 0x400000ULL
#define BOOT_VMSA 0x0
#define BOOT_CAA 0x1000
#define AP_VMSA 0x2000
#define AP_CAA 0x3000
#define DATA 0x10000
#define HUGE 0x200000
#define FEATURES 0x1ULL

static struct mem_region ram[MACHINE_MAX_REGIONS];
static u32 nram;
static phys_addr_t area; /* 4 MiB of free guest RAM */
static u8 *view;          /* the test's own mapping of it */
static struct svsm_vcpu *bsp;

/* The guest RAM map as machine_init() reads it, SVSM region excluded. */
static int read_memory_map(void)
{
	const struct svsm_launch_info *li = kernel_launch_info;
	int ret = -SVSM_ENOENT;

	if (li->memory_map_size)
		ret = igvm_memmap_parse((const void *)li->memory_map_va,
					li->memory_map_size, ram,
					MACHINE_MAX_REGIONS, &nram);
	if (ret || !nram) {
		static u8 buf[PAGE_SIZE];
		u32 len;

		ret = fw_cfg_read_file(machine_fw_cfg(), "etc/e820", buf,
				       sizeof(buf), &len);
		if (!ret)
			ret = e820_parse(buf, len, ram, MACHINE_MAX_REGIONS,
					 &nram);
	}
	if (!ret)
		ret = mem_regions_subtract(ram, &nram, MACHINE_MAX_REGIONS,
					   li->kernel_region_phys_start,
					   li->kernel_region_phys_end);
	return ret;
}

/* 4 MiB in the middle of the largest RAM range: nothing uses it. */
static phys_addr_t pick_area(void)
{
	u32 best = 0;
	phys_addr_t mid;

	for (u32 i = 1; i < nram; i++) {
		if (ram[i].end - ram[i].start > ram[best].end - ram[best].start)
			best = i;
	}
	mid = ram[best].start + (ram[best].end - ram[best].start) / 2;
	mid = ALIGN_DOWN(mid, PAGE_SIZE_2M);
	return mid >= ram[best].start && mid + AREA_SIZE <= ram[best].end ?
		       mid :
		       0;
}

static void *at(u64 off)
{
	return view + off;
}

static void put_vmsa(u64 off, u8 vmpl, u64 efer, u64 features)
{
	struct sev_vmsa *v = at(off);

	memset(v, 0, sizeof(*v));
	v->vmpl = vmpl;
	v->efer = efer;
	v->sev_features = features;
}

/* Fresh guestmem, registry and boot vCPU for every test. */
static bool setup(void)
{
	static const u32 apic_ids[] = { 0, 1 };
	const struct svsm_launch_info *li = kernel_launch_info;

	if (!area) {
		if (read_memory_map())
			return false;
		area = pick_area();
		if (!area)
			return false;
		view = vmap_phys(area, AREA_SIZE, PGT_WRITE);
		if (!view)
			return false;
	}
	if (guestmem_init(ram, nram, li->kernel_region_phys_start,
			  li->kernel_region_phys_end) ||
	    vcpu_registry_init(apic_ids, 2))
		return false;
	memset(view, 0, 0x20000);
	put_vmsa(BOOT_VMSA, SVSM_GUEST_VMPL, VMSA_EFER_SVME, FEATURES);
	bsp = vcpu_find(0);
	return vcpu_register_boot(bsp, area + BOOT_VMSA, area + BOOT_CAA) == 0;
}

/* The guest's side of a call through the boot CAA; returns RAX. */
static u64 call(u32 protocol, u32 id, u64 *rcx, u64 rdx, u64 r8)
{
	struct sev_vmsa *v = at(BOOT_VMSA);
	u8 *caa = at(BOOT_CAA);

	v->rax = (u64)protocol << 32 | id;
	v->rcx = *rcx;
	v->rdx = rdx;
	v->r8 = r8;
	v->guest_exit_code = VMSA_EXIT_VMGEXIT;
	caa[0] = 1;
	if (request_loop_handle_exit(bsp) != 1 || caa[0] != 0)
		return ~0ULL;
	*rcx = v->rcx;
	return v->rax;
}

static u64 core(u32 id, u64 rcx, u64 rdx, u64 r8)
{
	return call(SVSM_CORE_PROTOCOL, id, &rcx, rdx, r8);
}

static u64 pvalidate(u16 entries, u16 next, const u64 *e, u16 n)
{
	struct svsm_pvalidate_hdr *h = at(BOOT_CAA + 8);

	h->entries = entries;
	h->next = next;
	h->reserved = 0;
	memcpy(at(BOOT_CAA + 16), e, n * sizeof(u64));
	return core(SVSM_CORE_PVALIDATE, area + BOOT_CAA + 8, 0, 0);
}

SVSM_TEST(protocol_query_through_request_loop)
{
	u64 rcx = 1;

	TEST_ASSERT(setup());
	TEST_ASSERT_EQ(call(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, &rcx,
			    0, 0),
		       SVSM_SUCCESS);
	TEST_ASSERT_EQ(rcx, 1ULL << 32 | 1);
	rcx = 5;
	TEST_ASSERT_EQ(call(7, 0, &rcx, 0, 0), SVSM_ERR_UNSUPPORTED_PROTOCOL);
	TEST_ASSERT_EQ(rcx, 5ULL);
	TEST_ASSERT_EQ(core(42, 0, 0, 0), SVSM_ERR_UNSUPPORTED_CALL);
	TEST_ASSERT_EQ(core(SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0),
		       SVSM_ERR_INVALID_REQUEST);
}

SVSM_TEST(protocol_pvalidate_zeroes_real_pages)
{
	u64 e[3];

	TEST_ASSERT(setup());
	memset(at(DATA), 0xaa, 3 * PAGE_SIZE);
	for (u32 i = 0; i < 3; i++)
		e[i] = (area + DATA + i * PAGE_SIZE) | PVAL_ENTRY_VALIDATE;
	TEST_ASSERT_EQ(pvalidate(3, 0, e, 3), SVSM_SUCCESS);
	TEST_ASSERT(mem_is_zero(at(DATA), 3 * PAGE_SIZE));
	TEST_ASSERT_EQ(((struct svsm_pvalidate_hdr *)at(BOOT_CAA + 8))->next,
		       3);
	/* A 2 MiB entry: zeroed through the window, 4 KiB at a time. */
	memset(at(HUGE), 0x55, PAGE_SIZE_2M);
	e[0] = (area + HUGE) | PVAL_ENTRY_VALIDATE | 1;
	TEST_ASSERT_EQ(pvalidate(1, 0, e, 1), SVSM_SUCCESS);
	TEST_ASSERT(mem_is_zero(at(HUGE), PAGE_SIZE_2M));
}

SVSM_TEST(protocol_pvalidate_refuses_svsm_memory)
{
	static u64 secret = 0x5ec2e75ec2e7ULL;
	phys_addr_t pa = mm_virt_to_phys(&secret) & PAGE_MASK;
	u64 e = pa | PVAL_ENTRY_VALIDATE;

	TEST_ASSERT(setup());
	TEST_ASSERT_EQ(pvalidate(1, 0, &e, 1), SVSM_ERR_INVALID_ADDRESS);
	TEST_ASSERT_EQ(secret, 0x5ec2e75ec2e7ULL); /* not zeroed */
	/* A request placed in SVSM memory is refused before any read. */
	TEST_ASSERT_EQ(core(SVSM_CORE_PVALIDATE, pa, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
}

SVSM_TEST(protocol_pvalidate_malformed_requests)
{
	u64 e = (area + DATA) | PVAL_ENTRY_VALIDATE;

	TEST_ASSERT(setup());
	memset(at(DATA), 0xaa, PAGE_SIZE);
	TEST_ASSERT_EQ(pvalidate(0, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(pvalidate(511, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(pvalidate(1, 1, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(core(SVSM_CORE_PVALIDATE, area + BOOT_CAA + 12, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	e |= 0x10; /* reserved bit 4 */
	TEST_ASSERT_EQ(pvalidate(1, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	e = (area + HUGE + PAGE_SIZE) | PVAL_ENTRY_VALIDATE | 1;
	TEST_ASSERT_EQ(pvalidate(1, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	e = (area + BOOT_CAA) | PVAL_ENTRY_VALIDATE; /* a calling area */
	TEST_ASSERT_EQ(pvalidate(1, 0, &e, 1), SVSM_ERR_INVALID_ADDRESS);
	TEST_ASSERT_EQ(((u8 *)at(DATA))[0], 0xaa); /* nothing done */
}

SVSM_TEST(protocol_create_delete_vcpu)
{
	phys_addr_t vmsa, caa;

	TEST_ASSERT(setup());
	bsp->sev_features = FEATURES;
	put_vmsa(AP_VMSA, 0, VMSA_EFER_SVME, FEATURES);
	TEST_ASSERT_EQ(core(SVSM_CORE_CREATE_VCPU, area + AP_VMSA,
			    area + AP_CAA, 1),
		       SVSM_ERR_INVALID_PARAMETER);
	put_vmsa(AP_VMSA, SVSM_GUEST_VMPL, VMSA_EFER_SVME, FEATURES);
	TEST_ASSERT_EQ(core(SVSM_CORE_CREATE_VCPU, area + AP_VMSA,
			    area + AP_CAA, 9),
		       SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(core(SVSM_CORE_CREATE_VCPU, area + AP_VMSA,
			    area + BOOT_CAA, 1),
		       SVSM_ERR_INVALID_ADDRESS);
	TEST_ASSERT_EQ(core(SVSM_CORE_CREATE_VCPU, area + AP_VMSA,
			    area + AP_CAA, 1),
		       SVSM_SUCCESS);
	vcpu_get_pair(vcpu_find(1), &vmsa, &caa);
	TEST_ASSERT_EQ(vmsa, area + AP_VMSA);
	TEST_ASSERT_EQ(core(SVSM_CORE_DELETE_VCPU, area + DATA, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(core(SVSM_CORE_DELETE_VCPU, area + AP_VMSA, 0, 0),
		       SVSM_SUCCESS);
	TEST_ASSERT_EQ(((struct sev_vmsa *)at(AP_VMSA))->efer, 0ULL);
	vcpu_get_pair(vcpu_find(1), &vmsa, &caa);
	TEST_ASSERT_EQ(vmsa, 0ULL);
}

SVSM_TEST(protocol_remap_ca)
{
	struct sev_vmsa *v = at(BOOT_VMSA);
	u8 *caa = at(DATA);

	TEST_ASSERT(setup());
	memset(caa, 0xff, 16);
	TEST_ASSERT_EQ(core(SVSM_CORE_REMAP_CA, area + DATA + 8, 0, 0),
		       SVSM_ERR_INVALID_PARAMETER);
	TEST_ASSERT_EQ(core(SVSM_CORE_REMAP_CA, area + DATA, 0, 0),
		       SVSM_SUCCESS);
	TEST_ASSERT(mem_is_zero(caa, 8));
	TEST_ASSERT_EQ(caa[8], 0xff);
	/* Calls now come through the new calling area. */
	v->rax = SVSM_CORE_QUERY_PROTOCOL;
	v->rcx = 1;
	caa[0] = 1;
	TEST_ASSERT_EQ(request_loop_handle_exit(bsp), 1);
	TEST_ASSERT_EQ(caa[0], 0);
	TEST_ASSERT_EQ(v->rcx, 1ULL << 32 | 1);
}

SVSM_TEST(protocol_guestmem_window_is_per_cpu_and_unmapped_after)
{
	u64 base = PERCPU_VIRT_BASE +
		   (u64)this_cpu()->cpu_index * PERCPU_VIRT_STRIDE +
		   PERCPU_GUESTMEM_OFFSET;
	struct pgtable_walk_result r;
	u8 *va;

	TEST_ASSERT(setup());
	va = guestmem_map(area + DATA, PAGE_SIZE);
	TEST_ASSERT_EQ((u64)(uintptr_t)va, base);
	TEST_ASSERT_EQ(mm_walk(base, &r), 0);
	TEST_ASSERT_EQ(r.pa, area + DATA);
	guestmem_unmap(va, PAGE_SIZE);
	TEST_ASSERT_EQ(mm_walk(base, &r), -SVSM_ENOENT);
	/* Guest RAM checks on the machine's own map. */
	TEST_ASSERT(guestmem_is_guest_ram(area, AREA_SIZE));
	TEST_ASSERT(!guestmem_is_guest_ram(
		kernel_launch_info->kernel_region_phys_start, PAGE_SIZE));
}

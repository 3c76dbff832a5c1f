/* SPDX-License-Identifier: MIT */
/*
 * Local APIC driver. Register offsets (xAPIC MMIO) and MSR numbers (x2APIC,
 * 0x800 + offset / 16) from Intel SDM vol. 3, table 11-6.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <svsm/errno.h>
#include <svsm/mm.h>
#include <svsm/vmap.h>

#define APIC_REG_ID 0x20
#define APIC_REG_EOI 0xB0
#define APIC_REG_SVR 0xF0
#define APIC_REG_ICR_LO 0x300
#define APIC_REG_ICR_HI 0x310
#define X2APIC_MSR(reg) (0x800u + ((reg) >> 4))

#define APIC_BASE_ENABLE BIT(11)
#define APIC_BASE_X2APIC BIT(10)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL
#define SVR_ENABLE BIT(8)
#define ICR_NMI 0x00000400u
#define ICR_INIT 0x00000500u
#define ICR_STARTUP 0x00000600u
#define ICR_LEVEL_ASSERT 0x00004000u
#define ICR_DELIVERY_PENDING 0x00001000u
#define CPUID1_ECX_X2APIC BIT(21)

static volatile u32 *xapic;
static bool x2apic;

static u32 apic_read(u32 reg)
{
	if (x2apic)
		return (u32)arch_rdmsr(X2APIC_MSR(reg));
	return xapic[reg / 4];
}

static void apic_write(u32 reg, u32 v)
{
	if (x2apic)
		arch_wrmsr(X2APIC_MSR(reg), v);
	else
		xapic[reg / 4] = v;
}

static void enable_local(void)
{
	u64 base = arch_rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	if (x2apic)
		base |= APIC_BASE_X2APIC;
	arch_wrmsr(MSR_APIC_BASE, base);
	apic_write(APIC_REG_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
}

int apic_init(void)
{
	u64 base = arch_rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;

	x2apic = arch_cpuid(1, 0).ecx & CPUID1_ECX_X2APIC;
	if (!x2apic) {
		xapic = vmap_phys(base, PAGE_SIZE, PGT_WRITE | PGT_UNCACHED);
		if (!xapic)
			return -SVSM_ENOMEM;
	}
	enable_local();
	return 0;
}

void apic_init_ap(void)
{
	enable_local();
}

bool apic_is_x2apic(void)
{
	return x2apic;
}

u32 apic_id(void)
{
	u32 id = apic_read(APIC_REG_ID);

	return x2apic ? id : id >> 24;
}

static void icr_wait(void)
{
	/* x2APIC has no delivery-status bit: writes complete at once. */
	for (int i = 0; !x2apic && i < 1000000; i++) {
		if (!(apic_read(APIC_REG_ICR_LO) & ICR_DELIVERY_PENDING))
			return;
		arch_cpu_relax();
	}
}

static void icr_send(u32 dest, u32 lo)
{
	if (x2apic) {
		arch_wrmsr(X2APIC_MSR(APIC_REG_ICR_LO), ((u64)dest << 32) | lo);
		return;
	}
	icr_wait();
	apic_write(APIC_REG_ICR_HI, dest << 24);
	apic_write(APIC_REG_ICR_LO, lo);
	icr_wait();
}

void apic_send_init(u32 dest)
{
	icr_send(dest, ICR_INIT | ICR_LEVEL_ASSERT);
}

void apic_send_sipi(u32 dest, u8 vector)
{
	icr_send(dest, ICR_STARTUP | vector);
}

void apic_send_ipi(u32 dest, u8 vector)
{
	icr_send(dest, ICR_LEVEL_ASSERT | vector);
}

void apic_send_nmi(u32 dest)
{
	icr_send(dest, ICR_NMI | ICR_LEVEL_ASSERT);
}

void apic_eoi(void)
{
	apic_write(APIC_REG_EOI, 0);
}

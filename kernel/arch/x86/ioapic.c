/* SPDX-License-Identifier: MIT */
#include <arch/ioapic.h>
#include <svsm/errno.h>
#include <svsm/mm/pgtable.h>
#include <svsm/vmap.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define REDIR_MASKED BIT(16)

static volatile u32 *ioapic;

static u32 ioapic_read(u32 reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void ioapic_write(u32 reg, u32 v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

int ioapic_route_isa_irq(u32 irq, u8 vector, u32 dest)
{
	u32 entries;

	if (!ioapic)
		ioapic = vmap_phys(IOAPIC_DEFAULT_BASE, PAGE_SIZE,
				   PGT_WRITE | PGT_UNCACHED);
	if (!ioapic)
		return -SVSM_ENOMEM;
	entries = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	if (irq >= entries || irq >= 16)
		return -SVSM_EINVAL;
	ioapic_write(IOREDTBL(irq), REDIR_MASKED);
	ioapic_write(IOREDTBL(irq) + 1, dest << 24);
	/* Fixed delivery, physical destination, edge, active high. */
	ioapic_write(IOREDTBL(irq), vector);
	return 0;
}

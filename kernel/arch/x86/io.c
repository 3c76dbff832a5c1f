/* SPDX-License-Identifier: MIT */
/* Direct port I/O behind struct io_ops, for the native platform and boot. */
#include <arch/io.h>
#include <svsm/io.h>

static void direct_outb(u16 port, u8 v)
{
	arch_outb(port, v);
}

static u8 direct_inb(u16 port)
{
	return arch_inb(port);
}

static void direct_outw(u16 port, u16 v)
{
	arch_outw(port, v);
}

static u16 direct_inw(u16 port)
{
	return arch_inw(port);
}

static void direct_outl(u16 port, u32 v)
{
	arch_outl(port, v);
}

static u32 direct_inl(u16 port)
{
	return arch_inl(port);
}

const struct io_ops arch_direct_io = {
	.outb = direct_outb,
	.inb = direct_inb,
	.outw = direct_outw,
	.inw = direct_inw,
	.outl = direct_outl,
	.inl = direct_inl,
};

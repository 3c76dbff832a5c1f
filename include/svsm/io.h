/* SPDX-License-Identifier: MIT */
/*
 * Port I/O as an interface: drivers (UART, fw_cfg) take a `struct io_ops`
 * so the same driver runs on direct port I/O (native), through GHCB IOIO
 * exits (SNP), or against a fake device in host tests.
 */
#ifndef SVSM_IO_H
#define SVSM_IO_H

#include <svsm/types.h>

struct io_ops {
	void (*outb)(u16 port, u8 value);
	u8 (*inb)(u16 port);
	void (*outw)(u16 port, u16 value);
	u16 (*inw)(u16 port);
	void (*outl)(u16 port, u32 value);
	u32 (*inl)(u16 port);
};

/* Direct port I/O (kernel/arch/x86/io.c). */
extern const struct io_ops arch_direct_io;

#endif

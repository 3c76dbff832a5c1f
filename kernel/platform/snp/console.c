/* SPDX-License-Identifier: MIT */
/*
 * Port I/O on SEV-SNP: IN/OUT would raise #VC, so the console and every
 * other driver do port I/O through the GHCB IOIO NAE (digest §3.7) behind
 * struct io_ops, like the native platform's direct port I/O.
 */
#include <svsm/lib/check.h>
#include <svsm/snp.h>

static u64 ioio_size_bit(unsigned int size)
{
	switch (size) {
	case 1:
		return IOIO_DATA_8;
	case 2:
		return IOIO_DATA_16;
	default:
		CHECK(size == 4);
		return IOIO_DATA_32;
	}
}

u32 snp_ioio(u16 port, unsigned int size, bool in, u32 value)
{
	u64 mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
	struct ghcb_req req = {
		.exit_code = SVM_EXIT_IOIO,
		.exit_info_1 = ((u64)port << IOIO_PORT_SHIFT) |
			       ioio_size_bit(size) | IOIO_ADDR_64 |
			       (in ? IOIO_TYPE_IN : 0),
		.rax = value & mask,
		.in = in ? 0 : GHCB_F_RAX,
		.out = in ? GHCB_F_RAX : 0,
	};
	struct ghcb_resp resp;

	ghcb_call_checked(&req, &resp);
	return in ? (u32)(resp.rax & mask) : 0;
}

static u32 io_in(u16 port, unsigned int size)
{
	if (!snp_ghcb_ready()) {
		return 0xffffffffu;
	}
	return snp_ioio(port, size, true, 0);
}

static void io_out(u16 port, unsigned int size, u32 value)
{
	if (snp_ghcb_ready()) {
		snp_ioio(port, size, false, value);
	}
}

static void ghcb_outb(u16 port, u8 v)
{
	io_out(port, 1, v);
}

static u8 ghcb_inb(u16 port)
{
	return (u8)io_in(port, 1);
}

static void ghcb_outw(u16 port, u16 v)
{
	io_out(port, 2, v);
}

static u16 ghcb_inw(u16 port)
{
	return (u16)io_in(port, 2);
}

static void ghcb_outl(u16 port, u32 v)
{
	io_out(port, 4, v);
}

static u32 ghcb_inl(u16 port)
{
	return io_in(port, 4);
}

const struct io_ops snp_ghcb_io = {
	.outb = ghcb_outb,
	.inb = ghcb_inb,
	.outw = ghcb_outw,
	.inw = ghcb_inw,
	.outl = ghcb_outl,
	.inl = ghcb_inl,
};

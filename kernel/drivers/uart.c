/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART. Register offsets and bits from the PC16550D datasheet; the
 * 9600 baud divisor matches upstream (QEMU ignores it anyway).
 */
#include <svsm/drivers/uart.h>

#define UART_THR 0 /* transmit holding (write) */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLH 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PCs */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_AVAILABLE 0x01
#define DIVISOR_9600 12

bool uart_port_valid(u16 base)
{
	return base == UART_COM1 || base == UART_COM2 || base == UART_COM3 ||
	       base == UART_COM4;
}

void uart_init(struct uart *uart, u16 base, const struct io_ops *io)
{
	uart->base = base;
	uart->io = io;
	io->outb(base + UART_IER, 0);
	io->outb(base + UART_LCR, LCR_8N1 | LCR_DLAB);
	io->outb(base + UART_DLL, DIVISOR_9600);
	io->outb(base + UART_DLH, 0);
	io->outb(base + UART_LCR, LCR_8N1);
	io->outb(base + UART_FCR, 0);
	io->outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
}

void uart_putc(const struct uart *uart, char c)
{
	/* Bounded wait: a wedged UART must not hang the SVSM forever. */
	for (int i = 0; i < 100000; i++) {
		if (uart->io->inb(uart->base + UART_LSR) & LSR_THR_EMPTY)
			break;
	}
	uart->io->outb(uart->base + UART_THR, (u8)c);
}

void uart_write(const struct uart *uart, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(uart, '\r');
		uart_putc(uart, s[i]);
	}
}

int uart_getc_nonblock(const struct uart *uart)
{
	if (!(uart->io->inb(uart->base + UART_LSR) & LSR_DATA_READY))
		return -1;
	return uart->io->inb(uart->base + UART_RBR);
}

void uart_set_rx_interrupt(const struct uart *uart, bool enable)
{
	uart->io->outb(uart->base + UART_IER, enable ? IER_RX_AVAILABLE : 0);
}

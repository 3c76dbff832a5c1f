/* SPDX-License-Identifier: MIT */
/* 16550 UART, polled, 8N1 (used for the console on COM1 and gdb on COM2). */
#ifndef SVSM_DRIVERS_UART_H
#define SVSM_DRIVERS_UART_H

#include <svsm/io.h>
#include <svsm/types.h>

#define UART_COM1 0x3f8
#define UART_COM2 0x2f8
#define UART_COM3 0x3e8
#define UART_COM4 0x2e8

struct uart {
	u16 base;
	const struct io_ops *io;
};

/* True for the four standard COM port bases. */
bool uart_port_valid(u16 base);
void uart_init(struct uart *uart, u16 base, const struct io_ops *io);
void uart_putc(const struct uart *uart, char c);
/* Writes len bytes; '\n' becomes "\r\n". */
void uart_write(const struct uart *uart, const char *s, size_t len);
/* Returns the next received byte, or -1 if none is waiting. */
int uart_getc_nonblock(const struct uart *uart);
/* Enables (or disables) the "received data available" interrupt. */
void uart_set_rx_interrupt(const struct uart *uart, bool enable);

#endif

/* SPDX-License-Identifier: MIT */
#include <svsm/console.h>
#include <svsm/drivers/uart.h>
#include <svsm/spinlock.h>

static struct uart console_uart;
static bool console_ready;
static bool panic_mode;
static spinlock_t console_lock = SPINLOCK_INIT;

void console_init(u16 port, const struct io_ops *io)
{
	uart_init(&console_uart, port, io);
	console_ready = true;
}

void console_write_line(const char *line, size_t len)
{
	u64 flags;

	if (!console_ready)
		return;
	if (panic_mode) {
		uart_write(&console_uart, line, len);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	uart_write(&console_uart, line, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_enter_panic_mode(void)
{
	panic_mode = true;
}

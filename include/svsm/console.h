/* SPDX-License-Identifier: MIT */
/* The kernel console: the UART named by the boot parameters, behind a lock. */
#ifndef SVSM_CONSOLE_H
#define SVSM_CONSOLE_H

#include <svsm/io.h>
#include <svsm/types.h>

void console_init(u16 port, const struct io_ops *io);
/* log sink: writes one line under the console lock. */
void console_write_line(const char *line, size_t len);
/* Panic path: stop honouring the lock so the report always gets out. */
void console_enter_panic_mode(void);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * igvmbuilder diagnostics: one stream, so the unit tests can read back the
 * exact text a user would see.
 */
#include <stdarg.h>
#include <stdio.h>

#include "builder.h"

static FILE *diag;

void bld_set_diag(FILE *f)
{
	diag = f;
}

static void emit(const char *kind, const char *fmt, va_list ap)
{
	FILE *f = diag ? diag : stderr;

	fprintf(f, "igvmbuilder: %s", kind);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

int bld_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
	return -1;
}

void bld_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void bld_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("note: ", fmt, ap);
	va_end(ap);
}

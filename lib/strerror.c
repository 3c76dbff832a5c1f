/* SPDX-License-Identifier: MIT */
/*
 * A switch rather than a table of pointers: string addresses then come from
 * code, and no data needs relocating wherever the image runs.
 */
#include <svsm/errno.h>

const char *svsm_strerror(int err)
{
	/* Negated as unsigned, so that INT_MIN falls through to "unknown". */
	unsigned int code = (unsigned int)err;

	if (err < 0) {
		code = 0u - code;
	}

	switch (code) {
	case SVSM_OK:
		return "success";
	case SVSM_ENOMEM:
		return "out of memory";
	case SVSM_EINVAL:
		return "invalid argument";
	case SVSM_EFAULT:
		return "bad address";
	case SVSM_ENOENT:
		return "not found";
	case SVSM_EEXIST:
		return "already exists";
	case SVSM_ERANGE:
		return "out of range";
	case SVSM_EBUSY:
		return "resource busy";
	case SVSM_ENOTSUP:
		return "not supported";
	case SVSM_EIO:
		return "I/O error";
	case SVSM_EBADMSG:
		return "corrupted data";
	default:
		return "unknown error";
	}
}

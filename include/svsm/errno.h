/* SPDX-License-Identifier: MIT */
/* Internal error codes: functions return 0 or a negative value of these. */
#ifndef SVSM_ERRNO_H
#define SVSM_ERRNO_H

#define SVSM_OK 0
#define SVSM_ENOMEM 1    /* allocation failed */
#define SVSM_EINVAL 2    /* malformed or out-of-range argument */
#define SVSM_EFAULT 3    /* access faulted */
#define SVSM_ENOENT 4    /* not found */
#define SVSM_EEXIST 5    /* already present / overlaps */
#define SVSM_ERANGE 6    /* outside the permitted range */
#define SVSM_EBUSY 7     /* resource in use */
#define SVSM_ENOTSUP 8   /* not supported */
#define SVSM_EIO 9       /* device or hypervisor error */
#define SVSM_EBADMSG 10  /* corrupted data (checksum, format) */

const char *svsm_strerror(int err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whole reads from a file descriptor, through EINTR and short reads.
 */
#ifndef VK_UTIL_FD_IO_H
#define VK_UTIL_FD_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads len bytes; returns the count read, short only at end of file, or
 * -1 with errno set.  On a pipe it never reads past len, so what follows
 * stays for the next reader. */
ssize_t vkReadFull(int fd, void *buf, size_t len);

#endif

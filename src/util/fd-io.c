/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whole reads from a file descriptor: read(2) may return less than asked
 * (a pipe, a signal), so callers that need a full block loop here.
 */
#include <errno.h>
#include <unistd.h>

#include "util/fd-io.h"

ssize_t
vkReadFull(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += n;
    }
    return got;
}

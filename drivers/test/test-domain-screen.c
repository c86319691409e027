/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainScreenshot on the test driver.  libvirt's test driver answers
 * with a fixed PNG image whatever the domain's state and the screen asked
 * for; so does this one, with its own small image (32x24, one colour)
 * carried in the library.  The bytes go to the caller's stream through a
 * pipe: the image is far smaller than a pipe's buffer, so it is written
 * whole before the stream starts reading, and the stream sees end of file
 * after it.
 */
#define VIR_FROM_THIS VIR_FROM_TEST
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "drivers/test/test-private.h"
#include "core/fd-stream.h"
#include "util/error.h"

static const unsigned char testScreenPNG[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x18, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x14, 0x31, 0x68, 0x63, 0x00, 0x00, 0x00, 0x24, 0x49, 0x44, 0x41, 0x54, 0x78,
    0xda, 0x63, 0x50, 0x70, 0x68, 0xa0, 0x29, 0x62, 0x18, 0xb5, 0x60, 0xd4, 0x82, 0x51,
    0x0b, 0x46, 0x2d, 0x18, 0xb5, 0x60, 0xd4, 0x82, 0x51, 0x0b, 0x46, 0x2d, 0x18, 0x1a,
    0x16, 0x00, 0x00, 0x1c, 0x19, 0xa0, 0x1f, 0x03, 0xb9, 0x29, 0x8a, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

char *
vkTestDomainScreenshot(virDomainPtr dom, virStreamPtr stream, unsigned int screen,
                       unsigned int flags)
{
    vkTestState *st;
    int pair[2];
    ssize_t n;

    (void)screen;
    if (!vkTestFlagsOK("testDomainScreenshot", flags, 0))
        return NULL;
    if (!vkTestDomainGet(dom, &st))
        return NULL;
    g_mutex_unlock(&st->lock);

    if (pipe2(pair, O_CLOEXEC) < 0) {
        vkReportSystemError(errno, "%s", "cannot create a pipe for the screenshot");
        return NULL;
    }
    n = write(pair[1], testScreenPNG, sizeof(testScreenPNG));
    close(pair[1]);
    if (n != (ssize_t)sizeof(testScreenPNG)) {
        vkReportSystemError(n < 0 ? errno : EIO, "%s", "cannot write the screenshot");
        close(pair[0]);
        return NULL;
    }
    if (vkFdStreamOpen(stream, pair[0]) < 0)
        return NULL;
    return g_strdup("image/png");
}

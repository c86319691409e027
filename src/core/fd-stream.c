/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fd-backed stream (see fd-stream.h).
 *
 * Lifetime is the subtle part: the event loop may run our handler after
 * the application dropped its last stream reference, and it frees the
 * handler's data later still (from an idle callback).  So the watch does
 * not point at the stream but at a small refcounted "link" that the
 * stream clears when it goes; the handler only calls back into a stream
 * it could still take a reference on.
 */
#define VIR_FROM_THIS VIR_FROM_STREAMS
#include "core/fd-stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "core/stream.h"
#include "util/error.h"
#include "util/event-loop.h"

typedef struct {
    gint refs;
    GMutex lock;
    virStreamPtr st;              /* NULL once the stream is gone */
    virStreamEventCallback cb;
    void *opaque;
    virFreeCallback ff;
} fdLink;

typedef struct {
    GMutex lock;                  /* fd against a close from another thread */
    int fd;
    /* A write-only descriptor (a pipe's write end QEMU reads from) has
     * nothing to read: a receive on it is the end of data, not an error,
     * when a relay asks after the reader hung up. */
    bool writeOnly;
    int watch;                    /* -1 when no callback is registered */
    fdLink *link;
    vkFdStreamCloseHook hook;
    void *hookOpaque;
} fdStream;

static void
linkUnref(void *opaque)
{
    fdLink *link = opaque;

    if (!g_atomic_int_dec_and_test(&link->refs))
        return;
    if (link->ff)
        link->ff(link->opaque);
    g_mutex_clear(&link->lock);
    g_free(link);
}

static fdStream *
getPriv(virStreamPtr st)
{
    fdStream *fs = vkStreamPriv(st);

    if (!fs || fs->fd < 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "the stream is closed");
        return NULL;
    }
    return fs;
}

/* Blocking streams: wait until fd is ready for what failed with EAGAIN. */
static int
waitFd(int fd, short what)
{
    struct pollfd p = { .fd = fd, .events = what };

    while (poll(&p, 1, -1) < 0) {
        if (errno != EINTR) {
            vkReportSystemError(errno, "%s", "cannot wait on the stream");
            return -1;
        }
    }
    return 0;
}

/* One read (into dst) or write (from src) of the descriptor, retried on
 * EINTR and, on a blocking stream, after waiting out EAGAIN.  A reader
 * sees the end of the stream where a writer sees an error: the fd closed
 * under it, or EIO from a pty whose master side closed (the guest, or its
 * QEMU, went). */
static int
fdTransfer(virStreamPtr st, const char *src, char *dst, size_t nbytes)
{
    fdStream *fs = getPriv(st);

    if (!fs)
        return -1;
    if (nbytes > INT_MAX)
        nbytes = INT_MAX;
    for (;;) {
        ssize_t n = -1;
        int fd;

        g_mutex_lock(&fs->lock);
        fd = fs->fd;
        if (!src && fs->writeOnly) {
            g_mutex_unlock(&fs->lock);
            return 0;
        }
        if (fd < 0)
            errno = EBADF;
        else
            n = src ? write(fd, src, nbytes) : read(fd, dst, nbytes);
        g_mutex_unlock(&fs->lock);
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (!src && (errno == EIO || (errno == EBADF && fd < 0)))
            return 0;
        if (errno == EBADF && fd < 0) {
            vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "the stream was closed");
            return -1;
        }
        if (errno == EAGAIN) {
            if (vkStreamIsNonBlock(st))
                return -2;
            if (waitFd(fd, src ? POLLOUT : POLLIN) < 0)
                return -1;
            continue;
        }
        vkReportSystemError(errno, "%s", src ? "cannot write to the stream"
                                             : "cannot read from the stream");
        return -1;
    }
}

static int
fdSend(virStreamPtr st, const char *data, size_t nbytes)
{
    return fdTransfer(st, data, NULL, nbytes);
}

static int
fdRecv(virStreamPtr st, char *data, size_t nbytes, unsigned int flags)
{
    (void)flags;
    return fdTransfer(st, NULL, data, nbytes);
}

static void
onHandle(int watch, int fd, int events, void *opaque)
{
    fdLink *link = opaque;
    virStreamPtr st = NULL;
    virStreamEventCallback cb;
    void *cbopaque;

    (void)watch;
    (void)fd;
    g_mutex_lock(&link->lock);
    if (link->st && vkStreamTryRef(link->st))
        st = link->st;
    cb = link->cb;
    cbopaque = link->opaque;
    g_mutex_unlock(&link->lock);
    if (!st)
        return;
    /* VIR_EVENT_HANDLE_* and VIR_STREAM_EVENT_* share their values. */
    cb(st, events, cbopaque);
    vkStreamUnref(st);
}

static int
fdEventAdd(virStreamPtr st, int events, virStreamEventCallback cb,
           void *opaque, virFreeCallback ff)
{
    fdStream *fs = getPriv(st);
    fdLink *link;

    if (!fs)
        return -1;
    if (fs->watch >= 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "the stream already has an event callback");
        return -1;
    }
    if (!vkEventLoopIsRegistered()) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "stream events need an event loop (virEventRegisterDefaultImpl)");
        return -1;
    }
    link = g_new0(fdLink, 1);
    link->refs = 1;
    g_mutex_init(&link->lock);
    link->st = st;
    link->cb = cb;
    link->opaque = opaque;
    link->ff = ff;
    fs->watch = virEventAddHandle(fs->fd, events, onHandle, link, linkUnref);
    if (fs->watch < 0) {
        link->ff = NULL;            /* the caller keeps opaque on failure */
        linkUnref(link);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cannot watch the stream's descriptor");
        return -1;
    }
    fs->link = link;
    return 0;
}

static int
fdEventUpdate(virStreamPtr st, int events)
{
    fdStream *fs = getPriv(st);

    if (!fs)
        return -1;
    if (fs->watch < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the stream has no event callback");
        return -1;
    }
    virEventUpdateHandle(fs->watch, events);
    return 0;
}

static void
dropWatch(fdStream *fs)
{
    if (fs->watch < 0)
        return;
    g_mutex_lock(&fs->link->lock);
    fs->link->st = NULL;
    g_mutex_unlock(&fs->link->lock);
    virEventRemoveHandle(fs->watch);    /* frees the link (and opaque) later */
    fs->watch = -1;
    fs->link = NULL;
}

static int
fdEventRemove(virStreamPtr st)
{
    fdStream *fs = vkStreamPriv(st);

    if (!fs || fs->watch < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the stream has no event callback");
        return -1;
    }
    dropWatch(fs);
    return 0;
}

static int
fdClose(virStreamPtr st)
{
    fdStream *fs = vkStreamPriv(st);
    vkFdStreamCloseHook hook;
    int fd, rc;

    if (!fs)
        return 0;
    g_mutex_lock(&fs->lock);
    fd = fs->fd;
    fs->fd = -1;
    hook = fs->hook;
    fs->hook = NULL;
    g_mutex_unlock(&fs->lock);
    if (fd < 0)
        return 0;
    dropWatch(fs);
    rc = close(fd);
    if (hook)
        hook(st, fs->hookOpaque);
    if (rc < 0 && errno != EINTR && errno != EIO) {
        vkReportSystemError(errno, "%s", "cannot close the stream");
        return -1;
    }
    return 0;
}

void
vkFdStreamHangup(virStreamPtr st)
{
    fdStream *fs = vkStreamPriv(st);
    int hung[2];

    /* The read end of a pipe without writers stands in for the device
     * under the same descriptor number: event loops polling that number
     * see POLLHUP, reads see the end, and the device's file is released
     * by dup2 without racing the owner's use of the number. */
    if (pipe2(hung, O_CLOEXEC) < 0)
        return;
    close(hung[1]);
    g_mutex_lock(&fs->lock);
    if (fs->fd >= 0)
        dup3(hung[0], fs->fd, O_CLOEXEC);
    g_mutex_unlock(&fs->lock);
    close(hung[0]);
}

void
vkFdStreamSetCloseHook(virStreamPtr st, vkFdStreamCloseHook fn, void *opaque)
{
    fdStream *fs = vkStreamPriv(st);

    g_mutex_lock(&fs->lock);
    fs->hook = fn;
    fs->hookOpaque = opaque;
    g_mutex_unlock(&fs->lock);
}

static void
fdFree(virStreamPtr st)
{
    fdStream *fs = vkStreamPriv(st);

    fdClose(st);
    g_mutex_clear(&fs->lock);
    g_free(fs);
}

static const vkStreamOps fdStreamOps = {
    .name = "fd",
    .send = fdSend,
    .recv = fdRecv,
    .eventAdd = fdEventAdd,
    .eventUpdate = fdEventUpdate,
    .eventRemove = fdEventRemove,
    .finish = fdClose,
    .abort = fdClose,
    .free = fdFree,
};

int
vkFdStreamOpen(virStreamPtr st, int fd)
{
    fdStream *fs;
    int fl;

    if (fd < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "no descriptor for the stream");
        return -1;
    }
    /* Nonblocking underneath either way: blocking streams wait in poll(),
     * so an event loop never sleeps inside a read. */
    if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        vkReportSystemError(errno, "%s", "cannot make the stream's descriptor nonblocking");
        close(fd);
        return -1;
    }
    fs = g_new0(fdStream, 1);
    g_mutex_init(&fs->lock);
    fs->fd = fd;
    fs->writeOnly = (fl & O_ACCMODE) == O_WRONLY;
    fs->watch = -1;
    if (vkStreamSetBackend(st, &fdStreamOps, fs) < 0) {
        close(fd);
        g_mutex_clear(&fs->lock);
        g_free(fs);
        return -1;
    }
    return 0;
}

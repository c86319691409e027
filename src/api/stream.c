/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virStream entry points.  They check their arguments and the stream's
 * state here, once, and leave the bytes to the backend a driver attached
 * (core/stream.h).  The *All helpers are loops over Send/Recv written once
 * for every backend, as libvirt's are; they need blocking streams.
 */
#define VIR_FROM_THIS VIR_FROM_STREAMS
#include "api/api-internal.h"

#include "core/stream.h"

/* The buffer of the *All loops: libvirt's stream packet payload size. */
#define VK_STREAM_CHUNK (256 * 1024)

/* Handle, backend and not-yet-closed checks; reports on failure. */
static const vkStreamOps *
openOps(virStreamPtr st, const char *func)
{
    const vkStreamOps *ops;
    bool closed;

    if (!vkCheckStream(st, func))
        return NULL;
    g_mutex_lock(&st->lock);
    ops = st->ops;
    closed = st->closed;
    g_mutex_unlock(&st->lock);
    if (!ops) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "%s: the stream is not open (no driver call has opened it)", func);
        return NULL;
    }
    if (closed) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "%s: the stream is already finished or aborted", func);
        return NULL;
    }
    return ops;
}

static int
fail(virStreamPtr st)
{
    vkDispatchError(st && st->magic == VK_STREAM_MAGIC ? st->conn : NULL);
    return -1;
}

/* The door of every call on an opened stream: the thread's error reset,
 * the handle and its state checked, then the call's required pointers
 * (missing: the name of the first NULL one, or NULL when all are given). */
static const vkStreamOps *
enter(virStreamPtr st, const char *func, const char *missing)
{
    const vkStreamOps *ops;

    vkErrorReset();
    if (!(ops = openOps(st, func)))
        return NULL;
    if (missing) {
        vkReportNullArg(VIR_FROM_THIS, missing, func);
        return NULL;
    }
    return ops;
}

/* The *All helpers' door: they wait inside Send/Recv, so they need a
 * blocking stream. */
static const vkStreamOps *
enterBlocking(virStreamPtr st, const char *func, const char *missing)
{
    const vkStreamOps *ops = enter(st, func, missing);

    if (ops && vkStreamIsNonBlock(st)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "%s: data handlers cannot be used with nonblocking streams", func);
        return NULL;
    }
    return ops;
}

/* An optional family of backend operations ("holes", "events") is there,
 * or the call is VIR_ERR_NO_SUPPORT. */
static bool
supports(const vkStreamOps *ops, bool present, const char *what, const char *func)
{
    if (!present)
        vkReportError(VIR_ERR_NO_SUPPORT, "%s: %s streams have no %s", func, ops->name, what);
    return present;
}

static void
markClosed(virStreamPtr st)
{
    g_mutex_lock(&st->lock);
    st->closed = true;
    g_mutex_unlock(&st->lock);
}

bool
vkCheckStreamArg(virStreamPtr st, virConnectPtr conn, int errdom, const char *func)
{
    bool opened;

    if (!vkCheckStream(st, func))
        return false;
    if (st->conn != conn) {
        vkReportErrorFull(errdom, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "%s: the stream belongs to another connection", func);
        return false;
    }
    g_mutex_lock(&st->lock);
    opened = st->ops != NULL;
    g_mutex_unlock(&st->lock);
    if (opened) {
        vkReportErrorFull(errdom, VIR_ERR_OPERATION_INVALID, __FILE__, __func__, __LINE__,
                          "%s: the stream is already open; use a new one", func);
        return false;
    }
    return true;
}

virStreamPtr
virStreamNew(virConnectPtr conn, unsigned int flags)
{
    vkErrorReset();
    if (!vkCheckConnect(conn, __func__))
        goto error;
    if (flags & ~(unsigned int)VIR_STREAM_NONBLOCK) {
        vkReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(unsigned int)VIR_STREAM_NONBLOCK, __func__);
        goto error;
    }
    return vkStreamNew(conn, flags);

 error:
    vkDispatchError(NULL);
    return NULL;
}

/* Ref and Free need no opened stream, only a valid handle. */
static int
changeRef(virStreamPtr stream, void (*change)(virStreamPtr), const char *func)
{
    vkErrorReset();
    if (!vkCheckStream(stream, func))
        return fail(NULL);
    change(stream);
    return 0;
}

int
virStreamRef(virStreamPtr stream)
{
    return changeRef(stream, vkStreamRef, __func__);
}

int
virStreamFree(virStreamPtr stream)
{
    return changeRef(stream, vkStreamUnref, __func__);
}

int
virStreamSend(virStreamPtr stream, const char *data, size_t nbytes)
{
    const vkStreamOps *ops = enter(stream, __func__, data ? NULL : "data");
    int rc;

    if (!ops)
        return fail(stream);
    rc = ops->send(stream, data, nbytes);
    return rc == -1 ? fail(stream) : rc;
}

int
virStreamRecvFlags(virStreamPtr stream, char *data, size_t nbytes, unsigned int flags)
{
    const vkStreamOps *ops = enter(stream, __func__, data ? NULL : "data");
    int rc;

    if (!ops)
        return fail(stream);
    if (flags & ~(unsigned int)VIR_STREAM_RECV_STOP_AT_HOLE) {
        vkReportError(VIR_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                      flags & ~(unsigned int)VIR_STREAM_RECV_STOP_AT_HOLE, __func__);
        return fail(stream);
    }
    if (!supports(ops, !(flags & VIR_STREAM_RECV_STOP_AT_HOLE) || ops->recvHole,
                  "holes", __func__))
        return fail(stream);
    rc = ops->recv(stream, data, nbytes, flags);
    return rc == -1 ? fail(stream) : rc;
}

int
virStreamRecv(virStreamPtr stream, char *data, size_t nbytes)
{
    return virStreamRecvFlags(stream, data, nbytes, 0);
}

int
virStreamSendHole(virStreamPtr stream, long long length, unsigned int flags)
{
    const vkStreamOps *ops = enter(stream, __func__, NULL);

    if (!ops)
        return fail(stream);
    if (length < 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s: negative hole length %lld",
                      __func__, length);
        return fail(stream);
    }
    if (!supports(ops, ops->sendHole, "holes", __func__) ||
        ops->sendHole(stream, length, flags) < 0)
        return fail(stream);
    return 0;
}

int
virStreamRecvHole(virStreamPtr stream, long long *length, unsigned int flags)
{
    const vkStreamOps *ops = enter(stream, __func__, length ? NULL : "length");

    if (!ops || !supports(ops, ops->recvHole, "holes", __func__) ||
        ops->recvHole(stream, length, flags) < 0)
        return fail(stream);
    return 0;
}

/* Sends all of data[0..n) on a blocking stream. */
static int
sendFully(virStreamPtr st, const vkStreamOps *ops, const char *data, size_t n)
{
    while (n > 0) {
        int rc = ops->send(st, data, n);

        if (rc < 0)
            return -1;
        data += rc;
        n -= (size_t)rc;
    }
    return 0;
}

/* Gives all of data[0..n) to a sink handler; -1 when it fails. */
static int
sinkFully(virStreamPtr st, virStreamSinkFunc handler, void *opaque,
          const char *data, size_t n)
{
    while (n > 0) {
        int done = handler(st, data, n, opaque);

        if (done < 0)
            return -1;
        data += done;
        n -= (size_t)done;
    }
    return 0;
}

/* A handler failed: the stream cannot go on (libvirt aborts it too). */
static int
abortAfterHandler(virStreamPtr st, const vkStreamOps *ops, const char *func)
{
    virErrorPtr saved = vkErrorSave();

    if (!saved)
        vkReportError(VIR_ERR_OPERATION_FAILED, "%s: the data handler failed", func);
    else
        vkErrorRestore(&saved);
    saved = vkErrorSave();
    if (ops->abort)
        ops->abort(st);
    markClosed(st);
    vkErrorRestore(&saved);
    return fail(st);
}

/* The loop of SendAll and SparseSendAll; SendAll has no holeHandler (its
 * source is all data). */
static int
sendAll(virStreamPtr stream, const vkStreamOps *ops, virStreamSourceFunc handler,
        virStreamSourceHoleFunc holeHandler, virStreamSourceSkipFunc skipHandler,
        void *opaque, const char *func)
{
    g_autofree char *buf = g_malloc(VK_STREAM_CHUNK);

    for (;;) {
        int inData = 1, got;
        long long length = 0;

        if (holeHandler && holeHandler(stream, &inData, &length, opaque) < 0)
            return abortAfterHandler(stream, ops, func);
        if (!inData && length > 0) {
            if (ops->sendHole(stream, length, 0) < 0)
                return fail(stream);
            if (skipHandler(stream, length, opaque) < 0)
                return abortAfterHandler(stream, ops, func);
            continue;
        }
        got = handler(stream, buf, inData && length > 0 && length < VK_STREAM_CHUNK ?
                                   (size_t)length : VK_STREAM_CHUNK, opaque);
        if (got < 0)
            return abortAfterHandler(stream, ops, func);
        if (got == 0)
            return 0;
        if (sendFully(stream, ops, buf, (size_t)got) < 0)
            return fail(stream);
    }
}

/* The loop of RecvAll and SparseRecvAll; RecvAll has no holeHandler and
 * so never stops at a hole. */
static int
recvAll(virStreamPtr stream, const vkStreamOps *ops, virStreamSinkFunc handler,
        virStreamSinkHoleFunc holeHandler, void *opaque, const char *func)
{
    g_autofree char *buf = g_malloc(VK_STREAM_CHUNK);
    unsigned int flags = holeHandler ? VIR_STREAM_RECV_STOP_AT_HOLE : 0;

    for (;;) {
        int got = ops->recv(stream, buf, VK_STREAM_CHUNK, flags);

        if (got == -3 && holeHandler) {
            long long length = 0;

            if (ops->recvHole(stream, &length, 0) < 0)
                return fail(stream);
            if (holeHandler(stream, length, opaque) < 0)
                return abortAfterHandler(stream, ops, func);
            continue;
        }
        if (got < 0)
            return fail(stream);
        if (got == 0)
            return 0;
        if (sinkFully(stream, handler, opaque, buf, (size_t)got) < 0)
            return abortAfterHandler(stream, ops, func);
    }
}

int
virStreamSendAll(virStreamPtr stream, virStreamSourceFunc handler, void *opaque)
{
    const vkStreamOps *ops = enterBlocking(stream, __func__, handler ? NULL : "handler");

    if (!ops)
        return fail(stream);
    return sendAll(stream, ops, handler, NULL, NULL, opaque, __func__);
}

int
virStreamRecvAll(virStreamPtr stream, virStreamSinkFunc handler, void *opaque)
{
    const vkStreamOps *ops = enterBlocking(stream, __func__, handler ? NULL : "handler");

    if (!ops)
        return fail(stream);
    return recvAll(stream, ops, handler, NULL, opaque, __func__);
}

int
virStreamSparseSendAll(virStreamPtr stream, virStreamSourceFunc handler,
                       virStreamSourceHoleFunc holeHandler,
                       virStreamSourceSkipFunc skipHandler, void *opaque)
{
    const vkStreamOps *ops = enterBlocking(stream, __func__,
                                           !handler ? "handler" :
                                           !holeHandler ? "holeHandler" :
                                           !skipHandler ? "skipHandler" : NULL);

    if (!ops || !supports(ops, ops->sendHole, "holes", __func__))
        return fail(stream);
    return sendAll(stream, ops, handler, holeHandler, skipHandler, opaque, __func__);
}

int
virStreamSparseRecvAll(virStreamPtr stream, virStreamSinkFunc handler,
                       virStreamSinkHoleFunc holeHandler, void *opaque)
{
    const vkStreamOps *ops = enterBlocking(stream, __func__,
                                           !handler ? "handler" :
                                           !holeHandler ? "holeHandler" : NULL);

    if (!ops || !supports(ops, ops->recvHole, "holes", __func__))
        return fail(stream);
    return recvAll(stream, ops, handler, holeHandler, opaque, __func__);
}

int
virStreamEventAddCallback(virStreamPtr stream, int events, virStreamEventCallback cb,
                          void *opaque, virFreeCallback ff)
{
    const vkStreamOps *ops = enter(stream, __func__, cb ? NULL : "cb");

    if (!ops || !supports(ops, ops->eventAdd, "events", __func__) ||
        ops->eventAdd(stream, events, cb, opaque, ff) < 0)
        return fail(stream);
    return 0;
}

int
virStreamEventUpdateCallback(virStreamPtr stream, int events)
{
    const vkStreamOps *ops = enter(stream, __func__, NULL);

    if (!ops || !supports(ops, ops->eventUpdate, "events", __func__) ||
        ops->eventUpdate(stream, events) < 0)
        return fail(stream);
    return 0;
}

int
virStreamEventRemoveCallback(virStreamPtr stream)
{
    const vkStreamOps *ops = enter(stream, __func__, NULL);

    if (!ops || !supports(ops, ops->eventRemove, "events", __func__) ||
        ops->eventRemove(stream) < 0)
        return fail(stream);
    return 0;
}

/* Finish and Abort both end the stream, whatever the backend says. */
static int
endStream(virStreamPtr stream, bool finish, const char *func)
{
    const vkStreamOps *ops;
    int rc;

    vkErrorReset();
    /* Aborting twice (or after an end of stream finished it) is harmless,
     * so cleanup paths may always abort. */
    if (!finish && vkCheckStream(stream, func)) {
        g_mutex_lock(&stream->lock);
        rc = stream->ops && stream->closed;
        g_mutex_unlock(&stream->lock);
        if (rc)
            return 0;
    }
    if (!(ops = openOps(stream, func)))
        return fail(stream);
    rc = finish ? ops->finish(stream) : ops->abort(stream);
    markClosed(stream);
    return rc < 0 ? fail(stream) : 0;
}

int
virStreamFinish(virStreamPtr stream)
{
    return endStream(stream, true, __func__);
}

int
virStreamAbort(virStreamPtr stream)
{
    return endStream(stream, false, __func__);
}

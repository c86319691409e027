/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virStream handles: the refcount + magic pattern of object.c, plus the
 * backend a driver attaches when it opens the stream.  The last reference
 * aborts a stream its owner never finished, so a forgotten virStreamFree
 * path cannot leave a console or a transfer half open.
 */
#define VIR_FROM_THIS VIR_FROM_STREAMS
#include "core/stream.h"

#include "util/error.h"

virStreamPtr
vkStreamNew(virConnectPtr conn, unsigned int flags)
{
    virStreamPtr st = g_new0(virStream, 1);

    st->magic = VK_STREAM_MAGIC;
    st->refs = 1;
    st->flags = flags;
    g_mutex_init(&st->lock);
    vkConnectRef(conn);
    st->conn = conn;
    return st;
}

void
vkStreamRef(virStreamPtr st)
{
    g_atomic_int_inc(&st->refs);
}

bool
vkStreamTryRef(virStreamPtr st)
{
    gint refs;

    do {
        refs = g_atomic_int_get(&st->refs);
        if (refs <= 0)
            return false;
    } while (!g_atomic_int_compare_and_exchange(&st->refs, refs, refs + 1));
    return true;
}

void
vkStreamUnref(virStreamPtr st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    if (st->ops) {
        virErrorPtr saved = vkErrorSave();
        bool hadError = saved != NULL;

        if (!st->closed && st->ops->abort)
            st->ops->abort(st);
        if (st->ops->free)
            st->ops->free(st);
        vkErrorRestore(&saved);
        if (!hadError)
            vkErrorReset();
    }
    vkConnectUnref(st->conn);
    g_mutex_clear(&st->lock);
    st->magic = 0;
    g_free(st);
}

bool
vkCheckStream(virStreamPtr st, const char *func)
{
    if (!st || st->magic != VK_STREAM_MAGIC || g_atomic_int_get(&st->refs) <= 0) {
        vkReportError(VIR_ERR_INVALID_STREAM, "%s", func);
        return false;
    }
    if (!vkCheckConnect(st->conn, func))
        return false;
    return true;
}

int
vkStreamSetBackend(virStreamPtr st, const vkStreamOps *ops, void *priv)
{
    g_mutex_lock(&st->lock);
    if (st->ops) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "the stream is already open; use a new virStreamNew stream");
        return -1;
    }
    st->ops = ops;
    st->priv = priv;
    g_mutex_unlock(&st->lock);
    return 0;
}

void *
vkStreamPriv(virStreamPtr st)
{
    return st->priv;
}

bool
vkStreamIsNonBlock(virStreamPtr st)
{
    return st->flags & VIR_STREAM_NONBLOCK;
}

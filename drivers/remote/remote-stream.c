/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Streams over a remote connection: the client half of STREAM packets.
 *
 * The reader thread (remote-client.c) hands every STREAM packet here; it
 * is queued on the stream its serial names, and a receiver sleeping in a
 * blocking Recv is woken.  Applications that run an event loop get their
 * stream callback from a zero-delay timer on that loop, armed whenever
 * something they asked for is ready -- never from the reader thread, so a
 * callback may call back into the connection.  Sending writes a CONTINUE
 * packet straight away; finish and abort send OK / ERROR and wait for the
 * server's confirmation, as libvirt's client does.
 *
 * Incoming data is not bounded here (neither is it in libvirt's client):
 * the daemon sends a stream's next packet only when its previous ones
 * have been written, so a slow reader backs up into the daemon, not here.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STREAMS
#include "util/error.h"
#include "util/event-loop.h"
#include "core/stream.h"
#include "rpc/stream-msg.h"
#include "drivers/remote/remote-private.h"
#include "remote_protocol.h"
#include "remote-convert.h"

typedef enum {
    END_NONE,
    END_WAITING,        /* finish/abort sent, confirmation awaited */
    END_DONE,
} vkEndState;

typedef struct {
    gint refs;
    GMutex lock;
    GCond cond;
    vkRemoteClient *client;       /* outlives the stream: st->conn holds it */
    virStreamPtr st;              /* NULL once the stream is gone */
    int proc;
    unsigned int serial;

    GQueue rx;                    /* GBytes* of data */
    size_t rxOffset;              /* consumed bytes of the head */
    bool eof;                     /* the server's end of data */
    virError *err;                /* the server's (or the connection's) error */
    vkEndState end;
    virError *endErr;             /* the answer to finish/abort, when an error */

    int timer;                    /* -1: no callback */
    int events;
    virStreamEventCallback cb;
    void *opaque;
    virFreeCallback ff;
} vkRemoteStream;

static GMutex tableLock;
static GHashTable *table;        /* vkRemoteStream* set */

static void
streamUnref(void *opaque)
{
    vkRemoteStream *rs = opaque;

    if (!g_atomic_int_dec_and_test(&rs->refs))
        return;
    g_queue_clear_full(&rs->rx, (GDestroyNotify)g_bytes_unref);
    if (rs->err)
        virFreeError(rs->err);
    if (rs->endErr)
        virFreeError(rs->endErr);
    g_mutex_clear(&rs->lock);
    g_cond_clear(&rs->cond);
    g_free(rs);
}

static void
tableAdd(vkRemoteStream *rs)
{
    g_mutex_lock(&tableLock);
    if (!table)
        table = g_hash_table_new(NULL, NULL);
    g_atomic_int_inc(&rs->refs);
    g_hash_table_add(table, rs);
    g_mutex_unlock(&tableLock);
}

static void
tableRemove(vkRemoteStream *rs)
{
    bool had;

    g_mutex_lock(&tableLock);
    had = table && g_hash_table_remove(table, rs);
    g_mutex_unlock(&tableLock);
    if (had)
        streamUnref(rs);
}

static vkRemoteStream *
tableFind(vkRemoteClient *client, int proc, unsigned int serial)
{
    GHashTableIter it;
    gpointer key;
    vkRemoteStream *found = NULL;

    g_mutex_lock(&tableLock);
    if (table) {
        g_hash_table_iter_init(&it, table);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            vkRemoteStream *rs = key;
            if (rs->client == client && rs->serial == serial && rs->proc == proc) {
                g_atomic_int_inc(&rs->refs);
                found = rs;
                break;
            }
        }
    }
    g_mutex_unlock(&tableLock);
    return found;
}

/* ---- readiness and callbacks ---- */

/* Called locked. */
static int
readyLocked(vkRemoteStream *rs)
{
    int ready = 0;

    if (rs->rx.length || rs->eof || rs->err)
        ready |= VIR_STREAM_EVENT_READABLE;
    if (!rs->eof && !rs->err && rs->end == END_NONE)
        ready |= VIR_STREAM_EVENT_WRITABLE;
    if (rs->err)
        ready |= VIR_STREAM_EVENT_ERROR;
    return ready & (rs->events | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP);
}

/* Called locked: arm the timer when the application waits for something
 * that is ready. */
static void
rearmLocked(vkRemoteStream *rs)
{
    if (rs->timer < 0)
        return;
    virEventUpdateTimeout(rs->timer, (rs->events && readyLocked(rs)) ? 0 : -1);
}

static void
onTimer(int timer, void *opaque)
{
    vkRemoteStream *rs = opaque;
    virStreamPtr st = NULL;
    virStreamEventCallback cb = NULL;
    void *cbopaque = NULL;
    int ready = 0;

    g_mutex_lock(&rs->lock);
    if (rs->timer == timer && rs->st && rs->events) {
        ready = readyLocked(rs);
        if (ready && vkStreamTryRef(rs->st)) {
            st = rs->st;
            cb = rs->cb;
            cbopaque = rs->opaque;
        }
    }
    if (!st)
        virEventUpdateTimeout(timer, -1);
    g_mutex_unlock(&rs->lock);
    if (!st)
        return;
    cb(st, ready, cbopaque);
    g_mutex_lock(&rs->lock);
    rearmLocked(rs);
    g_mutex_unlock(&rs->lock);
    vkStreamUnref(st);
}

/* ---- from the reader thread ---- */

static virError *
errorFromPacket(vkRpcMessage *msg)
{
    virError *e = g_new0(virError, 1);

    if (vkRpcMessageDecodeError(msg, e) < 0 || !e->message) {
        vkErrorReset();
        vkRpcErrorClear(e);
        e->code = VIR_ERR_RPC;
        e->domain = VIR_FROM_STREAMS;
        e->level = VIR_ERR_ERROR;
        e->message = g_strdup("the server reported a stream error it did not describe");
    }
    return e;
}

void
vkRemoteStreamDispatch(vkRemoteClient *client, vkRpcMessage *msg)
{
    vkRemoteStream *rs = tableFind(client, msg->header.proc, msg->header.serial);
    const vkRpcHeader *h = &msg->header;

    if (!rs) {
        vkRpcMessageFree(msg);      /* a stream already gone, or bogus */
        return;
    }
    g_mutex_lock(&rs->lock);
    if (h->type == VK_RPC_REPLY) {
        /* Only an error REPLY means something here: a failed finish. */
        if (h->status == VK_RPC_ERROR && rs->end == END_WAITING) {
            rs->endErr = errorFromPacket(msg);
            rs->end = END_DONE;
        }
    } else if (h->status == VK_RPC_CONTINUE) {
        size_t len;
        const char *data = vkRpcStreamPayload(msg, &len);

        /* an empty one is the server's end of data */
        if (len == 0)
            rs->eof = true;
        else if (!rs->eof)
            g_queue_push_tail(&rs->rx, g_bytes_new(data, len));
    } else if (h->status == VK_RPC_OK) {
        /* the answer to our finish or abort (libvirt's client drops the
         * connection on an unasked one; an end of data is kinder) */
        if (rs->end == END_WAITING)
            rs->end = END_DONE;
        else
            rs->eof = true;
    } else {
        virError *e = errorFromPacket(msg);

        if (rs->end == END_WAITING) {
            rs->endErr = e;
            rs->end = END_DONE;
        } else if (!rs->err) {
            rs->err = e;
        } else {
            virFreeError(e);
        }
    }
    g_cond_broadcast(&rs->cond);
    rearmLocked(rs);
    g_mutex_unlock(&rs->lock);
    streamUnref(rs);
    vkRpcMessageFree(msg);
}

void
vkRemoteStreamsClientClosed(vkRemoteClient *client, const char *cause)
{
    GHashTableIter it;
    gpointer key;
    g_autoptr(GPtrArray) mine = g_ptr_array_new();

    g_mutex_lock(&tableLock);
    if (table) {
        g_hash_table_iter_init(&it, table);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            vkRemoteStream *rs = key;
            if (rs->client == client) {
                g_atomic_int_inc(&rs->refs);
                g_ptr_array_add(mine, rs);
            }
        }
    }
    g_mutex_unlock(&tableLock);

    for (guint i = 0; i < mine->len; i++) {
        vkRemoteStream *rs = mine->pdata[i];

        g_mutex_lock(&rs->lock);
        if (!rs->err) {
            rs->err = g_new0(virError, 1);
            rs->err->code = VIR_ERR_RPC;
            rs->err->domain = VIR_FROM_STREAMS;
            rs->err->level = VIR_ERR_ERROR;
            rs->err->message = g_strdup_printf("the connection ended: %s",
                                               cause ? cause : "closed");
        }
        if (rs->end == END_WAITING)
            rs->end = END_DONE;
        g_cond_broadcast(&rs->cond);
        rearmLocked(rs);
        g_mutex_unlock(&rs->lock);
        streamUnref(rs);
    }
}

/* ---- the backend ---- */

static void
raiseError(const virError *e)
{
    virErrorPtr copy = g_new0(virError, 1);

    copy->code = e->code;
    copy->domain = e->domain;
    copy->level = e->level ? e->level : VIR_ERR_ERROR;
    copy->message = g_strdup(e->message);
    copy->str1 = g_strdup(e->str1);
    copy->str2 = g_strdup(e->str2);
    copy->str3 = g_strdup(e->str3);
    copy->int1 = e->int1;
    copy->int2 = e->int2;
    vkErrorRestore(&copy);
}

static int
rsSend(virStreamPtr st, const char *data, size_t nbytes)
{
    vkRemoteStream *rs = vkStreamPriv(st);
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    size_t n = MIN(nbytes, (size_t)VK_RPC_STREAM_CHUNK);

    g_mutex_lock(&rs->lock);
    if (rs->err) {
        raiseError(rs->err);
        g_mutex_unlock(&rs->lock);
        return -1;
    }
    g_mutex_unlock(&rs->lock);
    if (n == 0)
        return 0;
    if (vkRpcStreamEncode(msg, rs->proc, rs->serial, VK_RPC_CONTINUE, data, n) < 0 ||
        vkRemoteClientSendPacket(rs->client, msg) < 0)
        return -1;
    return (int)n;
}

static int
rsRecv(virStreamPtr st, char *data, size_t nbytes, unsigned int flags)
{
    vkRemoteStream *rs = vkStreamPriv(st);
    size_t done = 0;

    (void)flags;
    g_mutex_lock(&rs->lock);
    while (!rs->rx.length && !rs->eof && !rs->err) {
        if (vkStreamIsNonBlock(st)) {
            g_mutex_unlock(&rs->lock);
            return -2;
        }
        g_cond_wait(&rs->cond, &rs->lock);
    }
    while (done < nbytes && rs->rx.length) {
        GBytes *head = g_queue_peek_head(&rs->rx);
        size_t len;
        const char *p = g_bytes_get_data(head, &len);
        size_t take = MIN(nbytes - done, len - rs->rxOffset);

        memcpy(data + done, p + rs->rxOffset, take);
        done += take;
        rs->rxOffset += take;
        if (rs->rxOffset == len) {
            g_bytes_unref(g_queue_pop_head(&rs->rx));
            rs->rxOffset = 0;
        }
    }
    if (done == 0 && rs->err) {
        raiseError(rs->err);
        g_mutex_unlock(&rs->lock);
        return -1;
    }
    rearmLocked(rs);
    g_mutex_unlock(&rs->lock);
    if (done > INT_MAX)
        done = INT_MAX;
    return (int)done;
}

static int
rsEventAdd(virStreamPtr st, int events, virStreamEventCallback cb,
           void *opaque, virFreeCallback ff)
{
    vkRemoteStream *rs = vkStreamPriv(st);
    int timer;

    g_mutex_lock(&rs->lock);
    if (rs->timer >= 0) {
        g_mutex_unlock(&rs->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the stream already has an event callback");
        return -1;
    }
    g_mutex_unlock(&rs->lock);
    if (!vkEventLoopIsRegistered()) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "stream events need an event loop (virEventRegisterDefaultImpl)");
        return -1;
    }
    g_atomic_int_inc(&rs->refs);
    if ((timer = virEventAddTimeout(-1, onTimer, rs, streamUnref)) < 0) {
        streamUnref(rs);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "cannot add a timer for the stream");
        return -1;
    }
    g_mutex_lock(&rs->lock);
    rs->timer = timer;
    rs->events = events;
    rs->cb = cb;
    rs->opaque = opaque;
    rs->ff = ff;
    rearmLocked(rs);
    g_mutex_unlock(&rs->lock);
    return 0;
}

static int
rsEventUpdate(virStreamPtr st, int events)
{
    vkRemoteStream *rs = vkStreamPriv(st);

    g_mutex_lock(&rs->lock);
    if (rs->timer < 0) {
        g_mutex_unlock(&rs->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the stream has no event callback");
        return -1;
    }
    rs->events = events;
    rearmLocked(rs);
    g_mutex_unlock(&rs->lock);
    return 0;
}

static int
rsEventRemoveQuiet(vkRemoteStream *rs)
{
    int timer;
    virFreeCallback ff;
    void *opaque;

    g_mutex_lock(&rs->lock);
    timer = rs->timer;
    ff = rs->ff;
    opaque = rs->opaque;
    rs->timer = -1;
    rs->events = 0;
    rs->cb = NULL;
    rs->ff = NULL;
    rs->opaque = NULL;
    g_mutex_unlock(&rs->lock);
    if (timer < 0)
        return -1;
    virEventRemoveTimeout(timer);
    /* libvirt frees the callback's opaque when the callback goes. */
    if (ff)
        ff(opaque);
    return 0;
}

static int
rsEventRemove(virStreamPtr st)
{
    if (rsEventRemoveQuiet(vkStreamPriv(st)) < 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the stream has no event callback");
        return -1;
    }
    return 0;
}

/* finish (OK) or abort (ERROR): tell the server, wait for its answer. */
static int
rsEnd(virStreamPtr st, int status)
{
    vkRemoteStream *rs = vkStreamPriv(st);
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    int rc = 0;

    rsEventRemoveQuiet(rs);
    g_mutex_lock(&rs->lock);
    if (rs->err) {
        /* Nothing to tell a server that already failed the stream (or a
         * connection that is gone); a finish reports why. */
        if (status == VK_RPC_OK) {
            raiseError(rs->err);
            rc = -1;
        }
        g_mutex_unlock(&rs->lock);
        tableRemove(rs);
        return rc;
    }
    rs->end = END_WAITING;
    g_mutex_unlock(&rs->lock);

    if (vkRpcStreamEncode(msg, rs->proc, rs->serial, status, NULL, 0) < 0 ||
        vkRemoteClientSendPacket(rs->client, msg) < 0) {
        tableRemove(rs);
        return -1;
    }
    g_mutex_lock(&rs->lock);
    while (rs->end == END_WAITING)
        g_cond_wait(&rs->cond, &rs->lock);
    if (rs->endErr) {
        raiseError(rs->endErr);
        rc = -1;
    } else if (rs->err && status == VK_RPC_OK) {
        raiseError(rs->err);
        rc = -1;
    }
    g_mutex_unlock(&rs->lock);
    tableRemove(rs);
    return rc;
}

static int
rsFinish(virStreamPtr st)
{
    return rsEnd(st, VK_RPC_OK);
}

static int
rsAbort(virStreamPtr st)
{
    return rsEnd(st, VK_RPC_ERROR);
}

static void
rsFree(virStreamPtr st)
{
    vkRemoteStream *rs = vkStreamPriv(st);

    rsEventRemoveQuiet(rs);
    tableRemove(rs);
    g_mutex_lock(&rs->lock);
    rs->st = NULL;
    g_mutex_unlock(&rs->lock);
    streamUnref(rs);
}

static const vkStreamOps remoteStreamOps = {
    .name = "remote",
    .send = rsSend,
    .recv = rsRecv,
    .eventAdd = rsEventAdd,
    .eventUpdate = rsEventUpdate,
    .eventRemove = rsEventRemove,
    .finish = rsFinish,
    .abort = rsAbort,
    .free = rsFree,
};

/* ---- the calls that open streams ---- */

/* Attaches a remote backend for (proc, serial) to st and registers it, so
 * packets that come right after the REPLY find it. */
static vkRemoteStream *
streamOpen(virStreamPtr st, vkRemoteClient *client, int proc, unsigned int serial)
{
    vkRemoteStream *rs = g_new0(vkRemoteStream, 1);

    rs->refs = 1;
    g_mutex_init(&rs->lock);
    g_cond_init(&rs->cond);
    g_queue_init(&rs->rx);
    rs->client = client;
    rs->st = st;
    rs->proc = proc;
    rs->serial = serial;
    rs->timer = -1;
    if (vkStreamSetBackend(st, &remoteStreamOps, rs) < 0) {
        streamUnref(rs);
        return NULL;
    }
    tableAdd(rs);
    return rs;
}

/* Sends the call that opens a stream under proc, the stream registered
 * first so that no STREAM packet of the reply's serial is missed. */
static int
callOpeningStreamRet(vkRemoteClient *client, virStreamPtr st, int proc, xdrproc_t xargs,
                     void *args, xdrproc_t xret, void *ret)
{
    unsigned int serial;
    vkRemoteStream *rs;

    if (!client) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "the remote connection is not open");
        return -1;
    }
    serial = vkRemoteClientNextSerial(client);
    if (!(rs = streamOpen(st, client, proc, serial)))
        return -1;
    if (vkRemoteClientCallSerial(client, proc, serial, xargs, args, xret, ret) < 0) {
        /* The stream never opened: nothing to tell the server. */
        tableRemove(rs);
        g_mutex_lock(&st->lock);
        st->closed = true;
        g_mutex_unlock(&st->lock);
        return -1;
    }
    return 0;
}

static int
callOpeningStream(vkRemoteClient *client, virStreamPtr st, int proc, xdrproc_t xargs,
                  void *args)
{
    return callOpeningStreamRet(client, st, proc, xargs, args, VK_XDR_VOID, NULL);
}

/* The image arrives on the stream; the reply names its type. */
char *
vkRemoteDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen,
                         unsigned int flags)
{
    remote_domain_screenshot_args args = { 0 };
    remote_domain_screenshot_ret ret = { 0 };
    char *mime;

    vkRemoteArgDomain(&args.dom, dom);
    args.screen = screen;
    args.flags = flags;
    if (callOpeningStreamRet(dom->conn->privateData, st, REMOTE_PROC_DOMAIN_SCREENSHOT,
                             (xdrproc_t)xdr_remote_domain_screenshot_args, &args,
                             (xdrproc_t)xdr_remote_domain_screenshot_ret, &ret) < 0)
        return NULL;
    if (!ret.mime) {
        vkReportError(VIR_ERR_RPC, "%s", "the server sent a screenshot without its type");
        return NULL;
    }
    mime = g_strdup(*ret.mime);
    xdr_free((xdrproc_t)xdr_remote_domain_screenshot_ret, (char *)&ret);
    return mime;
}

int
vkRemoteDomainOpenConsole(virDomainPtr dom, const char *dev_name, virStreamPtr st,
                          unsigned int flags)
{
    remote_domain_open_console_args args = { 0 };
    char *devName = (char *)dev_name;

    args.dom.name = dom->name;
    memcpy(args.dom.uuid, dom->uuid, VIR_UUID_BUFLEN);
    args.dom.id = dom->id;
    args.dev_name = dev_name ? &devName : NULL;
    args.flags = flags;
    return callOpeningStream(dom->conn->privateData, st, REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                             (xdrproc_t)xdr_remote_domain_open_console_args, &args);
}

int
vkRemoteDomainOpenChannel(virDomainPtr dom, const char *name, virStreamPtr st,
                          unsigned int flags)
{
    remote_domain_open_channel_args args = { 0 };
    char *n = (char *)name;

    vkRemoteArgDomain(&args.dom, dom);
    args.name = name ? &n : NULL;
    args.flags = flags;
    return callOpeningStream(dom->conn->privateData, st, REMOTE_PROC_DOMAIN_OPEN_CHANNEL,
                             (xdrproc_t)xdr_remote_domain_open_channel_args, &args);
}

/* Upload and download: the same arguments under two procedures. */
static int
volStream(virStorageVolPtr vol, virStreamPtr st, int proc, unsigned long long offset,
          unsigned long long length, unsigned int flags)
{
    remote_storage_vol_upload_args args = { 0 };

    vkRemoteArgStorageVol(&args.vol, vol);
    args.offset = offset;
    args.length = length;
    args.flags = flags;
    return callOpeningStream(vol->conn->privateData, st, proc,
                             (xdrproc_t)xdr_remote_storage_vol_upload_args, &args);
}

int
vkRemoteStorageVolUpload(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                         unsigned long long length, unsigned int flags)
{
    return volStream(vol, st, REMOTE_PROC_STORAGE_VOL_UPLOAD, offset, length, flags);
}

int
vkRemoteStorageVolDownload(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                           unsigned long long length, unsigned int flags)
{
    return volStream(vol, st, REMOTE_PROC_STORAGE_VOL_DOWNLOAD, offset, length, flags);
}

/* A tunnelled migration's Prepare: the source's daemon sends the stream
 * on st; the reply carries the destination's cookie. */
int
vkRemoteDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                          virTypedParameterPtr params, int nparams,
                                          const char *cookiein, int cookieinlen,
                                          char **cookieout, int *cookieoutlen,
                                          unsigned int flags)
{
    remote_domain_migrate_prepare_tunnel3_params_args args = { 0 };
    remote_domain_migrate_prepare_tunnel3_params_ret ret = { 0 };
    int rv;

    args.cookie_in.cookie_in_val = (char *)cookiein;
    args.cookie_in.cookie_in_len = cookieinlen > 0 ? (u_int)cookieinlen : 0;
    args.flags = flags;
    if (vkRemoteSerializeTypedParams(params, nparams, REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX,
                                     &args.params.params_val, &args.params.params_len) < 0)
        return -1;
    rv = callOpeningStreamRet(dconn->privateData, st,
                              REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS,
                              (xdrproc_t)xdr_remote_domain_migrate_prepare_tunnel3_params_args,
                              &args,
                              (xdrproc_t)xdr_remote_domain_migrate_prepare_tunnel3_params_ret,
                              &ret);
    vkRemoteTypedParamsFree(args.params.params_val, args.params.params_len);
    if (rv < 0)
        return -1;
    if (cookieout && cookieoutlen) {
        *cookieout = g_steal_pointer(&ret.cookie_out.cookie_out_val);
        *cookieoutlen = (int)ret.cookie_out.cookie_out_len;
        ret.cookie_out.cookie_out_len = 0;
    }
    xdr_free((xdrproc_t)xdr_remote_domain_migrate_prepare_tunnel3_params_ret, (char *)&ret);
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stream relays: a local stream (a console's pty) on one side, a client
 * on the other, STREAM packets between them (framing in rpc/stream-msg.h).
 *
 * Everything happens on the main loop: the local stream's events, the
 * client's packets and the "written" notices all arrive there, and the
 * relay only reacts.  Flow control in each direction:
 *   local -> client: at most RELAY_INFLIGHT data packets of a stream wait
 *     in the client's send queue; past that the relay stops reading the
 *     local stream until the socket drains (vkDaemonStreamWritten), so a
 *     slow client holds back the guest, not the daemon's memory.
 *   client -> local: data waits while the local side cannot take it
 *     (WRITABLE events), up to RELAY_RX_MAX bytes; a client that keeps
 *     sending past that gets its stream failed with an error.
 * Lock order: a client's lock, then relayLock.  So the relay never calls
 * into a client while it holds relayLock: packets are collected and sent
 * after unlocking.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STREAMS
#include "util/error.h"
#include "core/stream.h"
#include "rpc/stream-msg.h"
#include "daemon/daemon.h"
#include "daemon/stream.h"

#define RELAY_INFLIGHT 4
#define RELAY_RX_MAX (4 * 1024 * 1024)

typedef struct {
    gint refs;
    vkDaemonClient *client;     /* a reference is held */
    virStreamPtr st;            /* a reference is held */
    int proc;
    unsigned int serial;
    bool active;                /* REPLY queued, events on */
    bool closed;                /* finished / aborted / failed */
    bool recvEOF;               /* the local end of data was sent on */
    GQueue rx;                  /* vkRpcMessage* from the client */
    size_t rxOffset;            /* consumed payload bytes of the head */
    size_t rxBytes;
    unsigned int inflight;      /* data packets not yet written out */
} vkRelay;

static GMutex relayLock;
static GPtrArray *relays;       /* vkRelay*, each a reference */

/* Packets to send and relays to drop once relayLock is released. */
typedef struct {
    GPtrArray *msgs;            /* (vkDaemonClient*, vkRpcMessage*) pairs */
    GPtrArray *dead;            /* vkRelay* (references) */
    GPtrArray *resume;          /* vkDaemonClient* (references) whose data went */
} vkRelayOut;

static void
relayUnref(void *opaque)
{
    vkRelay *r = opaque;
    vkRpcMessage *m;

    if (!g_atomic_int_dec_and_test(&r->refs))
        return;
    while ((m = g_queue_pop_head(&r->rx)))
        vkRpcMessageFree(m);
    virStreamFree(r->st);
    vkDaemonClientUnref(r->client);
    g_free(r);
}

static void
outInit(vkRelayOut *o)
{
    o->msgs = g_ptr_array_new();
    o->dead = g_ptr_array_new();
    o->resume = g_ptr_array_new();
}

/* Called locked: n bytes of r's received data are gone (taken or
 * dropped); the client may be read again once relayLock is released. */
static void
rxTaken(vkRelayOut *o, vkRelay *r, size_t n)
{
    r->rxBytes -= n;
    vkDaemonClientStreamRxAdd(r->client, -(long)n);
    if (!g_ptr_array_find(o->resume, r->client, NULL)) {
        vkDaemonClientRef(r->client);
        g_ptr_array_add(o->resume, r->client);
    }
}

static void
queueMsg(vkRelayOut *o, vkRelay *r, vkRpcMessage *msg)
{
    vkDaemonClientRef(r->client);
    g_ptr_array_add(o->msgs, r->client);
    g_ptr_array_add(o->msgs, msg);
}

static void
queueStatus(vkRelayOut *o, vkRelay *r, int status, const char *data, size_t len)
{
    vkRpcMessage *msg = vkRpcMessageNew();

    if (vkRpcStreamEncode(msg, r->proc, r->serial, status, data, len) < 0) {
        vkRpcMessageFree(msg);
        return;
    }
    queueMsg(o, r, msg);
}

static void
queueError(vkRelayOut *o, vkRelay *r)
{
    vkRpcMessage *msg = vkRpcMessageNew();

    if (vkRpcStreamEncodeError(msg, r->proc, r->serial, vkErrorGetLast()) < 0) {
        vkRpcMessageFree(msg);
        return;
    }
    vkErrorReset();
    queueMsg(o, r, msg);
}

/* Called locked: the relay ends; its local stream is finished already or
 * aborted here. */
static void
closeLocked(vkRelayOut *o, vkRelay *r, bool abortLocal)
{
    if (r->closed)
        return;
    r->closed = true;
    if (r->active) {
        virStreamEventRemoveCallback(r->st);
        vkErrorReset();
    }
    if (abortLocal) {
        virStreamAbort(r->st);
        vkErrorReset();
    }
    /* nothing more arrives for it (it leaves the table): what it holds
     * no longer counts against its client */
    {
        vkRpcMessage *m;

        while ((m = g_queue_pop_head(&r->rx))) {
            rxTaken(o, r, m->length);
            vkRpcMessageFree(m);
        }
        r->rxOffset = 0;
    }
    if (g_ptr_array_remove(relays, r))
        g_ptr_array_add(o->dead, r);    /* the table's reference moves */
}

static void
outFlush(vkRelayOut *o)
{
    for (guint i = 0; i + 1 < o->msgs->len; i += 2) {
        vkDaemonClient *client = o->msgs->pdata[i];

        vkDaemonClientSend(client, o->msgs->pdata[i + 1]);
        vkDaemonClientUnref(client);
    }
    for (guint i = 0; i < o->resume->len; i++) {
        vkDaemonClientResume(o->resume->pdata[i]);
        vkDaemonClientUnref(o->resume->pdata[i]);
    }
    for (guint i = 0; i < o->dead->len; i++)
        relayUnref(o->dead->pdata[i]);
    g_ptr_array_free(o->msgs, TRUE);
    g_ptr_array_free(o->dead, TRUE);
    g_ptr_array_free(o->resume, TRUE);
}

static vkRelay *
findLocked(vkDaemonClient *client, int proc, unsigned int serial)
{
    for (guint i = 0; relays && i < relays->len; i++) {
        vkRelay *r = relays->pdata[i];
        if (r->client == client && r->proc == proc && r->serial == serial)
            return r;
    }
    return NULL;
}

static void
updateEventsLocked(vkRelay *r)
{
    int ev = 0;

    if (r->closed || !r->active)
        return;
    if (!r->recvEOF && r->inflight < RELAY_INFLIGHT)
        ev |= VIR_STREAM_EVENT_READABLE;
    if (r->rx.length)
        ev |= VIR_STREAM_EVENT_WRITABLE;
    virStreamEventUpdateCallback(r->st, ev);
    vkErrorReset();
}

/* A local send or receive that moved nothing: it would block (the next
 * event resumes it), or it failed and the relay ends with the error sent
 * to the client.  False when n bytes did move. */
static bool
stalledLocked(vkRelayOut *o, vkRelay *r, int n)
{
    if (n >= 0)
        return false;
    if (n != -2) {
        queueError(o, r);
        closeLocked(o, r, true);
    }
    return true;
}

/* Client -> local: data until the local side would block; a finish or an
 * abort ends the relay with the confirmation libvirt's clients wait for. */
static void
handleWriteLocked(vkRelayOut *o, vkRelay *r)
{
    vkRpcMessage *msg;

    while (!r->closed && (msg = g_queue_peek_head(&r->rx))) {
        int status = msg->header.status;

        if (status == VK_RPC_CONTINUE) {
            size_t len;
            const char *p = vkRpcStreamPayload(msg, &len);
            int n = len > r->rxOffset ?
                    virStreamSend(r->st, p + r->rxOffset, len - r->rxOffset) : 0;

            if (stalledLocked(o, r, n))
                return;
            r->rxOffset += (size_t)n;
            if (r->rxOffset < len)
                continue;
        } else {
            int rc;

            if (r->active) {
                virStreamEventRemoveCallback(r->st);
                r->active = false;
            }
            rc = status == VK_RPC_OK ? virStreamFinish(r->st) : virStreamAbort(r->st);
            if (rc < 0 && status == VK_RPC_OK)
                queueError(o, r);
            else
                queueStatus(o, r, VK_RPC_OK, NULL, 0);
            vkErrorReset();
            g_queue_pop_head(&r->rx);
            rxTaken(o, r, msg->length);
            vkRpcMessageFree(msg);
            closeLocked(o, r, false);   /* drops what came after */
            return;
        }
        g_queue_pop_head(&r->rx);
        rxTaken(o, r, msg->length);
        r->rxOffset = 0;
        vkRpcMessageFree(msg);
    }
}

/* Local -> client: one packet of data, the end of data, or the error. */
static void
handleReadLocked(vkRelayOut *o, vkRelay *r)
{
    g_autofree char *buf = g_malloc(VK_RPC_STREAM_CHUNK);
    int n = virStreamRecv(r->st, buf, VK_RPC_STREAM_CHUNK);

    if (stalledLocked(o, r, n))
        return;
    if (n == 0) {
        /* The end of the data is an empty CONTINUE packet: libvirt's
         * clients take a STREAM OK only as the answer to their finish. */
        r->recvEOF = true;
        queueStatus(o, r, VK_RPC_CONTINUE, NULL, 0);
        return;
    }
    r->inflight++;
    queueStatus(o, r, VK_RPC_CONTINUE, buf, (size_t)n);
}

static void
onLocalEvent(virStreamPtr st, int events, void *opaque)
{
    vkRelay *r = opaque;
    vkRelayOut o;

    (void)st;
    outInit(&o);
    g_mutex_lock(&relayLock);
    if (!r->closed && r->active) {
        if (events & VIR_STREAM_EVENT_WRITABLE)
            handleWriteLocked(&o, r);
        if (!r->closed && !r->recvEOF && r->inflight < RELAY_INFLIGHT &&
            (events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
                       VIR_STREAM_EVENT_ERROR)))
            handleReadLocked(&o, r);
        updateEventsLocked(r);
    }
    g_mutex_unlock(&relayLock);
    outFlush(&o);
}

int
vkDaemonStreamOpen(vkServerClient *pub, virStreamPtr st)
{
    const vkRpcHeader *hdr = vkDaemonCallCurrent();
    vkRelay *r;

    if (!hdr) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "no call to attach the stream to");
        return -1;
    }
    r = g_new0(vkRelay, 1);
    r->refs = 1;
    r->client = pub->daemonPrivate;
    vkDaemonClientRef(r->client);
    virStreamRef(st);
    r->st = st;
    r->proc = hdr->proc;
    r->serial = hdr->serial;
    g_queue_init(&r->rx);
    g_mutex_lock(&relayLock);
    if (!relays)
        relays = g_ptr_array_new();
    g_ptr_array_add(relays, r);
    g_mutex_unlock(&relayLock);
    return 0;
}

void
vkDaemonStreamCallReplied(vkDaemonClient *client, const vkRpcHeader *hdr)
{
    vkRelay *r;

    /* A client that left while its call ran (virsh killed right after
     * asking for a console) had its streams closed before this one
     * existed: close it now, or it holds the console for nobody. */
    if (vkDaemonClientClosing(client)) {
        vkDaemonStreamsClientClosed(client);
        return;
    }
    g_mutex_lock(&relayLock);
    r = findLocked(client, hdr->proc, hdr->serial);
    if (r && !r->active && !r->closed) {
        g_atomic_int_inc(&r->refs);
        if (virStreamEventAddCallback(r->st, 0, onLocalEvent, r, relayUnref) < 0) {
            vkRelayOut o;

            relayUnref(r);
            outInit(&o);
            queueError(&o, r);
            closeLocked(&o, r, true);
            g_mutex_unlock(&relayLock);
            outFlush(&o);
            return;
        }
        r->active = true;
        updateEventsLocked(r);
    }
    g_mutex_unlock(&relayLock);
}

void
vkDaemonStreamIncoming(vkDaemonClient *client, vkRpcMessage *msg)
{
    const vkRpcHeader *h = &msg->header;
    vkRelayOut o;
    vkRelay *r;
    size_t len;

    outInit(&o);
    vkRpcStreamPayload(msg, &len);
    g_mutex_lock(&relayLock);
    r = findLocked(client, h->proc, h->serial);
    if (!r) {
        g_mutex_unlock(&relayLock);
        /* Data racing with a stream's end is normal (libvirt drops it too);
         * a finish or abort for no stream gets an answer, so that nobody
         * waits for one forever: an error REPLY, which is also what a
         * libvirt client takes as the failure of a finish. */
        VK_DLOG("client %s: stream packet for no open stream (procedure %d serial %u)",
                vkDaemonClientName(client), h->proc, h->serial);
        if (h->status != VK_RPC_CONTINUE)
            vkDaemonReplyError(client, h, VIR_ERR_RPC,
                               "no open stream for procedure %d serial %u",
                               h->proc, h->serial);
        vkRpcMessageFree(msg);
        outFlush(&o);
        return;
    }
    if (len > VK_RPC_STREAM_CHUNK || r->rxBytes + msg->length > RELAY_RX_MAX) {
        if (len > VK_RPC_STREAM_CHUNK)
            vkReportError(VIR_ERR_RPC, "stream packet of %zu bytes exceeds the limit of %d",
                          len, VK_RPC_STREAM_CHUNK);
        else
            vkReportError(VIR_ERR_RPC, "%s",
                          "stream data from the client is not being consumed; stream aborted");
        queueError(&o, r);
        closeLocked(&o, r, true);
        vkRpcMessageFree(msg);
    } else {
        g_queue_push_tail(&r->rx, msg);
        r->rxBytes += msg->length;
        vkDaemonClientStreamRxAdd(client, (long)msg->length);
        if (r->active)
            handleWriteLocked(&o, r);
        updateEventsLocked(r);
    }
    g_mutex_unlock(&relayLock);
    outFlush(&o);
}

void
vkDaemonStreamWritten(vkDaemonClient *client, const vkRpcHeader *hdr)
{
    vkRelay *r;

    /* (an empty CONTINUE, the end of data, may decrement once too often:
     * nothing is read after it anyway) */
    if (hdr->status != VK_RPC_CONTINUE)
        return;
    g_mutex_lock(&relayLock);
    r = findLocked(client, hdr->proc, hdr->serial);
    if (r && r->inflight > 0) {
        r->inflight--;
        updateEventsLocked(r);
    }
    g_mutex_unlock(&relayLock);
}

void
vkDaemonStreamsClientClosed(vkDaemonClient *client)
{
    vkRelayOut o;

    outInit(&o);
    g_mutex_lock(&relayLock);
    for (guint i = relays ? relays->len : 0; i > 0; i--) {
        vkRelay *r = relays->pdata[i - 1];
        if (r->client == client)
            closeLocked(&o, r, true);
    }
    g_mutex_unlock(&relayLock);
    /* no packets: the client is gone */
    for (guint i = 0; i + 1 < o.msgs->len; i += 2) {
        vkRpcMessageFree(o.msgs->pdata[i + 1]);
        vkDaemonClientUnref(o.msgs->pdata[i]);
    }
    g_ptr_array_set_size(o.msgs, 0);
    outFlush(&o);
}

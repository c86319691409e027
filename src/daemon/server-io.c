/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's client packet I/O: reading packets off a client's socket,
 * handing them on (answered inline, or queued for a worker: server.c),
 * and writing what goes back (replies, events, stream data), with the
 * per-turn limits and the send-buffer growth described in server.c.
 * Whether a client may be read at all is backpressure.c's answer.
 *
 * Everything here runs on the main loop, except vkDaemonClientSend and
 * the event sender, which any thread may call: they take client->lock.
 */
#include <errno.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <glib-unix.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/daemon.h"
#include "daemon/tls.h"
#include "daemon/dispatch/dispatch.h"
#include "daemon/server-private.h"
#include "daemon/stream.h"
#include "daemon/admin.h"

typedef struct {
    GSource base;
    vkDaemonClient *client;
} vkClientSource;

/* One turn of a client on the I/O loop (see the top of server.c). */
#define TURN_MESSAGES 4
#define TURN_BYTES (256 * 1024)

static vkDaemonClient *
clientFromPublic(vkServerClient *pub)
{
    return (vkDaemonClient *)((char *)pub - offsetof(vkDaemonClient, pub));
}

/* On a UNIX socket every read takes the descriptors riding on the bytes
 * it returns (libvirt sends each one of a CALL_WITH_FDS on a byte of its
 * own after the packet): reading ahead may reach those bytes before the
 * packet is handled, and a plain recv would have the kernel close them.
 * They wait in rxFds until takeCallFds gives them to their call. */
static ssize_t
recvWithFds(vkDaemonClient *client, char *buf, size_t len)
{
    int fds[VK_RPC_MAX_CALL_FDS];
    size_t nfds = 0;
    ssize_t n = vkRpcRecvmsg(client->fd, buf, len, fds, G_N_ELEMENTS(fds), &nfds);

    if (nfds > 0) {
        if (!client->rxFds)
            client->rxFds = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_vals(client->rxFds, fds, nfds);
    }
    return n;
}

static ssize_t
transportRecv(vkDaemonClient *client, char *buf, size_t len)
{
    if (client->tls)
        return vkDaemonTlsRecv(client->tls, buf, len);
    if (client->pub.fdPassing)
        return recvWithFds(client, buf, len);
    return recv(client->fd, buf, len, 0);
}

static ssize_t
transportSend(vkDaemonClient *client, const char *buf, size_t len)
{
    if (client->tls)
        return vkDaemonTlsSend(client->tls, buf, len);
    return send(client->fd, buf, len, MSG_NOSIGNAL);
}

void
vkDaemonUpdateCondLocked(vkDaemonClient *client)
{
    GIOCondition cond = 0;

    if (client->closing || !client->source)
        return;
    if (client->handshaking) {
        cond = vkDaemonTlsWantWrite(client->tls) ? G_IO_OUT : G_IO_IN;
    } else {
        if (!vkDaemonClientPausedLocked(client))
            cond |= G_IO_IN;
        if (client->tx.length)
            cond |= G_IO_OUT;
    }
    if (cond != client->cond) {
        client->cond = cond;
        g_source_modify_unix_fd(client->source, client->fdTag, cond);
    }
}

/* ---- writing ---- */

/* Writes queued packets until the socket is full, the queue is empty or
 * about limit bytes went out.  Returns -1 on a dead socket (the caller
 * closes). */
static int
flushLocked(vkDaemonClient *client, size_t limit)
{
    vkRpcMessage *msg;
    size_t sent = 0;

    while (sent < limit && (msg = g_queue_peek_head(&client->tx))) {
        ssize_t n = transportSend(client, msg->buffer + msg->offset,
                                  msg->length - msg->offset);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return 0;
            return -1;
        }
        msg->offset += n;
        sent += n;
        client->txProgress = g_get_monotonic_time();
        if (msg->offset < msg->length)
            continue;
        while (msg->donefds < msg->nfds) {
            if (vkRpcSendFd(client->fd, msg->fds[msg->donefds]) < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    return 0;
                return -1;
            }
            msg->donefds++;
        }
        vkDaemonTxAccountLocked(client, msg, false);
        g_queue_pop_head(&client->tx);
        if (msg->header.type == VK_RPC_STREAM)
            vkDaemonStreamWritten(client, &msg->header);
        vkRpcMessageFree(msg);
    }
    return 0;
}

/* A reply larger than the socket's send buffer would go out in pieces, each
 * waiting for the peer to drain the last one and for this loop to be woken
 * again: on a busy host every piece costs a trip through the scheduler on
 * both sides.  So the buffer grows to hold a large reply whole (the kernel
 * caps it at net.core.wmem_max and charges only the bytes queued). */
#define SNDBUF_GROW_FROM (128 * 1024)
#define SNDBUF_MAX (8 * 1024 * 1024)

static void
growSendBuffer(vkDaemonClient *client, size_t len)
{
    int cur = 0;
    int want = (int)MIN(len, SNDBUF_MAX);
    socklen_t sl = sizeof(cur);

    if (getsockopt(client->fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) < 0 || cur >= want)
        return;
    /* Linux doubles what it is given (bookkeeping); ask for half a margin
     * over the packet rather than exactly its size. */
    want = (int)MIN((size_t)want + want / 2, SNDBUF_MAX);
    if (setsockopt(client->fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) < 0)
        VK_DLOG("client %s: cannot grow the send buffer to %d bytes: %s",
                client->name, want, g_strerror(errno));
}

/* Queues msg; returns false when the client had to be closed. */
static bool
sendLocked(vkDaemonClient *client, vkRpcMessage *msg)
{
    if (client->closing) {
        vkRpcMessageFree(msg);
        return true;
    }
    vkDaemonTxAccountLocked(client, msg, true);
    if (msg->length > SNDBUF_GROW_FROM)
        growSendBuffer(client, msg->length);
    g_queue_push_tail(&client->tx, msg);
    if (client->tx.length == 1 && !client->handshaking &&
        flushLocked(client, SIZE_MAX) < 0) {
        vkDaemonCloseLocked(client, "write failed", true);
        return false;
    }
    vkDaemonUpdateCondLocked(client);
    return true;
}

void
vkDaemonClientSend(vkDaemonClient *client, vkRpcMessage *msg)
{
    bool ok;

    g_mutex_lock(&client->lock);
    ok = sendLocked(client, msg);
    g_mutex_unlock(&client->lock);
    if (!ok)
        vkDaemonClientUnref(client);
}

int
vkDaemonClientSendProgramEvent(vkServerClient *pub, unsigned int prog, int proc,
                               xdrproc_t filter, void *body)
{
    vkDaemonClient *client = clientFromPublic(pub);
    /* every program of libvirt's is at version 1 */
    vkRpcHeader hdr = {
        .prog = prog, .vers = 1, .proc = proc,
        .type = VK_RPC_MESSAGE, .serial = 1, .status = VK_RPC_OK,
    };
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    unsigned int queued;
    bool ok;

    if (vkRpcMessageEncode(msg, &hdr, filter, body) < 0)
        return -1;
    msg->tracked = true;

    g_mutex_lock(&client->lock);
    if (client->closing) {
        g_mutex_unlock(&client->lock);
        vkReportError(VIR_ERR_RPC, "client %s is closing; event %d not sent",
                      client->name, proc);
        return -1;
    }
    queued = client->nevents;
    if (queued >= (unsigned int)client->srv->cfg->maxQueuedEvents) {
        g_autofree char *why = g_strdup_printf(
            "event queue full (%u events not yet read, max_queued_events=%d): "
            "the client is too slow", queued, client->srv->cfg->maxQueuedEvents);
        vkDaemonCloseLocked(client, why, false);
        g_mutex_unlock(&client->lock);
        vkDaemonClientUnref(client);
        vkReportError(VIR_ERR_RPC, "client %s dropped: %s", client->name, why);
        return -1;
    }
    ok = sendLocked(client, g_steal_pointer(&msg));
    g_mutex_unlock(&client->lock);
    if (!ok) {
        vkDaemonClientUnref(client);
        vkReportError(VIR_ERR_RPC, "client %s: connection lost while sending event %d",
                      client->name, proc);
        return -1;
    }
    return 0;
}

int
vkDaemonClientSendEvent(vkServerClient *pub, int proc, xdrproc_t filter, void *body)
{
    return vkDaemonClientSendProgramEvent(pub, VK_REMOTE_PROGRAM, proc, filter, body);
}

/* ---- reading ---- */

/* A client's bytes are read as they come, as many as fit in its buffer,
 * and every complete packet in the buffer is handled where it lies: one
 * recv for several pipelined calls, and a call handled on the main loop is
 * decoded in place.  Only a packet that outlives this turn (a call queued
 * for a worker, stream data) is given a buffer of its own: the whole read
 * buffer when the packet fills it (large packets), else a copy. */
#define RX_INITIAL 1024
#define RX_KEEP 65536

/* How many descriptors the CALL_WITH_FDS in pkt (complete) says follow
 * it: libvirt's layout puts their count first in the body.  0 for another
 * packet, or for one too short to say (handleMessage refuses it); -1 with
 * *why for too many. */
static int
callFdCount(vkDaemonClient *client, const vkRpcMessage *pkt, char **why)
{
    const size_t typeAt = VK_RPC_LEN_WORD + 3 * 4;
    const size_t countAt = VK_RPC_LEN_WORD + 6 * 4;
    uint32_t type, n;

    if (!client->pub.fdPassing || pkt->length < countAt + 4)
        return 0;
    memcpy(&type, pkt->buffer + typeAt, 4);
    if (ntohl(type) != VK_RPC_CALL_WITH_FDS)
        return 0;
    memcpy(&n, pkt->buffer + countAt, 4);
    n = ntohl(n);
    if (n > VK_RPC_MAX_CALL_FDS) {
        *why = g_strdup_printf("a call with %u descriptors (at most %d)", n,
                               VK_RPC_MAX_CALL_FDS);
        return -1;
    }
    return n;
}

/* Gives a CALL_WITH_FDS the descriptors read with its bytes, and skips
 * their count so the body decodes as a plain CALL's.  -1 with *why when
 * they did not come with them. */
static int
takeCallFds(vkDaemonClient *client, vkRpcMessage *msg, char **why)
{
    int n = callFdCount(client, msg, why);
    guint have = client->rxFds ? client->rxFds->len : 0;

    if (n < 0)
        return -1;
    if (msg->header.type != VK_RPC_CALL_WITH_FDS || !client->pub.fdPassing ||
        msg->length < msg->bodyOffset + VK_RPC_LEN_WORD)
        return 0;
    if (have < (guint)n) {
        *why = g_strdup_printf("%d descriptors of a call did not arrive", n - (int)have);
        return -1;
    }
    msg->fds = g_new0(int, n + 1);
    if (n) {
        memcpy(msg->fds, client->rxFds->data, n * sizeof(int));
        g_array_remove_range(client->rxFds, 0, n);
    }
    msg->nfds = msg->wantfds = n;
    msg->bodyOffset += VK_RPC_LEN_WORD;
    return 0;
}

/* The packet at rxStart if it is complete (its length word checked), or
 * NULL with *need the bytes it takes (*why set on a bad length). */
static vkRpcMessage *
bufferedPacket(vkDaemonClient *client, size_t *need, char **why)
{
    size_t have = client->rxEnd - client->rxStart;
    vkRpcMessage *view = client->rxView;
    int carriers;

    *need = VK_RPC_LEN_WORD;
    if (have < VK_RPC_LEN_WORD)
        return NULL;
    if (!view)
        view = client->rxView = vkRpcMessageNew();
    /* DecodeLength grows the buffer to the length it reads; the view's
     * capacity (4) is never less than that word, and is kept at the
     * packet's length, so it never reallocates rxBuf behind our back. */
    view->buffer = client->rxBuf + client->rxStart;
    view->fds = NULL;           /* a CALL_WITH_FDS's went with it */
    view->nfds = view->wantfds = view->donefds = 0;
    view->capacity = VK_RPC_MAX_MESSAGE;
    view->offset = VK_RPC_LEN_WORD;
    if (vkRpcMessageDecodeLength(view) < 0) {
        virErrorPtr err = vkErrorGetLast();

        *why = g_strdup(err && err->message ? err->message : "bad packet length");
        return NULL;
    }
    *need = view->length;
    if (have < view->length)
        return NULL;
    /* a CALL_WITH_FDS is complete with its descriptors' bytes */
    if ((carriers = callFdCount(client, view, why)) < 0)
        return NULL;
    *need += carriers;
    if (have < *need)
        return NULL;
    view->offset = view->length;
    view->capacity = view->length;
    return view;
}

/* Makes room in rxBuf for a packet of need bytes from rxStart. */
static void
makeRoom(vkDaemonClient *client, size_t need)
{
    size_t have = client->rxEnd - client->rxStart;

    if (client->rxStart == client->rxEnd && client->rxCap > RX_KEEP && need <= RX_KEEP) {
        /* a large packet is done with: do not pin its buffer */
        g_clear_pointer(&client->rxBuf, g_free);
        client->rxCap = client->rxStart = client->rxEnd = 0;
    }
    if (client->rxStart && client->rxStart + need > client->rxCap) {
        /* only the start of an incomplete packet moves */
        memmove(client->rxBuf, client->rxBuf + client->rxStart, have);
        client->rxStart = 0;
        client->rxEnd = have;
    }
    if (need > client->rxCap || !client->rxBuf) {
        client->rxCap = MAX(need, RX_INITIAL);
        client->rxBuf = g_realloc(client->rxBuf, client->rxCap);
    }
}

/* Returns a complete packet, or NULL: *why is then NULL for "no more data
 * now" (or *budget, the bytes this turn may still read, is spent), or the
 * reason to close the connection.  *drained: a read of this turn came back
 * short, so the socket had nothing more then (its next bytes wake the
 * poll); another recv would only say EAGAIN. */
static vkRpcMessage *
readOne(vkDaemonClient *client, size_t *budget, char **why, bool *normal, bool *drained)
{
    vkRpcMessage *msg;
    size_t need;

    *why = NULL;
    *normal = false;
    while (!(msg = bufferedPacket(client, &need, why))) {
        size_t want;
        ssize_t n;

        if (*why || !*budget || *drained)
            return NULL;
        makeRoom(client, need);
        want = MIN(client->rxCap - client->rxEnd, *budget);
        n = transportRecv(client, client->rxBuf + client->rxEnd, want);
        if (n == 0) {
            *normal = client->rxEnd == client->rxStart;
            *why = g_strdup_printf(*normal ? "disconnected" :
                                   "connection closed in the middle of a packet");
            return NULL;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return NULL;
            *why = g_strdup_printf("read failed: %s", g_strerror(errno));
            return NULL;
        }
        g_atomic_int_set(&client->lastRx, vkDaemonNowSeconds());
        client->rxEnd += n;
        *budget -= n;
        /* gnutls may hold decrypted bytes the socket no longer shows */
        if ((size_t)n < want && !client->tls)
            *drained = true;
    }
    if (vkRpcMessageDecodeHeader(msg) < 0) {
        *why = g_strdup("undecodable header");
        return NULL;
    }
    if (takeCallFds(client, msg, why) < 0)
        return NULL;
    client->rxStart += msg->length + msg->nfds;
    if (client->rxStart == client->rxEnd) {
        client->rxStart = client->rxEnd = 0;
        /* a large packet alone in the buffer: hand the buffer over */
        if (client->rxCap > RX_KEEP && msg->buffer == client->rxBuf) {
            msg = vkRpcMessageNew();
            *msg = *client->rxView;
            msg->capacity = client->rxCap;
            client->rxView->buffer = NULL;
            client->rxView->fds = NULL;
            client->rxView->nfds = 0;
            client->rxBuf = NULL;
            client->rxCap = 0;
        }
    }
    return msg;
}

/* msg is about to outlive this turn: it needs a buffer of its own. */
static vkRpcMessage *
ownPacket(vkDaemonClient *client, vkRpcMessage *msg)
{
    vkRpcMessage *own;

    if (msg != client->rxView)
        return msg;
    own = vkRpcMessageNew();
    *own = *msg;
    own->buffer = g_memdup2(msg->buffer, msg->length);
    own->capacity = msg->length;
    msg->buffer = NULL;
    msg->fds = NULL;            /* own's now */
    msg->nfds = 0;
    return own;
}

/* A packet handled on the main loop is done with. */
static void
recycle(vkDaemonClient *client, vkRpcMessage *msg)
{
    if (msg == client->rxView) {
        msg->buffer = NULL;     /* rxBuf's */
        for (size_t i = 0; i < msg->nfds; i++)
            close(msg->fds[i]); /* the ones the call did not take */
        g_clear_pointer(&msg->fds, g_free);
        msg->nfds = 0;
        return;
    }
    vkRpcMessageFree(msg);
}

static void
handleMessage(vkDaemonClient *client, vkRpcMessage *msg)
{
    vkRpcHeader *hdr = &msg->header;

    g_atomic_int_set(&client->unanswered, 0);
    if (hdr->prog == VK_KEEPALIVE_PROGRAM) {
        if (hdr->proc == 1 && hdr->type == VK_RPC_MESSAGE)
            vkDaemonSendKeepalive(client, 2);
        else if (hdr->proc != 2)
            VK_LOG("client %s: ignoring keepalive message with procedure %d type %d",
                   client->name, hdr->proc, hdr->type);
        recycle(client, msg);
        return;
    }
    if (!vkDaemonClientProgramOk(client, hdr)) {
        if (hdr->type == VK_RPC_CALL || hdr->type == VK_RPC_CALL_WITH_FDS) {
            vkDaemonReplyError(client, hdr, VIR_ERR_RPC,
                               "unknown program 0x%x version %u", hdr->prog, hdr->vers);
        } else {
            VK_LOG("client %s: dropping message type %d for unknown program 0x%x version %u",
                   client->name, hdr->type, hdr->prog, hdr->vers);
        }
        recycle(client, msg);
        return;
    }
    if (hdr->type == VK_RPC_STREAM) {
        vkDaemonStreamIncoming(client, ownPacket(client, msg));
        /* its data may have put the client over the stream bound */
        g_mutex_lock(&client->lock);
        vkDaemonUpdateCondLocked(client);
        g_mutex_unlock(&client->lock);
        return;
    }
    if (hdr->type != VK_RPC_CALL &&
        !(hdr->type == VK_RPC_CALL_WITH_FDS && client->pub.fdPassing && msg->fds)) {
        if (hdr->type == VK_RPC_CALL_WITH_FDS && client->pub.fdPassing)
            vkDaemonReplyError(client, hdr, VIR_ERR_RPC, "%s",
                               "a call with descriptors lacks their count");
        else if (hdr->type == VK_RPC_CALL_WITH_FDS)
            vkDaemonReplyError(client, hdr, VIR_ERR_RPC, "%s",
                               "file descriptor passing is not supported");
        else
            vkDaemonReplyError(client, hdr, VIR_ERR_RPC,
                               "Unexpected message type %d", hdr->type);
        recycle(client, msg);
        return;
    }
    if (!client->svc->isAdmin && vkDaemonCallInline(client, hdr)) {
        vkDaemonCallRun(client, msg);
        recycle(client, msg);
        return;
    }
    vkDaemonQueueCall(client, ownPacket(client, msg));
}

static void
clientHandleIO(vkDaemonClient *client, GIOCondition rev)
{
    bool dead = false;
    bool paused;
    size_t budget = TURN_BYTES;
    unsigned int nread;
    bool drained = false;

    if (client->handshaking) {
        g_autofree char *why = NULL;
        int rv;

        g_mutex_lock(&client->lock);
        rv = vkDaemonTlsHandshake(client->tls, &why);
        if (rv > 0) {
            /* libvirt's clients wait for one byte 0x01 after the handshake:
             * the server's word that their certificate was accepted. */
            vkRpcMessage *ok = vkRpcMessageNew();
            ok->buffer = g_malloc(1);
            ok->buffer[0] = 1;
            ok->length = ok->capacity = 1;
            client->handshaking = false;
            VK_DLOG("client %s: TLS session established", client->name);
            vkDaemonTxAccountLocked(client, ok, true);
            g_queue_push_head(&client->tx, ok);
            if (flushLocked(client, SIZE_MAX) < 0) {
                rv = -1;
                why = g_strdup("write failed after the TLS handshake");
            }
        }
        vkDaemonUpdateCondLocked(client);
        g_mutex_unlock(&client->lock);
        if (rv < 0) {
            vkDaemonClientClose(client, why);
            return;
        }
        if (rv == 0)
            return;
    }

    if (rev & G_IO_OUT) {
        g_mutex_lock(&client->lock);
        if (!client->closing) {
            if (flushLocked(client, TURN_BYTES) < 0) {
                vkDaemonCloseLocked(client, "write failed", true);
                dead = true;
            }
            vkDaemonUpdateCondLocked(client);
        }
        g_mutex_unlock(&client->lock);
        if (dead) {
            vkDaemonClientUnref(client);
            return;
        }
    }

    if (!(rev & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        return;
    for (nread = 0; ; nread++) {
        g_autofree char *why = NULL;
        bool normal;
        vkRpcMessage *msg;

        g_mutex_lock(&client->lock);
        paused = client->paused || client->closing;
        if (!paused && (nread == TURN_MESSAGES || !budget)) {
            /* The turn is over; the rest waits for the next iteration.
             * Bytes left in the socket wake the next poll by themselves;
             * only those already read ahead or inside a TLS session need
             * a kick (which costs two eventfd writes, a read and a loop
             * iteration: once every TURN_MESSAGES calls of a busy client). */
            if (client->tls || client->rxEnd > client->rxStart)
                vkDaemonClientKickLocked(client);
            paused = true;
        }
        g_mutex_unlock(&client->lock);
        if (paused) {
            /* A peer that hung up while not being read (HUP is reported
             * whether polled for or not) would make the loop spin. */
            if (nread == 0 && (rev & (G_IO_HUP | G_IO_ERR)))
                vkDaemonClientCloseQuiet(client, "hung up while not being read");
            return;
        }
        msg = readOne(client, &budget, &why, &normal, &drained);
        if (!msg) {
            if (why) {
                if (normal)
                    vkDaemonClientCloseQuiet(client, why);
                else
                    vkDaemonClientClose(client, why);
            } else if (!budget && (client->tls || client->rxEnd > client->rxStart)) {
                g_mutex_lock(&client->lock);
                vkDaemonClientKickLocked(client);
                g_mutex_unlock(&client->lock);
            }
            return;
        }
        handleMessage(client, msg);
    }
}

static gboolean
clientSourceDispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    vkClientSource *cs = (vkClientSource *)source;
    GIOCondition rev = g_source_query_unix_fd(source, cs->client->fdTag);

    if (g_source_get_ready_time(source) != -1) {
        /* kicked (vkDaemonClientKickLocked): read as if the socket said so */
        g_source_set_ready_time(source, -1);
        rev |= G_IO_IN;
    }
    clientHandleIO(cs->client, rev);
    return G_SOURCE_CONTINUE;
}

static void
clientSourceFinalize(GSource *source)
{
    vkDaemonClientUnref(((vkClientSource *)source)->client);
}

static GSourceFuncs clientSourceFuncs = {
    .dispatch = clientSourceDispatch,
    .finalize = clientSourceFinalize,
};

void
vkDaemonClientAttachSource(vkDaemonClient *client)
{
    vkClientSource *cs = (vkClientSource *)g_source_new(&clientSourceFuncs,
                                                        sizeof(vkClientSource));

    vkDaemonClientRef(client);
    cs->client = client;
    /* GLib blocks a source that cannot recurse for the time of its
     * dispatch: it takes the socket out of the poll set and puts it back,
     * and each change wakes the loop through its eventfd, so every call
     * cost two eventfd writes and an extra empty poll round (strace).
     * Nothing dispatching a client iterates the main loop again, so
     * there is no recursion to guard against. */
    g_source_set_can_recurse(&cs->base, TRUE);
    client->source = &cs->base;
    client->cond = G_IO_IN;
    client->fdTag = g_source_add_unix_fd(&cs->base, client->fd, client->cond);
    g_source_attach(&cs->base, NULL);
    g_source_unref(&cs->base);
}

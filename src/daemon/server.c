/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's transport: connected clients and the worker pool (the
 * listening sockets are in listen.c).
 *
 * Threads: the GLib main loop (the one registered as the virEvent default
 * implementation) accepts connections, reads packets and runs timers and
 * event callbacks; CALLs go to a GThreadPool so a slow call never blocks
 * other clients -- except the cheap ones on drivers that never block
 * (vkDaemonCallInline), which are answered right where they were read, so
 * the round trip needs no thread switch at all.  A worker sends its own
 * reply: it queues it on the client
 * and, when the queue was empty, writes it at once, so a round trip costs
 * no extra hop back to the main loop.  Only when the socket is full does
 * the main loop take over writing (G_IO_OUT).
 *
 * A client over its back-pressure bounds (backpressure.c) is not read.
 * Fair service: one dispatch of a client (a "turn") reads at most
 * TURN_MESSAGES packets and TURN_BYTES bytes and writes at most TURN_BYTES;
 * then the main loop moves on.  GLib dispatches every ready source once per
 * iteration, so ready clients take turns round-robin and a flooding client
 * cannot hold the I/O thread while its socket stays full.
 *
 * Lifetime: a client holds one "base" reference while it is served; close
 * drops it, queued calls and the GSource hold their own.  The last unref
 * schedules the real teardown on the main loop, so it never races with an
 * event callback (those run there too) that still points at the client.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/socket.h>
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

static void clientHandleIO(vkDaemonClient *client, GIOCondition rev);

/* One turn of a client on the I/O loop (see the top of the file). */
#define TURN_MESSAGES 4
#define TURN_BYTES (256 * 1024)

/* ---- small helpers ---- */

gint
vkDaemonNowSeconds(void)
{
    return g_get_monotonic_time() / G_USEC_PER_SEC;
}

vkServerClient *
vkDaemonClientPublic(vkDaemonClient *client)
{
    return &client->pub;
}

const char *
vkDaemonClientName(vkDaemonClient *client)
{
    return client->name;
}

static vkDaemonClient *
clientFromPublic(vkServerClient *pub)
{
    return (vkDaemonClient *)((char *)pub - offsetof(vkDaemonClient, pub));
}

static ssize_t
transportRecv(vkDaemonClient *client, char *buf, size_t len)
{
    if (client->tls)
        return vkDaemonTlsRecv(client->tls, buf, len);
    return recv(client->fd, buf, len, 0);
}

/* One descriptor as libvirt's peers expect it: a single byte carrying an
 * SCM_RIGHTS message (UNIX sockets only; never on TLS). */
static ssize_t
sendFd(vkDaemonClient *client, int fd)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
    };
    struct cmsghdr *c;

    memset(&ctl, 0, sizeof(ctl));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(client->fd, &mh, MSG_NOSIGNAL);
}

static ssize_t
transportSend(vkDaemonClient *client, const char *buf, size_t len)
{
    if (client->tls)
        return vkDaemonTlsSend(client->tls, buf, len);
    return send(client->fd, buf, len, MSG_NOSIGNAL);
}

static void
updateCondLocked(vkDaemonClient *client)
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

/* ---- lifetime ---- */

void
vkDaemonClientRef(vkDaemonClient *client)
{
    g_atomic_int_inc(&client->refs);
}

static void
freeQueue(GQueue *q)
{
    vkRpcMessage *msg;

    while ((msg = g_queue_pop_head(q)))
        vkRpcMessageFree(msg);
}

static void
clientDestroy(vkDaemonClient *client)
{
    vkDaemonTlsSessionFree(client->tls);
    if (client->fd >= 0)
        close(client->fd);
    freeQueue(&client->tx);
    freeQueue(&client->pending);
    vkRpcMessageFree(client->rx);
    g_mutex_clear(&client->lock);
    g_free(client->name);
    g_free(client);
}

static gboolean
clientFreeIdle(gpointer opaque)
{
    vkDaemonClient *client = opaque;
    vkDaemonServer *srv = client->srv;

    vkServerClientCleanup(&client->pub);
    g_mutex_lock(&srv->lock);
    g_hash_table_remove(srv->clients, client);
    srv->nclients--;
    client->svc->nclients--;
    vkDaemonServerArmIdleLocked(srv);
    g_mutex_unlock(&srv->lock);
    VK_DLOG("client %s: released", client->name);
    clientDestroy(client);
    return G_SOURCE_REMOVE;
}

void
vkDaemonClientUnref(vkDaemonClient *client)
{
    if (g_atomic_int_dec_and_test(&client->refs))
        g_idle_add(clientFreeIdle, client);
}

static gboolean
streamsClosedIdle(gpointer opaque)
{
    vkDaemonClient *client = opaque;

    vkDaemonStreamsClientClosed(client);
    vkDaemonClientUnref(client);
    return G_SOURCE_REMOVE;
}

static void
closeLocked(vkDaemonClient *client, const char *reason, bool normal)
{
    if (client->closing)
        return;
    client->closing = true;
    /* Its streams go from the main loop, outside this lock. */
    vkDaemonClientRef(client);
    g_idle_add(streamsClosedIdle, client);
    if (normal)
        VK_DLOG("client %s: %s", client->name, reason);
    else
        VK_LOG("client %s: %s; closing the connection", client->name, reason);
    if (client->source)
        g_source_destroy(client->source);
    shutdown(client->fd, SHUT_RDWR);
    vkDaemonStallDisarmLocked(client);
    freeQueue(&client->tx);
    client->txBytes = 0;
    client->txReplies = 0;
    client->nevents = 0;
    freeQueue(&client->pending);
    client->pendingBytes = 0;
}

void
vkDaemonClientClose(vkDaemonClient *client, const char *reason)
{
    bool wasOpen;

    g_mutex_lock(&client->lock);
    wasOpen = !client->closing;
    closeLocked(client, reason, false);
    g_mutex_unlock(&client->lock);
    if (wasOpen)
        vkDaemonClientUnref(client);
}

static void
clientCloseQuiet(vkDaemonClient *client, const char *reason)
{
    bool wasOpen;

    g_mutex_lock(&client->lock);
    wasOpen = !client->closing;
    closeLocked(client, reason, true);
    g_mutex_unlock(&client->lock);
    if (wasOpen)
        vkDaemonClientUnref(client);
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
            if (sendFd(client, msg->fds[msg->donefds]) < 0) {
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
        closeLocked(client, "write failed", true);
        return false;
    }
    updateCondLocked(client);
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

static int
clientSendProgramEvent(vkServerClient *pub, unsigned int prog, int proc, xdrproc_t filter,
                       void *body)
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
        closeLocked(client, why, false);
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

static int
clientSendEvent(vkServerClient *pub, int proc, xdrproc_t filter, void *body)
{
    return clientSendProgramEvent(pub, VK_REMOTE_PROGRAM, proc, filter, body);
}

/* ---- request slots ---- */

typedef struct {
    vkDaemonClient *client;
    vkRpcMessage *msg;
} vkJob;

void
vkDaemonWorkerRun(gpointer data, gpointer opaque)
{
    vkJob *job = data;

    vkDaemonService *svc = job->client->svc;

    g_atomic_int_inc(&svc->busy);
    vkDaemonCallRun(job->client, job->msg);
    g_atomic_int_add(&svc->busy, -1);
    vkRpcMessageFree(job->msg);
    vkDaemonClientCallDone(job->client);
    vkDaemonClientUnref(job->client);
    g_free(job);
}

static void
startCallLocked(vkDaemonClient *client, vkRpcMessage *msg)
{
    vkJob *job = g_new0(vkJob, 1);

    client->inflight++;
    vkDaemonClientRef(client);
    job->client = client;
    job->msg = msg;
    g_thread_pool_push(client->svc->pool, job, NULL);
}

/* A call waits for a worker while its client has max_client_requests
 * running; reading stops once as many wait (backpressure.c). */
static void
queueCall(vkDaemonClient *client, vkRpcMessage *msg)
{
    unsigned int max = client->srv->cfg->maxClientRequests;

    g_mutex_lock(&client->lock);
    if (client->closing) {
        vkRpcMessageFree(msg);
    } else if (client->inflight < max) {
        startCallLocked(client, msg);
    } else {
        g_queue_push_tail(&client->pending, msg);
        client->pendingBytes += msg->length;
    }
    updateCondLocked(client);
    g_mutex_unlock(&client->lock);
}

void
vkDaemonClientResume(vkDaemonClient *client)
{
    g_mutex_lock(&client->lock);
    if (!client->closing) {
        bool was = client->paused;

        updateCondLocked(client);
        if (was && !client->paused)
            vkDaemonClientKickLocked(client);   /* what waits in the socket */
    }
    g_mutex_unlock(&client->lock);
}

void
vkDaemonClientCallDone(vkDaemonClient *client)
{
    vkRpcMessage *next;

    g_mutex_lock(&client->lock);
    client->inflight--;
    if (!client->closing && (next = g_queue_pop_head(&client->pending))) {
        client->pendingBytes -= next->length;
        startCallLocked(client, next);
    }
    updateCondLocked(client);
    g_mutex_unlock(&client->lock);
}

/* ---- reading ---- */

/* Returns a complete packet, or NULL: *why is then NULL for "no more data
 * now" (or *budget, the bytes this turn may still read, is spent), or the
 * reason to close the connection. */
static vkRpcMessage *
readOne(vkDaemonClient *client, size_t *budget, char **why, bool *normal)
{
    vkRpcMessage *msg = client->rx;

    *why = NULL;
    *normal = false;
    if (!msg) {
        msg = client->rx = vkRpcMessageNew();
        vkRpcMessageBeginRead(msg);
    }
    while (msg->offset < msg->length) {
        ssize_t n;

        if (!*budget)
            return NULL;
        n = transportRecv(client, msg->buffer + msg->offset,
                          MIN(msg->length - msg->offset, *budget));
        if (n == 0) {
            *normal = msg->offset == 0;
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
        msg->offset += n;
        *budget -= n;
        if (msg->offset == VK_RPC_LEN_WORD && msg->length == VK_RPC_LEN_WORD &&
            vkRpcMessageDecodeLength(msg) < 0) {
            virErrorPtr err = vkErrorGetLast();
            *why = g_strdup(err && err->message ? err->message : "bad packet length");
            return NULL;
        }
    }
    if (vkRpcMessageDecodeHeader(msg) < 0) {
        *why = g_strdup("undecodable header");
        return NULL;
    }
    client->rx = NULL;
    return msg;
}

/* A packet handled on the main loop leaves its buffer to the next read,
 * so a client doing cheap calls does not allocate per message. */
static void
recycle(vkDaemonClient *client, vkRpcMessage *msg)
{
    if (client->rx) {
        vkRpcMessageFree(msg);
        return;
    }
    vkRpcMessageBeginRead(msg);
    client->rx = msg;
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
        vkDaemonStreamIncoming(client, msg);
        /* its data may have put the client over the stream bound */
        g_mutex_lock(&client->lock);
        updateCondLocked(client);
        g_mutex_unlock(&client->lock);
        return;
    }
    if (hdr->type != VK_RPC_CALL) {
        if (hdr->type == VK_RPC_CALL_WITH_FDS)
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
    queueCall(client, msg);
}

static void
clientHandleIO(vkDaemonClient *client, GIOCondition rev)
{
    bool dead = false;
    bool paused;
    size_t budget = TURN_BYTES;
    unsigned int nread;

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
        updateCondLocked(client);
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
                closeLocked(client, "write failed", true);
                dead = true;
            }
            updateCondLocked(client);
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
            /* the turn is over; the rest waits for the next iteration */
            vkDaemonClientKickLocked(client);
            paused = true;
        }
        g_mutex_unlock(&client->lock);
        if (paused) {
            /* A peer that hung up while not being read (HUP is reported
             * whether polled for or not) would make the loop spin. */
            if (nread == 0 && (rev & (G_IO_HUP | G_IO_ERR)))
                clientCloseQuiet(client, "hung up while not being read");
            return;
        }
        msg = readOne(client, &budget, &why, &normal);
        if (!msg) {
            if (why) {
                if (normal)
                    clientCloseQuiet(client, why);
                else
                    vkDaemonClientClose(client, why);
            } else if (!budget) {
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

/* ---- accepting ---- */

void
vkDaemonClientNew(vkListener *l, int fd)
{
    vkDaemonServer *srv = l->srv;
    vkDaemonClient *client;
    vkClientSource *cs;
    struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
    socklen_t credlen = sizeof(cred);
    g_autofree char *who = NULL;
    vkDaemonService *svc = l->admin ? &srv->admin : &srv->main;
    unsigned long long id;

    g_mutex_lock(&srv->lock);
    id = srv->nextClientId++;
    if (svc->nclients >= svc->maxClients) {
        unsigned int max = svc->maxClients;
        g_mutex_unlock(&srv->lock);
        VK_LOG("refusing a connection on %s: %s's max_clients (%u) reached",
               l->desc, svc->name, max);
        close(fd);
        return;
    }
    g_mutex_unlock(&srv->lock);

    if (l->path) {
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) < 0) {
            VK_LOG("refusing a connection on %s: cannot read peer credentials: %s",
                   l->desc, g_strerror(errno));
            close(fd);
            return;
        }
        who = g_strdup_printf("%llu (pid %d uid %u)", id, (int)cred.pid, (unsigned)cred.uid);
        if (!l->readonly && cred.uid != 0 && cred.uid != geteuid()) {
            VK_LOG("refusing client %s on %s: uid %u may only use the read-only socket",
                   who, l->desc, (unsigned)cred.uid);
            close(fd);
            return;
        }
    } else {
        who = g_strdup_printf("%llu (%s)", id, l->desc);
    }

    client = g_new0(vkDaemonClient, 1);
    client->refs = 1;
    client->srv = srv;
    client->svc = svc;
    client->id = id;
    client->connected = g_get_real_time() / G_USEC_PER_SEC;
    client->transport = l->path ? VK_CLIENT_TRANS_UNIX :
                        l->tls ? VK_CLIENT_TRANS_TLS : VK_CLIENT_TRANS_TCP;
    client->gid = cred.gid;
    client->fd = fd;
    client->name = g_steal_pointer(&who);
    g_mutex_init(&client->lock);
    g_queue_init(&client->tx);
    g_queue_init(&client->pending);
    client->pub.readonly = l->readonly;
    /* Unix peers are identified by the kernel and TLS peers by their
     * verified certificate: with no SASL/polkit, that is the whole auth. */
    client->pub.authenticated = true;
    client->pub.uid = cred.uid;
    client->pub.pid = cred.pid;
    client->pub.sendEvent = clientSendEvent;
    client->pub.sendProgramEvent = clientSendProgramEvent;
    client->pub.openStream = vkDaemonStreamOpen;
    client->pub.replyFd = vkDaemonCallReplyFd;
    /* a UNIX listener has a path; TCP and TLS ones do not */
    client->pub.fdPassing = l->path != NULL && !l->tls;
    client->pub.daemonPrivate = client;
    client->lastRx = vkDaemonNowSeconds();
    if (l->tls) {
        g_autoptr(GError) err = NULL;
        client->tls = vkDaemonTlsSessionNew(g_atomic_pointer_get(&srv->tls), fd, &err);
        if (!client->tls) {
            VK_LOG("client %s: %s", client->name, err->message);
            clientDestroy(client);
            return;
        }
        client->handshaking = true;
    }

    g_mutex_lock(&srv->lock);
    g_hash_table_add(srv->clients, client);
    srv->nclients++;
    svc->nclients++;
    if (srv->idleTimer) {
        g_source_remove(srv->idleTimer);
        srv->idleTimer = 0;
    }
    g_mutex_unlock(&srv->lock);

    cs = (vkClientSource *)g_source_new(&clientSourceFuncs, sizeof(vkClientSource));
    vkDaemonClientRef(client);
    cs->client = client;
    client->source = &cs->base;
    client->cond = G_IO_IN;
    client->fdTag = g_source_add_unix_fd(&cs->base, fd, client->cond);
    g_source_attach(&cs->base, NULL);
    g_source_unref(&cs->base);
    VK_DLOG("client %s: connected on %s", client->name, l->desc);
}

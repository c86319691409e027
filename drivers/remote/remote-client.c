/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One connection to a daemon: calls out, replies and messages in.
 *
 * The idea: exactly one thread reads the socket -- the connection's reader
 * thread -- and every other thread only writes (under a write lock) and
 * then sleeps on its own slot until the reader hands it the REPLY whose
 * serial matches.  So calls from many threads overlap freely, events and
 * keepalive PINGs are seen even when nobody is calling, and the end of the
 * connection is noticed in one place, which fails every waiting slot, marks
 * the client closed for later calls and fires the close callback once.
 *
 * The client is reference counted between the connection and the reader
 * thread, because the last reference on a connection may be dropped from
 * inside a callback running on the reader thread itself.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "util/event-loop.h"
#include "drivers/remote/remote-private.h"
#include "remote_protocol.h"
#include "keepalive_protocol.h"
#include "qemu_protocol.h"

typedef struct {
    unsigned int serial;
    bool done;
    vkRpcMessage *reply;        /* NULL when the connection ended first */
} vkRemotePending;

struct _vkRemoteClient {
    gint refs;
    vkRemoteTransport *transport;
    GThread *reader;
    int wake[2];                /* pipe: tells the reader to re-plan or quit */

    GMutex writeLock;           /* one packet on the wire at a time */

    GMutex lock;                /* guards everything below */
    GCond cond;                 /* broadcast when a slot is done */
    virConnectPtr conn;         /* not referenced; NULL once closing */
    unsigned int nextSerial;
    GHashTable *pending;        /* serial -> vkRemotePending */
    bool closed;
    bool quit;                  /* closed on purpose: no close callback */
    bool closeFired;
    char *closeCause;           /* why the connection ended */

    bool kaSupported;
    int kaInterval;             /* seconds; <= 0 disabled */
    unsigned int kaCount;
    unsigned int kaUnanswered;
    gint64 kaLast;              /* monotonic us of the last packet or PING */

    vkEventState *events;
    void *eventPriv;
    GDestroyNotify eventPrivFree;
};

static void
clientUnref(vkRemoteClient *client)
{
    if (!g_atomic_int_dec_and_test(&client->refs))
        return;
    g_hash_table_unref(client->pending);
    vkRemoteTransportFree(client->transport);
    if (client->wake[0] >= 0)
        close(client->wake[0]);
    if (client->wake[1] >= 0)
        close(client->wake[1]);
    if (client->eventPrivFree)
        client->eventPrivFree(client->eventPriv);
    if (client->events)
        vkEventStateFree(client->events);
    g_free(client->closeCause);
    g_mutex_clear(&client->lock);
    g_mutex_clear(&client->writeLock);
    g_cond_clear(&client->cond);
    g_free(client);
}

static void
wakeReader(vkRemoteClient *client)
{
    char c = 0;
    ssize_t rc;

    do {
        rc = write(client->wake[1], &c, 1);
    } while (rc < 0 && errno == EINTR);
}

/* ---- the close callback ---- */

typedef struct {
    virConnectPtr conn;
    int reason;
} vkRemoteCloseEvent;

/* A reference on a connection that is not already being torn down. */
static bool
connTryRef(virConnectPtr conn)
{
    gint refs;

    do {
        refs = g_atomic_int_get(&conn->refs);
        if (refs <= 0)
            return false;
    } while (!g_atomic_int_compare_and_exchange(&conn->refs, refs, refs + 1));
    return true;
}

static void
closeEventRun(vkRemoteCloseEvent *ev)
{
    virConnectCloseFunc cb;
    void *opaque;

    g_mutex_lock(&ev->conn->lock);
    cb = ev->conn->closeCb;
    opaque = ev->conn->closeOpaque;
    g_mutex_unlock(&ev->conn->lock);
    if (cb)
        cb(ev->conn, ev->reason, opaque);
}

static void
closeEventFree(void *opaque)
{
    vkRemoteCloseEvent *ev = opaque;

    vkConnectUnref(ev->conn);
    g_free(ev);
}

static void
closeEventTimer(int timer, void *opaque)
{
    virEventRemoveTimeout(timer);
    closeEventRun(opaque);
}

/* Like libvirt's, the close callback runs from the application's event
 * loop when it has one; without one there is no loop to wait for, so it
 * runs at once on the reader thread. */
static void
fireCloseCallback(vkRemoteClient *client, int reason)
{
    vkRemoteCloseEvent *ev;

    g_mutex_lock(&client->lock);
    if (client->quit || client->closeFired || !client->conn ||
        !connTryRef(client->conn)) {
        g_mutex_unlock(&client->lock);
        return;
    }
    client->closeFired = true;
    ev = g_new0(vkRemoteCloseEvent, 1);
    ev->conn = client->conn;
    ev->reason = reason;
    g_mutex_unlock(&client->lock);

    if (vkEventLoopIsRegistered() &&
        virEventAddTimeout(0, closeEventTimer, ev, closeEventFree) >= 0)
        return;
    closeEventRun(ev);
    closeEventFree(ev);
}

/* The end of the connection, whatever ended it: first caller wins. */
static void
clientFail(vkRemoteClient *client, int reason, const char *cause)
{
    GHashTableIter iter;
    gpointer value;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return;
    }
    client->closed = true;
    client->closeCause = g_strdup(cause);
    g_hash_table_iter_init(&iter, client->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        ((vkRemotePending *)value)->done = true;
    g_cond_broadcast(&client->cond);
    g_mutex_unlock(&client->lock);

    vkRemoteTransportShutdown(client->transport);
    fireCloseCallback(client, reason);
}

static void
reportClosed(vkRemoteClient *client)
{
    g_autofree char *cause = NULL;

    g_mutex_lock(&client->lock);
    cause = g_strdup(client->closeCause);
    g_mutex_unlock(&client->lock);
    vkReportError(VIR_ERR_INTERNAL_ERROR, "client socket is closed: %s",
                  cause ? cause : "the connection was closed");
}

/* ---- writing ---- */

static int
writeAll(vkRemoteClient *client, const char *buf, size_t len)
{
    int ret = 0;

    g_mutex_lock(&client->writeLock);
    while (len > 0) {
        ssize_t n = vkRemoteTransportWrite(client->transport, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ret = -1;
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    g_mutex_unlock(&client->writeLock);
    return ret;
}

static int
sendKeepAlive(vkRemoteClient *client, int proc)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    vkRpcHeader hdr = {
        .prog = VK_KEEPALIVE_PROGRAM, .vers = VK_KEEPALIVE_VERSION,
        .proc = proc, .type = VK_RPC_MESSAGE, .serial = 0, .status = VK_RPC_OK,
    };

    if (vkRpcMessageEncode(msg, &hdr, NULL, NULL) < 0)
        return -1;
    return writeAll(client, msg->buffer, msg->length);
}

/* ---- the reader thread ---- */

/* Why reading stopped: the peer went away (end of file, or a reset when
 * it died with our bytes unread -- both are libvirt's "EOF"), or
 * something else went wrong. */
typedef struct {
    const char *cause;
    int reason;
} vkReadFailure;

static int
readAll(vkRemoteClient *client, char *buf, size_t len, vkReadFailure *f)
{
    while (len > 0) {
        ssize_t n = vkRemoteTransportRead(client->transport, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE))) {
            f->cause = n == 0 ? "end of file from server"
                              : "connection reset by server";
            f->reason = VIR_CONNECT_CLOSE_REASON_EOF;
            return -1;
        }
        if (n < 0) {
            f->cause = "error reading from server";
            f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The descriptors of a *_WITH_FDS packet: their count opens the body, and
 * each follows the packet as one byte with SCM_RIGHTS.  A server may send
 * a handful; more is a broken or hostile peer. */
#define MAX_REPLY_FDS 32

static int
readFds(vkRemoteClient *client, vkRpcMessage *msg, vkReadFailure *f)
{
    guint32 count;

    if (msg->length - msg->bodyOffset < 4) {
        f->cause = "the server sent a descriptor count beyond its packet";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return -1;
    }
    memcpy(&count, msg->buffer + msg->bodyOffset, 4);
    count = GUINT32_FROM_BE(count);
    msg->bodyOffset += 4;
    if (count > MAX_REPLY_FDS) {
        f->cause = "the server announced too many descriptors";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return -1;
    }
    msg->fds = g_new0(int, count ? count : 1);
    for (msg->nfds = 0; msg->nfds < count; msg->nfds++) {
        int fd = vkRemoteTransportRecvFd(client->transport);

        if (fd < 0) {
            f->cause = "the server's descriptor did not arrive";
            f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            return -1;
        }
        msg->fds[msg->nfds] = fd;
    }
    return 0;
}

static vkRpcMessage *
readMessage(vkRemoteClient *client, vkReadFailure *f)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();

    vkRpcMessageBeginRead(msg);
    if (readAll(client, msg->buffer, VK_RPC_LEN_WORD, f) < 0)
        return NULL;
    msg->offset = VK_RPC_LEN_WORD;
    if (vkRpcMessageDecodeLength(msg) < 0) {
        vkErrorReset();
        f->cause = "the server sent a packet with an invalid length";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return NULL;
    }
    if (readAll(client, msg->buffer + msg->offset, msg->length - msg->offset, f) < 0)
        return NULL;
    msg->offset = msg->length;
    if (vkRpcMessageDecodeHeader(msg) < 0) {
        vkErrorReset();
        f->cause = "the server sent a malformed packet header";
        f->reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        return NULL;
    }
    if (msg->header.type == VK_RPC_REPLY_WITH_FDS && readFds(client, msg, f) < 0)
        return NULL;
    return g_steal_pointer(&msg);
}

static void
handleReply(vkRemoteClient *client, vkRpcMessage *msg)
{
    vkRemotePending *p;
    bool wake = false;

    g_mutex_lock(&client->lock);
    p = g_hash_table_lookup(client->pending,
                            GUINT_TO_POINTER(msg->header.serial));
    if (p && !p->done) {
        p->reply = msg;
        p->done = true;
        msg = NULL;
        wake = true;
    }
    g_mutex_unlock(&client->lock);
    /* Woken under the lock, the caller would first block on the lock this
     * thread still holds: two more futex calls and a context switch per
     * call (strace).  The condition is the client's, alive while this
     * thread runs, so waking after the unlock is safe; a waiter that saw
     * done first just returns. */
    if (wake)
        g_cond_broadcast(&client->cond);
    /* an error REPLY may answer a stream's finish; else a reply nobody
     * waits for (a caller given up on) is dropped */
    if (msg)
        vkRemoteStreamDispatch(client, msg);
}

/* Milliseconds until the next keepalive action, or -1 for none. */
static int
keepAliveTimeout(vkRemoteClient *client)
{
    gint64 due;
    gint64 now = g_get_monotonic_time();
    int ms = -1;

    g_mutex_lock(&client->lock);
    if (client->kaSupported && client->kaInterval > 0) {
        due = client->kaLast + (gint64)client->kaInterval * G_USEC_PER_SEC;
        ms = due <= now ? 0 : (int)((due - now + 999) / 1000);
    }
    g_mutex_unlock(&client->lock);
    return ms;
}

/* Nothing arrived for an interval: ping, or give up after count pings. */
static bool
keepAliveTick(vkRemoteClient *client)
{
    bool dead = false;
    unsigned int sent;

    g_mutex_lock(&client->lock);
    if (!client->kaSupported || client->kaInterval <= 0) {
        g_mutex_unlock(&client->lock);
        return true;
    }
    if (client->kaUnanswered >= client->kaCount)
        dead = true;
    else
        client->kaUnanswered++;
    sent = client->kaUnanswered;
    client->kaLast = g_get_monotonic_time();
    g_mutex_unlock(&client->lock);

    if (dead) {
        g_autofree char *cause =
            g_strdup_printf("no keepalive response from server after %u pings",
                            sent);
        clientFail(client, VIR_CONNECT_CLOSE_REASON_KEEPALIVE, cause);
        return false;
    }
    sendKeepAlive(client, KEEPALIVE_PROC_PING);
    return true;
}

static gpointer
readerMain(gpointer opaque)
{
    vkRemoteClient *client = opaque;
    vkReadFailure f = { "end of file from server", VIR_CONNECT_CLOSE_REASON_EOF };

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = client->transport->fd, .events = POLLIN },
            { .fd = client->wake[0], .events = POLLIN },
        };
        g_autoptr(vkRpcMessage) msg = NULL;
        int rc = 1;

        if (!vkRemoteTransportPending(client->transport))
            rc = poll(fds, 2, keepAliveTimeout(client));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            f.cause = "poll on the server socket failed";
            f.reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            break;
        }
        if (fds[1].revents) {
            char buf[64];

            if (read(client->wake[0], buf, sizeof(buf)) < 0 && errno != EAGAIN)
                break;
            g_mutex_lock(&client->lock);
            rc = client->quit;
            g_mutex_unlock(&client->lock);
            if (rc)
                break;
            continue;
        }
        if (rc == 0) {
            if (!keepAliveTick(client))
                break;
            continue;
        }

        if (!(msg = readMessage(client, &f)))
            break;

        g_mutex_lock(&client->lock);
        client->kaUnanswered = 0;
        client->kaLast = g_get_monotonic_time();
        g_mutex_unlock(&client->lock);

        if (msg->header.prog == VK_KEEPALIVE_PROGRAM) {
            if (msg->header.proc == KEEPALIVE_PROC_PING)
                sendKeepAlive(client, KEEPALIVE_PROC_PONG);
            continue;
        }
        if (msg->header.prog != VK_REMOTE_PROGRAM) {
            /* The side programs' (QEMU, LXC) replies match a call by its
             * serial like the remote program's; QEMU's monitor events are
             * the only events among them. */
            if (msg->header.type == VK_RPC_REPLY ||
                msg->header.type == VK_RPC_REPLY_WITH_FDS)
                handleReply(client, g_steal_pointer(&msg));
            else if (msg->header.type == VK_RPC_MESSAGE &&
                     msg->header.prog == QEMU_PROGRAM)
                vkRemoteQemuEventDispatch(client, msg);
            continue;
        }
        if (msg->header.type == VK_RPC_REPLY || msg->header.type == VK_RPC_REPLY_WITH_FDS)
            handleReply(client, g_steal_pointer(&msg));
        else if (msg->header.type == VK_RPC_MESSAGE)
            vkRemoteEventDispatch(client, msg);
        else if (msg->header.type == VK_RPC_STREAM)
            vkRemoteStreamDispatch(client, g_steal_pointer(&msg));
    }

    clientFail(client, f.reason, f.cause);
    vkRemoteStreamsClientClosed(client, f.cause);
    clientUnref(client);
    return NULL;
}

/* ---- the public face of the client ---- */

vkRemoteClient *
vkRemoteClientNew(vkRemoteTransport *t, virConnectPtr conn)
{
    vkRemoteClient *client = g_new0(vkRemoteClient, 1);
    g_autoptr(GError) gerr = NULL;

    client->refs = 1;
    client->transport = t;
    client->conn = conn;
    client->wake[0] = client->wake[1] = -1;
    g_mutex_init(&client->lock);
    g_mutex_init(&client->writeLock);
    g_cond_init(&client->cond);
    client->pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    client->events = vkEventStateNew();
    client->kaLast = g_get_monotonic_time();

    if (!g_unix_open_pipe(client->wake, FD_CLOEXEC, &gerr) ||
        !g_unix_set_fd_nonblocking(client->wake[0], TRUE, NULL)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot create a wakeup pipe: %s",
                      gerr ? gerr->message : g_strerror(errno));
        client->transport = NULL;       /* still the caller's on failure */
        clientUnref(client);
        return NULL;
    }

    g_atomic_int_inc(&client->refs);            /* the reader's */
    client->reader = g_thread_try_new("vk-remote-reader", readerMain, client,
                                      &gerr);
    if (!client->reader) {
        g_atomic_int_add(&client->refs, -1);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot start the reader thread: %s",
                      gerr->message);
        client->transport = NULL;
        clientUnref(client);
        return NULL;
    }
    return client;
}

void
vkRemoteClientClose(vkRemoteClient *client, bool sendClose)
{
    if (!client)
        return;
    if (sendClose && vkRemoteClientIsAlive(client)) {
        virErrorPtr saved = vkErrorSave();

        vkRemoteClientCall(client, REMOTE_PROC_CONNECT_CLOSE, NULL,
                           NULL, NULL, NULL);
        vkErrorRestore(&saved);
        if (!saved)
            vkErrorReset();
    }

    g_mutex_lock(&client->lock);
    client->quit = true;
    client->conn = NULL;
    g_mutex_unlock(&client->lock);
    wakeReader(client);
    vkRemoteTransportShutdown(client->transport);

    /* The last unref of a connection can happen inside a callback on the
     * reader thread; it cannot wait for itself, it lets itself go. */
    if (g_thread_self() == client->reader)
        g_thread_unref(client->reader);
    else
        g_thread_join(client->reader);
    client->reader = NULL;
    clientUnref(client);
}

int
vkRemoteClientSendPacket(vkRemoteClient *client, vkRpcMessage *msg)
{
    if (!vkRemoteClientIsAlive(client)) {
        reportClosed(client);
        return -1;
    }
    if (writeAll(client, msg->buffer, msg->length) < 0) {
        vkRemoteTransportShutdown(client->transport);
        vkReportError(VIR_ERR_RPC, "%s", "cannot send to the server");
        return -1;
    }
    return 0;
}

unsigned int
vkRemoteClientNextSerial(vkRemoteClient *client)
{
    unsigned int serial;

    g_mutex_lock(&client->lock);
    serial = client->nextSerial++;
    g_mutex_unlock(&client->lock);
    return serial;
}

static int callFull(vkRemoteClient *client, unsigned int prog, int proc, unsigned int serial,
                    xdrproc_t argsFilter, void *args, xdrproc_t retFilter, void *ret,
                    int **fds, size_t *nfds);

int
vkRemoteClientCall(vkRemoteClient *client, int proc, xdrproc_t argsFilter,
                   void *args, xdrproc_t retFilter, void *ret)
{
    return vkRemoteClientCallSerial(client, proc, vkRemoteClientNextSerial(client),
                                    argsFilter, args, retFilter, ret);
}

int
vkRemoteClientCallSerial(vkRemoteClient *client, int proc, unsigned int serial,
                         xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                         void *ret)
{
    return callFull(client, VK_REMOTE_PROGRAM, proc, serial, argsFilter, args, retFilter,
                    ret, NULL, NULL);
}

int
vkRemoteClientCallWithFds(vkRemoteClient *client, int proc, xdrproc_t argsFilter,
                          void *args, xdrproc_t retFilter, void *ret, int **fds,
                          size_t *nfds)
{
    return callFull(client, VK_REMOTE_PROGRAM, proc, vkRemoteClientNextSerial(client),
                    argsFilter, args, retFilter, ret, fds, nfds);
}

int
vkRemoteClientCallProgram(vkRemoteClient *client, unsigned int prog, int proc,
                          xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                          void *ret, int **fds, size_t *nfds)
{
    return callFull(client, prog, proc, vkRemoteClientNextSerial(client), argsFilter, args,
                    retFilter, ret, fds, nfds);
}

static int
callFull(vkRemoteClient *client, unsigned int prog, int proc, unsigned int serial,
         xdrproc_t argsFilter, void *args, xdrproc_t retFilter, void *ret,
         int **fds, size_t *nfds)
{
    g_autoptr(vkRpcMessage) msg = vkRpcMessageNew();
    g_autoptr(vkRpcMessage) reply = NULL;
    vkRemotePending slot = { 0 };
    vkRpcHeader hdr = {
        .prog = prog, .vers = 1, .proc = proc,
        .type = VK_RPC_CALL, .status = VK_RPC_OK,
    };

    hdr.serial = slot.serial = serial;

    if (vkRpcMessageEncode(msg, &hdr, argsFilter,
                           args) < 0)
        return -1;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        reportClosed(client);
        return -1;
    }
    g_hash_table_insert(client->pending, GUINT_TO_POINTER(slot.serial), &slot);
    g_mutex_unlock(&client->lock);

    if (writeAll(client, msg->buffer, msg->length) < 0) {
        /* The reader will see the same failure and end the connection;
         * the slot is failed there, with the cause it finds. */
        vkRemoteTransportShutdown(client->transport);
    }

    g_mutex_lock(&client->lock);
    while (!slot.done)
        g_cond_wait(&client->cond, &client->lock);
    g_hash_table_remove(client->pending, GUINT_TO_POINTER(slot.serial));
    reply = slot.reply;
    g_mutex_unlock(&client->lock);

    if (!reply) {
        reportClosed(client);
        return -1;
    }
    if (reply->header.status == VK_RPC_ERROR) {
        virError err = { 0 };
        virErrorPtr raised;

        if (vkRpcMessageDecodeError(reply, &err) < 0)
            return -1;
        if (!err.message)
            err.message = g_strdup("unknown error reported by the server");
        /* The server's error, re-raised verbatim: its code, its domain, its
         * message ("Test Driver error", not "RPC error"). */
        raised = g_new0(virError, 1);
        *raised = err;
        vkErrorRestore(&raised);
        return -1;
    }
    if (reply->header.status != VK_RPC_OK) {
        vkReportError(VIR_ERR_RPC, "unexpected status %d in the reply to procedure %d",
                      reply->header.status, proc);
        return -1;
    }
    if (vkRpcMessageDecodeBody(reply, retFilter, ret) < 0)
        return -1;
    if (fds) {
        /* the reply's descriptors become the caller's */
        *nfds = reply->nfds;
        *fds = g_steal_pointer(&reply->fds);
        reply->nfds = 0;
    }
    return 0;
}

bool
vkRemoteClientIsAlive(vkRemoteClient *client)
{
    bool alive;

    g_mutex_lock(&client->lock);
    alive = !client->closed;
    g_mutex_unlock(&client->lock);
    return alive;
}

bool
vkRemoteClientIsSecure(vkRemoteClient *client)
{
    return client->transport->secure;
}

bool
vkRemoteClientIsEncrypted(vkRemoteClient *client)
{
    return client->transport->encrypted;
}

void
vkRemoteClientSetKeepAliveSupported(vkRemoteClient *client, bool ok)
{
    g_mutex_lock(&client->lock);
    client->kaSupported = ok;
    g_mutex_unlock(&client->lock);
}

int
vkRemoteClientSetKeepAlive(vkRemoteClient *client, int interval,
                           unsigned int count)
{
    g_mutex_lock(&client->lock);
    if (!client->kaSupported) {
        g_mutex_unlock(&client->lock);
        return 1;
    }
    client->kaInterval = interval;
    client->kaCount = count;
    client->kaUnanswered = 0;
    client->kaLast = g_get_monotonic_time();
    g_mutex_unlock(&client->lock);
    wakeReader(client);
    return 0;
}

vkEventState *
vkRemoteClientEvents(vkRemoteClient *client)
{
    return client->events;
}

void *
vkRemoteClientEventPrivate(vkRemoteClient *client)
{
    return client->eventPriv;
}

void
vkRemoteClientSetEventPrivate(vkRemoteClient *client, void *priv,
                              GDestroyNotify freefn)
{
    client->eventPriv = priv;
    client->eventPrivFree = freefn;
}

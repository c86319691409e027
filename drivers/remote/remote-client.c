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
#include <unistd.h>
#include <glib-unix.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "util/event-loop.h"
#include "drivers/remote/remote-client-private.h"
#include "remote_protocol.h"

void
vkRemoteClientUnref(vkRemoteClient *client)
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

void
vkRemoteClientFail(vkRemoteClient *client, int reason, const char *cause)
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

void
vkRemoteClientReportClosed(vkRemoteClient *client)
{
    g_autofree char *cause = NULL;

    g_mutex_lock(&client->lock);
    cause = g_strdup(client->closeCause);
    g_mutex_unlock(&client->lock);
    vkReportError(VIR_ERR_INTERNAL_ERROR, "client socket is closed: %s",
                  cause ? cause : "the connection was closed");
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
        vkRemoteClientUnref(client);
        return NULL;
    }

    g_atomic_int_inc(&client->refs);            /* the reader's */
    client->reader = g_thread_try_new("vk-remote-reader", vkRemoteClientReaderMain, client,
                                      &gerr);
    if (!client->reader) {
        g_atomic_int_add(&client->refs, -1);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot start the reader thread: %s",
                      gerr->message);
        client->transport = NULL;
        vkRemoteClientUnref(client);
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
    vkRemoteClientUnref(client);
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

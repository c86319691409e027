/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's clients: their lifetime (accepted, referenced, closed) and
 * the worker pool that runs their calls.  Reading and writing their
 * packets is server-io.c; the listening sockets are listen.c.
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
    g_free(client->rxBuf);
    if (client->rxView)
        client->rxView->buffer = NULL;   /* it was rxBuf's */
    vkRpcMessageFree(client->rxView);
    for (guint i = 0; client->rxFds && i < client->rxFds->len; i++)
        close(g_array_index(client->rxFds, int, i));
    if (client->rxFds)
        g_array_free(client->rxFds, TRUE);
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

bool
vkDaemonClientClosing(vkDaemonClient *client)
{
    bool closing;

    g_mutex_lock(&client->lock);
    closing = client->closing;
    g_mutex_unlock(&client->lock);
    return closing;
}

static gboolean
streamsClosedIdle(gpointer opaque)
{
    vkDaemonClient *client = opaque;

    vkDaemonStreamsClientClosed(client);
    vkDaemonClientUnref(client);
    return G_SOURCE_REMOVE;
}

void
vkDaemonCloseLocked(vkDaemonClient *client, const char *reason, bool normal)
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
    vkDaemonCloseLocked(client, reason, false);
    g_mutex_unlock(&client->lock);
    if (wasOpen)
        vkDaemonClientUnref(client);
}

void
vkDaemonClientCloseQuiet(vkDaemonClient *client, const char *reason)
{
    bool wasOpen;

    g_mutex_lock(&client->lock);
    wasOpen = !client->closing;
    vkDaemonCloseLocked(client, reason, true);
    g_mutex_unlock(&client->lock);
    if (wasOpen)
        vkDaemonClientUnref(client);
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
void
vkDaemonQueueCall(vkDaemonClient *client, vkRpcMessage *msg)
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
    vkDaemonUpdateCondLocked(client);
    g_mutex_unlock(&client->lock);
}

void
vkDaemonClientResume(vkDaemonClient *client)
{
    g_mutex_lock(&client->lock);
    if (!client->closing) {
        bool was = client->paused;

        vkDaemonUpdateCondLocked(client);
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
    vkDaemonUpdateCondLocked(client);
    g_mutex_unlock(&client->lock);
}

/* ---- accepting ---- */

void
vkDaemonClientNew(vkListener *l, int fd)
{
    vkDaemonServer *srv = l->srv;
    vkDaemonClient *client;
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
    client->pub.sendEvent = vkDaemonClientSendEvent;
    client->pub.sendProgramEvent = vkDaemonClientSendProgramEvent;
    client->pub.openStream = vkDaemonStreamOpen;
    client->pub.replyFd = vkDaemonCallReplyFd;
    client->pub.takeFds = vkDaemonCallTakeFds;
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

    vkDaemonClientAttachSource(client);
    VK_DLOG("client %s: connected on %s", client->name, l->desc);
}

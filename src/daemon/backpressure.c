/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Back-pressure on one client: whatever a client does, what it holds in
 * the daemon stays bounded.
 *
 * The one idea: a client over a bound is simply not read any more.
 * server.c drops G_IO_IN from its poll set (as libvirtd does), the kernel's
 * socket buffers fill, and the client's own writes block.  The bounds:
 *   - calls: a call counts from the moment it is read until its reply has
 *     been written to the socket -- while it runs, while it waits for a
 *     worker, and while its reply waits in the output queue; inline calls
 *     count through their queued reply.  max_client_requests run at once
 *     and as many again may wait, so a client whose calls are slow still
 *     gets its keepalive PINGs read and answered;
 *   - stream data the client sent that its local stream has not taken
 *     yet (a disk, a migrating QEMU slower than the network):
 *     VK_DAEMON_STREAM_RX_PAUSE bytes;
 *   - the output queue (replies, events, stream data, PONGs), in packets
 *     (max_client_queued_messages) and in bytes, together with the calls
 *     waiting for a worker (max_client_queued_bytes).
 * A packet is never dropped to keep a bound: one that arrives past it
 * (an event, a reply already being computed) is queued and reading stays
 * off until the queue drains.  Events have their own hard limit
 * (max_queued_events, server.c).  A client that stays over its bounds with
 * output waiting and lets no byte of it leave for client_stall_timeout
 * seconds is disconnected with a log line: a timer per stalled client,
 * re-armed from the last byte written, so nothing polls.
 */
#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/daemon.h"
#include "daemon/server-private.h"

typedef struct {
    GSource base;
    vkDaemonClient *client;     /* a reference is held */
} vkStallSource;

static bool
overBoundLocked(vkDaemonClient *client)
{
    const vkDaemonConfig *cfg = client->srv->cfg;
    size_t calls = (size_t)client->inflight + client->pending.length + client->txReplies;

    return calls >= 2 * (size_t)cfg->maxClientRequests ||
           g_atomic_int_get(&client->streamRx) >= VK_DAEMON_STREAM_RX_PAUSE ||
           client->tx.length >= (unsigned int)cfg->maxClientQueuedMessages ||
           client->txBytes + client->pendingBytes >= (size_t)cfg->maxClientQueuedBytes;
}

void
vkDaemonTxAccountLocked(vkDaemonClient *client, const vkRpcMessage *msg, bool added)
{
    if (added) {
        if (!client->tx.length)
            client->txProgress = g_get_monotonic_time();
        client->txBytes += msg->length;
        client->txReplies += msg->header.type == VK_RPC_REPLY;
        client->nevents += msg->tracked;
    } else {
        client->txBytes -= msg->length;
        client->txReplies -= msg->header.type == VK_RPC_REPLY;
        client->nevents -= msg->tracked;
    }
}

void
vkDaemonClientKickLocked(vkDaemonClient *client)
{
    if (client->source && !client->closing)
        g_source_set_ready_time(client->source, 0);
}

/* The timer fired: disarm when the client is no longer stalled, re-arm
 * when a byte left since it was set, else drop the client. */
static gboolean
stallDispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    vkDaemonClient *client = ((vkStallSource *)source)->client;
    int timeout = client->srv->cfg->clientStallTimeout;
    g_autofree char *why = NULL;
    gint64 deadline;

    g_mutex_lock(&client->lock);
    if (client->stallTimer != source) {
        g_mutex_unlock(&client->lock);
        return G_SOURCE_REMOVE;
    }
    if (client->closing || !client->paused || !client->tx.length) {
        vkDaemonStallDisarmLocked(client);
        g_mutex_unlock(&client->lock);
        return G_SOURCE_REMOVE;
    }
    deadline = client->txProgress + (gint64)timeout * G_USEC_PER_SEC;
    if (g_get_monotonic_time() < deadline) {
        g_source_set_ready_time(source, deadline);
        g_mutex_unlock(&client->lock);
        return G_SOURCE_CONTINUE;
    }
    why = g_strdup_printf("not reading its output: %u packets (%zu bytes) waiting and "
                          "none written for %d seconds (client_stall_timeout)",
                          client->tx.length, client->txBytes, timeout);
    vkDaemonStallDisarmLocked(client);
    g_mutex_unlock(&client->lock);
    vkDaemonClientClose(client, why);
    return G_SOURCE_REMOVE;
}

static void
stallFinalize(GSource *source)
{
    vkDaemonClientUnref(((vkStallSource *)source)->client);
}

static GSourceFuncs stallFuncs = {
    .dispatch = stallDispatch,
    .finalize = stallFinalize,
};

static void
stallArmLocked(vkDaemonClient *client)
{
    int timeout = client->srv->cfg->clientStallTimeout;
    vkStallSource *ts;

    if (client->stallTimer || timeout <= 0)
        return;
    ts = (vkStallSource *)g_source_new(&stallFuncs, sizeof(vkStallSource));
    vkDaemonClientRef(client);
    ts->client = client;
    g_source_set_ready_time(&ts->base, client->txProgress + (gint64)timeout * G_USEC_PER_SEC);
    client->stallTimer = &ts->base;
    g_source_attach(&ts->base, NULL);
}

void
vkDaemonStallDisarmLocked(vkDaemonClient *client)
{
    GSource *t = client->stallTimer;

    if (!t)
        return;
    client->stallTimer = NULL;
    g_source_destroy(t);
    g_source_unref(t);
}

bool
vkDaemonClientPausedLocked(vkDaemonClient *client)
{
    bool paused = overBoundLocked(client);

    /* Bytes that arrived meanwhile may sit inside gnutls or in the read
     * buffer (server-io.c), where the poll that resumes reading cannot
     * see them. */
    if (client->paused && !paused)
        vkDaemonClientKickLocked(client);
    client->paused = paused;
    if (paused && client->tx.length)
        stallArmLocked(client);
    return paused;
}

void
vkDaemonClientStreamRxAdd(vkDaemonClient *client, long delta)
{
    g_atomic_int_add(&client->streamRx, (gint)delta);
}

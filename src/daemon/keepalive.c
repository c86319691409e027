/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keepalive on virtkitd's side: PINGs answered, and clients that said they
 * understand keepalive (SUPPORTS_FEATURE) pinged when they have been quiet
 * for keepalive_interval seconds, and dropped after keepalive_count
 * unanswered PINGs.  Moved out of server.c, which keeps the I/O.
 */
#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/daemon.h"
#include "daemon/server-private.h"

void
vkDaemonSendKeepalive(vkDaemonClient *client, int proc)
{
    vkRpcHeader hdr = {
        .prog = VK_KEEPALIVE_PROGRAM, .vers = VK_KEEPALIVE_VERSION, .proc = proc,
        .type = VK_RPC_MESSAGE, .serial = 0, .status = VK_RPC_OK,
    };
    vkRpcMessage *msg = vkRpcMessageNew();

    if (vkRpcMessageEncode(msg, &hdr, NULL, NULL) < 0) {
        vkRpcMessageFree(msg);
        return;
    }
    vkDaemonClientSend(client, msg);
}

void
vkDaemonClientEnableKeepalive(vkDaemonClient *client)
{
    g_mutex_lock(&client->lock);
    if (!client->keepalive && client->srv->cfg->keepaliveInterval > 0)
        VK_DLOG("client %s: keepalive enabled", client->name);
    client->keepalive = true;
    g_mutex_unlock(&client->lock);
}

gboolean
vkDaemonKeepaliveTick(gpointer opaque)
{
    vkDaemonServer *srv = opaque;
    g_autoptr(GPtrArray) due = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    gint now = vkDaemonNowSeconds();
    size_t i;

    g_mutex_lock(&srv->lock);
    g_hash_table_iter_init(&it, srv->clients);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        vkDaemonClient *client = key;
        bool take;
        g_mutex_lock(&client->lock);
        /* A client held back by back-pressure is not read, so its PONGs
         * could not be seen; the stall timer (backpressure.c) watches it. */
        take = client->keepalive && !client->closing && !client->paused &&
               now - g_atomic_int_get(&client->lastRx) >= srv->cfg->keepaliveInterval;
        if (take)
            vkDaemonClientRef(client);
        g_mutex_unlock(&client->lock);
        if (take)
            g_ptr_array_add(due, client);
    }
    g_mutex_unlock(&srv->lock);

    for (i = 0; i < due->len; i++) {
        vkDaemonClient *client = due->pdata[i];
        int sent = g_atomic_int_get(&client->unanswered);
        if (sent >= srv->cfg->keepaliveCount) {
            g_autofree char *why = g_strdup_printf(
                "no answer to %d keepalive PINGs sent %d seconds apart",
                sent, srv->cfg->keepaliveInterval);
            vkDaemonClientClose(client, why);
        } else {
            g_atomic_int_inc(&client->unanswered);
            vkDaemonSendKeepalive(client, 1);
        }
        vkDaemonClientUnref(client);
    }
    return G_SOURCE_CONTINUE;
}

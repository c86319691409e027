/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The server object: its listeners, client table, worker pool, keepalive
 * and idle timers.  Client I/O, back-pressure and dispatch are in
 * server.c; this file is only the server's own life.
 */
#include <fcntl.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "daemon/daemon.h"
#include "daemon/tls.h"
#include "daemon/server-private.h"
#include "daemon/admin-priv.h"

static gboolean
idleTimeoutFire(gpointer opaque)
{
    vkDaemonServer *srv = opaque;

    g_mutex_lock(&srv->lock);
    srv->idleTimer = 0;
    g_mutex_unlock(&srv->lock);
    VK_LOG("no client for %d seconds; exiting", srv->idleTimeout);
    srv->quit(srv->quitOpaque);
    return G_SOURCE_REMOVE;
}

void
vkDaemonServerArmIdleLocked(vkDaemonServer *srv)
{
    if (srv->nclients == 0 && srv->idleTimeout > 0 && !srv->idleTimer)
        srv->idleTimer = g_timeout_add_seconds(srv->idleTimeout, idleTimeoutFire, srv);
}

/* ---- the server ---- */

vkDaemonServer *
vkDaemonServerNew(vkDaemonConfig *cfg, GError **error)
{
    vkDaemonServer *srv = g_new0(vkDaemonServer, 1);

    srv->cfg = cfg;
    srv->listeners = g_ptr_array_new_with_free_func(vkDaemonListenerFree);
    g_mutex_init(&srv->lock);
    srv->clients = g_hash_table_new(NULL, NULL);
    srv->oldTls = g_ptr_array_new_with_free_func((GDestroyNotify)vkDaemonTlsFree);
    srv->spareFd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    srv->main = (vkDaemonService) { .name = "libvirtd", .maxClients = cfg->maxClients,
                                    .maxUnauth = MIN(cfg->maxClients, 20) };
    srv->admin = (vkDaemonService) { .name = "admin", .isAdmin = true,
                                     .maxClients = cfg->adminMaxClients,
                                     .maxUnauth = MIN(cfg->adminMaxClients, 20) };
    srv->main.pool = g_thread_pool_new(vkDaemonWorkerRun, srv, cfg->maxWorkers, FALSE, error);
    if (srv->main.pool)
        srv->admin.pool = g_thread_pool_new(vkDaemonWorkerRun, srv, cfg->adminMaxWorkers,
                                             FALSE, error);
    if (!srv->main.pool || !srv->admin.pool) {
        vkDaemonServerFree(srv);
        return NULL;
    }
    if (cfg->keepaliveInterval > 0 && cfg->keepaliveCount > 0)
        srv->keepaliveTimer = g_timeout_add_seconds(cfg->keepaliveInterval,
                                                    vkDaemonKeepaliveTick, srv);
    return srv;
}

void
vkDaemonServerSetIdleTimeout(vkDaemonServer *srv, int timeoutSec,
                             void (*quit)(void *), void *opaque)
{
    g_mutex_lock(&srv->lock);
    srv->idleTimeout = timeoutSec;
    srv->quit = quit;
    srv->quitOpaque = opaque;
    vkDaemonServerArmIdleLocked(srv);
    g_mutex_unlock(&srv->lock);
}

int
vkDaemonServerChangeIdleTimeout(vkDaemonServer *srv, int timeoutSec)
{
    g_mutex_lock(&srv->lock);
    if (!srv->quit) {
        g_mutex_unlock(&srv->lock);
        return -1;
    }
    /* a new timeout restarts the wait; 0 disarms it */
    if (srv->idleTimer) {
        g_source_remove(srv->idleTimer);
        srv->idleTimer = 0;
    }
    srv->idleTimeout = timeoutSec;
    vkDaemonServerArmIdleLocked(srv);
    g_mutex_unlock(&srv->lock);
    return 0;
}

int
vkDaemonServerReloadTls(vkDaemonServer *srv)
{
    g_autoptr(GError) err = NULL;
    vkDaemonTls *fresh = vkDaemonTlsNew(srv->cfg, &err);

    if (!fresh) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", err->message);
        return -1;
    }
    g_mutex_lock(&srv->lock);
    g_ptr_array_add(srv->oldTls, srv->tls);
    g_atomic_pointer_set(&srv->tls, fresh);
    g_mutex_unlock(&srv->lock);
    VK_LOG("TLS credentials reloaded from %s and %s", srv->cfg->certFile, srv->cfg->keyFile);
    return 0;
}

void
vkDaemonServerFree(vkDaemonServer *srv)
{
    if (!srv)
        return;
    /* Sockets go first so nobody connects to a daemon that is leaving;
     * clients are left to the process exit. */
    g_ptr_array_free(srv->listeners, TRUE);
    if (srv->keepaliveTimer)
        g_source_remove(srv->keepaliveTimer);
    if (srv->idleTimer)
        g_source_remove(srv->idleTimer);
    /* Calls still running finish first (queued ones are dropped): after
     * this nothing refers to srv or its config from another thread. */
    if (srv->main.pool)
        g_thread_pool_free(srv->main.pool, TRUE, TRUE);
    if (srv->admin.pool)
        g_thread_pool_free(srv->admin.pool, TRUE, TRUE);
    vkDaemonTlsFree(srv->tls);
    g_ptr_array_unref(srv->oldTls);
    if (srv->spareFd >= 0)
        close(srv->spareFd);
    /* the table only, not the clients in it (see above) */
    g_hash_table_destroy(srv->clients);
    g_free(srv);
}

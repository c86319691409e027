/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What server.c (clients, workers, timers) and listen.c (listening
 * sockets, accept) share: the server's and a listener's state.
 */
#ifndef VK_DAEMON_SERVER_PRIVATE_H
#define VK_DAEMON_SERVER_PRIVATE_H

#include "daemon/daemon.h"
#include "daemon/tls.h"

typedef struct {
    vkDaemonServer *srv;
    int fd;
    bool readonly;
    bool tls;
    char *path;             /* UNIX socket path, unlinked at exit */
    char *desc;
    guint watch;
} vkListener;

struct _vkDaemonServer {
    vkDaemonConfig *cfg;
    GPtrArray *listeners;
    GMutex lock;            /* guards clients, nclients */
    GHashTable *clients;    /* vkDaemonClient* set */
    unsigned int nclients;
    GThreadPool *pool;
    guint keepaliveTimer;
    int idleTimeout;
    guint idleTimer;
    void (*quit)(void *);
    void *quitOpaque;
    vkDaemonTls *tls;
    unsigned long long nextClientId;
    int spareFd;            /* kept open to refuse clients at EMFILE */
};

/* server.c: serve a freshly accepted connection (or refuse it when
 * max_clients is reached). */
void vkDaemonClientNew(vkListener *l, int fd);

/* listen.c: the free function of srv->listeners. */
void vkDaemonListenerFree(gpointer data);

#endif

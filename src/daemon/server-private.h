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

/* One connected client (server.c serves it, keepalive.c pings it). */
struct _vkDaemonClient {
    vkServerClient pub;
    gint refs;
    vkDaemonServer *srv;
    int fd;
    char *name;
    GSource *source;
    gpointer fdTag;
    vkDaemonTlsSession *tls;    /* NULL on plain sockets */
    bool handshaking;

    GMutex lock;                /* guards everything below */
    GIOCondition cond;
    bool closing;
    bool readPaused;
    GQueue tx;                  /* vkRpcMessage*, head is being written */
    unsigned int nevents;       /* tracked (event) messages in tx */
    unsigned int inflight;      /* calls on the worker pool */
    GQueue pending;             /* calls waiting for a request slot */
    bool keepalive;
    int unanswered;             /* PINGs sent since the last byte received */

    vkRpcMessage *rx;           /* main loop only */
    gint lastRx;                /* monotonic seconds; atomic */
};

/* server.c: monotonic seconds (client->lastRx). */
gint vkDaemonNowSeconds(void);

/* keepalive.c: a keepalive MESSAGE (1 PING, 2 PONG) to client, and the
 * server's periodic check of idle clients (a GSourceFunc on srv). */
void vkDaemonSendKeepalive(vkDaemonClient *client, int proc);
gboolean vkDaemonKeepaliveTick(gpointer opaque);

/* server.c: serve a freshly accepted connection (or refuse it when
 * max_clients is reached). */
void vkDaemonClientNew(vkListener *l, int fd);

/* listen.c: the free function of srv->listeners. */
void vkDaemonListenerFree(gpointer data);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What server.c (client lifetime, workers), server-io.c (client packet
 * I/O) and listen.c (listening sockets, accept) share: the server's and
 * a listener's state.
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
    bool admin;             /* the admin socket: clients of srv->admin */
    char *path;             /* UNIX socket path, unlinked at exit */
    char *desc;
    guint watch;
} vkListener;

/* One of the daemon's servers as the admin interface names them: its
 * own clients (counted in nclients), limits and worker pool.  "libvirtd"
 * serves the remote program, "admin" the admin program. */
typedef struct {
    const char *name;
    bool isAdmin;
    GThreadPool *pool;
    gint busy;              /* workers running a call; atomic */
    unsigned int nclients;  /* under the server's lock */
    unsigned int maxClients;
    unsigned int maxUnauth;
} vkDaemonService;

struct _vkDaemonServer {
    vkDaemonConfig *cfg;
    GPtrArray *listeners;
    GMutex lock;            /* guards clients, nclients */
    GHashTable *clients;    /* vkDaemonClient* set */
    unsigned int nclients;  /* of both services */
    vkDaemonService main;
    vkDaemonService admin;
    guint keepaliveTimer;
    int idleTimeout;
    guint idleTimer;
    void (*quit)(void *);
    void *quitOpaque;
    vkDaemonTls *tls;       /* atomic: the admin interface replaces it */
    GPtrArray *oldTls;      /* replaced ones, still used by their sessions */
    unsigned long long nextClientId;
    int spareFd;            /* kept open to refuse clients at EMFILE */
};

/* One connected client (server.c serves it, keepalive.c pings it). */
struct _vkDaemonClient {
    vkServerClient pub;
    gint refs;
    vkDaemonServer *srv;
    vkDaemonService *svc;       /* the service it connected to */
    unsigned long long id;
    gint64 connected;           /* seconds since the epoch */
    unsigned int transport;     /* virClientTransport */
    gid_t gid;                  /* SO_PEERCRED */
    bool adminOpen;             /* ADMIN_PROC_CONNECT_OPEN done */
    int fd;
    char *name;
    GSource *source;
    gpointer fdTag;
    vkDaemonTlsSession *tls;    /* NULL on plain sockets */
    bool handshaking;

    GMutex lock;                /* guards everything below */
    GIOCondition cond;
    bool closing;
    bool paused;                /* over a back-pressure bound: not read */
    GQueue tx;                  /* vkRpcMessage*, head is being written */
    size_t txBytes;             /* bytes of the packets in tx */
    unsigned int txReplies;     /* REPLY packets in tx */
    unsigned int nevents;       /* tracked (event) messages in tx */
    gint64 txProgress;          /* monotonic us: tx last started or moved */
    GSource *stallTimer;        /* armed while paused with output waiting */
    unsigned int inflight;      /* calls on the worker pool */
    GQueue pending;             /* calls waiting for a request slot */
    size_t pendingBytes;        /* bytes of the packets in pending */
    bool keepalive;
    int unanswered;             /* PINGs sent since the last byte received */

    /* Main loop only (server-io.c): bytes read ahead of the packets
     * handled so far, [rxStart, rxEnd) of rxBuf, and the message that
     * shows a packet inside rxBuf without copying it. */
    char *rxBuf;
    size_t rxCap, rxStart, rxEnd;
    vkRpcMessage *rxView;
    GArray *rxFds;              /* descriptors read, not yet given to a call */
    gint lastRx;                /* monotonic seconds; atomic */
    gint streamRx;              /* stream bytes not yet taken; atomic */
};

/* backpressure.c, all with client->lock held.  TxAccount: msg was added
 * to (added) or removed from client->tx; call it before the queue
 * changes.  PausedLocked: whether the client is over a bound and must not
 * be read now (arms the stall timer).  KickLocked: dispatch the client's
 * source on the next loop iteration as if its socket were readable. */
void vkDaemonTxAccountLocked(vkDaemonClient *client, const vkRpcMessage *msg, bool added);
bool vkDaemonClientPausedLocked(vkDaemonClient *client);
void vkDaemonClientKickLocked(vkDaemonClient *client);
void vkDaemonStallDisarmLocked(vkDaemonClient *client);

/* server.c: monotonic seconds (client->lastRx). */
gint vkDaemonNowSeconds(void);

/* keepalive.c: a keepalive MESSAGE (1 PING, 2 PONG) to client, and the
 * server's periodic check of idle clients (a GSourceFunc on srv). */
void vkDaemonSendKeepalive(vkDaemonClient *client, int proc);
gboolean vkDaemonKeepaliveTick(gpointer opaque);

/* server.c: serve a freshly accepted connection (or refuse it when
 * max_clients is reached). */
void vkDaemonClientNew(vkListener *l, int fd);

/* server.c, client lifetime.  CloseLocked: stop serving the client
 * (client->lock held; the caller then drops the base reference if the
 * client was open).  CloseQuiet: the same for an ordinary end (logged at
 * debug level), taking the lock.  QueueCall: run a CALL on the worker
 * pool, or park it until one of the client's request slots frees. */
void vkDaemonCloseLocked(vkDaemonClient *client, const char *reason, bool normal);
void vkDaemonClientCloseQuiet(vkDaemonClient *client, const char *reason);
void vkDaemonQueueCall(vkDaemonClient *client, vkRpcMessage *msg);

/* server-io.c, client packet I/O.  UpdateCondLocked: poll the socket for
 * what the client needs now (reading unless paused, writing while output
 * waits).  SendEvent, SendProgramEvent: the vkServerClient sendEvent and
 * sendProgramEvent members (the latter for the side programs' events).  AttachSource:
 * start serving a new client on the main loop. */
void vkDaemonUpdateCondLocked(vkDaemonClient *client);
int vkDaemonClientSendEvent(vkServerClient *pub, int proc, xdrproc_t filter, void *body);
int vkDaemonClientSendProgramEvent(vkServerClient *pub, unsigned int prog, int proc,
                                   xdrproc_t filter, void *body);
void vkDaemonClientAttachSource(vkDaemonClient *client);

/* listen.c: the free function of srv->listeners. */
void vkDaemonListenerFree(gpointer data);

/* server-object.c: arms the exit-when-idle timer when no client is left
 * (srv->lock held). */
void vkDaemonServerArmIdleLocked(vkDaemonServer *srv);
/* server.c: runs one queued call on a worker thread. */
void vkDaemonWorkerRun(gpointer data, gpointer opaque);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The contract between the three parts of the remote protocol:
 *
 *   protocol  (src/rpc/remote_protocol.x, virnet .x, gen-remote.py): XDR
 *             codecs (rpcgen + libtirpc) and two GENERATED tables -- the
 *             server's per-procedure dispatch (calls the public API) and the
 *             client's driver members (marshal, call, unmarshal).
 *   daemon    (src/rpc/ transport + src/daemon/): sockets, framing, clients,
 *             auth, keepalive, limits; runs the server table.
 *   remote    (drivers/remote/): the client connection; implements
 *             vkRemoteCall for the generated client members.
 *
 * Framing (libvirt's): 4-byte big-endian length including itself, then a
 * 24-byte header {prog, vers, proc, type, serial, status} and the XDR body.
 */
#ifndef VK_RPC_INTERFACES_H
#define VK_RPC_INTERFACES_H

#include <stdbool.h>
#include <rpc/rpc.h>

#include "core/object.h"

#define VK_REMOTE_PROGRAM 0x20008086
#define VK_REMOTE_VERSION 1
#define VK_KEEPALIVE_PROGRAM 0x6b656570
#define VK_KEEPALIVE_VERSION 1
#define VK_RPC_MAX_MESSAGE (32 * 1024 * 1024)
#define VK_RPC_HEADER_LEN 24

typedef enum {
    VK_RPC_CALL = 0,
    VK_RPC_REPLY = 1,
    VK_RPC_MESSAGE = 2,
    VK_RPC_STREAM = 3,
    VK_RPC_CALL_WITH_FDS = 4,
    VK_RPC_REPLY_WITH_FDS = 5,
    VK_RPC_STREAM_HOLE = 6,
} vkRpcType;

typedef enum {
    VK_RPC_OK = 0,
    VK_RPC_ERROR = 1,
    VK_RPC_CONTINUE = 2,
} vkRpcStatus;

typedef struct {
    unsigned int prog;
    unsigned int vers;
    int proc;
    int type;            /* vkRpcType */
    unsigned int serial;
    int status;          /* vkRpcStatus */
} vkRpcHeader;

/* ---- server side ---- */

/* One connected client as the dispatch code sees it (owned by the daemon). */
typedef struct _vkServerClient vkServerClient;

struct _vkServerClient {
    virConnectPtr conn;     /* NULL until CONNECT_OPEN succeeded */
    bool readonly;          /* came in on the read-only socket */
    bool authenticated;
    uid_t uid;              /* SO_PEERCRED */
    pid_t pid;
    int nextCallbackID;     /* one counter per client for all event families */
    /* Queue an event MESSAGE (serial 1) to this client: proc and body codec.
     * Returns -1 (and reports) when the client's event queue is full. */
    int (*sendEvent)(vkServerClient *client, int proc, xdrproc_t filter,
                     void *body);
    /* The same on another program of the connection (QEMU's monitor
     * events); NULL where no daemon runs the table. */
    int (*sendProgramEvent)(vkServerClient *client, unsigned int prog, int proc,
                            xdrproc_t filter, void *body);
    /* Relay st (a stream the dispatched call opened; a reference is taken)
     * to this client under the current call's procedure and serial.  NULL
     * where no daemon runs the table (unit tests). */
    int (*openStream)(vkServerClient *client, virStreamPtr st);
    /* The client's socket can carry descriptors (a UNIX socket): the
     * answer to VIR_DRV_FEATURE_FD_PASSING. */
    bool fdPassing;
    /* Sends fd (taken over) with the reply of the call being dispatched
     * (REPLY_WITH_FDS).  NULL where no daemon runs the table. */
    int (*replyFd)(vkServerClient *client, int fd);
    /* Takes over the descriptors that came with the call being dispatched
     * (CALL_WITH_FDS): their count, the array in *fds (g_free; the caller
     * closes them).  NULL where no daemon runs the table. */
    size_t (*takeFds)(vkServerClient *client, int **fds);
    void *daemonPrivate;    /* the daemon's own state for the client */
    void *dispatchPrivate;  /* the dispatch code's own state (event regs) */
};

typedef int (*vkServerDispatchFunc)(vkServerClient *client, void *args, void *ret);

typedef struct {
    int proc;
    const char *name;           /* "DOMAIN_SUSPEND" */
    xdrproc_t argsFilter;
    size_t argsSize;
    xdrproc_t retFilter;
    size_t retSize;
    vkServerDispatchFunc func;  /* returns 0, or -1 with virGetLastError set */
    bool mutating;              /* refused on read-only sockets */
    bool needsConnection;       /* refused before CONNECT_OPEN */
    bool noAuth;                /* allowed before authentication (AUTH_LIST ...) */
    /* Short and never waits on anything but the driver's own short locks
     * (version, lookups, info, XML, lists): the daemon may run it on its
     * I/O thread instead of the worker pool, when the connection's driver
     * promises the same (see src/daemon/call.c). */
    bool inlineSafe;
    /* The public function the procedure serves ("virDomainSuspend"), for
     * errors worded as libvirt words them; NULL where there is none. */
    const char *api;
} vkServerProc;

/* The generated table, sorted by proc; lookup by binary search. */
const vkServerProc *vkServerProcLookup(int proc);
size_t vkServerProcCount(void);
const vkServerProc *vkServerProcAt(size_t i);
/* Called by the daemon when a client goes away: drops event registrations
 * and closes client->conn. */
void vkServerClientCleanup(vkServerClient *client);

/* ---- client side ---- */

/* Implemented by drivers/remote: send CALL proc with args, wait for the
 * REPLY, decode it into ret.  On a remote error, re-raises it locally with
 * the server's code and domain and returns -1.  Thread-safe. */
int vkRemoteCall(virConnectPtr conn, int proc, xdrproc_t argsFilter, void *args,
                 xdrproc_t retFilter, void *ret);

/* The generated client members are filled into the remote driver's table. */
typedef struct _virHypervisorDriver virHypervisorDriver;
void vkRemoteFillGeneratedMembers(virHypervisorDriver *drv);

#endif

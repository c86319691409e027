/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd internals: configuration, the server (listeners, clients, the
 * worker pool) and the per-call processing that runs the generated
 * dispatch table (src/rpc/rpc-interfaces.h).
 */
#ifndef VK_DAEMON_H
#define VK_DAEMON_H

#include <stdbool.h>
#include <glib.h>

#include "rpc/rpc-interfaces.h"
#include "rpc/message.h"

/* ---- configuration (libvirtd.conf's key names) ---- */

#define VK_DAEMON_SOCK_DIR "/run/virtkit"

typedef struct {
    char *unixSockDir;
    /* Serve libvirtd's socket names (libvirt-sock, libvirt-sock-ro) so
     * stock clients reach virtkitd with plain qemu:///system; the
     * directory then defaults to /run/libvirt. */
    bool libvirtSockets;
    unsigned int unixSockRoPerms;
    unsigned int unixSockRwPerms;
    bool listenTcp;
    bool listenTls;
    char *tcpPort;
    char *tlsPort;
    char *listenAddr;
    char *keyFile;
    char *certFile;
    char *caFile;
    char *crlFile;
    bool tlsNoVerifyCertificate;
    int maxClients;
    int maxClientRequests;
    int maxWorkers;
    int keepaliveInterval;
    int keepaliveCount;
    int maxQueuedEvents;
    int maxClientQueuedMessages;
    int maxClientQueuedBytes;
    int clientStallTimeout;
    /* logging (log.c) and the admin server's limits, as libvirtd.conf */
    int logLevel;               /* 0: unset */
    char *logOutputs;
    char *logFilters;
    int adminMaxClients;
    int adminMaxWorkers;
} vkDaemonConfig;

vkDaemonConfig *vkDaemonConfigNew(void);
void vkDaemonConfigFree(vkDaemonConfig *cfg);
/* Reads "key = value" lines (ints, "strings", [lists]); unknown keys are
 * ignored with a warning, bad values are errors naming file, line and key. */
int vkDaemonConfigLoadFile(vkDaemonConfig *cfg, const char *path, GError **error);
int vkDaemonConfigLoadData(vkDaemonConfig *cfg, const char *data,
                           const char *origin, GError **error);

/* ---- logging ---- */

/* log.c: messages go through the outputs and filters virt-admin sets;
 * VK_LOG is a warning, VK_DLOG debug (built only when one is kept). */
extern int vkDaemonVerbose;
/* level: the priority kept where no filter matches (1 debug .. 4 error) */
void vkDaemonLogInit(int level);
void vkDaemonLog(bool debug, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vkDaemonLogAt(const char *file, int prio, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
#define VK_DLOG(...) do { if (vkDaemonVerbose) vkDaemonLogAt(__FILE__, 1, __VA_ARGS__); } while (0)
#define VK_LOG(...) vkDaemonLogAt(__FILE__, 3, __VA_ARGS__)

/* ---- server ---- */

typedef struct _vkDaemonServer vkDaemonServer;
typedef struct _vkDaemonClient vkDaemonClient;

vkDaemonServer *vkDaemonServerNew(vkDaemonConfig *cfg, GError **error);
/* Opens every configured listener; false with error set on the first
 * failure (nothing left listening). */
bool vkDaemonServerListen(vkDaemonServer *srv, GError **error);
/* Calls quit() when the daemon had no client for timeoutSec seconds. */
void vkDaemonServerSetIdleTimeout(vkDaemonServer *srv, int timeoutSec,
                                  void (*quit)(void *), void *opaque);
/* A new idle timeout (0: none) after SetIdleTimeout; -1 when none was set. */
int vkDaemonServerChangeIdleTimeout(vkDaemonServer *srv, int timeoutSec);
void vkDaemonServerFree(vkDaemonServer *srv);

/* Client lifetime: references are taken by queued calls; the last unref
 * releases the dispatch state and the socket on the main loop. */
void vkDaemonClientRef(vkDaemonClient *client);
void vkDaemonClientUnref(vkDaemonClient *client);
/* The client is closing: what it asked for will not reach it. */
bool vkDaemonClientClosing(vkDaemonClient *client);
/* Stops serving the client (idempotent); reason is logged. */
void vkDaemonClientClose(vkDaemonClient *client, const char *reason);
/* Queues msg for sending (takes ownership); may write immediately. */
void vkDaemonClientSend(vkDaemonClient *client, vkRpcMessage *msg);
/* Stream data read from the client and not yet taken by its local stream
 * (stream.c): over VK_DAEMON_STREAM_RX_PAUSE bytes the client is not read
 * (back-pressure, backpressure.c).  RxAdd is atomic and lock-free (for
 * the relay's lock); Resume re-reads the bound after data was taken (no
 * relay lock held). */
#define VK_DAEMON_STREAM_RX_PAUSE (1024 * 1024)
void vkDaemonClientStreamRxAdd(vkDaemonClient *client, long delta);
void vkDaemonClientResume(vkDaemonClient *client);
/* Marks the end of one dispatched call: frees a request slot. */
void vkDaemonClientCallDone(vkDaemonClient *client);
vkServerClient *vkDaemonClientPublic(vkDaemonClient *client);
const char *vkDaemonClientName(vkDaemonClient *client);
void vkDaemonClientEnableKeepalive(vkDaemonClient *client);

/* ---- per-call processing (call.c) ---- */

/* True when the CALL may run right away on the I/O thread: the procedure
 * is flagged inlineSafe and the connection's driver never blocks. */
bool vkDaemonCallInline(vkDaemonClient *client, const vkRpcHeader *hdr);
/* Runs one complete CALL on the current thread and sends its reply. */
void vkDaemonCallRun(vkDaemonClient *client, vkRpcMessage *msg);
/* vkServerClient.replyFd: fd goes back with the current call's reply. */
int vkDaemonCallReplyFd(vkServerClient *client, int fd);
/* vkServerClient.takeFds: the descriptors the current call brought. */
size_t vkDaemonCallTakeFds(vkServerClient *client, int **fds);
/* Replies to msg with an error (code, VIR_FROM_RPC, message). */
void vkDaemonReplyError(vkDaemonClient *client, const vkRpcHeader *call,
                        int code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* ---- TLS (tls.c) ---- */

typedef struct _vkDaemonTls vkDaemonTls;
vkDaemonTls *vkDaemonTlsNew(const vkDaemonConfig *cfg, GError **error);
void vkDaemonTlsFree(vkDaemonTls *tls);

#endif

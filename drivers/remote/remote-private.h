/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the remote driver, shared by its files:
 *
 *   remote-transport.c  turning a URI into a connected byte stream
 *                       (UNIX socket, TCP, TLS over TCP)
 *   remote-client.c     the connection: framing, one reader thread
 *   remote-reader.c     (remote-reader.c), calls matched to replies by
 *   remote-call.c       serial (remote-call.c), keepalive, the end of
 *                       the connection; see remote-client-private.h
 *   remote-events.c     event registration and MESSAGE decoding
 *   remote-driver.c     the driver table, open (handshake) and close
 */
#ifndef VK_REMOTE_PRIVATE_H
#define VK_REMOTE_PRIVATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "core/driver.h"
#include "core/uri.h"
#include "core/domain-event.h"
#include "rpc/rpc-interfaces.h"
#include "rpc/message.h"
#include "rpc/tls-module.h"
#include "drivers/remote/remote-members.h"

/* ---- transport ---- */

typedef struct _vkRemoteTransport vkRemoteTransport;

struct _vkRemoteTransport {
    int fd;
    bool secure;        /* unix or tls: virConnectIsSecure */
    bool encrypted;     /* tls */
    const vkTlsOps *tlsOps; /* the TLS module, when encrypted */
    vkTlsSession *tls;
    vkTlsCreds *tlsCred;
    int child;          /* ssh: the process at the other end of fd, or 0 */
    bool fdPassing;     /* a UNIX socket to the daemon itself: SCM_RIGHTS */
};

/* Connects according to uri (transport and server already resolved by the
 * caller into one of the three calls).  Each returns NULL with an error
 * set. */
vkRemoteTransport *vkRemoteTransportUnix(const char *path);
vkRemoteTransport *vkRemoteTransportTCP(const char *host, int port);
/* pkipath may be NULL (libvirt's default locations); verify=false is
 * "?no_verify=1". */
vkRemoteTransport *vkRemoteTransportTLS(const char *host, int port,
                                        const char *pkipath, bool verify);
/* ssh (remote-ssh.c): fd is a socketpair to an ssh process that runs
 * the far side's proxy (virt-ssh-helper, or nc on the daemon's socket)
 * as libvirt's clients do; the URI's ssh parameters (keyfile, no_verify,
 * no_tty, netcat, socket, proxy, command) apply. */
vkRemoteTransport *vkRemoteTransportSSH(const vkURI *uri, bool readonly);
/* Ends and waits for the ssh process (the transport's fd closed first). */
void vkRemoteTransportReapChild(vkRemoteTransport *t);
/* Both return bytes moved, 0 at end of file, -1 with errno set. */
ssize_t vkRemoteTransportRead(vkRemoteTransport *t, void *buf, size_t len);
ssize_t vkRemoteTransportWrite(vkRemoteTransport *t, const void *buf, size_t len);
/* True when the TLS layer holds decrypted bytes poll() cannot see. */
bool vkRemoteTransportPending(vkRemoteTransport *t);
/* One descriptor sent beside the bytes (SCM_RIGHTS with one byte, after
 * a *_WITH_FDS packet); -1 with errno, EINVAL where the
 * transport cannot carry descriptors. */
int vkRemoteTransportRecvFd(vkRemoteTransport *t);
/* The descriptors of a CALL_WITH_FDS, after its packet: 0, or -1 with
 * errno (EINVAL where the transport cannot carry them). */
int vkRemoteTransportSendFds(vkRemoteTransport *t, const int *fds, size_t nfds);
/* Wakes a blocked reader (shutdown), without freeing. */
void vkRemoteTransportShutdown(vkRemoteTransport *t);
void vkRemoteTransportFree(vkRemoteTransport *t);

/* ---- client ---- */

typedef struct _vkRemoteClient vkRemoteClient;

/* Takes the transport (left to the caller on failure); starts the
 * reader thread.  conn is not referenced:
 * connectClose detaches it before the client goes. */
vkRemoteClient *vkRemoteClientNew(vkRemoteTransport *t, virConnectPtr conn);
/* Sends CONNECT_CLOSE when still connected, stops the reader, frees. */
void vkRemoteClientClose(vkRemoteClient *client, bool sendClose);

/* One call on the REMOTE program; see vkRemoteCall. */
int vkRemoteClientCall(vkRemoteClient *client, int proc,
                       xdrproc_t argsFilter, void *args,
                       xdrproc_t retFilter, void *ret);
/* The same with a serial from vkRemoteClientNextSerial, for calls that
 * open a stream: the stream is registered under it before the call goes. */
unsigned int vkRemoteClientNextSerial(vkRemoteClient *client);
int vkRemoteClientCallSerial(vkRemoteClient *client, int proc, unsigned int serial,
                             xdrproc_t argsFilter, void *args,
                             xdrproc_t retFilter, void *ret);
/* The same for a procedure whose reply carries descriptors: *fds (may be
 * NULL, else g_free) gets them, the caller owns them. */
int vkRemoteClientCallWithFds(vkRemoteClient *client, int proc,
                              xdrproc_t argsFilter, void *args,
                              xdrproc_t retFilter, void *ret, int **fds, size_t *nfds);
/* The same on another program of the connection (QEMU, LXC: version 1,
 * as all of libvirt's); fds and nfds may be NULL. */
int vkRemoteClientCallProgram(vkRemoteClient *client, unsigned int prog, int proc,
                              xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                              void *ret, int **fds, size_t *nfds);
/* The whole call: noutfds descriptors (the caller's, left open) go with
 * it as a CALL_WITH_FDS, refused before anything is sent where the
 * transport cannot carry them or there are more than libvirt's limit;
 * infds/ninfds (may be NULL) get the reply's. */
int vkRemoteClientCallFull(vkRemoteClient *client, unsigned int prog, int proc,
                           const int *outfds, size_t noutfds,
                           xdrproc_t argsFilter, void *args, xdrproc_t retFilter,
                           void *ret, int **infds, size_t *ninfds);
/* Whether descriptors can travel on this connection (a UNIX socket);
 * false with libvirt's ARGUMENT_UNSUPPORTED reported. */
bool vkRemoteClientCheckFdPassing(vkRemoteClient *client);
/* Writes one complete packet (STREAM data); -1 with an error set. */
int vkRemoteClientSendPacket(vkRemoteClient *client, vkRpcMessage *msg);
bool vkRemoteClientIsAlive(vkRemoteClient *client);
bool vkRemoteClientIsSecure(vkRemoteClient *client);
bool vkRemoteClientIsEncrypted(vkRemoteClient *client);
/* Records what the server said it supports (SUPPORTS_FEATURE 10). */
void vkRemoteClientSetKeepAliveSupported(vkRemoteClient *client, bool ok);
/* virConnectSetKeepAlive semantics: 0 on success, 1 when the server cannot
 * do keepalive, -1 on error. */
int vkRemoteClientSetKeepAlive(vkRemoteClient *client, int interval,
                               unsigned int count);

/* The per-connection event state (domain events, fan-out locally). */
vkEventState *vkRemoteClientEvents(vkRemoteClient *client);
/* Registrations kept by remote-events.c. */
void *vkRemoteClientEventPrivate(vkRemoteClient *client);
void vkRemoteClientSetEventPrivate(vkRemoteClient *client, void *priv,
                                   GDestroyNotify freefn);

/* ---- libvirt-qemu and libvirt-lxc (remote-side.c) ---- */

/* Fills the members that go over the QEMU and LXC programs. */
void vkRemoteSideFillMembers(virHypervisorDriver *drv);

/* ---- events (remote-events.c) ---- */

/* Called on the reader thread for every MESSAGE of the REMOTE program. */
void vkRemoteEventDispatch(vkRemoteClient *client, vkRpcMessage *msg);
/* The domain family's share of it (remote-events-domain.c): false if msg
 * is no domain event. */
bool vkRemoteDomainEventDispatch(vkEventState *st, vkRpcMessage *msg);
/* ... and of the QEMU program (monitor events). */
void vkRemoteQemuEventDispatch(vkRemoteClient *client, vkRpcMessage *msg);
/* Fills the event members of the driver table. */
void vkRemoteEventsFillMembers(virHypervisorDriver *drv);
/* remote-migrate.c: the migration v3 steps. */
void vkRemoteMigrateFillMembers(virHypervisorDriver *drv);
/* Drops this connection's local callbacks before it closes. */
void vkRemoteEventsForget(virConnectPtr conn);

/* ---- streams (remote-stream.c) ---- */

/* Called on the reader thread with a STREAM packet, or a REPLY no call
 * waited for; takes msg. */
void vkRemoteStreamDispatch(vkRemoteClient *client, vkRpcMessage *msg);
/* The connection ended: every stream of client fails with cause. */
void vkRemoteStreamsClientClosed(vkRemoteClient *client, const char *cause);

#endif

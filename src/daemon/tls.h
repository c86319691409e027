/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS sessions for virtkitd's TCP listener (gnutls, x509).  The calls
 * mirror recv/send: -1 with errno EAGAIN means "try again when the socket
 * is ready", and the handshake is driven from the main loop.
 */
#ifndef VK_DAEMON_TLS_H
#define VK_DAEMON_TLS_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

typedef struct _vkDaemonTlsSession vkDaemonTlsSession;
typedef struct _vkDaemonTls vkDaemonTls;

/* virtkitd skips gnutls' initialisation at load time (about 0.5 MiB of
 * resident memory that a daemon without TLS never needs); this does it, once,
 * before anything in the process may use gnutls: the TLS listener, or the
 * remote driver when a client asks for a URI that may reach another host
 * (vkDaemonTlsUriMayNeedTls). */
void vkDaemonTlsGlobalInit(void);
bool vkDaemonTlsUriMayNeedTls(const char *uri);

vkDaemonTlsSession *vkDaemonTlsSessionNew(vkDaemonTls *tls, int fd, GError **error);
void vkDaemonTlsSessionFree(vkDaemonTlsSession *sess);
/* 1 when the session is up (and the client's certificate verified), 0 to be
 * called again when the socket is ready, -1 with *why on failure. */
int vkDaemonTlsHandshake(vkDaemonTlsSession *sess, char **why);
bool vkDaemonTlsWantWrite(vkDaemonTlsSession *sess);
ssize_t vkDaemonTlsRecv(vkDaemonTlsSession *sess, char *buf, size_t len);
ssize_t vkDaemonTlsSend(vkDaemonTlsSession *sess, const char *buf, size_t len);

#endif

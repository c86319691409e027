/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS sessions for virtkitd's TCP listener (x509, through the module
 * src/rpc/tls-module.h loads on first use).  The calls mirror recv/send:
 * -1 with errno EAGAIN means "try again when the socket is ready", and the
 * handshake is driven from the main loop.
 */
#ifndef VK_DAEMON_TLS_H
#define VK_DAEMON_TLS_H

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

typedef struct _vkDaemonTlsSession vkDaemonTlsSession;
typedef struct _vkDaemonTls vkDaemonTls;

vkDaemonTlsSession *vkDaemonTlsSessionNew(vkDaemonTls *tls, int fd, GError **error);
void vkDaemonTlsSessionFree(vkDaemonTlsSession *sess);
/* 1 when the session is up (and the client's certificate verified), 0 to be
 * called again when the socket is ready, -1 with *why on failure. */
int vkDaemonTlsHandshake(vkDaemonTlsSession *sess, char **why);
bool vkDaemonTlsWantWrite(vkDaemonTlsSession *sess);
ssize_t vkDaemonTlsRecv(vkDaemonTlsSession *sess, char *buf, size_t len);
ssize_t vkDaemonTlsSend(vkDaemonTlsSession *sess, const char *buf, size_t len);

#endif

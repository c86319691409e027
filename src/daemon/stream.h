/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkitd's stream relays (stream.c): between a local stream opened by a
 * call (virDomainOpenConsole) and the client, as STREAM packets.
 */
#ifndef VK_DAEMON_STREAM_H
#define VK_DAEMON_STREAM_H

#include "daemon/daemon.h"

/* vkServerClient.openStream: relays st for the call being dispatched on
 * this thread (its procedure and serial); takes a reference on st.  The
 * relay starts once the call's REPLY is queued. */
int vkDaemonStreamOpen(vkServerClient *pub, virStreamPtr st);
/* call.c: the CALL this thread is dispatching (NULL outside a call). */
const vkRpcHeader *vkDaemonCallCurrent(void);
/* call.c, after the REPLY to hdr was queued. */
void vkDaemonStreamCallReplied(vkDaemonClient *client, const vkRpcHeader *hdr);
/* server.c: a STREAM packet from the client (takes msg). */
void vkDaemonStreamIncoming(vkDaemonClient *client, vkRpcMessage *msg);
/* server.c: a STREAM packet to the client has been written out (called
 * with the client's lock held: must not call back into the client). */
void vkDaemonStreamWritten(vkDaemonClient *client, const vkRpcHeader *hdr);
/* server.c: the client is closing; every relay of it is aborted. */
void vkDaemonStreamsClientClosed(vkDaemonClient *client);

#endif

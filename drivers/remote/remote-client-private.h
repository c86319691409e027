/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection object the client files share, and nothing else sees:
 *
 *   remote-client.c  its lifetime: creation, the end of the connection
 *                    (failing every waiting call once), the close
 *                    callback, keepalive settings, accessors
 *   remote-reader.c  the one thread that reads the socket: packets,
 *                    their descriptors, replies matched to calls by
 *                    serial, keepalive PINGs
 *   remote-call.c    everything that writes: calls (with descriptors on
 *                    UNIX sockets), stream packets, keepalive answers
 */
#ifndef VK_REMOTE_CLIENT_PRIVATE_H
#define VK_REMOTE_CLIENT_PRIVATE_H

#include "drivers/remote/remote-private.h"

typedef struct {
    unsigned int serial;
    bool done;
    vkRpcMessage *reply;        /* NULL when the connection ended first */
} vkRemotePending;

struct _vkRemoteClient {
    gint refs;
    vkRemoteTransport *transport;
    GThread *reader;
    int wake[2];                /* pipe: tells the reader to re-plan or quit */

    GMutex writeLock;           /* one packet on the wire at a time */

    GMutex lock;                /* guards everything below */
    GCond cond;                 /* broadcast when a slot is done */
    virConnectPtr conn;         /* not referenced; NULL once closing */
    unsigned int nextSerial;
    GHashTable *pending;        /* serial -> vkRemotePending */
    bool closed;
    bool quit;                  /* closed on purpose: no close callback */
    bool closeFired;
    char *closeCause;           /* why the connection ended */

    bool kaSupported;
    int kaInterval;             /* seconds; <= 0 disabled */
    unsigned int kaCount;
    unsigned int kaUnanswered;
    gint64 kaLast;              /* monotonic us of the last packet or PING */

    vkEventState *events;
    void *eventPriv;
    GDestroyNotify eventPrivFree;
};

/* remote-client.c */
void vkRemoteClientUnref(vkRemoteClient *client);
/* The end of the connection, whatever ended it: the first caller wins,
 * fails every waiting slot and fires the close callback. */
void vkRemoteClientFail(vkRemoteClient *client, int reason, const char *cause);
/* Reports why later calls cannot go out. */
void vkRemoteClientReportClosed(vkRemoteClient *client);

/* remote-reader.c: the reader thread's body; holds one reference. */
gpointer vkRemoteClientReaderMain(gpointer opaque);

/* remote-call.c */
/* len bytes under the write lock; -1 when the socket failed. */
int vkRemoteClientWriteAll(vkRemoteClient *client, const char *buf, size_t len);
int vkRemoteClientSendKeepAlive(vkRemoteClient *client, int proc);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virStream: a handle like the others (magic, atomic refcount, a
 * reference on its connection) plus a backend.
 *
 * virStreamNew makes an empty stream; the driver call that opens it
 * (virDomainOpenConsole, ...) attaches a backend with vkStreamSetBackend:
 * a table of operations and a private pointer, so that the API layer never
 * knows whether bytes go to a local fd (fd-stream.c) or over the wire
 * (drivers/remote).  A backend without hole operations is a plain byte
 * stream; the API layer answers VIR_ERR_NO_SUPPORT for sparse calls then.
 */
#ifndef VK_CORE_STREAM_H
#define VK_CORE_STREAM_H

#include <stdbool.h>
#include <glib.h>

#include "core/object.h"

#define VK_STREAM_MAGIC 0x76535452u

typedef struct {
    const char *name;                    /* for messages: "fd", "remote" */
    /* Bytes written (> 0), -2 when a nonblocking stream would block, -1
     * with an error set. */
    int (*send)(virStreamPtr st, const char *data, size_t nbytes);
    /* Bytes read (> 0), 0 at end of stream, -2 when a nonblocking stream
     * has nothing now, -3 at a hole (flags VIR_STREAM_RECV_STOP_AT_HOLE),
     * -1 with an error set. */
    int (*recv)(virStreamPtr st, char *data, size_t nbytes, unsigned int flags);
    /* Optional (sparse streams). */
    int (*sendHole)(virStreamPtr st, long long length, unsigned int flags);
    int (*recvHole)(virStreamPtr st, long long *length, unsigned int flags);
    /* events are VIR_STREAM_EVENT_*; one callback per stream. */
    int (*eventAdd)(virStreamPtr st, int events, virStreamEventCallback cb,
                    void *opaque, virFreeCallback ff);
    int (*eventUpdate)(virStreamPtr st, int events);
    int (*eventRemove)(virStreamPtr st);
    /* Ends the stream in good order / at once; the backend releases its
     * I/O resources either way. */
    int (*finish)(virStreamPtr st);
    int (*abort)(virStreamPtr st);
    /* Frees priv at the stream's last reference (after abort if the
     * stream was still open). */
    void (*free)(virStreamPtr st);
} vkStreamOps;

struct _virStream {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;             /* a reference is held */
    unsigned int flags;             /* VIR_STREAM_NONBLOCK */

    GMutex lock;                    /* guards the fields below */
    const vkStreamOps *ops;         /* NULL until opened */
    void *priv;
    bool closed;                    /* finished or aborted */
};

virStreamPtr vkStreamNew(virConnectPtr conn, unsigned int flags);
void vkStreamRef(virStreamPtr st);
/* Takes a reference unless the last one is already gone (for callbacks
 * that race with the final unref); false then. */
bool vkStreamTryRef(virStreamPtr st);
void vkStreamUnref(virStreamPtr st);
bool vkCheckStream(virStreamPtr st, const char *func);

/* Called by the driver call opening the stream.  Fails with
 * VIR_ERR_OPERATION_INVALID when st already carries a backend (a stream
 * is opened once); ops/priv stay the caller's then. */
int vkStreamSetBackend(virStreamPtr st, const vkStreamOps *ops, void *priv);
/* The backend's private pointer (NULL before opening). */
void *vkStreamPriv(virStreamPtr st);
bool vkStreamIsNonBlock(virStreamPtr st);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event registration bookkeeping that events.c keeps for every family,
 * shared with events-qemu.c, and the forwarding table type that
 * events-domain.c fills for domains (events*.c, and the round trip of
 * tests/events/test-domain-event-wire.c, only).
 *
 * A record is the opaque of one local registration: made before registering
 * (so the handler can know its callbackID), kept once the registration
 * succeeded, and dropped by deregistration or by vkDispatchEventsDropAll at
 * disconnect; the API frees it (g_free) once deregistered.
 */
#ifndef VK_DAEMON_DISPATCH_EVENTS_PRIV_H
#define VK_DAEMON_DISPATCH_EVENTS_PRIV_H

#include <stddef.h>

#include "daemon/dispatch/dispatch.h"

typedef enum {
    FAMILY_DOMAIN,
    FAMILY_NETWORK,
    FAMILY_STORAGE_POOL,
    FAMILY_NODE_DEVICE,
    FAMILY_SECRET,
    FAMILY_QEMU_MONITOR,    /* registered by events-qemu.c */
} vkDispatchFamily;

typedef struct {
    vkServerClient *client;
    vkDispatchFamily family;
    int eventID;
    int callbackID;     /* what the client knows */
    int localID;        /* what client->conn returned */
    bool old;           /* an old registration: messages without callbackID */
} vkEventReg;

/* A record for the client's next callbackID; not yet counted nor kept. */
vkEventReg *vkDispatchEventRegNew(vkServerClient *client, vkDispatchFamily family, int eventID);
/* Keep reg (registered locally as localID) and use up its callbackID. */
void vkDispatchEventRegAdd(vkServerClient *client, vkEventReg *reg, int localID);
/* Undo the client's registration callbackID of family; VIR_ERR_INTERNAL_ERROR
 * if it has none. */
int vkDispatchEventDeregister(vkServerClient *client, vkDispatchFamily family, int callbackID);

/* How one event type crosses the wire: the handler registered locally, and
 * the procedure and XDR filter of the message it sends. */
typedef void (*vkEventHandler)(void);

typedef struct {
    vkEventHandler handler;
    int proc;
    xdrproc_t filter;
    /* The old message (for virConnectDomainEventRegister(Any) without
     * callback IDs): the body nested in the new one, or proc 0 if none. */
    int oldProc;
    xdrproc_t oldFilter;
    size_t oldOffset;
} vkEventForward;

#define FORWARD(handler, proc, xdr) \
    { (vkEventHandler)(handler), (proc), (xdrproc_t)(void (*)(void))(xdr), 0, NULL, 0 }

/* The domain family's table, indexed by event ID (events-domain.c). */
extern const vkEventForward vkDispatchDomainEvents[VIR_DOMAIN_EVENT_ID_LAST];

/* Sends msg (the new message, whose old body it nests if reg is old) to
 * reg's client. */
void vkDispatchEventForward(vkEventReg *reg, void *msg);

#endif /* VK_DAEMON_DISPATCH_EVENTS_PRIV_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event registration bookkeeping that events.c keeps for every family,
 * shared with events-qemu.c (events*.c only).
 *
 * A record is the opaque of one local registration: made before registering
 * (so the handler can know its callbackID), kept once the registration
 * succeeded, and dropped by deregistration or by vkDispatchEventsDropAll at
 * disconnect; the API frees it (g_free) once deregistered.
 */
#ifndef VK_DAEMON_DISPATCH_EVENTS_PRIV_H
#define VK_DAEMON_DISPATCH_EVENTS_PRIV_H

#include "daemon/dispatch/dispatch.h"

typedef enum {
    FAMILY_DOMAIN,
    FAMILY_NETWORK,
    FAMILY_STORAGE_POOL,
    FAMILY_NODE_DEVICE,
    FAMILY_SECRET,
    FAMILY_QEMU_MONITOR,    /* registered by events-qemu.c */
} vkEventFamily;

typedef struct {
    vkServerClient *client;
    vkEventFamily family;
    int eventID;
    int callbackID;     /* what the client knows */
    int localID;        /* what client->conn returned */
    bool old;           /* an old registration: messages without callbackID */
} vkEventReg;

/* A record for the client's next callbackID; not yet counted nor kept. */
vkEventReg *vkDispatchEventRegNew(vkServerClient *client, vkEventFamily family, int eventID);
/* Keep reg (registered locally as localID) and use up its callbackID. */
void vkDispatchEventRegAdd(vkServerClient *client, vkEventReg *reg, int localID);
/* Undo the client's registration callbackID of family; VIR_ERR_INVALID_ARG
 * if it has none. */
int vkDispatchEventDeregister(vkServerClient *client, vkEventFamily family, int callbackID);

#endif /* VK_DAEMON_DISPATCH_EVENTS_PRIV_H */

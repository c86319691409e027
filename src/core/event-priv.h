/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What domain-event.c (the shared queue and callback list) and
 * object-event.c (the non-domain families) share; private to src/core.
 */
#pragma once

#include "core/domain-event.h"

/* Callbacks are stored under the generic type and cast back to the
 * signature their event ID implies; going through void (*)(void) tells the
 * compiler the conversion is deliberate. */
#define CB_AS(type, fn) ((type)(void (*)(void))(fn))

typedef struct {
    gint refs;
    gint deleted;
    int id;
    virConnectPtr conn;             /* not referenced: see domain-event.c */
    vkEventFamily family;
    bool hasFilter;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *filterName;               /* node devices filter by name */
    /* A family's own filter on the event (QEMU monitor event names). */
    bool (*match)(const void *matchData, const void *ev);
    void *matchData;
    GDestroyNotify matchFree;
    int eventID;
    bool legacy;                    /* virConnectDomainEventRegister */
    virConnectDomainEventGenericCallback cb;
    void *opaque;
    virFreeCallback freecb;
} vkEventCallback;

typedef struct {
    vkEventFamily family;
    int eventID;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    int event;                      /* lifecycle event, metadata type,
                                     * block job type */
    int detail;                     /* ... block job status */
    char *str;                      /* metadata nsuri, device alias,
                                     * node device parent, block job
                                     * disk path or target, QEMU
                                     * monitor event name */
    long long seconds;              /* QEMU monitor event: QMP timestamp */
    unsigned int micros;
    char *details;                  /* ... and its data as JSON, or NULL */
    /* The other domain event IDs' payloads (domain-event-more.c says which
     * ID uses which). */
    char *str2;
    char *str3;
    long long num;
    unsigned long long unum;
    unsigned long long unum2;
    virTypedParameterPtr params;
    int nparams;
    struct vkEventGraphics *graphics;
} vkDomainEvent;

/* The registration filter: a UUID for domains, networks and pools, a name
 * for node devices (which have no UUID); objName names it in errors. */
typedef struct {
    const unsigned char *uuid;
    const char *name;
    const char *objName;
    /* An event filter of the family's own: taken over by the callback
     * record (matchFree runs when it goes, even on failure). */
    bool (*match)(const void *matchData, const void *ev);
    void *matchData;
    GDestroyNotify matchFree;
} vkEventFilter;

int vkEventCallbackAdd(vkEventState *st, virConnectPtr conn, vkEventFamily family,
                       const vkEventFilter *filter, int eventID, bool legacy,
                       virConnectDomainEventGenericCallback cb,
                       void *opaque, virFreeCallback freecb);
int vkEventCallbackRemove(vkEventState *st, virConnectPtr conn, vkEventFamily family,
                          int id, bool legacy, virConnectDomainEventCallback legacyCb);
vkDomainEvent *vkEventNew(int eventID, const char *name, const unsigned char *uuid, int id);
/* Takes ownership of ev. */
void vkEventQueuePush(vkEventState *st, vkDomainEvent *ev);
/* Delivery of a non-domain event to a callback of its family. */
void vkEventDeliverObject(vkEventCallback *cb, const vkDomainEvent *ev);
/* ... and of a QEMU monitor event (qemu-monitor-event.c). */
void vkEventDeliverQemuMonitor(vkEventCallback *cb, const vkDomainEvent *ev);

/* Delivery of a domain event whose ID domain-event.c does not handle;
 * false if the ID is not one of them either. */
bool vkEventDeliverDomainMore(vkEventCallback *cb, virDomainPtr dom, const vkDomainEvent *ev);
/* Frees the payload fields above (not the event). */
void vkEventClearMore(vkDomainEvent *ev);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain event fan-out shared by all drivers.
 *
 * A driver owns one vkEventState.  Its virConnectDomainEventRegister(Any) /
 * Deregister(Any) members forward to the functions below; when something
 * happens the driver queues an event with vkDomainEventQueue*.  Queued
 * events are delivered from the application's event loop (the one
 * registered through virEventRegisterDefaultImpl or virEventRegisterImpl),
 * never from inside the driver call that caused them, so callbacks may call
 * back into the API without deadlocking on driver locks.
 */
#ifndef VK_CORE_DOMAIN_EVENT_H
#define VK_CORE_DOMAIN_EVENT_H

#include "core/object.h"

typedef struct _vkEventState vkEventState;

vkEventState *vkEventStateNew(void);
/* Drops pending events and all callbacks (running their free callbacks). */
void vkEventStateFree(vkEventState *st);

/* virConnectDomainEventRegisterAny semantics: returns the callback id (>= 0)
 * or -1 with an error set.  dom, when given, filters by UUID.  Fails with
 * VIR_ERR_INTERNAL_ERROR when no event loop implementation is registered. */
int vkDomainEventRegisterAny(vkEventState *st, virConnectPtr conn,
                             virDomainPtr dom, int eventID,
                             virConnectDomainEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb);
int vkDomainEventDeregisterAny(vkEventState *st, virConnectPtr conn,
                               int callbackID);
/* The old lifecycle-only registration (virConnectDomainEventRegister): at
 * most one registration per (conn, cb) pair. */
int vkDomainEventRegister(vkEventState *st, virConnectPtr conn,
                          virConnectDomainEventCallback cb,
                          void *opaque, virFreeCallback freecb);
int vkDomainEventDeregister(vkEventState *st, virConnectPtr conn,
                            virConnectDomainEventCallback cb);
/* Forget every callback registered through conn (connection close). */
void vkEventStateRemoveConnect(vkEventState *st, virConnectPtr conn);

/* VIR_DOMAIN_EVENT_ID_LIFECYCLE with a virDomainEventType and its detail. */
void vkDomainEventQueueLifecycle(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int id,
                                 int event, int detail);
/* VIR_DOMAIN_EVENT_ID_REBOOT. */
void vkDomainEventQueueReboot(vkEventState *st, const char *name,
                              const unsigned char *uuid, int id);
/* VIR_DOMAIN_EVENT_ID_METADATA_CHANGE. */
void vkDomainEventQueueMetadataChange(vkEventState *st, const char *name,
                                      const unsigned char *uuid, int id,
                                      int type, const char *nsuri);
/* VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED / DEVICE_ADDED. */
void vkDomainEventQueueDevice(vkEventState *st, const char *name,
                              const unsigned char *uuid, int id,
                              int eventID, const char *devAlias);

#endif

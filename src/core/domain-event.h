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

/* Which public event API a callback or event belongs to. */
typedef enum {
    VK_EVENT_FAMILY_DOMAIN = 0,
    VK_EVENT_FAMILY_NETWORK,
    VK_EVENT_FAMILY_STORAGE_POOL,
    VK_EVENT_FAMILY_NODE_DEVICE,
    VK_EVENT_FAMILY_SECRET,
    VK_EVENT_FAMILY_QEMU_MONITOR,   /* libvirt-qemu's monitor events */
} vkEventFamily;

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
/* VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: a virConnectDomainEventAgentLifecycleState
 * and its reason. */
void vkDomainEventQueueAgentLifecycle(vkEventState *st, const char *name,
                                      const unsigned char *uuid, int id, int state,
                                      int reason);
/* VIR_DOMAIN_EVENT_ID_METADATA_CHANGE. */
void vkDomainEventQueueMetadataChange(vkEventState *st, const char *name,
                                      const unsigned char *uuid, int id,
                                      int type, const char *nsuri);
/* VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED / DEVICE_ADDED / DEVICE_REMOVAL_FAILED. */
void vkDomainEventQueueDevice(vkEventState *st, const char *name,
                              const unsigned char *uuid, int id,
                              int eventID, const char *devAlias);
/* VIR_DOMAIN_EVENT_ID_BLOCK_JOB (disk: the image path) / BLOCK_JOB_2
 * (disk: the target, vda) with a virDomainBlockJobType and status. */
void vkDomainEventQueueBlockJob(vkEventState *st, const char *name,
                                const unsigned char *uuid, int id, int eventID,
                                const char *disk, int type, int status);

/* The other domain event IDs, each with its callback's arguments
 * (domain-event-more.c). */
void vkDomainEventQueueRTCChange(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int id, long long offset);
/* WATCHDOG (a virDomainEventWatchdogAction), CONTROL_ERROR (no argument) and
 * PMWAKEUP / PMSUSPEND / PMSUSPEND_DISK (a reason, 0 today) and
 * MIGRATION_ITERATION (the iteration): the events of at most one int. */
void vkDomainEventQueueInt(vkEventState *st, const char *name,
                           const unsigned char *uuid, int id, int eventID, int value);
/* IO_ERROR (reason ignored) / IO_ERROR_REASON. */
void vkDomainEventQueueIOError(vkEventState *st, const char *name,
                               const unsigned char *uuid, int id, int eventID,
                               const char *srcPath, const char *devAlias, int action,
                               const char *reason);
/* GRAPHICS: the arguments are copied. */
void vkDomainEventQueueGraphics(vkEventState *st, const char *name,
                                const unsigned char *uuid, int id, int phase,
                                const virDomainEventGraphicsAddress *local,
                                const virDomainEventGraphicsAddress *remote,
                                const char *authScheme,
                                const virDomainEventGraphicsSubject *subject);
void vkDomainEventQueueDiskChange(vkEventState *st, const char *name,
                                  const unsigned char *uuid, int id, const char *oldSrcPath,
                                  const char *newSrcPath, const char *devAlias, int reason);
void vkDomainEventQueueTrayChange(vkEventState *st, const char *name,
                                  const unsigned char *uuid, int id, const char *devAlias,
                                  int reason);
void vkDomainEventQueueBalloonChange(vkEventState *st, const char *name,
                                     const unsigned char *uuid, int id,
                                     unsigned long long actual);
/* TUNABLE / JOB_COMPLETED: params are copied. */
void vkDomainEventQueueParams(vkEventState *st, const char *name,
                              const unsigned char *uuid, int id, int eventID,
                              virTypedParameterPtr params, int nparams);
void vkDomainEventQueueBlockThreshold(vkEventState *st, const char *name,
                                      const unsigned char *uuid, int id, const char *dev,
                                      const char *path, unsigned long long threshold,
                                      unsigned long long excess);
void vkDomainEventQueueMemoryFailure(vkEventState *st, const char *name,
                                     const unsigned char *uuid, int id, int recipient,
                                     int action, unsigned int flags);
void vkDomainEventQueueMemoryDeviceSizeChange(vkEventState *st, const char *name,
                                              const unsigned char *uuid, int id,
                                              const char *alias, unsigned long long size);

/* The other families share the state, its callback ids and its delivery.
 * Registration follows virConnect<Family>EventRegisterAny (the object, when
 * given, filters: by UUID, node devices by name); deregistration only
 * finds callbacks of the family it is asked for. */
int vkNetworkEventRegisterAny(vkEventState *st, virConnectPtr conn,
                              virNetworkPtr net, int eventID,
                              virConnectNetworkEventGenericCallback cb,
                              void *opaque, virFreeCallback freecb);
int vkStoragePoolEventRegisterAny(vkEventState *st, virConnectPtr conn,
                                  virStoragePoolPtr pool, int eventID,
                                  virConnectStoragePoolEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb);
int vkNodeDeviceEventRegisterAny(vkEventState *st, virConnectPtr conn,
                                 virNodeDevicePtr dev, int eventID,
                                 virConnectNodeDeviceEventGenericCallback cb,
                                 void *opaque, virFreeCallback freecb);
int vkSecretEventRegisterAny(vkEventState *st, virConnectPtr conn,
                             virSecretPtr secret, int eventID,
                             virConnectSecretEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb);
int vkObjectEventDeregisterAny(vkEventState *st, virConnectPtr conn,
                               vkEventFamily family, int callbackID);

void vkNetworkEventQueueLifecycle(vkEventState *st, const char *name,
                                  const unsigned char *uuid, int event, int detail);
void vkStoragePoolEventQueueLifecycle(vkEventState *st, const char *name,
                                      const unsigned char *uuid, int event, int detail);
void vkStoragePoolEventQueueRefresh(vkEventState *st, const char *name,
                                    const unsigned char *uuid);
/* parent may be NULL; it is the parent name of the handle passed on. */
void vkNodeDeviceEventQueueLifecycle(vkEventState *st, const char *name,
                                     const char *parent, int event, int detail);
void vkNodeDeviceEventQueueUpdate(vkEventState *st, const char *name,
                                  const char *parent);
/* A secret's handle is its UUID, usage type and usage ID (NULL for none). */
void vkSecretEventQueueLifecycle(vkEventState *st, const unsigned char *uuid,
                                 int usageType, const char *usageID, int event,
                                 int detail);
void vkSecretEventQueueValueChanged(vkEventState *st, const unsigned char *uuid,
                                    int usageType, const char *usageID);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events of the object families other than domains: networks, storage
 * pools, node devices and secrets.  They share domain-event.c's state,
 * queue, timer and callback ids; this file only registers their callbacks,
 * queues their events and turns a queued event back into the family's
 * callback signature at delivery.
 */
#include <string.h>

#include "core/event-priv.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

void
vkEventDeliverObject(vkEventCallback *cb, const vkDomainEvent *ev)
{
    bool lifecycle = ev->eventID == 0;   /* LIFECYCLE is 0 in every family */

    switch (ev->family) {
    case VK_EVENT_FAMILY_NETWORK: {
        virNetworkPtr net = vkGetNetwork(cb->conn, ev->name, ev->uuid);

        if (!net)
            return;
        if (lifecycle)
            CB_AS(virConnectNetworkEventLifecycleCallback, cb->cb)(
                cb->conn, net, ev->event, ev->detail, cb->opaque);
        vkNetworkUnref(net);
        break;
    }
    case VK_EVENT_FAMILY_STORAGE_POOL: {
        virStoragePoolPtr pool = vkGetStoragePool(cb->conn, ev->name, ev->uuid);

        if (!pool)
            return;
        if (lifecycle)
            CB_AS(virConnectStoragePoolEventLifecycleCallback, cb->cb)(
                cb->conn, pool, ev->event, ev->detail, cb->opaque);
        else
            CB_AS(virConnectStoragePoolEventGenericCallback, cb->cb)(
                cb->conn, pool, cb->opaque);
        vkStoragePoolUnref(pool);
        break;
    }
    case VK_EVENT_FAMILY_NODE_DEVICE: {
        virNodeDevicePtr dev = vkGetNodeDevice(cb->conn, ev->name, ev->str);

        if (!dev)
            return;
        if (lifecycle)
            CB_AS(virConnectNodeDeviceEventLifecycleCallback, cb->cb)(
                cb->conn, dev, ev->event, ev->detail, cb->opaque);
        else
            CB_AS(virConnectNodeDeviceEventGenericCallback, cb->cb)(
                cb->conn, dev, cb->opaque);
        vkNodeDeviceUnref(dev);
        break;
    }
    case VK_EVENT_FAMILY_SECRET: {
        /* the usage type travels in the event's id slot */
        virSecretPtr secret = vkGetSecret(cb->conn, ev->uuid, ev->id, ev->name);

        if (lifecycle)
            CB_AS(virConnectSecretEventLifecycleCallback, cb->cb)(
                cb->conn, secret, ev->event, ev->detail, cb->opaque);
        else
            CB_AS(virConnectSecretEventGenericCallback, cb->cb)(
                cb->conn, secret, cb->opaque);
        vkSecretUnref(secret);
        break;
    }
    default:
        break;
    }
}

int
vkNetworkEventRegisterAny(vkEventState *st, virConnectPtr conn,
                          virNetworkPtr net, int eventID,
                          virConnectNetworkEventGenericCallback cb,
                          void *opaque, virFreeCallback freecb)
{
    vkEventFilter filter = { net ? net->uuid : NULL, NULL, net ? net->name : NULL };

    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_NETWORK, net ? &filter : NULL,
                       eventID, false, CB_AS(virConnectDomainEventGenericCallback, cb),
                       opaque, freecb);
}

int
vkStoragePoolEventRegisterAny(vkEventState *st, virConnectPtr conn,
                              virStoragePoolPtr pool, int eventID,
                              virConnectStoragePoolEventGenericCallback cb,
                              void *opaque, virFreeCallback freecb)
{
    vkEventFilter filter = { pool ? pool->uuid : NULL, NULL, pool ? pool->name : NULL };

    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_STORAGE_POOL, pool ? &filter : NULL,
                       eventID, false, CB_AS(virConnectDomainEventGenericCallback, cb),
                       opaque, freecb);
}

int
vkNodeDeviceEventRegisterAny(vkEventState *st, virConnectPtr conn,
                             virNodeDevicePtr dev, int eventID,
                             virConnectNodeDeviceEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb)
{
    vkEventFilter filter = { NULL, dev ? dev->name : NULL, dev ? dev->name : NULL };

    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_NODE_DEVICE, dev ? &filter : NULL,
                       eventID, false, CB_AS(virConnectDomainEventGenericCallback, cb),
                       opaque, freecb);
}

int
vkSecretEventRegisterAny(vkEventState *st, virConnectPtr conn, virSecretPtr secret,
                         int eventID, virConnectSecretEventGenericCallback cb,
                         void *opaque, virFreeCallback freecb)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    vkEventFilter filter = { secret ? secret->uuid : NULL, NULL,
                             secret ? vkUUIDFormat(secret->uuid, uuid) : NULL };

    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_SECRET, secret ? &filter : NULL,
                       eventID, false, CB_AS(virConnectDomainEventGenericCallback, cb),
                       opaque, freecb);
}

int
vkObjectEventDeregisterAny(vkEventState *st, virConnectPtr conn,
                           vkEventFamily family, int callbackID)
{
    return vkEventCallbackRemove(st, conn, family, callbackID, false, NULL);
}

static void
queueOther(vkEventState *st, vkEventFamily family, int eventID,
           const char *name, const unsigned char *uuid, int event, int detail,
           const char *str)
{
    vkDomainEvent *ev = vkEventNew(eventID, name, uuid, -1);

    ev->family = family;
    ev->event = event;
    ev->detail = detail;
    ev->str = g_strdup(str);
    vkEventQueuePush(st, ev);
}

void
vkNetworkEventQueueLifecycle(vkEventState *st, const char *name,
                             const unsigned char *uuid, int event, int detail)
{
    queueOther(st, VK_EVENT_FAMILY_NETWORK, VIR_NETWORK_EVENT_ID_LIFECYCLE,
               name, uuid, event, detail, NULL);
}

void
vkStoragePoolEventQueueLifecycle(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int event, int detail)
{
    queueOther(st, VK_EVENT_FAMILY_STORAGE_POOL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
               name, uuid, event, detail, NULL);
}

void
vkStoragePoolEventQueueRefresh(vkEventState *st, const char *name,
                               const unsigned char *uuid)
{
    queueOther(st, VK_EVENT_FAMILY_STORAGE_POOL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
               name, uuid, 0, 0, NULL);
}

void
vkNodeDeviceEventQueueLifecycle(vkEventState *st, const char *name,
                                const char *parent, int event, int detail)
{
    queueOther(st, VK_EVENT_FAMILY_NODE_DEVICE, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
               name, NULL, event, detail, parent);
}

void
vkNodeDeviceEventQueueUpdate(vkEventState *st, const char *name, const char *parent)
{
    queueOther(st, VK_EVENT_FAMILY_NODE_DEVICE, VIR_NODE_DEVICE_EVENT_ID_UPDATE,
               name, NULL, 0, 0, parent);
}

void
vkSecretEventQueueLifecycle(vkEventState *st, const unsigned char *uuid, int usageType,
                            const char *usageID, int event, int detail)
{
    vkDomainEvent *ev = vkEventNew(VIR_SECRET_EVENT_ID_LIFECYCLE, usageID, uuid, usageType);

    ev->family = VK_EVENT_FAMILY_SECRET;
    ev->event = event;
    ev->detail = detail;
    vkEventQueuePush(st, ev);
}

void
vkSecretEventQueueValueChanged(vkEventState *st, const unsigned char *uuid, int usageType,
                               const char *usageID)
{
    vkDomainEvent *ev = vkEventNew(VIR_SECRET_EVENT_ID_VALUE_CHANGED, usageID, uuid,
                                 usageType);

    ev->family = VK_EVENT_FAMILY_SECRET;
    vkEventQueuePush(st, ev);
}

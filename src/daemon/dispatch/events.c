/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Event registration on behalf of remote clients.
 *
 * For each (family, eventID, filter) a client registers, the daemon
 * registers one callback on the client's own virConnectPtr through the
 * public API.  The callback's opaque is the registration record, which
 * carries the wire callbackID (one counter per client shared by all
 * families, as libvirt does); when the event fires, the handler encodes the
 * matching *_msg body and hands it to client->sendEvent.  The records live
 * in client->dispatchPrivate so that disconnect can undo them all.
 * The domain handlers are in events-domain.c.
 */
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"
#include "virtkit/virtkit-qemu.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"
#include "daemon/dispatch/events-priv.h"

typedef struct {
    GMutex lock;
    GPtrArray *regs;    /* vkEventReg*, owned by the API (freed by freecb) */
} vkDispatchPrivate;

static vkDispatchPrivate *
privateGet(vkServerClient *client)
{
    vkDispatchPrivate *priv = client->dispatchPrivate;

    if (!priv) {
        priv = g_new0(vkDispatchPrivate, 1);
        g_mutex_init(&priv->lock);
        priv->regs = g_ptr_array_new();
        client->dispatchPrivate = priv;
    }
    return priv;
}

/* ---- the other families' handlers: one per callback signature ---- */

static void
onNetworkLifecycle(virConnectPtr conn G_GNUC_UNUSED, virNetworkPtr net, int event, int detail,
                   void *opaque)
{
    vkEventReg *reg = opaque;
    remote_network_event_lifecycle_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgNetwork(&msg.net, net);
    msg.event = event;
    msg.detail = detail;
    vkDispatchEventForward(reg, &msg);
}

static void
onPoolLifecycle(virConnectPtr conn G_GNUC_UNUSED, virStoragePoolPtr pool, int event,
                int detail, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_storage_pool_event_lifecycle_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgStoragePool(&msg.pool, pool);
    msg.event = event;
    msg.detail = detail;
    vkDispatchEventForward(reg, &msg);
}

static void
onPoolRefresh(virConnectPtr conn G_GNUC_UNUSED, virStoragePoolPtr pool, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_storage_pool_event_refresh_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgStoragePool(&msg.pool, pool);
    vkDispatchEventForward(reg, &msg);
}

static void
onNodeDeviceLifecycle(virConnectPtr conn G_GNUC_UNUSED, virNodeDevicePtr dev, int event,
                      int detail, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_node_device_event_lifecycle_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgNodeDevice(&msg.dev, dev);
    msg.event = event;
    msg.detail = detail;
    vkDispatchEventForward(reg, &msg);
}

static void
onNodeDeviceUpdate(virConnectPtr conn G_GNUC_UNUSED, virNodeDevicePtr dev, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_node_device_event_update_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgNodeDevice(&msg.dev, dev);
    vkDispatchEventForward(reg, &msg);
}

/* ---- what each family forwards, indexed by eventID (gaps: not forwarded) ---- */

static const vkEventForward networkEvents[] = {
    [VIR_NETWORK_EVENT_ID_LIFECYCLE] = FORWARD(onNetworkLifecycle,
        REMOTE_PROC_NETWORK_EVENT_LIFECYCLE, xdr_remote_network_event_lifecycle_msg),
};

static const vkEventForward storagePoolEvents[] = {
    [VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE] = FORWARD(onPoolLifecycle,
        REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE, xdr_remote_storage_pool_event_lifecycle_msg),
    [VIR_STORAGE_POOL_EVENT_ID_REFRESH] = FORWARD(onPoolRefresh,
        REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH, xdr_remote_storage_pool_event_refresh_msg),
};

static void
onSecretLifecycle(virConnectPtr conn G_GNUC_UNUSED, virSecretPtr secret, int event,
                  int detail, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_secret_event_lifecycle_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgSecret(&msg.secret, secret);
    msg.event = event;
    msg.detail = detail;
    vkDispatchEventForward(reg, &msg);
}

static void
onSecretValueChanged(virConnectPtr conn G_GNUC_UNUSED, virSecretPtr secret, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_secret_event_value_changed_msg msg = { .callbackID = reg->callbackID };

    vkRemoteArgSecret(&msg.secret, secret);
    vkDispatchEventForward(reg, &msg);
}

static const vkEventForward nodeDeviceEvents[] = {
    [VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE] = FORWARD(onNodeDeviceLifecycle,
        REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE, xdr_remote_node_device_event_lifecycle_msg),
    [VIR_NODE_DEVICE_EVENT_ID_UPDATE] = FORWARD(onNodeDeviceUpdate,
        REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE, xdr_remote_node_device_event_update_msg),
};

static const vkEventForward secretEvents[] = {
    [VIR_SECRET_EVENT_ID_LIFECYCLE] = FORWARD(onSecretLifecycle,
        REMOTE_PROC_SECRET_EVENT_LIFECYCLE, xdr_remote_secret_event_lifecycle_msg),
    [VIR_SECRET_EVENT_ID_VALUE_CHANGED] = FORWARD(onSecretValueChanged,
        REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED, xdr_remote_secret_event_value_changed_msg),
};


/* ---- per-family adapters: the public API is typed per object kind ---- */

static void *
domainLookup(virConnectPtr conn, const void *wire)
{
    return vkRemoteGetDomain(conn, wire);
}

static void
domainUnref(void *obj)
{
    vkDomainUnref(obj);
}

static int
domainRegister(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb, void *opaque)
{
    return virConnectDomainEventRegisterAny(conn, obj, eventID,
                                            (virConnectDomainEventGenericCallback)cb,
                                            opaque, g_free);
}

static void *
networkLookup(virConnectPtr conn, const void *wire)
{
    return vkRemoteGetNetwork(conn, wire);
}

static void
networkUnref(void *obj)
{
    vkNetworkUnref(obj);
}

static int
networkRegister(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb, void *opaque)
{
    return virConnectNetworkEventRegisterAny(conn, obj, eventID,
                                             (virConnectNetworkEventGenericCallback)cb,
                                             opaque, g_free);
}

static void *
storagePoolLookup(virConnectPtr conn, const void *wire)
{
    return vkRemoteGetStoragePool(conn, wire);
}

static void
storagePoolUnref(void *obj)
{
    vkStoragePoolUnref(obj);
}

static int
storagePoolRegister(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb,
                    void *opaque)
{
    return virConnectStoragePoolEventRegisterAny(conn, obj, eventID,
                                                 (virConnectStoragePoolEventGenericCallback)cb,
                                                 opaque, g_free);
}

static void *
nodeDeviceLookup(virConnectPtr conn, const void *wire)
{
    return vkRemoteGetNodeDevice(conn, wire);
}

static void
nodeDeviceUnref(void *obj)
{
    vkNodeDeviceUnref(obj);
}

static int
nodeDeviceRegister(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb,
                   void *opaque)
{
    return virConnectNodeDeviceEventRegisterAny(conn, obj, eventID,
                                                (virConnectNodeDeviceEventGenericCallback)cb,
                                                opaque, g_free);
}

static void *
secretLookup(virConnectPtr conn, const void *wire)
{
    return vkRemoteGetSecret(conn, wire);
}

static void
secretUnref(void *obj)
{
    vkSecretUnref(obj);
}

static int
secretRegister(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb, void *opaque)
{
    return virConnectSecretEventRegisterAny(conn, obj, eventID,
                                            (virConnectSecretEventGenericCallback)cb,
                                            opaque, g_free);
}

typedef struct {
    const char *name;                   /* as error messages say it */
    const vkEventForward *events;
    size_t nevents;
    void *(*lookup)(virConnectPtr conn, const void *wire);
    void (*unref)(void *obj);
    /* The record passed as opaque is freed with g_free once deregistered. */
    int (*registerAny)(virConnectPtr conn, void *obj, int eventID, vkEventHandler cb,
                       void *opaque);
    int (*deregisterAny)(virConnectPtr conn, int localID);
} vkEventFamilyOps;

static const vkEventFamilyOps families[] = {
    [FAMILY_DOMAIN] = {
        "domain", vkDispatchDomainEvents, VIR_DOMAIN_EVENT_ID_LAST,
        domainLookup, domainUnref, domainRegister, virConnectDomainEventDeregisterAny,
    },
    [FAMILY_NETWORK] = {
        "network", networkEvents, G_N_ELEMENTS(networkEvents),
        networkLookup, networkUnref, networkRegister, virConnectNetworkEventDeregisterAny,
    },
    [FAMILY_STORAGE_POOL] = {
        "storage pool", storagePoolEvents, G_N_ELEMENTS(storagePoolEvents),
        storagePoolLookup, storagePoolUnref, storagePoolRegister,
        virConnectStoragePoolEventDeregisterAny,
    },
    [FAMILY_NODE_DEVICE] = {
        "node device", nodeDeviceEvents, G_N_ELEMENTS(nodeDeviceEvents),
        nodeDeviceLookup, nodeDeviceUnref, nodeDeviceRegister,
        virConnectNodeDeviceEventDeregisterAny,
    },
    [FAMILY_SECRET] = {
        "secret", secretEvents, G_N_ELEMENTS(secretEvents),
        secretLookup, secretUnref, secretRegister, virConnectSecretEventDeregisterAny,
    },
    [FAMILY_QEMU_MONITOR] = {
        "qemu monitor", NULL, 0, NULL, NULL, NULL,
        virConnectDomainQemuMonitorEventDeregister,
    },
};

static const vkEventForward *
forwardFor(vkDispatchFamily family, int eventID)
{
    const vkEventFamilyOps *ops = &families[family];

    if (eventID < 0 || (size_t)eventID >= ops->nevents || !ops->events[eventID].handler)
        return NULL;
    return &ops->events[eventID];
}

void
vkDispatchEventForward(vkEventReg *reg, void *msg)
{
    const vkEventForward *fwd = forwardFor(reg->family, reg->eventID);

    /* A full queue is reported by sendEvent itself (the daemon closes or
     * flags the slow client); nothing to add here. */
    if (reg->old)
        reg->client->sendEvent(reg->client, fwd->oldProc, fwd->oldFilter,
                               (char *)msg + fwd->oldOffset);
    else
        reg->client->sendEvent(reg->client, fwd->proc, fwd->filter, msg);
}

/* ---- registration bookkeeping ---- */

vkEventReg *
vkDispatchEventRegNew(vkServerClient *client, vkDispatchFamily family, int eventID)
{
    vkEventReg *reg = g_new0(vkEventReg, 1);

    reg->client = client;
    reg->family = family;
    reg->eventID = eventID;
    reg->callbackID = client->nextCallbackID;
    return reg;
}

void
vkDispatchEventRegAdd(vkServerClient *client, vkEventReg *reg, int localID)
{
    vkDispatchPrivate *priv = privateGet(client);

    reg->localID = localID;
    client->nextCallbackID++;
    g_mutex_lock(&priv->lock);
    g_ptr_array_add(priv->regs, reg);
    g_mutex_unlock(&priv->lock);
}

int
vkDispatchEventDeregister(vkServerClient *client, vkDispatchFamily family, int callbackID)
{
    vkDispatchPrivate *priv = privateGet(client);
    vkEventReg *found = NULL;

    g_mutex_lock(&priv->lock);
    for (guint i = 0; i < priv->regs->len; i++) {
        vkEventReg *reg = g_ptr_array_index(priv->regs, i);
        if (reg->family == family && !reg->old && reg->callbackID == callbackID) {
            found = reg;
            g_ptr_array_remove_index(priv->regs, i);
            break;
        }
    }
    g_mutex_unlock(&priv->lock);
    if (!found) {
        /* libvirtd's code and wording */
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s event callback %d not registered",
                      families[family].name, callbackID);
        return -1;
    }
    /* found is freed by the API's freecb once deregistered. */
    return families[family].deregisterAny(client->conn, found->localID) < 0 ? -1 : 0;
}

void
vkDispatchEventsDropAll(vkServerClient *client)
{
    vkDispatchPrivate *priv = client->dispatchPrivate;
    g_autoptr(GPtrArray) regs = NULL;

    if (!priv)
        return;
    g_mutex_lock(&priv->lock);
    regs = priv->regs;
    priv->regs = g_ptr_array_new();
    g_mutex_unlock(&priv->lock);
    if (client->conn) {
        virErrorPtr saved = vkErrorSave();
        for (guint i = 0; i < regs->len; i++) {
            vkEventReg *reg = g_ptr_array_index(regs, i);
            families[reg->family].deregisterAny(client->conn, reg->localID);
        }
        vkErrorRestore(&saved);
    }
    g_mutex_clear(&priv->lock);
    g_ptr_array_unref(priv->regs);
    g_free(priv);
    client->dispatchPrivate = NULL;
}

static int
registerAny(vkServerClient *client, vkDispatchFamily family, int eventID, const void *wire,
            bool old, int *callbackID)
{
    const vkEventFamilyOps *ops = &families[family];
    const vkEventForward *fwd = forwardFor(family, eventID);
    void *obj = NULL;
    vkEventReg *reg;
    int localID;

    if (eventID < 0 || (size_t)eventID >= ops->nevents) {
        /* libvirtd's code and wording: an ID it does not know is its own
         * failure, not the caller's */
        if (family == FAMILY_DOMAIN)
            vkReportError(VIR_ERR_INTERNAL_ERROR, "unsupported event ID %d", eventID);
        else
            vkReportError(VIR_ERR_INTERNAL_ERROR, "unsupported %s event ID %d", ops->name,
                          eventID);
        return -1;
    }
    if (!fwd) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s event %d is not forwarded by this daemon",
                      ops->name, eventID);
        return -1;
    }
    if (wire && !(obj = ops->lookup(client->conn, wire)))
        return -1;
    reg = vkDispatchEventRegNew(client, family, eventID);
    reg->old = old;
    localID = ops->registerAny(client->conn, obj, eventID, fwd->handler, reg);
    if (obj)
        ops->unref(obj);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    vkDispatchEventRegAdd(client, reg, localID);
    *callbackID = reg->callbackID;
    return 0;
}

/* The old domain registrations, without callback IDs: one per event ID
 * and client, for the events that had a message of their own before
 * callback IDs came (up to DEVICE_REMOVED), worded as libvirtd words it. */
static vkEventReg *
findOld(vkServerClient *client, int eventID, bool take)
{
    vkDispatchPrivate *priv = privateGet(client);
    vkEventReg *found = NULL;

    g_mutex_lock(&priv->lock);
    for (guint i = 0; i < priv->regs->len && !found; i++) {
        vkEventReg *reg = g_ptr_array_index(priv->regs, i);
        if (reg->family == FAMILY_DOMAIN && reg->old && reg->eventID == eventID) {
            found = reg;
            if (take)
                g_ptr_array_remove_index(priv->regs, i);
        }
    }
    g_mutex_unlock(&priv->lock);
    return found;
}

int
vkDispatchDomainEventRegisterOld(vkServerClient *client, int eventID)
{
    int unused;

    if (eventID < 0 || eventID > VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "unsupported event ID %d", eventID);
        return -1;
    }
    if (findOld(client, eventID, false)) {
        vkReportErrorFull(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__,
                          "%s", "event callback already tracked");
        return -1;
    }
    return registerAny(client, FAMILY_DOMAIN, eventID, NULL, true, &unused);
}

int
vkDispatchDomainEventDeregisterOld(vkServerClient *client, int eventID)
{
    vkEventReg *reg;

    if (eventID < 0 || eventID > VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "unsupported event ID %d", eventID);
        return -1;
    }
    if (!(reg = findOld(client, eventID, true))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "domain event %d not registered", eventID);
        return -1;
    }
    /* reg is freed by the API's freecb once deregistered. */
    return families[FAMILY_DOMAIN].deregisterAny(client->conn, reg->localID) < 0 ? -1 : 0;
}

/* ---- the procedures ---- */

int
vkDispatchDomainEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;
    remote_connect_domain_event_callback_register_any_ret *ret = retp;

    return registerAny(client, FAMILY_DOMAIN, args->eventID, args->dom, false,
                       &ret->callbackID);
}

int
vkDispatchDomainEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_DOMAIN, args->callbackID);
}

int
vkDispatchNetworkEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_network_event_register_any_args *args = argsp;
    remote_connect_network_event_register_any_ret *ret = retp;

    return registerAny(client, FAMILY_NETWORK, args->eventID, args->net, false,
                       &ret->callbackID);
}

int
vkDispatchNetworkEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_network_event_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_NETWORK, args->callbackID);
}

int
vkDispatchStoragePoolEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_register_any_args *args = argsp;
    remote_connect_storage_pool_event_register_any_ret *ret = retp;

    return registerAny(client, FAMILY_STORAGE_POOL, args->eventID, args->pool, false,
                       &ret->callbackID);
}

int
vkDispatchStoragePoolEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_STORAGE_POOL, args->callbackID);
}

int
vkDispatchNodeDeviceEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_node_device_event_register_any_args *args = argsp;
    remote_connect_node_device_event_register_any_ret *ret = retp;

    return registerAny(client, FAMILY_NODE_DEVICE, args->eventID, args->dev, false,
                       &ret->callbackID);
}

int
vkDispatchNodeDeviceEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_node_device_event_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_NODE_DEVICE, args->callbackID);
}

int
vkDispatchSecretEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_secret_event_register_any_args *args = argsp;
    remote_connect_secret_event_register_any_ret *ret = retp;

    return registerAny(client, FAMILY_SECRET, args->eventID, args->secret, false,
                       &ret->callbackID);
}

int
vkDispatchSecretEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_secret_event_deregister_any_args *args = argsp;

    (void)retp;
    return vkDispatchEventDeregister(client, FAMILY_SECRET, args->callbackID);
}

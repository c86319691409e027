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
 */
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "dispatch/dispatch.h"

typedef enum {
    FAMILY_DOMAIN,
    FAMILY_NETWORK,
    FAMILY_STORAGE_POOL,
    FAMILY_NODE_DEVICE,
} vkEventFamily;

typedef struct {
    vkServerClient *client;
    vkEventFamily family;
    int eventID;
    int callbackID;     /* what the client knows */
    int localID;        /* what client->conn returned */
} vkEventReg;

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

static void
sendMsg(vkEventReg *reg, int proc, xdrproc_t filter, void *body)
{
    /* A full queue is reported by sendEvent itself (the daemon closes or
     * flags the slow client); nothing to add here. */
    reg->client->sendEvent(reg->client, proc, filter, body);
}

/* ---- domain handlers: one per callback signature ---- */

static int
onDomainLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_lifecycle_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.event = event;
    msg.msg.detail = detail;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
            (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg);
    return 0;
}

static void
onDomainReboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_reboot_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT,
            (xdrproc_t)xdr_remote_domain_event_callback_reboot_msg, &msg);
}

static void
onDomainRTCChange(virConnectPtr conn, virDomainPtr dom, long long offset, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_rtc_change_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.offset = offset;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
            (xdrproc_t)xdr_remote_domain_event_callback_rtc_change_msg, &msg);
}

static void
onDomainWatchdog(virConnectPtr conn, virDomainPtr dom, int action, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_watchdog_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.action = action;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_WATCHDOG,
            (xdrproc_t)xdr_remote_domain_event_callback_watchdog_msg, &msg);
}

static void
onDomainTrayChange(virConnectPtr conn, virDomainPtr dom, const char *devAlias,
                   int reason, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_tray_change_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.devAlias = (char *)devAlias;
    msg.msg.reason = reason;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
            (xdrproc_t)xdr_remote_domain_event_callback_tray_change_msg, &msg);
}

static void
onDomainBalloonChange(virConnectPtr conn, virDomainPtr dom, unsigned long long actual,
                      void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_balloon_change_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.actual = actual;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
            (xdrproc_t)xdr_remote_domain_event_callback_balloon_change_msg, &msg);
}

static void
onDomainDeviceRemoved(virConnectPtr conn, virDomainPtr dom, const char *devAlias,
                      void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_device_removed_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.msg.dom, dom);
    msg.msg.devAlias = (char *)devAlias;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
            (xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg, &msg);
}

static void
onDomainDeviceAdded(virConnectPtr conn, virDomainPtr dom, const char *devAlias,
                    void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_device_added_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.dom, dom);
    msg.devAlias = (char *)devAlias;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
            (xdrproc_t)xdr_remote_domain_event_callback_device_added_msg, &msg);
}

static void
onDomainAgentLifecycle(virConnectPtr conn, virDomainPtr dom, int state, int reason,
                       void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_agent_lifecycle_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.dom, dom);
    msg.state = state;
    msg.reason = reason;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
            (xdrproc_t)xdr_remote_domain_event_callback_agent_lifecycle_msg, &msg);
}

static void
onDomainMetadataChange(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
                       void *opaque)
{
    vkEventReg *reg = opaque;
    remote_domain_event_callback_metadata_change_msg msg;
    char *ns = (char *)nsuri;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgDomain(&msg.dom, dom);
    msg.type = type;
    msg.nsuri = nsuri ? &ns : NULL;
    sendMsg(reg, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
            (xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg, &msg);
}

static virConnectDomainEventGenericCallback
domainHandler(int eventID)
{
    switch (eventID) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainLifecycle);
    case VIR_DOMAIN_EVENT_ID_REBOOT:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainReboot);
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainRTCChange);
    case VIR_DOMAIN_EVENT_ID_WATCHDOG:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainWatchdog);
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainTrayChange);
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainBalloonChange);
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainDeviceRemoved);
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainAgentLifecycle);
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainDeviceAdded);
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE:
        return VIR_DOMAIN_EVENT_CALLBACK(onDomainMetadataChange);
    default:
        return NULL;
    }
}

/* ---- other families ---- */

static void
onNetworkLifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_network_event_lifecycle_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgNetwork(&msg.net, net);
    msg.event = event;
    msg.detail = detail;
    sendMsg(reg, REMOTE_PROC_NETWORK_EVENT_LIFECYCLE,
            (xdrproc_t)xdr_remote_network_event_lifecycle_msg, &msg);
}

static void
onPoolLifecycle(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                void *opaque)
{
    vkEventReg *reg = opaque;
    remote_storage_pool_event_lifecycle_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgStoragePool(&msg.pool, pool);
    msg.event = event;
    msg.detail = detail;
    sendMsg(reg, REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE,
            (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &msg);
}

static void
onPoolRefresh(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_storage_pool_event_refresh_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgStoragePool(&msg.pool, pool);
    sendMsg(reg, REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH,
            (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &msg);
}

static void
onNodeDeviceLifecycle(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                      void *opaque)
{
    vkEventReg *reg = opaque;
    remote_node_device_event_lifecycle_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgNodeDevice(&msg.dev, dev);
    msg.event = event;
    msg.detail = detail;
    sendMsg(reg, REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE,
            (xdrproc_t)xdr_remote_node_device_event_lifecycle_msg, &msg);
}

static void
onNodeDeviceUpdate(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    vkEventReg *reg = opaque;
    remote_node_device_event_update_msg msg;

    (void)conn;
    memset(&msg, 0, sizeof(msg));
    msg.callbackID = reg->callbackID;
    vkRemoteArgNodeDevice(&msg.dev, dev);
    sendMsg(reg, REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE,
            (xdrproc_t)xdr_remote_node_device_event_update_msg, &msg);
}

/* ---- registration bookkeeping ---- */

static vkEventReg *
regNew(vkServerClient *client, vkEventFamily family, int eventID)
{
    vkEventReg *reg = g_new0(vkEventReg, 1);

    reg->client = client;
    reg->family = family;
    reg->eventID = eventID;
    reg->callbackID = client->nextCallbackID;
    return reg;
}

static void
regAdd(vkServerClient *client, vkEventReg *reg, int localID)
{
    vkDispatchPrivate *priv = privateGet(client);

    reg->localID = localID;
    client->nextCallbackID++;
    g_mutex_lock(&priv->lock);
    g_ptr_array_add(priv->regs, reg);
    g_mutex_unlock(&priv->lock);
}

static int
localDeregister(virConnectPtr conn, vkEventFamily family, int localID)
{
    switch (family) {
    case FAMILY_DOMAIN:
        return virConnectDomainEventDeregisterAny(conn, localID);
    case FAMILY_NETWORK:
        return virConnectNetworkEventDeregisterAny(conn, localID);
    case FAMILY_STORAGE_POOL:
        return virConnectStoragePoolEventDeregisterAny(conn, localID);
    case FAMILY_NODE_DEVICE:
        return virConnectNodeDeviceEventDeregisterAny(conn, localID);
    }
    return -1;
}

static int
deregister(vkServerClient *client, vkEventFamily family, int callbackID)
{
    vkDispatchPrivate *priv = privateGet(client);
    vkEventReg *found = NULL;

    g_mutex_lock(&priv->lock);
    for (guint i = 0; i < priv->regs->len; i++) {
        vkEventReg *reg = g_ptr_array_index(priv->regs, i);
        if (reg->family == family && reg->callbackID == callbackID) {
            found = reg;
            g_ptr_array_remove_index(priv->regs, i);
            break;
        }
    }
    g_mutex_unlock(&priv->lock);
    if (!found) {
        vkReportError(VIR_ERR_INVALID_ARG, "no event callback registered with ID %d",
                      callbackID);
        return -1;
    }
    /* found is freed by the API's freecb once deregistered. */
    return localDeregister(client->conn, family, found->localID) < 0 ? -1 : 0;
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
            localDeregister(client->conn, reg->family, reg->localID);
        }
        vkErrorRestore(&saved);
    }
    g_mutex_clear(&priv->lock);
    g_ptr_array_unref(priv->regs);
    g_free(priv);
    client->dispatchPrivate = NULL;
}

/* ---- the procedures ---- */

int
vkDispatchDomainEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;
    remote_connect_domain_event_callback_register_any_ret *ret = retp;
    virConnectDomainEventGenericCallback cb = domainHandler(args->eventID);
    virDomainPtr dom = NULL;
    vkEventReg *reg;
    int localID;

    if (!cb) {
        vkReportError(VIR_ERR_NO_SUPPORT, "domain event %d is not forwarded by this daemon",
                      args->eventID);
        return -1;
    }
    if (args->dom && !(dom = vkRemoteGetDomain(client->conn, args->dom)))
        return -1;
    reg = regNew(client, FAMILY_DOMAIN, args->eventID);
    localID = virConnectDomainEventRegisterAny(client->conn, dom, args->eventID, cb,
                                               reg, g_free);
    if (dom)
        vkDomainUnref(dom);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    regAdd(client, reg, localID);
    ret->callbackID = reg->callbackID;
    return 0;
}

int
vkDispatchDomainEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_deregister_any_args *args = argsp;

    (void)retp;
    return deregister(client, FAMILY_DOMAIN, args->callbackID);
}

int
vkDispatchNetworkEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_network_event_register_any_args *args = argsp;
    remote_connect_network_event_register_any_ret *ret = retp;
    virNetworkPtr net = NULL;
    vkEventReg *reg;
    int localID;

    if (args->eventID != VIR_NETWORK_EVENT_ID_LIFECYCLE) {
        vkReportError(VIR_ERR_NO_SUPPORT, "network event %d is not forwarded by this daemon",
                      args->eventID);
        return -1;
    }
    if (args->net && !(net = vkRemoteGetNetwork(client->conn, args->net)))
        return -1;
    reg = regNew(client, FAMILY_NETWORK, args->eventID);
    localID = virConnectNetworkEventRegisterAny(client->conn, net, args->eventID,
                                                VIR_NETWORK_EVENT_CALLBACK(onNetworkLifecycle),
                                                reg, g_free);
    if (net)
        vkNetworkUnref(net);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    regAdd(client, reg, localID);
    ret->callbackID = reg->callbackID;
    return 0;
}

int
vkDispatchNetworkEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_network_event_deregister_any_args *args = argsp;

    (void)retp;
    return deregister(client, FAMILY_NETWORK, args->callbackID);
}

int
vkDispatchStoragePoolEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_register_any_args *args = argsp;
    remote_connect_storage_pool_event_register_any_ret *ret = retp;
    virConnectStoragePoolEventGenericCallback cb;
    virStoragePoolPtr pool = NULL;
    vkEventReg *reg;
    int localID;

    if (args->eventID == VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE) {
        cb = (virConnectStoragePoolEventGenericCallback)(void (*)(void))onPoolLifecycle;
    } else if (args->eventID == VIR_STORAGE_POOL_EVENT_ID_REFRESH) {
        cb = onPoolRefresh;
    } else {
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "storage pool event %d is not forwarded by this daemon", args->eventID);
        return -1;
    }
    if (args->pool && !(pool = vkRemoteGetStoragePool(client->conn, args->pool)))
        return -1;
    reg = regNew(client, FAMILY_STORAGE_POOL, args->eventID);
    localID = virConnectStoragePoolEventRegisterAny(client->conn, pool, args->eventID, cb,
                                                    reg, g_free);
    if (pool)
        vkStoragePoolUnref(pool);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    regAdd(client, reg, localID);
    ret->callbackID = reg->callbackID;
    return 0;
}

int
vkDispatchStoragePoolEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_deregister_any_args *args = argsp;

    (void)retp;
    return deregister(client, FAMILY_STORAGE_POOL, args->callbackID);
}

int
vkDispatchNodeDeviceEventRegisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_node_device_event_register_any_args *args = argsp;
    remote_connect_node_device_event_register_any_ret *ret = retp;
    virConnectNodeDeviceEventGenericCallback cb;
    virNodeDevicePtr dev = NULL;
    vkEventReg *reg;
    int localID;

    if (args->eventID == VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE) {
        cb = (virConnectNodeDeviceEventGenericCallback)(void (*)(void))onNodeDeviceLifecycle;
    } else if (args->eventID == VIR_NODE_DEVICE_EVENT_ID_UPDATE) {
        cb = onNodeDeviceUpdate;
    } else {
        vkReportError(VIR_ERR_NO_SUPPORT,
                      "node device event %d is not forwarded by this daemon", args->eventID);
        return -1;
    }
    if (args->dev && !(dev = vkRemoteGetNodeDevice(client->conn, args->dev)))
        return -1;
    reg = regNew(client, FAMILY_NODE_DEVICE, args->eventID);
    localID = virConnectNodeDeviceEventRegisterAny(client->conn, dev, args->eventID, cb,
                                                   reg, g_free);
    if (dev)
        vkNodeDeviceUnref(dev);
    if (localID < 0) {
        g_free(reg);
        return -1;
    }
    regAdd(client, reg, localID);
    ret->callbackID = reg->callbackID;
    return 0;
}

int
vkDispatchNodeDeviceEventDeregisterAny(vkServerClient *client, void *argsp, void *retp)
{
    remote_connect_node_device_event_deregister_any_args *args = argsp;

    (void)retp;
    return deregister(client, FAMILY_NODE_DEVICE, args->callbackID);
}

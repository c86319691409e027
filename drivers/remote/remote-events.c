/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events over a remote connection.
 *
 * The idea: the daemon is told about each event ID once per connection
 * (one *_REGISTER_ANY for every (family, eventID) with at least one local
 * callback, with no object filter), and everything else is local.  Local
 * callbacks of every family live in the connection's vkEventState, the same
 * registry every in-process driver uses (src/core/domain-event.c); an event
 * MESSAGE read by the reader thread is decoded and queued there, and the
 * application's event loop delivers it -- never the reader thread, so a
 * callback may make remote calls without deadlocking the connection.
 * Object filters are applied locally, which is why the daemon never needs
 * one: a single registration serves every local callback.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "drivers/remote/remote-private.h"
#include "remote_protocol.h"
#include "qemu_protocol.h"
#include "core/qemu-monitor-event.h"

#define NFAMILIES (VK_EVENT_FAMILY_QEMU_MONITOR + 1)
#define MAX_EVENT_IDS 32

/* Each family's register / deregister procedures. */
static const struct {
    int reg;
    int dereg;
} familyProcs[NFAMILIES] = {
    [VK_EVENT_FAMILY_DOMAIN] = {
        REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
        REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY },
    [VK_EVENT_FAMILY_NETWORK] = {
        REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
        REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY },
    [VK_EVENT_FAMILY_STORAGE_POOL] = {
        REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
        REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY },
    [VK_EVENT_FAMILY_NODE_DEVICE] = {
        REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY,
        REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY },
    [VK_EVENT_FAMILY_SECRET] = {
        REMOTE_PROC_CONNECT_SECRET_EVENT_REGISTER_ANY,
        REMOTE_PROC_CONNECT_SECRET_EVENT_DEREGISTER_ANY },
    /* on the QEMU program: see serverCall */
    [VK_EVENT_FAMILY_QEMU_MONITOR] = {
        QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER,
        QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER },
};

/* What the connection registered on the daemon.  The local callbacks
 * themselves are in vkRemoteClientEvents(). */
typedef struct {
    GMutex regLock;             /* serialises (de)registration RPCs */
    int serverCount[NFAMILIES][MAX_EVENT_IDS];
    int serverID[NFAMILIES][MAX_EVENT_IDS];
    GHashTable *localIDs;       /* local callback id -> family/eventID key */
} vkRemoteEvents;

#define ID_KEY(family, eventID) GINT_TO_POINTER((family) * MAX_EVENT_IDS + (eventID))

static void
eventsFree(void *opaque)
{
    vkRemoteEvents *ev = opaque;

    g_hash_table_unref(ev->localIDs);
    g_mutex_clear(&ev->regLock);
    g_free(ev);
}

static vkRemoteEvents *
eventsOf(virConnectPtr conn)
{
    vkRemoteClient *client = conn->privateData;
    vkRemoteEvents *ev = vkRemoteClientEventPrivate(client);

    /* Created on first use: connections without events pay nothing.  The
     * registry calls run on application threads, serialised by the API
     * only per call, hence the once-lock. */
    if (!ev) {
        static GMutex createLock;

        g_mutex_lock(&createLock);
        if (!(ev = vkRemoteClientEventPrivate(client))) {
            ev = g_new0(vkRemoteEvents, 1);
            g_mutex_init(&ev->regLock);
            ev->localIDs = g_hash_table_new(g_direct_hash, g_direct_equal);
            vkRemoteClientSetEventPrivate(client, ev, eventsFree);
        }
        g_mutex_unlock(&createLock);
    }
    return ev;
}

static vkEventState *
stateOf(virConnectPtr conn)
{
    return vkRemoteClientEvents(conn->privateData);
}

/* ---- registrations on the server (regLock held) ---- */

/* QEMU monitor events are asked for on the QEMU program, for every event
 * of every domain (no name, no flags): the name filters, like the object
 * filters, are applied locally. */
static int
qemuMonitorServerCall(virConnectPtr conn, bool reg, int *callbackID)
{
    vkRemoteClient *client = conn->privateData;

    if (reg) {
        qemu_connect_domain_monitor_event_register_args args = { 0 };
        qemu_connect_domain_monitor_event_register_ret ret = { 0 };

        if (vkRemoteClientCallProgram(
                client, QEMU_PROGRAM, QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER,
                (xdrproc_t)xdr_qemu_connect_domain_monitor_event_register_args, &args,
                (xdrproc_t)xdr_qemu_connect_domain_monitor_event_register_ret, &ret,
                NULL, NULL) < 0)
            return -1;
        *callbackID = ret.callbackID;
        return 0;
    } else {
        qemu_connect_domain_monitor_event_deregister_args args = { *callbackID };

        return vkRemoteClientCallProgram(
            client, QEMU_PROGRAM, QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER,
            (xdrproc_t)xdr_qemu_connect_domain_monitor_event_deregister_args, &args,
            NULL, NULL, NULL, NULL);
    }
}

static int
serverRegister(virConnectPtr conn, vkRemoteEvents *ev, vkEventFamily family, int eventID)
{
    /* Every family's register args are {int eventID; optional object},
     * and the object is always absent here, so one layout serves all. */
    remote_connect_domain_event_callback_register_any_args args = {
        .eventID = eventID, .dom = NULL,
    };
    remote_connect_domain_event_callback_register_any_ret ret = { 0 };

    if (eventID < 0 || eventID >= MAX_EVENT_IDS) {
        vkReportError(VIR_ERR_INVALID_ARG, "unknown event ID %d", eventID);
        return -1;
    }
    if (ev->serverCount[family][eventID]++ > 0)
        return 0;
    if (family == VK_EVENT_FAMILY_QEMU_MONITOR) {
        if (qemuMonitorServerCall(conn, true, &ev->serverID[family][eventID]) < 0) {
            ev->serverCount[family][eventID]--;
            return -1;
        }
        return 0;
    }
    if (vkRemoteCall(conn, familyProcs[family].reg,
                     (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args,
                     &args,
                     (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
                     &ret) < 0) {
        ev->serverCount[family][eventID]--;
        return -1;
    }
    ev->serverID[family][eventID] = ret.callbackID;
    return 0;
}

static void
serverDeregister(virConnectPtr conn, vkRemoteEvents *ev, vkEventFamily family, int eventID)
{
    remote_connect_domain_event_callback_deregister_any_args args = { 0 };

    if (eventID < 0 || eventID >= MAX_EVENT_IDS ||
        ev->serverCount[family][eventID] == 0)
        return;
    if (--ev->serverCount[family][eventID] > 0)
        return;
    args.callbackID = ev->serverID[family][eventID];
    if (family == VK_EVENT_FAMILY_QEMU_MONITOR) {
        qemuMonitorServerCall(conn, false, &args.callbackID);
        return;
    }
    /* The local side is already gone; a failure here (a dead connection)
     * leaves nothing to undo, but the caller still sees it. */
    vkRemoteCall(conn, familyProcs[family].dereg,
                 (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
                 &args, NULL, NULL);
}

/* Right after the local registration that returned id: has the daemon
 * send the event ID, or undoes the local registration when it will not.
 * The local registration needs no regLock: until it returns, nobody else
 * knows the id, and the counts below are only touched under the lock. */
static int
serverFollow(virConnectPtr conn, vkEventFamily family, int eventID, int id)
{
    vkRemoteEvents *ev = eventsOf(conn);

    if (id < 0)
        return -1;
    g_mutex_lock(&ev->regLock);
    if (serverRegister(conn, ev, family, eventID) < 0) {
        virErrorPtr saved = vkErrorSave();

        vkObjectEventDeregisterAny(stateOf(conn), conn, family, id);
        vkErrorRestore(&saved);
        id = -1;
    } else {
        g_hash_table_insert(ev->localIDs, GINT_TO_POINTER(id), ID_KEY(family, eventID));
    }
    g_mutex_unlock(&ev->regLock);
    return id;
}

static int
deregisterAny(virConnectPtr conn, vkEventFamily family, int callbackID)
{
    vkRemoteEvents *ev = eventsOf(conn);
    gpointer key;
    int ret = -1;

    g_mutex_lock(&ev->regLock);
    if (vkObjectEventDeregisterAny(stateOf(conn), conn, family, callbackID) < 0)
        goto out;
    if (g_hash_table_steal_extended(ev->localIDs, GINT_TO_POINTER(callbackID),
                                    NULL, &key))
        serverDeregister(conn, ev, family, GPOINTER_TO_INT(key) % MAX_EVENT_IDS);
    ret = 0;
 out:
    g_mutex_unlock(&ev->regLock);
    return ret;
}

/* ---- the driver members ---- */

static int
remoteDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                             virConnectDomainEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb)
{
    int id = vkDomainEventRegisterAny(stateOf(conn), conn, dom, eventID, cb, opaque, freecb);

    return serverFollow(conn, VK_EVENT_FAMILY_DOMAIN, eventID, id);
}

static int
remoteDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_DOMAIN, callbackID);
}

/* The legacy registration has no id: it is found by its function. */
static int
remoteDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                          void *opaque, virFreeCallback freecb)
{
    vkRemoteEvents *ev = eventsOf(conn);
    vkEventState *st = stateOf(conn);
    int ret = -1;

    g_mutex_lock(&ev->regLock);
    if (vkDomainEventRegister(st, conn, cb, opaque, freecb) < 0)
        goto out;
    if (serverRegister(conn, ev, VK_EVENT_FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE) < 0) {
        virErrorPtr saved = vkErrorSave();

        vkDomainEventDeregister(st, conn, cb);
        vkErrorRestore(&saved);
        goto out;
    }
    ret = 0;
 out:
    g_mutex_unlock(&ev->regLock);
    return ret;
}

static int
remoteDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    vkRemoteEvents *ev = eventsOf(conn);
    int ret = -1;

    g_mutex_lock(&ev->regLock);
    if (vkDomainEventDeregister(stateOf(conn), conn, cb) < 0)
        goto out;
    serverDeregister(conn, ev, VK_EVENT_FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    ret = 0;
 out:
    g_mutex_unlock(&ev->regLock);
    return ret;
}

static int
remoteNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                              virConnectNetworkEventGenericCallback cb,
                              void *opaque, virFreeCallback freecb)
{
    int id = vkNetworkEventRegisterAny(stateOf(conn), conn, net, eventID, cb, opaque, freecb);

    return serverFollow(conn, VK_EVENT_FAMILY_NETWORK, eventID, id);
}

static int
remoteNetworkEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_NETWORK, callbackID);
}

static int
remoteStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                  int eventID,
                                  virConnectStoragePoolEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb)
{
    int id = vkStoragePoolEventRegisterAny(stateOf(conn), conn, pool, eventID, cb, opaque, freecb);

    return serverFollow(conn, VK_EVENT_FAMILY_STORAGE_POOL, eventID, id);
}

static int
remoteStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_STORAGE_POOL, callbackID);
}

static int
remoteNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev,
                                 int eventID,
                                 virConnectNodeDeviceEventGenericCallback cb,
                                 void *opaque, virFreeCallback freecb)
{
    int id = vkNodeDeviceEventRegisterAny(stateOf(conn), conn, dev, eventID, cb, opaque, freecb);

    return serverFollow(conn, VK_EVENT_FAMILY_NODE_DEVICE, eventID, id);
}

static int
remoteNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_NODE_DEVICE, callbackID);
}

static int
remoteSecretEventRegisterAny(virConnectPtr conn, virSecretPtr secret, int eventID,
                             virConnectSecretEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb)
{
    int id = vkSecretEventRegisterAny(stateOf(conn), conn, secret, eventID, cb, opaque, freecb);

    return serverFollow(conn, VK_EVENT_FAMILY_SECRET, eventID, id);
}

static int
remoteSecretEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_SECRET, callbackID);
}

static int
remoteQemuMonitorEventRegister(virConnectPtr conn, virDomainPtr dom, const char *event,
                               virConnectDomainQemuMonitorEventCallback cb, void *opaque,
                               virFreeCallback freecb, unsigned int flags)
{
    int id = vkQemuMonitorEventRegister(stateOf(conn), conn, dom, event, cb, opaque, freecb,
                                        flags);

    return serverFollow(conn, VK_EVENT_FAMILY_QEMU_MONITOR, 0, id);
}

static int
remoteQemuMonitorEventDeregister(virConnectPtr conn, int callbackID)
{
    return deregisterAny(conn, VK_EVENT_FAMILY_QEMU_MONITOR, callbackID);
}

void
vkRemoteEventsFillMembers(virHypervisorDriver *drv)
{
    drv->connectDomainEventRegisterAny = remoteDomainEventRegisterAny;
    drv->connectDomainEventDeregisterAny = remoteDomainEventDeregisterAny;
    drv->connectDomainEventRegister = remoteDomainEventRegister;
    drv->connectDomainEventDeregister = remoteDomainEventDeregister;
    drv->connectNetworkEventRegisterAny = remoteNetworkEventRegisterAny;
    drv->connectNetworkEventDeregisterAny = remoteNetworkEventDeregisterAny;
    drv->connectStoragePoolEventRegisterAny = remoteStoragePoolEventRegisterAny;
    drv->connectStoragePoolEventDeregisterAny = remoteStoragePoolEventDeregisterAny;
    drv->connectNodeDeviceEventRegisterAny = remoteNodeDeviceEventRegisterAny;
    drv->connectNodeDeviceEventDeregisterAny = remoteNodeDeviceEventDeregisterAny;
    drv->connectSecretEventRegisterAny = remoteSecretEventRegisterAny;
    drv->connectSecretEventDeregisterAny = remoteSecretEventDeregisterAny;
    drv->connectDomainQemuMonitorEventRegister = remoteQemuMonitorEventRegister;
    drv->connectDomainQemuMonitorEventDeregister = remoteQemuMonitorEventDeregister;
}

void
vkRemoteEventsForget(virConnectPtr conn)
{
    vkEventStateRemoveConnect(stateOf(conn), conn);
}

/* ---- MESSAGEs from the daemon (reader thread) ---- */

/* Decodes body with filter into a zeroed buffer of size bytes; the
 * caller frees it with xdr_free. */
#define DECODE(msg, type, var) \
    type var; \
    memset(&var, 0, sizeof(var)); \
    if (vkRpcMessageDecodeBody(msg, (xdrproc_t)xdr_##type, &var) < 0) { \
        vkErrorReset(); \
        return; \
    }

void
vkRemoteEventDispatch(vkRemoteClient *client, vkRpcMessage *msg)
{
    vkEventState *st = vkRemoteClientEvents(client);

    if (vkRemoteDomainEventDispatch(st, msg))
        return;
    switch (msg->header.proc) {
    case REMOTE_PROC_NETWORK_EVENT_LIFECYCLE: {
        DECODE(msg, remote_network_event_lifecycle_msg, m);
        vkNetworkEventQueueLifecycle(st, m.net.name, (unsigned char *)m.net.uuid,
                                     m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_network_event_lifecycle_msg, (char *)&m);
        break;
    }
    case REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE: {
        DECODE(msg, remote_storage_pool_event_lifecycle_msg, m);
        vkStoragePoolEventQueueLifecycle(st, m.pool.name, (unsigned char *)m.pool.uuid,
                                         m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg,
                 (char *)&m);
        break;
    }
    case REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH: {
        DECODE(msg, remote_storage_pool_event_refresh_msg, m);
        vkStoragePoolEventQueueRefresh(st, m.pool.name, (unsigned char *)m.pool.uuid);
        xdr_free((xdrproc_t)xdr_remote_storage_pool_event_refresh_msg,
                 (char *)&m);
        break;
    }
    case REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE: {
        DECODE(msg, remote_node_device_event_lifecycle_msg, m);
        vkNodeDeviceEventQueueLifecycle(st, m.dev.name, NULL, m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_node_device_event_lifecycle_msg,
                 (char *)&m);
        break;
    }
    case REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE: {
        DECODE(msg, remote_node_device_event_update_msg, m);
        vkNodeDeviceEventQueueUpdate(st, m.dev.name, NULL);
        xdr_free((xdrproc_t)xdr_remote_node_device_event_update_msg, (char *)&m);
        break;
    }
    case REMOTE_PROC_SECRET_EVENT_LIFECYCLE: {
        DECODE(msg, remote_secret_event_lifecycle_msg, m);
        vkSecretEventQueueLifecycle(st, (unsigned char *)m.secret.uuid, m.secret.usageType,
                                    m.secret.usageID, m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_secret_event_lifecycle_msg, (char *)&m);
        break;
    }
    case REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED: {
        DECODE(msg, remote_secret_event_value_changed_msg, m);
        vkSecretEventQueueValueChanged(st, (unsigned char *)m.secret.uuid,
                                       m.secret.usageType, m.secret.usageID);
        xdr_free((xdrproc_t)xdr_remote_secret_event_value_changed_msg, (char *)&m);
        break;
    }
    default:
        /* events nobody here can receive yet */
        break;
    }
}

void
vkRemoteQemuEventDispatch(vkRemoteClient *client, vkRpcMessage *msg)
{
    if (msg->header.proc != QEMU_PROC_DOMAIN_MONITOR_EVENT)
        return;
    DECODE(msg, qemu_domain_monitor_event_msg, m);
    vkQemuMonitorEventQueue(vkRemoteClientEvents(client), m.dom.name,
                            (unsigned char *)m.dom.uuid, m.dom.id, m.event, m.seconds,
                            m.micros, m.details ? *m.details : NULL);
    xdr_free((xdrproc_t)xdr_qemu_domain_monitor_event_msg, (char *)&m);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events over a remote connection.
 *
 * The idea: the daemon is told about each event ID once per connection
 * (one *_REGISTER_ANY for every (family, eventID) with at least one local
 * callback, with no object filter), and everything else is local.  Local
 * callbacks live in the connection's vkEventState for domain events and in
 * a small list here for networks, storage pools and node devices; an event
 * MESSAGE read by the reader thread is decoded and queued, and the
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

enum {
    FAMILY_DOMAIN,
    FAMILY_NETWORK,
    FAMILY_POOL,
    FAMILY_NODEDEV,
    FAMILY_LAST,
};

#define MAX_EVENT_IDS 32

/* Procedure numbers of each family's register / deregister calls. */
static const int registerProc[FAMILY_LAST] = { 316, 313, 368, 374 };
static const int deregisterProc[FAMILY_LAST] = { 317, 314, 369, 375 };
static const int eventIDLast[FAMILY_LAST] = {
    VIR_DOMAIN_EVENT_ID_LAST, VIR_NETWORK_EVENT_ID_LAST,
    VIR_STORAGE_POOL_EVENT_ID_LAST, VIR_NODE_DEVICE_EVENT_ID_LAST,
};

#define CB_AS(type, fn) ((type)(void (*)(void))(fn))

typedef void (*vkGenericFn)(void);

/* A local callback of the non-domain families. */
typedef struct {
    gint refs;
    gint deleted;
    int id;
    int family;
    int eventID;
    virConnectPtr conn;         /* not referenced; removed on close */
    char *filterName;           /* NULL: every object */
    vkGenericFn cb;
    void *opaque;
    virFreeCallback freecb;
} vkObjCallback;

typedef struct {
    int family;
    int eventID;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int event;
    int detail;
} vkObjEvent;

typedef struct {
    gint refs;                  /* the client's, plus one for the timer */
    GMutex regLock;             /* serialises (de)registration RPCs */
    int serverCount[FAMILY_LAST][MAX_EVENT_IDS];
    int serverID[FAMILY_LAST][MAX_EVENT_IDS];
    GHashTable *domainIDs;      /* local domain callback id -> eventID */

    GMutex lock;                /* guards the object-event part */
    GPtrArray *callbacks;       /* vkObjCallback * */
    GQueue queue;               /* vkObjEvent * */
    int timer;
    int nextID;
} vkRemoteEvents;

static void
objCallbackUnref(vkObjCallback *cb)
{
    if (!g_atomic_int_dec_and_test(&cb->refs))
        return;
    if (cb->freecb)
        cb->freecb(cb->opaque);
    g_free(cb->filterName);
    g_free(cb);
}

static void
objEventFree(vkObjEvent *ev)
{
    g_free(ev->name);
    g_free(ev);
}

static void
eventsUnref(void *opaque)
{
    vkRemoteEvents *ev = opaque;

    if (!g_atomic_int_dec_and_test(&ev->refs))
        return;
    g_hash_table_unref(ev->domainIDs);
    g_ptr_array_unref(ev->callbacks);
    g_queue_clear_full(&ev->queue, (GDestroyNotify)objEventFree);
    g_mutex_clear(&ev->lock);
    g_mutex_clear(&ev->regLock);
    g_free(ev);
}

/* The client's reference goes with the client. */
static void
eventsRelease(void *opaque)
{
    vkRemoteEvents *ev = opaque;
    int timer;

    g_mutex_lock(&ev->lock);
    timer = ev->timer;
    ev->timer = -1;
    g_mutex_unlock(&ev->lock);
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    eventsUnref(ev);
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
            ev->refs = 1;
            g_mutex_init(&ev->regLock);
            g_mutex_init(&ev->lock);
            ev->domainIDs = g_hash_table_new(g_direct_hash, g_direct_equal);
            ev->callbacks = g_ptr_array_new();
            g_queue_init(&ev->queue);
            ev->timer = -1;
            vkRemoteClientSetEventPrivate(client, ev, eventsRelease);
        }
        g_mutex_unlock(&createLock);
    }
    return ev;
}

/* ---- registrations on the server (regLock held) ---- */

static int
serverRegister(virConnectPtr conn, vkRemoteEvents *ev, int family, int eventID)
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
    if (vkRemoteCall(conn, registerProc[family],
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
serverDeregister(virConnectPtr conn, vkRemoteEvents *ev, int family, int eventID)
{
    remote_connect_domain_event_callback_deregister_any_args args = { 0 };

    if (eventID < 0 || eventID >= MAX_EVENT_IDS ||
        ev->serverCount[family][eventID] == 0)
        return;
    if (--ev->serverCount[family][eventID] > 0)
        return;
    args.callbackID = ev->serverID[family][eventID];
    /* The local side is already gone; a failure here (a dead connection)
     * leaves nothing to undo, but the caller still sees it. */
    vkRemoteCall(conn, deregisterProc[family],
                 (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
                 &args, NULL, NULL);
}

/* ---- domain events: vkEventState does the local part ---- */

static int
remoteDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                             virConnectDomainEventGenericCallback cb,
                             void *opaque, virFreeCallback freecb)
{
    vkRemoteEvents *ev = eventsOf(conn);
    vkEventState *st = vkRemoteClientEvents(conn->privateData);
    int id;

    g_mutex_lock(&ev->regLock);
    if ((id = vkDomainEventRegisterAny(st, conn, dom, eventID, cb, opaque,
                                       freecb)) < 0)
        goto out;
    if (serverRegister(conn, ev, FAMILY_DOMAIN, eventID) < 0) {
        virErrorPtr saved = vkErrorSave();

        vkDomainEventDeregisterAny(st, conn, id);
        vkErrorRestore(&saved);
        id = -1;
        goto out;
    }
    g_hash_table_insert(ev->domainIDs, GINT_TO_POINTER(id),
                        GINT_TO_POINTER(eventID));
 out:
    g_mutex_unlock(&ev->regLock);
    return id;
}

static int
remoteDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkRemoteEvents *ev = eventsOf(conn);
    gpointer eventID;
    int ret = -1;

    g_mutex_lock(&ev->regLock);
    if (vkDomainEventDeregisterAny(vkRemoteClientEvents(conn->privateData), conn,
                                   callbackID) < 0)
        goto out;
    if (g_hash_table_steal_extended(ev->domainIDs, GINT_TO_POINTER(callbackID),
                                    NULL, &eventID))
        serverDeregister(conn, ev, FAMILY_DOMAIN, GPOINTER_TO_INT(eventID));
    ret = 0;
 out:
    g_mutex_unlock(&ev->regLock);
    return ret;
}

static int
remoteDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                          void *opaque, virFreeCallback freecb)
{
    vkRemoteEvents *ev = eventsOf(conn);
    vkEventState *st = vkRemoteClientEvents(conn->privateData);
    int ret = -1;

    g_mutex_lock(&ev->regLock);
    if (vkDomainEventRegister(st, conn, cb, opaque, freecb) < 0)
        goto out;
    if (serverRegister(conn, ev, FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE) < 0) {
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
    if (vkDomainEventDeregister(vkRemoteClientEvents(conn->privateData), conn, cb) < 0)
        goto out;
    serverDeregister(conn, ev, FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    ret = 0;
 out:
    g_mutex_unlock(&ev->regLock);
    return ret;
}

/* ---- the other families: a list and a timer of our own ---- */

static bool
connTryRef(virConnectPtr conn)
{
    gint refs;

    do {
        refs = g_atomic_int_get(&conn->refs);
        if (refs <= 0)
            return false;
    } while (!g_atomic_int_compare_and_exchange(&conn->refs, refs, refs + 1));
    return true;
}

static void
objDeliver(vkObjCallback *cb, const vkObjEvent *e)
{
    virConnectPtr conn = cb->conn;

    if (g_atomic_int_get(&cb->deleted) || cb->family != e->family ||
        cb->eventID != e->eventID)
        return;
    if (cb->filterName && strcmp(cb->filterName, e->name) != 0)
        return;

    switch (e->family) {
    case FAMILY_NETWORK: {
        virNetworkPtr net = vkGetNetwork(conn, e->name, e->uuid);

        if (!net)
            return;
        CB_AS(virConnectNetworkEventLifecycleCallback, cb->cb)(
            conn, net, e->event, e->detail, cb->opaque);
        vkNetworkUnref(net);
        break;
    }
    case FAMILY_POOL: {
        virStoragePoolPtr pool = vkGetStoragePool(conn, e->name, e->uuid);

        if (!pool)
            return;
        if (e->eventID == VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE)
            CB_AS(virConnectStoragePoolEventLifecycleCallback, cb->cb)(
                conn, pool, e->event, e->detail, cb->opaque);
        else
            CB_AS(virConnectStoragePoolEventGenericCallback, cb->cb)(
                conn, pool, cb->opaque);
        vkStoragePoolUnref(pool);
        break;
    }
    case FAMILY_NODEDEV: {
        virNodeDevicePtr dev = vkGetNodeDevice(conn, e->name, NULL);

        if (!dev)
            return;
        if (e->eventID == VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE)
            CB_AS(virConnectNodeDeviceEventLifecycleCallback, cb->cb)(
                conn, dev, e->event, e->detail, cb->opaque);
        else
            CB_AS(virConnectNodeDeviceEventGenericCallback, cb->cb)(
                conn, dev, cb->opaque);
        vkNodeDeviceUnref(dev);
        break;
    }
    default:
        break;
    }
}

static void
objFlush(int timer, void *opaque)
{
    vkRemoteEvents *ev = opaque;
    g_autoptr(GPtrArray) snapshot = g_ptr_array_new();
    GQueue batch;
    vkObjEvent *e;

    g_mutex_lock(&ev->lock);
    batch = ev->queue;
    g_queue_init(&ev->queue);
    if (ev->timer >= 0)
        virEventUpdateTimeout(ev->timer, -1);
    for (guint i = 0; i < ev->callbacks->len; i++) {
        vkObjCallback *cb = g_ptr_array_index(ev->callbacks, i);

        if (!connTryRef(cb->conn))
            continue;
        g_atomic_int_inc(&cb->refs);
        g_ptr_array_add(snapshot, cb);
    }
    g_mutex_unlock(&ev->lock);

    while ((e = g_queue_pop_head(&batch))) {
        for (guint i = 0; i < snapshot->len; i++)
            objDeliver(g_ptr_array_index(snapshot, i), e);
        objEventFree(e);
    }
    for (guint i = 0; i < snapshot->len; i++) {
        vkObjCallback *cb = g_ptr_array_index(snapshot, i);
        virConnectPtr conn = cb->conn;

        objCallbackUnref(cb);
        vkConnectUnref(conn);
    }
}

static int
objRegister(virConnectPtr conn, int family, const char *filterName, int eventID,
            vkGenericFn fn, void *opaque, virFreeCallback freecb)
{
    vkRemoteEvents *ev = eventsOf(conn);
    vkObjCallback *cb;
    int id = -1;

    if (eventID < 0 || eventID >= eventIDLast[family]) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unknown event ID %d (valid IDs are 0 to %d)",
                      eventID, eventIDLast[family] - 1);
        return -1;
    }
    if (!fn) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "an event callback function is required");
        return -1;
    }

    g_mutex_lock(&ev->regLock);
    g_mutex_lock(&ev->lock);
    if (ev->timer < 0) {
        g_atomic_int_inc(&ev->refs);
        ev->timer = virEventAddTimeout(-1, objFlush, ev, eventsUnref);
        if (ev->timer < 0) {
            g_atomic_int_add(&ev->refs, -1);
            g_mutex_unlock(&ev->lock);
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "could not initialize event timer: no event loop "
                          "implementation is registered");
            goto out;
        }
    }
    g_mutex_unlock(&ev->lock);

    if (serverRegister(conn, ev, family, eventID) < 0)
        goto out;

    cb = g_new0(vkObjCallback, 1);
    cb->refs = 1;
    cb->family = family;
    cb->eventID = eventID;
    cb->conn = conn;
    cb->filterName = g_strdup(filterName);
    cb->cb = fn;
    cb->opaque = opaque;
    cb->freecb = freecb;
    g_mutex_lock(&ev->lock);
    cb->id = id = ev->nextID++;
    g_ptr_array_add(ev->callbacks, cb);
    g_mutex_unlock(&ev->lock);
 out:
    g_mutex_unlock(&ev->regLock);
    return id;
}

static int
objDeregister(virConnectPtr conn, int family, int callbackID)
{
    vkRemoteEvents *ev = eventsOf(conn);
    vkObjCallback *found = NULL;

    g_mutex_lock(&ev->regLock);
    g_mutex_lock(&ev->lock);
    for (guint i = 0; i < ev->callbacks->len; i++) {
        vkObjCallback *cb = g_ptr_array_index(ev->callbacks, i);

        if (cb->id == callbackID && cb->family == family) {
            found = cb;
            g_atomic_int_set(&cb->deleted, 1);
            g_ptr_array_remove_index(ev->callbacks, i);
            break;
        }
    }
    g_mutex_unlock(&ev->lock);
    if (found)
        serverDeregister(conn, ev, family, found->eventID);
    g_mutex_unlock(&ev->regLock);

    if (!found) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "could not find event callback %d for deletion", callbackID);
        return -1;
    }
    objCallbackUnref(found);
    return 0;
}

static int
remoteNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                              virConnectNetworkEventGenericCallback cb,
                              void *opaque, virFreeCallback freecb)
{
    return objRegister(conn, FAMILY_NETWORK, net ? net->name : NULL, eventID,
                       (vkGenericFn)cb, opaque, freecb);
}

static int
remoteNetworkEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return objDeregister(conn, FAMILY_NETWORK, callbackID);
}

static int
remoteStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                  int eventID,
                                  virConnectStoragePoolEventGenericCallback cb,
                                  void *opaque, virFreeCallback freecb)
{
    return objRegister(conn, FAMILY_POOL, pool ? pool->name : NULL, eventID,
                       (vkGenericFn)cb, opaque, freecb);
}

static int
remoteStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return objDeregister(conn, FAMILY_POOL, callbackID);
}

static int
remoteNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev,
                                 int eventID,
                                 virConnectNodeDeviceEventGenericCallback cb,
                                 void *opaque, virFreeCallback freecb)
{
    return objRegister(conn, FAMILY_NODEDEV, dev ? dev->name : NULL, eventID,
                       (vkGenericFn)cb, opaque, freecb);
}

static int
remoteNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return objDeregister(conn, FAMILY_NODEDEV, callbackID);
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
}

void
vkRemoteEventsForget(virConnectPtr conn)
{
    vkRemoteClient *client = conn->privateData;
    vkRemoteEvents *ev = vkRemoteClientEventPrivate(client);
    g_autoptr(GPtrArray) removed = NULL;

    vkEventStateRemoveConnect(vkRemoteClientEvents(client), conn);
    if (!ev)
        return;
    g_mutex_lock(&ev->lock);
    removed = g_steal_pointer(&ev->callbacks);
    ev->callbacks = g_ptr_array_new();
    g_mutex_unlock(&ev->lock);
    for (guint i = 0; i < removed->len; i++) {
        vkObjCallback *cb = g_ptr_array_index(removed, i);

        g_atomic_int_set(&cb->deleted, 1);
        objCallbackUnref(cb);
    }
}

/* ---- MESSAGEs from the daemon (reader thread) ---- */

static void
objQueue(vkRemoteClient *client, int family, int eventID, const char *name,
         const unsigned char *uuid, int event, int detail)
{
    vkRemoteEvents *ev = vkRemoteClientEventPrivate(client);
    vkObjEvent *e;

    if (!ev)
        return;
    e = g_new0(vkObjEvent, 1);
    e->family = family;
    e->eventID = eventID;
    e->name = g_strdup(name);
    if (uuid)
        memcpy(e->uuid, uuid, VIR_UUID_BUFLEN);
    e->event = event;
    e->detail = detail;

    g_mutex_lock(&ev->lock);
    if (ev->timer < 0) {
        g_mutex_unlock(&ev->lock);
        objEventFree(e);
        return;
    }
    g_queue_push_tail(&ev->queue, e);
    if (ev->queue.length == 1)
        virEventUpdateTimeout(ev->timer, 0);
    g_mutex_unlock(&ev->lock);
}

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

    switch (msg->header.proc) {
    case 318: {
        DECODE(msg, remote_domain_event_callback_lifecycle_msg, m);
        vkDomainEventQueueLifecycle(st, m.msg.dom.name,
                                    (unsigned char *)m.msg.dom.uuid,
                                    m.msg.dom.id, m.msg.event, m.msg.detail);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                 (char *)&m);
        break;
    }
    case 319: {
        DECODE(msg, remote_domain_event_callback_reboot_msg, m);
        vkDomainEventQueueReboot(st, m.msg.dom.name,
                                 (unsigned char *)m.msg.dom.uuid, m.msg.dom.id);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_reboot_msg,
                 (char *)&m);
        break;
    }
    case 333: {
        DECODE(msg, remote_domain_event_callback_device_removed_msg, m);
        vkDomainEventQueueDevice(st, m.msg.dom.name,
                                 (unsigned char *)m.msg.dom.uuid, m.msg.dom.id,
                                 VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                 m.msg.devAlias);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_device_removed_msg,
                 (char *)&m);
        break;
    }
    case 354: {
        DECODE(msg, remote_domain_event_callback_device_added_msg, m);
        vkDomainEventQueueDevice(st, m.dom.name, (unsigned char *)m.dom.uuid,
                                 m.dom.id, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                 m.devAlias);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_device_added_msg,
                 (char *)&m);
        break;
    }
    case 379: {
        DECODE(msg, remote_domain_event_callback_metadata_change_msg, m);
        vkDomainEventQueueMetadataChange(st, m.dom.name,
                                         (unsigned char *)m.dom.uuid, m.dom.id,
                                         m.type, m.nsuri ? *m.nsuri : NULL);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg,
                 (char *)&m);
        break;
    }
    case 315: {
        DECODE(msg, remote_network_event_lifecycle_msg, m);
        objQueue(client, FAMILY_NETWORK, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                 m.net.name, (unsigned char *)m.net.uuid, m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_network_event_lifecycle_msg, (char *)&m);
        break;
    }
    case 370: {
        DECODE(msg, remote_storage_pool_event_lifecycle_msg, m);
        objQueue(client, FAMILY_POOL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                 m.pool.name, (unsigned char *)m.pool.uuid, m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg,
                 (char *)&m);
        break;
    }
    case 373: {
        DECODE(msg, remote_storage_pool_event_refresh_msg, m);
        objQueue(client, FAMILY_POOL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                 m.pool.name, (unsigned char *)m.pool.uuid, 0, 0);
        xdr_free((xdrproc_t)xdr_remote_storage_pool_event_refresh_msg,
                 (char *)&m);
        break;
    }
    case 376: {
        DECODE(msg, remote_node_device_event_lifecycle_msg, m);
        objQueue(client, FAMILY_NODEDEV, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                 m.dev.name, NULL, m.event, m.detail);
        xdr_free((xdrproc_t)xdr_remote_node_device_event_lifecycle_msg,
                 (char *)&m);
        break;
    }
    case 377: {
        DECODE(msg, remote_node_device_event_update_msg, m);
        objQueue(client, FAMILY_NODEDEV, VIR_NODE_DEVICE_EVENT_ID_UPDATE,
                 m.dev.name, NULL, 0, 0);
        xdr_free((xdrproc_t)xdr_remote_node_device_event_update_msg, (char *)&m);
        break;
    }
    default:
        /* events nobody here can receive yet */
        break;
    }
}

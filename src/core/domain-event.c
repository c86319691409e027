/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain event fan-out: callbacks registered per driver state, events
 * queued by the driver, delivery from the application's event loop.
 *
 * The one idea: drivers only ever append to a queue, and a single 0 ms
 * timer on the registered event loop drains it.  Delivery copies the
 * callback list (taking a reference on each record) under the state lock,
 * then calls every callback with no lock held, so a callback may call any
 * API -- including registering, deregistering or closing its connection.
 * A record carries a "deleted" flag checked just before each call, and its
 * free callback runs when its last reference goes: on deregistration, or
 * right after the delivery pass that was still using it.
 *
 * The other object families (networks, storage pools, node devices and
 * secrets: object-event.c) ride on the same queue, timer and callback
 * list: each record and event carries its family, so callback ids come from one counter per state, as in
 * libvirt, and a driver needs a single vkEventState for everything.
 *
 * Registrations do not hold a reference on their connection (a connection
 * would otherwise keep itself alive); instead each driver's connectClose
 * calls vkEventStateRemoveConnect.  Delivery takes a temporary reference
 * only on connections that are still alive.
 */
#include <string.h>

#include "core/domain-event.h"
#include "util/event-loop.h"
#include "util/uuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

#include "core/event-priv.h"

struct _vkEventState {
    gint refs;                      /* the owner's, plus one for the timer */
    GMutex lock;
    bool freed;
    GPtrArray *callbacks;           /* vkEventCallback *, registration order */
    GQueue queue;                   /* vkDomainEvent * */
    int timer;                      /* -1 until the first registration */
    int nextID;
};

static void
callbackUnref(vkEventCallback *cb)
{
    if (!g_atomic_int_dec_and_test(&cb->refs))
        return;
    if (cb->freecb)
        cb->freecb(cb->opaque);
    if (cb->matchFree)
        cb->matchFree(cb->matchData);
    g_free(cb->filterName);
    g_free(cb);
}

static void
eventFree(vkDomainEvent *ev)
{
    g_free(ev->name);
    g_free(ev->str);
    g_free(ev->details);
    vkEventClearMore(ev);
    g_free(ev);
}

static void
stateUnref(void *opaque)
{
    vkEventState *st = opaque;

    if (!g_atomic_int_dec_and_test(&st->refs))
        return;
    g_ptr_array_unref(st->callbacks);
    g_mutex_clear(&st->lock);
    g_free(st);
}

vkEventState *
vkEventStateNew(void)
{
    vkEventState *st = g_new0(vkEventState, 1);

    st->refs = 1;
    g_mutex_init(&st->lock);
    st->callbacks = g_ptr_array_new();
    g_queue_init(&st->queue);
    st->timer = -1;
    return st;
}

/* A reference on a connection whose count has not yet reached zero; a
 * connection already on its way out (its close will call
 * vkEventStateRemoveConnect) gets no more events. */
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
deliver(vkEventCallback *cb, const vkDomainEvent *ev)
{
    virDomainPtr dom;

    if (g_atomic_int_get(&cb->deleted))
        return;
    if (cb->family != ev->family || cb->eventID != ev->eventID)
        return;
    if (cb->hasFilter && memcmp(cb->uuid, ev->uuid, VIR_UUID_BUFLEN) != 0)
        return;
    if (cb->filterName && g_strcmp0(cb->filterName, ev->name) != 0)
        return;
    if (cb->match && !cb->match(cb->matchData, ev))
        return;
    if (ev->family == VK_EVENT_FAMILY_QEMU_MONITOR) {
        vkEventDeliverQemuMonitor(cb, ev);
        return;
    }
    if (ev->family != VK_EVENT_FAMILY_DOMAIN) {
        vkEventDeliverObject(cb, ev);
        return;
    }

    if (!(dom = vkGetDomain(cb->conn, ev->name, ev->uuid, ev->id)))
        return;

    switch (ev->eventID) {
    case VIR_DOMAIN_EVENT_ID_LIFECYCLE:
        CB_AS(virConnectDomainEventCallback, cb->cb)(cb->conn, dom, ev->event,
                                                ev->detail, cb->opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_REBOOT:
        cb->cb(cb->conn, dom, cb->opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE:
        CB_AS(virConnectDomainEventMetadataChangeCallback, cb->cb)(
            cb->conn, dom, ev->event, ev->str, cb->opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE:
        CB_AS(virConnectDomainEventAgentLifecycleCallback, cb->cb)(
            cb->conn, dom, ev->event, ev->detail, cb->opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED:
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        CB_AS(virConnectDomainEventDeviceAddedCallback, cb->cb)(
            cb->conn, dom, ev->str, cb->opaque);
        break;
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB:
    case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2:
        CB_AS(virConnectDomainEventBlockJobCallback, cb->cb)(
            cb->conn, dom, ev->str, ev->event, ev->detail, cb->opaque);
        break;
    default:
        vkEventDeliverDomainMore(cb, dom, ev);
        break;
    }
    vkDomainUnref(dom);
}

/* The state's timer: drains the queue, disarms itself, delivers. */
static void
flushTimer(int timer, void *opaque)
{
    vkEventState *st = opaque;
    GQueue batch = G_QUEUE_INIT;
    g_autoptr(GPtrArray) snapshot = g_ptr_array_new();
    vkDomainEvent *ev;
    guint i;

    g_mutex_lock(&st->lock);
    if (st->freed) {
        g_mutex_unlock(&st->lock);
        return;
    }
    batch = st->queue;
    g_queue_init(&st->queue);
    if (st->timer >= 0)
        virEventUpdateTimeout(st->timer, -1);
    for (i = 0; i < st->callbacks->len; i++) {
        vkEventCallback *cb = g_ptr_array_index(st->callbacks, i);

        if (!connTryRef(cb->conn))
            continue;
        g_atomic_int_inc(&cb->refs);
        g_ptr_array_add(snapshot, cb);
    }
    g_mutex_unlock(&st->lock);

    while ((ev = g_queue_pop_head(&batch))) {
        for (i = 0; i < snapshot->len; i++)
            deliver(g_ptr_array_index(snapshot, i), ev);
        eventFree(ev);
    }

    for (i = 0; i < snapshot->len; i++) {
        vkEventCallback *cb = g_ptr_array_index(snapshot, i);
        virConnectPtr conn = cb->conn;

        callbackUnref(cb);
        vkConnectUnref(conn);
    }
}

/* Called with the lock held.  Libvirt's own test driver refuses event
 * registration when the application registered no event loop ("could not
 * initialize domain event timer"), since the events could never be
 * delivered; virtkit does the same rather than queueing forever. */
static int
timerEnsure(vkEventState *st)
{
    if (st->timer >= 0)
        return 0;

    g_atomic_int_inc(&st->refs);
    st->timer = virEventAddTimeout(-1, flushTimer, st, stateUnref);
    if (st->timer >= 0)
        return 0;

    g_atomic_int_add(&st->refs, -1);   /* never the last: the owner holds one */
    if (!vkEventLoopIsRegistered())
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "could not initialize domain event timer: no event loop "
                      "implementation is registered (call "
                      "virEventRegisterDefaultImpl or virEventRegisterImpl first)");
    else
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "could not initialize domain event timer: the registered "
                      "event loop refused to add a timeout");
    return -1;
}

/* Called with the lock held after a removal: with no callbacks left the
 * timer goes, and so do events nobody can receive.  Returns the timer id
 * for the caller to remove once unlocked, or -1. */
static int
timerReleaseIfIdle(vkEventState *st, GQueue *dropped)
{
    int timer = st->timer;

    if (st->callbacks->len > 0 || timer < 0)
        return -1;
    st->timer = -1;
    *dropped = st->queue;
    g_queue_init(&st->queue);
    return timer;
}

static void
finishRemoval(int timer, GQueue *dropped, GPtrArray *removed)
{
    guint i;

    g_queue_clear_full(dropped, (GDestroyNotify)eventFree);
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    for (i = 0; removed && i < removed->len; i++)
        callbackUnref(g_ptr_array_index(removed, i));
}

static const struct {
    const char *name;
    int lastID;
} families[] = {
    [VK_EVENT_FAMILY_DOMAIN] = { "domain", VIR_DOMAIN_EVENT_ID_LAST },
    [VK_EVENT_FAMILY_NETWORK] = { "network", VIR_NETWORK_EVENT_ID_LAST },
    [VK_EVENT_FAMILY_STORAGE_POOL] = { "storage pool", VIR_STORAGE_POOL_EVENT_ID_LAST },
    [VK_EVENT_FAMILY_NODE_DEVICE] = { "node device", VIR_NODE_DEVICE_EVENT_ID_LAST },
    [VK_EVENT_FAMILY_SECRET] = { "secret", VIR_SECRET_EVENT_ID_LAST },
    [VK_EVENT_FAMILY_QEMU_MONITOR] = { "qemu monitor", 1 },
};

int
vkEventCallbackAdd(vkEventState *st, virConnectPtr conn, vkEventFamily family,
            const vkEventFilter *filter, int eventID, bool legacy,
            virConnectDomainEventGenericCallback cb,
            void *opaque, virFreeCallback freecb)
{
    const char *fname = families[family].name;
    bool hasUUID = filter && filter->uuid;
    const char *filterName = filter ? filter->name : NULL;
    vkEventCallback *rec;
    guint i;
    int id;

    if (eventID < 0 || eventID >= families[family].lastID) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unknown %s event ID %d (valid IDs are 0 to %d)",
                      fname, eventID, families[family].lastID - 1);
        goto fail;
    }
    if (!cb) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "a %s event callback function is required", fname);
        goto fail;
    }

    g_mutex_lock(&st->lock);
    /* As in libvirt, a callback with an event filter of its own may be
     * registered several times (each with another filter). */
    for (i = 0; !(filter && filter->match) && i < st->callbacks->len; i++) {
        vkEventCallback *cur = g_ptr_array_index(st->callbacks, i);

        if (cur->conn == conn && cur->cb == cb && cur->family == family &&
            cur->eventID == eventID &&
            cur->legacy == legacy && cur->hasFilter == hasUUID &&
            (!hasUUID || memcmp(cur->uuid, filter->uuid, VIR_UUID_BUFLEN) == 0) &&
            g_strcmp0(cur->filterName, filterName) == 0) {
            g_mutex_unlock(&st->lock);
            vkReportError(VIR_ERR_INVALID_ARG,
                          "event callback already tracked for %s event ID %d%s%s",
                          fname, eventID, filter ? " of " : "",
                          filter ? filter->objName : "");
            goto fail;
        }
    }
    if (timerEnsure(st) < 0) {
        g_mutex_unlock(&st->lock);
        goto fail;
    }

    rec = g_new0(vkEventCallback, 1);
    rec->refs = 1;
    rec->id = id = st->nextID++;
    rec->conn = conn;
    rec->family = family;
    if (hasUUID) {
        rec->hasFilter = true;
        memcpy(rec->uuid, filter->uuid, VIR_UUID_BUFLEN);
    }
    rec->filterName = g_strdup(filterName);
    if (filter && filter->match) {
        rec->match = filter->match;
        rec->matchData = filter->matchData;
        rec->matchFree = filter->matchFree;
    }
    rec->eventID = eventID;
    rec->legacy = legacy;
    rec->cb = cb;
    rec->opaque = opaque;
    rec->freecb = freecb;
    g_ptr_array_add(st->callbacks, rec);
    g_mutex_unlock(&st->lock);
    return id;

 fail:
    if (filter && filter->matchFree)
        filter->matchFree(filter->matchData);
    return -1;
}

/* Removes the first record matching pred; returns it (still referenced by
 * the caller) or NULL.  Called with the lock held. */
static vkEventCallback *
callbackTake(vkEventState *st, virConnectPtr conn, vkEventFamily family,
             int id, bool legacy, virConnectDomainEventCallback legacyCb)
{
    guint i;

    for (i = 0; i < st->callbacks->len; i++) {
        vkEventCallback *cur = g_ptr_array_index(st->callbacks, i);

        if (cur->conn != conn || cur->legacy != legacy || cur->family != family)
            continue;
        if (legacy ? cur->cb != CB_AS(virConnectDomainEventGenericCallback, legacyCb)
                   : cur->id != id)
            continue;
        g_atomic_int_set(&cur->deleted, 1);
        g_ptr_array_remove_index(st->callbacks, i);
        return cur;
    }
    return NULL;
}

int
vkEventCallbackRemove(vkEventState *st, virConnectPtr conn, vkEventFamily family,
               int id, bool legacy, virConnectDomainEventCallback legacyCb)
{
    vkEventCallback *rec;
    GQueue dropped = G_QUEUE_INIT;
    int timer;

    g_mutex_lock(&st->lock);
    rec = callbackTake(st, conn, family, id, legacy, legacyCb);
    if (!rec) {
        g_mutex_unlock(&st->lock);
        if (legacy)
            vkReportError(VIR_ERR_INVALID_ARG,
                          "event callback function %p not registered",
                          (void *)legacyCb);
        else
            vkReportError(VIR_ERR_INVALID_ARG,
                          "could not find event callback %d for deletion", id);
        return -1;
    }
    timer = timerReleaseIfIdle(st, &dropped);
    g_mutex_unlock(&st->lock);

    finishRemoval(timer, &dropped, NULL);
    callbackUnref(rec);
    return 0;
}

int
vkDomainEventRegisterAny(vkEventState *st, virConnectPtr conn,
                         virDomainPtr dom, int eventID,
                         virConnectDomainEventGenericCallback cb,
                         void *opaque, virFreeCallback freecb)
{
    vkEventFilter filter = { dom ? dom->uuid : NULL, NULL, dom ? dom->name : NULL };

    return vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_DOMAIN, dom ? &filter : NULL,
                       eventID, false, cb, opaque, freecb);
}

int
vkDomainEventDeregisterAny(vkEventState *st, virConnectPtr conn,
                           int callbackID)
{
    return vkEventCallbackRemove(st, conn, VK_EVENT_FAMILY_DOMAIN, callbackID, false, NULL);
}

int
vkDomainEventRegister(vkEventState *st, virConnectPtr conn,
                      virConnectDomainEventCallback cb,
                      void *opaque, virFreeCallback freecb)
{
    if (vkEventCallbackAdd(st, conn, VK_EVENT_FAMILY_DOMAIN, NULL,
                    VIR_DOMAIN_EVENT_ID_LIFECYCLE, true,
                    CB_AS(virConnectDomainEventGenericCallback, cb),
                    opaque, freecb) < 0)
        return -1;
    return 0;
}

int
vkDomainEventDeregister(vkEventState *st, virConnectPtr conn,
                        virConnectDomainEventCallback cb)
{
    return vkEventCallbackRemove(st, conn, VK_EVENT_FAMILY_DOMAIN, -1, true, cb);
}

void
vkEventStateRemoveConnect(vkEventState *st, virConnectPtr conn)
{
    g_autoptr(GPtrArray) removed = g_ptr_array_new();
    GQueue dropped = G_QUEUE_INIT;
    guint i = 0;
    int timer;

    if (!st)
        return;

    g_mutex_lock(&st->lock);
    while (i < st->callbacks->len) {
        vkEventCallback *cur = g_ptr_array_index(st->callbacks, i);

        if (cur->conn != conn) {
            i++;
            continue;
        }
        g_atomic_int_set(&cur->deleted, 1);
        g_ptr_array_remove_index(st->callbacks, i);
        g_ptr_array_add(removed, cur);
    }
    timer = removed->len ? timerReleaseIfIdle(st, &dropped) : -1;
    g_mutex_unlock(&st->lock);

    finishRemoval(timer, &dropped, removed);
}

void
vkEventStateFree(vkEventState *st)
{
    g_autoptr(GPtrArray) removed = NULL;
    GQueue dropped;
    guint i;
    int timer;

    if (!st)
        return;

    g_mutex_lock(&st->lock);
    st->freed = true;
    removed = g_steal_pointer(&st->callbacks);
    st->callbacks = g_ptr_array_new();
    for (i = 0; i < removed->len; i++)
        g_atomic_int_set(&((vkEventCallback *)g_ptr_array_index(removed, i))->deleted, 1);
    dropped = st->queue;
    g_queue_init(&st->queue);
    timer = st->timer;
    st->timer = -1;
    g_mutex_unlock(&st->lock);

    finishRemoval(timer, &dropped, removed);
    stateUnref(st);
}

void
vkEventQueuePush(vkEventState *st, vkDomainEvent *ev)
{
    g_mutex_lock(&st->lock);
    /* Without a timer nobody is registered: the event has no audience. */
    if (st->freed || st->timer < 0) {
        g_mutex_unlock(&st->lock);
        eventFree(ev);
        return;
    }
    g_queue_push_tail(&st->queue, ev);
    /* Arming under the lock pairs with the flush disarming under it, so an
     * event queued while a flush runs is never left without a wakeup. */
    if (st->queue.length == 1)
        virEventUpdateTimeout(st->timer, 0);
    g_mutex_unlock(&st->lock);
}

vkDomainEvent *
vkEventNew(int eventID, const char *name, const unsigned char *uuid, int id)
{
    vkDomainEvent *ev = g_new0(vkDomainEvent, 1);

    ev->eventID = eventID;
    ev->name = g_strdup(name);
    if (uuid)
        memcpy(ev->uuid, uuid, VIR_UUID_BUFLEN);
    ev->id = id;
    return ev;
}

void
vkDomainEventQueueLifecycle(vkEventState *st, const char *name,
                            const unsigned char *uuid, int id,
                            int event, int detail)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_LIFECYCLE, name, uuid, id);

    ev->event = event;
    ev->detail = detail;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueReboot(vkEventState *st, const char *name,
                         const unsigned char *uuid, int id)
{
    vkEventQueuePush(st, vkEventNew(VIR_DOMAIN_EVENT_ID_REBOOT, name, uuid, id));
}

void
vkDomainEventQueueAgentLifecycle(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int id, int state, int reason)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, name, uuid, id);

    ev->event = state;
    ev->detail = reason;
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueMetadataChange(vkEventState *st, const char *name,
                                 const unsigned char *uuid, int id,
                                 int type, const char *nsuri)
{
    vkDomainEvent *ev = vkEventNew(VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                 name, uuid, id);

    ev->event = type;
    ev->str = g_strdup(nsuri);
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueDevice(vkEventState *st, const char *name,
                         const unsigned char *uuid, int id,
                         int eventID, const char *devAlias)
{
    vkDomainEvent *ev;

    if (eventID != VIR_DOMAIN_EVENT_ID_DEVICE_ADDED &&
        eventID != VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED &&
        eventID != VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED)
        return;
    ev = vkEventNew(eventID, name, uuid, id);
    ev->str = g_strdup(devAlias);
    vkEventQueuePush(st, ev);
}

void
vkDomainEventQueueBlockJob(vkEventState *st, const char *name,
                           const unsigned char *uuid, int id, int eventID,
                           const char *disk, int type, int status)
{
    vkDomainEvent *ev;

    if (eventID != VIR_DOMAIN_EVENT_ID_BLOCK_JOB &&
        eventID != VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2)
        return;
    ev = vkEventNew(eventID, name, uuid, id);
    ev->str = g_strdup(disk);
    ev->event = type;
    ev->detail = status;
    vkEventQueuePush(st, ev);
}

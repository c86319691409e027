/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain lifecycle events of the Xen driver, one set for the process.
 *
 * There is one Xen per host, so every xen:// connection of the process
 * shares one event state: an operation made through any connection reaches
 * the callbacks of all of them.  The state lives while a connection is
 * open.  Events have two sources:
 *  - the driver's own operations (suspend, resume, start, destroy, a
 *    shutdown seen done, define, undefine), queued right after the
 *    operation succeeded;
 *  - on a real Xen, the XenStore watch (xenstore-watch.c), which sees every
 *    domain come and go, whoever started or stopped it.
 * Starts and stops would then be announced twice.  So while the watch
 * runs, the driver does not queue those itself: it leaves a hint (the
 * domain's UUID, the event and the detail it would have used) and asks
 * the watch to rescan at once; the rescan that sees the change announces
 * it once, with the hint's detail (DESTROYED rather than the watch's
 * default SHUTDOWN).  A destroy leaves its hint before the hypercall, as
 * the watch thread may rescan between the destroy and the driver's call.
 *
 * A shutdown request returns before the guest is down.  The driver keeps
 * the domains it asked to shut down and announces STOPPED/SHUTDOWN the
 * first time it finds one no longer running with the id it had (right
 * after the request, or at a later call on that domain).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "util/error.h"
#include "drivers/xen/xen-private.h"

typedef struct {
    GMutex lock;
    int refs;                      /* open connections */
    vkEventState *events;
    vkXenWatch *watch;             /* once a callback registers where XenStore is */
    GHashTable *hints;             /* hintKey -> detail (GINT_TO_POINTER) */
    GHashTable *shutdowns;         /* uuid bytes -> id asked to shut down */
} xenEvents;

static xenEvents shared;

/* UUID bytes followed by the event, as a string-free hash key. */
static GBytes *
hintKey(const unsigned char *uuid, int event)
{
    unsigned char key[VIR_UUID_BUFLEN + 1];

    memcpy(key, uuid, VIR_UUID_BUFLEN);
    key[VIR_UUID_BUFLEN] = (unsigned char)event;
    return g_bytes_new(key, sizeof(key));
}

void
vkXenEventsRef(void)
{
    g_mutex_lock(&shared.lock);
    if (shared.refs++ == 0) {
        shared.events = vkEventStateNew();
        shared.hints = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                             (GDestroyNotify)g_bytes_unref, NULL);
        shared.shutdowns = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                                 (GDestroyNotify)g_bytes_unref, NULL);
    }
    g_mutex_unlock(&shared.lock);
}

void
vkXenEventsUnref(virConnectPtr conn)
{
    vkXenWatch *watch = NULL;
    vkEventState *events = NULL;

    g_mutex_lock(&shared.lock);
    vkEventStateRemoveConnect(shared.events, conn);
    if (--shared.refs == 0) {
        watch = g_steal_pointer(&shared.watch);
        events = g_steal_pointer(&shared.events);
        g_clear_pointer(&shared.hints, g_hash_table_unref);
        g_clear_pointer(&shared.shutdowns, g_hash_table_unref);
    }
    g_mutex_unlock(&shared.lock);
    /* the watch's rescans take shared.lock: stop it outside */
    vkXenWatchStop(watch);
    if (events)
        vkEventStateFree(events);
}

bool
vkXenEventsTakeHint(const unsigned char *uuid, int event, int *detail)
{
    g_autoptr(GBytes) key = hintKey(uuid, event);
    gpointer value;
    bool found = false;

    g_mutex_lock(&shared.lock);
    if (shared.hints && g_hash_table_lookup_extended(shared.hints, key, NULL, &value)) {
        *detail = GPOINTER_TO_INT(value);
        g_hash_table_remove(shared.hints, key);
        found = true;
    }
    g_mutex_unlock(&shared.lock);
    return found;
}

/* The watch, or NULL when none runs; the caller's connection keeps it. */
static vkXenWatch *
watchOf(void)
{
    vkXenWatch *w;

    g_mutex_lock(&shared.lock);
    w = shared.watch;
    g_mutex_unlock(&shared.lock);
    return w;
}

static void
setHint(const unsigned char *uuid, int event, int detail)
{
    g_mutex_lock(&shared.lock);
    g_hash_table_replace(shared.hints, hintKey(uuid, event), GINT_TO_POINTER(detail));
    g_mutex_unlock(&shared.lock);
}

void
vkXenEventsExpect(const unsigned char *uuid, int event, int detail)
{
    if (watchOf())
        setHint(uuid, event, detail);
}

void
vkXenEventsForget(const unsigned char *uuid, int event)
{
    g_autoptr(GBytes) key = hintKey(uuid, event);

    g_mutex_lock(&shared.lock);
    g_hash_table_remove(shared.hints, key);
    g_mutex_unlock(&shared.lock);
}

void
vkXenEventsLifecycle(const char *name, const unsigned char *uuid, int id,
                     int event, int detail)
{
    vkXenWatch *w = watchOf();

    if (w && (event == VIR_DOMAIN_EVENT_STARTED || event == VIR_DOMAIN_EVENT_STOPPED)) {
        setHint(uuid, event, detail);
        vkXenWatchRescan(w);
        return;
    }
    vkDomainEventQueueLifecycle(shared.events, name, uuid, id, event, detail);
}

void
vkXenEventsShutdownAsked(const unsigned char *uuid, int id)
{
    g_mutex_lock(&shared.lock);
    g_hash_table_replace(shared.shutdowns, g_bytes_new(uuid, VIR_UUID_BUFLEN),
                         GINT_TO_POINTER(id));
    g_mutex_unlock(&shared.lock);
}

/* Gone (info NULL), or running again under a new id: the run that was
 * asked to stop has ended. */
static bool
runOver(int askedId, const vkXenDomInfo *info)
{
    return !info || info->id < 0 || info->id != askedId || info->state == VIR_DOMAIN_SHUTOFF;
}

/* Announces the end of a run of uuid that a shutdown was asked of, once
 * info shows it over. */
static void
shutdownCheck(const char *name, const unsigned char *uuid, const vkXenDomInfo *info)
{
    g_autoptr(GBytes) key = g_bytes_new(uuid, VIR_UUID_BUFLEN);
    gpointer value;
    bool done = false;

    g_mutex_lock(&shared.lock);
    if (shared.shutdowns && g_hash_table_lookup_extended(shared.shutdowns, key, NULL, &value) &&
        runOver(GPOINTER_TO_INT(value), info)) {
        g_hash_table_remove(shared.shutdowns, key);
        done = true;
    }
    g_mutex_unlock(&shared.lock);
    if (done)
        vkXenEventsLifecycle(name, uuid, -1, VIR_DOMAIN_EVENT_STOPPED,
                             VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

void
vkXenEventsSeen(const vkXenDomInfo *info)
{
    if (info->haveUUID && info->name)
        shutdownCheck(info->name, info->uuid, info);
}

void
vkXenEventsGone(const char *name, const unsigned char *uuid)
{
    shutdownCheck(name, uuid, NULL);
}

/* The shared state with the watch running where XenStore is reachable;
 * without XenStore only the driver's own operations raise events. */
static vkEventState *
eventsFor(virConnectPtr conn)
{
    vkXenPriv *p = vkXenPrivOf(conn);
    vkEventState *st = NULL;

    g_mutex_lock(&shared.lock);
    if (!p->xs || shared.watch || (shared.watch = vkXenWatchStart(shared.events)))
        st = shared.events;
    g_mutex_unlock(&shared.lock);
    return st;
}

int
vkXenConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                void *opaque, virFreeCallback freecb)
{
    vkEventState *st = eventsFor(conn);
    return st ? vkDomainEventRegister(st, conn, cb, opaque, freecb) : -1;
}

int
vkXenConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                   virConnectDomainEventGenericCallback cb,
                                   void *opaque, virFreeCallback freecb)
{
    vkEventState *st = eventsFor(conn);
    return st ? vkDomainEventRegisterAny(st, conn, dom, eventID, cb, opaque, freecb) : -1;
}

int
vkXenConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    /* shared.events lives while conn is open */
    return vkDomainEventDeregister(shared.events, conn, cb);
}

int
vkXenConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkDomainEventDeregisterAny(shared.events, conn, callbackID);
}

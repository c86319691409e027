/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lifecycle events from XenStore: xenstored fires the special watches
 * @introduceDomain when a toolstack introduces a new domain to it and
 * @releaseDomain when a domain is gone from Xen.  Neither names the
 * domain, so each firing rescans the domains XenStore knows (those under
 * /local/domain that xenstored still counts as introduced) and compares
 * with the previous scan: a new id is STARTED (booted), a vanished one
 * STOPPED (shut down) -- the legacy driver's mapping.  The names of the
 * vanished come from the previous scan, since their XenStore entries may
 * be removed already.
 *
 * The watch has its own XenStore connection, read on a private event
 * thread (libxenstore signals queued watch events on xs_fileno), so it
 * neither blocks nor shares the connection's handle; the first event
 * registration on a connection starts it, closing the connection stops
 * it.  Events reach callbacks through the application's event loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#define VIR_FROM_THIS VIR_FROM_XENSTORE
#include "util/error.h"
#include "util/event-thread.h"
#include "util/uuid.h"
#include "drivers/xen/xen-private.h"

#ifdef WITH_XENSTORE
# include <xenstore.h>

# define TOKEN_INTRODUCE "vk-introduce"
# define TOKEN_RELEASE "vk-release"

typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
} watchDom;

typedef struct _vkXenWatch vkXenWatch;

struct _vkXenWatch {
    struct xs_handle *xs;          /* this watch's own connection */
    vkEventThread *thread;
    GSource *source;
    vkEventState *events;          /* the connection's; outlives the watch */
    GHashTable *known;             /* domid -> watchDom*, the last scan */
};

static void
watchDomFree(gpointer p)
{
    watchDom *d = p;

    g_free(d->name);
    g_free(d);
}

static char *
readPath(struct xs_handle *xs, const char *path)
{
    unsigned int len;
    char *v = xs_read(xs, XBT_NULL, path, &len);
    char *copy = v ? g_strndup(v, len) : NULL;

    free(v);
    return copy;
}

/* The running domains XenStore knows: domid -> watchDom.  A domain whose
 * name is not written yet is left out, to be announced by a later scan. */
static GHashTable *
scan(struct xs_handle *xs)
{
    GHashTable *doms = g_hash_table_new_full(NULL, NULL, NULL, watchDomFree);
    unsigned int n = 0;
    char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);

    for (unsigned int i = 0; ids && i < n; i++) {
        char *end;
        unsigned long id = strtoul(ids[i], &end, 10);
        if (*end || !xs_is_domain_introduced(xs, id))
            continue;
        g_autofree char *namePath = g_strdup_printf("/local/domain/%lu/name", id);
        g_autofree char *vmPath = g_strdup_printf("/local/domain/%lu/vm", id);
        g_autofree char *vm = readPath(xs, vmPath);
        watchDom *d = g_new0(watchDom, 1);
        const char *slash = vm ? strrchr(vm, '/') : NULL;

        d->name = readPath(xs, namePath);
        if (!d->name) {
            watchDomFree(d);
            continue;
        }
        if (slash)
            vkUUIDParse(slash + 1, d->uuid);
        g_hash_table_insert(doms, GUINT_TO_POINTER(id), d);
    }
    free(ids);
    return doms;
}

/* Queues an event for every domain that came or went since the last scan. */
static void
rescan(vkXenWatch *w)
{
    GHashTable *now = scan(w->xs);
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, now);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        watchDom *d = value;
        if (!g_hash_table_contains(w->known, key))
            vkDomainEventQueueLifecycle(w->events, d->name, d->uuid, GPOINTER_TO_INT(key),
                                        VIR_DOMAIN_EVENT_STARTED,
                                        VIR_DOMAIN_EVENT_STARTED_BOOTED);
    }
    g_hash_table_iter_init(&it, w->known);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        watchDom *d = value;
        if (!g_hash_table_contains(now, key))
            vkDomainEventQueueLifecycle(w->events, d->name, d->uuid, -1,
                                        VIR_DOMAIN_EVENT_STOPPED,
                                        VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    }
    g_hash_table_unref(w->known);
    w->known = now;
}

static gboolean
onReadable(gint fd, GIOCondition cond, gpointer opaque)
{
    vkXenWatch *w = opaque;
    bool fired = false;
    char **ev;

    /* drain every queued firing; one rescan answers them all */
    while ((ev = xs_check_watch(w->xs))) {
        const char *token = ev[XS_WATCH_TOKEN];
        fired |= strcmp(token, TOKEN_INTRODUCE) == 0 || strcmp(token, TOKEN_RELEASE) == 0;
        free(ev);
    }
    if (fired)
        rescan(w);
    return G_SOURCE_CONTINUE;
}

static void
watchFree(vkXenWatch *w)
{
    if (!w)
        return;
    if (w->source) {
        g_source_destroy(w->source);
        g_source_unref(w->source);
    }
    /* joins the thread: no callback runs past this line */
    if (w->thread)
        vkEventThreadFree(w->thread);
    if (w->known)
        g_hash_table_unref(w->known);
    if (w->xs)
        xs_close(w->xs);
    g_free(w);
}

static vkXenWatch *
watchStart(vkEventState *events)
{
    vkXenWatch *w = g_new0(vkXenWatch, 1);

    w->events = events;
    w->xs = xs_open(0);
    if (!w->xs) {
        vkReportSystemError(errno, "%s", "cannot open a XenStore connection for watches");
        watchFree(w);
        return NULL;
    }
    /* the baseline; xenstored fires each new watch once at once, and
     * that first rescan picks up whatever changed in between */
    w->known = scan(w->xs);
    if (!xs_watch(w->xs, "@introduceDomain", TOKEN_INTRODUCE) ||
        !xs_watch(w->xs, "@releaseDomain", TOKEN_RELEASE)) {
        vkReportSystemError(errno, "%s", "cannot watch XenStore for domains coming and going");
        watchFree(w);
        return NULL;
    }
    w->thread = vkEventThreadNew("vk-xen-watch");
    w->source = g_unix_fd_source_new(xs_fileno(w->xs), G_IO_IN);
    g_source_set_callback(w->source, G_SOURCE_FUNC(onReadable), w, NULL);
    g_source_attach(w->source, vkEventThreadContext(w->thread));
    return w;
}

/* The connection's event state with its watch running; NULL with an error
 * when XenStore is not open here. */
static vkEventState *
eventsWithWatch(virConnectPtr conn)
{
    vkXenPriv *p = vkXenPrivOf(conn);
    vkEventState *st = NULL;

    g_mutex_lock(&p->lock);
    if (!p->events) {
        vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                      "domain events need XenStore, which is not reachable here");
    } else if (p->watch || (p->watch = watchStart(p->events))) {
        st = p->events;
    }
    g_mutex_unlock(&p->lock);
    return st;
}

void
vkXenWatchFree(vkXenPriv *p)
{
    watchFree(p->watch);
    p->watch = NULL;
    if (p->events)
        vkEventStateFree(p->events);
    p->events = NULL;
}

#else /* !WITH_XENSTORE */

static vkEventState *
eventsWithWatch(virConnectPtr conn)
{
    vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                  "domain events need XenStore: this build has no libxenstore");
    return NULL;
}

void
vkXenWatchFree(vkXenPriv *p)
{
}

#endif

int
vkXenConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                void *opaque, virFreeCallback freecb)
{
    vkEventState *st = eventsWithWatch(conn);
    return st ? vkDomainEventRegister(st, conn, cb, opaque, freecb) : -1;
}

int
vkXenConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                   virConnectDomainEventGenericCallback cb,
                                   void *opaque, virFreeCallback freecb)
{
    vkEventState *st = eventsWithWatch(conn);
    return st ? vkDomainEventRegisterAny(st, conn, dom, eventID, cb, opaque, freecb) : -1;
}

int
vkXenConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    vkXenPriv *p = vkXenPrivOf(conn);

    if (!p->events) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "no domain event callback is registered");
        return -1;
    }
    return vkDomainEventDeregister(p->events, conn, cb);
}

int
vkXenConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkXenPriv *p = vkXenPrivOf(conn);

    if (!p->events) {
        vkReportError(VIR_ERR_INVALID_ARG, "no domain event callback with id %d", callbackID);
        return -1;
    }
    return vkDomainEventDeregisterAny(p->events, conn, callbackID);
}

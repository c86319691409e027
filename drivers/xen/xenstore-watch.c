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
 * neither blocks nor shares a connection's handle.  There is one for the
 * process (xen-events.c starts it at the first event registration where
 * XenStore is reachable and stops it with the last connection).  The
 * driver's own starts and stops rescan from the caller's thread, leaving
 * the detail to use as a hint; rescans are serialised, so each change is
 * announced by exactly one of them.  Events reach callbacks through the
 * application's event loop.
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

#include "drivers/xen/xen-libs.h"

#ifdef WITH_XENSTORE

# define TOKEN_INTRODUCE "vk-introduce"
# define TOKEN_RELEASE "vk-release"

typedef struct {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
} watchDom;

struct _vkXenWatch {
    GMutex lock;                   /* one rescan at a time, over xs and known */
    struct xs_handle *xs;          /* this watch's own connection */
    vkEventThread *thread;
    GSource *source;
    vkEventState *events;          /* xen-events.c's; outlives the watch */
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

/* The event for a domain that came (started) or went, with the detail a
 * driver operation left for it or the legacy driver's default. */
static void
announce(vkXenWatch *w, const watchDom *d, int id, bool started)
{
    int event = started ? VIR_DOMAIN_EVENT_STARTED : VIR_DOMAIN_EVENT_STOPPED;
    int detail;

    if (!vkXenEventsTakeHint(d->uuid, event, &detail))
        detail = started ? VIR_DOMAIN_EVENT_STARTED_BOOTED : VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    vkDomainEventQueueLifecycle(w->events, d->name, d->uuid, started ? id : -1, event, detail);
}

/* Queues an event for every domain that came or went since the last scan. */
void
vkXenWatchRescan(vkXenWatch *w)
{
    GHashTable *now;
    GHashTableIter it;
    gpointer key, value;

    g_mutex_lock(&w->lock);
    now = scan(w->xs);
    g_hash_table_iter_init(&it, now);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (!g_hash_table_contains(w->known, key))
            announce(w, value, GPOINTER_TO_INT(key), true);
    }
    g_hash_table_iter_init(&it, w->known);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (!g_hash_table_contains(now, key))
            announce(w, value, -1, false);
    }
    g_hash_table_unref(w->known);
    w->known = now;
    g_mutex_unlock(&w->lock);
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
        vkXenWatchRescan(w);
    return G_SOURCE_CONTINUE;
}

void
vkXenWatchStop(vkXenWatch *w)
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
    g_mutex_clear(&w->lock);
    g_free(w);
}

vkXenWatch *
vkXenWatchStart(vkEventState *events)
{
    vkXenWatch *w;
    const char *why = NULL;

    if (!vkXenStoreLoad(&why)) {
        vkReportError(VIR_ERR_NO_SUPPORT, "XenStore watches need libxenstore: %s", why);
        return NULL;
    }
    w = g_new0(vkXenWatch, 1);
    g_mutex_init(&w->lock);

    w->events = events;
    w->xs = xs_open(0);
    if (!w->xs) {
        vkReportSystemError(errno, "%s", "cannot open a XenStore connection for watches");
        vkXenWatchStop(w);
        return NULL;
    }
    /* the baseline; xenstored fires each new watch once at once, and
     * that first rescan picks up whatever changed in between */
    w->known = scan(w->xs);
    if (!xs_watch(w->xs, "@introduceDomain", TOKEN_INTRODUCE) ||
        !xs_watch(w->xs, "@releaseDomain", TOKEN_RELEASE)) {
        vkReportSystemError(errno, "%s", "cannot watch XenStore for domains coming and going");
        vkXenWatchStop(w);
        return NULL;
    }
    w->thread = vkEventThreadNew("vk-xen-watch");
    w->source = g_unix_fd_source_new(xs_fileno(w->xs), G_IO_IN);
    g_source_set_callback(w->source, G_SOURCE_FUNC(onReadable), w, NULL);
    g_source_attach(w->source, vkEventThreadContext(w->thread));
    return w;
}

#else /* !WITH_XENSTORE */

vkXenWatch *
vkXenWatchStart(vkEventState *events)
{
    vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                  "XenStore watches need libxenstore, which this build lacks");
    return NULL;
}

void
vkXenWatchStop(vkXenWatch *w)
{
}

void
vkXenWatchRescan(vkXenWatch *w)
{
}

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event loop behind virEventAddHandle / virEventAddTimeout.
 *
 * Two layers.  The public virEvent* calls only forward to whichever
 * implementation the application registered (six function pointers,
 * replaced wholesale by virEventRegisterImpl; python's bindings install
 * their own this way).  The default implementation maps every watch and
 * timer onto a GSource attached to GLib's default main context, and
 * virEventRunDefaultImpl is one blocking g_main_context_iteration.
 *
 * The one idea that keeps it safe: a watch or timer record lives until its
 * free callback has run, and that free callback always runs from an idle
 * source on the loop, never inside the Remove call.  So a callback may
 * remove itself (or anything else) while running, the application's opaque
 * data outlives the last callback invocation, and GSource dispatch never
 * sees a freed record.  A single mutex guards the record tables; callbacks
 * are called without it held.
 */
#include <glib.h>
#include <glib-unix.h>

#include "virtkit/virtkit.h"
#include "util/event-loop.h"

#define VIR_FROM_THIS VIR_FROM_NONE
#include "util/error.h"

/* ---- dispatch to the registered implementation ---- */

typedef struct {
    virEventAddHandleFunc addHandle;
    virEventUpdateHandleFunc updateHandle;
    virEventRemoveHandleFunc removeHandle;
    virEventAddTimeoutFunc addTimeout;
    virEventUpdateTimeoutFunc updateTimeout;
    virEventRemoveTimeoutFunc removeTimeout;
} vkEventImpl;

static GMutex implLock;
static vkEventImpl impl;

static vkEventImpl
implGet(void)
{
    vkEventImpl copy;

    g_mutex_lock(&implLock);
    copy = impl;
    g_mutex_unlock(&implLock);
    return copy;
}

bool
vkEventLoopIsRegistered(void)
{
    vkEventImpl cur = implGet();

    return cur.addHandle && cur.addTimeout;
}

void
virEventRegisterImpl(virEventAddHandleFunc addHandle,
                     virEventUpdateHandleFunc updateHandle,
                     virEventRemoveHandleFunc removeHandle,
                     virEventAddTimeoutFunc addTimeout,
                     virEventUpdateTimeoutFunc updateTimeout,
                     virEventRemoveTimeoutFunc removeTimeout)
{
    g_mutex_lock(&implLock);
    impl.addHandle = addHandle;
    impl.updateHandle = updateHandle;
    impl.removeHandle = removeHandle;
    impl.addTimeout = addTimeout;
    impl.updateTimeout = updateTimeout;
    impl.removeTimeout = removeTimeout;
    g_mutex_unlock(&implLock);
}

int
virEventAddHandle(int fd, int events, virEventHandleCallback cb,
                  void *opaque, virFreeCallback ff)
{
    vkEventImpl cur = implGet();

    if (!cur.addHandle)
        return -1;
    return cur.addHandle(fd, events, cb, opaque, ff);
}

void
virEventUpdateHandle(int watch, int events)
{
    vkEventImpl cur = implGet();

    if (cur.updateHandle)
        cur.updateHandle(watch, events);
}

int
virEventRemoveHandle(int watch)
{
    vkEventImpl cur = implGet();

    if (!cur.removeHandle)
        return -1;
    return cur.removeHandle(watch);
}

int
virEventAddTimeout(int timeout, virEventTimeoutCallback cb,
                   void *opaque, virFreeCallback ff)
{
    vkEventImpl cur = implGet();

    if (!cur.addTimeout)
        return -1;
    return cur.addTimeout(timeout, cb, opaque, ff);
}

void
virEventUpdateTimeout(int timer, int timeout)
{
    vkEventImpl cur = implGet();

    if (cur.updateTimeout)
        cur.updateTimeout(timer, timeout);
}

int
virEventRemoveTimeout(int timer)
{
    vkEventImpl cur = implGet();

    if (!cur.removeTimeout)
        return -1;
    return cur.removeTimeout(timer);
}

/* ---- the default implementation: GSources on the default context ---- */

typedef struct {
    int id;
    bool isTimer;
    bool removed;
    int fd;
    int events;             /* VIR_EVENT_HANDLE_* the watch asks for */
    int interval;           /* ms; -1 disabled */
    virEventHandleCallback hcb;
    virEventTimeoutCallback tcb;
    void *opaque;
    virFreeCallback ff;
    GSource *source;        /* NULL while disabled */
} vkEventRecord;

static GMutex loopLock;
static GHashTable *handles;     /* id -> vkEventRecord */
static GHashTable *timers;      /* id -> vkEventRecord */
static int nextHandle = 1;
static int nextTimer = 1;

static GMainContext *
loopContext(void)
{
    return g_main_context_default();
}

static GIOCondition
eventsToCondition(int events)
{
    GIOCondition cond = 0;

    if (events & VIR_EVENT_HANDLE_READABLE)
        cond |= G_IO_IN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        cond |= G_IO_OUT;
    /* Errors and hangups are always reported by poll(); asking for them
     * explicitly keeps a watch with only those bits meaningful. */
    if (events & VIR_EVENT_HANDLE_ERROR)
        cond |= G_IO_ERR;
    if (events & VIR_EVENT_HANDLE_HANGUP)
        cond |= G_IO_HUP;
    return cond;
}

static int
conditionToEvents(GIOCondition cond)
{
    int events = 0;

    if (cond & G_IO_IN)
        events |= VIR_EVENT_HANDLE_READABLE;
    if (cond & G_IO_OUT)
        events |= VIR_EVENT_HANDLE_WRITABLE;
    if (cond & (G_IO_ERR | G_IO_NVAL))
        events |= VIR_EVENT_HANDLE_ERROR;
    if (cond & G_IO_HUP)
        events |= VIR_EVENT_HANDLE_HANGUP;
    return events;
}

static void
sourceDrop(vkEventRecord *rec)
{
    if (!rec->source)
        return;
    g_source_destroy(rec->source);
    g_source_unref(rec->source);
    rec->source = NULL;
}

static gboolean
handleDispatch(gint fd, GIOCondition cond, gpointer data)
{
    vkEventRecord *rec = data;
    virEventHandleCallback cb;
    void *opaque;
    int id;

    g_mutex_lock(&loopLock);
    if (rec->removed || !rec->source) {
        g_mutex_unlock(&loopLock);
        return G_SOURCE_CONTINUE;
    }
    cb = rec->hcb;
    opaque = rec->opaque;
    id = rec->id;
    g_mutex_unlock(&loopLock);

    cb(id, fd, conditionToEvents(cond), opaque);
    return G_SOURCE_CONTINUE;
}

static gboolean
timerDispatch(gpointer data)
{
    vkEventRecord *rec = data;
    virEventTimeoutCallback cb;
    void *opaque;
    int id;

    g_mutex_lock(&loopLock);
    if (rec->removed || !rec->source) {
        g_mutex_unlock(&loopLock);
        return G_SOURCE_CONTINUE;
    }
    cb = rec->tcb;
    opaque = rec->opaque;
    id = rec->id;
    g_mutex_unlock(&loopLock);

    cb(id, opaque);
    return G_SOURCE_CONTINUE;
}

/* Called with loopLock held: (re)creates the record's GSource to match its
 * events / interval.  Waking the context lets a loop blocked in another
 * thread notice a new or changed source. */
static void
sourceArm(vkEventRecord *rec)
{
    sourceDrop(rec);

    if (rec->isTimer) {
        if (rec->interval < 0)
            return;
        rec->source = g_timeout_source_new(rec->interval);
        g_source_set_callback(rec->source, timerDispatch, rec, NULL);
    } else {
        if (rec->events == 0)
            return;
        rec->source = g_unix_fd_source_new(rec->fd, eventsToCondition(rec->events));
        g_source_set_callback(rec->source, G_SOURCE_FUNC(handleDispatch), rec, NULL);
    }
    g_source_attach(rec->source, loopContext());
    g_main_context_wakeup(loopContext());
}

static gboolean
recordRelease(gpointer data)
{
    vkEventRecord *rec = data;

    if (rec->ff)
        rec->ff(rec->opaque);
    g_free(rec);
    return G_SOURCE_REMOVE;
}

/* Called with loopLock held. */
static int
recordRemove(GHashTable *table, int id)
{
    vkEventRecord *rec = g_hash_table_lookup(table, GINT_TO_POINTER(id));
    GSource *idle;

    if (!rec || rec->removed)
        return -1;
    rec->removed = true;
    sourceDrop(rec);
    g_hash_table_remove(table, GINT_TO_POINTER(id));

    /* Default priority, not idle priority: an always-ready 0 ms timer
     * would otherwise starve the release forever. */
    idle = g_idle_source_new();
    g_source_set_priority(idle, G_PRIORITY_DEFAULT);
    g_source_set_callback(idle, recordRelease, rec, NULL);
    g_source_attach(idle, loopContext());
    g_source_unref(idle);
    g_main_context_wakeup(loopContext());
    return 0;
}

static int
defaultAddHandle(int fd, int events, virEventHandleCallback cb,
                 void *opaque, virFreeCallback ff)
{
    vkEventRecord *rec;

    if (fd < 0 || !cb)
        return -1;

    rec = g_new0(vkEventRecord, 1);
    rec->fd = fd;
    rec->events = events;
    rec->interval = -1;
    rec->hcb = cb;
    rec->opaque = opaque;
    rec->ff = ff;

    g_mutex_lock(&loopLock);
    rec->id = nextHandle++;
    g_hash_table_insert(handles, GINT_TO_POINTER(rec->id), rec);
    sourceArm(rec);
    g_mutex_unlock(&loopLock);
    return rec->id;
}

static void
defaultUpdateHandle(int watch, int events)
{
    vkEventRecord *rec;

    g_mutex_lock(&loopLock);
    rec = g_hash_table_lookup(handles, GINT_TO_POINTER(watch));
    if (rec && (rec->events != events || (events && !rec->source))) {
        rec->events = events;
        sourceArm(rec);
    }
    g_mutex_unlock(&loopLock);
}

static int
defaultRemoveHandle(int watch)
{
    int ret;

    g_mutex_lock(&loopLock);
    ret = recordRemove(handles, watch);
    g_mutex_unlock(&loopLock);
    return ret;
}

static int
defaultAddTimeout(int timeout, virEventTimeoutCallback cb,
                  void *opaque, virFreeCallback ff)
{
    vkEventRecord *rec;

    if (!cb)
        return -1;

    rec = g_new0(vkEventRecord, 1);
    rec->isTimer = true;
    rec->fd = -1;
    rec->interval = timeout < 0 ? -1 : timeout;
    rec->tcb = cb;
    rec->opaque = opaque;
    rec->ff = ff;

    g_mutex_lock(&loopLock);
    rec->id = nextTimer++;
    g_hash_table_insert(timers, GINT_TO_POINTER(rec->id), rec);
    sourceArm(rec);
    g_mutex_unlock(&loopLock);
    return rec->id;
}

static void
defaultUpdateTimeout(int timer, int timeout)
{
    vkEventRecord *rec;

    g_mutex_lock(&loopLock);
    rec = g_hash_table_lookup(timers, GINT_TO_POINTER(timer));
    if (rec) {
        /* Re-arming even with an unchanged interval restarts the period,
         * which is what callers that "push back" a timer expect. */
        rec->interval = timeout < 0 ? -1 : timeout;
        sourceArm(rec);
    }
    g_mutex_unlock(&loopLock);
}

static int
defaultRemoveTimeout(int timer)
{
    int ret;

    g_mutex_lock(&loopLock);
    ret = recordRemove(timers, timer);
    g_mutex_unlock(&loopLock);
    return ret;
}

int
virEventRegisterDefaultImpl(void)
{
    vkErrorReset();

    g_mutex_lock(&loopLock);
    if (!handles) {
        handles = g_hash_table_new(g_direct_hash, g_direct_equal);
        timers = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    g_mutex_unlock(&loopLock);

    virEventRegisterImpl(defaultAddHandle, defaultUpdateHandle,
                         defaultRemoveHandle, defaultAddTimeout,
                         defaultUpdateTimeout, defaultRemoveTimeout);
    return 0;
}

int
virEventRunDefaultImpl(void)
{
    vkErrorReset();
    g_main_context_iteration(loopContext(), TRUE);
    return 0;
}

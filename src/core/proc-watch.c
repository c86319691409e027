/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pidfd watch (see proc-watch.h).  A pidfd becomes readable the
 * moment its process dies, whoever its parent is, so a driver follows a
 * guest it started and one it reattached to after a restart the same way,
 * with no SIGCHLD handler and no polling.
 */
#include <glib-unix.h>

#include "core/proc-watch.h"

vkProcWatch *
vkProcWatchNew(void *st, void *obj, GDestroyNotify unref, guint64 gen, GMainContext *ctx)
{
    vkProcWatch *w = g_new0(vkProcWatch, 1);

    w->st = st;
    w->obj = obj;
    w->unref = unref;
    w->gen = gen;
    w->ctx = ctx;
    return w;
}

static gboolean
exitReady(gint fd, GIOCondition cond, gpointer opaque)
{
    vkProcWatch *w = opaque;

    /* onExit may release w: it stays allocated until the idle below has
     * run, and the source it destroys is one we still hold. */
    w->onExit(w);
    return G_SOURCE_REMOVE;
}

void
vkProcWatchStart(vkProcWatch *w, int pidfd, vkProcWatchExitFunc onExit)
{
    w->onExit = onExit;
    w->exitSource = g_unix_fd_source_new(pidfd, G_IO_IN);
    g_source_set_callback(w->exitSource, G_SOURCE_FUNC(exitReady), w, NULL);
    g_source_attach(w->exitSource, w->ctx);
}

static void
watchFree(vkProcWatch *w)
{
    if (w->unref)
        w->unref(w->obj);
    g_free(w);
}

static gboolean
idleOnce(gpointer opaque)
{
    return G_SOURCE_REMOVE;
}

void
vkProcWatchRelease(vkProcWatch *w)
{
    GSource *idle;

    if (!w)
        return;
    if (w->exitSource) {
        g_source_destroy(w->exitSource);
        g_clear_pointer(&w->exitSource, g_source_unref);
    }
    /* Queued behind whatever the loop is dispatching now. */
    idle = g_idle_source_new();
    g_source_set_callback(idle, G_SOURCE_FUNC(idleOnce), w, (GDestroyNotify)watchFree);
    g_source_attach(idle, w->ctx);
    g_source_unref(idle);
}

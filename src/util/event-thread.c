/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A private main loop on its own thread (see event-thread.h).  The one
 * subtlety is stopping: g_main_loop_quit() from outside is lost if the
 * thread has not yet entered g_main_loop_run(), and the join would then
 * wait forever; so the quit is an idle source run by the loop itself.
 */
#include "util/event-thread.h"

struct _vkEventThread {
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
};

static gpointer
run(gpointer opaque)
{
    vkEventThread *t = opaque;

    g_main_context_push_thread_default(t->ctx);
    g_main_loop_run(t->loop);
    g_main_context_pop_thread_default(t->ctx);
    return NULL;
}

static gboolean
quitLoop(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

vkEventThread *
vkEventThreadNew(const char *name)
{
    vkEventThread *t = g_new0(vkEventThread, 1);

    t->ctx = g_main_context_new();
    t->loop = g_main_loop_new(t->ctx, FALSE);
    t->thread = g_thread_new(name, run, t);
    return t;
}

GMainContext *
vkEventThreadContext(vkEventThread *t)
{
    return t->ctx;
}

void
vkEventThreadFree(vkEventThread *t)
{
    GSource *quit;

    if (!t)
        return;
    quit = g_idle_source_new();
    g_source_set_callback(quit, quitLoop, t->loop, NULL);
    g_source_attach(quit, t->ctx);
    g_source_unref(quit);
    g_thread_join(t->thread);
    while (g_main_context_pending(t->ctx))
        g_main_context_iteration(t->ctx, FALSE);
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->ctx);
    g_free(t);
}

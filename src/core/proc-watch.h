/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pidfd watch of a stateful driver: follows the process behind one
 * running object (a QEMU, an LXC supervisor) on the driver state's event
 * thread.
 *
 * The idea: a watch is made for one run of one object and carries that
 * run's generation number.  Every callback that reaches the driver
 * through it (the pidfd's exit, and for QEMU the monitor's events, which
 * use the watch as their opaque) compares w->gen with the object's
 * current run and does nothing when they differ, so a stop that races
 * with an exit ends the run once.  The watch holds a reference on the
 * object and is freed from the event loop itself, after any callback
 * still using it has returned.
 */
#ifndef VK_CORE_PROC_WATCH_H
#define VK_CORE_PROC_WATCH_H

#include <glib.h>

typedef struct _vkProcWatch vkProcWatch;

/* Called on the event thread, without any lock, when the process has
 * exited; the callback takes the driver's lock and checks w->gen. */
typedef void (*vkProcWatchExitFunc)(vkProcWatch *w);

struct _vkProcWatch {
    void *st;                 /* the driver state the object lives in */
    void *obj;                /* a reference, dropped with the watch */
    guint64 gen;              /* the run it was made for */
    /* private */
    GDestroyNotify unref;
    GMainContext *ctx;
    GSource *exitSource;
    vkProcWatchExitFunc onExit;
};

/* A watch for run gen of obj; takes the caller's reference on obj,
 * released through unref when the watch is freed. */
vkProcWatch *vkProcWatchNew(void *st, void *obj, GDestroyNotify unref, guint64 gen,
                            GMainContext *ctx);
/* Starts following pidfd (the caller keeps owning it): onExit runs once
 * it becomes readable. */
void vkProcWatchStart(vkProcWatch *w, int pidfd, vkProcWatchExitFunc onExit);
/* Stops following the process and frees w from its loop, after any
 * callback using it has returned.  NULL is ignored. */
void vkProcWatchRelease(vkProcWatch *w);

#endif

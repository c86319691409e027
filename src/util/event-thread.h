/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A private GLib main loop on a thread of its own.
 *
 * Stateful drivers watch their guests (QMP sockets, pidfds, supervisors)
 * whether or not the application runs an event loop: each driver state
 * owns one of these and attaches its sources to its context.
 */
#ifndef VK_UTIL_EVENT_THREAD_H
#define VK_UTIL_EVENT_THREAD_H

#include <glib.h>

typedef struct _vkEventThread vkEventThread;

/* Starts the thread (name shows in ps/gdb) running the loop. */
vkEventThread *vkEventThreadNew(const char *name);
/* The context to attach sources to; owned by the thread object. */
GMainContext *vkEventThreadContext(vkEventThread *t);
/* Stops the loop, joins the thread, runs what the loop still had pending
 * (deferred frees of watch data) and frees everything.  Safe right after
 * vkEventThreadNew: the stop is queued inside the loop, so it cannot be
 * lost before the thread enters it. */
void vkEventThreadFree(vkEventThread *t);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A record of the lifecycle events a test's connections deliver, as
 * (event, detail) pairs, and a wait for one of them that drives the
 * default event loop (loop-helper.h) instead of sleeping.
 */
#ifndef VK_TESTS_EVENTS_LIFECYCLE_LOG_H
#define VK_TESTS_EVENTS_LIFECYCLE_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include "virtkit/virtkit.h"
#include "loop-helper.h"

typedef struct {
    GArray *pairs;          /* event, detail, event, detail, ... */
} lifecycleLog;

static inline void
lifecycleLogRecord(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    lifecycleLog *log = opaque;

    g_array_append_val(log->pairs, event);
    g_array_append_val(log->pairs, detail);
}

static inline void
lifecycleLogInit(lifecycleLog *log)
{
    log->pairs = g_array_new(FALSE, FALSE, sizeof(int));
}

static inline void
lifecycleLogClear(lifecycleLog *log)
{
    if (log->pairs)
        g_array_free(log->pairs, TRUE);
    log->pairs = NULL;
}

/* Registers the recorder on conn; the callback id, or -1. */
static inline int
lifecycleLogAttach(lifecycleLog *log, virConnectPtr conn)
{
    return virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                            VIR_DOMAIN_EVENT_CALLBACK(lifecycleLogRecord),
                                            log, NULL);
}

static inline void
lifecycleLogReset(lifecycleLog *log)
{
    g_array_set_size(log->pairs, 0);
}

/* Whether event was seen; a negative detail matches any detail. */
static inline bool
lifecycleLogHas(const lifecycleLog *log, int event, int detail)
{
    for (guint i = 0; i + 1 < log->pairs->len; i += 2) {
        if (g_array_index(log->pairs, int, i) == event &&
            (detail < 0 || g_array_index(log->pairs, int, i + 1) == detail))
            return true;
    }
    return false;
}

typedef struct {
    const lifecycleLog *log;
    int event, detail;
} lifecycleLogWant;

static inline bool
lifecycleLogSeen(void *data)
{
    lifecycleLogWant *w = data;

    return lifecycleLogHas(w->log, w->event, w->detail);
}

/* Runs the default loop until event arrives (false when the loop guard
 * expired first). */
static inline bool
lifecycleLogWait(const lifecycleLog *log, int event, int detail)
{
    lifecycleLogWant w = { log, event, detail };

    return loopRunUntil(lifecycleLogSeen, &w);
}

static inline void
lifecycleLogDump(const lifecycleLog *log, FILE *out)
{
    for (guint i = 0; i + 1 < log->pairs->len; i += 2)
        fprintf(out, "event %d/%d\n", g_array_index(log->pairs, int, i),
                g_array_index(log->pairs, int, i + 1));
}

#endif

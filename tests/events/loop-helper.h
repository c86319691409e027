/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Driving the default event loop from a test: run iterations until a
 * condition holds.  A guard timer bounds the wait so that a broken loop
 * fails the test instead of hanging it; nothing asserts on elapsed time.
 */
#ifndef VK_TESTS_EVENTS_LOOP_HELPER_H
#define VK_TESTS_EVENTS_LOOP_HELPER_H

#include <stdbool.h>

#include "virtkit/virtkit.h"

#define LOOP_GUARD_MS 10000

static void
loopGuardFired(int timer, void *opaque)
{
    *(bool *)opaque = true;
}

/* Runs the default loop until pred(data) is true; returns pred's final
 * value (false only when the guard expired first). */
static inline bool
loopRunUntil(bool (*pred)(void *data), void *data)
{
    bool expired = false;
    int guard = virEventAddTimeout(LOOP_GUARD_MS, loopGuardFired, &expired, NULL);

    while (!pred(data) && !expired)
        virEventRunDefaultImpl();
    if (guard >= 0)
        virEventRemoveTimeout(guard);
    return pred(data);
}

static void
loopTick(int timer, void *opaque)
{
    (*(int *)opaque)++;
}

/* Runs exactly n loop iterations that each return promptly, by keeping a
 * 0 ms timer armed meanwhile. */
static inline void
loopSpin(int n)
{
    int ticks = 0;
    int timer = virEventAddTimeout(0, loopTick, &ticks, NULL);

    for (int i = 0; i < n; i++)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(timer);
}

#endif

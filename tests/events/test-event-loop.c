/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public event loop: dispatch to the registered implementation, and
 * the default GLib-backed one (watches, timers, deferred free callbacks,
 * removal from inside callbacks, wake-ups from other threads).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "util/event-loop.h"
#include "loop-helper.h"

/* ---- before any implementation is registered ---- */

static void
noop_timeout(int timer, void *opaque)
{
}

static void
noop_handle(int watch, int fd, int events, void *opaque)
{
}

static void
test_none_registered(void **state)
{
    assert_false(vkEventLoopIsRegistered());
    assert_int_equal(virEventAddTimeout(0, noop_timeout, NULL, NULL), -1);
    assert_int_equal(virEventAddHandle(0, VIR_EVENT_HANDLE_READABLE,
                                       noop_handle, NULL, NULL), -1);
    assert_int_equal(virEventRemoveTimeout(1), -1);
    assert_int_equal(virEventRemoveHandle(1), -1);
    /* must not crash */
    virEventUpdateTimeout(1, 0);
    virEventUpdateHandle(1, 0);
}

/* ---- a custom implementation receives the calls ---- */

static struct {
    int addHandle, updateHandle, removeHandle;
    int addTimeout, updateTimeout, removeTimeout;
    int lastFd, lastEvents, lastWatch, lastTimeout, lastTimer;
    void *lastOpaque;
} fake;

static int
fakeAddHandle(int fd, int event, virEventHandleCallback cb, void *opaque,
              virFreeCallback ff)
{
    fake.addHandle++;
    fake.lastFd = fd;
    fake.lastEvents = event;
    fake.lastOpaque = opaque;
    return 41;
}

static void
fakeUpdateHandle(int watch, int event)
{
    fake.updateHandle++;
    fake.lastWatch = watch;
    fake.lastEvents = event;
}

static int
fakeRemoveHandle(int watch)
{
    fake.removeHandle++;
    fake.lastWatch = watch;
    return 0;
}

static int
fakeAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque,
               virFreeCallback ff)
{
    fake.addTimeout++;
    fake.lastTimeout = timeout;
    fake.lastOpaque = opaque;
    return 77;
}

static void
fakeUpdateTimeout(int timer, int timeout)
{
    fake.updateTimeout++;
    fake.lastTimer = timer;
    fake.lastTimeout = timeout;
}

static int
fakeRemoveTimeout(int timer)
{
    fake.removeTimeout++;
    fake.lastTimer = timer;
    return 0;
}

static void
test_custom_impl(void **state)
{
    int marker;

    virEventRegisterImpl(fakeAddHandle, fakeUpdateHandle, fakeRemoveHandle,
                         fakeAddTimeout, fakeUpdateTimeout, fakeRemoveTimeout);
    assert_true(vkEventLoopIsRegistered());

    assert_int_equal(virEventAddHandle(5, VIR_EVENT_HANDLE_WRITABLE,
                                       noop_handle, &marker, NULL), 41);
    assert_int_equal(fake.addHandle, 1);
    assert_int_equal(fake.lastFd, 5);
    assert_int_equal(fake.lastEvents, VIR_EVENT_HANDLE_WRITABLE);
    assert_ptr_equal(fake.lastOpaque, &marker);

    virEventUpdateHandle(41, VIR_EVENT_HANDLE_READABLE);
    assert_int_equal(fake.updateHandle, 1);
    assert_int_equal(fake.lastWatch, 41);
    assert_int_equal(fake.lastEvents, VIR_EVENT_HANDLE_READABLE);

    assert_int_equal(virEventRemoveHandle(41), 0);
    assert_int_equal(fake.removeHandle, 1);

    assert_int_equal(virEventAddTimeout(250, noop_timeout, &marker, NULL), 77);
    assert_int_equal(fake.addTimeout, 1);
    assert_int_equal(fake.lastTimeout, 250);

    virEventUpdateTimeout(77, -1);
    assert_int_equal(fake.updateTimeout, 1);
    assert_int_equal(fake.lastTimer, 77);
    assert_int_equal(fake.lastTimeout, -1);

    assert_int_equal(virEventRemoveTimeout(77), 0);
    assert_int_equal(fake.removeTimeout, 1);

    /* Registering the default implementation replaces the custom one. */
    assert_int_equal(virEventRegisterDefaultImpl(), 0);
    marker = virEventAddTimeout(-1, noop_timeout, NULL, NULL);
    assert_true(marker > 0);
    assert_int_not_equal(marker, 77);
    assert_int_equal(fake.addTimeout, 1);
    assert_int_equal(virEventRemoveTimeout(marker), 0);
}

/* ---- default implementation ---- */

typedef struct {
    int calls;
    int watch;
    int fd;
    int events;
    int freed;
    bool removeSelf;
    bool freedDuringRemove;
} HandleCtx;

static void
handleFree(void *opaque)
{
    ((HandleCtx *)opaque)->freed++;
}

static void
onReadable(int watch, int fd, int events, void *opaque)
{
    HandleCtx *ctx = opaque;
    char c;

    ctx->calls++;
    ctx->watch = watch;
    ctx->fd = fd;
    ctx->events = events;
    if (events & VIR_EVENT_HANDLE_READABLE)
        assert_int_equal(read(fd, &c, 1), 1);
    if (ctx->removeSelf) {
        assert_int_equal(virEventRemoveHandle(watch), 0);
        /* the free callback waits for the loop, not for this call */
        ctx->freedDuringRemove = ctx->freed != 0;
    }
}

static bool
handleCalled(void *data)
{
    return ((HandleCtx *)data)->calls > 0;
}

static bool
handleFreed(void *data)
{
    return ((HandleCtx *)data)->freed > 0;
}

static void
test_handle_readable(void **state)
{
    HandleCtx ctx = { .removeSelf = true };
    int fds[2];
    int watch;

    assert_int_equal(pipe(fds), 0);
    watch = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, onReadable,
                              &ctx, handleFree);
    assert_true(watch > 0);

    /* nothing to read yet: a few iterations must not call it */
    loopSpin(3);
    assert_int_equal(ctx.calls, 0);

    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_true(loopRunUntil(handleCalled, &ctx));
    assert_int_equal(ctx.calls, 1);
    assert_int_equal(ctx.watch, watch);
    assert_int_equal(ctx.fd, fds[0]);
    assert_true(ctx.events & VIR_EVENT_HANDLE_READABLE);
    assert_false(ctx.freedDuringRemove);

    assert_true(loopRunUntil(handleFreed, &ctx));
    /* removed: more data must not reach it, and free ran exactly once */
    assert_int_equal(write(fds[1], "y", 1), 1);
    loopSpin(3);
    assert_int_equal(ctx.calls, 1);
    assert_int_equal(ctx.freed, 1);
    assert_int_equal(virEventRemoveHandle(watch), -1);

    close(fds[0]);
    close(fds[1]);
}

static void
test_handle_hangup(void **state)
{
    HandleCtx ctx = { 0 };
    int fds[2];
    int watch;

    assert_int_equal(pipe(fds), 0);
    watch = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_HANGUP, onReadable,
                              &ctx, handleFree);
    assert_true(watch > 0);
    close(fds[1]);
    assert_true(loopRunUntil(handleCalled, &ctx));
    assert_true(ctx.events & VIR_EVENT_HANDLE_HANGUP);
    assert_int_equal(virEventRemoveHandle(watch), 0);
    assert_true(loopRunUntil(handleFreed, &ctx));
    assert_int_equal(ctx.freed, 1);
    close(fds[0]);
}

static void
test_handle_update(void **state)
{
    HandleCtx ctx = { 0 };
    int fds[2];
    int watch;
    int before;

    assert_int_equal(pipe(fds), 0);
    watch = virEventAddHandle(fds[0], 0, onReadable, &ctx, handleFree);
    assert_true(watch > 0);
    assert_int_equal(write(fds[1], "ab", 2), 2);

    /* no events asked for: data waits */
    loopSpin(3);
    assert_int_equal(ctx.calls, 0);

    virEventUpdateHandle(watch, VIR_EVENT_HANDLE_READABLE);
    assert_true(loopRunUntil(handleCalled, &ctx));

    /* one byte is still unread, but the watch is switched off */
    virEventUpdateHandle(watch, 0);
    before = ctx.calls;
    loopSpin(3);
    assert_int_equal(ctx.calls, before);

    assert_int_equal(virEventRemoveHandle(watch), 0);
    assert_int_equal(virEventRemoveHandle(watch), -1);
    assert_true(loopRunUntil(handleFreed, &ctx));
    assert_int_equal(ctx.freed, 1);
    close(fds[0]);
    close(fds[1]);
}

typedef struct {
    int calls;
    int limit;
    int timer;
    int freed;
    bool freedDuringRemove;
    bool disableInstead;
} TimerCtx;

static void
timerFree(void *opaque)
{
    ((TimerCtx *)opaque)->freed++;
}

static void
onTimer(int timer, void *opaque)
{
    TimerCtx *ctx = opaque;

    assert_int_equal(timer, ctx->timer);
    ctx->calls++;
    if (ctx->calls < ctx->limit)
        return;
    if (ctx->disableInstead) {
        virEventUpdateTimeout(timer, -1);
        return;
    }
    assert_int_equal(virEventRemoveTimeout(timer), 0);
    ctx->freedDuringRemove = ctx->freed != 0;
}

static bool
timerFreed(void *data)
{
    return ((TimerCtx *)data)->freed > 0;
}

static bool
timerReachedLimit(void *data)
{
    TimerCtx *ctx = data;
    return ctx->calls >= ctx->limit;
}

static void
test_timer_removes_itself(void **state)
{
    TimerCtx ctx = { .limit = 3 };

    ctx.timer = virEventAddTimeout(1, onTimer, &ctx, timerFree);
    assert_true(ctx.timer > 0);
    assert_true(loopRunUntil(timerFreed, &ctx));
    assert_int_equal(ctx.calls, 3);
    assert_false(ctx.freedDuringRemove);
    loopSpin(5);
    assert_int_equal(ctx.calls, 3);
    assert_int_equal(ctx.freed, 1);
    assert_int_equal(virEventRemoveTimeout(ctx.timer), -1);
}

static void
test_timer_zero_fires_every_iteration(void **state)
{
    TimerCtx ctx = { .limit = 1000 };

    ctx.timer = virEventAddTimeout(0, onTimer, &ctx, timerFree);
    assert_true(ctx.timer > 0);
    for (int i = 0; i < 5; i++)
        virEventRunDefaultImpl();
    /* always ready, so dispatched once in each iteration */
    assert_int_equal(ctx.calls, 5);
    assert_int_equal(virEventRemoveTimeout(ctx.timer), 0);
    assert_int_equal(ctx.freed, 0);
    assert_true(loopRunUntil(timerFreed, &ctx));
    assert_int_equal(ctx.freed, 1);
}

static void
test_timer_disable_and_reenable(void **state)
{
    TimerCtx ctx = { .limit = 2, .disableInstead = true };

    ctx.timer = virEventAddTimeout(0, onTimer, &ctx, timerFree);
    assert_true(ctx.timer > 0);
    assert_true(loopRunUntil(timerReachedLimit, &ctx));
    loopSpin(5);
    assert_int_equal(ctx.calls, 2);

    /* a timer added disabled stays quiet too */
    {
        TimerCtx idle = { .limit = 1 };

        idle.timer = virEventAddTimeout(-1, onTimer, &idle, timerFree);
        assert_true(idle.timer > 0);
        loopSpin(3);
        assert_int_equal(idle.calls, 0);
        assert_int_equal(virEventRemoveTimeout(idle.timer), 0);
        assert_true(loopRunUntil(timerFreed, &idle));
    }

    ctx.limit = 4;
    virEventUpdateTimeout(ctx.timer, 0);
    assert_true(loopRunUntil(timerReachedLimit, &ctx));
    loopSpin(3);
    assert_int_equal(ctx.calls, 4);

    assert_int_equal(virEventRemoveTimeout(ctx.timer), 0);
    assert_true(loopRunUntil(timerFreed, &ctx));
    assert_int_equal(ctx.freed, 1);
}

/* A timer added from another thread while the loop is blocked. */
typedef struct {
    TimerCtx timer;
    GMutex lock;
} ThreadCtx;

static void
onTimerLocked(int timer, void *opaque)
{
    ThreadCtx *tc = opaque;

    /* the adding thread has stored the id by the time we can lock */
    g_mutex_lock(&tc->lock);
    g_mutex_unlock(&tc->lock);
    onTimer(timer, &tc->timer);
}

static gpointer
addLockedFromThread(gpointer data)
{
    ThreadCtx *tc = data;

    g_mutex_lock(&tc->lock);
    tc->timer.timer = virEventAddTimeout(0, onTimerLocked, tc, NULL);
    g_mutex_unlock(&tc->lock);
    return NULL;
}

static void
test_timer_from_thread(void **state)
{
    ThreadCtx tc = { .timer = { .limit = 1 } };
    GThread *th;

    g_mutex_init(&tc.lock);
    th = g_thread_new("adder", addLockedFromThread, &tc);
    /* the main thread blocks in the loop until the new timer wakes it */
    assert_true(loopRunUntil(timerReachedLimit, &tc.timer));
    g_thread_join(th);
    assert_true(tc.timer.timer > 0);
    loopSpin(2);
    assert_int_equal(tc.timer.calls, 1);
    g_mutex_clear(&tc.lock);
}

static void
test_ids_distinct(void **state)
{
    int a = virEventAddTimeout(-1, noop_timeout, NULL, NULL);
    int b = virEventAddTimeout(-1, noop_timeout, NULL, NULL);

    assert_true(a > 0);
    assert_true(b > 0);
    assert_int_not_equal(a, b);
    assert_int_equal(virEventRemoveTimeout(a), 0);
    assert_int_equal(virEventRemoveTimeout(a), -1);
    assert_int_equal(virEventRemoveTimeout(b), 0);
    assert_int_equal(virEventAddHandle(-1, VIR_EVENT_HANDLE_READABLE,
                                       noop_handle, NULL, NULL), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none_registered),
        cmocka_unit_test(test_custom_impl),
        cmocka_unit_test(test_handle_readable),
        cmocka_unit_test(test_handle_hangup),
        cmocka_unit_test(test_handle_update),
        cmocka_unit_test(test_timer_removes_itself),
        cmocka_unit_test(test_timer_zero_fires_every_iteration),
        cmocka_unit_test(test_timer_disable_and_reenable),
        cmocka_unit_test(test_timer_from_thread),
        cmocka_unit_test(test_ids_distinct),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

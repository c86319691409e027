/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capability probe's monitor deadline (issue 7: a probe QEMU that
 * greets but never answers qmp_capabilities used to hang its caller).
 *
 * A fake QEMU on a socketpair sends the QMP greeting and then reads and
 * ignores everything: with a command timeout set, the handshake must fail
 * with VIR_ERR_OPERATION_TIMEOUT, and the monitor must refuse further
 * commands (a late reply could otherwise answer the wrong one).  Without
 * the timeout this test would hang and meson would fail it on its own
 * timeout.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "drivers/qemu/monitor.h"
#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static GMainLoop *loop;

static gpointer
loopThread(gpointer ctx)
{
    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
    return NULL;
}

static void
onEOF(vkQemuMonitor *mon, const char *error, void *opaque)
{
}

static const vkQemuMonitorCallbacks callbacks = { .eof = onEOF };

int
main(void)
{
    static const char greeting[] =
        "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 9, \"minor\": 0, \"micro\": 0}}, "
        "\"capabilities\": []}}\r\n";
    GMainContext *ctx = g_main_context_new();
    GThread *thread;
    vkQemuMonitor *mon;
    int sv[2], rc, failures = 0;
    virErrorPtr err;

    loop = g_main_loop_new(ctx, FALSE);
    thread = g_thread_new("loop", loopThread, ctx);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        write(sv[1], greeting, strlen(greeting)) != (ssize_t)strlen(greeting))
        return 1;
    mon = vkQemuMonitorOpen(sv[0], ctx, &callbacks, NULL);
    vkQemuMonitorSetCommandTimeout(mon, 300);

    rc = vkQemuMonitorHandshake(mon, 5000);
    err = vkErrorIsSet() ? vkErrorGetLast() : NULL;
    if (rc != -1 || !err || err->code != VIR_ERR_OPERATION_TIMEOUT ||
        !strstr(err->message, "qmp_capabilities")) {
        fprintf(stderr, "handshake: rc %d, error %s\n", rc, err ? err->message : "none");
        failures++;
    }
    /* The monitor stays usable after a timeout (a late reply is matched
     * by its id and dropped): the next command to a silent peer times out
     * on its own deadline too, never hangs. */
    vkErrorReset();
    rc = vkQemuMonitorCommand(mon, "query-version", NULL, NULL);
    err = vkErrorIsSet() ? vkErrorGetLast() : NULL;
    if (rc != -1 || !err || err->code != VIR_ERR_OPERATION_TIMEOUT ||
        !strstr(err->message, "query-version")) {
        fprintf(stderr, "command after a timeout: rc %d, error %s\n", rc,
                err ? err->message : "none");
        failures++;
    }
    vkQemuMonitorClose(mon);
    close(sv[1]);
    g_main_loop_quit(loop);
    g_thread_join(thread);
    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QMP client against a scripted fake QEMU on a socketpair: greeting and
 * capabilities, commands with replies and errors, events delivered to the
 * callback, EOF failing a pending command, the 10 MiB line limit,
 * commands from several threads kept one at a time, a reply past the
 * deadline (the command fails, the late reply is dropped, the monitor
 * goes on), and getfd passing a descriptor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/qemu/monitor.h"
#include "util/error.h"

typedef struct {
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
    GMutex lock;
    GCond cond;
    GPtrArray *events;    /* char* names */
    int eofs;
    char *eofError;
} loopState;

static gpointer
loopThread(gpointer opaque)
{
    loopState *ls = opaque;

    g_main_context_push_thread_default(ls->ctx);
    g_main_loop_run(ls->loop);
    g_main_context_pop_thread_default(ls->ctx);
    return NULL;
}

static void
onEvent(vkQemuMonitor *mon, const char *name, vkJSON *data, void *opaque)
{
    loopState *ls = opaque;

    g_mutex_lock(&ls->lock);
    if (data && vkJSONObjectGet(data, "guest")) {
        bool g = false;
        vkJSONGetBool(vkJSONObjectGet(data, "guest"), &g);
        g_ptr_array_add(ls->events, g_strdup_printf("%s guest=%d", name, g));
    } else {
        g_ptr_array_add(ls->events, g_strdup(name));
    }
    g_cond_broadcast(&ls->cond);
    g_mutex_unlock(&ls->lock);
}

static void
onEOF(vkQemuMonitor *mon, const char *error, void *opaque)
{
    loopState *ls = opaque;

    g_mutex_lock(&ls->lock);
    ls->eofs++;
    ls->eofError = g_strdup(error);
    g_cond_broadcast(&ls->cond);
    g_mutex_unlock(&ls->lock);
}

static const vkQemuMonitorCallbacks callbacks = { .event = onEvent, .eof = onEOF };

static loopState *
loopStart(void)
{
    loopState *ls = g_new0(loopState, 1);

    ls->ctx = g_main_context_new();
    ls->loop = g_main_loop_new(ls->ctx, FALSE);
    ls->events = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&ls->lock);
    g_cond_init(&ls->cond);
    ls->thread = g_thread_new("loop", loopThread, ls);
    return ls;
}

static void
loopStop(loopState *ls)
{
    g_main_loop_quit(ls->loop);
    g_thread_join(ls->thread);
    g_main_loop_unref(ls->loop);
    g_main_context_unref(ls->ctx);
    g_ptr_array_free(ls->events, TRUE);
    g_free(ls->eofError);
    g_free(ls);
}

/* ---- the fake QEMU: reads lines, answers from a script ---- */

static char *
readLine(int fd)
{
    GString *s = g_string_new(NULL);
    char c;

    while (read(fd, &c, 1) == 1) {
        if (c == '\n')
            return g_string_free(s, FALSE);
        g_string_append_c(s, c);
    }
    g_string_free(s, TRUE);
    return NULL;
}

static void
say(int fd, const char *s)
{
    g_assert(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
}

static char *
idOf(const char *line)
{
    g_autoptr(vkJSON) v = vkJSONParse(line, strlen(line));
    return g_strdup(vkJSONObjectGetString(v, "id"));
}

static char *
cmdOf(const char *line)
{
    g_autoptr(vkJSON) v = vkJSONParse(line, strlen(line));
    return g_strdup(vkJSONObjectGetString(v, "execute"));
}

static gpointer
fakeQemu(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    char *line;

    say(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
            "\"capabilities\": [\"oob\"]}}\r\n");
    while ((line = readLine(fd))) {
        g_autofree char *id = idOf(line);
        g_autofree char *cmd = cmdOf(line);
        g_autofree char *out = NULL;

        g_free(line);
        if (strcmp(cmd, "stop") == 0) {
            /* An event may come before the reply. */
            say(fd, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n");
            out = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}\r\n", id);
        } else if (strcmp(cmd, "query-status") == 0) {
            out = g_strdup_printf("{\"return\": {\"status\": \"paused\", \"singlestep\": false, "
                                  "\"running\": false}, \"id\": \"%s\"}\r\n", id);
        } else if (strcmp(cmd, "system_powerdown") == 0) {
            out = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}\r\n"
                                  "{\"event\": \"POWERDOWN\"}\r\n"
                                  "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
                                  "\"reason\": \"guest-shutdown\"}}\r\n", id);
        } else if (strcmp(cmd, "quit-now") == 0) {
            break;       /* close without answering */
        } else if (strcmp(cmd, "flood") == 0) {
            /* 11 MiB with no newline. */
            char *big = g_malloc(1024 * 1024);

            memset(big, ' ', 1024 * 1024);
            for (int i = 0; i < 11; i++) {
                if (write(fd, big, 1024 * 1024) < 0)
                    break;
            }
            g_free(big);
            continue;
        } else if (strcmp(cmd, "qmp_capabilities") == 0 || strcmp(cmd, "cont") == 0) {
            out = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}\r\n", id);
        } else {
            out = g_strdup_printf("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                                  "\"The command %s has not been found\"}, \"id\": \"%s\"}\r\n",
                                  cmd, id);
        }
        say(fd, out);
    }
    close(fd);
    return NULL;
}

static void
waitEOF(loopState *ls)
{
    g_mutex_lock(&ls->lock);
    while (ls->eofs == 0)
        g_cond_wait(&ls->cond, &ls->lock);
    g_mutex_unlock(&ls->lock);
}

static void
test_session(void **state)
{
    loopState *ls = loopStart();
    int sv[2];
    GThread *fake;
    vkQemuMonitor *mon;
    g_autofree char *status = NULL;
    g_autoptr(vkJSON) ret = NULL;
    bool running = true;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    fake = g_thread_new("fake", fakeQemu, GINT_TO_POINTER(sv[1]));
    mon = vkQemuMonitorOpen(sv[0], ls->ctx, &callbacks, ls);

    assert_int_equal(vkQemuMonitorHandshake(mon, 10000), 0);
    assert_int_equal(vkQemuMonitorStop(mon), 0);
    status = vkQemuMonitorQueryStatus(mon, &running);
    assert_string_equal(status, "paused");
    assert_false(running);

    vkErrorReset();
    assert_int_equal(vkQemuMonitorCommand(mon, "no-such-cmd", vkJSONNewObject(), &ret), -1);
    assert_null(ret);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_OPERATION_FAILED);
    assert_non_null(strstr(vkErrorGetLast()->message, "no-such-cmd has not been found"));

    assert_int_equal(vkQemuMonitorSystemPowerdown(mon), 0);
    g_mutex_lock(&ls->lock);
    while (ls->events->len < 3)
        g_cond_wait(&ls->cond, &ls->lock);
    g_mutex_unlock(&ls->lock);
    assert_string_equal(ls->events->pdata[0], "STOP");
    assert_string_equal(ls->events->pdata[1], "POWERDOWN");
    assert_string_equal(ls->events->pdata[2], "SHUTDOWN guest=1");

    /* QEMU goes away with a command pending: the command fails, EOF is
     * reported once, later commands fail at once. */
    vkErrorReset();
    assert_int_equal(vkQemuMonitorCommand(mon, "quit-now", NULL, NULL), -1);
    assert_non_null(strstr(vkErrorGetLast()->message, "quit-now"));
    waitEOF(ls);
    assert_int_equal(ls->eofs, 1);
    assert_null(ls->eofError);
    assert_int_equal(vkQemuMonitorCont(mon), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_OPERATION_INVALID);

    vkQemuMonitorClose(mon);
    g_thread_join(fake);
    loopStop(ls);
}

static void
test_line_limit(void **state)
{
    loopState *ls = loopStart();
    int sv[2];
    GThread *fake;
    vkQemuMonitor *mon;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    fake = g_thread_new("fake", fakeQemu, GINT_TO_POINTER(sv[1]));
    mon = vkQemuMonitorOpen(sv[0], ls->ctx, &callbacks, ls);
    assert_int_equal(vkQemuMonitorHandshake(mon, 10000), 0);

    vkErrorReset();
    assert_int_equal(vkQemuMonitorCommand(mon, "flood", NULL, NULL), -1);
    waitEOF(ls);
    assert_non_null(ls->eofError);
    assert_non_null(strstr(ls->eofError, "10 MiB"));
    vkQemuMonitorClose(mon);    /* the fake sees EOF and ends */
    g_thread_join(fake);
    loopStop(ls);
}

static void
test_no_greeting(void **state)
{
    loopState *ls = loopStart();
    int sv[2];
    vkQemuMonitor *mon;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    mon = vkQemuMonitorOpen(sv[0], ls->ctx, &callbacks, ls);
    close(sv[1]);
    vkErrorReset();
    assert_int_equal(vkQemuMonitorHandshake(mon, 10000), -1);
    assert_non_null(strstr(vkErrorGetLast()->message, "greeting"));
    vkQemuMonitorClose(mon);
    loopStop(ls);
}

typedef struct {
    vkQemuMonitor *mon;
    int ok;
} worker;

static gpointer
hammer(gpointer opaque)
{
    worker *w = opaque;

    for (int i = 0; i < 200; i++) {
        bool running;
        g_autofree char *s = vkQemuMonitorQueryStatus(w->mon, &running);
        if (s && strcmp(s, "paused") == 0)
            w->ok++;
    }
    return NULL;
}

static void
test_threads(void **state)
{
    loopState *ls = loopStart();
    int sv[2];
    GThread *fake;
    GThread *th[4];
    worker w[4];
    vkQemuMonitor *mon;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    fake = g_thread_new("fake", fakeQemu, GINT_TO_POINTER(sv[1]));
    mon = vkQemuMonitorOpen(sv[0], ls->ctx, &callbacks, ls);
    assert_int_equal(vkQemuMonitorHandshake(mon, 10000), 0);
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ .mon = mon };
        th[i] = g_thread_new("w", hammer, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(th[i]);
        assert_int_equal(w[i].ok, 200);
    }
    vkQemuMonitorClose(mon);
    g_thread_join(fake);
    loopStop(ls);
}

/* ---- a fake QEMU that answers late and receives descriptors ---- */

/* One line, with the descriptor that came along with it (SCM_RIGHTS) in
 * *fdOut when there was one. */
static char *
readLineFd(int fd, int *fdOut)
{
    GString *s = g_string_new(NULL);
    char c;

    for (;;) {
        union {
            struct cmsghdr hdr;
            char buf[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct iovec iov = { .iov_base = &c, .iov_len = 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        struct cmsghdr *cm;

        if (recvmsg(fd, &msg, 0) != 1) {
            g_string_free(s, TRUE);
            return NULL;
        }
        for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
                memcpy(fdOut, CMSG_DATA(cm), sizeof(int));
        }
        if (c == '\n')
            return g_string_free(s, FALSE);
        g_string_append_c(s, c);
    }
}

static gpointer
fakeSlowQemu(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    g_autofree char *hungId = NULL;
    char *line;
    int passed = -1;

    say(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
    while ((line = readLineFd(fd, &passed))) {
        g_autofree char *id = idOf(line);
        g_autofree char *cmd = cmdOf(line);
        g_autofree char *out = NULL;

        g_free(line);
        if (strcmp(cmd, "hang") == 0) {
            hungId = g_strdup(id);      /* answered with the next one */
            continue;
        }
        if (hungId) {
            g_autofree char *late = g_strdup_printf(
                "{\"return\": {\"status\": \"late\", \"running\": true}, \"id\": \"%s\"}\r\n",
                hungId);

            say(fd, late);
            g_clear_pointer(&hungId, g_free);
        }
        if (strcmp(cmd, "getfd") == 0 && passed >= 0) {
            g_assert(write(passed, "hello", 5) == 5);
            close(passed);
            passed = -1;
        }
        if (strcmp(cmd, "query-status") == 0)
            out = g_strdup_printf("{\"return\": {\"status\": \"paused\", \"running\": false}, "
                                  "\"id\": \"%s\"}\r\n", id);
        else
            out = g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}\r\n", id);
        say(fd, out);
    }
    close(fd);
    return NULL;
}

static void
test_deadline_and_fd(void **state)
{
    loopState *ls = loopStart();
    int sv[2], pfd[2];
    GThread *fake;
    vkQemuMonitor *mon;
    g_autofree char *status = NULL;
    bool running = true;
    char buf[8] = { 0 };

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    fake = g_thread_new("fake", fakeSlowQemu, GINT_TO_POINTER(sv[1]));
    mon = vkQemuMonitorOpen(sv[0], ls->ctx, &callbacks, ls);
    assert_int_equal(vkQemuMonitorHandshake(mon, 10000), 0);

    /* No reply in time: the command fails with a timeout... */
    vkQemuMonitorSetCommandTimeout(mon, 200);
    vkErrorReset();
    assert_int_equal(vkQemuMonitorCommand(mon, "hang", NULL, NULL), -1);
    assert_int_equal(vkErrorGetLast()->code, VIR_ERR_OPERATION_TIMEOUT);
    assert_false(vkQemuMonitorIsBroken(mon));
    /* ...and its late reply, which arrives first, is not taken for the
     * next command's. */
    vkQemuMonitorSetCommandTimeout(mon, 0);
    status = vkQemuMonitorQueryStatus(mon, &running);
    assert_non_null(status);
    assert_string_equal(status, "paused");
    assert_false(running);

    /* getfd: QEMU gets a working copy of our descriptor. */
    assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
    assert_int_equal(vkQemuMonitorSendFd(mon, "vk-test", pfd[1]), 0);
    close(pfd[1]);
    assert_int_equal(read(pfd[0], buf, 5), 5);
    assert_string_equal(buf, "hello");
    close(pfd[0]);

    vkQemuMonitorClose(mon);
    g_thread_join(fake);
    loopStop(ls);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_no_greeting),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_deadline_and_fd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

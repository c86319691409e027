/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * src/rpc/fd-passing.c on a socketpair: descriptors arrive whole or not
 * at all, and on every refusal (more than the caller has room for, a
 * byte carrying none, a byte carrying two) none is left open in this
 * process -- counted in /proc/self/fd around each case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <glib.h>

#include "rpc/fd-passing.h"

static size_t
openFds(void)
{
    GDir *dir = g_dir_open("/proc/self/fd", 0, NULL);
    size_t n = 0;

    assert_non_null(dir);
    while (g_dir_read_name(dir))
        n++;
    g_dir_close(dir);
    return n;
}

static void
pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* Each descriptor on a byte of its own, read back one by one: the same
 * open files (the pipe still works end to end through the copies). */
static void
test_roundtrip(void **state)
{
    int sv[2];
    int p[2];
    int got[2];
    char c = 0;

    (void)state;
    pair(sv);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(vkRpcSendFds(sv[0], p, 2), 0);
    got[0] = vkRpcRecvFd(sv[1]);
    got[1] = vkRpcRecvFd(sv[1]);
    assert_true(got[0] >= 0 && got[1] >= 0);
    assert_true(fcntl(got[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(write(got[1], "x", 1), 1);
    assert_int_equal(read(p[0], &c, 1), 1);
    assert_int_equal(c, 'x');
    for (int i = 0; i < 2; i++) {
        close(p[i]);
        close(got[i]);
        close(sv[i]);
    }
}

/* Bytes and descriptors read ahead together (the daemon's way): the
 * descriptors of several bytes collect in the caller's array. */
static void
test_readahead(void **state)
{
    int sv[2];
    int p[2];
    int fds[4];
    size_t n = 0;
    char buf[16];
    ssize_t rc;

    (void)state;
    pair(sv);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(vkRpcSendmsg(sv[0], "hdr", 3, NULL, 0), 3);
    assert_int_equal(vkRpcSendFd(sv[0], p[0]), 1);
    rc = vkRpcRecvmsg(sv[1], buf, sizeof(buf), fds, G_N_ELEMENTS(fds), &n);
    /* the kernel stops a read after the byte that carries descriptors */
    assert_int_equal(rc, 4);
    assert_int_equal(n, 1);
    close(fds[0]);
    for (int i = 0; i < 2; i++) {
        close(p[i]);
        close(sv[i]);
    }
}

static void
test_too_many_closed(void **state)
{
    size_t before = openFds();
    int sv[2];
    int p[2];
    int three[3];
    int fds[2] = { -1, -1 };
    size_t n = 0;
    char buf[4];

    (void)state;
    pair(sv);
    assert_int_equal(pipe(p), 0);
    three[0] = p[0];
    three[1] = p[1];
    three[2] = p[0];
    assert_int_equal(vkRpcSendmsg(sv[0], "a", 1, three, 3), 1);
    errno = 0;
    assert_int_equal(vkRpcRecvmsg(sv[1], buf, sizeof(buf), fds, 2, &n), -1);
    assert_int_equal(errno, EPROTO);
    assert_int_equal(n, 0);
    /* a byte with two where libvirt's framing has one */
    assert_int_equal(vkRpcSendmsg(sv[0], "b", 1, three, 2), 1);
    assert_int_equal(vkRpcRecvFd(sv[1]), -1);
    assert_int_equal(errno, EPROTO);
    /* a byte with none */
    assert_int_equal(vkRpcSendmsg(sv[0], "c", 1, NULL, 0), 1);
    assert_int_equal(vkRpcRecvFd(sv[1]), -1);
    assert_int_equal(errno, EPROTO);
    /* the peer gone */
    close(sv[0]);
    assert_int_equal(vkRpcRecvFd(sv[1]), -1);
    assert_int_equal(errno, ECONNRESET);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
    assert_int_equal(openFds(), before);
}

static void
test_send_limits(void **state)
{
    int sv[2];
    int many[VK_RPC_MAX_CALL_FDS + 1];

    (void)state;
    pair(sv);
    for (size_t i = 0; i < G_N_ELEMENTS(many); i++)
        many[i] = sv[0];
    errno = 0;
    assert_int_equal(vkRpcSendmsg(sv[0], "a", 1, many, G_N_ELEMENTS(many)), -1);
    assert_int_equal(errno, EINVAL);
    /* a closed peer: an error, never SIGPIPE */
    close(sv[1]);
    assert_int_equal(vkRpcSendFds(sv[0], many, 1), -1);
    assert_int_equal(errno, EPIPE);
    close(sv[0]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_readahead),
        cmocka_unit_test(test_too_many_closed),
        cmocka_unit_test(test_send_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

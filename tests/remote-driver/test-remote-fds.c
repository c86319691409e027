/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Descriptors sent by the remote driver (CALL_WITH_FDS), against a real
 * daemon: a private libvirtd (test driver) or the virtkitd from the build,
 * chosen by argv[1] as in test-remote-driver.c.
 *
 * Every call's answer is compared with what the in-process test driver
 * gives for the same call, so "the daemon's answer" is checked against the
 * specification, not against a constant.  Around every test the client
 * must hold exactly the descriptors it held before, and against virtkitd
 * the daemon too (its /proc/PID/fd) once the connection is back to idle.
 * Over TCP (a relay in this process to the daemon's socket) the calls are
 * refused before a byte leaves, and the connection stays usable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "virtkit/virtkit-qemu.h"
#include "drivers/remote/remote-driver.h"
#include "daemon-helper.h"

static const char *daemonKind;
static vkTestDaemon *shared;

static const char domXML[] =
    "<domain type='test'><name>%s</name><memory>8192</memory>"
    "<os><type>hvm</type></os></domain>";

static size_t
countFds(pid_t pid)
{
    g_autofree char *path = pid ? g_strdup_printf("/proc/%d/fd", (int)pid)
                                : g_strdup("/proc/self/fd");
    GDir *dir = g_dir_open(path, 0, NULL);
    size_t n = 0;

    assert_non_null(dir);
    while (g_dir_read_name(dir))
        n++;
    g_dir_close(dir);
    return n;
}

static bool
isVirtkitd(void)
{
    return strcmp(daemonKind, "libvirtd") != 0;
}

static virConnectPtr
openRemote(void)
{
    virConnectPtr conn = virConnectOpen(shared->uri);

    if (!conn)
        fail_msg("cannot open %s: %s", shared->uri, virGetLastErrorMessage());
    return conn;
}

static void
pipeFds(int fds[2])
{
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
}

static void
assertOpen(int fd)
{
    assert_true(fcntl(fd, F_GETFD) >= 0);
}

/* The error of the last call, to compare between two connections. */
typedef struct {
    int code;
    int domain;
} vkErr;

static vkErr
lastErr(void)
{
    virErrorPtr e = virGetLastError();
    vkErr r = { 0, 0 };

    if (e) {
        r.code = e->code;
        r.domain = e->domain;
    }
    return r;
}

/* The daemon's descriptors with the client connected and idle; a
 * round trip first, so that the daemon is done with earlier calls. */
static size_t
daemonFdsIdle(virConnectPtr conn)
{
    unsigned long ver;

    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    return isVirtkitd() ? countFds(shared->pid) : 0;
}

/* One comparison: the in-process test driver beside the daemon, a pipe
 * to send, and the descriptor counts that must hold again at the end. */
typedef struct {
    size_t clientFds;
    size_t daemonFds;
    virConnectPtr local;
    virConnectPtr conn;
    int p[2];
} vkPair;

static void
pairOpen(vkPair *t)
{
    t->clientFds = countFds(0);
    t->local = virConnectOpen("test:///default");
    assert_non_null(t->local);
    t->conn = openRemote();
    t->daemonFds = daemonFdsIdle(t->conn);
    pipeFds(t->p);
}

static void
pairClose(vkPair *t)
{
    /* the caller's descriptors stay the caller's */
    assertOpen(t->p[0]);
    assertOpen(t->p[1]);
    assert_int_equal(virConnectIsAlive(t->conn), 1);
    if (isVirtkitd())
        assert_int_equal(daemonFdsIdle(t->conn), t->daemonFds);
    else
        daemonFdsIdle(t->conn);
    close(t->p[0]);
    close(t->p[1]);
    assert_int_equal(virConnectClose(t->conn), 0);
    assert_int_equal(virConnectClose(t->local), 0);
    assert_int_equal(countFds(0), t->clientFds);
}

/* Both calls fail, with the same error code and domain. */
#define assertSameFailure(localFailed, remoteFailed) \
    do { \
        vkErr le_, re_; \
        assert_true(localFailed); \
        le_ = lastErr(); \
        assert_true(remoteFailed); \
        re_ = lastErr(); \
        assert_int_equal(re_.code, le_.code); \
        assert_int_equal(re_.domain, le_.domain); \
    } while (0)

static void
testCreateXMLWithFiles(void **state)
{
    g_autofree char *xml = g_strdup_printf(domXML, "fdxml");
    vkPair t;
    int files[3];
    virDomainPtr ldom;
    virDomainPtr dom;

    (void)state;
    pairOpen(&t);
    files[0] = t.p[0];
    files[1] = t.p[1];
    files[2] = t.p[0];              /* the same descriptor twice is fine */
    ldom = virDomainCreateXMLWithFiles(t.local, xml, 3, files, 0);
    dom = virDomainCreateXMLWithFiles(t.conn, xml, 3, files, 0);
    assert_non_null(ldom);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), virDomainGetName(ldom));
    assert_true(virDomainGetID(dom) > 0);
    assert_int_equal(virDomainIsActive(dom), 1);
    assert_int_equal(virDomainIsPersistent(dom), virDomainIsPersistent(ldom));
    /* a second one of the same name fails the same way on both */
    assertSameFailure(!virDomainCreateXMLWithFiles(t.local, xml, 1, files, 0),
                      !virDomainCreateXMLWithFiles(t.conn, xml, 1, files, 0));
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainDestroy(ldom), 0);
    virDomainFree(dom);
    virDomainFree(ldom);
    pairClose(&t);
}

static void
testCreateWithFiles(void **state)
{
    g_autofree char *xml = g_strdup_printf(domXML, "fdcreate");
    vkPair t;
    virDomainPtr ldom;
    virDomainPtr dom;

    (void)state;
    pairOpen(&t);
    ldom = virDomainDefineXML(t.local, xml);
    dom = virDomainDefineXML(t.conn, xml);
    assert_non_null(ldom);
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);

    assert_int_equal(virDomainCreateWithFiles(ldom, 2, t.p, 0), 0);
    assert_int_equal(virDomainCreateWithFiles(dom, 2, t.p, 0), 0);
    /* the handle learnt its new id, as with virDomainCreateWithFlags */
    assert_true(virDomainGetID(dom) > 0);
    assert_int_equal(virDomainIsActive(dom), 1);
    /* already running: the same refusal from both, and the connection
     * goes on */
    assertSameFailure(virDomainCreateWithFiles(ldom, 1, t.p, 0) == -1,
                      virDomainCreateWithFiles(dom, 1, t.p, 0) == -1);
    assert_int_equal(virDomainDestroy(dom), 0);

    /* none at all is a plain call */
    assert_int_equal(virDomainCreateWithFiles(dom, 0, NULL, 0), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainDestroy(ldom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainUndefine(ldom), 0);
    virDomainFree(dom);
    virDomainFree(ldom);
    pairClose(&t);
}

/* Neither test driver has fd sets, displays nor a monitor: the daemon's
 * answer is the in-process one, after it has read (and closed) the
 * descriptors. */
static void
testAssociateAndGraphics(void **state)
{
    vkPair t;
    virDomainPtr ldom;
    virDomainPtr dom;
    int sv[2];
    char *result = NULL;

    (void)state;
    pairOpen(&t);
    ldom = virDomainLookupByName(t.local, "test");
    dom = virDomainLookupByName(t.conn, "test");
    assert_non_null(ldom);
    assert_non_null(dom);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);

    assertSameFailure(virDomainFDAssociate(ldom, "grp", 2, t.p, 0) == -1,
                      virDomainFDAssociate(dom, "grp", 2, t.p, 0) == -1);
    assertSameFailure(virDomainOpenGraphics(ldom, 0, sv[0], 0) == -1,
                      virDomainOpenGraphics(dom, 0, sv[0], 0) == -1);
    /* libvirt-qemu's passthrough, over the QEMU program */
    assertSameFailure(virDomainQemuMonitorCommandWithFiles(ldom, "{}", 2, t.p, NULL, NULL,
                                                           &result, 0) == -1,
                      virDomainQemuMonitorCommandWithFiles(dom, "{}", 2, t.p, NULL, NULL,
                                                           &result, 0) == -1);
    assert_null(result);
    assertOpen(sv[0]);
    close(sv[0]);
    close(sv[1]);
    virDomainFree(dom);
    virDomainFree(ldom);
    pairClose(&t);
}

/* Refused at the door, the same on every connection. */
static void
testBadArguments(void **state)
{
    virConnectPtr conn = openRemote();
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    g_autofree char *xml = g_strdup_printf(domXML, "fdbad");
    int bad[2] = { -1, -1 };
    int p[2];
    char *result = NULL;

    (void)state;
    assert_non_null(dom);
    pipeFds(p);
    bad[0] = p[0];
    assert_null(virDomainCreateXMLWithFiles(conn, xml, 1, NULL, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_null(virDomainCreateXMLWithFiles(conn, xml, 2, bad, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainCreateWithFiles(dom, 3, NULL, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainFDAssociate(dom, "g", 2, bad, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainFDAssociate(dom, "g", 0, p, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainOpenGraphics(dom, 0, -1, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    /* libvirt: the display's descriptor must be a socket */
    assert_int_equal(virDomainOpenGraphics(dom, 0, p[0], 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virDomainQemuMonitorCommandWithFiles(dom, "{}", 1, NULL, NULL, NULL,
                                                          &result, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_null(result);
    /* nothing half-sent: the connection answers at once */
    assert_int_equal(virConnectIsAlive(conn), 1);
    assert_int_equal(virDomainIsActive(dom), 1);
    close(p[0]);
    close(p[1]);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
}

/* libvirt's limit: 32 descriptors a message; 33 is VIR_ERR_RPC before
 * anything is sent, 32 go. */
static void
testFdLimit(void **state)
{
    size_t clientBefore = countFds(0);
    virConnectPtr conn = openRemote();
    size_t daemonBefore = daemonFdsIdle(conn);
    g_autofree char *xml = g_strdup_printf(domXML, "fdmany");
    int p[2];
    int files[33];
    virDomainPtr dom;

    (void)state;
    pipeFds(p);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        files[i] = p[i % 2];
    assert_null(virDomainCreateXMLWithFiles(conn, xml, 33, files, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_RPC);
    assert_int_equal(virGetLastError()->domain, VIR_FROM_RPC);
    assert_int_equal(virConnectIsAlive(conn), 1);
    dom = virDomainCreateXMLWithFiles(conn, xml, 32, files, 0);
    if (!dom)
        fail_msg("32 descriptors: %s", virGetLastErrorMessage());
    assert_int_equal(virDomainDestroy(dom), 0);
    virDomainFree(dom);
    if (isVirtkitd())
        assert_int_equal(daemonFdsIdle(conn), daemonBefore);
    close(p[0]);
    close(p[1]);
    assert_int_equal(virConnectClose(conn), 0);
    assert_int_equal(countFds(0), clientBefore);
}

/* ---- a TCP relay to the daemon's socket, counting what goes through ---- */

typedef struct {
    int listener;
    GThread *thread;
    GByteArray *up;     /* client -> daemon bytes not yet a whole packet */
    gint fdCalls;       /* CALL_WITH_FDS packets that went up */
} vkRelay;

/* Counts the CALL_WITH_FDS among the whole packets in r->up (type: the
 * fifth word of the header, after the length word). */
static void
relayScan(vkRelay *r)
{
    for (;;) {
        guint32 len, type;

        if (r->up->len < 4)
            return;
        memcpy(&len, r->up->data, 4);
        len = GUINT32_FROM_BE(len);
        if (len < 28 || r->up->len < len)
            return;
        memcpy(&type, r->up->data + 16, 4);
        if (GUINT32_FROM_BE(type) == 4)
            g_atomic_int_inc(&r->fdCalls);
        g_byte_array_remove_range(r->up, 0, len);
    }
}

static gpointer
relayMain(gpointer opaque)
{
    vkRelay *r = opaque;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int c = accept(r->listener, NULL, NULL);
    int d = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char buf[65536];

    g_strlcpy(addr.sun_path, shared->sock, sizeof(addr.sun_path));
    if (c < 0 || d < 0 || connect(d, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        goto out;
    for (;;) {
        struct pollfd pf[2] = { { .fd = c, .events = POLLIN }, { .fd = d, .events = POLLIN } };
        ssize_t n;

        if (poll(pf, 2, -1) < 0)
            break;
        if (pf[0].revents) {
            if ((n = read(c, buf, sizeof(buf))) <= 0 || write(d, buf, n) != n)
                break;
            g_byte_array_append(r->up, (guint8 *)buf, (guint)n);
            relayScan(r);
        }
        if (pf[1].revents) {
            if ((n = read(d, buf, sizeof(buf))) <= 0 || write(c, buf, n) != n)
                break;
        }
    }
 out:
    if (c >= 0)
        close(c);
    if (d >= 0)
        close(d);
    return NULL;
}

static void
testTcpRefused(void **state)
{
    /* static: a failed assertion leaves this function, not the relay */
    static vkRelay relay;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    g_autofree char *uri = NULL;
    virConnectPtr conn;
    virDomainPtr dom;
    int p[2];
    int sv[2];
    g_autofree char *xml = g_strdup_printf(domXML, "fdtcp");
    char *result = NULL;
    int *outfiles = NULL;
    unsigned int nout = 0;

    (void)state;
    memset(&relay, 0, sizeof(relay));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    relay.listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(relay.listener >= 0);
    assert_int_equal(bind(relay.listener, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(listen(relay.listener, 1), 0);
    assert_int_equal(getsockname(relay.listener, (struct sockaddr *)&sin, &len), 0);
    relay.up = g_byte_array_new();
    relay.thread = g_thread_new("relay", relayMain, &relay);
    uri = g_strdup_printf("test+tcp://127.0.0.1:%d/default", ntohs(sin.sin_port));
    conn = virConnectOpen(uri);
    if (!conn)
        fail_msg("cannot open %s: %s", uri, virGetLastErrorMessage());
    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    pipeFds(p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);

    assert_null(virDomainCreateXMLWithFiles(conn, xml, 2, p, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    assert_int_equal(virDomainFDAssociate(dom, "g", 1, p, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    assert_int_equal(virDomainOpenGraphics(dom, 0, sv[0], 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    /* and none could come back */
    assert_int_equal(virDomainOpenGraphicsFD(dom, 0, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    assert_int_equal(virDomainQemuMonitorCommandWithFiles(dom, "{}", 0, NULL, &nout, &outfiles,
                                                          &result, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_ARGUMENT_UNSUPPORTED);
    assert_null(result);
    /* none of them left: the daemon (its answer below) saw no call */
    assert_int_equal(virConnectIsAlive(conn), 1);
    assert_int_equal(virDomainIsActive(dom), 1);
    /* without descriptors the same call is an ordinary one */
    {
        virDomainPtr made = virDomainCreateXMLWithFiles(conn, xml, 0, NULL, 0);

        if (!made)
            fail_msg("no descriptors over tcp: %s", virGetLastErrorMessage());
        assert_int_equal(virDomainDestroy(made), 0);
        virDomainFree(made);
    }
    assert_int_equal(virConnectIsAlive(conn), 1);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    virDomainFree(dom);
    assert_int_equal(virConnectClose(conn), 0);
    g_thread_join(relay.thread);
    close(relay.listener);
    assert_int_equal(relay.fdCalls, 0);
    g_byte_array_unref(relay.up);
}

static int
setupShared(void **state)
{
    (void)state;
    shared = vkTestDaemonStart(daemonKind);
    return shared ? 0 : -1;
}

static int
teardownShared(void **state)
{
    (void)state;
    vkTestDaemonStop(shared);
    shared = NULL;
    return 0;
}

static void
quietErrors(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testCreateXMLWithFiles),
        cmocka_unit_test(testCreateWithFiles),
        cmocka_unit_test(testAssociateAndGraphics),
        cmocka_unit_test(testBadArguments),
        cmocka_unit_test(testFdLimit),
        cmocka_unit_test(testTcpRefused),
    };
    vkTestDaemon *probe;

    daemonKind = argc > 1 ? argv[1] : "libvirtd";
    if (!(probe = vkTestDaemonStart(daemonKind)))
        return 77;
    vkTestDaemonStop(probe);
    if (virInitialize() < 0 || vkRemoteDriverRegister() < 0)
        return 1;
    virSetErrorFunc(NULL, quietErrors);
    return cmocka_run_group_tests(tests, setupShared, teardownShared);
}

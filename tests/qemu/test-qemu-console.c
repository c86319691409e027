/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virDomainOpenConsole on the QEMU driver, in-process
 * (qemu:///embed?root=TMP), against the micro-guest, which echoes every
 * byte of COM1 upper-cased: typing "ping" and reading "PING" proves the
 * bytes went through the guest and back.  Nonblocking streams driven by
 * the default event loop, a blocking stream, finish and abort, one
 * session per pty (and FORCE), the pty path in the live XML and in the
 * status file, a destroy that ends an open console, and the errors: an
 * inactive domain, unknown and non-pty devices, a read-only connection,
 * streams used wrongly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qemu-test-util.h"
#include "../events/loop-helper.h"

static const char *microElf;
static char *root;
static char *uri;
static virConnectPtr conn;

/* serial0 is the pty the console tests open, serial1 a log file. */
static virDomainPtr
startGuest(const char *name)
{
    microGuestSpec spec = {
        .type = qemuTestVirtType(), .name = name, .kernel = microElf, .memoryMiB = 64,
        .logDir = root, .devices = "    <serial type='pty'/>\n",
    };
    g_autofree char *xml = microGuestXML(&spec);
    virDomainPtr dom = virDomainDefineXML(conn, xml);

    assert_non_null(dom);
    assert_int_equal(virDomainCreate(dom), 0);
    return dom;
}

static void
dropGuest(virDomainPtr dom)
{
    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    virDomainUndefine(dom);
    virDomainFree(dom);
}

/* ---- an event-driven reader ---- */

typedef struct {
    GString *got;
    bool eof;
    bool error;
} vkReader;

static void
onReadable(virStreamPtr st, int events, void *opaque)
{
    vkReader *r = opaque;
    char buf[256];
    int n;

    if (r->eof || r->error)
        return;
    while ((n = virStreamRecv(st, buf, sizeof(buf))) > 0)
        g_string_append_len(r->got, buf, n);
    if (n == 0)
        r->eof = true;
    else if (n == -1)
        r->error = true;
    if (r->eof || r->error)
        virStreamEventUpdateCallback(st, 0);
}

static bool
predContains(void *data)
{
    vkReader *r = data;
    return strstr(r->got->str, "PING") != NULL || r->eof || r->error;
}

static bool
predEnded(void *data)
{
    vkReader *r = data;
    return r->eof || r->error;
}

static void
readerFree(void *opaque)
{
    vkReader *r = opaque;

    g_string_free(r->got, TRUE);
    g_free(r);
}

static vkReader *
watch(virStreamPtr st)
{
    vkReader *r = g_new0(vkReader, 1);

    r->got = g_string_new(NULL);
    assert_int_equal(virStreamEventAddCallback(st, VIR_STREAM_EVENT_READABLE, onReadable,
                                               r, readerFree), 0);
    return r;
}

static void
pingPong(virStreamPtr st, vkReader *r)
{
    assert_int_equal(virStreamSend(st, "ping", 4), 4);
    assert_true(loopRunUntil(predContains, r));
    assert_false(r->eof);
    assert_false(r->error);
    assert_non_null(strstr(r->got->str, "PING"));
}

/* ---- tests ---- */

static void
test_console_io(void **state)
{
    virDomainPtr dom;
    virStreamPtr st, st2;
    vkReader *r;
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;
    g_autofree char *status = NULL;
    g_autofree char *statusPath = NULL;

    if (!conn)
        skip();
    dom = startGuest("con1");

    live = virDomainGetXMLDesc(dom, 0);
    inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(strstr(live, "<source path='/dev/pts/"));
    assert_non_null(strstr(live, "<console type='pty' tty='/dev/pts/"));
    assert_null(strstr(inactive, "/dev/pts/"));
    statusPath = g_build_filename(root, "run", "con1.xml", NULL);
    assert_true(g_file_get_contents(statusPath, &status, NULL, NULL));
    assert_non_null(strstr(status, "/dev/pts/"));

    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    assert_non_null(st);
    assert_int_equal(virDomainOpenConsole(dom, NULL, st, 0), 0);
    r = watch(st);
    pingPong(st, r);

    /* Nothing there now: nonblocking Recv says so. */
    {
        char buf[8];
        assert_int_equal(virStreamEventRemoveCallback(st), 0);
        assert_int_equal(virStreamRecv(st, buf, sizeof(buf)), -2);
    }

    /* One session per pty: a second open fails, FORCE takes over. */
    st2 = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    assert_int_equal(virDomainOpenConsole(dom, "serial0", st2, 0), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_OPERATION_FAILED);
    virStreamFree(st2);
    st2 = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    assert_int_equal(virDomainOpenConsole(dom, "console0", st2,
                                          VIR_DOMAIN_CONSOLE_FORCE | VIR_DOMAIN_CONSOLE_SAFE), 0);
    /* the old session hung up: end of data, no more sending */
    {
        char buf[8];
        assert_int_equal(virStreamRecv(st, buf, sizeof(buf)), 0);
    }
    assert_int_equal(virStreamSend(st, "x", 1), -1);
    assert_int_equal(virStreamFinish(st), 0);
    assert_int_equal(virStreamAbort(st), 0);
    virStreamFree(st);

    r = watch(st2);
    pingPong(st2, r);
    assert_int_equal(virStreamEventRemoveCallback(st2), 0);
    assert_int_equal(virStreamFinish(st2), 0);
    virStreamFree(st2);

    /* After a finish the pty is free again; abort ends it too. */
    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    assert_int_equal(virDomainOpenConsole(dom, NULL, st, 0), 0);
    assert_int_equal(virStreamAbort(st), 0);
    virStreamFree(st);
    dropGuest(dom);
}

static void
test_console_blocking(void **state)
{
    virDomainPtr dom;
    virStreamPtr st;
    GString *got = g_string_new(NULL);

    if (!conn)
        skip();
    dom = startGuest("con2");
    st = virStreamNew(conn, 0);
    assert_int_equal(virDomainOpenConsole(dom, NULL, st, 0), 0);
    assert_int_equal(virStreamSend(st, "abc", 3), 3);
    while (!strstr(got->str, "ABC")) {
        char buf[64];
        int n = virStreamRecv(st, buf, sizeof(buf));

        assert_true(n > 0);
        g_string_append_len(got, buf, n);
    }
    assert_int_equal(virStreamFinish(st), 0);
    virStreamFree(st);
    g_string_free(got, TRUE);
    dropGuest(dom);
}

static void
test_console_destroy(void **state)
{
    virDomainPtr dom;
    virStreamPtr st;
    vkReader *r;

    if (!conn)
        skip();
    dom = startGuest("con3");
    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    assert_int_equal(virDomainOpenConsole(dom, NULL, st, 0), 0);
    r = watch(st);
    pingPong(st, r);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_true(loopRunUntil(predEnded, r));
    assert_true(r->eof);
    assert_int_equal(virStreamEventRemoveCallback(st), 0);
    assert_int_equal(virStreamFinish(st), 0);
    virStreamFree(st);
    dropGuest(dom);
}

static void
expectError(int rc, int code)
{
    assert_int_equal(rc, -1);
    assert_non_null(virGetLastError());
    assert_int_equal(virGetLastError()->code, code);
}

static void
test_console_errors(void **state)
{
    virDomainPtr dom, rodom;
    virStreamPtr st, other;
    virConnectPtr ro, conn2;
    char buf[8];

    if (!conn)
        skip();
    dom = startGuest("con4");

    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    expectError(virDomainOpenConsole(dom, "serial7", st, 0), VIR_ERR_INTERNAL_ERROR);
    virStreamFree(st);
    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    expectError(virDomainOpenConsole(dom, "serial1", st, 0), VIR_ERR_OPERATION_UNSUPPORTED);
    virStreamFree(st);
    st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    expectError(virDomainOpenConsole(dom, NULL, st, 0x100), VIR_ERR_INVALID_ARG);
    expectError(virDomainOpenConsole(dom, NULL, NULL, 0), VIR_ERR_INVALID_STREAM);

    /* an unopened stream */
    expectError(virStreamSend(st, "x", 1), VIR_ERR_OPERATION_INVALID);
    expectError(virStreamRecv(st, buf, 1), VIR_ERR_OPERATION_INVALID);
    expectError(virStreamFinish(st), VIR_ERR_OPERATION_INVALID);
    expectError(virStreamSend(NULL, "x", 1), VIR_ERR_INVALID_STREAM);
    assert_null(virStreamNew(conn, 0x10));
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_null(virStreamNew(NULL, 0));
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_CONN);

    /* an open fd stream: no holes, no data handlers when nonblocking */
    assert_int_equal(virDomainOpenConsole(dom, NULL, st, 0), 0);
    expectError(virStreamRecvFlags(st, buf, 1, VIR_STREAM_RECV_STOP_AT_HOLE), VIR_ERR_NO_SUPPORT);
    expectError(virStreamSendHole(st, 10, 0), VIR_ERR_NO_SUPPORT);
    expectError(virStreamSend(st, NULL, 1), VIR_ERR_INVALID_ARG);
    expectError(virStreamRecvAll(st, NULL, NULL), VIR_ERR_INVALID_ARG);
    /* opened once only */
    expectError(virDomainOpenConsole(dom, NULL, st, VIR_DOMAIN_CONSOLE_FORCE),
                VIR_ERR_OPERATION_INVALID);
    assert_int_equal(virStreamAbort(st), 0);
    virStreamFree(st);

    /* a stream of another connection */
    conn2 = virConnectOpen(uri);
    assert_non_null(conn2);
    other = virStreamNew(conn2, 0);
    expectError(virDomainOpenConsole(dom, NULL, other, 0), VIR_ERR_INVALID_ARG);
    virStreamFree(other);
    virConnectClose(conn2);

    /* read-only connections may not open consoles */
    ro = virConnectOpenReadOnly(uri);
    assert_non_null(ro);
    rodom = virDomainLookupByName(ro, "con4");
    assert_non_null(rodom);
    st = virStreamNew(ro, 0);
    expectError(virDomainOpenConsole(rodom, NULL, st, 0), VIR_ERR_OPERATION_DENIED);
    virStreamFree(st);
    virDomainFree(rodom);
    virConnectClose(ro);

    /* an inactive domain has no console */
    assert_int_equal(virDomainDestroy(dom), 0);
    st = virStreamNew(conn, 0);
    expectError(virDomainOpenConsole(dom, NULL, st, 0), VIR_ERR_OPERATION_INVALID);
    virStreamFree(st);
    dropGuest(dom);
}

static int
setup(void **state)
{
    if (!g_file_test(QEMU_TEST_BIN, G_FILE_TEST_IS_EXECUTABLE) || !microElf)
        return 0;
    virEventRegisterDefaultImpl();
    conn = qemuTestOpenEmbed("vk-qemu-con", &root, &uri);
    return conn ? 0 : -1;
}

static int
teardown(void **state)
{
    if (!conn)
        return 0;
    qemuTestCloseEmbed(conn, root, 0);
    g_free(uri);
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_io),
        cmocka_unit_test(test_console_blocking),
        cmocka_unit_test(test_console_destroy),
        cmocka_unit_test(test_console_errors),
    };

    microElf = argc > 1 ? argv[1] : NULL;
    return cmocka_run_group_tests(tests, setup, teardown);
}

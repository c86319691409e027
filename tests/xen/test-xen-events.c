/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lifecycle events of the xen driver's own operations, against
 * tests/xen/fake-xend.py (which has no XenStore, so every event here comes
 * from the driver itself): the exact sequence each connection of the
 * process receives, none for a failed operation, none after deregistering,
 * and a shutdown announced once it is seen done.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>

#include "xend-fixture.h"
#include "../events/loop-helper.h"

typedef struct {
    GPtrArray *seen;       /* "name event detail" */
} eventLog;

static void
record(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    eventLog *log = opaque;

    g_ptr_array_add(log->seen, g_strdup_printf("%s %d %d", virDomainGetName(dom), event, detail));
}

static int
recordLegacy(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    record(conn, dom, event, detail, opaque);
    return 0;
}

static bool
hasCount(void *data)
{
    void **args = data;
    eventLog *log = args[0];

    return log->seen->len >= GPOINTER_TO_UINT(args[1]);
}

/* Waits for the n events expected (driving the loop), runs a few more
 * iterations so that an extra one would show, then compares them all. */
static void
expectEvents(eventLog *log, const char *const *want, guint n)
{
    void *args[] = { log, GUINT_TO_POINTER(n) };

    loopRunUntil(hasCount, args);
    loopSpin(5);
    for (guint i = 0; i < log->seen->len; i++)
        fprintf(stderr, "got: %s\n", (char *)log->seen->pdata[i]);
    assert_int_equal(log->seen->len, n);
    for (guint i = 0; i < n; i++)
        assert_string_equal(log->seen->pdata[i], want[i]);
    g_ptr_array_set_size(log->seen, 0);
}

#define EXPECT(log, ...) do { \
        const char *const w_[] = { __VA_ARGS__ }; \
        expectEvents((log), w_, G_N_ELEMENTS(w_)); \
    } while (0)
#define EXPECT_NONE(log) expectEvents((log), NULL, 0)

static int
attach(virConnectPtr conn, eventLog *log)
{
    int id;

    log->seen = g_ptr_array_new_with_free_func(g_free);
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(record), log, NULL);
    if (id < 0)
        fail_msg("register: %s", virGetLastErrorMessage());
    return id;
}

static void
testOwnOperations(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = slurp("pv-kernel.xml");
    g_autofree char *hvm = slurp("hvm.xml");
    eventLog a = { 0 }, b = { 0 };
    virConnectPtr second = virConnectOpen("xen:///system");
    virDomainPtr d, t;

    assert_non_null(second);
    int ida = attach(f->conn, &a);
    int idb = attach(second, &b);

    /* one process, one Xen: what one connection does, both hear */
    d = virDomainDefineXML(f->conn, xml);
    assert_non_null(d);
    assert_int_equal(virDomainCreate(d), 0);
    assert_int_equal(virDomainSuspend(d), 0);
    assert_int_equal(virDomainResume(d), 0);
    assert_int_equal(virDomainDestroy(d), 0);
    const char *const run[] = {
        "pv-kernel 0 0",    /* DEFINED ADDED */
        "pv-kernel 2 0",    /* STARTED BOOTED */
        "pv-kernel 3 0",    /* SUSPENDED PAUSED */
        "pv-kernel 4 0",    /* RESUMED UNPAUSED */
        "pv-kernel 5 1",    /* STOPPED DESTROYED */
    };
    expectEvents(&a, run, G_N_ELEMENTS(run));
    expectEvents(&b, run, G_N_ELEMENTS(run));

    /* failed operations announce nothing */
    assert_int_equal(virDomainSuspend(d), -1);
    assert_int_equal(virDomainDestroy(d), -1);
    assert_null(virDomainDefineXML(f->conn, xml));   /* xend: already exists */
    EXPECT_NONE(&a);
    EXPECT_NONE(&b);

    /* the fake powers off at once: the shutdown is seen done */
    assert_int_equal(virDomainCreate(d), 0);
    assert_int_equal(virDomainShutdown(d), 0);
    assert_int_equal(virDomainUndefine(d), 0);
    EXPECT(&a, "pv-kernel 2 0", "pv-kernel 5 0", "pv-kernel 1 0");

    /* a deregistered callback hears nothing more; the other still does */
    g_ptr_array_set_size(b.seen, 0);
    assert_int_equal(virConnectDomainEventDeregisterAny(second, idb), 0);
    t = virDomainCreateXML(second, hvm, 0);
    assert_non_null(t);
    assert_int_equal(virDomainShutdown(t), 0);   /* xend forgets it once off */
    EXPECT(&a, "hvm-guest 2 0", "hvm-guest 5 0");
    EXPECT_NONE(&b);
    assert_int_equal(virConnectDomainEventDeregisterAny(f->conn, ida), 0);
    assert_int_equal(virConnectDomainEventDeregisterAny(f->conn, ida), -1);

    virDomainFree(t);
    virDomainFree(d);
    virConnectClose(second);
    g_ptr_array_unref(a.seen);
    g_ptr_array_unref(b.seen);
}

/* The legacy registration gets the same events; closing the connection
 * drops its callbacks without disturbing another connection's. */
static void
testLegacyRegisterAndClose(void **state)
{
    Fixture *f = *state;
    g_autofree char *hvm = slurp("hvm.xml");
    eventLog a = { 0 }, b = { 0 };
    virConnectPtr second = virConnectOpen("xen:///system");

    assert_non_null(second);
    a.seen = g_ptr_array_new_with_free_func(g_free);
    assert_int_equal(virConnectDomainEventRegister(f->conn, recordLegacy, &a, NULL), 0);
    attach(second, &b);
    virConnectClose(second);

    virDomainPtr t = virDomainCreateXML(f->conn, hvm, 0);
    assert_non_null(t);
    assert_int_equal(virDomainDestroy(t), 0);
    EXPECT(&a, "hvm-guest 2 0", "hvm-guest 5 1");
    EXPECT_NONE(&b);
    assert_int_equal(virConnectDomainEventDeregister(f->conn, recordLegacy), 0);
    virDomainFree(t);
    g_ptr_array_unref(a.seen);
    g_ptr_array_unref(b.seen);
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PYTHON FAKE-XEND DATADIR\n", argv[0]);
        return 2;
    }
    python = argv[1];
    fakeXend = argv[2];
    dataDir = argv[3];
    signal(SIGPIPE, SIG_IGN);
    if (virEventRegisterDefaultImpl() < 0)
        return 1;

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(testOwnOperations, setup, teardown),
        cmocka_unit_test_setup_teardown(testLegacyRegisterAndClose, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

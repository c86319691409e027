/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The remote driver against a real daemon: a private libvirtd (test driver
 * only) or the virtkitd from the build, chosen by argv[1] ("libvirtd" or
 * the path of virtkitd).  Opening and the handshake, queries, errors
 * re-raised with the server's code and domain, lifecycle events delivered
 * through the default event loop, many threads calling at once, and the
 * end of a connection: a killed daemon and a daemon that stops answering
 * keepalive PINGs, each firing the close callback exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "drivers/remote/remote-driver.h"
#include "daemon-helper.h"

static const char *daemonKind;
static vkTestDaemon *shared;        /* one daemon for the non-destructive tests */

#define EV_CB(fn) ((virConnectDomainEventGenericCallback)(void (*)(void))(fn))

static virConnectPtr
openShared(void)
{
    virConnectPtr conn = virConnectOpen(shared->uri);

    if (!conn)
        fail_msg("cannot open %s: %s", shared->uri, virGetLastErrorMessage());
    return conn;
}

static void
testOpenAndHost(void **state)
{
    virConnectPtr conn = openShared();
    g_autofree char *uri = virConnectGetURI(conn);
    g_autofree char *host = virConnectGetHostname(conn);
    virNodeInfo info;
    unsigned long ver = 0;

    assert_string_equal(virConnectGetType(conn), "TEST");
    assert_string_equal(uri, shared->uri);
    assert_non_null(host);
    assert_true(strlen(host) > 0);
    assert_int_equal(virConnectIsAlive(conn), 1);
    assert_int_equal(virConnectIsSecure(conn), 1);
    assert_int_equal(virConnectIsEncrypted(conn), 0);
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 2);               /* the test hypervisor's 0.0.2 */
    /* libvirt's test host: 16 CPUs at 1400 MHz, i686 */
    assert_int_equal(virNodeGetInfo(conn, &info), 0);
    assert_string_equal(info.model, "i686");
    assert_int_equal(info.cpus, 16);
    assert_int_equal(info.mhz, 1400);
    assert_int_equal(virConnectSetKeepAlive(conn, 5, 3), 0);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
testListAndLookup(void **state)
{
    virConnectPtr conn = openShared();
    virDomainPtr *doms = NULL;
    virDomainPtr dom;
    virDomainPtr again;
    virDomainInfo info;
    unsigned char uuid[VIR_UUID_BUFLEN];
    g_autofree char *xml = NULL;
    bool found = false;
    int n;

    n = virConnectListAllDomains(conn, &doms, 0);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        if (strcmp(virDomainGetName(doms[i]), "test") == 0) {
            found = true;
            assert_int_equal(virDomainGetID(doms[i]), 1);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    assert_true(found);

    assert_non_null(dom = virDomainLookupByName(conn, "test"));
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    assert_non_null(again = virDomainLookupByUUID(conn, uuid));
    assert_string_equal(virDomainGetName(again), "test");
    assert_non_null(xml = virDomainGetXMLDesc(dom, 0));
    assert_non_null(strstr(xml, "<name>test</name>"));
    virDomainFree(again);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* A reply bigger than a socket buffer (and than the daemon's threshold for
 * growing it): every handle must come out with its own name -- short, at
 * the inline size, and long -- its uuid and its id, whichever daemon
 * encoded it. */
#define MANY_DOMAINS 4000

static char *
manyName(int i)
{
    if (i % 10 == 0)
        return g_strdup_printf("rl-%05d-%0190d", i, 0);
    if (i % 10 == 1)
        return g_strdup_printf("rl-%05d-%030d", i, 0);     /* 39 chars */
    return g_strdup_printf("rl-%05d", i);
}

static void
testListAllMany(void **state)
{
    virConnectPtr conn = openShared();
    virDomainPtr *doms = NULL;
    g_autoptr(GHashTable) want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int n;
    int seen = 0;

    for (int i = 0; i < MANY_DOMAINS; i++) {
        g_autofree char *name = manyName(i);
        g_autofree char *xml = g_strdup_printf(
            "<domain type='test'><name>%s</name>"
            "<uuid>6d8c4a3e-0000-4000-8000-%012d</uuid>"
            "<memory>1024</memory><os><type>hvm</type></os></domain>", name, i);
        virDomainPtr d = virDomainDefineXML(conn, xml);

        if (!d)
            fail_msg("define %s: %s", name, virGetLastErrorMessage());
        virDomainFree(d);
        g_hash_table_insert(want, g_steal_pointer(&name), GINT_TO_POINTER(i + 1));
    }

    n = virConnectListAllDomains(conn, NULL, 0);
    assert_true(n >= MANY_DOMAINS + 1);
    assert_int_equal(virConnectListAllDomains(conn, &doms, 0), n);
    for (int k = 0; k < n; k++) {
        const char *name = virDomainGetName(doms[k]);
        int i = GPOINTER_TO_INT(g_hash_table_lookup(want, name)) - 1;
        char uuid[VIR_UUID_STRING_BUFLEN];
        g_autofree char *expect = NULL;

        if (i < 0) {
            assert_true(strlen(name) > 0);      /* the driver's own domains */
            continue;
        }
        seen++;
        assert_int_equal(virDomainGetUUIDString(doms[k], uuid), 0);
        expect = g_strdup_printf("6d8c4a3e-0000-4000-8000-%012d", i);
        assert_string_equal(uuid, expect);
        assert_int_equal(virDomainGetID(doms[k]), (unsigned int)-1);
    }
    assert_null(doms[n]);
    assert_int_equal(seen, MANY_DOMAINS);
    for (int k = 0; k < n; k++) {
        if (g_hash_table_contains(want, virDomainGetName(doms[k])))
            assert_int_equal(virDomainUndefine(doms[k]), 0);
        virDomainFree(doms[k]);
    }
    free(doms);

    /* the running ones only: the test driver's own "test", id 1 */
    n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    assert_int_equal(n, 1);
    assert_string_equal(virDomainGetName(doms[0]), "test");
    assert_int_equal(virDomainGetID(doms[0]), 1);
    virDomainFree(doms[0]);
    free(doms);
    assert_int_equal(virConnectClose(conn), 0);
}

static void
testErrorIntact(void **state)
{
    virConnectPtr conn = openShared();
    virErrorPtr err;

    assert_null(virDomainLookupByName(conn, "no-such-domain"));
    assert_non_null(err = virGetLastError());
    assert_int_equal(err->code, VIR_ERR_NO_DOMAIN);
    assert_int_equal(err->domain, VIR_FROM_TEST);
    assert_non_null(err->message);
    /* as the server wrote it: libvirtd says just "Domain not found",
     * virtkitd adds the name; neither gets wrapped on the way */
    if (strcmp(daemonKind, "libvirtd") == 0)
        assert_string_equal(err->message, "Domain not found");
    else
        assert_string_equal(err->message,
                            "Domain not found: no domain with matching name 'no-such-domain'");

    /* the connection stays usable after an error */
    assert_string_equal(virConnectGetType(conn), "TEST");
    virConnectClose(conn);
}

#define MAX_EVENTS 16

typedef struct {
    int n;
    int events[MAX_EVENTS];
    char names[MAX_EVENTS][64];
    int others;             /* seen by the callback filtered on "test" */
    int legacy;             /* seen through virConnectDomainEventRegister */
} Seen;

static int
lifecycleCb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
            void *opaque)
{
    Seen *s = opaque;

    if (s->n < MAX_EVENTS) {
        s->events[s->n] = event;
        g_strlcpy(s->names[s->n], virDomainGetName(dom), sizeof(s->names[0]));
    }
    s->n++;
    return 0;
}

static int
filteredCb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
           void *opaque)
{
    ((Seen *)opaque)->others++;
    return 0;
}

static int
legacyCb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
         void *opaque)
{
    ((Seen *)opaque)->legacy++;
    return 0;
}

static void
testLifecycleEvents(void **state)
{
    virConnectPtr conn = openShared();
    g_autofree char *name = g_strdup_printf("remote-ev-%d", (int)getpid());
    g_autofree char *xml = g_strdup_printf(
        "<domain type='test'><name>%s</name><memory>8192</memory>"
        "<os><type>hvm</type></os></domain>", name);
    virDomainPtr test = virDomainLookupByName(conn, "test");
    virDomainPtr dom;
    Seen seen = { 0 };
    int id;
    int fid;
    static const int want[] = {
        VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_STARTED,
        VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_UNDEFINED,
    };

    assert_non_null(test);
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          EV_CB(lifecycleCb), &seen, NULL);
    assert_true(id >= 0);
    /* a second registration for the same event, filtered on another
     * domain: it must see none of the new domain's events */
    fid = virConnectDomainEventRegisterAny(conn, test, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           EV_CB(filteredCb), &seen, NULL);
    assert_true(fid >= 0);
    /* the old API shares the server-side lifecycle registration */
    assert_int_equal(virConnectDomainEventRegister(conn, legacyCb, &seen, NULL), 0);

    assert_non_null(dom = virDomainDefineXML(conn, xml));
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);

    while (seen.n < 4 || seen.legacy < 4)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(seen.legacy, 4);
    assert_int_equal(seen.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(seen.events[i], want[i]);
        assert_string_equal(seen.names[i], name);
    }
    assert_int_equal(seen.others, 0);

    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, fid), 0);
    assert_int_equal(virConnectDomainEventDeregister(conn, legacyCb), 0);
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), -1);
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_INVALID_ARG);
    virDomainFree(test);
    virConnectClose(conn);
}

typedef struct {
    int n;
    int events[MAX_EVENTS];
    char names[MAX_EVENTS][64];
    int refreshes;
} ObjSeen;

static void
netLifecycleCb(virConnectPtr conn, virNetworkPtr net, int event, int detail,
               void *opaque)
{
    ObjSeen *s = opaque;

    if (s->n < MAX_EVENTS) {
        s->events[s->n] = event;
        g_strlcpy(s->names[s->n], virNetworkGetName(net), sizeof(s->names[0]));
    }
    s->n++;
}

static void
poolLifecycleCb(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                void *opaque)
{
    ObjSeen *s = opaque;

    if (s->n < MAX_EVENTS) {
        s->events[s->n] = event;
        g_strlcpy(s->names[s->n], virStoragePoolGetName(pool), sizeof(s->names[0]));
    }
    s->n++;
}

static void
poolRefreshCb(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    ((ObjSeen *)opaque)->refreshes++;
}

/* Network and storage pool events: the same server-side registration
 * scheme, delivered through the driver's own list. */
static void
testObjectEvents(void **state)
{
    virConnectPtr conn = openShared();
    virNetworkPtr net;
    virStoragePoolPtr pool;
    ObjSeen nets = { 0 };
    ObjSeen pools = { 0 };
    int nid;
    int pid;
    int rid;

    assert_non_null(net = virNetworkLookupByName(conn, "default"));
    assert_non_null(pool = virStoragePoolLookupByName(conn, "default-pool"));
    nid = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                            VIR_NETWORK_EVENT_CALLBACK(netLifecycleCb),
                                            &nets, NULL);
    assert_true(nid >= 0);
    pid = virConnectStoragePoolEventRegisterAny(conn, pool,
                                                VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                                VIR_STORAGE_POOL_EVENT_CALLBACK(poolLifecycleCb),
                                                &pools, NULL);
    assert_true(pid >= 0);
    rid = virConnectStoragePoolEventRegisterAny(conn, NULL,
                                                VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                                VIR_STORAGE_POOL_EVENT_CALLBACK(poolRefreshCb),
                                                &pools, NULL);
    assert_true(rid >= 0);

    assert_int_equal(virNetworkDestroy(net), 0);
    assert_int_equal(virNetworkCreate(net), 0);
    assert_int_equal(virStoragePoolDestroy(pool), 0);
    assert_int_equal(virStoragePoolCreate(pool, 0), 0);
    assert_int_equal(virStoragePoolRefresh(pool, 0), 0);

    while (nets.n < 2 || pools.n < 2 || pools.refreshes < 1)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(nets.events[0], VIR_NETWORK_EVENT_STOPPED);
    assert_int_equal(nets.events[1], VIR_NETWORK_EVENT_STARTED);
    assert_string_equal(nets.names[0], "default");
    assert_int_equal(pools.events[0], VIR_STORAGE_POOL_EVENT_STOPPED);
    assert_int_equal(pools.events[1], VIR_STORAGE_POOL_EVENT_STARTED);
    assert_string_equal(pools.names[1], "default-pool");

    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, nid), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, pid), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, rid), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, rid), -1);
    virNetworkFree(net);
    virStoragePoolFree(pool);
    virConnectClose(conn);
}

#define NTHREADS 8
#define NCALLS 200

static gpointer
caller(gpointer opaque)
{
    virConnectPtr conn = opaque;

    for (int i = 0; i < NCALLS; i++) {
        virDomainPtr dom;
        unsigned long ver = 0;

        if (i % 2) {
            if (virConnectGetVersion(conn, &ver) < 0 || ver != 2)
                return GINT_TO_POINTER(1);
            continue;
        }
        if (!(dom = virDomainLookupByName(conn, "test")))
            return GINT_TO_POINTER(1);
        if (virDomainGetID(dom) != 1) {
            virDomainFree(dom);
            return GINT_TO_POINTER(1);
        }
        virDomainFree(dom);
    }
    return NULL;
}

static void
testConcurrentCalls(void **state)
{
    virConnectPtr conn = openShared();
    GThread *threads[NTHREADS];

    for (int i = 0; i < NTHREADS; i++)
        threads[i] = g_thread_new("caller", caller, conn);
    for (int i = 0; i < NTHREADS; i++)
        assert_null(g_thread_join(threads[i]));
    virConnectClose(conn);
}

typedef struct {
    int count;
    int reason;
} Closed;

static void
closeCb(virConnectPtr conn, int reason, void *opaque)
{
    Closed *c = opaque;

    c->count++;
    c->reason = reason;
}

static void
testDaemonKilled(void **state)
{
    vkTestDaemon *d = vkTestDaemonStart(daemonKind);
    virConnectPtr conn;
    Closed closed = { 0 };
    unsigned long ver;
    virErrorPtr err;

    assert_non_null(d);
    assert_non_null(conn = virConnectOpen(d->uri));
    assert_int_equal(virConnectRegisterCloseCallback(conn, closeCb, &closed, NULL), 0);
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);

    vkTestDaemonSignal(d, SIGKILL);

    assert_int_equal(virConnectGetVersion(conn, &ver), -1);
    assert_non_null(err = virGetLastError());
    assert_int_equal(err->code, VIR_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err->message, "client socket is closed"));

    while (closed.count == 0)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(closed.reason, VIR_CONNECT_CLOSE_REASON_EOF);
    assert_int_equal(virConnectIsAlive(conn), 0);

    /* later calls fail the same way and fire nothing more */
    assert_null(virDomainLookupByName(conn, "test"));
    assert_non_null(strstr(virGetLastErrorMessage(), "client socket is closed"));
    assert_int_equal(closed.count, 1);

    assert_int_equal(virConnectUnregisterCloseCallback(conn, closeCb), 0);
    virConnectClose(conn);
    assert_int_equal(closed.count, 1);
    vkTestDaemonStop(d);
}

static void
testKeepAliveTimeout(void **state)
{
    vkTestDaemon *d = vkTestDaemonStart(daemonKind);
    virConnectPtr conn;
    Closed closed = { 0 };
    unsigned long ver;

    assert_non_null(d);
    assert_non_null(conn = virConnectOpen(d->uri));
    assert_int_equal(virConnectRegisterCloseCallback(conn, closeCb, &closed, NULL), 0);
    assert_int_equal(virConnectSetKeepAlive(conn, 1, 1), 0);

    /* a daemon that stops answering: the PINGs go unanswered */
    vkTestDaemonSignal(d, SIGSTOP);
    while (closed.count == 0)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    assert_int_equal(closed.reason, VIR_CONNECT_CLOSE_REASON_KEEPALIVE);
    assert_int_equal(virConnectIsAlive(conn), 0);
    assert_int_equal(virConnectGetVersion(conn, &ver), -1);
    assert_non_null(strstr(virGetLastErrorMessage(), "keepalive"));
    assert_int_equal(closed.count, 1);

    virConnectClose(conn);
    vkTestDaemonStop(d);
}

static void
testBadSocket(void **state)
{
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s/nope",
                                           shared->dir);

    assert_null(virConnectOpen(uri));
    assert_int_equal(virGetLastErrorCode(), VIR_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(virGetLastErrorMessage(), "/nope"));
}

/* A stateful driver URI with no transport goes to the local daemon's
 * socket (here through VIRTKIT_SOCKET_DIR), and the daemon is asked for
 * the URI itself: its answer must be the one it gives to an explicit
 * qemu+unix:// URI naming the same socket. */
static void
testLocalDaemonRouting(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vk-remote-route-XXXXXX", NULL);
    g_autofree char *link = g_build_filename(dir, "virtkit-sock", NULL);
    g_autofree char *explicitURI = g_strdup_printf("qemu+unix:///system?socket=%s",
                                                   shared->sock);
    g_autofree char *viaLink = NULL;
    g_autofree char *viaExplicit = NULL;
    virConnectPtr conn;
    int code;
    int domain;

    assert_int_equal(symlink(shared->sock, link), 0);
    g_setenv("VIRTKIT_SOCKET_DIR", dir, TRUE);
    conn = virConnectOpen("qemu:///system");
    g_unsetenv("VIRTKIT_SOCKET_DIR");
    unlink(link);
    rmdir(dir);
    if (conn) {
        /* a daemon that serves qemu: then it must be that daemon */
        assert_int_equal(virConnectIsAlive(conn), 1);
        virConnectClose(conn);
        return;
    }
    viaLink = g_strdup(virGetLastErrorMessage());
    code = virGetLastErrorCode();
    domain = virGetLastErrorDomain();
    assert_null(virConnectOpen(explicitURI));
    viaExplicit = g_strdup(virGetLastErrorMessage());
    assert_string_equal(viaLink, viaExplicit);
    assert_int_equal(code, virGetLastErrorCode());
    assert_int_equal(domain, virGetLastErrorDomain());
    /* the daemon answered; it did not pass the URI on to another daemon */
    assert_null(strstr(viaLink, "Failed to connect socket"));
}

static int
setupShared(void **state)
{
    return (shared = vkTestDaemonStart(daemonKind)) ? 0 : -1;
}

static int
teardownShared(void **state)
{
    vkTestDaemonStop(shared);
    shared = NULL;
    return 0;
}

static void
quietErrors(void *data, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testOpenAndHost),
        cmocka_unit_test(testListAndLookup),
        cmocka_unit_test(testListAllMany),
        cmocka_unit_test(testErrorIntact),
        cmocka_unit_test(testLifecycleEvents),
        cmocka_unit_test(testObjectEvents),
        cmocka_unit_test(testConcurrentCalls),
        cmocka_unit_test(testBadSocket),
        cmocka_unit_test(testLocalDaemonRouting),
        cmocka_unit_test(testDaemonKilled),
        cmocka_unit_test(testKeepAliveTimeout),
    };
    vkTestDaemon *probe;

    daemonKind = argc > 1 ? argv[1] : "libvirtd";
    if (!(probe = vkTestDaemonStart(daemonKind)))
        return 77;                          /* no daemon to test against */
    vkTestDaemonStop(probe);

    /* The registry registers the remote driver; calling it again is a
     * no-op, and keeps this test independent of the registry's order. */
    if (virInitialize() < 0 || vkRemoteDriverRegister() < 0)
        return 1;
    virSetErrorFunc(NULL, quietErrors);
    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    return cmocka_run_group_tests(tests, setupShared, teardownShared);
}

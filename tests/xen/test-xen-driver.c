/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xen driver through the public API against tests/xen/fake-xend.py,
 * a fresh stand-in per test on a private socket (VIRTKIT_XEND_SOCKET):
 * open and host queries, define (op=new) and dumpxml back to the same
 * XML, start, suspend/resume, memory and vCPUs, shutdown, destroy,
 * undefine, transient create, and the errors: unknown domains, wrong
 * states, xend's own refusals, configs xend cannot take, xend going away,
 * and opening where there is no Xen at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "virtkit/virtkit.h"
#include "drivers/xen/xen-driver.h"

#include "xend-fixture.h"

static void
expectError(int code, const char *fragment)
{
    virErrorPtr e = virGetLastError();
    if (!e)
        fail_msg("expected error %d ('%s'), got none", code, fragment);
    if (e->code != code || !strstr(e->message, fragment))
        fail_msg("expected error %d containing '%s', got %d: %s", code, fragment,
                 e->code, e->message);
}

static int
stateOf(virDomainPtr d)
{
    int st = -1, reason;
    assert_int_equal(virDomainGetState(d, &st, &reason, 0), 0);
    return st;
}

static void
testOpenWithoutXen(void **state)
{
    assert_int_equal(vkXenDriverRegister(), 0);
    g_setenv("VIRTKIT_XEND_SOCKET", "/nonexistent-vk/xend-socket", TRUE);
    if (g_file_test("/dev/xen", G_FILE_TEST_EXISTS))
        skip();
    const char *uris[] = { "xen:///system", "xen", "xen:///" };
    for (size_t i = 0; i < G_N_ELEMENTS(uris); i++) {
        virConnectPtr c = virConnectOpen(uris[i]);
        assert_null(c);
        expectError(VIR_ERR_NO_CONNECT, "Xen is not running on this host");
        expectError(VIR_ERR_NO_CONNECT, "/nonexistent-vk/xend-socket");
        assert_int_equal(virGetLastError()->domain, VIR_FROM_XEN);
    }
}

static void
testHost(void **state)
{
    Fixture *f = *state;
    virNodeInfo ni;
    unsigned long ver = 0;

    assert_string_equal(virConnectGetType(f->conn), "Xen");
    assert_int_equal(virNodeGetInfo(f->conn, &ni), 0);
    assert_int_equal(ni.cpus, 4);
    assert_int_equal(ni.mhz, 2400);
    assert_int_equal(ni.memory, 8192UL * 1024);
    assert_int_equal(ni.cores, 2);
    assert_int_equal(ni.sockets, 2);
    assert_string_equal(ni.model, "x86_64");
    assert_int_equal(virConnectGetVersion(f->conn, &ver), 0);
    assert_int_equal(ver, 3004000);

    /* only dom0 runs */
    int ids[8];
    assert_int_equal(virConnectNumOfDomains(f->conn), 1);
    assert_int_equal(virConnectListDomains(f->conn, ids, 8), 1);
    assert_int_equal(ids[0], 0);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);
    virDomainPtr d0 = virDomainLookupByID(f->conn, 0);
    assert_non_null(d0);
    assert_string_equal(virDomainGetName(d0), "Domain-0");
    virDomainInfo info;
    assert_int_equal(virDomainGetInfo(d0, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.memory, 1024 * 1024);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_true(info.cpuTime > 0);
    virDomainFree(d0);
}

static void
testLifecycle(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = slurp("pv-kernel.xml");
    virDomainInfo info;
    char *names[4] = { 0 };

    virDomainPtr d = virDomainDefineXML(f->conn, xml);
    if (!d)
        fail_msg("define: %s", virGetLastErrorMessage());
    assert_string_equal(virDomainGetName(d), "pv-kernel");
    assert_int_equal(virDomainGetID(d), (unsigned int)-1);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 1);
    assert_int_equal(virConnectListDefinedDomains(f->conn, names, 4), 1);
    assert_string_equal(names[0], "pv-kernel");
    free(names[0]);
    assert_int_equal(virDomainIsActive(d), 0);
    assert_int_equal(stateOf(d), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetInfo(d, &info), 0);
    assert_int_equal(info.maxMem, 524288);
    assert_int_equal(info.memory, 0);

    /* what xend stored comes back as the same document */
    g_autofree char *back = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(back);
    assert_string_equal(back, xml);
    g_autofree char *os = virDomainGetOSType(d);
    assert_string_equal(os, "linux");

    /* UUID lookup finds the same domain */
    unsigned char uuid[VIR_UUID_BUFLEN];
    assert_int_equal(virDomainGetUUID(d, uuid), 0);
    virDomainPtr byUuid = virDomainLookupByUUID(f->conn, uuid);
    assert_non_null(byUuid);
    assert_string_equal(virDomainGetName(byUuid), "pv-kernel");
    virDomainFree(byUuid);

    assert_int_equal(virDomainCreate(d), 0);
    int id = (int)virDomainGetID(d);
    assert_true(id > 0);
    assert_int_equal(virDomainIsActive(d), 1);
    assert_int_equal(stateOf(d), VIR_DOMAIN_BLOCKED);
    virDomainPtr byId = virDomainLookupByID(f->conn, id);
    assert_non_null(byId);
    assert_string_equal(virDomainGetName(byId), "pv-kernel");
    virDomainFree(byId);
    g_autofree char *live = virDomainGetXMLDesc(d, 0);
    g_autofree char *idAttr = g_strdup_printf("<domain type='xen' id='%d'>", id);
    assert_non_null(strstr(live, idAttr));

    virDomainPtr *all = NULL;
    assert_int_equal(virConnectListAllDomains(f->conn, &all, 0), 2);
    for (int i = 0; i < 2; i++)
        virDomainFree(all[i]);
    free(all);
    assert_int_equal(virConnectListAllDomains(f->conn, &all,
                                              VIR_CONNECT_LIST_DOMAINS_INACTIVE), 0);
    free(all);

    assert_int_equal(virDomainSuspend(d), 0);
    assert_int_equal(stateOf(d), VIR_DOMAIN_PAUSED);
    assert_int_equal(virConnectListAllDomains(f->conn, &all,
                                              VIR_CONNECT_LIST_DOMAINS_PAUSED), 1);
    assert_string_equal(virDomainGetName(all[0]), "pv-kernel");
    virDomainFree(all[0]);
    free(all);
    assert_int_equal(virDomainResume(d), 0);
    assert_int_equal(stateOf(d), VIR_DOMAIN_BLOCKED);

    assert_int_equal(virDomainSetMemory(d, 131072), 0);
    assert_int_equal(virDomainSetVcpus(d, 1), 0);
    assert_int_equal(virDomainGetInfo(d, &info), 0);
    assert_int_equal(info.memory, 131072);
    assert_int_equal(info.nrVirtCpu, 1);

    assert_int_equal(virDomainShutdown(d), 0);
    assert_int_equal(stateOf(d), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 1);

    assert_int_equal(virDomainCreate(d), 0);
    assert_true((int)virDomainGetID(d) > id);
    assert_int_equal(virDomainReboot(d, 0), 0);
    assert_int_equal(virDomainIsActive(d), 1);
    assert_int_equal(virDomainDestroy(d), 0);
    assert_int_equal(stateOf(d), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virDomainGetID(d), (unsigned int)-1);

    assert_int_equal(virDomainUndefine(d), 0);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);
    assert_int_equal(virDomainIsActive(d), -1);
    expectError(VIR_ERR_NO_DOMAIN, "'pv-kernel'");
    virDomainFree(d);
}

static void
testCreateTransient(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = slurp("hvm.xml");

    virDomainPtr d = virDomainCreateXML(f->conn, xml, 0);
    if (!d)
        fail_msg("create: %s", virGetLastErrorMessage());
    assert_true((int)virDomainGetID(d) > 0);
    assert_int_equal(virConnectNumOfDomains(f->conn), 2);
    assert_int_equal(virConnectNumOfDefinedDomains(f->conn), 0);
    g_autofree char *os = virDomainGetOSType(d);
    assert_string_equal(os, "hvm");
    assert_int_equal(virDomainDestroy(d), 0);
    /* xend forgets an unmanaged domain once it stops */
    virDomainPtr gone = virDomainLookupByName(f->conn, "hvm-guest");
    assert_null(gone);
    expectError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'hvm-guest'");
    virDomainFree(d);
}

static void
testErrors(void **state)
{
    Fixture *f = *state;
    g_autofree char *xml = slurp("pv-bootloader.xml");
    g_autofree char *bad = slurp("err-network.xml");
    unsigned char uuid[VIR_UUID_BUFLEN] = { 1, 2, 3 };

    assert_null(virDomainLookupByName(f->conn, "nosuch"));
    expectError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'nosuch'");
    assert_null(virDomainLookupByID(f->conn, 42));
    expectError(VIR_ERR_NO_DOMAIN, "no domain with matching id 42");
    assert_null(virDomainLookupByUUID(f->conn, uuid));
    expectError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '01020300-");

    virDomainPtr d = virDomainDefineXML(f->conn, xml);
    assert_non_null(d);
    assert_int_equal(virDomainSuspend(d), -1);
    expectError(VIR_ERR_OPERATION_INVALID, "domain 'pv-bootloader' is not running");
    assert_int_equal(virDomainShutdown(d), -1);
    expectError(VIR_ERR_OPERATION_INVALID, "is not running");

    /* xend's own refusal, with its message */
    assert_null(virDomainDefineXML(f->conn, xml));
    expectError(VIR_ERR_POST_FAILED, "already exists");
    assert_null(virDomainDefineXML(f->conn, bad));
    expectError(VIR_ERR_CONFIG_UNSUPPORTED, "not 'network'");
    assert_null(virDomainDefineXML(f->conn, "<domain type='kvm'><name>k</name>"
                                            "<memory>1024</memory><os><type>hvm</type></os></domain>"));
    assert_non_null(virGetLastError());

    assert_int_equal(virDomainCreate(d), 0);
    assert_int_equal(virDomainCreate(d), -1);
    expectError(VIR_ERR_OPERATION_INVALID, "domain 'pv-bootloader' is already running");
    assert_int_equal(virDomainUndefine(d), -1);
    expectError(VIR_ERR_OPERATION_INVALID, "is running");
    assert_int_equal(virDomainSetMemory(d, 1024 * 1024), -1);
    expectError(VIR_ERR_INVALID_ARG, "above its maximum");

    virDomainPtr d0 = virDomainLookupByName(f->conn, "Domain-0");
    assert_non_null(d0);
    assert_int_equal(virDomainDestroy(d0), -1);
    expectError(VIR_ERR_POST_FAILED, "privileged domain 0");
    virDomainFree(d0);

    /* a handle whose domain went away meanwhile */
    assert_int_equal(virDomainDestroy(d), 0);
    assert_int_equal(virDomainUndefine(d), 0);
    assert_int_equal(virDomainResume(d), -1);
    expectError(VIR_ERR_NO_DOMAIN, "'pv-bootloader'");
    virDomainFree(d);
}

static void
testXendGoesAway(void **state)
{
    Fixture *f = *state;

    stopFake(f);
    /* the next call fails at once with a clear error, no hang */
    assert_int_equal(virConnectNumOfDomains(f->conn), -1);
    expectError(VIR_ERR_NO_CONNECT, "cannot connect to xend at unix:");
    assert_null(virDomainLookupByName(f->conn, "Domain-0"));
    expectError(VIR_ERR_NO_CONNECT, "cannot connect to xend");
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

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testOpenWithoutXen),
        cmocka_unit_test_setup_teardown(testHost, setup, teardown),
        cmocka_unit_test_setup_teardown(testLifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(testCreateTransient, setup, teardown),
        cmocka_unit_test_setup_teardown(testErrors, setup, teardown),
        cmocka_unit_test_setup_teardown(testXendGoesAway, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Listing and looking up test driver domains, and the host questions
 * (cells, capabilities, sysinfo): every virConnectListAllDomains filter is
 * checked against a fixed mix of domains in different states.
 */
#include "td-helpers.h"

/* The mix: test (running, persistent), off (defined, autostart), pz
 * (transient, paused), ms (persistent, managed-saved), run2 (persistent,
 * running). */
static int
setupMix(void **state)
{
    virConnectPtr conn;
    virDomainPtr d;
    g_autofree char *pzXML = tdDomainXML("pz", NULL, 2048);

    if (tdSetupConn(state) < 0)
        return -1;
    conn = *state;

    d = tdDefine(conn, "off");
    if (virDomainSetAutostart(d, 1) < 0)
        return -1;
    virDomainFree(d);

    if (!(d = virDomainCreateXML(conn, pzXML, VIR_DOMAIN_START_PAUSED)))
        return -1;
    virDomainFree(d);

    d = tdDefine(conn, "ms");
    if (virDomainCreate(d) < 0 || virDomainManagedSave(d, 0) < 0)
        return -1;
    virDomainFree(d);

    d = tdDefine(conn, "run2");
    if (virDomainCreate(d) < 0)
        return -1;
    virDomainFree(d);
    return 0;
}

#define ASSERT_LIST(flags, expected) \
    do { \
        g_autofree char *got_ = tdListNames(conn, (flags)); \
        assert_string_equal(got_, (expected)); \
    } while (0)

static void
test_list_filters(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr *doms = NULL;

    ASSERT_LIST(0, "ms,off,pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_ACTIVE, "pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_INACTIVE, "ms,off");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                "ms,off,pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_PERSISTENT, "ms,off,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_TRANSIENT, "pz");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_RUNNING, "run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_PAUSED, "pz");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_SHUTOFF, "ms,off");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_OTHER, "");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED,
                "pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, "ms");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, "off,pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_AUTOSTART, "off");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, "ms,pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT, "");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, "ms,off,pz,run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT, "");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, "ms,off,pz,run2,test");
    /* Groups combine with AND. */
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_PERSISTENT | VIR_CONNECT_LIST_DOMAINS_ACTIVE,
                "run2,test");
    ASSERT_LIST(VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART,
                "ms");

    /* Counting only (domains == NULL). */
    assert_int_equal(virConnectListAllDomains(conn, NULL, VIR_CONNECT_LIST_DOMAINS_ACTIVE), 3);
    assert_int_equal(virConnectListAllDomains(conn, &doms, 1u << 20), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "unsupported flags (0x100000)");
}

static void
test_list_legacy(void **state)
{
    virConnectPtr conn = *state;
    int ids[8] = { 0 };
    char *names[8] = { NULL };
    int n;

    assert_int_equal(virConnectNumOfDomains(conn), 3);
    n = virConnectListDomains(conn, ids, 8);
    assert_int_equal(n, 3);
    /* test is 1, pz 2, ms took 3 before its managed save, run2 4. */
    assert_int_equal(ids[0] + ids[1] + ids[2], 1 + 2 + 4);
    assert_int_equal(virConnectListDomains(conn, ids, 1), 1);

    assert_int_equal(virConnectNumOfDefinedDomains(conn), 2);
    n = virConnectListDefinedDomains(conn, names, 8);
    assert_int_equal(n, 2);
    assert_true((strcmp(names[0], "ms") == 0 && strcmp(names[1], "off") == 0) ||
                (strcmp(names[0], "off") == 0 && strcmp(names[1], "ms") == 0));
    free(names[0]);
    free(names[1]);
}

static void
test_lookups(void **state)
{
    virConnectPtr conn = *state;
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainPtr dom;

    dom = virDomainLookupByUUIDString(conn, TD_TEST_UUID);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "test");
    assert_int_equal(virDomainGetUUID(dom, uuid), 0);
    virDomainFree(dom);

    dom = virDomainLookupByUUID(conn, uuid);
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 1);
    virDomainFree(dom);

    dom = virDomainLookupByID(conn, 2);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "pz");
    virDomainFree(dom);

    assert_null(virDomainLookupByName(conn, "nope"));
    tdAssertError(VIR_ERR_NO_DOMAIN, "Domain not found: no domain with matching name 'nope'");
    assert_null(virDomainLookupByID(conn, 77));
    tdAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching id 77");
    assert_null(virDomainLookupByUUIDString(conn, "00000000-0000-0000-0000-000000000001"));
    tdAssertError(VIR_ERR_NO_DOMAIN,
                  "no domain with matching uuid '00000000-0000-0000-0000-000000000001'");
    /* Inactive domains have no id to be found by. */
    assert_null(virDomainLookupByID(conn, 3));
    tdAssertError(VIR_ERR_NO_DOMAIN, NULL);
}

static void
test_host_questions(void **state)
{
    virConnectPtr conn = *state;
    unsigned long long cells[4] = { 0 };
    g_autofree char *caps = NULL;
    g_autofree char *sysinfo = NULL;
    virDomainPtr dom;
    g_autofree char *hostname = NULL;
    g_autofree char *sched = NULL;
    int nparams = 0;

    assert_int_equal(virNodeGetCellsFreeMemory(conn, cells, 0, 4), 2);
    assert_int_equal(cells[0], 2097152);
    assert_int_equal(cells[1], 4194304);
    assert_int_equal(virNodeGetCellsFreeMemory(conn, cells, 1, 4), 1);
    assert_int_equal(cells[0], 4194304);
    assert_int_equal(virNodeGetCellsFreeMemory(conn, cells, 5, 4), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "Range exceeds available cells");
    assert_int_equal(virNodeGetFreeMemory(conn), 3145728);

    caps = virConnectGetCapabilities(conn);
    assert_non_null(caps);
    assert_non_null(strstr(caps, "<domain type='test'"));
    assert_non_null(strstr(caps, "<os_type>hvm</os_type>"));
    assert_non_null(strstr(caps, "<arch name='i686'>"));
    assert_non_null(strstr(caps, "<arch name='i686'>"));
    assert_non_null(strstr(caps, "testSecurity"));
    assert_non_null(strstr(caps, "<cells num='2'>"));

    sysinfo = virConnectGetSysinfo(conn, 0);
    assert_non_null(strstr(sysinfo, "<sysinfo type='smbios'>"));
    assert_null(virConnectGetSysinfo(conn, 1));
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);

    assert_int_equal(virConnectGetMaxVcpus(conn, NULL), 32);
    assert_int_equal(virConnectIsAlive(conn), 1);
    assert_int_equal(virConnectIsSecure(conn), 1);
    assert_int_equal(virConnectIsEncrypted(conn), 0);

    {
        virSecurityModel model;

        assert_int_equal(virNodeGetSecurityModel(conn, &model), 0);
        assert_string_equal(model.model, "testSecurity");
        assert_string_equal(model.doi, "");
    }
    dom = virDomainLookupByName(conn, "test");
    {
        virSecurityLabel label;

        assert_int_equal(virDomainGetSecurityLabel(dom, &label), 0);
        assert_string_equal(label.label, "libvirt-test");
        assert_int_equal(label.enforcing, 1);
    }
    hostname = virDomainGetHostname(dom, 0);
    assert_string_equal(hostname, "testhost");
    sched = virDomainGetSchedulerType(dom, &nparams);
    assert_string_equal(sched, "fair");
    assert_int_equal(nparams, 1);
    virDomainFree(dom);
}

static void
test_open_errors(void **state)
{
    virConnectPtr conn;

    conn = virConnectOpen("test:///no/such/host-file.xml");
    assert_null(conn);
    tdAssertError(VIR_ERR_XML_ERROR, "/no/such/host-file.xml");
    assert_null(virConnectOpen("test:relative.xml"));
    tdAssertError(VIR_ERR_INVALID_ARG, "test driver URI path 'relative.xml'");
    assert_null(virConnectOpen("test:///"));
    tdAssertError(VIR_ERR_INVALID_ARG, "'/' is not a regular file");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_filters, setupMix, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_list_legacy, setupMix, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_lookups, setupMix, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_host_questions, tdSetupConn, tdTeardownConn),
        cmocka_unit_test(test_open_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

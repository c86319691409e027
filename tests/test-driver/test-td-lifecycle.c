/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's default host and domain lifecycle, through the public
 * API: each transition's happy path, the state checks libvirt makes (with
 * its error codes and messages) and the lifecycle events emitted.
 */
#include <unistd.h>

#include "td-helpers.h"

static void
test_default_host(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom;
    virDomainInfo info;
    virNodeInfo node;
    unsigned long ver = 0;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int reason;
    g_autofree char *xml = NULL;
    g_autofree char *host = NULL;
    g_autofree char *ostype = NULL;

    assert_string_equal(virConnectGetType(conn), "TEST");
    assert_int_equal(virConnectGetVersion(conn, &ver), 0);
    assert_int_equal(ver, 2);
    host = virConnectGetHostname(conn);
    assert_string_equal(host, g_get_host_name());
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_string_equal(node.model, "i686");
    assert_int_equal(node.memory, 3145728);
    assert_int_equal(node.cpus, 16);
    assert_int_equal(node.mhz, 1400);
    assert_int_equal(node.nodes, 2);
    assert_int_equal(node.sockets, 2);
    assert_int_equal(node.cores, 2);
    assert_int_equal(node.threads, 2);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);

    dom = virDomainLookupByName(conn, "test");
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 1);
    assert_int_equal(virDomainGetUUIDString(dom, uuid), 0);
    assert_string_equal(uuid, TD_TEST_UUID);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.state, VIR_DOMAIN_RUNNING);
    assert_int_equal(info.maxMem, 8388608);
    assert_int_equal(info.memory, 2097152);
    assert_int_equal(info.nrVirtCpu, 2);
    assert_true(info.cpuTime > 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainIsActive(dom), 1);
    assert_int_equal(virDomainIsPersistent(dom), 1);
    assert_int_equal(virDomainIsUpdated(dom), 0);
    ostype = virDomainGetOSType(dom);
    assert_string_equal(ostype, "linux");
    assert_int_equal(virDomainGetMaxMemory(dom), 8388608);
    assert_int_equal(virDomainGetMaxVcpus(dom), 2);

    xml = virDomainGetXMLDesc(dom, 0);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<domain type='test' id='1'>"));
    assert_non_null(strstr(xml, "<name>test</name>"));
    assert_non_null(strstr(xml, "/guest/diskimage1"));
    assert_non_null(strstr(xml, "aa:bb:cc:dd:ee:ff"));
    assert_non_null(strstr(xml, "<type arch='i686'>hvm</type>"));
    virDomainFree(dom);
}

static void
test_suspend_resume(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    int reason;

    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_PAUSED);
    assert_int_equal(reason, VIR_DOMAIN_PAUSED_USER);
    assert_int_equal(virDomainSuspend(dom), -1);
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "domain 'test' not running");

    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_UNPAUSED);
    assert_int_equal(virDomainResume(dom), -1);
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "domain 'test' not paused");
    virDomainFree(dom);
}

static void
test_destroy_start(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainPtr byid;
    int reason;

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_DESTROYED);
    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(virDomainIsActive(dom), 0);
    assert_null(virDomainLookupByID(conn, 1));
    tdAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching id 1");
    assert_int_equal(virConnectNumOfDomains(conn), 0);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 1);

    assert_int_equal(virDomainDestroy(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_int_equal(virDomainSuspend(dom), -1);
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "not running");

    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainGetID(dom), 2);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);
    byid = virDomainLookupByID(conn, 2);
    assert_non_null(byid);
    assert_string_equal(virDomainGetName(byid), "test");
    virDomainFree(byid);

    assert_int_equal(virDomainCreate(dom), -1);
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "Domain 'test' is already running");

    /* START_PAUSED after a destroy: the next id, paused. */
    assert_int_equal(virDomainDestroyFlags(dom, VIR_DOMAIN_DESTROY_GRACEFUL), 0);
    assert_int_equal(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED), 0);
    assert_int_equal(virDomainGetID(dom), 3);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_PAUSED);
    virDomainFree(dom);
}

static void
test_shutdown_reboot(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainPtr dd;
    int reason;
    g_autofree char *xml = NULL;

    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_int_equal(tdState(dom, NULL), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainReset(dom, 0), 0);
    assert_int_equal(virDomainGetID(dom), 1);

    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    assert_int_equal(virDomainShutdown(dom), -1);
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "domain 'test' not running");
    assert_int_equal(virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN), -1);
    assert_int_equal(virDomainReboot(dom, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_int_equal(virDomainReset(dom, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    virDomainFree(dom);

    /* <on_reboot>destroy</on_reboot>: a reboot powers the guest off. */
    xml = g_strdup("<domain type='test'><name>rd</name><memory>1024</memory>"
                   "<os><type>hvm</type></os><on_reboot>destroy</on_reboot></domain>");
    dd = virDomainCreateXML(conn, xml, 0);
    assert_non_null(dd);
    assert_int_equal(virDomainReboot(dd, 0), 0);
    assert_null(virDomainLookupByName(conn, "rd"));
    tdAssertError(VIR_ERR_NO_DOMAIN, "no domain with matching name 'rd'");
    virDomainFree(dd);
}

static void
test_define_undefine(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = tdDefine(conn, "vm1");
    virDomainPtr again;
    char *names[4] = { NULL };
    g_autofree char *dupName = tdDomainXML("vm1", "11111111-2222-3333-4444-555555555555", 1024);
    g_autofree char *dupUUID = tdDomainXML("other", TD_TEST_UUID, 1024);
    g_autofree char *bad = g_strdup("<domain type='test'><name>broken</name>");

    assert_int_equal((int)virDomainGetID(dom), -1);
    assert_int_equal(virDomainIsPersistent(dom), 1);
    assert_int_equal(virDomainIsActive(dom), 0);
    assert_int_equal(tdState(dom, NULL), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 1);
    assert_int_equal(virConnectListDefinedDomains(conn, names, 4), 1);
    assert_string_equal(names[0], "vm1");
    free(names[0]);

    assert_null(virDomainDefineXML(conn, dupName));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "domain 'vm1' already exists with uuid");
    assert_null(virDomainDefineXML(conn, dupUUID));
    tdAssertError(VIR_ERR_OPERATION_FAILED,
                  "domain 'test' is already defined with uuid " TD_TEST_UUID);
    assert_null(virDomainDefineXML(conn, bad));
    assert_non_null(virGetLastError());
    assert_null(virDomainLookupByName(conn, "broken"));

    /* Redefining (same name and uuid) updates in place. */
    again = tdDefine(conn, "vm1");
    {
        unsigned char u1[VIR_UUID_BUFLEN], u2[VIR_UUID_BUFLEN];

        assert_int_equal(virDomainGetUUID(again, u1), 0);
        assert_int_equal(virDomainGetUUID(dom, u2), 0);
        assert_memory_equal(u1, u2, VIR_UUID_BUFLEN);
    }
    virDomainFree(again);
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 1);

    assert_int_equal(virDomainUndefine(dom), 0);
    assert_null(virDomainLookupByName(conn, "vm1"));
    tdAssertError(VIR_ERR_NO_DOMAIN, "Domain not found: no domain with matching name 'vm1'");
    assert_int_equal(virDomainUndefine(dom), -1);
    tdAssertError(VIR_ERR_NO_DOMAIN, "(vm1)");
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
    virDomainFree(dom);
}

static void
test_undefine_running(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    int autostart = -1;

    assert_int_equal(virDomainSetAutostart(dom, 1), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainIsPersistent(dom), 0);
    assert_int_equal(virDomainIsActive(dom), 1);
    assert_int_equal(virDomainGetAutostart(dom, &autostart), 0);
    assert_int_equal(autostart, 0);
    assert_int_equal(virDomainSetAutostart(dom, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "transient");

    /* Transient: it disappears when it stops. */
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_null(virDomainLookupByName(conn, "test"));
    assert_int_equal(virConnectNumOfDefinedDomains(conn), 0);
    virDomainFree(dom);
}

static void
test_create_xml(void **state)
{
    virConnectPtr conn = *state;
    g_autofree char *xml = tdDomainXML("tr", NULL, 4096);
    virDomainPtr dom = virDomainCreateXML(conn, xml, 0);
    virDomainPtr dup;
    int reason;

    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 2);
    assert_int_equal(virDomainIsPersistent(dom), 0);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(reason, VIR_DOMAIN_RUNNING_BOOTED);

    dup = virDomainCreateXML(conn, xml, 0);
    assert_null(dup);
    tdAssertError(VIR_ERR_OPERATION_FAILED, "domain 'tr' already exists");

    assert_int_equal(virDomainShutdown(dom), 0);
    assert_null(virDomainLookupByName(conn, "tr"));
    virDomainFree(dom);

    dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_PAUSED);
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 3);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_PAUSED);
    assert_int_equal(reason, VIR_DOMAIN_PAUSED_USER);
    virDomainFree(dom);

    assert_null(virDomainCreateXML(conn, xml, 1u << 30));
    tdAssertError(VIR_ERR_INVALID_ARG, "unsupported flags");
}

static void
test_redefine_running(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom;
    g_autofree char *xml = tdDomainXML("test", TD_TEST_UUID, 4096);
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;
    g_autofree char *after = NULL;

    dom = virDomainDefineXML(conn, xml);
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 1);
    live = virDomainGetXMLDesc(dom, 0);
    inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(strstr(live, "<memory unit='KiB'>8388608</memory>"));
    assert_non_null(strstr(inactive, "<memory unit='KiB'>4096</memory>"));
    assert_null(strstr(inactive, "id='"));

    /* The pending definition takes over at the next boot. */
    assert_int_equal(virDomainDestroy(dom), 0);
    after = virDomainGetXMLDesc(dom, 0);
    assert_non_null(strstr(after, "<memory unit='KiB'>4096</memory>"));
    virDomainFree(dom);
}

static void
test_validate_flag(void **state)
{
    virConnectPtr conn = *state;
    const char *xml = "<domain type='test'><name>v</name><memory>1024</memory>"
                      "<os><type>hvm</type></os><bogus/></domain>";

    assert_null(virDomainDefineXMLFlags(conn, xml, VIR_DOMAIN_DEFINE_VALIDATE));
    assert_non_null(virGetLastError());
    assert_null(virDomainLookupByName(conn, "v"));
    assert_null(virDomainDefineXMLFlags(conn, xml, 1u << 20));
    tdAssertError(VIR_ERR_INVALID_ARG, "unsupported flags (0x100000)");
}

static void
test_events(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog log = { g_string_new(NULL), 0 };
    virDomainPtr dom;
    int id;
    g_autofree char *path = g_build_filename(g_get_tmp_dir(), "td-events-XXXXXX", NULL);
    int fd = g_mkstemp(path);

    assert_true(fd >= 0);
    close(fd);
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(tdRecordLifecycle),
                                          &log, NULL);
    assert_true(id >= 0);

    dom = tdDefine(conn, "ev");
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainSuspend(dom), 0);
    assert_int_equal(virDomainResume(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED), 0);
    assert_int_equal(virDomainShutdown(dom), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    assert_int_equal(virDomainSave(dom, path), 0);
    assert_int_equal(virDomainRestore(conn, path), 0);
    assert_int_equal(virDomainManagedSave(dom, 0), 0);
    assert_int_equal(virDomainCreate(dom), 0);
    virDomainFree(dom);
    dom = tdDefine(conn, "ev");
    assert_int_equal(virDomainUndefine(dom), 0);
    assert_int_equal(virDomainDestroy(dom), 0);
    virDomainFree(dom);
    tdPumpEvents();

    assert_string_equal(log.log->str,
                        "ev 0/0;"                  /* defined added */
                        "ev 2/0;"                  /* started booted */
                        "ev 3/0;"                  /* suspended paused */
                        "ev 4/0;"                  /* resumed unpaused */
                        "ev 5/1;"                  /* stopped destroyed */
                        "ev 2/0;ev 3/0;"           /* start paused */
                        "ev 5/0;"                  /* stopped shutdown */
                        "ev 2/0;"
                        "ev 5/4;"                  /* stopped saved */
                        "ev 2/2;"                  /* started restored */
                        "ev 5/4;"                  /* managed save */
                        "ev 2/2;"                  /* restored from it */
                        "ev 0/1;"                  /* defined updated */
                        "ev 1/0;"                  /* undefined removed */
                        "ev 5/1;");

    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    dom = tdDefine(conn, "quiet");
    tdPumpEvents();
    assert_null(strstr(log.log->str, "quiet"));
    virDomainFree(dom);
    unlink(path);
    g_string_free(log.log, TRUE);
}

static void
countReboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    (*(int *)opaque)++;
}

/* The reboot event, and the old callback-per-connection registration. */
static void
test_events_reboot_legacy(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog log = { g_string_new(NULL), 0 };
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    int reboots = 0;
    int id;

    id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_REBOOT,
                                          VIR_DOMAIN_EVENT_CALLBACK(countReboot),
                                          &reboots, NULL);
    assert_true(id >= 0);
    assert_int_equal(virConnectDomainEventRegister(conn, tdRecordLifecycle, &log, NULL), 0);

    assert_int_equal(virDomainReboot(dom, 0), 0);
    assert_int_equal(virDomainReset(dom, 0), 0);
    assert_int_equal(virDomainSuspend(dom), 0);
    tdPumpEvents();
    assert_int_equal(reboots, 2);
    assert_string_equal(log.log->str, "test 3/0;");

    assert_int_equal(virConnectDomainEventDeregister(conn, tdRecordLifecycle), 0);
    assert_int_equal(virDomainResume(dom), 0);
    tdPumpEvents();
    assert_int_equal(log.count, 1);
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    g_string_free(log.log, TRUE);
    virDomainFree(dom);
}

static void
test_read_only(void **state)
{
    virConnectPtr ro = virConnectOpenReadOnly(TD_URI);
    virDomainPtr dom;
    g_autofree char *xml = tdDomainXML("rovm", NULL, 1024);
    virDomainInfo info;

    assert_non_null(ro);
    dom = virDomainLookupByName(ro, "test");
    assert_non_null(dom);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_null(virDomainDefineXML(ro, xml));
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_int_equal(virDomainDestroy(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_int_equal(virDomainSuspend(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_int_equal(virDomainUndefine(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_int_equal(virDomainIsActive(dom), 1);

    /* Both connections see the same process-wide default host. */
    {
        virDomainPtr rw = virDomainLookupByName(*state, "test");

        assert_int_equal(virDomainSuspend(rw), 0);
        assert_int_equal(tdState(dom, NULL), VIR_DOMAIN_PAUSED);
        virDomainFree(rw);
    }
    virDomainFree(dom);
    virConnectClose(ro);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_host, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_suspend_resume, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_destroy_start, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_shutdown_reboot, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_define_undefine, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_undefine_running, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_create_xml, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_redefine_running, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_validate_flag, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_events, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_events_reboot_legacy, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_read_only, tdSetupConn, tdTeardownConn),
    };

    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

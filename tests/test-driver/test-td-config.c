/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changing test domains: memory, vCPUs, autostart, devices and metadata,
 * each with its LIVE / CONFIG targeting and the errors libvirt reports.
 */
#include "td-helpers.h"

static void
test_memory(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    virDomainInfo info;
    g_autofree char *inactive = NULL;

    assert_int_equal(virDomainSetMemory(dom, 99999999), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "cannot set memory higher than max memory");
    assert_int_equal(virDomainSetMemory(dom, 1000000), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 1000000);
    /* The next-boot config is untouched by a live change. */
    inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(strstr(inactive, "<currentMemory unit='KiB'>2097152</currentMemory>"));
    assert_int_equal(virDomainIsUpdated(dom), 0);

    assert_int_equal(virDomainSetMaxMemory(dom, 1000), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID,
                  "cannot resize the maximum memory on an active domain");
    assert_int_equal(virDomainSetMemoryFlags(dom, 4000000,
                                             VIR_DOMAIN_MEM_CONFIG | VIR_DOMAIN_MEM_MAXIMUM), 0);
    assert_int_equal(virDomainSetMemoryFlags(dom, 3000000, VIR_DOMAIN_MEM_CONFIG), 0);
    assert_int_equal(virDomainIsUpdated(dom), 1);
    assert_int_equal(virDomainGetMaxMemory(dom), 8388608);

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainGetMaxMemory(dom), 4000000);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.memory, 3000000);
    assert_int_equal(virDomainSetMemory(dom, 512), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    /* Shrinking the maximum below the current size clamps it. */
    assert_int_equal(virDomainSetMaxMemory(dom, 2000000), 0);
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.maxMem, 2000000);
    assert_int_equal(info.memory, 2000000);
    virDomainFree(dom);
}

static void
test_vcpus(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");

    assert_int_equal(virDomainSetVcpus(dom, 1), 0);
    assert_int_equal(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE), 1);
    assert_int_equal(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG), 2);
    assert_int_equal(virDomainGetVcpusFlags(dom, 0), 1);
    assert_int_equal(virDomainSetVcpus(dom, 200), -1);
    tdAssertError(VIR_ERR_INVALID_ARG,
                  "requested cpu amount exceeds maximum supported amount (200 > 32)");
    assert_int_equal(virDomainSetVcpusFlags(dom, 3, VIR_DOMAIN_AFFECT_LIVE), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "requested cpu amount exceeds maximum (3 > 2)");
    assert_int_equal(virDomainSetVcpusFlags(dom, 1, VIR_DOMAIN_VCPU_MAXIMUM |
                                            VIR_DOMAIN_AFFECT_LIVE), -1);
    tdAssertError(VIR_ERR_INVALID_ARG,
                  "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag 'VIR_DOMAIN_VCPU_MAXIMUM'");
    assert_int_equal(virDomainSetVcpusFlags(dom, 4, VIR_DOMAIN_VCPU_MAXIMUM |
                                            VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_int_equal(virDomainGetVcpusFlags(dom, VIR_DOMAIN_VCPU_MAXIMUM |
                                            VIR_DOMAIN_AFFECT_CONFIG), 4);
    assert_int_equal(virDomainSetVcpusFlags(dom, 4, VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_int_equal(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG |
                                            VIR_DOMAIN_AFFECT_LIVE), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "mutually exclusive");
    assert_int_equal(virDomainGetMaxVcpus(dom), 2);

    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainGetMaxVcpus(dom), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    assert_int_equal(virDomainGetVcpusFlags(dom, 0), 4);
    assert_int_equal(virDomainSetVcpus(dom, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain is not running");
    /* Lowering the maximum lowers the current count with it. */
    assert_int_equal(virDomainSetVcpusFlags(dom, 3, VIR_DOMAIN_VCPU_MAXIMUM |
                                            VIR_DOMAIN_AFFECT_CONFIG), 0);
    assert_int_equal(virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG), 3);
    assert_int_equal(virDomainSetVcpusFlags(dom, 0, VIR_DOMAIN_AFFECT_CONFIG), -1);
    assert_non_null(virGetLastError());
    virDomainFree(dom);
}

static void
test_autostart(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = tdDefine(conn, "auto");
    g_autofree char *xml = tdDomainXML("trans", NULL, 1024);
    virDomainPtr tr;
    int as = -1;

    assert_int_equal(virDomainGetAutostart(dom, &as), 0);
    assert_int_equal(as, 0);
    assert_int_equal(virDomainSetAutostart(dom, 1), 0);
    assert_int_equal(virDomainGetAutostart(dom, &as), 0);
    assert_int_equal(as, 1);
    assert_int_equal(virDomainSetAutostart(dom, 0), 0);
    assert_int_equal(virDomainGetAutostart(dom, &as), 0);
    assert_int_equal(as, 0);

    tr = virDomainCreateXML(conn, xml, 0);
    assert_non_null(tr);
    assert_int_equal(virDomainSetAutostart(tr, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "cannot set autostart for transient domain 'trans'");
    virDomainFree(tr);
    virDomainFree(dom);
}

/* virDomainRename as libvirt 9.0's test driver does it (checked there):
 * only inactive persistent domains; libvirt's codes and messages; the
 * caller's in-process handle keeps its old name. */
static void
test_rename(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = tdDefine(conn, "rn1");
    virDomainPtr other = tdDefine(conn, "rn2");
    virDomainPtr running = virDomainLookupByName(conn, "test");
    virDomainPtr found;
    unsigned char u1[VIR_UUID_BUFLEN], u2[VIR_UUID_BUFLEN];
    char *xml;

    assert_int_equal(virDomainRename(dom, "rn1b", 0), 0);
    assert_string_equal(virDomainGetName(dom), "rn1");
    found = virDomainLookupByName(conn, "rn1b");
    assert_non_null(found);
    assert_int_equal(virDomainGetUUID(dom, u1), 0);
    assert_int_equal(virDomainGetUUID(found, u2), 0);
    assert_memory_equal(u1, u2, VIR_UUID_BUFLEN);
    xml = virDomainGetXMLDesc(found, 0);
    assert_non_null(strstr(xml, "<name>rn1b</name>"));
    free(xml);
    assert_null(virDomainLookupByName(conn, "rn1"));
    tdAssertError(VIR_ERR_NO_DOMAIN, NULL);

    assert_int_equal(virDomainRename(found, "rn2", 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "domain with name 'rn2' already exists");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_DOMAIN);
    assert_int_equal(virDomainRename(found, "rn1b", 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "Can't rename domain to itself");
    assert_int_equal(virDomainRename(found, "", 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "must not be empty");
    assert_int_equal(virDomainRename(found, NULL, 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    assert_int_equal(virDomainRename(found, "a/b", 0), -1);
    tdAssertError(VIR_ERR_XML_ERROR, "cannot contain '/'");
    assert_int_equal(virDomainRename(found, "x", 1), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    assert_int_equal(virDomainRename(running, "t2", 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "cannot rename active domain");
    /* "." is a valid name, for libvirt too */
    assert_int_equal(virDomainRename(found, ".", 0), 0);

    assert_int_equal(virDomainUndefine(found), 0);
    assert_int_equal(virDomainUndefine(other), 0);
    virDomainFree(found);
    virDomainFree(dom);
    virDomainFree(other);
    virDomainFree(running);
}

/* Names are stored inline in the object up to 47 bytes and allocated past
 * that (test-domain-obj.c): renames across that boundary, both ways, keep
 * lookups working, and an undefined domain's memory, reused by the next
 * define, leaves ListAllDomains in definition order. */
static void
test_names_and_order(void **state)
{
    virConnectPtr conn = *state;
    g_autofree char *n47 = g_strnfill(47, 'a');
    g_autofree char *n48 = g_strnfill(48, 'b');
    g_autofree char *n200 = g_strnfill(200, 'c');
    const char *const renames[] = { n47, n48, n200, "short", n48, n47 };
    const char *const expect[] = { "test", "ord1", "ord3", "ord4" };
    virDomainPtr dom = tdDefine(conn, "long0");
    virDomainPtr doms[3], *list = NULL;
    int n;

    for (size_t i = 0; i < G_N_ELEMENTS(renames); i++) {
        virDomainPtr found;

        assert_int_equal(virDomainRename(dom, renames[i], 0), 0);
        virDomainFree(dom);
        dom = virDomainLookupByName(conn, renames[i]);
        assert_non_null(dom);
        assert_string_equal(virDomainGetName(dom), renames[i]);
        found = virDomainLookupByName(conn, i ? renames[i - 1] : "long0");
        assert_null(found);
    }
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);

    for (int i = 0; i < 3; i++) {
        g_autofree char *name = g_strdup_printf("ord%d", i + 1);

        doms[i] = tdDefine(conn, name);
    }
    assert_int_equal(virDomainUndefine(doms[1]), 0);
    virDomainFree(doms[1]);
    doms[1] = tdDefine(conn, "ord4");
    n = virConnectListAllDomains(conn, &list, 0);
    assert_int_equal(n, G_N_ELEMENTS(expect));
    for (int i = 0; i < n; i++) {
        assert_string_equal(virDomainGetName(list[i]), expect[i]);
        virDomainFree(list[i]);
    }
    free(list);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(virDomainUndefine(doms[i]), 0);
        virDomainFree(doms[i]);
    }
}

#define DISK_VDB "<disk type='file' device='disk'><source file='/x.img'/>" \
                 "<target dev='vdb' bus='virtio'/></disk>"
#define DISK_VDB2 "<disk type='file' device='disk'><source file='/y.img'/>" \
                  "<target dev='vdb' bus='virtio'/></disk>"

/* libvirt 9.0's test driver has no device attach, detach or update, live
 * or persistent: the calls are refused as not supported. */
static void
test_devices(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    g_autofree char *before = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    g_autofree char *after = NULL;

    assert_int_equal(virDomainAttachDevice(dom, DISK_VDB), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virDomainAttachDevice");
    assert_int_equal(virDomainAttachDeviceFlags(dom, DISK_VDB, VIR_DOMAIN_AFFECT_CONFIG), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virDomainAttachDeviceFlags");
    assert_int_equal(virDomainUpdateDeviceFlags(dom, DISK_VDB2, VIR_DOMAIN_AFFECT_LIVE), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virDomainUpdateDeviceFlags");
    assert_int_equal(virDomainDetachDevice(dom, DISK_VDB2), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virDomainDetachDevice");
    assert_int_equal(virDomainDetachDeviceFlags(dom, DISK_VDB2, VIR_DOMAIN_AFFECT_CONFIG), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virDomainDetachDeviceFlags");
    after = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_string_equal(before, after);
    virDomainFree(dom);
}

static void
recordMetadata(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
               void *opaque)
{
    g_string_append_printf(opaque, "%s %d %s;", virDomainGetName(dom), type,
                           nsuri ? nsuri : "-");
}

static void
test_metadata(void **state)
{
    virConnectPtr conn = *state;
    virDomainPtr dom = virDomainLookupByName(conn, "test");
    GString *log = g_string_new(NULL);
    int id;
    g_autofree char *title = NULL;
    g_autofree char *elem = NULL;

    id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                          VIR_DOMAIN_EVENT_CALLBACK(recordMetadata), log, NULL);
    assert_true(id >= 0);

    assert_null(virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, NULL, 0));
    tdAssertError(VIR_ERR_NO_DOMAIN_METADATA, NULL);
    assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, "hello",
                                          NULL, NULL, 0), 0);
    title = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, NULL, 0);
    assert_string_equal(title, "hello");
    assert_null(virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE, NULL,
                                     VIR_DOMAIN_AFFECT_CONFIG));

    assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, "<x a='1'/>",
                                          "p", "http://example.org/ns",
                                          VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG), 0);
    elem = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/ns",
                                VIR_DOMAIN_AFFECT_CONFIG);
    assert_non_null(elem);
    assert_non_null(strstr(elem, "a='1'") ? strstr(elem, "a='1'") : strstr(elem, "a=\"1\""));

    tdPumpEvents();
    assert_string_equal(log->str, "test 1 -;test 2 http://example.org/ns;");
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, id), 0);
    g_string_free(log, TRUE);
    virDomainFree(dom);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memory, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_vcpus, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_autostart, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_rename, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_names_and_order, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_devices, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_metadata, tdSetupConn, tdTeardownConn),
    };

    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

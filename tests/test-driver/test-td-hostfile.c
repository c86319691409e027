/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test:///path/host.xml: host description files from tests/data/test-driver
 * give a private host (its own node info and running domains); broken
 * files make the open fail with an error that names the file and the
 * problem; entities are never expanded.
 */
#include "td-helpers.h"

static char *
hostURI(const char *file)
{
    return g_strdup_printf("test://%s/%s", TD_DATA_DIR, file);
}

static void
test_basic_file(void **state)
{
    g_autofree char *uri = hostURI("host-basic.xml");
    virConnectPtr conn = virConnectOpen(uri);
    virConnectPtr other;
    virNodeInfo node;
    virDomainPtr dom;
    virDomainInfo info;
    unsigned long long cells[4];
    int reason;

    assert_non_null(conn);
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_string_equal(node.model, "ia64");
    assert_int_equal(node.mhz, 6000);
    assert_int_equal(node.cpus, 12);
    assert_int_equal(node.nodes, 2);
    assert_int_equal(node.sockets, 2);
    assert_int_equal(node.cores, 4);
    assert_int_equal(node.threads, 2);
    assert_int_equal(node.memory, 8192000);
    assert_int_equal(virNodeGetCellsFreeMemory(conn, cells, 0, 4), 2);
    assert_int_equal(cells[0] + cells[1], 8192000);

    assert_int_equal(virConnectNumOfDomains(conn), 2);
    assert_null(virDomainLookupByName(conn, "test"));
    dom = virDomainLookupByID(conn, 1);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), "inline1");
    assert_int_equal(virDomainGetInfo(dom, &info), 0);
    assert_int_equal(info.maxMem, 524288);
    assert_int_equal(info.memory, 262144);
    assert_int_equal(info.nrVirtCpu, 1);
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainIsPersistent(dom), 1);
    virDomainFree(dom);

    dom = virDomainLookupByName(conn, "fromfile");
    assert_non_null(dom);
    assert_int_equal(virDomainGetID(dom), 2);
    assert_int_equal(virDomainGetMaxVcpus(dom), 4);

    /* Each open of a file is a private host: changes are not shared. */
    assert_int_equal(virDomainDestroy(dom), 0);
    other = virConnectOpen(uri);
    assert_non_null(other);
    assert_int_equal(virConnectNumOfDomains(other), 2);
    assert_int_equal(virConnectNumOfDomains(conn), 1);
    virDomainFree(dom);
    virConnectClose(other);
    virConnectClose(conn);
}

static void
expectOpenFailure(const char *file, int code, const char *substr)
{
    g_autofree char *uri = hostURI(file);
    virConnectPtr conn = virConnectOpen(uri);

    if (conn)
        fail_msg("opening %s succeeded", file);
    tdAssertError(code, substr);
}

static void
test_bad_files(void **state)
{
    expectOpenFailure("host-bad-root.xml", VIR_ERR_XML_ERROR, "root element <host>, expected <node>");
    expectOpenFailure("host-malformed.xml", VIR_ERR_XML_ERROR, "host-malformed.xml' is not well-formed (line 6)");
    expectOpenFailure("host-bad-cpu.xml", VIR_ERR_XML_ERROR, "invalid value 'fast' for <cpu><mhz>");
    expectOpenFailure("host-missing-domain-file.xml", VIR_ERR_SYSTEM_ERROR,
                      "no-such-domain.xml");
    expectOpenFailure("host-duplicate-domain.xml", VIR_ERR_XML_ERROR,
                      "describes domain 'fromfile' twice");
    expectOpenFailure("no-such-host.xml", VIR_ERR_SYSTEM_ERROR,
                      "cannot read host description file");
    /* The domain parser's own error comes through unchanged. */
    {
        g_autofree char *uri = hostURI("host-bad-domain.xml");

        assert_null(virConnectOpen(uri));
        assert_non_null(virGetLastError());
        assert_int_not_equal(virGetLastError()->code, VIR_ERR_OK);
    }
}

static void
test_no_entity_expansion(void **state)
{
    g_autofree char *uri = hostURI("host-entity.xml");
    virConnectPtr conn = virConnectOpen(uri);
    virNodeInfo node;

    assert_non_null(conn);
    assert_int_equal(virNodeGetInfo(conn, &node), 0);
    assert_null(strstr(node.model, "root"));
    assert_string_equal(node.model, "i686");
    virConnectClose(conn);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_no_entity_expansion),
    };

    virSetErrorFunc(NULL, tdQuietErrors);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

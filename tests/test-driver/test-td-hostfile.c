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
    /* as libvirt's test driver: a host file's <nodes> gives no NUMA cells */
    assert_int_equal(virNodeGetCellsFreeMemory(conn, cells, 0, 4), -1);
    assert_int_equal(virGetLastError()->code, VIR_ERR_INVALID_ARG);
    assert_int_equal(virNodeGetFreeMemory(conn), 0);

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
    expectOpenFailure("host-missing-domain-file.xml", VIR_ERR_XML_ERROR,
                      "failed to parse xml document '");
    expectOpenFailure("host-duplicate-domain.xml", VIR_ERR_XML_ERROR,
                      "describes domain 'fromfile' twice");
    expectOpenFailure("host-interface-bad.xml", VIR_ERR_XML_ERROR,
                      "vlan interface misses the vlan element");
    expectOpenFailure("no-such-host.xml", VIR_ERR_XML_ERROR,
                      "no-such-host.xml' (host description file: No such file or directory)");
    /* The domain parser's own error comes through unchanged. */
    {
        g_autofree char *uri = hostURI("host-bad-domain.xml");

        assert_null(virConnectOpen(uri));
        assert_non_null(virGetLastError());
        assert_int_not_equal(virGetLastError()->code, VIR_ERR_OK);
    }
}

/* A file's interfaces are there, running, and formatted as libvirt does. */
static void
test_interfaces(void **state)
{
    g_autofree char *uri = hostURI("host-interface.xml");
    virConnectPtr conn = virConnectOpen(uri);
    virInterfacePtr iface;
    g_autofree char *xml = NULL;

    assert_non_null(conn);
    assert_int_equal(virConnectNumOfInterfaces(conn), 1);
    assert_int_equal(virConnectNumOfDefinedInterfaces(conn), 0);
    assert_non_null(iface = virInterfaceLookupByMACString(conn, "AA:BB:CC:DD:EE:FF"));
    assert_string_equal(virInterfaceGetName(iface), "eth1");
    assert_int_equal(virInterfaceIsActive(iface), 1);
    assert_non_null(xml = virInterfaceGetXMLDesc(iface, 0));
    assert_string_equal(xml, "<interface type='ethernet' name='eth1'>\n"
                             "  <start mode='onboot'/>\n"
                             "  <mac address='aa:bb:cc:dd:ee:ff'/>\n"
                             "</interface>\n");
    virInterfaceFree(iface);
    virConnectClose(conn);
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

/* host-objects.xml: what libvirt 9.0's test driver shows for the same
 * file (python3-libvirt on test:///.../host-objects.xml): domains in their
 * <test:runstate> with reason 0, ids in file order for those started, the
 * network and pool active and persistent, the pool at 100 GiB with its
 * volumes' allocation charged, paths and keys under the pool target. */
static void
test_objects(void **state)
{
    g_autofree char *uri = hostURI("host-objects.xml");
    virConnectPtr conn = virConnectOpen(uri);
    virStoragePoolInfo pinfo;
    virStorageVolInfo vinfo;
    virStoragePoolPtr pool;
    virStorageVolPtr vol;
    virNetworkPtr net;
    virDomainPtr dom;
    int reason = -1;
    char *path;

    (void)state;
    assert_non_null(conn);
    assert_non_null(dom = virDomainLookupByName(conn, "off"));
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(reason, 0);
    assert_int_equal(virDomainGetID(dom), (unsigned int)-1);
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByName(conn, "paused"));
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_PAUSED);
    assert_int_equal(reason, 0);
    assert_int_equal(virDomainGetID(dom), 1);
    virDomainFree(dom);
    assert_non_null(dom = virDomainLookupByName(conn, "run"));
    assert_int_equal(tdState(dom, &reason), VIR_DOMAIN_RUNNING);
    assert_int_equal(virDomainGetID(dom), 2);
    virDomainFree(dom);

    assert_int_equal(virConnectNumOfNetworks(conn), 1);
    assert_non_null(net = virNetworkLookupByName(conn, "lan"));
    assert_int_equal(virNetworkIsActive(net), 1);
    assert_int_equal(virNetworkIsPersistent(net), 1);
    virNetworkFree(net);
    assert_null(virNetworkLookupByName(conn, "default"));

    assert_non_null(pool = virStoragePoolLookupByName(conn, "images"));
    assert_int_equal(virStoragePoolIsActive(pool), 1);
    assert_int_equal(virStoragePoolIsPersistent(pool), 1);
    assert_int_equal(virStoragePoolGetInfo(pool, &pinfo), 0);
    assert_int_equal(pinfo.state, VIR_STORAGE_POOL_RUNNING);
    assert_true(pinfo.capacity == 107374182400ULL && pinfo.allocation == 5242880ULL &&
                pinfo.available == 107368939520ULL);
    assert_int_equal(virStoragePoolNumOfVolumes(pool), 2);
    assert_non_null(vol = virStorageVolLookupByName(pool, "a.img"));
    assert_string_equal(virStorageVolGetKey(vol), "/srv/images/a.img");
    assert_int_equal(virStorageVolGetInfo(vol, &vinfo), 0);
    assert_true(vinfo.capacity == 10485760ULL && vinfo.allocation == 5242880ULL);
    virStorageVolFree(vol);
    assert_non_null(vol = virStorageVolLookupByPath(conn, "/srv/images/b.qcow2"));
    assert_non_null(path = virStorageVolGetPath(vol));
    assert_string_equal(path, "/srv/images/b.qcow2");
    free(path);
    virStorageVolFree(vol);
    virStoragePoolFree(pool);

    assert_int_equal(virNodeNumOfDevices(conn, NULL, 0), 1);
    {
        virNodeDevicePtr dev = virNodeDeviceLookupByName(conn, "pci_0000_00_1f_0");

        assert_non_null(dev);
        virNodeDeviceFree(dev);
    }
    virConnectClose(conn);
}

typedef struct {
    const char *user;
    const char *password;
    int asked;
} tdCreds;

static int
authCallback(virConnectCredentialPtr cred, unsigned int ncred, void *opaque)
{
    tdCreds *c = opaque;

    for (unsigned int i = 0; i < ncred; i++) {
        const char *v = cred[i].type == VIR_CRED_AUTHNAME ? c->user : c->password;

        c->asked++;
        cred[i].result = strdup(v);
        cred[i].resultlen = strlen(v);
    }
    return 0;
}

/* host-auth.xml: as libvirt's test driver, a listed user and password
 * open it, anything else is AUTH_FAILED, and no callback at all is
 * INVALID_ARG from the auth domain. */
static void
test_auth(void **state)
{
    g_autofree char *uri = hostURI("host-auth.xml");
    int types[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE };
    tdCreds good = { "bob", "other", 0 }, bad = { "alice", "other", 0 };
    virConnectAuth auth = { types, 2, authCallback, &good };
    virConnectPtr conn;

    (void)state;
    assert_non_null(conn = virConnectOpenAuth(uri, &auth, 0));
    assert_int_equal(good.asked, 2);
    virConnectClose(conn);
    auth.cbdata = &bad;
    assert_null(virConnectOpenAuth(uri, &auth, 0));
    tdAssertError(VIR_ERR_AUTH_FAILED, "see test XML for the correct username/password");
    assert_null(virConnectOpen(uri));
    tdAssertError(VIR_ERR_INVALID_ARG, "Missing authentication credentials");
    assert_int_equal(virGetLastError()->domain, VIR_FROM_AUTH);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_interfaces),
        cmocka_unit_test(test_no_entity_expansion),
        cmocka_unit_test(test_objects),
        cmocka_unit_test(test_auth),
    };

    virSetErrorFunc(NULL, tdQuietErrors);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

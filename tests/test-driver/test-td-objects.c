/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Networks, storage pools and volumes of the test hypervisor, through the
 * public API: libvirt's default objects, every call's happy path and
 * errors, the listing filters, lifecycle and refresh events delivered from
 * the default event loop, and callback ids shared with the other event
 * families.  Node devices are in test-td-nodedev.c.
 */
#include "td-objects.h"

/* ---- networks ---- */

static void
test_network_default(void **state)
{
    virConnectPtr conn = *state;
    virNetworkPtr net;
    g_autofree char *xml = NULL;
    g_autofree char *bridge = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *names[4];
    int autostart = -1;

    assert_int_equal(virConnectNumOfNetworks(conn), 1);
    assert_int_equal(virConnectNumOfDefinedNetworks(conn), 0);
    assert_int_equal(virConnectListNetworks(conn, names, 4), 1);
    assert_string_equal(names[0], "default");
    free(names[0]);
    assert_int_equal(virConnectListDefinedNetworks(conn, names, 4), 0);

    assert_non_null(net = virNetworkLookupByName(conn, "default"));
    assert_int_equal(virNetworkGetUUIDString(net, uuid), 0);
    assert_string_equal(uuid, "dd8fe884-6c02-601e-7551-cca97df1c5df");
    assert_int_equal(virNetworkIsActive(net), 1);
    assert_int_equal(virNetworkIsPersistent(net), 1);
    assert_int_equal(virNetworkGetAutostart(net, &autostart), 0);
    assert_int_equal(autostart, 0);
    assert_non_null(bridge = virNetworkGetBridgeName(net));
    assert_string_equal(bridge, "virbr0");
    assert_non_null(xml = virNetworkGetXMLDesc(net, 0));
    assert_string_equal(xml,
        "<network>\n"
        "  <name>default</name>\n"
        "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
        "  <forward mode='nat'/>\n"
        "  <bridge name='virbr0' stp='on' delay='0'/>\n"
        "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
        "    <dhcp>\n"
        "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
        "    </dhcp>\n"
        "  </ip>\n"
        "</network>\n");
    virNetworkFree(net);

    assert_non_null(net = virNetworkLookupByUUIDString(conn, uuid));
    assert_string_equal(virNetworkGetName(net), "default");
    virNetworkFree(net);
}

static void
test_network_errors(void **state)
{
    virConnectPtr conn = *state;
    virNetworkPtr net = virNetworkLookupByName(conn, "default");

    assert_null(virNetworkLookupByName(conn, "nope"));
    tdAssertError(VIR_ERR_NO_NETWORK, "no network with matching name 'nope'");
    assert_null(virNetworkLookupByUUIDString(conn, TD_TEST_UUID));
    tdAssertError(VIR_ERR_NO_NETWORK, TD_TEST_UUID);

    assert_int_equal(virNetworkCreate(net), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "'default' is already running");
    assert_int_equal(virNetworkUndefine(net), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "'default' is still running");

    assert_null(virNetworkDefineXML(conn, "<network><name>default</name></network>"));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "already exists with uuid");
    assert_null(virNetworkDefineXML(conn,
        "<network><name>other</name><uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid></network>"));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "is already defined with uuid");
    assert_null(virNetworkCreateXML(conn, "<network><name>default</name></network>"));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "already exists");
    assert_null(virNetworkDefineXML(conn, "<network><nme>x</nme></network>"));
    tdAssertError(VIR_ERR_NO_NAME, NULL);
    assert_null(virNetworkDefineXML(conn, "<netwrk><name>x</name></netwrk>"));
    tdAssertError(VIR_ERR_XML_ERROR, "expecting root element of 'network'");
    assert_null(virNetworkDefineXML(conn, "<network"));
    assert_non_null(virGetLastError());
    assert_null(virNetworkDefineXML(conn,
        "<network><name>x</name><forward mode='bogus'/></network>"));
    tdAssertError(VIR_ERR_CONFIG_UNSUPPORTED, "unknown forwarding type 'bogus'");
    assert_null(virNetworkDefineXML(conn, "<network><name>a/b</name></network>"));
    assert_non_null(virGetLastError());
    assert_null(virNetworkDefineXMLFlags(conn, "<network><name>x</name></network>", 0x100));
    tdAssertError(VIR_ERR_INVALID_ARG, "unsupported flags");
    assert_int_equal(virConnectListAllNetworks(conn, NULL, 0x1000), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    assert_int_equal(virConnectNumOfNetworks(conn), 1);
    virNetworkFree(net);
}

static void
test_network_lifecycle(void **state)
{
    virConnectPtr conn = *state;
    virNetworkPtr net, t, stale;
    g_autofree char *xml = NULL;
    int autostart;

    assert_non_null(net = virNetworkDefineXML(conn,
        "<network><name>lab</name><bridge name='virbr9'/>"
        "<ip address='10.9.0.1' prefix='24'/></network>"));
    assert_int_equal(virNetworkIsActive(net), 0);
    assert_int_equal(virNetworkIsPersistent(net), 1);
    assert_non_null(xml = virNetworkGetXMLDesc(net, 0));
    assert_non_null(strstr(xml, "<bridge name='virbr9' stp='on' delay='0'/>"));
    assert_non_null(strstr(xml, "<ip address='10.9.0.1' prefix='24'/>"));
    assert_int_equal(virConnectNumOfDefinedNetworks(conn), 1);

    assert_non_null(t = virNetworkCreateXML(conn, "<network><name>tmp</name></network>"));
    assert_int_equal(virNetworkIsPersistent(t), 0);
    assert_int_equal(virNetworkIsActive(t), 1);
    assert_null(virNetworkGetBridgeName(t));
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "does not have a bridge name");
    assert_int_equal(virNetworkSetAutostart(t, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "transient");

    assert_int_equal(virNetworkSetAutostart(net, 1), 0);
    assert_int_equal(virNetworkGetAutostart(net, &autostart), 0);
    assert_int_equal(autostart, 1);

    assert_names(netNames(conn, 0), "default,lab,tmp");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_ACTIVE), "default,tmp");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_INACTIVE), "lab");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_PERSISTENT), "default,lab");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_TRANSIENT), "tmp");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_AUTOSTART), "lab");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART), "default,tmp");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_ACTIVE |
                                VIR_CONNECT_LIST_NETWORKS_INACTIVE), "default,lab,tmp");
    assert_names(netNames(conn, VIR_CONNECT_LIST_NETWORKS_ACTIVE |
                                VIR_CONNECT_LIST_NETWORKS_PERSISTENT), "default");
    assert_int_equal(virConnectListAllNetworks(conn, NULL, 0), 3);

    assert_int_equal(virNetworkCreate(net), 0);
    assert_int_equal(virNetworkIsActive(net), 1);
    /* redefining a running network changes its next-start config only */
    {
        char uuid[VIR_UUID_STRING_BUFLEN];
        g_autofree char *redef = NULL;
        virNetworkPtr again;

        assert_int_equal(virNetworkGetUUIDString(net, uuid), 0);
        redef = g_strdup_printf("<network><name>lab</name><uuid>%s</uuid>"
                                "<bridge name='virbr10'/></network>", uuid);
        assert_non_null(again = virNetworkDefineXML(conn, redef));
        virNetworkFree(again);
    }
    g_free(xml);
    xml = virNetworkGetBridgeName(net);
    assert_string_equal(xml, "virbr9");
    g_free(xml);
    xml = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE);
    assert_non_null(strstr(xml, "virbr10"));
    assert_int_equal(virNetworkDestroy(net), 0);
    g_free(xml);
    xml = virNetworkGetBridgeName(net);
    assert_string_equal(xml, "virbr10");
    assert_int_equal(virNetworkDestroy(net), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not active");
    assert_int_equal(virNetworkUndefine(net), 0);
    assert_int_equal(virNetworkIsActive(net), -1);
    tdAssertError(VIR_ERR_NO_NETWORK, NULL);

    /* a transient network goes away when stopped */
    assert_non_null(stale = virNetworkLookupByName(conn, "tmp"));
    assert_int_equal(virNetworkDestroy(t), 0);
    assert_null(virNetworkGetXMLDesc(stale, 0));
    tdAssertError(VIR_ERR_NO_NETWORK, "tmp");
    assert_names(netNames(conn, 0), "default");
    virNetworkFree(stale);
    virNetworkFree(t);
    virNetworkFree(net);
}

static void
test_network_events(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog all = { g_string_new(NULL), 0 }, one = { g_string_new(NULL), 0 };
    virNetworkPtr def = virNetworkLookupByName(conn, "default");
    virNetworkPtr net;
    int idAll, idOne;

    idAll = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                              VIR_NETWORK_EVENT_CALLBACK(netEvent), &all, NULL);
    idOne = virConnectNetworkEventRegisterAny(conn, def, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                              VIR_NETWORK_EVENT_CALLBACK(netEvent), &one, NULL);
    assert_true(idAll >= 0 && idOne >= 0 && idAll != idOne);
    assert_int_equal(virConnectNetworkEventRegisterAny(conn, NULL, 7,
                         VIR_NETWORK_EVENT_CALLBACK(netEvent), &all, NULL), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "event ID 7");
    assert_int_equal(virConnectNetworkEventRegisterAny(conn, NULL,
                         VIR_NETWORK_EVENT_ID_LIFECYCLE,
                         VIR_NETWORK_EVENT_CALLBACK(netEvent), &all, NULL), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "already tracked");

    assert_non_null(net = virNetworkDefineXML(conn, "<network><name>ev</name></network>"));
    assert_int_equal(virNetworkCreate(net), 0);
    /* not delivered before the loop runs */
    assert_int_equal(all.count, 0);
    assert_int_equal(virNetworkDestroy(net), 0);
    assert_int_equal(virNetworkUndefine(net), 0);
    assert_int_equal(virNetworkDestroy(def), 0);
    assert_int_equal(virNetworkCreate(def), 0);
    tdPumpEvents();
    assert_string_equal(all.log->str, "ev 0;ev 2;ev 3;ev 1;default 3;default 2;");
    assert_string_equal(one.log->str, "default 3;default 2;");

    /* a network callback id is not a domain one */
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, idAll), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, idAll), 0);
    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, idAll), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "could not find event callback");
    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, idOne), 0);
    assert_int_equal(virNetworkDestroy(def), 0);
    tdPumpEvents();
    assert_int_equal(all.count, 6);
    virNetworkFree(net);
    virNetworkFree(def);
    g_string_free(all.log, TRUE);
    g_string_free(one.log, TRUE);
}

/* ---- storage pools ---- */

static void
test_pool_default(void **state)
{
    virConnectPtr conn = *state;
    virStoragePoolPtr pool;
    virStoragePoolInfo info;
    g_autofree char *xml = NULL;
    char *names[2];
    int autostart = -1;

    assert_int_equal(virConnectNumOfStoragePools(conn), 1);
    assert_int_equal(virConnectNumOfDefinedStoragePools(conn), 0);
    assert_int_equal(virConnectListStoragePools(conn, names, 2), 1);
    assert_string_equal(names[0], "default-pool");
    free(names[0]);
    assert_int_equal(virConnectListDefinedStoragePools(conn, names, 2), 0);

    assert_non_null(pool = virStoragePoolLookupByName(conn, "default-pool"));
    assert_int_equal(virStoragePoolGetInfo(pool, &info), 0);
    assert_int_equal(info.state, VIR_STORAGE_POOL_RUNNING);
    assert_true(info.capacity == 100 * GiB);
    assert_true(info.allocation == 0);
    assert_true(info.available == 100 * GiB);
    assert_int_equal(virStoragePoolIsActive(pool), 1);
    assert_int_equal(virStoragePoolIsPersistent(pool), 1);
    assert_int_equal(virStoragePoolGetAutostart(pool, &autostart), 0);
    assert_int_equal(autostart, 0);
    assert_int_equal(virStoragePoolNumOfVolumes(pool), 0);
    assert_non_null(xml = virStoragePoolGetXMLDesc(pool, 0));
    assert_string_equal(xml,
        "<pool type='dir'>\n"
        "  <name>default-pool</name>\n"
        "  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
        "  <capacity unit='bytes'>107374182400</capacity>\n"
        "  <allocation unit='bytes'>0</allocation>\n"
        "  <available unit='bytes'>107374182400</available>\n"
        "  <source>\n"
        "  </source>\n"
        "  <target>\n"
        "    <path>/default-pool</path>\n"
        "  </target>\n"
        "</pool>\n");
    virStoragePoolFree(pool);
    assert_non_null(pool = virStoragePoolLookupByUUIDString(conn,
                                                            "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566"));
    virStoragePoolFree(pool);
    /* as libvirt's test driver: no lookup by target path */
    assert_null(virStoragePoolLookupByTargetPath(conn, "/default-pool"));
    tdAssertError(VIR_ERR_NO_SUPPORT, "virStoragePoolLookupByTargetPath");
}

static void
test_pool_errors(void **state)
{
    virConnectPtr conn = *state;
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, "default-pool");

    assert_null(virStoragePoolLookupByName(conn, "x"));
    tdAssertError(VIR_ERR_NO_STORAGE_POOL,
                  "Storage pool not found: no storage pool with matching name 'x'");
    assert_null(virStoragePoolLookupByUUIDString(conn, TD_TEST_UUID));
    tdAssertError(VIR_ERR_NO_STORAGE_POOL, TD_TEST_UUID);
    assert_int_equal(virStoragePoolCreate(pool, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "storage pool 'default-pool' is active");
    assert_int_equal(virStoragePoolBuild(pool, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "is active");
    assert_int_equal(virStoragePoolDelete(pool, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "is active");
    assert_int_equal(virStoragePoolUndefine(pool), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "is active");
    assert_int_equal(virStoragePoolBuild(pool, VIR_STORAGE_POOL_BUILD_OVERWRITE |
                                               VIR_STORAGE_POOL_BUILD_NO_OVERWRITE), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);

    assert_null(virStoragePoolDefineXML(conn,
        "<pool type='dir'><name>default-pool</name><target><path>/x</path></target></pool>", 0));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "already exists with uuid");
    assert_null(virStoragePoolDefineXML(conn,
        "<pool type='foo'><name>p</name><target><path>/x</path></target></pool>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "'foo'");
    assert_null(virStoragePoolDefineXML(conn, "<pool type='dir'><name>p</name></pool>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "missing storage pool target path");
    assert_null(virStoragePoolDefineXML(conn,
        "<pool><name>p</name><target><path>/x</path></target></pool>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "'type'");
    assert_null(virStoragePoolDefineXML(conn,
        "<pool type='dir'><target><path>/x</path></target></pool>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "name");
    assert_null(virStoragePoolCreateXML(conn,
        "<pool type='dir'><name>default-pool</name>"
        "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>"
        "<target><path>/x</path></target></pool>", 0));
    tdAssertError(VIR_ERR_OPERATION_INVALID, "already active");
    assert_int_equal(virConnectListAllStoragePools(conn, NULL, 1u << 25), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    assert_int_equal(virConnectNumOfStoragePools(conn), 1);
    virStoragePoolFree(pool);
}

static void
test_pool_lifecycle(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog log = { g_string_new(NULL), 0 };
    virStoragePoolPtr pool, t;
    virStoragePoolInfo info;
    int id, idRefresh;

    id = virConnectStoragePoolEventRegisterAny(conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                               VIR_STORAGE_POOL_EVENT_CALLBACK(poolEvent),
                                               &log, NULL);
    idRefresh = virConnectStoragePoolEventRegisterAny(conn, NULL,
                                                      VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                                      VIR_STORAGE_POOL_EVENT_CALLBACK(poolRefresh),
                                                      &log, NULL);
    assert_true(id >= 0 && idRefresh >= 0);

    assert_non_null(pool = virStoragePoolDefineXML(conn,
        "<pool type='fs'><name>fsp</name><source><device path='/dev/vdb1'/></source>"
        "<target><path>/mnt/fsp</path></target></pool>", 0));
    assert_int_equal(virStoragePoolIsActive(pool), 0);
    assert_int_equal(virStoragePoolGetInfo(pool, &info), 0);
    assert_int_equal(info.state, VIR_STORAGE_POOL_INACTIVE);
    assert_int_equal(virStoragePoolNumOfVolumes(pool), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "storage pool 'fsp' is not active");
    assert_int_equal(virStoragePoolRefresh(pool, 0), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not active");
    assert_int_equal(virStoragePoolDestroy(pool), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not active");
    assert_int_equal(virStoragePoolSetAutostart(pool, 1), 0);

    assert_names(poolNames(conn, 0), "default-pool,fsp");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE), "default-pool");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE), "fsp");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART), "fsp");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART), "default-pool");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_DIR), "default-pool");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_FS), "fsp");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_FS |
                                 VIR_CONNECT_LIST_STORAGE_POOLS_DIR), "default-pool,fsp");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL), "");
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT), "");

    assert_int_equal(virStoragePoolBuild(pool, 0), 0);
    assert_int_equal(virStoragePoolCreate(pool, 0), 0);
    assert_int_equal(virStoragePoolIsActive(pool), 1);
    assert_int_equal(virStoragePoolRefresh(pool, 0), 0);
    assert_int_equal(virStoragePoolDestroy(pool), 0);
    assert_int_equal(virStoragePoolDelete(pool, 0), 0);
    assert_int_equal(virStoragePoolUndefine(pool), 0);
    assert_int_equal(virStoragePoolIsActive(pool), -1);
    tdAssertError(VIR_ERR_NO_STORAGE_POOL, NULL);

    assert_non_null(t = virStoragePoolCreateXML(conn,
        "<pool type='dir'><name>tp</name><target><path>/tp</path></target></pool>", 0));
    assert_int_equal(virStoragePoolIsPersistent(t), 0);
    assert_names(poolNames(conn, VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT), "tp");
    assert_int_equal(virStoragePoolSetAutostart(t, 1), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "transient");
    assert_int_equal(virStoragePoolDestroy(t), 0);
    assert_names(poolNames(conn, 0), "default-pool");

    tdPumpEvents();
    assert_string_equal(log.log->str,
                        "fsp 0;fsp 4;fsp 2;fsp refresh;fsp 3;fsp 5;fsp 1;tp 2;tp 3;");
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, id), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, idRefresh), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, id), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    virStoragePoolFree(t);
    virStoragePoolFree(pool);
    g_string_free(log.log, TRUE);
}

/* ---- storage volumes ---- */

static void
test_volumes(void **state)
{
    virConnectPtr conn = *state;
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, "default-pool");
    virStoragePoolPtr p2;
    virStorageVolPtr vol, v2, clone, *vols = NULL;
    virStorageVolInfo vinfo;
    virStoragePoolInfo info;
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    char *names[4];

    assert_non_null(vol = virStorageVolCreateXML(pool,
        "<volume><name>disk1.img</name><capacity unit='KiB'>1024</capacity></volume>", 0));
    assert_string_equal(virStorageVolGetName(vol), "disk1.img");
    assert_string_equal(virStorageVolGetKey(vol), "/default-pool/disk1.img");
    assert_non_null(path = virStorageVolGetPath(vol));
    assert_string_equal(path, "/default-pool/disk1.img");
    assert_int_equal(virStorageVolGetInfo(vol, &vinfo), 0);
    assert_int_equal(vinfo.type, VIR_STORAGE_VOL_FILE);
    assert_true(vinfo.capacity == 1048576 && vinfo.allocation == 1048576);
    assert_non_null(xml = virStorageVolGetXMLDesc(vol, 0));
    assert_string_equal(xml,
        "<volume type='file'>\n"
        "  <name>disk1.img</name>\n"
        "  <key>/default-pool/disk1.img</key>\n"
        "  <capacity unit='bytes'>1048576</capacity>\n"
        "  <allocation unit='bytes'>1048576</allocation>\n"
        "  <target>\n"
        "    <path>/default-pool/disk1.img</path>\n"
        "    <format type='raw'/>\n"
        "  </target>\n"
        "</volume>\n");
    assert_int_equal(virStoragePoolGetInfo(pool, &info), 0);
    assert_true(info.allocation == 1048576 && info.available == 100 * GiB - 1048576);

    assert_null(virStorageVolCreateXML(pool,
        "<volume><name>disk1.img</name><capacity>1</capacity></volume>", 0));
    tdAssertError(VIR_ERR_OPERATION_FAILED, "storage vol already exists");
    assert_null(virStorageVolCreateXML(pool,
        "<volume><name>huge</name><capacity unit='TiB'>1</capacity></volume>", 0));
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "Not enough free space in pool for volume 'huge'");
    assert_null(virStorageVolCreateXML(pool,
        "<volume><name>x</name><capacity unit='parsecs'>1</capacity></volume>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, NULL);
    assert_null(virStorageVolCreateXML(pool, "<volume><name>x</name></volume>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "capacity");

    /* sparse: allocation below capacity is what the pool is charged */
    assert_non_null(v2 = virStorageVolCreateXML(pool,
        "<volume><name>sparse.qcow2</name><capacity unit='G'>10</capacity>"
        "<allocation>0</allocation><target><format type='qcow2'/></target></volume>", 0));
    assert_int_equal(virStoragePoolGetInfo(pool, &info), 0);
    assert_true(info.allocation == 1048576);

    assert_non_null(clone = virStorageVolCreateXMLFrom(pool,
        "<volume><name>copy.img</name><capacity>0</capacity></volume>", vol, 0));
    assert_int_equal(virStorageVolGetInfo(clone, &vinfo), 0);
    assert_true(vinfo.capacity == 1048576);

    assert_int_equal(virStoragePoolNumOfVolumes(pool), 3);
    assert_int_equal(virStoragePoolListVolumes(pool, names, 4), 3);
    assert_string_equal(names[0], "disk1.img");
    assert_string_equal(names[2], "copy.img");
    for (int i = 0; i < 3; i++)
        free(names[i]);
    assert_int_equal(virStoragePoolListAllVolumes(pool, &vols, 0), 3);
    assert_string_equal(virStorageVolGetName(vols[1]), "sparse.qcow2");
    for (int i = 0; i < 3; i++)
        virStorageVolFree(vols[i]);
    free(vols);

    virStorageVolFree(virStorageVolLookupByName(pool, "sparse.qcow2"));
    assert_null(virStorageVolLookupByName(pool, "x"));
    tdAssertError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching name 'x'");
    virStorageVolFree(virStorageVolLookupByKey(conn, "/default-pool/copy.img"));
    assert_null(virStorageVolLookupByKey(conn, "x"));
    tdAssertError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching key 'x'");
    virStorageVolFree(virStorageVolLookupByPath(conn, "/default-pool/copy.img"));
    assert_null(virStorageVolLookupByPath(conn, "/x"));
    tdAssertError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching path '/x'");
    assert_non_null(p2 = virStoragePoolLookupByVolume(v2));
    assert_string_equal(virStoragePoolGetName(p2), "default-pool");
    virStoragePoolFree(p2);

    /* as libvirt's test driver: no resize, wipe or info with flags (the
     * storage driver's dir pools have them: tests/storage) */
    assert_int_equal(virStorageVolResize(vol, 1048576, VIR_STORAGE_VOL_RESIZE_DELTA), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virStorageVolResize");
    assert_int_equal(virStorageVolWipe(vol, 0), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virStorageVolWipe");
    assert_int_equal(virStorageVolGetInfoFlags(vol, &vinfo, 0), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virStorageVolGetInfoFlags");

    /* delete gives the space back; stale handles fail */
    assert_int_equal(virStorageVolDelete(vol, 0), 0);
    assert_int_equal(virStorageVolDelete(clone, 0), 0);
    assert_int_equal(virStorageVolGetInfo(vol, &vinfo), -1);
    tdAssertError(VIR_ERR_NO_STORAGE_VOL, "disk1.img");
    assert_int_equal(virStoragePoolGetInfo(pool, &info), 0);
    assert_true(info.allocation == 0 && info.available == 100 * GiB);

    /* an inactive pool's volumes are out of reach */
    assert_int_equal(virStoragePoolDestroy(pool), 0);
    assert_int_equal(virStorageVolGetInfo(v2, &vinfo), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "storage pool 'default-pool' is not active");
    assert_null(virStorageVolLookupByName(pool, "sparse.qcow2"));
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not active");
    assert_null(virStorageVolCreateXML(pool,
        "<volume><name>y</name><capacity>1</capacity></volume>", 0));
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not active");
    assert_int_equal(virStoragePoolCreate(pool, 0), 0);
    assert_int_equal(virStorageVolGetInfo(v2, &vinfo), 0);

    virStorageVolFree(clone);
    virStorageVolFree(v2);
    virStorageVolFree(vol);
    virStoragePoolFree(pool);
}

/* ---- shared ids, read-only ---- */

static void
test_shared_callback_ids(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog log = { g_string_new(NULL), 0 };
    int d, n, p, nd;

    d = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(tdRecordLifecycle),
                                         &log, NULL);
    n = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                          VIR_NETWORK_EVENT_CALLBACK(netEvent), &log, NULL);
    p = virConnectStoragePoolEventRegisterAny(conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                              VIR_STORAGE_POOL_EVENT_CALLBACK(poolEvent),
                                              &log, NULL);
    nd = virConnectNodeDeviceEventRegisterAny(conn, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                              VIR_NODE_DEVICE_EVENT_CALLBACK(devEvent),
                                              &log, NULL);
    assert_true(d >= 0);
    assert_int_equal(n, d + 1);
    assert_int_equal(p, d + 2);
    assert_int_equal(nd, d + 3);
    /* each family only deregisters its own ids */
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, n), -1);
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, p), -1);
    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, nd), -1);
    assert_int_equal(virConnectDomainEventDeregisterAny(conn, d), 0);
    assert_int_equal(virConnectNetworkEventDeregisterAny(conn, n), 0);
    assert_int_equal(virConnectStoragePoolEventDeregisterAny(conn, p), 0);
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, nd), 0);
    g_string_free(log.log, TRUE);
}

static void
test_read_only(void **state)
{
    virConnectPtr ro = virConnectOpenReadOnly(TD_URI);
    virNetworkPtr net;
    virStoragePoolPtr pool;

    assert_non_null(ro);
    assert_non_null(net = virNetworkLookupByName(ro, "default"));
    assert_int_equal(virNetworkDestroy(net), -1);
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_non_null(pool = virStoragePoolLookupByName(ro, "default-pool"));
    assert_null(virStorageVolCreateXML(pool,
        "<volume><name>v</name><capacity>1</capacity></volume>", 0));
    tdAssertError(VIR_ERR_OPERATION_DENIED, NULL);
    assert_int_equal(virConnectNumOfNetworks(ro), 1);
    virStoragePoolFree(pool);
    virNetworkFree(net);
    virConnectClose(ro);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_network_default, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_network_errors, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_network_lifecycle, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_network_events, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_pool_default, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_pool_errors, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_pool_lifecycle, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_volumes, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_shared_callback_ids, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_read_only, tdSetupConn, tdTeardownConn),
    };

    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    return cmocka_run_group_tests_name("test-driver-objects", tests, NULL, NULL);
}

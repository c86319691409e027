/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Node devices of the test hypervisor, through the public API: libvirt's
 * default device tree, listing by capability (including fc_host / vports
 * inside a scsi_host), lookups, and vHBAs created and destroyed with their
 * lifecycle and update events.
 */
#include "td-objects.h"

/* ---- node devices ---- */

static void
test_nodedev_list(void **state)
{
    virConnectPtr conn = *state;
    virNodeDevicePtr dev;
    g_autofree char *xml = NULL;
    char *names[8];
    int n;

    assert_int_equal(virNodeNumOfDevices(conn, NULL, 0), 4);
    assert_int_equal(virNodeNumOfDevices(conn, "system", 0), 1);
    assert_int_equal(virNodeNumOfDevices(conn, "scsi_host", 0), 3);
    assert_int_equal(virNodeNumOfDevices(conn, "fc_host", 0), 3);
    assert_int_equal(virNodeNumOfDevices(conn, "vports", 0), 2);
    assert_int_equal(virNodeNumOfDevices(conn, "pci", 0), 0);
    assert_int_equal(virNodeNumOfDevices(conn, "warp_drive", 0), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, "warp_drive");
    n = virNodeListDevices(conn, "vports", names, 8, 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "scsi_host1");
    assert_string_equal(names[1], "scsi_host2");
    free(names[0]);
    free(names[1]);
    assert_int_equal(virNodeListDevices(conn, NULL, names, 1, 0), 1);
    free(names[0]);

    assert_names(devNames(conn, 0), "computer,scsi_host1,scsi_host2,scsi_host11");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM), "computer");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPORTS),
                 "scsi_host1,scsi_host2");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST |
                                VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM),
                 "computer,scsi_host1,scsi_host2,scsi_host11");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE), 
                 "computer,scsi_host1,scsi_host2,scsi_host11");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE), "");
    assert_names(devNames(conn, VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV), "");
    assert_int_equal(virConnectListAllNodeDevices(conn, NULL, 1u << 28), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);

    assert_non_null(dev = virNodeDeviceLookupByName(conn, "computer"));
    assert_null(virNodeDeviceGetParent(dev));
    assert_int_equal(virNodeDeviceNumOfCaps(dev), 1);
    assert_int_equal(virNodeDeviceListCaps(dev, names, 8), 1);
    assert_string_equal(names[0], "system");
    free(names[0]);
    assert_non_null(xml = virNodeDeviceGetXMLDesc(dev, 0));
    assert_string_equal(xml,
        "<device>\n"
        "  <name>computer</name>\n"
        "  <capability type='system'>\n"
        "    <hardware>\n"
        "      <vendor>Libvirt</vendor>\n"
        "      <version>Test driver</version>\n"
        "      <serial>123456</serial>\n"
        "      <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
        "    </hardware>\n"
        "    <firmware>\n"
        "      <vendor>Libvirt</vendor>\n"
        "      <version>Test Driver</version>\n"
        "      <release_date>01/22/2007</release_date>\n"
        "    </firmware>\n"
        "  </capability>\n"
        "</device>\n");
    virNodeDeviceFree(dev);

    assert_non_null(dev = virNodeDeviceLookupByName(conn, "scsi_host11"));
    assert_string_equal(virNodeDeviceGetParent(dev), "scsi_host1");
    assert_int_equal(virNodeDeviceListCaps(dev, names, 8), 1);
    assert_string_equal(names[0], "scsi_host");
    free(names[0]);
    virNodeDeviceFree(dev);

    /* as libvirt's test driver: no lookup by WWN, no active/persistent */
    assert_null(virNodeDeviceLookupSCSIHostByWWN(conn, "2000000056785678",
                                                 "1000000056785678", 0));
    tdAssertError(VIR_ERR_NO_SUPPORT, "virNodeDeviceLookupSCSIHostByWWN");
    assert_non_null(dev = virNodeDeviceLookupByName(conn, "scsi_host2"));
    assert_int_equal(virNodeDeviceIsActive(dev), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virNodeDeviceIsActive");
    assert_int_equal(virNodeDeviceIsPersistent(dev), -1);
    tdAssertError(VIR_ERR_NO_SUPPORT, "virNodeDeviceIsPersistent");
    virNodeDeviceFree(dev);
    assert_null(virNodeDeviceLookupByName(conn, "x"));
    tdAssertError(VIR_ERR_NO_NODE_DEVICE, "no node device with matching name 'x'");
}

#define VHBA_XML(parent) \
    "<device><parent>" parent "</parent><capability type='scsi_host'>" \
    "<capability type='fc_host'><wwnn>2000000012341299</wwnn>" \
    "<wwpn>1000000012341299</wwpn></capability></capability></device>"

static void
test_nodedev_vhba(void **state)
{
    virConnectPtr conn = *state;
    tdEventLog log = { g_string_new(NULL), 0 };
    virNodeDevicePtr dev, computer, parent;
    g_autofree char *pxml = NULL;
    int id, idUp, idOne;

    computer = virNodeDeviceLookupByName(conn, "computer");
    parent = virNodeDeviceLookupByName(conn, "scsi_host1");
    id = virConnectNodeDeviceEventRegisterAny(conn, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                              VIR_NODE_DEVICE_EVENT_CALLBACK(devEvent),
                                              &log, NULL);
    idUp = virConnectNodeDeviceEventRegisterAny(conn, parent, VIR_NODE_DEVICE_EVENT_ID_UPDATE,
                                                VIR_NODE_DEVICE_EVENT_CALLBACK(devUpdate),
                                                &log, NULL);
    /* filtered on a device that never changes: must see nothing */
    idOne = virConnectNodeDeviceEventRegisterAny(conn, computer,
                                                 VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                                 VIR_NODE_DEVICE_EVENT_CALLBACK(devEvent),
                                                 &log, NULL);
    assert_true(id >= 0 && idUp >= 0 && idOne >= 0);
    assert_int_equal(virConnectNodeDeviceEventRegisterAny(conn, NULL, 2,
                         VIR_NODE_DEVICE_EVENT_CALLBACK(devEvent), &log, NULL), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);

    assert_null(virNodeDeviceCreateXML(conn, VHBA_XML("computer"), 0));
    tdAssertError(VIR_ERR_INTERNAL_ERROR, "not capable of vport operations");
    assert_null(virNodeDeviceCreateXML(conn, VHBA_XML("nope"), 0));
    tdAssertError(VIR_ERR_NO_NODE_DEVICE, "nope");
    assert_null(virNodeDeviceCreateXML(conn,
        "<device><parent>scsi_host1</parent><capability type='system'/></device>", 0));
    tdAssertError(VIR_ERR_CONFIG_UNSUPPORTED, "vHBA");
    assert_null(virNodeDeviceCreateXML(conn, "<device><parent>scsi_host1</parent></device>", 0));
    tdAssertError(VIR_ERR_XML_ERROR, "no device capabilities");

    assert_non_null(dev = virNodeDeviceCreateXML(conn, VHBA_XML("scsi_host1"), 0));
    assert_string_equal(virNodeDeviceGetName(dev), "scsi_host12");
    assert_string_equal(virNodeDeviceGetParent(dev), "scsi_host1");
    assert_int_equal(virNodeNumOfDevices(conn, NULL, 0), 5);
    assert_non_null(pxml = virNodeDeviceGetXMLDesc(parent, 0));
    assert_non_null(strstr(pxml, "<vports>1</vports>"));

    assert_int_equal(virNodeDeviceDestroy(computer), -1);
    tdAssertError(VIR_ERR_OPERATION_INVALID, "not a vHBA");
    assert_int_equal(virNodeDeviceDestroy(dev), 0);
    assert_null(virNodeDeviceGetXMLDesc(dev, 0));
    tdAssertError(VIR_ERR_NO_NODE_DEVICE, "scsi_host12");
    assert_int_equal(virNodeNumOfDevices(conn, NULL, 0), 4);

    tdPumpEvents();
    assert_string_equal(log.log->str,
                        "scsi_host12<scsi_host1 0;scsi_host1 update;"
                        "scsi_host12<scsi_host1 1;scsi_host1 update;");
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, id), 0);
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, idUp), 0);
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, idOne), 0);
    assert_int_equal(virConnectNodeDeviceEventDeregisterAny(conn, idOne), -1);
    tdAssertError(VIR_ERR_INVALID_ARG, NULL);
    virNodeDeviceFree(dev);
    virNodeDeviceFree(parent);
    virNodeDeviceFree(computer);
    g_string_free(log.log, TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nodedev_list, tdSetupConn, tdTeardownConn),
        cmocka_unit_test_setup_teardown(test_nodedev_vhba, tdSetupConn, tdTeardownConn),
    };

    if (virEventRegisterDefaultImpl() < 0)
        return 1;
    return cmocka_run_group_tests_name("test-driver-nodedev", tests, NULL, NULL);
}

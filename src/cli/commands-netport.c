/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-netport.c: virsh's net-port-* commands (the ports of a virtual
 * network: list, create from XML, dump, delete), with virsh's messages;
 * a port is named by its UUID within its network. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static void vkshNetworkUnref(virNetwork *net) { if (net) virNetworkFree(net); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, vkshNetworkUnref)
static void vkshPortUnref(virNetworkPort *p) { if (p) virNetworkPortFree(p); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetworkPort, vkshPortUnref)

static const vkshOptDef optsPortList[] = {
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network name or uuid" },
    { "uuid", VKSH_OT_BOOL, 0, "list uuid's only" },
    { "table", VKSH_OT_BOOL, 0, "list table (default)" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsPortCreate[] = {
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network name or uuid" },
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML network port description" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsPortOne[] = {
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network name or uuid" },
    { "port", VKSH_OT_DATA, VKSH_OFLAG_REQ, "port UUID" },
    { NULL, 0, 0, NULL },
};

static int
byUUID(const void *a, const void *b)
{
    char ua[VIR_UUID_STRING_BUFLEN], ub[VIR_UUID_STRING_BUFLEN];

    virNetworkPortGetUUIDString(*(virNetworkPortPtr const *)a, ua);
    virNetworkPortGetUUIDString(*(virNetworkPortPtr const *)b, ub);
    return strcmp(ua, ub);
}

static bool
cmdNetPortList(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = vkshCommandNetwork(ctl, cmd, "network");
    bool uuidOnly = vkshOptBool(cmd, "uuid") && !vkshOptBool(cmd, "table");
    g_autoptr(vkshTable) table = NULL;
    virNetworkPortPtr *ports = NULL;
    int n;

    if (!net)
        return false;
    /* virsh shows the library's error alone here */
    if ((n = virNetworkListAllPorts(net, &ports, 0)) < 0)
        return false;
    qsort(ports, n, sizeof(*ports), byUUID);
    if (!uuidOnly)
        table = vkshTableNew("UUID", NULL);
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];

        virNetworkPortGetUUIDString(ports[i], uuid);
        if (table)
            vkshTableAddRow(table, uuid, NULL);
        else
            vkshPrint(ctl, "%s\n", uuid);
        virNetworkPortFree(ports[i]);
    }
    g_free(ports);
    if (table)
        vkshTablePrint(ctl, table);
    return true;
}

static bool
cmdNetPortCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(virNetwork) net = vkshCommandNetwork(ctl, cmd, "network");
    g_autofree char *xml = NULL;
    g_autoptr(virNetworkPort) port = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!net || !(xml = vkshReadFile(ctl, file)))
        return false;
    port = virNetworkPortCreateXML(net, xml, vkshOptBool(cmd, "validate") ?
                                   VIR_NETWORK_PORT_CREATE_VALIDATE : 0);
    if (!port) {
        vkshError(ctl, "Failed to create network from %s", file);
        return false;
    }
    virNetworkPortGetUUIDString(port, uuid);
    vkshPrintExtra(ctl, "Network port %s created from %s\n", uuid, file);
    return true;
}

/* virsh 9.0 says only this when the port is not found, and its command
 * still succeeds (exit status 0); scripts see the same here. */
static virNetworkPortPtr
commandPort(vkshCtl *ctl, const vkshCmd *cmd, virNetworkPtr net)
{
    const char *uuid = vkshOptString(cmd, "port");
    virNetworkPortPtr port = virNetworkPortLookupByUUIDString(net, uuid);

    if (!port) {
        vkshError(ctl, "failed to get network port '%s'", uuid);
        vkshResetLibError(ctl);
    }
    return port;
}

static bool
cmdNetPortDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = vkshCommandNetwork(ctl, cmd, "network");
    g_autoptr(virNetworkPort) port = NULL;
    g_autofree char *xml = NULL;

    if (!net)
        return false;
    if (!(port = commandPort(ctl, cmd, net)))
        return true;
    if (!(xml = virNetworkPortGetXMLDesc(port, 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static bool
cmdNetPortDelete(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = vkshCommandNetwork(ctl, cmd, "network");
    g_autoptr(virNetworkPort) port = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!net)
        return false;
    if (!(port = commandPort(ctl, cmd, net)))
        return true;
    virNetworkPortGetUUIDString(port, uuid);
    if (virNetworkPortDelete(port, 0) < 0) {
        vkshError(ctl, "Failed to delete network port %s", uuid);
        return false;
    }
    vkshPrintExtra(ctl, "Network port %s deleted\n", uuid);
    return true;
}

VKSH_CMD(vkshCmdNetPortList, "net-port-list", cmdNetPortList, optsPortList,
         "list network ports", "Returns list of network ports.");
VKSH_CMD(vkshCmdNetPortCreate, "net-port-create", cmdNetPortCreate, optsPortCreate,
         "create a network port from an XML file", "Create a network port.");
VKSH_CMD(vkshCmdNetPortDumpxml, "net-port-dumpxml", cmdNetPortDumpxml, optsPortOne,
         "network port information in XML",
         "Output the network port information as an XML dump to stdout.");
VKSH_CMD(vkshCmdNetPortDelete, "net-port-delete", cmdNetPortDelete, optsPortOne,
         "delete the specified network port", "Delete the specified network port.");

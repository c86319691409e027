/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-network.c: virsh's net-* commands (virtual networks): listing,
 * information, XML, define/undefine, start/stop, autostart and DHCP leases.
 * Messages and table layouts are virsh's, byte for byte, since scripts
 * parse them; a network argument is a UUID or a name, tried in that order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

static void vkshNetworkUnref(virNetwork *net) { if (net) virNetworkFree(net); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, vkshNetworkUnref)

#define VKSH_OPT_NETWORK \
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network name or uuid" }

static const vkshOptDef optsNetworkOnly[] = {
    VKSH_OPT_NETWORK,
    { NULL, 0, 0, NULL },
};

static bool
looksLikeUUID(const char *s)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    int hex = 0;

    for (const char *p = s; *p; p++) {
        if (g_ascii_isxdigit(*p))
            hex++;
        else if (*p != '-')
            return false;
    }
    return hex == 2 * (int)sizeof(uuid);
}

/* The network named by the command's option opt: by UUID, then by name
 * (only by UUID with uuidOnly, as net-name). */
static virNetworkPtr
commandNetwork(vkshCtl *ctl, const vkshCmd *cmd, const char *opt, bool uuidOnly,
               const char **name)
{
    const char *n = vkshOptString(cmd, opt);
    virNetworkPtr net = NULL;

    if (name)
        *name = n;
    if (!n)
        return NULL;
    if (looksLikeUUID(n))
        net = virNetworkLookupByUUIDString(ctl->conn, n);
    if (!net && !uuidOnly)
        net = virNetworkLookupByName(ctl->conn, n);
    if (!net)
        vkshError(ctl, "failed to get network '%s'", n);
    else
        vkshResetLibError(ctl);
    return net;
}

virNetworkPtr
vkshCommandNetwork(vkshCtl *ctl, const vkshCmd *cmd, const char *opt)
{
    return commandNetwork(ctl, cmd, opt, false, NULL);
}

/* ---- net-list ---- */

static const vkshOptDef optsList[] = {
    { "inactive", VKSH_OT_BOOL, 0, "list inactive networks" },
    { "all", VKSH_OT_BOOL, 0, "list inactive & active networks" },
    { "persistent", VKSH_OT_BOOL, 0, "list persistent networks" },
    { "transient", VKSH_OT_BOOL, 0, "list transient networks" },
    { "autostart", VKSH_OT_BOOL, 0, "list networks with autostart enabled" },
    { "no-autostart", VKSH_OT_BOOL, 0, "list networks with autostart disabled" },
    { "uuid", VKSH_OT_BOOL, 0, "list uuid's only" },
    { "name", VKSH_OT_BOOL, 0, "list network names only" },
    { "table", VKSH_OT_BOOL, 0, "list table (default)" },
    { NULL, 0, 0, NULL },
};

static int
byName(const void *a, const void *b)
{
    return strcmp(virNetworkGetName(*(virNetworkPtr const *)a),
                  virNetworkGetName(*(virNetworkPtr const *)b));
}

static bool
cmdNetList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "persistent", VIR_CONNECT_LIST_NETWORKS_PERSISTENT },
        { "transient", VIR_CONNECT_LIST_NETWORKS_TRANSIENT },
        { "autostart", VIR_CONNECT_LIST_NETWORKS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART },
    };
    bool inactive = vkshOptBool(cmd, "inactive"), all = vkshOptBool(cmd, "all");
    bool uuid = vkshOptBool(cmd, "uuid"), name = vkshOptBool(cmd, "name");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    virNetworkPtr *nets = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if ((uuid + name + vkshOptBool(cmd, "table")) > 1) {
        vkshError(ctl, "Only one argument from --table, --name and --uuid may be specified.");
        return false;
    }
    if (!all)
        flags |= inactive ? VIR_CONNECT_LIST_NETWORKS_INACTIVE :
                            VIR_CONNECT_LIST_NETWORKS_ACTIVE;
    if ((n = virConnectListAllNetworks(ctl->conn, &nets, flags)) < 0) {
        vkshError(ctl, "Failed to list networks");
        return false;
    }
    qsort(nets, n, sizeof(*nets), byName);
    if (!uuid && !name)
        table = vkshTableNew("Name", "State", "Autostart", "Persistent", NULL);
    for (int i = 0; i < n; i++) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];
        int persistent = virNetworkIsPersistent(nets[i]);
        int autostart = 0;

        if (uuid) {
            if (virNetworkGetUUIDString(nets[i], uuidstr) == 0)
                vkshPrint(ctl, "%s\n", uuidstr);
        } else if (name) {
            vkshPrint(ctl, "%s\n", virNetworkGetName(nets[i]));
        } else {
            if (persistent > 0 && virNetworkGetAutostart(nets[i], &autostart) < 0)
                autostart = 0;
            vkshTableAddRow(table, virNetworkGetName(nets[i]),
                            virNetworkIsActive(nets[i]) > 0 ? "active" : "inactive",
                            persistent > 0 && autostart ? "yes" : "no",
                            persistent > 0 ? "yes" : "no", NULL);
        }
        virNetworkFree(nets[i]);
    }
    g_free(nets);
    if (table)
        vkshTablePrint(ctl, table);
    return true;
}

/* ---- net-info, net-uuid, net-name, net-dumpxml ---- */

static bool
cmdNetInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *bridge = NULL;
    int active, persistent, autostart;

    if (!net)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "Name:", virNetworkGetName(net));
    if (virNetworkGetUUIDString(net, uuid) == 0)
        vkshPrint(ctl, "%-15s %s\n", "UUID:", uuid);
    active = virNetworkIsActive(net);
    if (active >= 0)
        vkshPrint(ctl, "%-15s %s\n", "Active:", active ? "yes" : "no");
    persistent = virNetworkIsPersistent(net);
    if (persistent < 0)
        vkshPrint(ctl, "%-15s %s\n", "Persistent:", "unknown");
    else
        vkshPrint(ctl, "%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
    if (virNetworkGetAutostart(net, &autostart) < 0)
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", "no autostart");
    else
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    if ((bridge = virNetworkGetBridgeName(net)))
        vkshPrint(ctl, "%-15s %s\n", "Bridge:", bridge);
    vkshResetLibError(ctl);
    return true;
}

static bool
cmdNetUuid(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!net)
        return false;
    if (virNetworkGetUUIDString(net, uuid) < 0) {
        vkshError(ctl, "failed to get network UUID");
        return false;
    }
    vkshPrint(ctl, "%s\n", uuid);
    return true;
}

static const vkshOptDef optsNetName[] = {
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network uuid" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetName(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", true, NULL);

    if (!net)
        return false;
    vkshPrint(ctl, "%s\n", virNetworkGetName(net));
    return true;
}

static const vkshOptDef optsDumpxml[] = {
    VKSH_OPT_NETWORK,
    { "inactive", VKSH_OT_BOOL, 0, "show inactive defined XML" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, NULL);
    g_autofree char *xml = NULL;

    if (!net)
        return false;
    xml = virNetworkGetXMLDesc(net, vkshOptBool(cmd, "inactive") ?
                               VIR_NETWORK_XML_INACTIVE : 0);
    if (!xml)
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

/* ---- define, create, undefine, start, destroy, autostart ---- */

static const vkshOptDef optsFile[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML network description" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static bool
defineOrCreate(vkshCtl *ctl, const vkshCmd *cmd, bool create)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    bool validate = vkshOptBool(cmd, "validate");
    g_autoptr(virNetwork) net = NULL;

    if (!xml)
        return false;
    if (create)
        net = validate ? virNetworkCreateXMLFlags(ctl->conn, xml, VIR_NETWORK_CREATE_VALIDATE)
                       : virNetworkCreateXML(ctl->conn, xml);
    else
        net = validate ? virNetworkDefineXMLFlags(ctl->conn, xml, VIR_NETWORK_DEFINE_VALIDATE)
                       : virNetworkDefineXML(ctl->conn, xml);
    if (!net) {
        vkshError(ctl, "Failed to %s network from %s", create ? "create" : "define", file);
        return false;
    }
    vkshPrintExtra(ctl, "Network %s %s from %s\n", virNetworkGetName(net),
                   create ? "created" : "defined", file);
    return true;
}

static bool
cmdNetDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    return defineOrCreate(ctl, cmd, false);
}

static bool
cmdNetCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    return defineOrCreate(ctl, cmd, true);
}

/* The one-call commands: the call, then virsh's message or error. */
enum { NET_START, NET_DESTROY, NET_UNDEFINE };
static const vkshObjectCall oneCalls[] = {
    { "net-start", NET_START, "Network %s started\n", "Failed to start network %s" },
    { "net-destroy", NET_DESTROY, "Network %s destroyed\n", "Failed to destroy network %s" },
    { "net-undefine", NET_UNDEFINE, "Network %s has been undefined\n",
      "Failed to undefine network %s" },
};

static bool
cmdNetOneCall(vkshCtl *ctl, const vkshCmd *cmd)
{
    const vkshObjectCall *c = VKSH_OBJECT_CALL(oneCalls, cmd);
    const char *name;
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, &name);

    if (!net)
        return false;
    return vkshObjectCallEnd(ctl, c, name,
                             c->op == NET_START ? virNetworkCreate(net) :
                             c->op == NET_DESTROY ? virNetworkDestroy(net) :
                             virNetworkUndefine(net));
}

static const vkshOptDef optsAutostart[] = {
    VKSH_OPT_NETWORK,
    { "disable", VKSH_OT_BOOL, 0, "disable autostarting" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetAutostart(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, &name);
    bool on = !vkshOptBool(cmd, "disable");

    if (!net)
        return false;
    if (virNetworkSetAutostart(net, on) < 0) {
        vkshError(ctl, on ? "failed to mark network %s as autostarted" :
                            "failed to unmark network %s as autostarted", name);
        return false;
    }
    vkshPrintExtra(ctl, on ? "Network %s marked as autostarted\n" :
                             "Network %s unmarked as autostarted\n", name);
    return true;
}

/* ---- net-dhcp-leases ---- */

static const vkshOptDef optsLeases[] = {
    VKSH_OPT_NETWORK,
    { "mac", VKSH_OT_STRING, 0, "MAC address" },
    { NULL, 0, 0, NULL },
};

static int
leaseByMac(const void *a, const void *b)
{
    virNetworkDHCPLeasePtr la = *(virNetworkDHCPLeasePtr const *)a;
    virNetworkDHCPLeasePtr lb = *(virNetworkDHCPLeasePtr const *)b;

    return g_strcmp0(la->mac, lb->mac);
}

static bool
cmdNetDhcpLeases(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virNetwork) net = commandNetwork(ctl, cmd, "network", false, &name);
    virNetworkDHCPLeasePtr *leases = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if (!net)
        return false;
    if ((n = virNetworkGetDHCPLeases(net, vkshOptString(cmd, "mac"), &leases, 0)) < 0) {
        vkshError(ctl, "Failed to get leases info for %s", name);
        return false;
    }
    qsort(leases, n, sizeof(*leases), leaseByMac);
    table = vkshTableNew("Expiry Time", "MAC address", "Protocol", "IP address", "Hostname",
                         "Client ID or DUID", NULL);
    for (int i = 0; i < n; i++) {
        virNetworkDHCPLeasePtr l = leases[i];
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(l->expirytime);
        g_autofree char *when = t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("");
        g_autofree char *ip = g_strdup_printf("%s/%d", l->ipaddr, l->prefix);

        vkshTableAddRow(table, when, l->mac ? l->mac : "",
                        l->type == VIR_IP_ADDR_TYPE_IPV4 ? "ipv4" :
                        l->type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "",
                        ip, l->hostname ? l->hostname : "-",
                        l->clientid ? l->clientid : "-", NULL);
        virNetworkDHCPLeaseFree(l);
    }
    g_free(leases);
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- net-update ---- */

static const vkshOptDef optsUpdate[] = {
    VKSH_OPT_NETWORK,
    { "command", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "type of update (add-first, add-last (add), delete, or modify)" },
    { "section", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "which section of network configuration to update" },
    { "xml", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "name of file containing xml (or, if it starts with '<', the complete "
      "xml element itself) to add/modify, or to be matched for search" },
    { "parent-index", VKSH_OT_INT, 0, "which parent object to search through" },
    { "config", VKSH_OT_BOOL, 0, "affect next network startup" },
    { "live", VKSH_OT_BOOL, 0, "affect running network" },
    { "current", VKSH_OT_BOOL, 0, "affect current state of network" },
    { NULL, 0, 0, NULL },
};

/* virNetworkUpdateCommand and virNetworkUpdateSection, by value. */
static const char *const updateCommands[] = {
    "none", "modify", "delete", "add-last", "add-first",
};
static const char *const updateSections[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
    "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt", "dns-srv",
};

static int
enumIndex(const char *const *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i], name) == 0)
            return (int)i;
    }
    return -1;
}

static bool
cmdNetUpdate(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *command = vkshOptString(cmd, "command");
    const char *section = vkshOptString(cmd, "section");
    const char *xmlArg = vkshOptString(cmd, "xml");
    bool live = vkshOptBool(cmd, "live"), config = vkshOptBool(cmd, "config");
    g_autoptr(virNetwork) net = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags = VIR_NETWORK_UPDATE_AFFECT_CURRENT;
    int commandVal, sectionVal, parentIndex = -1;

    if (!vkshOptExclusive(ctl, cmd, "current", "live") ||
        !vkshOptExclusive(ctl, cmd, "current", "config"))
        return false;
    if (!(net = commandNetwork(ctl, cmd, "network", false, NULL)))
        return false;
    commandVal = strcmp(command, "add") == 0 ? VIR_NETWORK_UPDATE_COMMAND_ADD_LAST :
                 enumIndex(updateCommands, G_N_ELEMENTS(updateCommands), command);
    if (commandVal <= 0) {
        vkshError(ctl, "unrecognized command name '%s'", command);
        return false;
    }
    if ((sectionVal = enumIndex(updateSections, G_N_ELEMENTS(updateSections), section)) <= 0) {
        vkshError(ctl, "unrecognized section name '%s'", section);
        return false;
    }
    if (vkshOptInt(ctl, cmd, "parent-index", &parentIndex) < 0)
        return false;
    /* An argument that starts with '<' is the element itself, else a file. */
    if (xmlArg[0] == '<')
        xml = g_strdup(xmlArg);
    else if (!(xml = vkshReadFile(ctl, xmlArg)))
        return false;
    if (config)
        flags |= VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    if (live)
        flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;

    if (virNetworkUpdate(net, commandVal, sectionVal, parentIndex, xml, flags) < 0) {
        vkshError(ctl, "Failed to update network %s", virNetworkGetName(net));
        return false;
    }
    if (config && live)
        vkshPrintExtra(ctl, "Updated network %s persistent config and live state",
                       virNetworkGetName(net));
    else if (live || (!config && virNetworkIsActive(net) > 0))
        vkshPrintExtra(ctl, "Updated network %s live state", virNetworkGetName(net));
    else
        vkshPrintExtra(ctl, "Updated network %s persistent config", virNetworkGetName(net));
    vkshResetLibError(ctl);
    return true;
}

/* ---- the group ---- */

static VKSH_CMD(cmdDefNetList, "net-list", cmdNetList, optsList,
                "list networks", "Returns list of networks.");
static VKSH_CMD(cmdDefNetInfo, "net-info", cmdNetInfo, optsNetworkOnly,
                "network information", "Returns basic information about the network");
static VKSH_CMD(cmdDefNetUuid, "net-uuid", cmdNetUuid, optsNetworkOnly,
                "convert a network name to network UUID",
                "Convert a network name to network UUID.");
static VKSH_CMD(cmdDefNetName, "net-name", cmdNetName, optsNetName,
                "convert a network UUID to network name",
                "Convert a network UUID to network name.");
static VKSH_CMD(cmdDefNetDumpxml, "net-dumpxml", cmdNetDumpxml, optsDumpxml,
                "network information in XML",
                "Output the network information as an XML dump to stdout.");
static VKSH_CMD(cmdDefNetDefine, "net-define", cmdNetDefine, optsFile,
                "define an inactive persistent virtual network or modify "
                "an existing persistent one from an XML file",
                "Define or modify a persistent virtual network.");
static VKSH_CMD(cmdDefNetCreate, "net-create", cmdNetCreate, optsFile,
                "create a network from an XML file",
                "Create a network.");
static VKSH_CMD(cmdDefNetStart, "net-start", cmdNetOneCall, optsNetworkOnly,
                "start a (previously defined) inactive network",
                "Start a network.");
static VKSH_CMD(cmdDefNetDestroy, "net-destroy", cmdNetOneCall, optsNetworkOnly,
                "destroy (stop) a network", "Forcefully stop a given network.");
static VKSH_CMD(cmdDefNetUndefine, "net-undefine", cmdNetOneCall, optsNetworkOnly,
                "undefine a persistent network", "Undefine the configuration for a persistent network.");
static VKSH_CMD(cmdDefNetAutostart, "net-autostart", cmdNetAutostart, optsAutostart,
                "autostart a network", "Configure a network to be automatically started at boot.");
static VKSH_CMD(cmdDefNetUpdate, "net-update", cmdNetUpdate, optsUpdate,
                "update parts of an existing network's configuration", "");
static VKSH_CMD(cmdDefNetDhcpLeases, "net-dhcp-leases", cmdNetDhcpLeases, optsLeases,
                "print lease info for a given network",
                "Print lease info for a given network");

const vkshCmdDef *const vkshNetworkCmds[] = {
    &cmdDefNetAutostart, &cmdDefNetCreate, &cmdDefNetDefine, &cmdDefNetDestroy,
    &cmdDefNetDhcpLeases, &cmdDefNetDumpxml, &vkshCmdNetEdit, &vkshCmdNetEvent,
    &cmdDefNetInfo, &cmdDefNetList, &cmdDefNetName, &cmdDefNetStart, &cmdDefNetUndefine,
    &cmdDefNetUpdate, &cmdDefNetUuid,
    /* virsh lists the port commands last, in this order */
    &vkshCmdNetPortList, &vkshCmdNetPortCreate, &vkshCmdNetPortDumpxml,
    &vkshCmdNetPortDelete,
    NULL,
};

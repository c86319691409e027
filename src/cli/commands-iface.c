/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-iface.c: virsh's iface-* commands (the host's interfaces):
 * listing, XML, name <-> MAC, and the commands that change the host's
 * configuration (define, undefine, start, destroy, transactions), which
 * pass the driver's answer on.  Messages and the table are virsh's; an
 * interface argument is a MAC when it reads as one, else a name. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static void vkshInterfaceUnref(virInterface *i) { if (i) virInterfaceFree(i); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virInterface, vkshInterfaceUnref)

static bool
looksLikeMAC(const char *s)
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !g_ascii_isxdigit(s[i]))
            return false;
    }
    return true;
}

enum { BY_NAME = 1, BY_MAC = 2 };

static virInterfacePtr
commandIface(vkshCtl *ctl, const vkshCmd *cmd, int by, const char **name)
{
    const char *n = vkshOptString(cmd, "interface");
    virInterfacePtr iface = NULL;

    if (name)
        *name = n;
    if (!n)
        return NULL;
    if ((by & BY_MAC) && looksLikeMAC(n))
        iface = virInterfaceLookupByMACString(ctl->conn, n);
    else if (by & BY_NAME)
        iface = virInterfaceLookupByName(ctl->conn, n);
    if (!iface)
        vkshError(ctl, "failed to get interface '%s'", n);
    return iface;
}

static const vkshOptDef optsIface[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface name or MAC address" },
    { NULL, 0, 0, NULL },
};

/* ---- iface-list ---- */

static const vkshOptDef optsList[] = {
    { "inactive", VKSH_OT_BOOL, 0, "list inactive interfaces" },
    { "all", VKSH_OT_BOOL, 0, "list inactive & active interfaces" },
    { NULL, 0, 0, NULL },
};

static int
byName(const void *a, const void *b)
{
    return strcmp(virInterfaceGetName(*(virInterfacePtr const *)a),
                  virInterfaceGetName(*(virInterfacePtr const *)b));
}

static bool
cmdIfaceList(vkshCtl *ctl, const vkshCmd *cmd)
{
    unsigned int flags = VIR_CONNECT_LIST_INTERFACES_ACTIVE;
    virInterfacePtr *ifaces = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if (vkshOptBool(cmd, "all"))
        flags = VIR_CONNECT_LIST_INTERFACES_ACTIVE | VIR_CONNECT_LIST_INTERFACES_INACTIVE;
    else if (vkshOptBool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_INTERFACES_INACTIVE;
    if ((n = virConnectListAllInterfaces(ctl->conn, &ifaces, flags)) < 0) {
        vkshError(ctl, "Failed to list interfaces");
        return false;
    }
    qsort(ifaces, n, sizeof(*ifaces), byName);
    table = vkshTableNew("Name", "State", "MAC Address", NULL);
    for (int i = 0; i < n; i++) {
        vkshTableAddRow(table, virInterfaceGetName(ifaces[i]),
                        virInterfaceIsActive(ifaces[i]) > 0 ? "active" : "inactive",
                        virInterfaceGetMACString(ifaces[i]), NULL);
        virInterfaceFree(ifaces[i]);
    }
    g_free(ifaces);
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- iface-dumpxml, iface-mac, iface-name ---- */

static const vkshOptDef optsDumpxml[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface name or MAC address" },
    { "inactive", VKSH_OT_BOOL, 0, "show inactive defined XML" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virInterface) iface = commandIface(ctl, cmd, BY_NAME | BY_MAC, NULL);
    g_autofree char *xml = NULL;

    if (!iface)
        return false;
    if (!(xml = virInterfaceGetXMLDesc(iface, vkshOptBool(cmd, "inactive") ?
                                       VIR_INTERFACE_XML_INACTIVE : 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsMac[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface name" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceMac(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virInterface) iface = commandIface(ctl, cmd, BY_NAME, NULL);

    if (!iface)
        return false;
    vkshPrint(ctl, "%s\n", virInterfaceGetMACString(iface));
    return true;
}

static const vkshOptDef optsName[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface mac" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceName(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virInterface) iface = commandIface(ctl, cmd, BY_MAC, NULL);

    if (!iface)
        return false;
    vkshPrint(ctl, "%s\n", virInterfaceGetName(iface));
    return true;
}

/* ---- what changes the host: define, undefine, start, destroy ---- */

static const vkshOptDef optsFile[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML interface description" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    g_autoptr(virInterface) iface = NULL;

    if (!xml)
        return false;
    if (!(iface = virInterfaceDefineXML(ctl->conn, xml, vkshOptBool(cmd, "validate") ?
                                        VIR_INTERFACE_DEFINE_VALIDATE : 0))) {
        vkshError(ctl, "Failed to define interface from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Interface %s defined from %s\n", virInterfaceGetName(iface), file);
    return true;
}

enum { IFACE_UNDEFINE, IFACE_START, IFACE_DESTROY };
static const vkshObjectCall oneCalls[] = {
    { "iface-undefine", IFACE_UNDEFINE, "Interface %s undefined\n",
      "Failed to undefine interface %s" },
    { "iface-start", IFACE_START, "Interface %s started\n", "Failed to start interface %s" },
    { "iface-destroy", IFACE_DESTROY, "Interface %s destroyed\n",
      "Failed to destroy interface %s" },
};

static bool
cmdIfaceOneCall(vkshCtl *ctl, const vkshCmd *cmd)
{
    const vkshObjectCall *c = VKSH_OBJECT_CALL(oneCalls, cmd);
    const char *name;
    g_autoptr(virInterface) iface = commandIface(ctl, cmd, BY_NAME | BY_MAC, &name);

    if (!iface)
        return false;
    return vkshObjectCallEnd(ctl, c, name,
                             c->op == IFACE_UNDEFINE ? virInterfaceUndefine(iface) :
                             c->op == IFACE_START ? virInterfaceCreate(iface, 0) :
                             virInterfaceDestroy(iface, 0));
}

/* ---- transactions ---- */

static const vkshOptDef optsNone[] = {
    { NULL, 0, 0, NULL },
};

static bool
transaction(vkshCtl *ctl, int (*call)(virConnectPtr, unsigned int), const char *done,
            const char *failed)
{
    if (call(ctl->conn, 0) < 0) {
        vkshError(ctl, "%s", failed);
        return false;
    }
    vkshPrint(ctl, "%s", done);
    return true;
}

static bool
cmdIfaceBegin(vkshCtl *ctl, const vkshCmd *cmd)
{
    (void)cmd;
    return transaction(ctl, virInterfaceChangeBegin,
                       "Network config change transaction started\n",
                       "Failed to begin network config change transaction");
}

static bool
cmdIfaceCommit(vkshCtl *ctl, const vkshCmd *cmd)
{
    (void)cmd;
    return transaction(ctl, virInterfaceChangeCommit,
                       "Network config change transaction committed\n",
                       "Failed to commit network config change transaction");
}

static bool
cmdIfaceRollback(vkshCtl *ctl, const vkshCmd *cmd)
{
    (void)cmd;
    return transaction(ctl, virInterfaceChangeRollback,
                       "Network config change transaction rolled back\n",
                       "Failed to rollback network config change transaction");
}

/* ---- the group ---- */

static VKSH_CMD(cmdDefIfaceBegin, "iface-begin", cmdIfaceBegin, optsNone,
                "create a snapshot of current interfaces settings, which can be later "
                "committed (iface-commit) or restored (iface-rollback)",
                "Create a restore point for interfaces settings");
static VKSH_CMD(cmdDefIfaceCommit, "iface-commit", cmdIfaceCommit, optsNone,
                "commit changes made since iface-begin and free restore point",
                "commit changes and free restore point");
static VKSH_CMD(cmdDefIfaceDefine, "iface-define", cmdIfaceDefine, optsFile,
                "define an inactive persistent physical host interface or modify an "
                "existing persistent one from an XML file",
                "Define or modify a persistent physical host interface.");
static VKSH_CMD(cmdDefIfaceDestroy, "iface-destroy", cmdIfaceOneCall, optsIface,
                "destroy a physical host interface (disable it / \"if-down\")",
                "forcefully stop a physical host interface.");
static VKSH_CMD(cmdDefIfaceDumpxml, "iface-dumpxml", cmdIfaceDumpxml, optsDumpxml,
                "interface information in XML",
                "Output the physical host interface information as an XML dump to stdout.");
static VKSH_CMD(cmdDefIfaceList, "iface-list", cmdIfaceList, optsList,
                "list physical host interfaces", "Returns list of physical host interfaces.");
static VKSH_CMD(cmdDefIfaceMac, "iface-mac", cmdIfaceMac, optsMac,
                "convert an interface name to interface MAC address", "");
static VKSH_CMD(cmdDefIfaceName, "iface-name", cmdIfaceName, optsName,
                "convert an interface MAC address to interface name", "");
static VKSH_CMD(cmdDefIfaceRollback, "iface-rollback", cmdIfaceRollback, optsNone,
                "rollback to previous saved configuration created via iface-begin",
                "rollback to previous restore point");
static VKSH_CMD(cmdDefIfaceStart, "iface-start", cmdIfaceOneCall, optsIface,
                "start a physical host interface (enable it / \"if-up\")",
                "start a physical host interface.");
static VKSH_CMD(cmdDefIfaceUndefine, "iface-undefine", cmdIfaceOneCall, optsIface,
                "undefine a physical host interface (remove it from configuration)",
                "undefine an interface.");

const vkshCmdDef *const vkshIfaceCmds[] = {
    &cmdDefIfaceBegin, &vkshCmdIfaceBridge, &cmdDefIfaceCommit, &cmdDefIfaceDefine,
    &cmdDefIfaceDestroy, &cmdDefIfaceDumpxml, &vkshCmdIfaceEdit, &cmdDefIfaceList,
    &cmdDefIfaceMac, &cmdDefIfaceName, &cmdDefIfaceRollback, &cmdDefIfaceStart,
    &vkshCmdIfaceUnbridge, &cmdDefIfaceUndefine,
    NULL,
};

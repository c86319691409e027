/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-nodedev.c: virsh's nodedev-* commands (the host's devices):
 * listing (flat, by capability, or as virsh's tree), information and XML,
 * and the calls that create, define, start or detach a device, which pass
 * the driver's answer on.  Messages and layouts are virsh's; a device
 * argument is a name, or "wwnn,wwpn" for an SCSI host. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static void vkshNodeDeviceUnref(virNodeDevice *d) { if (d) virNodeDeviceFree(d); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevice, vkshNodeDeviceUnref)

#define OPT_DEVICE(help) { "device", VKSH_OT_DATA, VKSH_OFLAG_REQ, help }
#define OPTS_END { NULL, 0, 0, NULL }

static const vkshOptDef optsDevice[] = {
    OPT_DEVICE("device name or wwn pair in 'wwnn,wwpn' format"), OPTS_END,
};
static const vkshOptDef optsDeviceName[] = { OPT_DEVICE("device name"), OPTS_END };
static const vkshOptDef optsDeviceKey[] = { OPT_DEVICE("device key"), OPTS_END };

static virNodeDevicePtr
commandDevice(vkshCtl *ctl, const vkshCmd *cmd, bool wwn)
{
    const char *name = vkshOptString(cmd, "device");
    const char *comma = wwn ? strchr(name, ',') : NULL;
    virNodeDevicePtr dev;

    if (comma) {
        g_autofree char *wwnn = g_strndup(name, comma - name);

        dev = virNodeDeviceLookupSCSIHostByWWN(ctl->conn, wwnn, comma + 1, 0);
    } else {
        dev = virNodeDeviceLookupByName(ctl->conn, name);
    }
    if (!dev)
        vkshError(ctl, "Could not find matching device '%s'", name);
    return dev;
}

/* ---- nodedev-list ---- */

/* Capability names, by their bit in virConnectListAllNodeDevices' flags. */
static const char *const capNames[] = {
    "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target", "scsi",
    "storage", "fc_host", "vports", "scsi_generic", "drm", "mdev_types", "mdev", "ccw",
    "css", "vdpa", "ap_card", "ap_queue", "ap_matrix", "vpd",
};

static const vkshOptDef optsList[] = {
    { "tree", VKSH_OT_BOOL, 0, "list devices in a tree" },
    { "cap", VKSH_OT_STRING, 0, "capability names, separated by comma" },
    { "inactive", VKSH_OT_BOOL, 0, "list inactive devices" },
    { "all", VKSH_OT_BOOL, 0, "list inactive & active devices" },
    OPTS_END,
};

typedef struct {
    char **names;
    char **parents;
    int n;
} deviceTree;

/* virsh's tree: a device, then "|" and "+- child" lines for its children,
 * an indent column of '|' while siblings follow, a blank line after the
 * last leaf of a branch. */
static void
treePrint(vkshCtl *ctl, const deviceTree *t, int dev, bool last, bool root, GString *indent)
{
    int lastChild = -1;

    vkshPrint(ctl, "%s%s%s\n", indent->str, root ? "" : "+- ", t->names[dev]);
    if (!root)
        g_string_append(indent, last ? "  " : "| ");
    for (int i = 0; i < t->n; i++) {
        if (g_strcmp0(t->parents[i], t->names[dev]) == 0)
            lastChild = i;
    }
    if (lastChild >= 0)
        vkshPrint(ctl, "%s  |\n", indent->str);
    g_string_append(indent, "  ");
    for (int i = 0; i < t->n; i++) {
        if (g_strcmp0(t->parents[i], t->names[dev]) == 0)
            treePrint(ctl, t, i, i == lastChild, false, indent);
    }
    g_string_truncate(indent, indent->len - 2);
    if (lastChild < 0 && last)
        vkshPrint(ctl, "%s\n", indent->str);
    if (!root)
        g_string_truncate(indent, indent->len - 2);
}

static int
byName(const void *a, const void *b)
{
    return strcmp(virNodeDeviceGetName(*(virNodeDevicePtr const *)a),
                  virNodeDeviceGetName(*(virNodeDevicePtr const *)b));
}

static bool
capFlags(vkshCtl *ctl, const char *caps, unsigned int *flags)
{
    g_auto(GStrv) list = g_strsplit(caps, ",", -1);

    for (size_t i = 0; list[i]; i++) {
        size_t c;

        for (c = 0; c < G_N_ELEMENTS(capNames); c++) {
            if (strcmp(list[i], capNames[c]) == 0)
                break;
        }
        if (c == G_N_ELEMENTS(capNames)) {
            vkshError(ctl, "Invalid capability type");
            return false;
        }
        *flags |= 1U << c;
    }
    return true;
}

static bool
cmdNodedevList(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *caps = vkshOptString(cmd, "cap");
    bool tree = vkshOptBool(cmd, "tree");
    unsigned int flags = 0;
    virNodeDevicePtr *devs = NULL;
    deviceTree t = { NULL, NULL, 0 };
    int n;

    if (tree && caps) {
        vkshError(ctl, "Options --tree and --cap are incompatible");
        return false;
    }
    if (caps && !capFlags(ctl, caps, &flags))
        return false;
    if (vkshOptBool(cmd, "all"))
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE | VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE;
    else if (vkshOptBool(cmd, "inactive"))
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE;
    else
        flags |= VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE;
    if ((n = virConnectListAllNodeDevices(ctl->conn, &devs, flags)) < 0) {
        vkshError(ctl, "Failed to list node devices");
        return false;
    }
    qsort(devs, n, sizeof(*devs), byName);
    t.n = n;
    t.names = g_new0(char *, n + 1);
    t.parents = g_new0(char *, n + 1);
    for (int i = 0; i < n; i++) {
        t.names[i] = g_strdup(virNodeDeviceGetName(devs[i]));
        t.parents[i] = g_strdup(virNodeDeviceGetParent(devs[i]));
        virNodeDeviceFree(devs[i]);
    }
    g_free(devs);
    vkshResetLibError(ctl);
    if (tree) {
        g_autoptr(GString) indent = g_string_new("");

        for (int i = 0; i < n; i++) {
            if (!t.parents[i])
                treePrint(ctl, &t, i, true, true, indent);
        }
    } else {
        for (int i = 0; i < n; i++)
            vkshPrint(ctl, "%s\n", t.names[i]);
    }
    /* parents has NULLs (the roots): not a NULL-terminated vector */
    for (int i = 0; i < n; i++)
        g_free(t.parents[i]);
    g_free(t.parents);
    g_strfreev(t.names);
    return true;
}

/* ---- nodedev-info, nodedev-dumpxml ---- */

static bool
cmdNodedevInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNodeDevice) dev = commandDevice(ctl, cmd, true);
    const char *parent;
    int autostart;

    if (!dev)
        return false;
    parent = virNodeDeviceGetParent(dev);
    vkshPrint(ctl, "%-15s %s\n", "Name:", virNodeDeviceGetName(dev));
    vkshPrint(ctl, "%-15s %s\n", "Parent:", parent ? parent : "");
    /* virsh's reading: any nonzero answer, an error (-1) too, is "yes" */
    vkshPrint(ctl, "%-15s %s\n", "Active:", virNodeDeviceIsActive(dev) ? "yes" : "no");
    vkshPrint(ctl, "%-15s %s\n", "Persistent:",
              virNodeDeviceIsPersistent(dev) ? "yes" : "no");
    if (virNodeDeviceGetAutostart(dev, &autostart) < 0)
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", "no autostart");
    else
        vkshPrint(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    vkshResetLibError(ctl);
    return true;
}

static bool
cmdNodedevDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virNodeDevice) dev = commandDevice(ctl, cmd, true);
    g_autofree char *xml = NULL;

    if (!dev || !(xml = virNodeDeviceGetXMLDesc(dev, 0)))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

/* ---- create, define (from a file) ---- */

static const vkshOptDef optsFile[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML description of the device" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    OPTS_END,
};

static bool
fromFile(vkshCtl *ctl, const vkshCmd *cmd, bool define)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    /* the create and define flags have the same value */
    unsigned int flags = vkshOptBool(cmd, "validate") ? VIR_NODE_DEVICE_DEFINE_XML_VALIDATE : 0;
    g_autoptr(virNodeDevice) dev = NULL;

    if (!xml)
        return false;
    dev = define ? virNodeDeviceDefineXML(ctl->conn, xml, flags)
                 : virNodeDeviceCreateXML(ctl->conn, xml, flags);
    if (!dev) {
        vkshError(ctl, define ? "Failed to define node device from '%s'"
                              : "Failed to create node device from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, define ? "Node device '%s' defined from '%s'\n"
                               : "Node device %s created from %s\n",
                   virNodeDeviceGetName(dev), file);
    return true;
}

static bool
cmdNodedevCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    return fromFile(ctl, cmd, false);
}

static bool
cmdNodedevDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    return fromFile(ctl, cmd, true);
}

/* ---- the one-call commands ---- */

/* nodedev-destroy and -undefine take a wwnn,wwpn pair too, the others not */
enum { DEV_DESTROY, DEV_UNDEFINE, DEV_START, DEV_REATTACH, DEV_RESET };
static const vkshObjectCall oneCalls[] = {
    { "nodedev-destroy", DEV_DESTROY, "Destroyed node device '%s'\n",
      "Failed to destroy node device '%s'" },
    { "nodedev-undefine", DEV_UNDEFINE, "Undefined node device '%s'\n",
      "Failed to undefine node device '%s'" },
    { "nodedev-start", DEV_START, "Device %s started\n", "Failed to start device %s" },
    { "nodedev-reattach", DEV_REATTACH, "Device %s re-attached\n",
      "Failed to re-attach device %s" },
    { "nodedev-reset", DEV_RESET, "Device %s reset\n", "Failed to reset device %s" },
};

static bool
cmdNodedevOneCall(vkshCtl *ctl, const vkshCmd *cmd)
{
    const vkshObjectCall *c = VKSH_OBJECT_CALL(oneCalls, cmd);
    g_autoptr(virNodeDevice) dev = commandDevice(ctl, cmd, c->op <= DEV_UNDEFINE);
    int rc;

    if (!dev)
        return false;
    switch (c->op) {
    case DEV_DESTROY: rc = virNodeDeviceDestroy(dev); break;
    case DEV_UNDEFINE: rc = virNodeDeviceUndefine(dev, 0); break;
    case DEV_START: rc = virNodeDeviceCreate(dev, 0); break;
    case DEV_REATTACH: rc = virNodeDeviceReAttach(dev); break;
    default: rc = virNodeDeviceReset(dev); break;
    }
    return vkshObjectCallEnd(ctl, c, vkshOptString(cmd, "device"), rc);
}

static const vkshOptDef optsDetach[] = {
    OPT_DEVICE("device key"),
    { "driver", VKSH_OT_STRING, 0, "pci device assignment backend driver (e.g. 'vfio' or 'xen')" },
    OPTS_END,
};

static bool
cmdNodedevDetach(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "device");
    const char *driver = vkshOptString(cmd, "driver");
    g_autoptr(virNodeDevice) dev = commandDevice(ctl, cmd, false);
    int rc;

    if (!dev)
        return false;
    /* Without --driver virsh calls the old entry point, as drivers differ. */
    rc = driver ? virNodeDeviceDetachFlags(dev, driver, 0) : virNodeDeviceDettach(dev);
    if (rc < 0) {
        vkshError(ctl, "Failed to detach device %s", name);
        return false;
    }
    vkshPrintExtra(ctl, "Device %s detached\n", name);
    return true;
}

static const vkshOptDef optsAutostart[] = {
    OPT_DEVICE("device name or wwn pair in 'wwnn,wwpn' format"),
    { "disable", VKSH_OT_BOOL, 0, "disable autostarting" },
    OPTS_END,
};

static bool
cmdNodedevAutostart(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "device");
    g_autoptr(virNodeDevice) dev = commandDevice(ctl, cmd, true);
    bool on = !vkshOptBool(cmd, "disable");

    if (!dev)
        return false;
    if (virNodeDeviceSetAutostart(dev, on) < 0) {
        vkshError(ctl, on ? "failed to mark device %s as autostarted" :
                            "failed to unmark device %s as autostarted", name);
        return false;
    }
    vkshPrintExtra(ctl, on ? "Device %s marked as autostarted\n" :
                             "Device %s unmarked as autostarted\n", name);
    return true;
}

/* ---- the group, in virsh's order ---- */

static VKSH_CMD(cmdDefCreate, "nodedev-create", cmdNodedevCreate, optsFile,
                "create a device defined by an XML file on the node",
                "Create a device on the node.  Note that this command creates devices on "
                "the physical host that can then be assigned to a virtual machine.");
static VKSH_CMD(cmdDefDestroy, "nodedev-destroy", cmdNodedevOneCall, optsDevice,
                "destroy (stop) a device on the node",
                "Destroy a device on the node.  Note that this command destroys devices on "
                "the physical host");
static VKSH_CMD(cmdDefDetach, "nodedev-detach", cmdNodedevDetach, optsDetach,
                "detach node device from its device driver",
                "Detach node device from its device driver before assigning to a domain.");
static VKSH_CMD(cmdDefDumpxml, "nodedev-dumpxml", cmdNodedevDumpxml, optsDevice,
                "node device details in XML",
                "Output the node device details as an XML dump to stdout.");
static VKSH_CMD(cmdDefList, "nodedev-list", cmdNodedevList, optsList,
                "enumerate devices on this host", "");
static VKSH_CMD(cmdDefReattach, "nodedev-reattach", cmdNodedevOneCall, optsDeviceKey,
                "reattach node device to its device driver",
                "Reattach node device to its device driver once released by the domain.");
static VKSH_CMD(cmdDefReset, "nodedev-reset", cmdNodedevOneCall, optsDeviceKey,
                "reset node device", "Reset node device before or after assigning to a domain.");
static VKSH_CMD(cmdDefDefine, "nodedev-define", cmdNodedevDefine, optsFile,
                "Define a device by an xml file on a node",
                "Defines a persistent device on the node that can be assigned to a domain. "
                "The device must be started before it can be assigned to a domain.");
static VKSH_CMD(cmdDefUndefine, "nodedev-undefine", cmdNodedevOneCall, optsDevice,
                "Undefine an inactive node device",
                "Undefines the configuration for an inactive node device");
static VKSH_CMD(cmdDefStart, "nodedev-start", cmdNodedevOneCall, optsDeviceName,
                "Start an inactive node device",
                "Starts an inactive node device that was previously defined");
static VKSH_CMD(cmdDefAutostart, "nodedev-autostart", cmdNodedevAutostart, optsAutostart,
                "autostart a defined node device",
                "Configure a node device to be automatically started at boot.");
static VKSH_CMD(cmdDefInfo, "nodedev-info", cmdNodedevInfo, optsDevice,
                "node device information", "Returns basic information about the node device");

const vkshCmdDef *const vkshNodedevCmds[] = {
    &cmdDefCreate, &cmdDefDestroy, &cmdDefDetach, &cmdDefDumpxml, &cmdDefList,
    &cmdDefReattach, &cmdDefReset, &vkshCmdNodedevEvent, &cmdDefDefine, &cmdDefUndefine,
    &cmdDefStart, &cmdDefAutostart, &cmdDefInfo,
    NULL,
};

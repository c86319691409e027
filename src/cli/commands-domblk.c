/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domblk.c: a domain's disks and interfaces — the lists read from
 * its XML (domblklist, domiflist, domif-getlink), their sizes and counters
 * (domblkinfo, domblkstat, domifstat) and the one-call changes
 * (domblkthreshold, blockresize, detach-device-alias, update-device).
 * Output layouts are virsh 9.0's. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"
#include "xmltree.h"

/* The first of the attributes that the element has, in the given order. */
static const char *
firstAttr(const vkshXml *node, const char *const *names)
{
    for (size_t i = 0; node && names[i]; i++) {
        const char *v = vkshXmlAttr(node, names[i]);

        if (v)
            return v;
    }
    return NULL;
}

/* ---- domblklist ---- */

static const vkshOptDef optsDomblklist[] = {
    VKSH_OPT_DOMAIN,
    { "inactive", VKSH_OT_BOOL, 0, "get inactive rather than running configuration" },
    { "details", VKSH_OT_BOOL, 0, "additionally display the type and device value" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomblklist(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const sources[] = { "file", "dev", "dir", "name", "volume", NULL };
    bool details = vkshOptBool(cmd, "details");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) disks = NULL;
    g_autoptr(vkshTable) table = NULL;

    if (!dom || !(tree = vkshDomainTree(ctl, dom, vkshOptBool(cmd, "inactive") ?
                                    VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    table = details ? vkshTableNew("Type", "Device", "Target", "Source", NULL)
                    : vkshTableNew("Target", "Source", NULL);
    disks = vkshXmlFindAll(tree, "devices/disk");
    for (size_t i = 0; i < disks->len; i++) {
        vkshXml *disk = disks->pdata[i];
        const char *target = vkshXmlChildAttr(disk, "target", "dev");
        const char *source = firstAttr(vkshXmlChild(disk, "source"), sources);

        if (!target) {
            vkshError(ctl, "unable to query block list");
            return false;
        }
        if (details)
            vkshTableAddRow(table, vkshXmlAttr(disk, "type") ?: "",
                            vkshXmlAttr(disk, "device") ?: "", target,
                            source ?: "-", NULL);
        else
            vkshTableAddRow(table, target, source ?: "-", NULL);
    }
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- domiflist ---- */

static const vkshOptDef optsDomiflist[] = {
    VKSH_OPT_DOMAIN,
    { "inactive", VKSH_OT_BOOL, 0, "get inactive rather than running configuration" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomiflist(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const sources[] = { "bridge", "dev", "network", "name", "path", NULL };
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(vkshTable) table = NULL;

    if (!dom || !(tree = vkshDomainTree(ctl, dom, vkshOptBool(cmd, "inactive") ?
                                    VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    table = vkshTableNew("Interface", "Type", "Source", "Model", "MAC", NULL);
    ifaces = vkshXmlFindAll(tree, "devices/interface");
    for (size_t i = 0; i < ifaces->len; i++) {
        vkshXml *iface = ifaces->pdata[i];
        const char *source = firstAttr(vkshXmlChild(iface, "source"), sources);

        vkshTableAddRow(table, vkshXmlChildAttr(iface, "target", "dev") ?: "-",
                        vkshXmlAttr(iface, "type") ?: "-", source ?: "-",
                        vkshXmlChildAttr(iface, "model", "type") ?: "-",
                        vkshXmlChildAttr(iface, "mac", "address") ?: "-", NULL);
    }
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- domif-getlink ---- */

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

/* The <interface> whose MAC (when iface looks like one) or target device
 * is iface. */
static vkshXml *
findInterface(vkshCtl *ctl, vkshXml *tree, const char *iface)
{
    bool byMac = looksLikeMAC(iface);
    g_autoptr(GPtrArray) ifaces = vkshXmlFindAll(tree, "devices/interface");

    for (size_t i = 0; i < ifaces->len; i++) {
        vkshXml *n = ifaces->pdata[i];
        const char *v = byMac ? vkshXmlChildAttr(n, "mac", "address")
                              : vkshXmlChildAttr(n, "target", "dev");

        if (v && (byMac ? g_ascii_strcasecmp(v, iface) : strcmp(v, iface)) == 0)
            return n;
    }
    vkshError(ctl, "Interface (%s: %s) not found.", byMac ? "mac" : "dev", iface);
    return NULL;
}

static const vkshOptDef optsDomifGetlink[] = {
    VKSH_OPT_DOMAIN,
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface device (MAC Address)" },
    { "config", VKSH_OT_BOOL, 0, "Get persistent interface state" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomifGetlink(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *iface = vkshOptString(cmd, "interface");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    vkshXml *node;

    if (!dom || !(tree = vkshDomainTree(ctl, dom, vkshOptBool(cmd, "config") ?
                                    VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    if (!(node = findInterface(ctl, tree, iface)))
        return false;
    /* no newline: virsh lets the line after each command end it */
    vkshPrint(ctl, "%s %s", iface, vkshXmlChildAttr(node, "link", "state") ?: "up");
    return true;
}

/* ---- domblkinfo ---- */

static const vkshOptDef optsDomblkinfo[] = {
    VKSH_OPT_DOMAIN,
    { "device", VKSH_OT_STRING, 0, "block device" },
    { "human", VKSH_OT_BOOL, 0, "Human readable output" },
    { "all", VKSH_OT_BOOL, 0, "display all block devices info" },
    { NULL, 0, 0, NULL },
};

static char *
blkinfoValue(unsigned long long v, bool human)
{
    const char *unit;
    double d;

    if (!human)
        return g_strdup_printf("%llu", v);
    d = vkshPrettyCapacity(v, &unit);
    return g_strdup_printf("%.3lf %s", d, unit);
}

static bool
cmdDomblkinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *device = vkshOptString(cmd, "device");
    bool human = vkshOptBool(cmd, "human");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) disks = NULL;
    g_autoptr(vkshTable) table = NULL;
    virDomainBlockInfo info;

    if (!vkshOptExclusive(ctl, cmd, "all", "device"))
        return false;
    if (!device && !vkshOptBool(cmd, "all")) {
        vkshError(ctl, "command 'domblkinfo' requires <device> option");
        return false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (device) {
        g_autofree char *cap = NULL, *alloc = NULL, *phys = NULL;

        if (virDomainGetBlockInfo(dom, device, &info, 0) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        cap = blkinfoValue(info.capacity, human);
        alloc = blkinfoValue(info.allocation, human);
        phys = blkinfoValue(info.physical, human);
        vkshPrint(ctl, "%-15s %s\n%-15s %s\n%-15s %s\n", "Capacity:", cap,
                  "Allocation:", alloc, "Physical:", phys);
        return true;
    }

    if (!(tree = vkshDomainTree(ctl, dom, 0)))
        return false;
    table = vkshTableNew("Target", "Capacity", "Allocation", "Physical", NULL);
    disks = vkshXmlFindAll(tree, "devices/disk");
    for (size_t i = 0; i < disks->len; i++) {
        const char *target = vkshXmlChildAttr(disks->pdata[i], "target", "dev");
        g_autofree char *cap = NULL, *alloc = NULL, *phys = NULL;

        if (!target)
            continue;
        if (virDomainGetBlockInfo(dom, target, &info, 0) < 0) {
            virErrorPtr err = virGetLastError();

            /* a disk without a medium or an unreachable source has no
             * sizes: virsh shows dashes and goes on */
            if (!err || (err->code != VIR_ERR_INVALID_ARG &&
                         err->code != VIR_ERR_OPERATION_INVALID)) {
                vkshSaveLibError(ctl);
                return false;
            }
            vkshResetLibError(ctl);
            memset(&info, 0, sizeof(info));
        }
        if (!info.capacity && !info.allocation && !info.physical) {
            vkshTableAddRow(table, target, "-", "-", "-", NULL);
            continue;
        }
        cap = blkinfoValue(info.capacity, human);
        alloc = blkinfoValue(info.allocation, human);
        phys = blkinfoValue(info.physical, human);
        vkshTableAddRow(table, target, cap, alloc, phys, NULL);
    }
    vkshTablePrint(ctl, table);
    return true;
}

/* ---- domblkstat ---- */

static const struct {
    const char *field, *legacy, *human;
} blkstatNames[] = {
    { VIR_DOMAIN_BLOCK_STATS_READ_REQ, "rd_req", "number of read operations:" },
    { VIR_DOMAIN_BLOCK_STATS_READ_BYTES, "rd_bytes", "number of bytes read:" },
    { VIR_DOMAIN_BLOCK_STATS_WRITE_REQ, "wr_req", "number of write operations:" },
    { VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES, "wr_bytes", "number of bytes written:" },
    { VIR_DOMAIN_BLOCK_STATS_ERRS, "errs", "error count:" },
    { VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ, NULL, "number of flush operations:" },
    { VIR_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, NULL, "total duration of reads (ns):" },
    { VIR_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, NULL, "total duration of writes (ns):" },
    { VIR_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, NULL, "total duration of flushes (ns):" },
};

static const vkshOptDef optsDomblkstat[] = {
    VKSH_OPT_DOMAIN,
    { "device", VKSH_OT_STRING, 0, "block device" },
    { "human", VKSH_OT_BOOL, 0, "print a more human readable output" },
    { NULL, 0, 0, NULL },
};

/* The older call, for drivers without the typed-parameter one. */
static bool
blkstatLegacy(vkshCtl *ctl, virDomainPtr dom, const char *name, const char *device,
              bool human)
{
    virDomainBlockStatsStruct st;
    long long values[5];
    const char *prefix = device;

    if (virDomainBlockStats(dom, device, &st, sizeof(st)) < 0) {
        vkshError(ctl, "Failed to get block stats %s %s", name, device);
        return false;
    }
    values[0] = st.rd_req;
    values[1] = st.rd_bytes;
    values[2] = st.wr_req;
    values[3] = st.wr_bytes;
    values[4] = st.errs;
    if (human) {
        vkshPrint(ctl, "Device: %s\n", device);
        prefix = "";
    }
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        if (values[i] >= 0)
            vkshPrint(ctl, "%s %-*s %lld\n", prefix, human ? 31 : 0,
                      human ? blkstatNames[i].human : blkstatNames[i].legacy, values[i]);
    }
    return true;
}

static bool
cmdDomblkstat(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    const char *device = vkshOptString(cmd, "device") ?: "";
    const char *prefix = device;
    bool human = vkshOptBool(cmd, "human");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    g_autofree virTypedParameterPtr params = NULL;
    g_autofree bool *shown = NULL;
    int n = 0;

    if (!dom)
        return false;
    if (virDomainBlockStatsFlags(dom, device, NULL, &n, 0) < 0) {
        virErrorPtr err = virGetLastError();

        if (!err || err->code != VIR_ERR_NO_SUPPORT) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshResetLibError(ctl);
        return blkstatLegacy(ctl, dom, name, device, human);
    }
    params = g_new0(virTypedParameter, n ? n : 1);
    shown = g_new0(bool, n ? n : 1);
    if (virDomainBlockStatsFlags(dom, device, params, &n, 0) < 0) {
        vkshError(ctl, "Failed to get block stats for domain '%s' device '%s'", name, device);
        return false;
    }
    if (human) {
        vkshPrint(ctl, "Device: %s\n", device);
        prefix = "";
    }
    /* the known counters first, in virsh's order, then any others */
    for (size_t k = 0; k < G_N_ELEMENTS(blkstatNames); k++) {
        for (int i = 0; i < n; i++) {
            g_autofree char *v = NULL;
            const char *label;

            if (shown[i] || strcmp(params[i].field, blkstatNames[k].field) != 0)
                continue;
            shown[i] = true;
            v = vkshTypedParamString(&params[i]);
            label = human ? blkstatNames[k].human : blkstatNames[k].legacy;
            vkshPrint(ctl, "%s %-*s %s\n", prefix, human ? 31 : 0,
                      label ? label : params[i].field, v);
        }
    }
    for (int i = 0; i < n; i++) {
        g_autofree char *v = NULL;

        if (shown[i])
            continue;
        v = vkshTypedParamString(&params[i]);
        vkshPrint(ctl, "%s %s %s\n", prefix, params[i].field, v);
    }
    virTypedParamsClear(params, n);
    return true;
}

/* ---- domifstat ---- */

static const vkshOptDef optsDomifstat[] = {
    VKSH_OPT_DOMAIN,
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "interface device specified by name or MAC Address" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomifstat(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    const char *device = vkshOptString(cmd, "interface");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    virDomainInterfaceStatsStruct st;

    if (!dom)
        return false;
    if (virDomainInterfaceStats(dom, device, &st, sizeof(st)) < 0) {
        vkshError(ctl, "Failed to get interface stats %s %s", name, device);
        return false;
    }
    {
        const struct { const char *label; long long v; } rows[] = {
            { "rx_bytes", st.rx_bytes }, { "rx_packets", st.rx_packets },
            { "rx_errs", st.rx_errs }, { "rx_drop", st.rx_drop },
            { "tx_bytes", st.tx_bytes }, { "tx_packets", st.tx_packets },
            { "tx_errs", st.tx_errs }, { "tx_drop", st.tx_drop },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
            if (rows[i].v >= 0)
                vkshPrint(ctl, "%s %s %lld\n", device, rows[i].label, rows[i].v);
        }
    }
    return true;
}

/* ---- domblkthreshold, blockresize ---- */

static const vkshOptDef optsDomblkthreshold[] = {
    VKSH_OPT_DOMAIN,
    { "dev", VKSH_OT_DATA, VKSH_OFLAG_REQ, "device to set threshold for" },
    { "threshold", VKSH_OT_INT, VKSH_OFLAG_REQ,
      "threshold as a scaled number (by default bytes)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomblkthreshold(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long long threshold = 0;

    if (!dom || vkshOptScaled(ctl, cmd, "threshold", &threshold, 1, ULLONG_MAX) < 0)
        return false;
    if (virDomainSetBlockThreshold(dom, vkshOptString(cmd, "dev"), threshold, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsBlockresize[] = {
    VKSH_OPT_DOMAIN,
    { "path", VKSH_OT_DATA, VKSH_OFLAG_REQ, "Fully-qualified path of block device" },
    { "size", VKSH_OT_INT, VKSH_OFLAG_REQ,
      "New size of the block device, as scaled integer (default KiB)" },
    { NULL, 0, 0, NULL },
};

static bool
cmdBlockresize(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *path = vkshOptString(cmd, "path");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long long size = 0;

    if (!dom || vkshOptScaled(ctl, cmd, "size", &size, 1024, ULLONG_MAX) < 0)
        return false;
    /* bytes, so that a size given in bytes is not rounded */
    if (virDomainBlockResize(dom, path, size, VIR_DOMAIN_BLOCK_RESIZE_BYTES) < 0) {
        vkshError(ctl, "Failed to resize block device '%s'", path);
        return false;
    }
    vkshPrintExtra(ctl, "Block device '%s' is resized\n", path);
    return true;
}

/* ---- detach-device-alias, update-device ---- */

static const vkshOptDef optsDetachAlias[] = {
    VKSH_OPT_DOMAIN,
    { "alias", VKSH_OT_DATA, VKSH_OFLAG_REQ, "device alias" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdDetachAlias(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *alias = vkshOptString(cmd, "alias");
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (virDomainDetachDeviceAlias(dom, alias, flags) < 0) {
        vkshError(ctl, "Failed to detach device with alias %s", alias);
        return false;
    }
    vkshPrintExtra(ctl, "Device detach request sent successfully\n");
    return true;
}

static const vkshOptDef optsUpdateDevice[] = {
    VKSH_OPT_DOMAIN,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "XML file" },
    { "persistent", VKSH_OT_BOOL, 0, "make live change persistent" },
    VKSH_OPTS_AFFECT,
    { "force", VKSH_OT_BOOL, 0, "force device update" },
    { NULL, 0, 0, NULL },
};

static bool
cmdUpdateDevice(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !vkshOptExclusive(ctl, cmd, "persistent", "current") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(xml = vkshReadFile(ctl, file)))
        return false;
    if (vkshOptBool(cmd, "persistent")) {
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
        if (virDomainIsActive(dom) == 1)
            flags |= VIR_DOMAIN_AFFECT_LIVE;
    }
    if (vkshOptBool(cmd, "force"))
        flags |= VIR_DOMAIN_DEVICE_MODIFY_FORCE;
    if (virDomainUpdateDeviceFlags(dom, xml, flags) < 0) {
        vkshError(ctl, "Failed to update device from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Device updated successfully\n");
    return true;
}

VKSH_CMD(vkshCmdDomblklist, "domblklist", cmdDomblklist, optsDomblklist,
         "list all domain blocks", "Get the summary of block devices for a domain.");
VKSH_CMD(vkshCmdDomiflist, "domiflist", cmdDomiflist, optsDomiflist,
         "list all domain virtual interfaces",
         "Get the summary of virtual interfaces for a domain.");
VKSH_CMD(vkshCmdDomifGetlink, "domif-getlink", cmdDomifGetlink, optsDomifGetlink,
         "get link state of a virtual interface",
         "Get link state of a domain's virtual interface.");
VKSH_CMD(vkshCmdDomblkinfo, "domblkinfo", cmdDomblkinfo, optsDomblkinfo,
         "domain block device size information",
         "Get block device size info for a domain.");
VKSH_CMD(vkshCmdDomblkstat, "domblkstat", cmdDomblkstat, optsDomblkstat,
         "get device block stats for a domain",
         "Get device block stats for a running domain.");
VKSH_CMD(vkshCmdDomifstat, "domifstat", cmdDomifstat, optsDomifstat,
         "get network interface stats for a domain",
         "Get network interface stats for a running domain.");
VKSH_CMD(vkshCmdDomblkthreshold, "domblkthreshold", cmdDomblkthreshold, optsDomblkthreshold,
         "set the threshold for block-threshold event for a given block device "
         "or it's backing chain element",
         "set threshold for generating block-threshold event for given block device");
VKSH_CMD(vkshCmdBlockresize, "blockresize", cmdBlockresize, optsBlockresize,
         "Resize block device of domain.", "Resize block device of domain.");
VKSH_CMD(vkshCmdDetachDeviceAlias, "detach-device-alias", cmdDetachAlias, optsDetachAlias,
         "detach device from an alias", "Detach device identified by the given alias from a domain");
VKSH_CMD(vkshCmdUpdateDevice, "update-device", cmdUpdateDevice, optsUpdateDevice,
         "update device from an XML file",
         "Update device from an XML <file>.");

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domdev.c: commands that pick one device out of the domain's XML
 * and act on it — domif-setlink, detach-disk, detach-interface,
 * vncdisplay, ttyconsole — plus block jobs (blockjob, blockpull) and
 * dump. The device's XML is cut out of the domain's with xmltree.c and
 * handed back to the device APIs, as virsh does. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"
#include "xmltree.h"

bool
vkshDeviceAffectFlags(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom, unsigned int *flags,
                      bool *plain)
{
    if (!vkshAffectFlags(ctl, cmd, flags) ||
        !vkshOptExclusive(ctl, cmd, "persistent", "current"))
        return false;
    if (vkshOptBool(cmd, "persistent")) {
        *flags |= VIR_DOMAIN_AFFECT_CONFIG;
        if (dom && virDomainIsActive(dom) == 1)
            *flags |= VIR_DOMAIN_AFFECT_LIVE;
    }
    *plain = !*flags && !vkshOptBool(cmd, "current");
    return true;
}

bool
vkshDeviceChange(vkshCtl *ctl, virDomainPtr dom, const char *xml, unsigned int flags,
                 bool plain, bool attach, const char *what)
{
    int rc;

    if (attach)
        rc = plain ? virDomainAttachDevice(dom, xml) : virDomainAttachDeviceFlags(dom, xml, flags);
    else
        rc = plain ? virDomainDetachDevice(dom, xml) : virDomainDetachDeviceFlags(dom, xml, flags);
    if (rc < 0) {
        vkshError(ctl, "Failed to %s %s", attach ? "attach" : "detach", what);
        return false;
    }
    vkshPrintExtra(ctl, "%c%s %s successfully\n", g_ascii_toupper(what[0]), what + 1,
                   attach ? "attached" : "detached");
    return true;
}

static bool
detachNode(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom, vkshXml *node,
           unsigned int flags, bool plain, const char *what)
{
    g_autofree char *xml = vkshXmlFormat(node);

    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    return vkshDeviceChange(ctl, dom, xml, flags, plain, false, what);
}

/* ---- detach-disk ---- */

static const vkshOptDef optsDetachDisk[] = {
    VKSH_OPT_DOMAIN,
    { "target", VKSH_OT_DATA, VKSH_OFLAG_REQ, "target of disk device" },
    { "persistent", VKSH_OT_BOOL, 0, "make live change persistent" },
    VKSH_OPTS_AFFECT,
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than detach the disk" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDetachDisk(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *target = vkshOptString(cmd, "target");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    vkshXml *disk;
    unsigned int flags = 0;
    bool plain;

    if (!dom || !vkshDeviceAffectFlags(ctl, cmd, dom, &flags, &plain))
        return false;
    /* only the next boot's definition is changed: look there */
    if (!(tree = vkshDomainTree(ctl, dom, flags == VIR_DOMAIN_AFFECT_CONFIG ?
                            VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    if ((disk = vkshXmlFindDisk(tree, target, false)))
        return detachNode(ctl, cmd, dom, disk, flags, plain, "disk");
    vkshError(ctl, "No disk found whose source path or target is %s", target);
    return false;
}

/* ---- detach-interface ---- */

static const vkshOptDef optsDetachIface[] = {
    VKSH_OPT_DOMAIN,
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network interface type" },
    { "mac", VKSH_OT_STRING, 0, "MAC address" },
    { "persistent", VKSH_OT_BOOL, 0, "make live change persistent" },
    VKSH_OPTS_AFFECT,
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than detach the interface" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDetachIface(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *type = vkshOptString(cmd, "type");
    const char *mac = vkshOptString(cmd, "mac");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(GPtrArray) matches = g_ptr_array_new();
    unsigned int flags = 0;
    bool plain;

    if (!dom || !vkshDeviceAffectFlags(ctl, cmd, dom, &flags, &plain))
        return false;
    if (!(tree = vkshDomainTree(ctl, dom, flags == VIR_DOMAIN_AFFECT_CONFIG ?
                            VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    ifaces = vkshXmlFindAll(tree, "devices/interface");
    for (size_t i = 0; i < ifaces->len; i++) {
        vkshXml *n = ifaces->pdata[i];
        const char *addr = vkshXmlChildAttr(n, "mac", "address");

        if (g_strcmp0(vkshXmlAttr(n, "type"), type) != 0)
            continue;
        if (mac && (!addr || g_ascii_strcasecmp(addr, mac) != 0))
            continue;
        g_ptr_array_add(matches, n);
    }
    if (!matches->len) {
        if (mac)
            vkshError(ctl, "No interface with MAC address %s was found", mac);
        else
            vkshError(ctl, "No interface found whose type is %s", type);
        vkshError(ctl, "Failed to detach interface");
        return false;
    }
    if (matches->len > 1) {
        vkshError(ctl, "Domain has %u interfaces. Please specify which one to detach "
                  "using --mac", matches->len);
        vkshError(ctl, "Failed to detach interface");
        return false;
    }
    return detachNode(ctl, cmd, dom, matches->pdata[0], flags, plain, "interface");
}

/* ---- domif-setlink ---- */

static const vkshOptDef optsDomifSetlink[] = {
    VKSH_OPT_DOMAIN,
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface device (MAC Address)" },
    { "state", VKSH_OT_DATA, VKSH_OFLAG_REQ, "new state of the device" },
    { "config", VKSH_OT_BOOL, 0, "affect next boot" },
    { "print-xml", VKSH_OT_BOOL, 0,
      "print XML document rather than set the interface link state" },
    { NULL, 0, 0, NULL },
};

/* Sets <link state='...'/> in the interface, adding the element if needed. */
static void
setLinkState(vkshXml *iface, const char *state)
{
    vkshXml *link = vkshXmlChild(iface, "link");

    if (!link) {
        link = vkshXmlNew("link");
        vkshXmlInsert(iface, link, -1);
    }
    vkshXmlSetAttr(link, "state", state);
}

static bool
cmdDomifSetlink(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *iface = vkshOptString(cmd, "interface");
    const char *state = vkshOptString(cmd, "state");
    bool config = vkshOptBool(cmd, "config");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autofree char *xml = NULL;
    vkshXml *node = NULL;
    unsigned int flags;
    bool byMac = strlen(iface) == 17 && iface[2] == ':';

    if (!dom)
        return false;
    if (g_ascii_strcasecmp(state, "up") != 0 && g_ascii_strcasecmp(state, "down") != 0) {
        vkshError(ctl, "invalid link state '%s'", state);
        return false;
    }
    flags = config || virDomainIsActive(dom) == 0 ? VIR_DOMAIN_AFFECT_CONFIG
                                                  : VIR_DOMAIN_AFFECT_LIVE;
    if (!(tree = vkshDomainTree(ctl, dom, flags == VIR_DOMAIN_AFFECT_CONFIG ?
                            VIR_DOMAIN_XML_INACTIVE : 0)))
        return false;
    ifaces = vkshXmlFindAll(tree, "devices/interface");
    for (size_t i = 0; !node && i < ifaces->len; i++) {
        const char *v = byMac ? vkshXmlChildAttr(ifaces->pdata[i], "mac", "address")
                              : vkshXmlChildAttr(ifaces->pdata[i], "target", "dev");

        if (v && (byMac ? g_ascii_strcasecmp(v, iface) : strcmp(v, iface)) == 0)
            node = ifaces->pdata[i];
    }
    if (!node) {
        vkshError(ctl, "interface '%s' not found", iface);
        return false;
    }
    setLinkState(node, state);
    xml = vkshXmlFormat(node);
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s", xml);
        return true;
    }
    if (virDomainUpdateDeviceFlags(dom, xml, flags) < 0) {
        vkshError(ctl, "Failed to update interface link state");
        return false;
    }
    vkshPrintExtra(ctl, "Device updated successfully\n");
    return true;
}

/* ---- vncdisplay, ttyconsole ---- */

static bool
cmdVncdisplay(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) gfx = NULL;
    const char *portStr = NULL, *listen = NULL;
    long port;

    if (!dom || !(tree = vkshDomainTree(ctl, dom, 0)))
        return false;
    gfx = vkshXmlFindAll(tree, "devices/graphics");
    for (size_t i = 0; i < gfx->len; i++) {
        if (g_strcmp0(vkshXmlAttr(gfx->pdata[i], "type"), "vnc") != 0)
            continue;
        portStr = vkshXmlAttr(gfx->pdata[i], "port");
        listen = vkshXmlChildAttr(gfx->pdata[i], "listen", "address");
        if (!listen)
            listen = vkshXmlAttr(gfx->pdata[i], "listen");
        break;
    }
    port = portStr ? strtol(portStr, NULL, 10) : -1;
    if (port <= 0) {
        vkshError(ctl, "Failed to get VNC port. Is this domain using VNC?");
        return false;
    }
    /* a wildcard address names no host: virsh prints only ":N" */
    if (!listen || !*listen || strcmp(listen, "0.0.0.0") == 0 || strcmp(listen, "::") == 0)
        listen = "";
    vkshPrint(ctl, "%s:%ld\n", listen, port - 5900);
    return true;
}

static bool
cmdTtyconsole(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshXml) tree = NULL;
    g_autoptr(GPtrArray) consoles = NULL;
    const char *tty = NULL;

    if (!dom || !(tree = vkshDomainTree(ctl, dom, 0)))
        return false;
    consoles = vkshXmlFindAll(tree, "devices/console");
    if (consoles->len)
        tty = vkshXmlAttr(consoles->pdata[0], "tty");
    /* virsh fails without a word when there is no console tty */
    if (!tty)
        return false;
    vkshPrint(ctl, "%s\n", tty);
    return true;
}

/* ---- dump ---- */

static const vkshOptDef optsDump[] = {
    VKSH_OPT_DOMAIN,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "where to dump the core" },
    { "live", VKSH_OT_BOOL, 0, "perform a live core dump if supported" },
    { "crash", VKSH_OT_BOOL, 0, "crash the domain after core dump" },
    { "bypass-cache", VKSH_OT_BOOL, 0, "avoid file system cache when dumping" },
    { "reset", VKSH_OT_BOOL, 0, "reset the domain after core dump" },
    { "memory-only", VKSH_OT_BOOL, 0, "dump domain's memory only" },
    { "format", VKSH_OT_STRING, 0, "specify the format of memory-only dump" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDump(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "live", VIR_DUMP_LIVE }, { "crash", VIR_DUMP_CRASH },
        { "bypass-cache", VIR_DUMP_BYPASS_CACHE }, { "reset", VIR_DUMP_RESET },
        { "memory-only", VIR_DUMP_MEMORY_ONLY },
    };
    static const char *const formats[] = { "elf", "kdump-zlib", "kdump-lzo", "kdump-snappy",
                                           "win-dmp" };
    const char *name;
    const char *file = vkshOptString(cmd, "file");
    const char *fmt = vkshOptString(cmd, "format");
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    int format = VIR_DOMAIN_CORE_DUMP_FORMAT_RAW;

    /* --live with --crash is refused by the library, not here (as virsh) */
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if (fmt) {
        if (!(flags & VIR_DUMP_MEMORY_ONLY)) {
            vkshError(ctl, "--format only works with --memory-only");
            return false;
        }
        format = -1;
        for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
            if (strcmp(fmt, formats[i]) == 0)
                format = i == 0 ? VIR_DOMAIN_CORE_DUMP_FORMAT_RAW : (int)i;
        }
        if (format < 0) {
            vkshError(ctl, "format '%s' is not supported, expecting 'kdump-zlib', "
                      "'kdump-lzo', 'kdump-snappy', 'win-dmp' or 'elf'", fmt);
            return false;
        }
    }
    if (virDomainCoreDumpWithFormat(dom, file, format, flags) < 0) {
        vkshError(ctl, "Failed to core dump domain '%s' to %s", name, file);
        return false;
    }
    vkshPrintExtra(ctl, "\nDomain '%s' dumped to %s\n", name, file);
    return true;
}

/* ---- domiftune ---- */

static const vkshOptDef optsDomiftune[] = {
    VKSH_OPT_DOMAIN,
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface device (MAC Address)" },
    { "inbound", VKSH_OT_STRING, 0, "control domain's incoming traffics" },
    { "outbound", VKSH_OT_STRING, 0, "control domain's outgoing traffics" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

bool
vkshParseRate(vkshCtl *ctl, const char *spec, bool inbound, guint64 v[4], bool set[4])
{
    static const char *const keys[] = { "average", "peak", "burst", "floor" };
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    size_t count = g_strv_length(parts);

    if (count > 4) {
        vkshError(ctl, "Rate string '%s' has too many fields", spec);
        return false;
    }
    for (size_t i = 0; i < 4; i++) {
        v[i] = 0;
        set[i] = i < count && *parts[i];
        if (set[i] && !g_ascii_string_to_unsigned(parts[i], 10, 0, G_MAXUINT64, &v[i], NULL)) {
            vkshError(ctl, "field '%s' is malformed", keys[i]);
            return false;
        }
    }
    if (!v[0] && (inbound ? !v[3] : true)) {
        vkshError(ctl, "%s", inbound ? "either inbound average or floor is mandatory" :
                  "outbound average is mandatory");
        return false;
    }
    if (!inbound && v[3]) {
        vkshError(ctl, "%s", "outbound floor is unsupported yet");
        return false;
    }
    return true;
}

/* "average[,peak[,burst[,floor]]]" as typed params; "0" clears the
 * limit (an average of 0), as in virsh. */
static bool
bandwidthParams(vkshCtl *ctl, const char *spec, bool inbound,
                virTypedParameterPtr *params, int *n, int *max)
{
    static const char *const keys[] = { "average", "peak", "burst", "floor" };
    const char *dir = inbound ? "inbound" : "outbound";
    guint64 v[4] = { 0 };
    bool set[4] = { true, false, false, false };

    if (strcmp(spec, "0") != 0 && !vkshParseRate(ctl, spec, inbound, v, set))
        return false;
    for (size_t i = 0; i < 4; i++) {
        g_autofree char *field = NULL;

        if (!set[i])
            continue;
        if (v[i] > UINT_MAX) {
            vkshError(ctl, "%s rate larger than maximum %u", dir, UINT_MAX);
            return false;
        }
        field = g_strdup_printf("%s.%s", dir, keys[i]);
        if (virTypedParamsAddUInt(params, n, max, field, (unsigned int)v[i]) < 0)
            return false;
    }
    return true;
}

static bool
cmdDomiftune(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *device = vkshOptString(cmd, "interface");
    const char *in = vkshOptString(cmd, "inbound");
    const char *out = vkshOptString(cmd, "outbound");
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    unsigned int flags;
    bool ok = false;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if ((in && !bandwidthParams(ctl, in, true, &params, &n, &max)) ||
        (out && !bandwidthParams(ctl, out, false, &params, &n, &max)))
        goto cleanup;
    if (in || out) {
        if (virDomainSetInterfaceParameters(dom, device, params, n, flags) < 0) {
            vkshError(ctl, "Unable to set interface parameters");
            goto cleanup;
        }
        ok = true;
        goto cleanup;
    }
    ok = vkshPrintDeviceParams(ctl, dom, device, virDomainGetInterfaceParameters, flags,
                               "Unable to get interface parameters");
 cleanup:
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- set-user-sshkeys ---- */

static const vkshOptDef optsSetSshkeys[] = {
    VKSH_OPT_DOMAIN,
    { "user", VKSH_OT_DATA, VKSH_OFLAG_REQ, "user to set authorized keys for" },
    { "file", VKSH_OT_STRING, 0, "optional file to read keys from" },
    { "reset", VKSH_OT_BOOL, 0, "clear out authorized keys file before adding new keys" },
    { "remove", VKSH_OT_BOOL, 0, "remove keys from the authorized keys file" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSetSshkeys(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned int flags = 0;

    if (!vkshOptRequires(ctl, cmd, "file", "remove") ||
        !vkshOptExclusive(ctl, cmd, "reset", "remove") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (vkshOptBool(cmd, "remove")) {
        flags |= VIR_DOMAIN_AUTHORIZED_SSH_KEYS_SET_REMOVE;
    } else if (!vkshOptBool(cmd, "reset")) {
        flags |= VIR_DOMAIN_AUTHORIZED_SSH_KEYS_SET_APPEND;
        if (!file) {
            vkshError(ctl, "Option --file is required");
            return false;
        }
    }
    if (file) {
        if (!(text = vkshReadFile(ctl, file)))
            return false;
        lines = g_strsplit(text, "\n", -1);
        for (size_t i = 0; lines[i]; i++) {
            if (*lines[i])
                g_ptr_array_add(keys, lines[i]);
        }
    }
    if (virDomainAuthorizedSSHKeysSet(dom, vkshOptString(cmd, "user"),
                                      (const char **)keys->pdata, keys->len, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

/* ---- backup-begin, backup-dumpxml ---- */

static const vkshOptDef optsBackupBegin[] = {
    VKSH_OPT_DOMAIN,
    { "backupxml", VKSH_OT_STRING, 0, "domain backup XML" },
    { "checkpointxml", VKSH_OT_STRING, 0, "domain checkpoint XML" },
    { "reuse-external", VKSH_OT_BOOL, 0, "reuse files provided by caller" },
    { NULL, 0, 0, NULL },
};

static bool
cmdBackupBegin(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *bfile = vkshOptString(cmd, "backupxml");
    const char *cfile = vkshOptString(cmd, "checkpointxml");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *bxml = NULL, *cxml = NULL;

    if (!dom || (bfile && !(bxml = vkshReadFile(ctl, bfile))) ||
        (cfile && !(cxml = vkshReadFile(ctl, cfile))))
        return false;
    /* as virsh: without a file, a backup of every disk by the defaults */
    if (!bxml)
        bxml = g_strdup("<domainbackup/>");
    if (virDomainBackupBegin(dom, bxml, cxml, vkshOptBool(cmd, "reuse-external") ?
                             VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL : 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "Backup started\n");
    return true;
}

static bool
cmdBackupDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *xml = NULL;

    if (!dom)
        return false;
    if (!(xml = virDomainBackupGetXMLDesc(dom, 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s%s", xml, g_str_has_suffix(xml, "\n") ? "" : "\n");
    return true;
}

#define CMD(var, nm, fn, opts, sum) VKSH_CMD(var, nm, fn, opts, sum, "")

CMD(vkshCmdDetachDisk, "detach-disk", cmdDetachDisk, optsDetachDisk, "detach disk device");
CMD(vkshCmdDetachInterface, "detach-interface", cmdDetachIface, optsDetachIface,
    "detach network interface");
CMD(vkshCmdDomifSetlink, "domif-setlink", cmdDomifSetlink, optsDomifSetlink,
    "set link state of a virtual interface");
CMD(vkshCmdVncdisplay, "vncdisplay", cmdVncdisplay, vkshOptsDomainOnly, "vnc display");
CMD(vkshCmdTtyconsole, "ttyconsole", cmdTtyconsole, vkshOptsDomainOnly, "tty console");
CMD(vkshCmdDump, "dump", cmdDump, optsDump, "dump the core of a domain to a file for analysis");
CMD(vkshCmdDomiftune, "domiftune", cmdDomiftune, optsDomiftune,
    "get/set parameters of a virtual interface");
CMD(vkshCmdSetUserSshkeys, "set-user-sshkeys", cmdSetSshkeys, optsSetSshkeys,
    "manipulate authorized SSH keys file for given user (via agent)");
CMD(vkshCmdBackupBegin, "backup-begin", cmdBackupBegin, optsBackupBegin,
    "Start a disk backup of a live domain");
CMD(vkshCmdBackupDumpxml, "backup-dumpxml", cmdBackupDumpxml, vkshOptsDomainOnly,
    "Dump XML for an ongoing domain block backup job");

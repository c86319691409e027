/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domain.c: commands that read or change a domain's definition —
 * define/undefine, XML, names and ids, memory, vCPUs, devices, autostart and
 * description. Each is a thin mapping of virsh's options onto one or two API
 * calls; a command with none of --config/--live/--current calls the plain API
 * (virDomainSetMemory, ...), as virsh does, so drivers without the *Flags
 * variant still work. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "vksh.h"

static const vkshOptDef optsDefine[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "XML file describing the domain" },
    { "validate", VKSH_OT_BOOL, 0, "check the XML against the domain schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    g_autoptr(virDomain) dom = NULL;

    if (!xml)
        return false;
    if (vkshOptBool(cmd, "validate"))
        dom = virDomainDefineXMLFlags(ctl->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
    else
        dom = virDomainDefineXML(ctl->conn, xml);
    if (!dom) {
        vkshError(ctl, "Failed to define domain from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' defined from %s\n", virDomainGetName(dom), file);
    return true;
}

static const vkshOptDef optsUndefine[] = {
    VKSH_OPT_DOMAIN,
    { "managed-save", VKSH_OT_BOOL, 0, "also remove the managed save image" },
    { "snapshots-metadata", VKSH_OT_BOOL, 0, "also remove snapshot metadata" },
    { "checkpoints-metadata", VKSH_OT_BOOL, 0, "also remove checkpoint metadata" },
    { "nvram", VKSH_OT_BOOL, 0, "also remove the NVRAM file" },
    { "keep-nvram", VKSH_OT_BOOL, 0, "keep the NVRAM file" },
    { "tpm", VKSH_OT_BOOL, 0, "also remove the TPM state" },
    { "keep-tpm", VKSH_OT_BOOL, 0, "keep the TPM state" },
    { NULL, 0, 0, NULL },
};

static bool
cmdUndefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "managed-save", VIR_DOMAIN_UNDEFINE_MANAGED_SAVE },
        { "snapshots-metadata", VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA },
        { "checkpoints-metadata", VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA },
        { "nvram", VIR_DOMAIN_UNDEFINE_NVRAM },
        { "keep-nvram", VIR_DOMAIN_UNDEFINE_KEEP_NVRAM },
        { "tpm", VIR_DOMAIN_UNDEFINE_TPM },
        { "keep-tpm", VIR_DOMAIN_UNDEFINE_KEEP_TPM },
    };
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    int rc;

    if (!dom ||
        !vkshOptExclusive(ctl, cmd, "nvram", "keep-nvram") ||
        !vkshOptExclusive(ctl, cmd, "tpm", "keep-tpm"))
        return false;
    rc = flags ? virDomainUndefineFlags(dom, flags) : virDomainUndefine(dom);
    if (rc < 0) {
        vkshError(ctl, "Failed to undefine domain '%s'", name);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' has been undefined\n", name);
    return true;
}

static const vkshOptDef optsDumpxml[] = {
    VKSH_OPT_DOMAIN,
    { "inactive", VKSH_OT_BOOL, 0, "show the persistent (next boot) definition" },
    { "security-info", VKSH_OT_BOOL, 0, "include security-sensitive details" },
    { "update-cpu", VKSH_OT_BOOL, 0, "update the guest CPU from the host CPU" },
    { "migratable", VKSH_OT_BOOL, 0, "XML suitable for migration" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "inactive", VIR_DOMAIN_XML_INACTIVE },
        { "security-info", VIR_DOMAIN_XML_SECURE },
        { "update-cpu", VIR_DOMAIN_XML_UPDATE_CPU },
        { "migratable", VIR_DOMAIN_XML_MIGRATABLE },
    };
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *xml = NULL;
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);
    size_t len;

    if (!dom)
        return false;
    if (!(xml = virDomainGetXMLDesc(dom, flags))) {
        vkshSaveLibError(ctl);
        return false;
    }
    len = strlen(xml);
    vkshPrint(ctl, "%s%s", xml, len && xml[len - 1] == '\n' ? "" : "\n");
    return true;
}

static bool
cmdDomid(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL,
                                                 VKSH_BYNAME | VKSH_BYUUID);
    unsigned int id;

    if (!dom)
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        vkshPrint(ctl, "-\n");
    else
        vkshPrint(ctl, "%u\n", id);
    return true;
}

static bool
cmdDomname(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL,
                                                 VKSH_BYID | VKSH_BYUUID);

    if (!dom)
        return false;
    vkshPrint(ctl, "%s\n", virDomainGetName(dom));
    return true;
}

static bool
cmdDomuuid(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL,
                                                 VKSH_BYID | VKSH_BYNAME);
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!dom)
        return false;
    if (virDomainGetUUIDString(dom, uuid) < 0) {
        vkshError(ctl, "failed to get domain UUID");
        return false;
    }
    vkshPrint(ctl, "%s\n", uuid);
    return true;
}

static const vkshOptDef optsAutostart[] = {
    VKSH_OPT_DOMAIN,
    { "disable", VKSH_OT_BOOL, 0, "turn autostart off instead of on" },
    { NULL, 0, 0, NULL },
};

static bool
cmdAutostart(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    bool disable = vkshOptBool(cmd, "disable");

    if (!dom)
        return false;
    if (virDomainSetAutostart(dom, !disable) < 0) {
        vkshError(ctl, disable ? "Failed to unmark domain '%s' as autostarted"
                               : "Failed to mark domain '%s' as autostarted", name);
        return false;
    }
    vkshPrintExtra(ctl, disable ? "Domain '%s' unmarked as autostarted\n"
                                : "Domain '%s' marked as autostarted\n", name);
    return true;
}

static const vkshOptDef optsDomrename[] = {
    VKSH_OPT_DOMAIN,
    { "new-name", VKSH_OT_DATA, VKSH_OFLAG_REQ, "new domain name" },
    { NULL, 0, 0, NULL },
};

/* virsh prints only the library's error when the rename fails */
static bool
cmdDomrename(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);

    if (!dom || virDomainRename(dom, vkshOptString(cmd, "new-name"), 0) < 0)
        return false;
    vkshPrintExtra(ctl, "Domain successfully renamed\n");
    return true;
}

static const vkshOptDef optsSetmem[] = {
    VKSH_OPT_DOMAIN,
    { "size", VKSH_OT_INT, VKSH_OFLAG_REQ, "new size, a scaled integer (KiB by default)" },
    { "config", VKSH_OT_BOOL, 0, "change the persistent definition" },
    { "live", VKSH_OT_BOOL, 0, "change the running domain" },
    { "current", VKSH_OT_BOOL, 0, "change whichever of the two is current" },
    { NULL, 0, 0, NULL },
};

/* Shared by setmem and setmaxmem: parse, round up to KiB, apply. */
static bool
setMemory(vkshCtl *ctl, const vkshCmd *cmd, bool maximum)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned long long bytes = 0, kib;
    unsigned int flags;
    bool anyFlag = vkshAffectGiven(cmd);
    int rc;

    if (!vkshAffectFlags(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (vkshOptScaled(ctl, cmd, "size", &bytes, 1024, ULLONG_MAX) < 0)
        return false;
    kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    if (kib > ULONG_MAX) {
        vkshError(ctl, "memory size %llu KiB is too large", kib);
        return false;
    }
    if (maximum) {
        rc = anyFlag ? virDomainSetMemoryFlags(dom, kib, flags | VIR_DOMAIN_MEM_MAXIMUM)
                     : virDomainSetMaxMemory(dom, kib);
        if (rc < 0) {
            vkshError(ctl, "Unable to change MaxMemorySize");
            return false;
        }
    } else {
        rc = anyFlag ? virDomainSetMemoryFlags(dom, kib, flags)
                     : virDomainSetMemory(dom, kib);
        if (rc < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
    }
    return true;
}

static bool
cmdSetmem(vkshCtl *ctl, const vkshCmd *cmd)
{
    return setMemory(ctl, cmd, false);
}

static bool
cmdSetmaxmem(vkshCtl *ctl, const vkshCmd *cmd)
{
    return setMemory(ctl, cmd, true);
}

static const vkshOptDef optsSetvcpus[] = {
    VKSH_OPT_DOMAIN,
    { "count", VKSH_OT_INT, VKSH_OFLAG_REQ, "number of virtual CPUs" },
    { "maximum", VKSH_OT_BOOL, 0, "set the maximum instead of the current count" },
    { "config", VKSH_OT_BOOL, 0, "change the persistent definition" },
    { "live", VKSH_OT_BOOL, 0, "change the running domain" },
    { "current", VKSH_OT_BOOL, 0, "change whichever of the two is current" },
    { "guest", VKSH_OT_BOOL, 0, "ask the guest agent to change the count" },
    { "hotpluggable", VKSH_OT_BOOL, 0, "make added vCPUs hot-unpluggable" },
    { NULL, 0, 0, NULL },
};

static const vkshOptFlag setvcpusFlags[] = {
    { "maximum", VIR_DOMAIN_VCPU_MAXIMUM },
    { "guest", VIR_DOMAIN_VCPU_GUEST },
    { "hotpluggable", VIR_DOMAIN_VCPU_HOTPLUGGABLE },
};

static bool
cmdSetvcpus(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;
    int count = 0, rc;
    bool anyFlag = false;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !vkshOptRequires(ctl, cmd, "config", "maximum"))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (vkshOptInt(ctl, cmd, "count", &count) < 0)
        return false;
    if (count < 0) {
        vkshError(ctl, "Numeric value '%s' for <count> option is malformed or out of range",
                  vkshOptString(cmd, "count"));
        return false;
    }
    if (count == 0) {
        vkshError(ctl, "Can't set 0 processors for a VM");
        return false;
    }
    flags |= VKSH_OPT_FLAGS(cmd, setvcpusFlags);
    anyFlag = flags || vkshOptBool(cmd, "current");
    rc = anyFlag ? virDomainSetVcpusFlags(dom, count, flags)
                 : virDomainSetVcpus(dom, count);
    if (rc < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsVcpucount[] = {
    VKSH_OPT_DOMAIN,
    { "maximum", VKSH_OT_BOOL, 0, "report the maximum count" },
    { "active", VKSH_OT_BOOL, 0, "report the count in use" },
    { "live", VKSH_OT_BOOL, 0, "read from the running domain" },
    { "config", VKSH_OT_BOOL, 0, "read from the persistent definition" },
    { "current", VKSH_OT_BOOL, 0, "read from whichever of the two is current" },
    { "guest", VKSH_OT_BOOL, 0, "ask the guest agent" },
    { NULL, 0, 0, NULL },
};

static bool
cmdVcpucount(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const names[] = { "maximum", "active", "live", "config",
                                         "current", "guest" };
    static const struct { const char *what, *where; unsigned int flags; } rows[] = {
        { "maximum", "config", VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_VCPU_CONFIG },
        { "maximum", "live", VIR_DOMAIN_VCPU_MAXIMUM | VIR_DOMAIN_VCPU_LIVE },
        { "current", "config", VIR_DOMAIN_VCPU_CONFIG },
        { "current", "live", VIR_DOMAIN_VCPU_LIVE },
    };
    g_autoptr(virDomain) dom = NULL;
    bool all = true;
    unsigned int flags = 0;
    int count;

    if (!vkshOptExclusive(ctl, cmd, "maximum", "active") ||
        !vkshOptExclusive(ctl, cmd, "current", "live") ||
        !vkshOptExclusive(ctl, cmd, "current", "config") ||
        !vkshOptExclusive(ctl, cmd, "live", "config") ||
        !vkshOptExclusive(ctl, cmd, "guest", "config"))
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (vkshOptBool(cmd, names[i]))
            all = false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;

    if (!all) {
        static const vkshOptFlag map[] = {
            { "maximum", VIR_DOMAIN_VCPU_MAXIMUM },
            { "live", VIR_DOMAIN_VCPU_LIVE },
            { "config", VIR_DOMAIN_VCPU_CONFIG },
            { "guest", VIR_DOMAIN_VCPU_GUEST },
        };

        flags = VKSH_OPT_FLAGS(cmd, map);
        if ((count = virDomainGetVcpusFlags(dom, flags)) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshPrint(ctl, "%d\n", count);
        return true;
    }

    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        if ((rows[i].flags & VIR_DOMAIN_VCPU_LIVE) && virDomainIsActive(dom) != 1)
            continue;
        if ((count = virDomainGetVcpusFlags(dom, rows[i].flags)) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshPrint(ctl, "%-12s %-12s %3d\n", rows[i].what, rows[i].where, count);
    }
    return true;
}

static const vkshOptDef optsDevice[] = {
    VKSH_OPT_DOMAIN,
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "XML file describing the device" },
    { "persistent", VKSH_OT_BOOL, 0, "change the running domain and its definition" },
    { "config", VKSH_OT_BOOL, 0, "change the persistent definition" },
    { "live", VKSH_OT_BOOL, 0, "change the running domain" },
    { "current", VKSH_OT_BOOL, 0, "change whichever of the two is current" },
    { NULL, 0, 0, NULL },
};

static bool
changeDevice(vkshCtl *ctl, const vkshCmd *cmd, bool attach)
{
    const char *file = vkshOptString(cmd, "file");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;
    unsigned int flags;
    bool anyFlag;
    int rc;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !vkshOptExclusive(ctl, cmd, "persistent", "current"))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (vkshOptBool(cmd, "persistent")) {
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
        if (virDomainIsActive(dom) == 1)
            flags |= VIR_DOMAIN_AFFECT_LIVE;
    }
    anyFlag = flags || vkshOptBool(cmd, "current");
    if (!(xml = vkshReadFile(ctl, file)))
        return false;
    if (attach)
        rc = anyFlag ? virDomainAttachDeviceFlags(dom, xml, flags)
                     : virDomainAttachDevice(dom, xml);
    else
        rc = anyFlag ? virDomainDetachDeviceFlags(dom, xml, flags)
                     : virDomainDetachDevice(dom, xml);
    if (rc < 0) {
        vkshError(ctl, attach ? "Failed to attach device from %s"
                              : "Failed to detach device from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, attach ? "Device attached successfully\n"
                               : "Device detached successfully\n");
    return true;
}

static bool
cmdAttachDevice(vkshCtl *ctl, const vkshCmd *cmd)
{
    return changeDevice(ctl, cmd, true);
}

static bool
cmdDetachDevice(vkshCtl *ctl, const vkshCmd *cmd)
{
    return changeDevice(ctl, cmd, false);
}

static const vkshOptDef optsDesc[] = {
    VKSH_OPT_DOMAIN,
    { "live", VKSH_OT_BOOL, 0, "use the running domain" },
    { "config", VKSH_OT_BOOL, 0, "use the persistent definition" },
    { "current", VKSH_OT_BOOL, 0, "use whichever of the two is current" },
    { "title", VKSH_OT_BOOL, 0, "the short title instead of the description" },
    { "new-desc", VKSH_OT_ARGV, 0, "the new text; without it the text is shown" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDesc(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    const char *text = vkshOptString(cmd, "new-desc");
    bool title = vkshOptBool(cmd, "title");
    int type = title ? VIR_DOMAIN_METADATA_TITLE : VIR_DOMAIN_METADATA_DESCRIPTION;
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *cur = NULL;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)))
        return false;
    if (text) {
        if (virDomainSetMetadata(dom, type, text, NULL, NULL, flags) < 0) {
            vkshError(ctl, title ? "Failed to set new domain title"
                                 : "Failed to set new domain description");
            return false;
        }
        vkshPrintExtra(ctl, title ? "Domain title updated successfully\n"
                                  : "Domain description updated successfully\n");
        return true;
    }
    if (!(cur = virDomainGetMetadata(dom, type, NULL, flags))) {
        virErrorPtr err = virGetLastError();

        if (err && err->code == VIR_ERR_NO_DOMAIN_METADATA) {
            vkshResetLibError(ctl);
            vkshPrintExtra(ctl, title ? "No title for domain: %s\n"
                                      : "No description for domain: %s\n", name);
            return true;
        }
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s\n", cur);
    return true;
}

#define CMD(var, nm, fn, opts, sum, desc) static VKSH_CMD(var, nm, fn, opts, sum, desc)

CMD(cmdDefDefine, "define", cmdDefine, optsDefine,
    "define (but do not start) a domain from an XML file",
    "Registers the domain described by the XML file as persistent.");
CMD(cmdDefUndefine, "undefine", cmdUndefine, optsUndefine,
    "undefine a domain",
    "Removes a domain's persistent definition; a running domain becomes transient.");
CMD(cmdDefDumpxml, "dumpxml", cmdDumpxml, optsDumpxml,
    "domain information in XML",
    "Prints the domain's XML definition.");
CMD(cmdDefDomid, "domid", cmdDomid, vkshOptsDomainOnly,
    "convert a domain name or UUID to domain id", "");
CMD(cmdDefDomname, "domname", cmdDomname, vkshOptsDomainOnly,
    "convert a domain id or UUID to domain name", "");
CMD(cmdDefDomuuid, "domuuid", cmdDomuuid, vkshOptsDomainOnly,
    "convert a domain name or id to domain UUID", "");
CMD(cmdDefAutostart, "autostart", cmdAutostart, optsAutostart,
    "autostart a domain",
    "Sets whether the domain starts when the host (daemon) starts.");
CMD(cmdDefDomrename, "domrename", cmdDomrename, optsDomrename,
    "rename a domain",
    "Rename an inactive domain.");
CMD(cmdDefSetmem, "setmem", cmdSetmem, optsSetmem,
    "change memory allocation",
    "Changes the memory the domain is given (the balloon target).");
CMD(cmdDefSetmaxmem, "setmaxmem", cmdSetmaxmem, optsSetmem,
    "change maximum memory limit",
    "Changes the most memory the domain may be given.");
CMD(cmdDefSetvcpus, "setvcpus", cmdSetvcpus, optsSetvcpus,
    "change number of virtual CPUs",
    "Changes the number of virtual CPUs of the domain.");
CMD(cmdDefVcpucount, "vcpucount", cmdVcpucount, optsVcpucount,
    "domain vcpu counts",
    "Shows the domain's virtual CPU counts.");
CMD(cmdDefAttachDevice, "attach-device", cmdAttachDevice, optsDevice,
    "attach device from an XML file",
    "Adds the device described by the XML file to the domain.");
CMD(cmdDefDetachDevice, "detach-device", cmdDetachDevice, optsDevice,
    "detach device from an XML file",
    "Removes the device described by the XML file from the domain.");
static const vkshCmdDef cmdDefDesc = {
    "desc", cmdDesc, optsDesc, "show or set domain's description or title",
    "Shows or changes the domain's free-form description or title.", VKSH_CMD_NO_BLANK,
};

/* In virsh's order for the same commands. */
const vkshCmdDef *const vkshDomainCmds[] = {
    &cmdDefAttachDevice,
    &vkshCmdAttachDisk,
    &vkshCmdAttachInterface,
    &cmdDefAutostart,
    &vkshCmdBackupBegin,
    &vkshCmdBackupDumpxml,
    &vkshCmdBlkdeviotune,
    &vkshCmdBlkiotune,
    &vkshCmdBlockcommit,
    &vkshCmdBlockcopy,
    &vkshCmdBlockjob,
    &vkshCmdBlockpull,
    &vkshCmdBlockresize,
    &vkshCmdChangeMedia,
    &vkshCmdConsole,
    &vkshCmdCpuStats,
    &vkshCmdCreate,
    &cmdDefDefine,
    &cmdDefDesc,
    &vkshCmdDestroy,
    &cmdDefDetachDevice,
    &vkshCmdDetachDeviceAlias,
    &vkshCmdDetachDisk,
    &vkshCmdDetachInterface,
    &vkshCmdDomifSetlink,
    &vkshCmdDomiftune,
    &cmdDefDomid,
    &vkshCmdDomjobabort,
    &vkshCmdDomjobinfo,
    &vkshCmdDomlaunchsecinfo,
    &cmdDefDomname,
    &vkshCmdDompmsuspend,
    &vkshCmdDompmwakeup,
    &vkshCmdDomdirtyrateCalc,
    &vkshCmdDomdisplay,
    &vkshCmdDomfsfreeze,
    &vkshCmdDomfsinfo,
    &vkshCmdDomfsthaw,
    &vkshCmdDomfstrim,
    &vkshCmdDomhostname,
    &cmdDefDomrename,
    &vkshCmdDomsetlaunchsecstate,
    &vkshCmdDomtime,
    &cmdDefDomuuid,
    &vkshCmdDomxmlFromNative,
    &vkshCmdDomxmlToNative,
    &vkshCmdDump,
    &cmdDefDumpxml,
    &vkshCmdGetUserSshkeys,
    &vkshCmdGuestAgentTimeout,
    &vkshCmdGuestvcpus,
    &vkshCmdIothreadadd,
    &vkshCmdIothreaddel,
    &vkshCmdIothreadinfo,
    &vkshCmdIothreadpin,
    &vkshCmdIothreadset,
    &vkshCmdEdit,
    &vkshCmdEmulatorpin,
    &vkshCmdInjectNmi,
    &vkshCmdLxcEnterNamespace,
    &vkshCmdManagedSave,
    &vkshCmdManagedSaveDefine,
    &vkshCmdManagedSaveDumpxml,
    &vkshCmdManagedSaveEdit,
    &vkshCmdManagedSaveRemove,
    &vkshCmdMemtune,
    &vkshCmdMetadata,
    &vkshCmdMigrate,
    &vkshCmdMigrateCompcache,
    &vkshCmdMigrateGetdowntime,
    &vkshCmdMigrateGetspeed,
    &vkshCmdMigratePostcopy,
    &vkshCmdMigrateSetdowntime,
    &vkshCmdMigrateSetspeed,
    &vkshCmdNumatune,
    &vkshCmdPerf,
    &vkshCmdQemuAttach,
    &vkshCmdQemuMonitorCommand,
    &vkshCmdQemuAgentCommand,
    &vkshCmdQemuMonitorEvent,
    &vkshCmdReboot,
    &vkshCmdReset,
    &vkshCmdRestore,
    &vkshCmdResume,
    &vkshCmdSave,
    &vkshCmdSaveImageDefine,
    &vkshCmdSaveImageDumpxml,
    &vkshCmdSaveImageEdit,
    &vkshCmdSchedinfo,
    &vkshCmdScreenshot,
    &vkshCmdSendKey,
    &vkshCmdSendProcessSignal,
    &vkshCmdSetLifecycleAction,
    &vkshCmdSetUserPassword,
    &vkshCmdSetUserSshkeys,
    &cmdDefSetmaxmem,
    &cmdDefSetmem,
    &vkshCmdSetvcpu,
    &cmdDefSetvcpus,
    &vkshCmdShutdown,
    &vkshCmdStart,
    &vkshCmdSuspend,
    &vkshCmdTtyconsole,
    &cmdDefUndefine,
    &vkshCmdUpdateDevice,
    &vkshCmdUpdateMemoryDevice,
    &cmdDefVcpucount,
    &vkshCmdVcpuinfo,
    &vkshCmdVcpupin,
    &vkshCmdVncdisplay,
    &vkshCmdGuestinfo,
    &vkshCmdDomFdAssociate,
    NULL,
};

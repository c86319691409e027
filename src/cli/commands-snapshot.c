/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-snapshot.c: virsh's snapshot-* commands.  Some messages end
 * without a newline because, as in virsh, the blank line the shell prints
 * after every command ends them.  Output (messages,
 * the list table, the --tree drawing, snapshot-info's fields) is virsh's
 * byte for byte, since scripts parse it.  The shell is a client of the
 * public API only, so the few fields it needs from a snapshot's XML
 * (state, creation time, where it lives) are read from the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vksh.h"

char *
vkshSnapshotField(const char *xml, const char *tag)
{
    g_autofree char *open = g_strdup_printf("<%s>", tag);
    g_autofree char *close = g_strdup_printf("</%s>", tag);
    const char *dom = strstr(xml, "<domain ");
    const char *s = strstr(xml, open);
    const char *e;

    if (!s || (dom && s > dom))
        return NULL;
    s += strlen(open);
    if (!(e = strstr(s, close)))
        return NULL;
    return g_strndup(s, e - s);
}

static bool
isExternal(const char *xml)
{
    const char *dom = strstr(xml, "<domain ");
    const char *ext = strstr(xml, "snapshot='external'");
    g_autofree char *state = vkshSnapshotField(xml, "state");

    if (state && strcmp(state, "disk-snapshot") == 0)
        return true;
    return ext && (!dom || ext < dom);
}

/* The snapshot named by <snapshotname>, or the current one with --current. */
static virDomainSnapshotPtr
commandSnapshot(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr dom, const char **name)
{
    const char *n = vkshOptString(cmd, "snapshotname");
    bool current = vkshOptBool(cmd, "current");
    virDomainSnapshotPtr snap;

    if (current && n) {
        vkshError(ctl, "%s", "--snapshotname and --current are mutually exclusive");
        return NULL;
    }
    if (!current && !n) {
        vkshError(ctl, "%s", "--snapshotname or --current is required");
        return NULL;
    }
    snap = n ? virDomainSnapshotLookupByName(dom, n, 0) : virDomainSnapshotCurrent(dom, 0);
    if (!snap) {
        vkshSaveLibError(ctl);
        return NULL;
    }
    if (name)
        *name = virDomainSnapshotGetName(snap);
    return snap;
}

/* ---- snapshot-create / snapshot-create-as ---- */

/* snapshot-create's own options, then those both commands have */
static const vkshOptFlag createFlags[] = {
    { "redefine", VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE },
    { "current", VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT },
};
static const vkshOptFlag commonCreateFlags[] = {
    { "no-metadata", VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA },
    { "halt", VIR_DOMAIN_SNAPSHOT_CREATE_HALT },
    { "disk-only", VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY },
    { "reuse-external", VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT },
    { "quiesce", VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE },
    { "atomic", VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC },
    { "live", VIR_DOMAIN_SNAPSHOT_CREATE_LIVE },
    { "validate", VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE },
};

static bool
createFromXML(vkshCtl *ctl, virDomainPtr dom, const char *xml, unsigned int flags,
              const char *from)
{
    g_autoptr(virDomainSnapshot) snap = virDomainSnapshotCreateXML(dom, xml, flags);
    const char *name;

    if (!snap) {
        vkshSaveLibError(ctl);
        return false;
    }
    name = virDomainSnapshotGetName(snap);
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
        vkshPrintExtra(ctl, "Domain snapshot %s defined from '%s'", name, from);
    else
        vkshPrintExtra(ctl, "Domain snapshot %s created%s%s%s", name,
                       from ? " from '" : "", from ? from : "", from ? "'" : "");
    return true;
}

static const vkshOptDef optsCreate[] = {
    VKSH_OPT_DOMAIN,
    { "xmlfile", VKSH_OT_STRING, 0, "domain snapshot XML" },
    { "redefine", VKSH_OT_BOOL, 0, "redefine metadata for existing snapshot" },
    { "current", VKSH_OT_BOOL, 0, "with redefine, set current snapshot" },
    { "no-metadata", VKSH_OT_BOOL, 0, "take snapshot but create no metadata" },
    { "halt", VKSH_OT_BOOL, 0, "halt domain after snapshot is created" },
    { "disk-only", VKSH_OT_BOOL, 0, "capture disk state but not vm state" },
    { "reuse-external", VKSH_OT_BOOL, 0, "reuse any existing external files" },
    { "quiesce", VKSH_OT_BOOL, 0, "quiesce guest's file systems" },
    { "atomic", VKSH_OT_BOOL, 0, "require atomic operation" },
    { "live", VKSH_OT_BOOL, 0, "take a live snapshot" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "xmlfile");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!file)
        xml = g_strdup("<domainsnapshot/>");
    else if (!(xml = vkshReadFile(ctl, file)))
        return false;
    return createFromXML(ctl, dom, xml,
                         VKSH_OPT_FLAGS(cmd, createFlags) | VKSH_OPT_FLAGS(cmd, commonCreateFlags),
                         file);
}

static const vkshOptDef optsCreateAs[] = {
    VKSH_OPT_DOMAIN,
    { "name", VKSH_OT_STRING, 0, "name of snapshot" },
    { "description", VKSH_OT_STRING, 0, "description of snapshot" },
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than create" },
    { "no-metadata", VKSH_OT_BOOL, 0, "take snapshot but create no metadata" },
    { "halt", VKSH_OT_BOOL, 0, "halt domain after snapshot is created" },
    { "disk-only", VKSH_OT_BOOL, 0, "capture disk state but not vm state" },
    { "reuse-external", VKSH_OT_BOOL, 0, "reuse any existing external files" },
    { "quiesce", VKSH_OT_BOOL, 0, "quiesce guest's file systems" },
    { "atomic", VKSH_OT_BOOL, 0, "require atomic operation" },
    { "live", VKSH_OT_BOOL, 0, "take a live snapshot" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    { "memspec", VKSH_OT_STRING, 0, "memory attributes: [file=]name[,snapshot=type]" },
    { "diskspec", VKSH_OT_ARGV, 0,
      "disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]" },
    { NULL, 0, 0, NULL },
};

static void
appendEscaped(GString *buf, const char *s)
{
    g_autofree char *e = g_markup_escape_text(s, -1);
    g_string_append(buf, e);
}

/* "name,key=value,..." into <tag name='name' .../> pieces, as virsh
 * builds the memory and disk parts of the document. */
static bool
specToXML(vkshCtl *ctl, GString *buf, const char *spec, bool disk)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *name = NULL, *snapshot = NULL, *driver = NULL, *file = NULL;

    for (char **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "snapshot="))
            snapshot = *p + 9;
        else if (g_str_has_prefix(*p, "driver="))
            driver = *p + 7;
        else if (g_str_has_prefix(*p, "file="))
            file = *p + 5;
        else if (g_str_has_prefix(*p, "stype="))
            continue;
        else if (p == parts)
            name = *p;
        else {
            vkshError(ctl, "unable to parse %s: %s", disk ? "diskspec" : "memspec", spec);
            return false;
        }
    }
    if (disk) {
        g_string_append(buf, "    <disk name='");
        appendEscaped(buf, name ? name : "");
        g_string_append(buf, "'");
        if (snapshot)
            g_string_append_printf(buf, " snapshot='%s'", snapshot);
        if (!driver && !file) {
            g_string_append(buf, "/>\n");
            return true;
        }
        g_string_append(buf, ">\n");
        if (driver)
            g_string_append_printf(buf, "      <driver type='%s'/>\n", driver);
        if (file) {
            g_string_append(buf, "      <source file='");
            appendEscaped(buf, file);
            g_string_append(buf, "'/>\n");
        }
        g_string_append(buf, "    </disk>\n");
    } else {
        if (!file)
            file = name;
        g_string_append(buf, "  <memory");
        if (snapshot)
            g_string_append_printf(buf, " snapshot='%s'", snapshot);
        if (file) {
            g_string_append(buf, " file='");
            appendEscaped(buf, file);
            g_string_append(buf, "'");
        }
        g_string_append(buf, "/>\n");
    }
    return true;
}

static bool
cmdSnapshotCreateAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "name");
    const char *desc = vkshOptString(cmd, "description");
    const char *memspec = vkshOptString(cmd, "memspec");
    const char *diskspec = vkshOptString(cmd, "diskspec");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(GString) buf = g_string_new("<domainsnapshot>\n");

    if (name) {
        g_string_append(buf, "  <name>");
        appendEscaped(buf, name);
        g_string_append(buf, "</name>\n");
    }
    if (desc) {
        g_string_append(buf, "  <description>");
        appendEscaped(buf, desc);
        g_string_append(buf, "</description>\n");
    }
    if (memspec && !specToXML(ctl, buf, memspec, false))
        return false;
    if (diskspec) {
        g_auto(GStrv) specs = g_strsplit(diskspec, " ", -1);
        g_string_append(buf, "  <disks>\n");
        for (char **s = specs; *s; s++) {
            if (**s && !specToXML(ctl, buf, *s, true))
                return false;
        }
        g_string_append(buf, "  </disks>\n");
    }
    g_string_append(buf, "</domainsnapshot>\n");
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s\n", buf->str);
        return true;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    return createFromXML(ctl, dom, buf->str, VKSH_OPT_FLAGS(cmd, commonCreateFlags), NULL);
}

/* ---- snapshot-current / -dumpxml / -parent / -info ---- */

static const vkshOptDef optsCurrent[] = {
    VKSH_OPT_DOMAIN,
    { "name", VKSH_OT_BOOL, 0, "list the name, rather than the full xml" },
    { "security-info", VKSH_OT_BOOL, 0, "include security sensitive information in XML dump" },
    { "snapshotname", VKSH_OT_STRING, 0, "name of existing snapshot to make current" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotCurrent(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *setName = vkshOptString(cmd, "snapshotname");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    g_autofree char *xml = NULL;
    int has;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (setName) {
        unsigned int flags = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
                             VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
        g_autoptr(virDomainSnapshot) again = NULL;

        if (!(snap = virDomainSnapshotLookupByName(dom, setName, 0)) ||
            !(xml = virDomainSnapshotGetXMLDesc(snap, VIR_DOMAIN_SNAPSHOT_XML_SECURE)) ||
            !(again = virDomainSnapshotCreateXML(dom, xml, flags))) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshPrintExtra(ctl, "Snapshot %s set as current", setName);
        return true;
    }
    if ((has = virDomainHasCurrentSnapshot(dom, 0)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (!has) {
        vkshError(ctl, "domain '%s' has no current snapshot", virDomainGetName(dom));
        return false;
    }
    if (!(snap = virDomainSnapshotCurrent(dom, 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (vkshOptBool(cmd, "name")) {
        vkshPrint(ctl, "%s", virDomainSnapshotGetName(snap));
        return true;
    }
    if (!(xml = virDomainSnapshotGetXMLDesc(snap, vkshOptBool(cmd, "security-info")
                                                  ? VIR_DOMAIN_SNAPSHOT_XML_SECURE : 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsDumpxml[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_DATA, VKSH_OFLAG_REQ, "snapshot name" },
    { "security-info", VKSH_OT_BOOL, 0, "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    g_autofree char *xml = NULL;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(snap = virDomainSnapshotLookupByName(dom, vkshOptString(cmd, "snapshotname"), 0)) ||
        !(xml = virDomainSnapshotGetXMLDesc(snap, vkshOptBool(cmd, "security-info")
                                                  ? VIR_DOMAIN_SNAPSHOT_XML_SECURE : 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsParent[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_STRING, 0, "find parent of snapshot name" },
    { "current", VKSH_OT_BOOL, 0, "find parent of current snapshot" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotParent(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    g_autoptr(virDomainSnapshot) parent = NULL;
    const char *name = NULL;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(snap = commandSnapshot(ctl, cmd, dom, &name)))
        return false;
    if (!(parent = virDomainSnapshotGetParent(snap, 0))) {
        virErrorPtr err = virGetLastError();
        if (err && err->code == VIR_ERR_NO_DOMAIN_SNAPSHOT) {
            vkshResetLibError(ctl);
            vkshError(ctl, "snapshot '%s' has no parent", name);
        } else {
            vkshSaveLibError(ctl);
        }
        return false;
    }
    vkshPrint(ctl, "%s", virDomainSnapshotGetName(parent));
    return true;
}

static const vkshOptDef optsInfo[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_STRING, 0, "snapshot name" },
    { "current", VKSH_OT_BOOL, 0, "info on current snapshot" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    g_autoptr(virDomainSnapshot) parent = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *state = NULL;
    const char *name = NULL;
    int current, children, descendants, meta;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(snap = commandSnapshot(ctl, cmd, dom, &name)))
        return false;
    if ((current = virDomainSnapshotIsCurrent(snap, 0)) < 0 ||
        !(xml = virDomainSnapshotGetXMLDesc(snap, 0)) ||
        (children = virDomainSnapshotNumChildren(snap, 0)) < 0 ||
        (descendants = virDomainSnapshotNumChildren(
             snap, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS)) < 0 ||
        (meta = virDomainSnapshotHasMetadata(snap, 0)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    parent = virDomainSnapshotGetParent(snap, 0);
    vkshResetLibError(ctl);
    state = vkshSnapshotField(xml, "state");
    vkshPrint(ctl, "%-15s %s\n", "Name:", name);
    vkshPrint(ctl, "%-15s %s\n", "Domain:", virDomainGetName(dom));
    vkshPrint(ctl, "%-15s %s\n", "Current:", current ? "yes" : "no");
    vkshPrint(ctl, "%-15s %s\n", "State:", state ? state : "?");
    vkshPrint(ctl, "%-15s %s\n", "Location:", isExternal(xml) ? "external" : "internal");
    vkshPrint(ctl, "%-15s %s\n", "Parent:", parent ? virDomainSnapshotGetName(parent) : "-");
    vkshPrint(ctl, "%-15s %d\n", "Children:", children);
    vkshPrint(ctl, "%-15s %d\n", "Descendants:", descendants);
    vkshPrint(ctl, "%-15s %s\n", "Metadata:", meta ? "yes" : "no");
    return true;
}

/* ---- snapshot-revert / snapshot-delete ---- */

static const vkshOptDef optsRevert[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_STRING, 0, "snapshot name" },
    { "current", VKSH_OT_BOOL, 0, "revert to current snapshot" },
    { "running", VKSH_OT_BOOL, 0, "after reverting, change state to running" },
    { "paused", VKSH_OT_BOOL, 0, "after reverting, change state to paused" },
    { "force", VKSH_OT_BOOL, 0, "try harder on risky reverts" },
    { "reset-nvram", VKSH_OT_BOOL, 0, "re-initialize NVRAM from its pristine template" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotRevert(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "running", VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING },
        { "paused", VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED },
        { "force", VIR_DOMAIN_SNAPSHOT_REVERT_FORCE },
        { "reset-nvram", VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM },
    };
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    const char *name = NULL;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(snap = commandSnapshot(ctl, cmd, dom, &name)))
        return false;
    if (virDomainRevertToSnapshot(snap, VKSH_OPT_FLAGS(cmd, map)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Domain snapshot %s reverted\n", name);
    return true;
}

static const vkshOptDef optsDelete[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_STRING, 0, "snapshot name" },
    { "current", VKSH_OT_BOOL, 0, "delete current snapshot" },
    { "children", VKSH_OT_BOOL, 0, "delete snapshot and all children" },
    { "children-only", VKSH_OT_BOOL, 0, "delete children but not snapshot" },
    { "metadata", VKSH_OT_BOOL, 0, "delete only libvirt metadata, leaving snapshot contents behind" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSnapshotDelete(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "children", VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN },
        { "children-only", VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY },
        { "metadata", VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY },
    };
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    const char *name = NULL;
    unsigned int flags = VKSH_OPT_FLAGS(cmd, map);

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!(snap = commandSnapshot(ctl, cmd, dom, &name)))
        return false;
    if (virDomainSnapshotDelete(snap, flags) < 0) {
        vkshSaveLibError(ctl);
        vkshError(ctl, "Failed to delete snapshot %s", name);
        return false;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
        vkshPrintExtra(ctl, "Domain snapshot %s children deleted\n", name);
    else
        vkshPrintExtra(ctl, "Domain snapshot %s deleted\n", name);
    return true;
}

#define CMD(var, nm, fn, opts, sum, desc) static VKSH_CMD(var, nm, fn, opts, sum, desc)

CMD(cmdDefCreate, "snapshot-create", cmdSnapshotCreate, optsCreate,
    "Create a snapshot from XML", "Create a snapshot (disk and RAM) from XML");
CMD(cmdDefCreateAs, "snapshot-create-as", cmdSnapshotCreateAs, optsCreateAs,
    "Create a snapshot from a set of args", "Create a snapshot (disk and RAM) from arguments");
CMD(cmdDefCurrent, "snapshot-current", cmdSnapshotCurrent, optsCurrent,
    "Get or set the current snapshot", "Get or set the current snapshot");
CMD(cmdDefDumpxml, "snapshot-dumpxml", cmdSnapshotDumpxml, optsDumpxml,
    "Dump XML for a domain snapshot", "Snapshot Dump XML");
CMD(cmdDefParent, "snapshot-parent", cmdSnapshotParent, optsParent,
    "Get the name of the parent of a snapshot", "Extract the snapshot's parent, if any");
CMD(cmdDefInfo, "snapshot-info", cmdSnapshotInfo, optsInfo,
    "snapshot information", "Returns basic information about a snapshot.");
CMD(cmdDefRevert, "snapshot-revert", cmdSnapshotRevert, optsRevert,
    "Revert a domain to a snapshot", "Revert domain to snapshot");
CMD(cmdDefDelete, "snapshot-delete", cmdSnapshotDelete, optsDelete,
    "Delete a domain snapshot", "Snapshot Delete");

const vkshCmdDef *const vkshSnapshotCmds[] = {
    &cmdDefCreate, &cmdDefCreateAs, &cmdDefCurrent, &cmdDefDelete, &cmdDefDumpxml,
    &vkshCmdSnapshotEdit, &cmdDefInfo, &vkshCmdSnapshotList, &cmdDefParent, &cmdDefRevert,
    NULL,
};

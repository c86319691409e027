/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-checkpoint.c: virsh's checkpoint-* commands (create, create-as,
 * delete, dumpxml, info, parent).  A checkpoint is named by
 * --checkpointname, which virsh requires (there is no current checkpoint);
 * messages and layouts are virsh's. */
#include <string.h>

#include "vksh.h"

static void checkpointUnref(virDomainCheckpoint *c) { if (c) virDomainCheckpointFree(c); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCheckpoint, checkpointUnref)

#define OPT_NAME(help) { "checkpointname", VKSH_OT_STRING, 0, help }

static virDomainCheckpointPtr
commandCheckpoint(vkshCtl *ctl, const vkshCmd *cmd, virDomainPtr *dom)
{
    const char *name = vkshOptString(cmd, "checkpointname");
    virDomainCheckpointPtr cp;

    if (!(*dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return NULL;
    if (!name) {
        vkshError(ctl, "--checkpointname is required");
        return NULL;
    }
    cp = virDomainCheckpointLookupByName(*dom, name, 0);
    return cp;
}

/* ---- checkpoint-create, checkpoint-create-as ---- */

static bool
created(vkshCtl *ctl, virDomainPtr dom, const char *xml, unsigned int flags, const char *from)
{
    g_autoptr(virDomainCheckpoint) cp = virDomainCheckpointCreateXML(dom, xml, flags);

    if (!cp)
        return false;
    if (from)
        vkshPrintExtra(ctl, "Domain checkpoint %s created from '%s'",
                       virDomainCheckpointGetName(cp), from);
    else
        vkshPrintExtra(ctl, "Domain checkpoint %s created", virDomainCheckpointGetName(cp));
    return true;
}

static const vkshOptDef optsCreate[] = {
    VKSH_OPT_DOMAIN,
    { "xmlfile", VKSH_OT_STRING, 0, "domain checkpoint XML" },
    { "redefine", VKSH_OT_BOOL, 0, "redefine metadata for existing checkpoint" },
    { "redefine-validate", VKSH_OT_BOOL, 0, "validate the redefined checkpoint" },
    { "quiesce", VKSH_OT_BOOL, 0, "quiesce guest's file systems" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCheckpointCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "redefine", VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE },
        { "redefine-validate", VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE },
        { "quiesce", VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE },
    };
    const char *from = vkshOptString(cmd, "xmlfile");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;

    if (!vkshOptRequires(ctl, cmd, "redefine", "redefine-validate"))
        return false;
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!from)
        xml = g_strdup("<domaincheckpoint/>");
    else if (!(xml = vkshReadFile(ctl, from)))
        return false;
    return created(ctl, dom, xml, VKSH_OPT_FLAGS(cmd, map), from);
}

static const vkshOptDef optsCreateAs[] = {
    VKSH_OPT_DOMAIN,
    { "name", VKSH_OT_STRING, 0, "name of checkpoint" },
    { "description", VKSH_OT_STRING, 0, "description of checkpoint" },
    { "print-xml", VKSH_OT_BOOL, 0, "print XML document rather than create" },
    { "quiesce", VKSH_OT_BOOL, 0, "quiesce guest's file systems" },
    { "diskspec", VKSH_OT_ARGV, 0, "disk attributes: disk[,checkpoint=type][,bitmap=name]" },
    { NULL, 0, 0, NULL },
};

/* One <disk/> from "disk[,checkpoint=type][,bitmap=name]"; false after
 * virsh's error. */
static bool
diskspec(vkshCtl *ctl, GString *buf, const char *spec)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    g_autofree char *name = g_markup_escape_text(parts[0], -1);

    g_string_append_printf(buf, "    <disk name='%s'", name);
    for (size_t i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        g_autofree char *v = NULL;

        if (!eq || (strncmp(parts[i], "checkpoint=", 11) != 0 &&
                    strncmp(parts[i], "bitmap=", 7) != 0)) {
            vkshError(ctl, "unable to parse diskspec: %s", spec);
            return false;
        }
        *eq = '\0';
        v = g_markup_escape_text(eq + 1, -1);
        g_string_append_printf(buf, " %s='%s'", parts[i], v);
    }
    g_string_append(buf, "/>\n");
    return true;
}

static bool
cmdCheckpointCreateAs(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "name");
    const char *desc = vkshOptString(cmd, "description");
    const char *specs = vkshOptString(cmd, "diskspec");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(GString) buf = g_string_new("<domaincheckpoint>\n");

    if (!dom)
        return false;
    if (name) {
        g_autofree char *e = g_markup_escape_text(name, -1);

        g_string_append_printf(buf, "  <name>%s</name>\n", e);
    }
    if (desc) {
        g_autofree char *e = g_markup_escape_text(desc, -1);

        g_string_append_printf(buf, "  <description>%s</description>\n", e);
    }
    if (specs) {
        g_auto(GStrv) list = g_strsplit(specs, " ", -1);

        g_string_append(buf, "  <disks>\n");
        for (size_t i = 0; list[i]; i++) {
            if (*list[i] && !diskspec(ctl, buf, list[i]))
                return false;
        }
        g_string_append(buf, "  </disks>\n");
    }
    g_string_append(buf, "</domaincheckpoint>\n");
    if (vkshOptBool(cmd, "print-xml")) {
        vkshPrint(ctl, "%s\n", buf->str);
        return true;
    }
    return created(ctl, dom, buf->str, vkshOptBool(cmd, "quiesce") ?
                   VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE : 0, NULL);
}

/* ---- checkpoint-delete, -dumpxml, -info, -parent ---- */

static const vkshOptDef optsDelete[] = {
    VKSH_OPT_DOMAIN,
    OPT_NAME("checkpoint name"),
    { "children", VKSH_OT_BOOL, 0, "delete checkpoint and all children" },
    { "children-only", VKSH_OT_BOOL, 0, "delete children but not checkpoint" },
    { "metadata", VKSH_OT_BOOL, 0,
      "delete only libvirt metadata, leaving checkpoint contents behind" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCheckpointDelete(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "children", VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN },
        { "children-only", VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY },
        { "metadata", VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY },
    };
    const char *name = vkshOptString(cmd, "checkpointname");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainCheckpoint) cp = commandCheckpoint(ctl, cmd, &dom);

    if (!cp)
        return false;
    if (virDomainCheckpointDelete(cp, VKSH_OPT_FLAGS(cmd, map)) < 0) {
        vkshError(ctl, "Failed to delete checkpoint %s", name);
        return false;
    }
    vkshPrintExtra(ctl, vkshOptBool(cmd, "children-only") ?
                   "Domain checkpoint %s children deleted\n" :
                   "Domain checkpoint %s deleted\n", name);
    return true;
}

static const vkshOptDef optsDumpxml[] = {
    VKSH_OPT_DOMAIN,
    OPT_NAME("checkpoint name"),
    { "security-info", VKSH_OT_BOOL, 0, "include security sensitive information in XML dump" },
    { "no-domain", VKSH_OT_BOOL, 0, "exclude <domain> from XML" },
    { "size", VKSH_OT_BOOL, 0, "include backup size estimate in XML dump" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCheckpointDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag map[] = {
        { "security-info", VIR_DOMAIN_CHECKPOINT_XML_SECURE },
        { "no-domain", VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN },
        { "size", VIR_DOMAIN_CHECKPOINT_XML_SIZE },
    };
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainCheckpoint) cp = commandCheckpoint(ctl, cmd, &dom);
    g_autofree char *xml = NULL;

    if (!cp || !(xml = virDomainCheckpointGetXMLDesc(cp, VKSH_OPT_FLAGS(cmd, map))))
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static const vkshOptDef optsInfo[] = {
    VKSH_OPT_DOMAIN, OPT_NAME("checkpoint name"), { NULL, 0, 0, NULL },
};
static const vkshOptDef optsParent[] = {
    VKSH_OPT_DOMAIN, OPT_NAME("find parent of checkpoint name"), { NULL, 0, 0, NULL },
};

static int
countChildren(virDomainCheckpointPtr cp, unsigned int flags)
{
    virDomainCheckpointPtr *kids = NULL;
    int n = virDomainCheckpointListAllChildren(cp, &kids, flags);

    for (int i = 0; i < n; i++)
        virDomainCheckpointFree(kids[i]);
    g_free(kids);
    return n;
}

static bool
cmdCheckpointInfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainCheckpoint) cp = commandCheckpoint(ctl, cmd, &dom);
    g_autoptr(virDomainCheckpoint) parent = NULL;
    int children, descendants;

    if (!cp)
        return false;
    parent = virDomainCheckpointGetParent(cp, 0);
    vkshResetLibError(ctl);
    if ((children = countChildren(cp, 0)) < 0 ||
        (descendants = countChildren(cp, VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS)) < 0)
        return false;
    vkshPrint(ctl, "%-15s %s\n", "Name:", virDomainCheckpointGetName(cp));
    vkshPrint(ctl, "%-15s %s\n", "Domain:", virDomainGetName(dom));
    vkshPrint(ctl, "%-15s %s\n", "Parent:", parent ? virDomainCheckpointGetName(parent) : "-");
    vkshPrint(ctl, "%-15s %d\n", "Children:", children);
    vkshPrint(ctl, "%-15s %d\n", "Descendants:", descendants);
    return true;
}

static bool
cmdCheckpointParent(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainCheckpoint) cp = commandCheckpoint(ctl, cmd, &dom);
    g_autoptr(virDomainCheckpoint) parent = NULL;

    if (!cp)
        return false;
    if (!(parent = virDomainCheckpointGetParent(cp, 0))) {
        virErrorPtr err = virGetLastError();

        if (err && err->code == VIR_ERR_NO_DOMAIN_CHECKPOINT) {
            vkshResetLibError(ctl);
            vkshError(ctl, "checkpoint '%s' has no parent", virDomainCheckpointGetName(cp));
        }
        return false;
    }
    vkshPrint(ctl, "%s", virDomainCheckpointGetName(parent));
    return true;
}

static VKSH_CMD(cmdDefCreate, "checkpoint-create", cmdCheckpointCreate, optsCreate,
                "Create a checkpoint from XML",
                "Create a checkpoint from XML for use in future incremental backups");
static VKSH_CMD(cmdDefCreateAs, "checkpoint-create-as", cmdCheckpointCreateAs, optsCreateAs,
                "Create a checkpoint from a set of args",
                "Create a checkpoint from arguments for use in future incremental backups");
static VKSH_CMD(cmdDefDelete, "checkpoint-delete", cmdCheckpointDelete, optsDelete,
                "Delete a domain checkpoint", "Checkpoint Delete");
static VKSH_CMD(cmdDefDumpxml, "checkpoint-dumpxml", cmdCheckpointDumpxml, optsDumpxml,
                "Dump XML for a domain checkpoint", "Checkpoint Dump XML");
static VKSH_CMD(cmdDefInfo, "checkpoint-info", cmdCheckpointInfo, optsInfo,
                "checkpoint information", "Returns basic information about a checkpoint.");
static VKSH_CMD(cmdDefParent, "checkpoint-parent", cmdCheckpointParent, optsParent,
                "Get the name of the parent of a checkpoint",
                "Extract the checkpoint's parent, if any");

const vkshCmdDef *const vkshCheckpointCmds[] = {
    &cmdDefCreate, &cmdDefCreateAs, &cmdDefDelete, &cmdDefDumpxml, &vkshCmdCheckpointEdit,
    &cmdDefInfo, &vkshCmdCheckpointList, &cmdDefParent,
    NULL,
};

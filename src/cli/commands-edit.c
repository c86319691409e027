/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-edit.c: the *-edit commands. Each names the object, says how to
 * dump its XML and how to define the edited text; edit.c runs the editor
 * loop. The messages are virsh's, object by object (they differ in quoting
 * and wording, and scripts match on them). */
#include <stdio.h>
#include <string.h>

#include "vksh.h"
#include "vksh-edit.h"
#include "vksh-storage.h"

/* ---- edit (domain) ---- */

typedef struct {
    virConnectPtr conn;
    virDomainPtr dom;
    bool skipValidate;
    const char *file;               /* save-image-edit */
    unsigned int defineFlags;
} domEdit;

static char *
domDump(vkshCtl *ctl, void *opaque)
{
    domEdit *e = opaque;
    char *xml = virDomainGetXMLDesc(e->dom, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
domDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax)
{
    domEdit *e = opaque;
    unsigned int flags = e->skipValidate || relax ? 0 : VIR_DOMAIN_DEFINE_VALIDATE;
    g_autoptr(virDomain) dom = virDomainDefineXMLFlags(e->conn, xml, flags);

    if (!dom) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Domain '%s' XML configuration edited.\n", virDomainGetName(dom));
    return true;
}

static const vkshOptDef optsEdit[] = {
    VKSH_OPT_DOMAIN,
    { "skip-validate", VKSH_OT_BOOL, 0, "skip validation of the XML against the schema" },
    { NULL, 0, 0, NULL },
};

static bool
cmdEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshEditOps ops = { domDump, domDefine, true };
    static const vkshEditOps opsStrict = { domDump, domDefine, false };
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    domEdit e = { ctl->conn, dom, vkshOptBool(cmd, "skip-validate"), NULL, 0 };
    g_autofree char *unchanged = NULL;

    if (!dom)
        return false;
    unchanged = g_strdup_printf("Domain '%s' XML configuration not changed.",
                                virDomainGetName(dom));
    return vkshEdit(ctl, e.skipValidate ? &opsStrict : &ops, &e, unchanged);
}

/* ---- managedsave-edit, save-image-edit ---- */

static const vkshOptFlag runningPausedFlags[] = {
    { "running", VIR_DOMAIN_SAVE_RUNNING },
    { "paused", VIR_DOMAIN_SAVE_PAUSED },
};

static char *
managedDump(vkshCtl *ctl, void *opaque)
{
    domEdit *e = opaque;
    char *xml = virDomainManagedSaveGetXMLDesc(e->dom, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
managedDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax G_GNUC_UNUSED)
{
    domEdit *e = opaque;

    if (virDomainManagedSaveDefineXML(e->dom, xml, e->defineFlags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Managed save image of Domain '%s' XML configuration edited.\n",
                   virDomainGetName(e->dom));
    return true;
}

static const vkshOptDef optsManagedSaveEdit[] = {
    VKSH_OPT_DOMAIN,
    { "running", VKSH_OT_BOOL, 0, "set domain to be running on start" },
    { "paused", VKSH_OT_BOOL, 0, "set domain to be paused on start" },
    { NULL, 0, 0, NULL },
};

static bool
cmdManagedSaveEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshEditOps ops = { managedDump, managedDefine, false };
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *unchanged = NULL;
    domEdit e = { ctl->conn, NULL, false, NULL, VKSH_OPT_FLAGS(cmd, runningPausedFlags) };

    if (!vkshOptExclusive(ctl, cmd, "running", "paused") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    e.dom = dom;
    unchanged = g_strdup_printf("Managed save image of domain '%s' XML configuration "
                                "not changed.", virDomainGetName(dom));
    return vkshEdit(ctl, &ops, &e, unchanged);
}

static char *
imageDump(vkshCtl *ctl, void *opaque)
{
    domEdit *e = opaque;
    char *xml = virDomainSaveImageGetXMLDesc(e->conn, e->file, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
imageDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax G_GNUC_UNUSED)
{
    domEdit *e = opaque;

    if (virDomainSaveImageDefineXML(e->conn, e->file, xml, e->defineFlags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "State file %s edited.\n", e->file);
    return true;
}

static const vkshOptDef optsSaveImageEdit[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "saved state file to edit" },
    { "running", VKSH_OT_BOOL, 0, "set domain to be running on restore" },
    { "paused", VKSH_OT_BOOL, 0, "set domain to be paused on restore" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSaveImageEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshEditOps ops = { imageDump, imageDefine, false };
    domEdit e = { ctl->conn, NULL, false, vkshOptString(cmd, "file"),
                  VKSH_OPT_FLAGS(cmd, runningPausedFlags) };
    g_autofree char *unchanged = NULL;

    if (!vkshOptExclusive(ctl, cmd, "running", "paused"))
        return false;
    unchanged = g_strdup_printf("Saved image %s XML configuration not changed.", e.file);
    return vkshEdit(ctl, &ops, &e, unchanged);
}

/* ---- snapshot-edit, checkpoint-edit ---- */

typedef struct {
    virDomainPtr dom;
    virDomainSnapshotPtr snap;
    virDomainCheckpointPtr chk;
    unsigned int defineFlags;
    char *editedName;               /* the name the define returned */
} childEdit;

static char *
snapDump(vkshCtl *ctl, void *opaque)
{
    childEdit *e = opaque;
    char *xml = virDomainSnapshotGetXMLDesc(e->snap, VIR_DOMAIN_SNAPSHOT_XML_SECURE);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
snapDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax G_GNUC_UNUSED)
{
    childEdit *e = opaque;
    g_autoptr(virDomainSnapshot) snap = virDomainSnapshotCreateXML(e->dom, xml, e->defineFlags);

    if (!snap) {
        vkshSaveLibError(ctl);
        return false;
    }
    g_free(e->editedName);
    e->editedName = g_strdup(virDomainSnapshotGetName(snap));
    return true;
}

static const vkshOptDef optsSnapshotEdit[] = {
    VKSH_OPT_DOMAIN,
    { "snapshotname", VKSH_OT_STRING, 0, "snapshot name" },
    { "current", VKSH_OT_BOOL, 0, "also set edited snapshot as current" },
    { "rename", VKSH_OT_BOOL, 0, "allow renaming an existing snapshot" },
    { "clone", VKSH_OT_BOOL, 0, "allow cloning to new name" },
    { NULL, 0, 0, NULL },
};

/* After the define: the same name is an edit, a new one a clone (when
 * allowed) or a rename (the old one goes, when allowed); otherwise the
 * stray copy is removed again. */
static bool
snapshotRenamed(vkshCtl *ctl, const vkshCmd *cmd, childEdit *e, const char *name)
{
    bool rename = vkshOptBool(cmd, "rename");
    g_autoptr(virDomainSnapshot) edited = NULL;

    if (strcmp(name, e->editedName) == 0) {
        vkshPrintExtra(ctl, "Snapshot %s edited.\n", name);
        return true;
    }
    if (vkshOptBool(cmd, "clone")) {
        vkshPrintExtra(ctl, "Snapshot %s cloned to %s.\n", name, e->editedName);
        return true;
    }
    if (!rename && !(edited = virDomainSnapshotLookupByName(e->dom, e->editedName, 0))) {
        vkshReportLibError(ctl);
        return false;
    }
    if (virDomainSnapshotDelete(rename ? e->snap : edited,
                                VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) < 0) {
        vkshReportLibError(ctl);
        vkshError(NULL, "Failed to clean up %s", rename ? name : e->editedName);
        return false;
    }
    if (!rename) {
        vkshError(NULL, "Must use --rename or --clone to change %s to %s",
                  name, e->editedName);
        return false;
    }
    return true;
}

static bool
cmdSnapshotEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshEditOps ops = { snapDump, snapDefine, false };
    const char *snapname = vkshOptString(cmd, "snapshotname");
    bool current = vkshOptBool(cmd, "current");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainSnapshot) snap = NULL;
    g_autofree char *unchanged = NULL;
    g_autofree char *name = NULL;
    childEdit e = { NULL, NULL, NULL, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE, NULL };
    bool ok = false;

    if (!vkshOptExclusive(ctl, cmd, "rename", "clone") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (snapname)
        snap = virDomainSnapshotLookupByName(dom, snapname, 0);
    else if (current)
        snap = virDomainSnapshotCurrent(dom, 0);
    else {
        vkshError(ctl, "--snapshotname or --current is required");
        return false;
    }
    if (!snap) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (current && snapname)
        e.defineFlags |= VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
    e.dom = dom;
    e.snap = snap;
    name = g_strdup(virDomainSnapshotGetName(snap));
    /* Making it current is a change even when the XML is the same. */
    if (!(e.defineFlags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT))
        unchanged = g_strdup_printf("Snapshot %s XML configuration not changed.", name);
    ok = vkshEdit(ctl, &ops, &e, unchanged) &&
         (!e.editedName || snapshotRenamed(ctl, cmd, &e, name));
    g_free(e.editedName);
    if (!ok)
        vkshError(ctl, "Failed to update %s", name);
    return ok;
}

static void vkshChkUnref(virDomainCheckpoint *c) { if (c) virDomainCheckpointFree(c); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCheckpoint, vkshChkUnref)

static char *
chkDump(vkshCtl *ctl, void *opaque)
{
    childEdit *e = opaque;
    char *xml = virDomainCheckpointGetXMLDesc(e->chk, VIR_DOMAIN_CHECKPOINT_XML_SECURE);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
chkDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax G_GNUC_UNUSED)
{
    childEdit *e = opaque;
    g_autoptr(virDomainCheckpoint) chk = virDomainCheckpointCreateXML(e->dom, xml, e->defineFlags);

    if (!chk) {
        vkshSaveLibError(ctl);
        return false;
    }
    g_free(e->editedName);
    e->editedName = g_strdup(virDomainCheckpointGetName(chk));
    return true;
}

static const vkshOptDef optsCheckpointEdit[] = {
    VKSH_OPT_DOMAIN,
    { "checkpointname", VKSH_OT_STRING, 0, "checkpoint name" },
    { NULL, 0, 0, NULL },
};

static bool
cmdCheckpointEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshEditOps ops = { chkDump, chkDefine, false };
    const char *chkname = vkshOptString(cmd, "checkpointname");
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(virDomainCheckpoint) chk = NULL;
    g_autoptr(virDomainCheckpoint) edited = NULL;
    g_autofree char *unchanged = NULL;
    childEdit e = { NULL, NULL, NULL, VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE, NULL };
    bool ok;

    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (!chkname) {
        vkshError(ctl, "--checkpointname is required");
        return false;
    }
    if (!(chk = virDomainCheckpointLookupByName(dom, chkname, 0))) {
        vkshSaveLibError(ctl);
        return false;
    }
    e.dom = dom;
    e.chk = chk;
    unchanged = g_strdup_printf("Checkpoint %s XML configuration not changed.", chkname);
    ok = vkshEdit(ctl, &ops, &e, unchanged);
    if (ok && e.editedName) {
        if (strcmp(chkname, e.editedName) == 0) {
            vkshPrintExtra(ctl, "Checkpoint %s edited.\n", chkname);
        } else {
            /* A checkpoint cannot be renamed: drop the copy the define made. */
            if ((edited = virDomainCheckpointLookupByName(dom, e.editedName, 0)))
                virDomainCheckpointDelete(edited, VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY);
            vkshError(NULL, "Cannot rename checkpoint %s to %s", chkname, e.editedName);
            ok = false;
        }
    }
    g_free(e.editedName);
    if (!ok)
        vkshError(ctl, "Failed to update %s", chkname);
    return ok;
}

/* ---- net-edit, pool-edit, iface-edit, nwfilter-edit ---- */

/* The non-domain objects: one handle, a dump with a fixed flag, a define
 * on the connection, and "<Kind> NAME XML configuration ..." messages. */
typedef struct {
    const char *kind;               /* "Network" */
    virConnectPtr conn;
    void *obj;
    char *(*getXML)(void *obj);
    const char *(*define)(virConnectPtr conn, const char *xml); /* new name or NULL */
} objEdit;

static char *
objDump(vkshCtl *ctl, void *opaque)
{
    objEdit *e = opaque;
    char *xml = e->getXML(e->obj);

    if (!xml)
        vkshSaveLibError(ctl);
    return xml;
}

static bool
objDefine(vkshCtl *ctl, void *opaque, const char *xml, bool relax G_GNUC_UNUSED)
{
    objEdit *e = opaque;
    const char *name = e->define(e->conn, xml);

    if (!name) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "%s %s XML configuration edited.\n", e->kind, name);
    g_free((char *)name);
    return true;
}

static bool
objEditRun(vkshCtl *ctl, objEdit *e, const char *name)
{
    static const vkshEditOps ops = { objDump, objDefine, false };
    g_autofree char *unchanged = g_strdup_printf("%s %s XML configuration not changed.",
                                                 e->kind, name);

    return vkshEdit(ctl, &ops, e, unchanged);
}

static char *netXML(void *o) { return virNetworkGetXMLDesc(o, VIR_NETWORK_XML_INACTIVE); }
static char *poolXML(void *o) { return virStoragePoolGetXMLDesc(o, VIR_STORAGE_XML_INACTIVE); }
static char *ifaceXML(void *o) { return virInterfaceGetXMLDesc(o, VIR_INTERFACE_XML_INACTIVE); }
static char *nwfilterXML(void *o) { return virNWFilterGetXMLDesc(o, 0); }

/* Each define returns the new object's name (g_free'd by objDefine). */
static const char *
netDefine(virConnectPtr conn, const char *xml)
{
    virNetworkPtr n = virNetworkDefineXML(conn, xml);
    char *name = n ? g_strdup(virNetworkGetName(n)) : NULL;

    if (n)
        virNetworkFree(n);
    return name;
}

static const char *
poolDefine(virConnectPtr conn, const char *xml)
{
    virStoragePoolPtr p = virStoragePoolDefineXML(conn, xml, 0);
    char *name = p ? g_strdup(virStoragePoolGetName(p)) : NULL;

    if (p)
        virStoragePoolFree(p);
    return name;
}

static const char *
ifaceDefine(virConnectPtr conn, const char *xml)
{
    virInterfacePtr i = virInterfaceDefineXML(conn, xml, 0);
    char *name = i ? g_strdup(virInterfaceGetName(i)) : NULL;

    if (i)
        virInterfaceFree(i);
    return name;
}

static const char *
nwfilterDefine(virConnectPtr conn, const char *xml)
{
    virNWFilterPtr f = virNWFilterDefineXML(conn, xml);
    char *name = f ? g_strdup(virNWFilterGetName(f)) : NULL;

    if (f)
        virNWFilterFree(f);
    return name;
}

static const vkshOptDef optsNetEdit[] = {
    { "network", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network name or uuid" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNetEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNetworkPtr net = vkshCommandNetwork(ctl, cmd, "network");
    objEdit e = { "Network", ctl->conn, net, netXML, netDefine };
    bool ok;

    if (!net)
        return false;
    ok = objEditRun(ctl, &e, virNetworkGetName(net));
    virNetworkFree(net);
    return ok;
}

static const vkshOptDef optsPoolEdit[] = {
    { "pool", VKSH_OT_DATA, VKSH_OFLAG_REQ, "pool name or uuid" },
    { NULL, 0, 0, NULL },
};

static bool
cmdPoolEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    virStoragePoolPtr pool = vkshLookupPool(ctl, vkshOptString(cmd, "pool"));
    objEdit e = { "Pool", ctl->conn, pool, poolXML, poolDefine };
    bool ok;

    if (!pool)
        return false;
    ok = objEditRun(ctl, &e, virStoragePoolGetName(pool));
    virStoragePoolFree(pool);
    return ok;
}

static const vkshOptDef optsIfaceEdit[] = {
    { "interface", VKSH_OT_DATA, VKSH_OFLAG_REQ, "interface name or MAC address" },
    { NULL, 0, 0, NULL },
};

static bool
cmdIfaceEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *n = vkshOptString(cmd, "interface");
    virInterfacePtr iface = virInterfaceLookupByName(ctl->conn, n);
    objEdit e = { "Interface", ctl->conn, NULL, ifaceXML, ifaceDefine };
    bool ok;

    if (!iface && strlen(n) == 17 && n[2] == ':')
        iface = virInterfaceLookupByMACString(ctl->conn, n);
    if (!iface) {
        vkshError(ctl, "failed to get interface '%s'", n);
        return false;
    }
    e.obj = iface;
    ok = objEditRun(ctl, &e, virInterfaceGetName(iface));
    virInterfaceFree(iface);
    return ok;
}

static const vkshOptDef optsNwfilterEdit[] = {
    { "nwfilter", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network filter name or uuid" },
    { NULL, 0, 0, NULL },
};

static bool
cmdNwfilterEdit(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *n = vkshOptString(cmd, "nwfilter");
    virNWFilterPtr f = NULL;
    objEdit e = { "Network filter", ctl->conn, NULL, nwfilterXML, nwfilterDefine };
    bool ok;

    if (strlen(n) == VIR_UUID_STRING_BUFLEN - 1)
        f = virNWFilterLookupByUUIDString(ctl->conn, n);
    if (!f)
        f = virNWFilterLookupByName(ctl->conn, n);
    if (!f) {
        vkshError(ctl, "failed to get nwfilter '%s'", n);
        return false;
    }
    e.obj = f;
    ok = objEditRun(ctl, &e, virNWFilterGetName(f));
    virNWFilterFree(f);
    return ok;
}

VKSH_CMD(vkshCmdEdit, "edit", cmdEdit, optsEdit,
         "edit XML configuration for a domain",
         "Edit the XML configuration for a domain.");
VKSH_CMD(vkshCmdManagedSaveEdit, "managedsave-edit", cmdManagedSaveEdit, optsManagedSaveEdit,
         "edit XML for a domain's managed save state file",
         "Edit the domain XML associated with the managed save state file");
VKSH_CMD(vkshCmdSaveImageEdit, "save-image-edit", cmdSaveImageEdit, optsSaveImageEdit,
         "edit XML for a domain's saved state file",
         "Edit the domain XML associated with a saved state file");
VKSH_CMD(vkshCmdSnapshotEdit, "snapshot-edit", cmdSnapshotEdit, optsSnapshotEdit,
         "edit XML for a snapshot",
         "Edit the domain snapshot XML for a named snapshot");
VKSH_CMD(vkshCmdCheckpointEdit, "checkpoint-edit", cmdCheckpointEdit, optsCheckpointEdit,
         "edit XML for a checkpoint",
         "Edit the domain checkpoint XML for a named checkpoint");
VKSH_CMD(vkshCmdNetEdit, "net-edit", cmdNetEdit, optsNetEdit,
         "edit XML configuration for a network",
         "Edit the XML configuration for a network.");
VKSH_CMD(vkshCmdPoolEdit, "pool-edit", cmdPoolEdit, optsPoolEdit,
         "edit XML configuration for a storage pool",
         "Edit the XML configuration for a storage pool.");
VKSH_CMD(vkshCmdIfaceEdit, "iface-edit", cmdIfaceEdit, optsIfaceEdit,
         "edit XML configuration for a physical host interface",
         "Edit the XML configuration for a physical host interface.");
VKSH_CMD(vkshCmdNwfilterEdit, "nwfilter-edit", cmdNwfilterEdit, optsNwfilterEdit,
         "edit XML configuration for a network filter",
         "Edit the XML configuration for a network filter.");

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-nwfilter.c: virsh's nwfilter-* and nwfilter-binding-* commands.
 * virtkit has no network filter driver, so every call answers the
 * driver's VIR_ERR_NO_SUPPORT; the commands exist so that scripts get
 * virsh's messages and that error rather than "unknown command".  A filter
 * argument is a UUID or a name, a binding argument its port device. */
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

#define OPTS_END { NULL, 0, 0, NULL }

static const vkshOptDef optsFilter[] = {
    { "nwfilter", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network filter name or uuid" }, OPTS_END,
};
static const vkshOptDef optsBinding[] = {
    { "binding", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network filter binding port dev" }, OPTS_END,
};
static const vkshOptDef optsBindingDumpxml[] = {
    { "binding", VKSH_OT_DATA, VKSH_OFLAG_REQ, "network filter binding portdev" }, OPTS_END,
};
static const vkshOptDef optsNone[] = { OPTS_END };
static const vkshOptDef optsDefine[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "file containing an XML network filter description" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    OPTS_END,
};
static const vkshOptDef optsBindingCreate[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ,
      "file containing an XML network filter binding description" },
    { "validate", VKSH_OT_BOOL, 0, "validate the XML against the schema" },
    OPTS_END,
};

static virNWFilterPtr
commandFilter(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *n = vkshOptString(cmd, "nwfilter");
    virNWFilterPtr f = NULL;

    if (strlen(n) == VIR_UUID_STRING_BUFLEN - 1)
        f = virNWFilterLookupByUUIDString(ctl->conn, n);
    if (!f)
        f = virNWFilterLookupByName(ctl->conn, n);
    if (!f)
        vkshError(ctl, "failed to get nwfilter '%s'", n);
    return f;
}

static virNWFilterBindingPtr
commandBinding(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *n = vkshOptString(cmd, "binding");
    virNWFilterBindingPtr b = virNWFilterBindingLookupByPortDev(ctl->conn, n);

    if (!b)
        vkshError(ctl, "failed to get nwfilter binding '%s'", n);
    return b;
}

static bool
cmdFilterDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    virNWFilterPtr f;

    if (!xml)
        return false;
    f = vkshOptBool(cmd, "validate") ?
        virNWFilterDefineXMLFlags(ctl->conn, xml, VIR_NWFILTER_DEFINE_VALIDATE) :
        virNWFilterDefineXML(ctl->conn, xml);
    if (!f) {
        vkshError(ctl, "Failed to define network filter from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Network filter %s defined from %s\n", virNWFilterGetName(f), file);
    virNWFilterFree(f);
    return true;
}

static bool
cmdFilterUndefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "nwfilter");
    virNWFilterPtr f = commandFilter(ctl, cmd);
    int rc;

    if (!f)
        return false;
    rc = virNWFilterUndefine(f);
    virNWFilterFree(f);
    if (rc < 0) {
        vkshError(ctl, "Failed to undefine network filter %s", name);
        return false;
    }
    vkshPrintExtra(ctl, "Network filter %s undefined\n", name);
    return true;
}

static bool
cmdFilterDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNWFilterPtr f = commandFilter(ctl, cmd);
    g_autofree char *xml = NULL;

    if (!f)
        return false;
    xml = virNWFilterGetXMLDesc(f, 0);
    virNWFilterFree(f);
    if (!xml)
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static int
filterByName(const void *a, const void *b)
{
    return strcmp(virNWFilterGetName(*(virNWFilterPtr const *)a),
                  virNWFilterGetName(*(virNWFilterPtr const *)b));
}

static bool
cmdFilterList(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNWFilterPtr *filters = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if ((n = virConnectListAllNWFilters(ctl->conn, &filters, 0)) < 0) {
        /* virsh falls back to the older count call, and names its failure */
        if (vkshNoSupport() && virConnectNumOfNWFilters(ctl->conn) < 0)
            vkshError(ctl, "Failed to count network filters");
        else
            vkshError(ctl, "Failed to list network filters");
        return false;
    }
    qsort(filters, n, sizeof(*filters), filterByName);
    table = vkshTableNew("UUID", "Name", NULL);
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN] = "";

        virNWFilterGetUUIDString(filters[i], uuid);
        vkshTableAddRow(table, uuid, virNWFilterGetName(filters[i]), NULL);
        virNWFilterFree(filters[i]);
    }
    g_free(filters);
    vkshTablePrint(ctl, table);
    return true;
}

static bool
cmdBindingCreate(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = vkshReadFile(ctl, file);
    virNWFilterBindingPtr b;

    if (!xml)
        return false;
    if (!(b = virNWFilterBindingCreateXML(ctl->conn, xml, vkshOptBool(cmd, "validate") ?
                                          VIR_NWFILTER_BINDING_CREATE_VALIDATE : 0))) {
        vkshError(ctl, "Failed to create network filter from %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "Network filter binding on %s created from %s\n",
                   virNWFilterBindingGetPortDev(b), file);
    virNWFilterBindingFree(b);
    return true;
}

static bool
cmdBindingDelete(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name = vkshOptString(cmd, "binding");
    virNWFilterBindingPtr b = commandBinding(ctl, cmd);
    int rc;

    if (!b)
        return false;
    rc = virNWFilterBindingDelete(b);
    virNWFilterBindingFree(b);
    if (rc < 0) {
        vkshError(ctl, "Failed to delete network filter binding %s", name);
        return false;
    }
    vkshPrintExtra(ctl, "Network filter binding on %s deleted\n", name);
    return true;
}

static bool
cmdBindingDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNWFilterBindingPtr b = commandBinding(ctl, cmd);
    g_autofree char *xml = NULL;

    if (!b)
        return false;
    xml = virNWFilterBindingGetXMLDesc(b, 0);
    virNWFilterBindingFree(b);
    if (!xml)
        return false;
    vkshPrint(ctl, "%s", xml);
    return true;
}

static int
bindingByPort(const void *a, const void *b)
{
    return strcmp(virNWFilterBindingGetPortDev(*(virNWFilterBindingPtr const *)a),
                  virNWFilterBindingGetPortDev(*(virNWFilterBindingPtr const *)b));
}

static bool
cmdBindingList(vkshCtl *ctl, const vkshCmd *cmd)
{
    virNWFilterBindingPtr *bindings = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if ((n = virConnectListAllNWFilterBindings(ctl->conn, &bindings, 0)) < 0) {
        vkshError(ctl, "Failed to list network filter bindings");
        return false;
    }
    qsort(bindings, n, sizeof(*bindings), bindingByPort);
    table = vkshTableNew("Port Dev", "Filter", NULL);
    for (int i = 0; i < n; i++) {
        vkshTableAddRow(table, virNWFilterBindingGetPortDev(bindings[i]),
                        virNWFilterBindingGetFilterName(bindings[i]), NULL);
        virNWFilterBindingFree(bindings[i]);
    }
    g_free(bindings);
    vkshTablePrint(ctl, table);
    return true;
}

static VKSH_CMD(cmdDefDefine, "nwfilter-define", cmdFilterDefine, optsDefine,
                "define or update a network filter from an XML file",
                "Define a new network filter or update an existing one.");
static VKSH_CMD(cmdDefDumpxml, "nwfilter-dumpxml", cmdFilterDumpxml, optsFilter,
                "network filter information in XML",
                "Output the network filter information as an XML dump to stdout.");
static VKSH_CMD(cmdDefList, "nwfilter-list", cmdFilterList, optsNone,
                "list network filters", "Returns list of network filters.");
static VKSH_CMD(cmdDefUndefine, "nwfilter-undefine", cmdFilterUndefine, optsFilter,
                "undefine a network filter", "Undefine a given network filter.");
static VKSH_CMD(cmdDefBindingCreate, "nwfilter-binding-create", cmdBindingCreate,
                optsBindingCreate, "create a network filter binding from an XML file",
                "Create a new network filter binding.");
static VKSH_CMD(cmdDefBindingDelete, "nwfilter-binding-delete", cmdBindingDelete, optsBinding,
                "delete a network filter binding", "Delete a given network filter binding.");
static VKSH_CMD(cmdDefBindingDumpxml, "nwfilter-binding-dumpxml", cmdBindingDumpxml,
                optsBindingDumpxml, "network filter information in XML",
                "Output the network filter information as an XML dump to stdout.");
static VKSH_CMD(cmdDefBindingList, "nwfilter-binding-list", cmdBindingList, optsNone,
                "list network filter bindings", "Returns list of network filter bindings.");

const vkshCmdDef *const vkshNWFilterCmds[] = {
    &cmdDefDefine, &cmdDefDumpxml, &vkshCmdNwfilterEdit, &cmdDefList, &cmdDefUndefine,
    &cmdDefBindingCreate,
    &cmdDefBindingDelete, &cmdDefBindingDumpxml, &cmdDefBindingList,
    NULL,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-monitor.c: list, dominfo and domstate — the commands people run
 * most and whose output scripts parse, so the layout is virsh's to the
 * column: list sorts running domains by id and the rest by name, dominfo
 * pads every label to fifteen columns and leaves out lines whose data the
 * driver cannot give. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"

static const vkshOptDef optsList[] = {
    { "inactive", VKSH_OT_BOOL, 0, "list inactive domains" },
    { "all", VKSH_OT_BOOL, 0, "list both active and inactive domains" },
    { "transient", VKSH_OT_BOOL, 0, "only transient domains" },
    { "persistent", VKSH_OT_BOOL, 0, "only persistent domains" },
    { "with-snapshot", VKSH_OT_BOOL, 0, "only domains with a snapshot" },
    { "without-snapshot", VKSH_OT_BOOL, 0, "only domains without a snapshot" },
    { "with-checkpoint", VKSH_OT_BOOL, 0, "only domains with a checkpoint" },
    { "without-checkpoint", VKSH_OT_BOOL, 0, "only domains without a checkpoint" },
    { "state-running", VKSH_OT_BOOL, 0, "only running domains" },
    { "state-paused", VKSH_OT_BOOL, 0, "only paused domains" },
    { "state-shutoff", VKSH_OT_BOOL, 0, "only shut off domains" },
    { "state-other", VKSH_OT_BOOL, 0, "only domains in any other state" },
    { "autostart", VKSH_OT_BOOL, 0, "only domains that start with the host" },
    { "no-autostart", VKSH_OT_BOOL, 0, "only domains that do not start with the host" },
    { "with-managed-save", VKSH_OT_BOOL, 0, "only domains with a managed save image" },
    { "without-managed-save", VKSH_OT_BOOL, 0, "only domains without a managed save image" },
    { "uuid", VKSH_OT_BOOL, 0, "print UUIDs only" },
    { "name", VKSH_OT_BOOL, 0, "print names only" },
    { "id", VKSH_OT_BOOL, 0, "print ids only" },
    { "table", VKSH_OT_BOOL, 0, "print a table (the default)" },
    { "managed-save", VKSH_OT_BOOL, 0, "show 'saved' for domains with a managed save image" },
    { "title", VKSH_OT_BOOL, 0, "add a column with each domain's title" },
    { NULL, 0, 0, NULL },
};

static int
compareDomains(const void *a, const void *b)
{
    virDomainPtr da = *(virDomainPtr const *)a;
    virDomainPtr db = *(virDomainPtr const *)b;
    unsigned int ia = virDomainGetID(da), ib = virDomainGetID(db);

    if (ia != (unsigned int)-1 && ib != (unsigned int)-1)
        return ia < ib ? -1 : ia > ib;
    if (ia != (unsigned int)-1)
        return -1;
    if (ib != (unsigned int)-1)
        return 1;
    return g_ascii_strcasecmp(virDomainGetName(da), virDomainGetName(db));
}

static char *
domainTitle(virDomainPtr dom)
{
    g_autofree char *title = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_TITLE,
                                                  NULL, 0);
    char *nl;

    virResetLastError();
    if (!title)
        return g_strdup("");
    if ((nl = strchr(title, '\n')))
        *nl = '\0';
    return g_steal_pointer(&title);
}

static bool
cmdList(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const vkshOptFlag filters[] = {
        { "transient", VIR_CONNECT_LIST_DOMAINS_TRANSIENT },
        { "persistent", VIR_CONNECT_LIST_DOMAINS_PERSISTENT },
        { "with-snapshot", VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT },
        { "without-snapshot", VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT },
        { "with-checkpoint", VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT },
        { "without-checkpoint", VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT },
        { "state-running", VIR_CONNECT_LIST_DOMAINS_RUNNING },
        { "state-paused", VIR_CONNECT_LIST_DOMAINS_PAUSED },
        { "state-shutoff", VIR_CONNECT_LIST_DOMAINS_SHUTOFF },
        { "state-other", VIR_CONNECT_LIST_DOMAINS_OTHER },
        { "autostart", VIR_CONNECT_LIST_DOMAINS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART },
        { "with-managed-save", VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE },
        { "without-managed-save", VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE },
    };
    bool optUUID = vkshOptBool(cmd, "uuid");
    bool optName = vkshOptBool(cmd, "name");
    bool optID = vkshOptBool(cmd, "id");
    bool optTitle = vkshOptBool(cmd, "title");
    bool managed = vkshOptBool(cmd, "managed-save");
    unsigned int flags = 0;
    virDomainPtr *doms = NULL;
    g_autoptr(vkshTable) table = NULL;
    int n;

    if (!vkshOptExclusive(ctl, cmd, "table", "name") ||
        !vkshOptExclusive(ctl, cmd, "table", "uuid") ||
        !vkshOptExclusive(ctl, cmd, "table", "id"))
        return false;
    if (vkshOptBool(cmd, "all"))
        flags |= VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    else if (vkshOptBool(cmd, "inactive"))
        flags |= VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    else
        flags |= VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    flags |= VKSH_OPT_FLAGS(cmd, filters);
    /* A state filter asks for domains in that state, active or not. */
    if (flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER))
        flags &= ~(VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_INACTIVE);

    if ((n = virConnectListAllDomains(ctl->conn, &doms, flags)) < 0) {
        vkshError(ctl, "Failed to list domains");
        return false;
    }
    qsort(doms, n, sizeof(*doms), compareDomains);

    if (!optUUID && !optName && !optID) {
        if (optTitle)
            table = vkshTableNew("Id", "Name", "State", "Title", NULL);
        else
            table = vkshTableNew("Id", "Name", "State", NULL);
    }
    for (int i = 0; i < n; i++) {
        virDomainPtr dom = doms[i];
        unsigned int id = virDomainGetID(dom);
        g_autofree char *idStr = id == (unsigned int)-1 ? g_strdup("-")
                                                         : g_strdup_printf("%u", id);
        char uuid[VIR_UUID_STRING_BUFLEN] = "";

        if (table) {
            const char *state;
            int st = VIR_DOMAIN_NOSTATE;

            if (virDomainGetState(dom, &st, NULL, 0) < 0)
                st = VIR_DOMAIN_NOSTATE;
            state = vkshStateToString(st);
            if (managed && st == VIR_DOMAIN_SHUTOFF &&
                virDomainHasManagedSaveImage(dom, 0) > 0)
                state = "saved";
            if (optTitle) {
                g_autofree char *title = domainTitle(dom);

                vkshTableAddRow(table, idStr, virDomainGetName(dom), state,
                                title, NULL);
            } else {
                vkshTableAddRow(table, idStr, virDomainGetName(dom), state, NULL);
            }
            continue;
        }
        if (optID && !optName && !optUUID) {
            if (id != (unsigned int)-1)
                vkshPrint(ctl, "%s\n", idStr);
            continue;
        }
        /* Any mix of the three prints uuid, id, name in that order. */
        {
            g_autoptr(GString) line = g_string_new(NULL);

            if (optUUID && virDomainGetUUIDString(dom, uuid) == 0)
                g_string_append_printf(line, "%s ", uuid);
            if (optID)
                g_string_append_printf(line, "%s ", idStr);
            if (optName)
                g_string_append_printf(line, "%s ", virDomainGetName(dom));
            g_string_truncate(line, line->len ? line->len - 1 : 0);
            vkshPrint(ctl, "%s\n", line->str);
        }
    }
    if (table)
        vkshTablePrint(ctl, table);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return true;
}

#define FIELD "%-15s "

static bool
cmdDominfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    virSecurityModel secmodel;
    virSecurityLabel seclabel;
    virDomainInfo info;
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *ostype = NULL;
    unsigned int id;
    int state, reason, val;

    if (!dom)
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        vkshPrint(ctl, FIELD "%s\n", "Id:", "-");
    else
        vkshPrint(ctl, FIELD "%u\n", "Id:", id);
    vkshPrint(ctl, FIELD "%s\n", "Name:", virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        vkshPrint(ctl, FIELD "%s\n", "UUID:", uuid);
    if ((ostype = virDomainGetOSType(dom)))
        vkshPrint(ctl, FIELD "%s\n", "OS Type:", ostype);

    if (virDomainGetInfo(dom, &info) == 0) {
        if (virDomainGetState(dom, &state, &reason, 0) < 0)
            state = info.state;
        vkshPrint(ctl, FIELD "%s\n", "State:", vkshStateToString(state));
        vkshPrint(ctl, FIELD "%d\n", "CPU(s):", info.nrVirtCpu);
        if (info.cpuTime != 0)
            vkshPrint(ctl, FIELD "%.1lfs\n", "CPU time:", info.cpuTime / 1e9);
        if (info.maxMem != UINT_MAX)
            vkshPrint(ctl, FIELD "%lu KiB\n", "Max memory:", info.maxMem);
        else
            vkshPrint(ctl, FIELD "%s\n", "Max memory:", "no limit");
        vkshPrint(ctl, FIELD "%lu KiB\n", "Used memory:", info.memory);
    } else {
        vkshPrint(ctl, FIELD "%s\n", "State:", "no state");
    }

    val = virDomainIsPersistent(dom);
    vkshPrint(ctl, FIELD "%s\n", "Persistent:",
              val < 0 ? "unknown" : val ? "yes" : "no");
    if (virDomainGetAutostart(dom, &val) < 0)
        vkshPrint(ctl, FIELD "%s\n", "Autostart:", "no autostart");
    else
        vkshPrint(ctl, FIELD "%s\n", "Autostart:", val ? "enable" : "disable");
    val = virDomainHasManagedSaveImage(dom, 0);
    vkshPrint(ctl, FIELD "%s\n", "Managed save:",
              val < 0 ? "unknown" : val ? "yes" : "no");

    /* Security lines only where the driver has a security model. */
    memset(&secmodel, 0, sizeof(secmodel));
    if (virNodeGetSecurityModel(ctl->conn, &secmodel) < 0) {
        virErrorPtr err = virGetLastError();

        if (!err || err->code != VIR_ERR_NO_SUPPORT) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshResetLibError(ctl);
        return true;
    }
    if (secmodel.model[0] == '\0')
        return true;
    vkshPrint(ctl, FIELD "%s\n", "Security model:", secmodel.model);
    vkshPrint(ctl, FIELD "%s\n", "Security DOI:", secmodel.doi);
    memset(&seclabel, 0, sizeof(seclabel));
    if (virDomainGetSecurityLabel(dom, &seclabel) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    if (seclabel.label[0] != '\0')
        vkshPrint(ctl, FIELD "%s (%s)\n", "Security label:", seclabel.label,
                  seclabel.enforcing ? "enforcing" : "permissive");
    return true;
}

static const vkshOptDef optsDomstate[] = {
    VKSH_OPT_DOMAIN,
    { "reason", VKSH_OT_BOOL, 0, "also say why the domain is in that state" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomstate(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int state, reason;

    if (!dom)
        return false;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        vkshError(ctl, "Unable to get domain status");
        return false;
    }
    if (vkshOptBool(cmd, "reason"))
        vkshPrint(ctl, "%s (%s)\n", vkshStateToString(state),
                  vkshStateReasonToString(state, reason));
    else
        vkshPrint(ctl, "%s\n", vkshStateToString(state));
    return true;
}

static const vkshCmdDef cmdDefDominfo = {
    "dominfo", cmdDominfo, vkshOptsDomainOnly, "domain information",
    "Shows the domain's id, state, CPUs, memory and other basic facts.", 0,
};
static const vkshCmdDef cmdDefDomstate = {
    "domstate", cmdDomstate, optsDomstate, "domain state",
    "Shows the domain's state, and with --reason the cause of it.", 0,
};
static const vkshCmdDef cmdDefList = {
    "list", cmdList, optsList, "list domains",
    "Lists domains; only running ones unless --all or --inactive is given.", 0,
};

const vkshCmdDef *const vkshMonitorCmds[] = {
    &vkshCmdDomblkerror,
    &vkshCmdDomcontrol,
    &vkshCmdDomblkinfo,
    &vkshCmdDomblklist,
    &vkshCmdDomblkstat,
    &vkshCmdDomblkthreshold,
    &vkshCmdDomifaddr,
    &vkshCmdDomifGetlink,
    &vkshCmdDomiflist,
    &vkshCmdDomifstat,
    &cmdDefDominfo,
    &vkshCmdDommemstat,
    &cmdDefDomstate,
    &vkshCmdDomstats,
    &cmdDefList,
    NULL,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-domguest.c: IOThreads, vCPU/lifecycle/metadata settings, the
 * guest-agent commands (domfs*, domhostname, passwords and SSH keys) and
 * the managed-save / save-image XML commands. Each maps virsh 9.0's
 * options onto one API call and prints virsh's message. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

static bool
printXML(vkshCtl *ctl, char *xml)
{
    size_t len;

    if (!xml) {
        vkshSaveLibError(ctl);
        return false;
    }
    len = strlen(xml);
    vkshPrint(ctl, "%s%s", xml, len && xml[len - 1] == '\n' ? "" : "\n");
    g_free(xml);
    return true;
}

/* ---- iothreadinfo, iothreadadd, iothreaddel, iothreadpin, iothreadset ---- */

static const vkshOptDef optsIothreadinfo[] = {
    VKSH_OPT_DOMAIN,
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdIothreadinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(vkshTable) table = NULL;
    virDomainIOThreadInfoPtr *info = NULL;
    unsigned int flags;
    int n, ncpus;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if ((ncpus = vkshHostCpuCount(ctl)) < 0)
        return false;
    if ((n = virDomainGetIOThreadInfo(dom, &info, flags)) < 0) {
        vkshError(ctl, "Unable to get domain IOThreads information");
        return false;
    }
    if (n == 0) {
        vkshPrintExtra(ctl, "No IOThreads found for the domain");
        return true;
    }
    table = vkshTableNew("IOThread ID", "CPU Affinity", NULL);
    for (int i = 0; i < n; i++) {
        g_autofree char *id = g_strdup_printf("%u", info[i]->iothread_id);
        g_autofree char *map = vkshCpumapFormat(info[i]->cpumap,
                                                MIN(ncpus, info[i]->cpumaplen * 8));

        vkshTableAddRow(table, id, map, NULL);
        virDomainIOThreadInfoFree(info[i]);
    }
    g_free(info);
    vkshTablePrint(ctl, table);
    return true;
}

static const vkshOptDef optsIothreadId[] = {
    VKSH_OPT_DOMAIN,
    { "id", VKSH_OT_INT, VKSH_OFLAG_REQ, "iothread for the new IOThread" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
iothreadAddDel(vkshCtl *ctl, const vkshCmd *cmd, bool add)
{
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;
    int id = 0;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        vkshOptInt(ctl, cmd, "id", &id) < 0)
        return false;
    if (id <= 0) {
        vkshError(ctl, "Invalid IOThread id value: '%d'", id);
        return false;
    }
    if ((add ? virDomainAddIOThread(dom, id, flags)
             : virDomainDelIOThread(dom, id, flags)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static bool
cmdIothreadadd(vkshCtl *ctl, const vkshCmd *cmd)
{
    return iothreadAddDel(ctl, cmd, true);
}

static bool
cmdIothreaddel(vkshCtl *ctl, const vkshCmd *cmd)
{
    return iothreadAddDel(ctl, cmd, false);
}

static const vkshOptDef optsIothreadpin[] = {
    VKSH_OPT_DOMAIN,
    { "iothread", VKSH_OT_INT, VKSH_OFLAG_REQ, "IOThread ID number" },
    { "cpulist", VKSH_OT_DATA, VKSH_OFLAG_REQ, "host cpu number(s) to set" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdIothreadpin(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = NULL;
    g_autofree unsigned char *map = NULL;
    unsigned int flags;
    int id = 0, ncpus, maplen = 0;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        vkshOptInt(ctl, cmd, "iothread", &id) < 0 ||
        (ncpus = vkshHostCpuCount(ctl)) < 0)
        return false;
    if (!(map = vkshParseCpulist(ctl, vkshOptString(cmd, "cpulist"), ncpus, &maplen)))
        return false;
    if (virDomainPinIOThread(dom, id, map, maplen, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsIothreadset[] = {
    VKSH_OPT_DOMAIN,
    { "id", VKSH_OT_INT, VKSH_OFLAG_REQ, "iothread id of existing IOThread" },
    { "poll-max-ns", VKSH_OT_STRING, 0, "set the maximum IOThread polling time in ns" },
    { "poll-grow", VKSH_OT_STRING, 0, "set the value to increase the IOThread polling time" },
    { "poll-shrink", VKSH_OT_STRING, 0,
      "set the value for reduction of the IOThread polling time" },
    { "thread-pool-min", VKSH_OT_STRING, 0, "lower boundary for worker thread pool" },
    { "thread-pool-max", VKSH_OT_STRING, 0, "upper boundary for worker thread pool" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdIothreadset(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const struct { const char *opt, *field; int type; } knobs[] = {
        { "poll-max-ns", VIR_DOMAIN_IOTHREAD_POLL_MAX_NS, VIR_TYPED_PARAM_ULLONG },
        { "poll-grow", VIR_DOMAIN_IOTHREAD_POLL_GROW, VIR_TYPED_PARAM_UINT },
        { "poll-shrink", VIR_DOMAIN_IOTHREAD_POLL_SHRINK, VIR_TYPED_PARAM_UINT },
        { "thread-pool-min", VIR_DOMAIN_IOTHREAD_THREAD_POOL_MIN, VIR_TYPED_PARAM_INT },
        { "thread-pool-max", VIR_DOMAIN_IOTHREAD_THREAD_POOL_MAX, VIR_TYPED_PARAM_INT },
    };
    g_autoptr(virDomain) dom = NULL;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, id = 0;
    unsigned int flags;
    bool ok = false;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)) ||
        vkshOptInt(ctl, cmd, "id", &id) < 0)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(knobs); i++) {
        const char *str = vkshOptString(cmd, knobs[i].opt);
        char *end = NULL;
        long long v;
        int rc;

        if (!str)
            continue;
        errno = 0;
        v = strtoll(str, &end, 10);
        if (errno || end == str || *end || v < (knobs[i].type == VIR_TYPED_PARAM_INT ? INT_MIN : 0) ||
            (knobs[i].type != VIR_TYPED_PARAM_ULLONG && v > (knobs[i].type == VIR_TYPED_PARAM_INT ?
                                                              INT_MAX : (long long)UINT_MAX))) {
            vkshError(ctl, "Numeric value '%s' for <%s> option is malformed or out of range",
                      str, knobs[i].opt);
            goto cleanup;
        }
        if (knobs[i].type == VIR_TYPED_PARAM_ULLONG)
            rc = virTypedParamsAddULLong(&params, &n, &max, knobs[i].field, v);
        else if (knobs[i].type == VIR_TYPED_PARAM_UINT)
            rc = virTypedParamsAddUInt(&params, &n, &max, knobs[i].field, v);
        else
            rc = virTypedParamsAddInt(&params, &n, &max, knobs[i].field, v);
        if (rc < 0)
            goto cleanup;
    }
    if (!n) {
        vkshError(ctl, "Not enough arguments passed, nothing to set");
        goto cleanup;
    }
    if (virDomainSetIOThreadParams(dom, id, params, n, flags) < 0) {
        vkshSaveLibError(ctl);
        goto cleanup;
    }
    ok = true;
 cleanup:
    virTypedParamsFree(params, n);
    return ok;
}

/* ---- setvcpu, set-lifecycle-action ---- */

static const vkshOptDef optsSetvcpu[] = {
    VKSH_OPT_DOMAIN,
    { "vcpulist", VKSH_OT_DATA, VKSH_OFLAG_REQ, "ids of vcpus to manipulate" },
    { "enable", VKSH_OT_BOOL, 0, "enable cpus specified by cpumap" },
    { "disable", VKSH_OT_BOOL, 0, "disable cpus specified by cpumap" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static bool
cmdSetvcpu(vkshCtl *ctl, const vkshCmd *cmd)
{
    bool enable = vkshOptBool(cmd, "enable");
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;

    if (!vkshOptExclusive(ctl, cmd, "enable", "disable") ||
        !vkshAffectFlags(ctl, cmd, &flags))
        return false;
    if (!enable && !vkshOptBool(cmd, "disable")) {
        vkshError(ctl, "one of --enable, --disable is required");
        return false;
    }
    if (!(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (virDomainSetVcpu(dom, vkshOptString(cmd, "vcpulist"), enable, flags) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    return true;
}

static const vkshOptDef optsLifecycle[] = {
    VKSH_OPT_DOMAIN,
    { "type", VKSH_OT_DATA, VKSH_OFLAG_REQ, "lifecycle type to modify" },
    { "action", VKSH_OT_DATA, VKSH_OFLAG_REQ, "lifecycle action to set" },
    VKSH_OPTS_AFFECT,
    { NULL, 0, 0, NULL },
};

static int
enumIndex(const char *const *table, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i], s) == 0)
            return i;
    }
    return -1;
}

static bool
cmdSetLifecycleAction(vkshCtl *ctl, const vkshCmd *cmd)
{
    static const char *const types[] = { "poweroff", "reboot", "crash" };
    static const char *const actions[] = { "destroy", "restart", "rename-restart",
                                           "preserve", "coredump-destroy", "coredump-restart" };
    const char *typeStr = vkshOptString(cmd, "type");
    const char *actionStr = vkshOptString(cmd, "action");
    g_autoptr(virDomain) dom = NULL;
    unsigned int flags;
    int type, action;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if ((type = enumIndex(types, G_N_ELEMENTS(types), typeStr)) < 0) {
        vkshError(ctl, "Invalid lifecycle type '%s'.", typeStr);
        return false;
    }
    if ((action = enumIndex(actions, G_N_ELEMENTS(actions), actionStr)) < 0) {
        vkshError(ctl, "Invalid lifecycle action '%s'.", actionStr);
        return false;
    }
    if (virDomainSetLifecycleAction(dom, type, action, flags) < 0) {
        vkshError(ctl, "Unable to change lifecycle action.");
        return false;
    }
    return true;
}

/* ---- metadata ---- */

static const vkshOptDef optsMetadata[] = {
    VKSH_OPT_DOMAIN,
    { "uri", VKSH_OT_DATA, VKSH_OFLAG_REQ, "URI of the namespace" },
    { "live", VKSH_OT_BOOL, 0, "modify/get running state" },
    { "config", VKSH_OT_BOOL, 0, "modify/get persistent configuration" },
    { "current", VKSH_OT_BOOL, 0, "modify/get current state configuration" },
    { "key", VKSH_OT_STRING, 0, "key to be used as a namespace identifier" },
    { "set", VKSH_OT_STRING, 0, "new metadata to set" },
    { "remove", VKSH_OT_BOOL, 0, "remove the metadata corresponding to an uri" },
    { NULL, 0, 0, NULL },
};

static bool
cmdMetadata(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *uri = vkshOptString(cmd, "uri");
    const char *key = vkshOptString(cmd, "key");
    const char *set = vkshOptString(cmd, "set");
    bool rm = vkshOptBool(cmd, "remove");
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *data = NULL;
    unsigned int flags;

    if (!vkshAffectFlags(ctl, cmd, &flags) ||
        !vkshOptExclusive(ctl, cmd, "set", "remove") ||
        !(dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY)))
        return false;
    if (set || rm) {
        if (set && !key) {
            vkshError(ctl, "namespace key is required when modifying metadata");
            return false;
        }
        if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, set, key, uri, flags) < 0) {
            vkshSaveLibError(ctl);
            return false;
        }
        vkshPrintExtra(ctl, rm ? "Metadata removed\n" : "Metadata modified\n");
        return true;
    }
    if (!(data = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, uri, flags))) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrint(ctl, "%s\n", data);
    return true;
}

/* ---- guest agent: domhostname, domfsinfo/freeze/thaw/trim, passwords, keys ---- */

static const vkshOptDef optsDomhostname[] = {
    VKSH_OPT_DOMAIN,
    { "source", VKSH_OT_STRING, 0, "address source: 'lease' or 'agent'" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomhostname(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *source = vkshOptString(cmd, "source");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autofree char *host = NULL;
    unsigned int flags = 0;

    if (!dom)
        return false;
    if (source) {
        if (strcmp(source, "lease") == 0) {
            flags = VIR_DOMAIN_GET_HOSTNAME_LEASE;
        } else if (strcmp(source, "agent") == 0) {
            flags = VIR_DOMAIN_GET_HOSTNAME_AGENT;
        } else {
            vkshError(ctl, "Unknown data source '%s'", source);
            return false;
        }
    }
    if (!(host = virDomainGetHostname(dom, flags))) {
        vkshError(ctl, "failed to get hostname");
        return false;
    }
    vkshPrint(ctl, "%s\n", host);
    return true;
}

static bool
cmdDomfsinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    g_autoptr(vkshTable) table = NULL;
    virDomainFSInfoPtr *info = NULL;
    int n;

    if (!dom)
        return false;
    if ((n = virDomainGetFSInfo(dom, &info, 0)) < 0) {
        vkshError(ctl, "Unable to get filesystem information");
        return false;
    }
    table = vkshTableNew("Mountpoint", "Name", "Type", "Target", NULL);
    for (int i = 0; i < n; i++) {
        g_autofree char *targets = g_strjoinv(",", info[i]->devAlias);

        vkshTableAddRow(table, info[i]->mountpoint, info[i]->name, info[i]->fstype,
                        targets, NULL);
        virDomainFSInfoFree(info[i]);
    }
    g_free(info);
    if (n > 0)
        vkshTablePrint(ctl, table);
    return true;
}

static const vkshOptDef optsFsFreeze[] = {
    VKSH_OPT_DOMAIN,
    { "mountpoint", VKSH_OT_ARGV, 0, "mountpoint path to be frozen" },
    { NULL, 0, 0, NULL },
};

static const vkshOptDef optsFsThaw[] = {
    VKSH_OPT_DOMAIN,
    { "mountpoint", VKSH_OT_ARGV, 0, "mountpoint path to be thawed" },
    { NULL, 0, 0, NULL },
};

static bool
fsFreezeThaw(vkshCtl *ctl, const vkshCmd *cmd, bool freeze)
{
    const char *list = vkshOptString(cmd, "mountpoint");
    g_auto(GStrv) mps = list ? g_strsplit(list, " ", -1) : NULL;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned int n = mps ? g_strv_length(mps) : 0;
    int rc;

    if (!dom)
        return false;
    rc = freeze ? virDomainFSFreeze(dom, (const char **)mps, n, 0)
                : virDomainFSThaw(dom, (const char **)mps, n, 0);
    if (rc < 0) {
        vkshError(ctl, freeze ? "Unable to freeze filesystems" : "Unable to thaw filesystems");
        return false;
    }
    vkshPrintExtra(ctl, freeze ? "Froze %d filesystem(s)\n" : "Thawed %d filesystem(s)\n", rc);
    return true;
}

static bool
cmdDomfsfreeze(vkshCtl *ctl, const vkshCmd *cmd)
{
    return fsFreezeThaw(ctl, cmd, true);
}

static bool
cmdDomfsthaw(vkshCtl *ctl, const vkshCmd *cmd)
{
    return fsFreezeThaw(ctl, cmd, false);
}

static const vkshOptDef optsFstrim[] = {
    VKSH_OPT_DOMAIN,
    { "minimum", VKSH_OT_STRING, 0,
      "Just a hint to ignore contiguous free ranges smaller than this (Bytes)" },
    { "mountpoint", VKSH_OT_STRING, 0, "which mount point to trim" },
    { NULL, 0, 0, NULL },
};

static bool
cmdDomfstrim(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *minStr = vkshOptString(cmd, "minimum");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long long minimum = 0;

    if (!dom)
        return false;
    if (minStr) {
        char *end = NULL;

        errno = 0;
        minimum = strtoull(minStr, &end, 10);
        if (errno || end == minStr || *end || minStr[0] == '-') {
            vkshError(ctl, "Numeric value '%s' for <minimum> option is malformed or out of range",
                      minStr);
            return false;
        }
    }
    if (virDomainFSTrim(dom, vkshOptString(cmd, "mountpoint"), minimum, 0) < 0) {
        vkshError(ctl, "Unable to invoke fstrim");
        return false;
    }
    return true;
}

static const vkshOptDef optsSetUserPassword[] = {
    VKSH_OPT_DOMAIN,
    { "user", VKSH_OT_DATA, VKSH_OFLAG_REQ, "the username" },
    { "password", VKSH_OT_DATA, VKSH_OFLAG_REQ, "the new password" },
    { "encrypted", VKSH_OT_BOOL, 0, "the password is already encrypted" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSetUserPassword(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    const char *user = vkshOptString(cmd, "user");
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);

    if (!dom)
        return false;
    if (virDomainSetUserPassword(dom, user, vkshOptString(cmd, "password"),
                                 vkshOptBool(cmd, "encrypted") ?
                                 VIR_DOMAIN_PASSWORD_ENCRYPTED : 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    vkshPrintExtra(ctl, "Password set successfully for %s in %s", user, name);
    return true;
}

static const vkshOptDef optsGetSshkeys[] = {
    VKSH_OPT_DOMAIN,
    { "user", VKSH_OT_DATA, VKSH_OFLAG_REQ, "user to list authorized keys for" },
    { NULL, 0, 0, NULL },
};

static bool
cmdGetSshkeys(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    char **keys = NULL;
    int n;

    if (!dom)
        return false;
    if ((n = virDomainAuthorizedSSHKeysGet(dom, vkshOptString(cmd, "user"), &keys, 0)) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    for (int i = 0; i < n; i++) {
        vkshPrint(ctl, "%s\n", keys[i]);
        g_free(keys[i]);
    }
    g_free(keys);
    return true;
}

/* ---- managedsave-*, save-image-* ---- */

static bool
cmdManagedSaveRemove(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY);
    int has;

    if (!dom)
        return false;
    if ((has = virDomainHasManagedSaveImage(dom, 0)) < 0) {
        vkshError(ctl, "Failed to check for domain managed save image");
        return false;
    }
    if (!has) {
        vkshPrintExtra(ctl, "Domain '%s' has no manage save image; removal skipped", name);
        return true;
    }
    if (virDomainManagedSaveRemove(dom, 0) < 0) {
        vkshError(ctl, "Failed to remove managed save image for domain '%s'", name);
        return false;
    }
    /* the line ends with the blank every command's output gets, as in virsh */
    vkshPrintExtra(ctl, "Removed managedsave image for domain '%s'", name);
    return true;
}

static const vkshOptDef optsManagedSaveDumpxml[] = {
    VKSH_OPT_DOMAIN,
    { "security-info", VKSH_OT_BOOL, 0, "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL },
};

static bool
cmdManagedSaveDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);

    if (!dom)
        return false;
    return printXML(ctl, virDomainManagedSaveGetXMLDesc(dom, vkshOptBool(cmd, "security-info") ?
                                                         VIR_DOMAIN_SAVE_IMAGE_XML_SECURE : 0));
}

static const vkshOptFlag runningPaused[] = {
    { "running", VIR_DOMAIN_SAVE_RUNNING },
    { "paused", VIR_DOMAIN_SAVE_PAUSED },
};

static const vkshOptDef optsManagedSaveDefine[] = {
    VKSH_OPT_DOMAIN,
    { "xml", VKSH_OT_DATA, VKSH_OFLAG_REQ, "filename containing updated XML for the target" },
    { "running", VKSH_OT_BOOL, 0, "set domain to be running on start" },
    { "paused", VKSH_OT_BOOL, 0, "set domain to be paused on start" },
    { NULL, 0, 0, NULL },
};

static bool
cmdManagedSaveDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *name;
    g_autoptr(virDomain) dom = NULL;
    g_autofree char *xml = NULL;

    if (!vkshOptExclusive(ctl, cmd, "running", "paused") ||
        !(dom = vkshCommandDomain(ctl, cmd, &name, VKSH_BYANY)) ||
        !(xml = vkshReadFile(ctl, vkshOptString(cmd, "xml"))))
        return false;
    if (virDomainManagedSaveDefineXML(dom, xml, VKSH_OPT_FLAGS(cmd, runningPaused)) < 0) {
        vkshError(ctl, "Failed to update %s XML configuration", name);
        return false;
    }
    vkshPrintExtra(ctl, "Managed save state file of domain '%s' updated.\n", name);
    return true;
}

static const vkshOptDef optsSaveImageDumpxml[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "saved state file to read" },
    { "security-info", VKSH_OT_BOOL, 0, "include security sensitive information in XML dump" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSaveImageDumpxml(vkshCtl *ctl, const vkshCmd *cmd)
{
    return printXML(ctl, virDomainSaveImageGetXMLDesc(ctl->conn, vkshOptString(cmd, "file"),
                                                      vkshOptBool(cmd, "security-info") ?
                                                      VIR_DOMAIN_SAVE_IMAGE_XML_SECURE : 0));
}

static const vkshOptDef optsSaveImageDefine[] = {
    { "file", VKSH_OT_DATA, VKSH_OFLAG_REQ, "saved state file to modify" },
    { "xml", VKSH_OT_DATA, VKSH_OFLAG_REQ, "filename containing updated XML for the target" },
    { "running", VKSH_OT_BOOL, 0, "set domain to be running on restore" },
    { "paused", VKSH_OT_BOOL, 0, "set domain to be paused on restore" },
    { NULL, 0, 0, NULL },
};

static bool
cmdSaveImageDefine(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *file = vkshOptString(cmd, "file");
    g_autofree char *xml = NULL;

    if (!vkshOptExclusive(ctl, cmd, "running", "paused") ||
        !(xml = vkshReadFile(ctl, vkshOptString(cmd, "xml"))))
        return false;
    if (virDomainSaveImageDefineXML(ctl->conn, file, xml,
                                    VKSH_OPT_FLAGS(cmd, runningPaused)) < 0) {
        vkshError(ctl, "Failed to update %s", file);
        return false;
    }
    vkshPrintExtra(ctl, "State file %s updated.\n", file);
    return true;
}

/* ---- migrate-compcache ---- */

static const vkshOptDef optsCompcache[] = {
    VKSH_OPT_DOMAIN,
    { "size", VKSH_OT_INT, 0, "requested size of the cache (in bytes) used for compression" },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateCompcache(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long long size = 0;
    const char *unit;
    double v;
    int got;

    if (!dom || (got = vkshOptScaled(ctl, cmd, "size", &size, 1, ULLONG_MAX)) < 0)
        return false;
    if ((got && virDomainMigrateSetCompressionCache(dom, size, 0) < 0) ||
        virDomainMigrateGetCompressionCache(dom, &size, 0) < 0) {
        vkshSaveLibError(ctl);
        return false;
    }
    v = vkshPrettyCapacity(size, &unit);
    vkshPrint(ctl, "Compression cache: %.3lf %s\n", v, unit);
    return true;
}

#define CMD(var, nm, fn, opts, sum) VKSH_CMD(var, nm, fn, opts, sum, "")

CMD(vkshCmdIothreadinfo, "iothreadinfo", cmdIothreadinfo, optsIothreadinfo,
    "view domain IOThreads");
CMD(vkshCmdIothreadadd, "iothreadadd", cmdIothreadadd, optsIothreadId,
    "add an IOThread to the guest domain");
CMD(vkshCmdIothreaddel, "iothreaddel", cmdIothreaddel, optsIothreadId,
    "delete an IOThread from the guest domain");
CMD(vkshCmdIothreadpin, "iothreadpin", cmdIothreadpin, optsIothreadpin,
    "control domain IOThread affinity");
CMD(vkshCmdIothreadset, "iothreadset", cmdIothreadset, optsIothreadset,
    "modifies an existing IOThread of the guest domain");
CMD(vkshCmdSetvcpu, "setvcpu", cmdSetvcpu, optsSetvcpu,
    "attach/detach vcpu or groups of threads");
CMD(vkshCmdSetLifecycleAction, "set-lifecycle-action", cmdSetLifecycleAction, optsLifecycle,
    "change lifecycle actions");
CMD(vkshCmdMetadata, "metadata", cmdMetadata, optsMetadata,
    "show or set domain's custom XML metadata");
CMD(vkshCmdDomhostname, "domhostname", cmdDomhostname, optsDomhostname,
    "print the domain's hostname");
CMD(vkshCmdDomfsinfo, "domfsinfo", cmdDomfsinfo, vkshOptsDomainOnly,
    "Get information of domain's mounted filesystems.");
CMD(vkshCmdDomfsfreeze, "domfsfreeze", cmdDomfsfreeze, optsFsFreeze,
    "Freeze domain's mounted filesystems.");
CMD(vkshCmdDomfsthaw, "domfsthaw", cmdDomfsthaw, optsFsThaw,
    "Thaw domain's mounted filesystems.");
CMD(vkshCmdDomfstrim, "domfstrim", cmdDomfstrim, optsFstrim,
    "Invoke fstrim on domain's mounted filesystems.");
CMD(vkshCmdSetUserPassword, "set-user-password", cmdSetUserPassword, optsSetUserPassword,
    "set the user password inside the domain");
CMD(vkshCmdGetUserSshkeys, "get-user-sshkeys", cmdGetSshkeys, optsGetSshkeys,
    "list authorized SSH keys for given user (via agent)");
CMD(vkshCmdManagedSaveRemove, "managedsave-remove", cmdManagedSaveRemove, vkshOptsDomainOnly,
    "Remove managed save of a domain");
CMD(vkshCmdManagedSaveDumpxml, "managedsave-dumpxml", cmdManagedSaveDumpxml,
    optsManagedSaveDumpxml, "Domain information of managed save state file in XML");
CMD(vkshCmdManagedSaveDefine, "managedsave-define", cmdManagedSaveDefine,
    optsManagedSaveDefine, "redefine the XML for a domain's managed save state file");
CMD(vkshCmdSaveImageDumpxml, "save-image-dumpxml", cmdSaveImageDumpxml, optsSaveImageDumpxml,
    "saved state domain information in XML");
CMD(vkshCmdSaveImageDefine, "save-image-define", cmdSaveImageDefine, optsSaveImageDefine,
    "redefine the XML for a domain's saved state file");
CMD(vkshCmdMigrateCompcache, "migrate-compcache", cmdMigrateCompcache, optsCompcache,
    "get/set compression cache size");

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration commands, with virsh's names and options: migrate, the
 * tuning (migrate-setspeed/getspeed, migrate-setmaxdowntime/
 * getmaxdowntime) and the job (domjobinfo, domjobabort).
 *
 * migrate does what virsh does: peer to peer (--p2p) hands the
 * destination's URI to the source with virDomainMigrateToURI3; otherwise
 * the shell opens the destination itself and virDomainMigrate3 runs the
 * steps between the two connections.  Every option becomes a typed
 * parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vksh.h"
#include "vksh-storage.h"

static const vkshOptDef optsMigrate[] = {
    { "live", VKSH_OT_BOOL, 0, "live migration" },
    { "offline", VKSH_OT_BOOL, 0, "offline migration" },
    { "p2p", VKSH_OT_BOOL, 0, "peer-2-peer migration" },
    { "direct", VKSH_OT_BOOL, 0, "direct migration" },
    { "tunnelled", VKSH_OT_BOOL, 0, "tunnelled migration" },
    { "persistent", VKSH_OT_BOOL, 0, "persist VM on destination" },
    { "undefinesource", VKSH_OT_BOOL, 0, "undefine VM on source" },
    { "suspend", VKSH_OT_BOOL, 0, "do not restart the domain on the destination host" },
    { "copy-storage-all", VKSH_OT_BOOL, 0, "migration with non-shared storage with full disk copy" },
    { "copy-storage-inc", VKSH_OT_BOOL, 0, "migration with non-shared storage with incremental copy" },
    { "verbose", VKSH_OT_BOOL, 0, "display the progress of migration" },
    { "compressed", VKSH_OT_BOOL, 0, "compress repeated pages during live migration" },
    { "auto-converge", VKSH_OT_BOOL, 0, "force convergence during live migration" },
    { "abort-on-error", VKSH_OT_BOOL, 0, "abort on soft errors during migration" },
    { "unsafe", VKSH_OT_BOOL, 0, "force migration even if it may be unsafe" },
    { "postcopy", VKSH_OT_BOOL, 0, "enable post-copy migration" },
    { "tls", VKSH_OT_BOOL, 0, "use TLS for migration" },
    { "parallel", VKSH_OT_BOOL, 0, "enable parallel migration" },
    VKSH_OPT_DOMAIN,
    { "desturi", VKSH_OT_DATA, VKSH_OFLAG_REQ, "connection URI of the destination host" },
    { "migrateuri", VKSH_OT_STRING, 0, "migration URI, usually can be omitted" },
    { "listen-address", VKSH_OT_STRING, 0, "listen address that destination should bind to" },
    { "dname", VKSH_OT_STRING, 0, "rename to new name during migration (if supported)" },
    { "xml", VKSH_OT_STRING, 0, "filename containing updated XML for the target" },
    { "persistent-xml", VKSH_OT_STRING, 0, "filename containing updated persistent XML for the target" },
    { "bandwidth", VKSH_OT_INT, 0, "migration bandwidth limit in MiB/s" },
    { "parallel-connections", VKSH_OT_INT, 0, "number of connections for parallel migration" },
    { NULL, 0, 0, NULL },
};

static const vkshOptFlag migrateFlags[] = {
    { "live", VIR_MIGRATE_LIVE },
    { "offline", VIR_MIGRATE_OFFLINE },
    { "p2p", VIR_MIGRATE_PEER2PEER },
    { "tunnelled", VIR_MIGRATE_TUNNELLED },
    { "persistent", VIR_MIGRATE_PERSIST_DEST },
    { "undefinesource", VIR_MIGRATE_UNDEFINE_SOURCE },
    { "suspend", VIR_MIGRATE_PAUSED },
    { "copy-storage-all", VIR_MIGRATE_NON_SHARED_DISK },
    { "copy-storage-inc", VIR_MIGRATE_NON_SHARED_INC },
    { "compressed", VIR_MIGRATE_COMPRESSED },
    { "auto-converge", VIR_MIGRATE_AUTO_CONVERGE },
    { "abort-on-error", VIR_MIGRATE_ABORT_ON_ERROR },
    { "unsafe", VIR_MIGRATE_UNSAFE },
    { "postcopy", VIR_MIGRATE_POSTCOPY },
    { "tls", VIR_MIGRATE_TLS },
    { "parallel", VIR_MIGRATE_PARALLEL },
};

/* A string option into params; a file's contents for the XML ones. */
static bool
addOpt(vkshCtl *ctl, const vkshCmd *cmd, const char *opt, const char *param, bool file,
       virTypedParameterPtr *params, int *n, int *max)
{
    const char *v = vkshOptString(cmd, opt);
    g_autofree char *data = NULL;

    if (!v)
        return true;
    if (file && !(v = data = vkshReadFile(ctl, v)))
        return false;
    return virTypedParamsAddString(params, n, max, param, v) == 0;
}

static bool
cmdMigrate(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    const char *desturi = vkshOptString(cmd, "desturi");
    unsigned int flags = VKSH_OPT_FLAGS(cmd, migrateFlags);
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, bw = 0, conns = 0;
    bool ok = false;

    if (!dom)
        return false;
    if (vkshOptInt(ctl, cmd, "bandwidth", &bw) < 0 ||
        vkshOptInt(ctl, cmd, "parallel-connections", &conns) < 0)
        return false;
    if (!addOpt(ctl, cmd, "migrateuri", VIR_MIGRATE_PARAM_URI, false, &params, &n, &max) ||
        !addOpt(ctl, cmd, "listen-address", VIR_MIGRATE_PARAM_LISTEN_ADDRESS, false, &params,
                &n, &max) ||
        !addOpt(ctl, cmd, "dname", VIR_MIGRATE_PARAM_DEST_NAME, false, &params, &n, &max) ||
        !addOpt(ctl, cmd, "xml", VIR_MIGRATE_PARAM_DEST_XML, true, &params, &n, &max) ||
        !addOpt(ctl, cmd, "persistent-xml", VIR_MIGRATE_PARAM_PERSIST_XML, true, &params, &n,
                &max) ||
        (bw > 0 && virTypedParamsAddULLong(&params, &n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                           (unsigned long long)bw) < 0) ||
        (conns > 0 && virTypedParamsAddInt(&params, &n, &max,
                                           VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, conns) < 0))
        goto cleanup;

    /* --direct, as --p2p, names the destination by URI alone: the library
     * says whether the source's driver can do it */
    if ((flags & VIR_MIGRATE_PEER2PEER) || vkshOptBool(cmd, "direct")) {
        ok = virDomainMigrateToURI3(dom, desturi, params, (unsigned int)n, flags) == 0;
    } else {
        virConnectPtr dconn = virConnectOpen(desturi);
        virDomainPtr ddom;

        if (!dconn)
            goto cleanup;
        if ((ddom = virDomainMigrate3(dom, dconn, params, (unsigned int)n, flags))) {
            virDomainFree(ddom);
            ok = true;
        }
        if (!ok)
            vkshSaveLibError(ctl);  /* closing dconn resets the thread's error */
        virConnectClose(dconn);
    }
    if (ok && vkshOptBool(cmd, "verbose"))
        fprintf(stderr, "\rMigration: [100 %%]\n");

 cleanup:
    virTypedParamsFree(params, n);
    return ok;
}

static const vkshOptDef optsSetspeed[] = {
    VKSH_OPT_DOMAIN,
    { "bandwidth", VKSH_OT_INT, VKSH_OFLAG_REQ, "migration bandwidth limit in MiB/s" },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateSetspeed(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int bw = 0;

    if (!dom || vkshOptInt(ctl, cmd, "bandwidth", &bw) < 0)
        return false;
    if (bw < 0) {
        vkshError(ctl, "%s", "Invalid value for bandwidth");
        return false;
    }
    return virDomainMigrateSetMaxSpeed(dom, (unsigned long)bw, 0) == 0;
}

static bool
cmdMigrateGetspeed(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long bw;

    if (!dom || virDomainMigrateGetMaxSpeed(dom, &bw, 0) < 0)
        return false;
    vkshPrint(ctl, "%lu\n", bw);
    return true;
}

static const vkshOptDef optsSetdowntime[] = {
    VKSH_OPT_DOMAIN,
    { "downtime", VKSH_OT_INT, VKSH_OFLAG_REQ, "maximum tolerable downtime (in milliseconds) for migration" },
    { NULL, 0, 0, NULL },
};

static bool
cmdMigrateSetdowntime(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    int ms = 0;

    if (!dom || vkshOptInt(ctl, cmd, "downtime", &ms) < 0)
        return false;
    if (ms < 1) {
        vkshError(ctl, "%s", "migrate: Invalid downtime");
        return false;
    }
    return virDomainMigrateSetMaxDowntime(dom, (unsigned long long)ms, 0) == 0;
}

static bool
cmdMigrateGetdowntime(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    unsigned long long ms;

    if (!dom || virDomainMigrateGetMaxDowntime(dom, &ms, 0) < 0)
        return false;
    vkshPrint(ctl, "%llu\n", ms);
    return true;
}

static const char *const jobTypes[] = {
    "None", "Bounded", "Unbounded", "Completed", "Failed", "Cancelled",
};
static const char *const jobOperations[] = {
    "Unknown", "Start", "Save", "Restore", "Incoming migration", "Outgoing migration",
    "Snapshot", "Snapshot revert", "Dump", "Backup", "Snapshot delete",
};

static void
printSize(vkshCtl *ctl, const char *label, virTypedParameterPtr p, int n, const char *field)
{
    unsigned long long v;
    const char *unit;
    double d;

    if (virTypedParamsGetULLong(p, n, field, &v) != 1)
        return;
    d = vkshPrettyCapacity(v, &unit);
    vkshPrint(ctl, "%-17s %-.3lf %s\n", label, d, unit);
}

/* The older call, which virsh falls back to where the driver lacks the
 * typed-parameter one: its error is then the one shown. */
static bool
printJobInfo(vkshCtl *ctl, virDomainPtr dom)
{
    virDomainJobInfo info;
    const char *unit;
    double d;

    vkshResetLibError(ctl);
    if (virDomainGetJobInfo(dom, &info) < 0)
        return false;
    vkshPrint(ctl, "%-17s %-12s\n", "Job type:", VKSH_ENUM_NAME(jobTypes, info.type, "Unknown"));
    if (info.type == VIR_DOMAIN_JOB_NONE)
        return true;
    vkshPrint(ctl, "%-17s %-12llu ms\n", "Time elapsed:", info.timeElapsed);
    d = vkshPrettyCapacity(info.dataProcessed, &unit);
    vkshPrint(ctl, "%-17s %-.3lf %s\n", "Data processed:", d, unit);
    d = vkshPrettyCapacity(info.dataRemaining, &unit);
    vkshPrint(ctl, "%-17s %-.3lf %s\n", "Data remaining:", d, unit);
    d = vkshPrettyCapacity(info.dataTotal, &unit);
    vkshPrint(ctl, "%-17s %-.3lf %s\n", "Data total:", d, unit);
    return true;
}

static bool
cmdDomjobinfo(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);
    virTypedParameterPtr p = NULL;
    int n = 0, type, op;
    unsigned long long elapsed;

    if (!dom)
        return false;
    if (virDomainGetJobStats(dom, &type, &p, &n, 0) < 0)
        return vkshNoSupport() && printJobInfo(ctl, dom);
    vkshPrint(ctl, "%-17s %-12s\n", "Job type:", VKSH_ENUM_NAME(jobTypes, type, "Unknown"));
    if (type != VIR_DOMAIN_JOB_NONE) {
        if (virTypedParamsGetInt(p, n, VIR_DOMAIN_JOB_OPERATION, &op) == 1)
            vkshPrint(ctl, "%-17s %-12s\n", "Operation:",
                      VKSH_ENUM_NAME(jobOperations, op, "Unknown"));
        if (virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_TIME_ELAPSED, &elapsed) == 1)
            vkshPrint(ctl, "%-17s %-12llu ms\n", "Time elapsed:", elapsed);
        printSize(ctl, "Data processed:", p, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
        printSize(ctl, "Data remaining:", p, n, VIR_DOMAIN_JOB_DATA_REMAINING);
        printSize(ctl, "Data total:", p, n, VIR_DOMAIN_JOB_DATA_TOTAL);
        printSize(ctl, "Memory processed:", p, n, VIR_DOMAIN_JOB_MEMORY_PROCESSED);
        printSize(ctl, "Memory remaining:", p, n, VIR_DOMAIN_JOB_MEMORY_REMAINING);
        printSize(ctl, "Memory total:", p, n, VIR_DOMAIN_JOB_MEMORY_TOTAL);
    }
    virTypedParamsFree(p, n);
    return true;
}

static bool
cmdDomjobabort(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);

    return dom && virDomainAbortJob(dom) == 0;
}

static bool
cmdMigratePostcopy(vkshCtl *ctl, const vkshCmd *cmd)
{
    g_autoptr(virDomain) dom = vkshCommandDomain(ctl, cmd, NULL, VKSH_BYANY);

    return dom && virDomainMigrateStartPostCopy(dom, 0) == 0;
}

VKSH_CMD(vkshCmdMigrate, "migrate", cmdMigrate, optsMigrate,
         "migrate domain to another host",
         "Migrates the domain to the host at desturi: managed by this shell, or peer to "
         "peer with --p2p.");
VKSH_CMD(vkshCmdMigrateSetspeed, "migrate-setspeed", cmdMigrateSetspeed, optsSetspeed,
         "Set the maximum migration bandwidth",
         "Sets the maximum bandwidth (MiB/s) of the domain's migrations.");
VKSH_CMD(vkshCmdMigrateGetspeed, "migrate-getspeed", cmdMigrateGetspeed, vkshOptsDomainOnly,
         "Get the maximum migration bandwidth",
         "Shows the maximum bandwidth (MiB/s) of the domain's migrations.");
VKSH_CMD(vkshCmdMigrateSetdowntime, "migrate-setmaxdowntime", cmdMigrateSetdowntime,
         optsSetdowntime, "set maximum tolerable downtime",
         "Sets the longest pause (ms) a live migration may impose on the guest.");
VKSH_CMD(vkshCmdMigrateGetdowntime, "migrate-getmaxdowntime", cmdMigrateGetdowntime,
         vkshOptsDomainOnly, "get maximum tolerable downtime",
         "Shows the longest pause (ms) a live migration may impose on the guest.");
VKSH_CMD(vkshCmdDomjobinfo, "domjobinfo", cmdDomjobinfo, vkshOptsDomainOnly,
         "domain job information", "Shows the progress of the domain's migration job.");
VKSH_CMD(vkshCmdDomjobabort, "domjobabort", cmdDomjobabort, vkshOptsDomainOnly,
         "abort active domain job", "Aborts the domain's migration job.");
VKSH_CMD(vkshCmdMigratePostcopy, "migrate-postcopy", cmdMigratePostcopy, vkshOptsDomainOnly,
         "Switch running migration from pre-copy to post-copy",
         "Switches the domain's outgoing migration (started with --postcopy) to post-copy.");

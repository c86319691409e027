/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration, the source's steps: Perform sends the guest's state to the
 * QEMU the destination's Prepare started, Confirm ends the source's QEMU
 * once the destination runs the guest (or lets the source run again when
 * it does not).
 *
 * Perform holds the domain's job for the whole stream and waits on the
 * state's condition for QMP's MIGRATION events (the "events" capability),
 * never polling; a domjobabort meanwhile sends migrate_cancel without the
 * job, and the "cancelled" event ends the wait.  QEMU stops the guest for
 * the last pass and restarts it itself when the migration fails, so the
 * guest runs on the source until Confirm says otherwise.  Peer to peer,
 * Perform opens the destination's daemon itself and runs every step from
 * here (src/api/migrate.c's sequence), the client waiting on one call.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "api/migrate.h"
#include "drivers/qemu/qemu-migrate.h"

static int
paramULLong(virTypedParameterPtr params, int nparams, const char *name,
            unsigned long long *value)
{
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) != 0)
            continue;
        if (params[i].type == VIR_TYPED_PARAM_ULLONG)
            *value = params[i].value.ul;
        else if (params[i].type == VIR_TYPED_PARAM_INT && params[i].value.i >= 0)
            *value = (unsigned long long)params[i].value.i;
        else
            continue;
        return 1;
    }
    return 0;
}

static void
addCap(vkJSON *caps, const char *name, bool on)
{
    vkJSON *cap = vkJSONNewObject();

    vkJSONObjectAppendString(cap, "capability", name);
    vkJSONObjectAppendBool(cap, "state", on);
    vkJSONArrayAppend(caps, cap);
}

/* The capabilities this migration's flags ask for (QMP names), each set
 * on or off so a previous migration's choice does not linger. */
static int
setCapabilities(vkQemuMonitor *mon, unsigned int flags)
{
    vkJSON *args = vkJSONNewObject();
    vkJSON *caps = vkJSONNewArray();

    addCap(caps, "events", true);
    addCap(caps, "auto-converge", flags & VIR_MIGRATE_AUTO_CONVERGE);
    addCap(caps, "compress", flags & VIR_MIGRATE_COMPRESSED);
    addCap(caps, "multifd", flags & VIR_MIGRATE_PARALLEL);
    vkJSONObjectAppend(args, "capabilities", caps);
    return vkQemuMonitorCommand(mon, "migrate-set-capabilities", args, NULL);
}

/* QMP's error-desc of a failed migration, or a copy of fallback. */
static char *
failureText(vkQemuMonitor *mon, const char *fallback)
{
    vkJSON *ret = NULL;
    char *text = NULL;

    if (vkQemuMonitorCommand(mon, "query-migrate", NULL, &ret) == 0) {
        const char *desc = vkJSONObjectGetString(ret, "error-desc");

        text = desc ? g_strdup(desc) : NULL;
    }
    vkErrorReset();
    vkJSONFree(ret);
    return text ? text : g_strdup(fallback);
}

/* The stream to uri (locked, job held, obj running).  On success the
 * guest is paused (reason migration) and obj->mig.dir stays OUT for
 * Confirm; on failure it is back to NONE and the guest runs as before. */
static int
migrateOut(vkQemuState *st, vkQemuDomain *obj, const char *uri, virTypedParameterPtr params,
           int nparams, unsigned int flags)
{
    unsigned long long speed = obj->mig.speed, channels = 0;
    unsigned long long downtime = obj->mig.downtime;
    vkQemuRun *run = obj->run;
    guint64 gen = run->gen;
    vkQemuMonitor *mon;
    g_autofree char *why = NULL;
    vkJSON *args;
    int rc;

    paramULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH, &speed);
    paramULLong(params, nparams, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, &channels);
    g_clear_pointer(&run->migStatus, g_free);
    obj->mig.dir = VK_QEMU_MIG_OUT;
    obj->mig.abort = false;
    obj->mig.started = g_get_real_time();
    mon = vkQemuMonitorRef(run->mon);
    g_mutex_unlock(&st->lock);

    rc = setCapabilities(mon, flags);
    if (rc == 0)
        rc = vkQemuMigrateApplyTuning(mon, speed, downtime);
    if (rc == 0 && channels && (flags & VIR_MIGRATE_PARALLEL)) {
        args = vkJSONNewObject();
        vkJSONObjectAppendInt(args, "multifd-channels", (long long)channels);
        rc = vkQemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
    }
    if (rc == 0) {
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "uri", uri);
        rc = vkQemuMonitorCommand(mon, "migrate", args, NULL);
    }

    g_mutex_lock(&st->lock);
    while (rc == 0 && obj->run && obj->run->gen == gen &&
           !vkQemuMigrationDone(obj->run->migStatus))
        g_cond_wait(&st->jobCond, &st->lock);
    if (rc < 0) {
        /* reported by the monitor */
    } else if (!obj->run || obj->run->gen != gen) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU of domain '%s' ended during migration",
                      obj->name);
        rc = -1;
    } else if (strcmp(obj->run->migStatus, "cancelled") == 0) {
        vkReportError(VIR_ERR_OPERATION_ABORTED, "%s", "migration out job: canceled by client");
        rc = -1;
    } else if (strcmp(obj->run->migStatus, "completed") != 0) {
        g_mutex_unlock(&st->lock);
        why = failureText(mon, "migration failed");
        g_mutex_lock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_FAILED, "migration of domain '%s' failed: %s",
                      obj->name, why);
        rc = -1;
    }
    vkQemuMonitorUnref(mon);
    if (rc < 0)
        obj->mig.dir = VK_QEMU_MIG_NONE;
    return rc;
}

/* Peer to peer: this daemon is the client of the destination's. */
static int
performP2P(virDomainPtr dom, const char *dconnuri, virTypedParameterPtr params, int nparams,
           unsigned int flags)
{
    virConnectPtr dconn = virConnectOpen(dconnuri);
    virDomainPtr ddom;
    virErrorPtr saved;

    if (!dconn) {
        g_autofree char *msg = g_strdup(vkErrorIsSet() ? vkErrorGetLast()->message : "");

        vkErrorReset();
        vkReportError(VIR_ERR_OPERATION_FAILED, "Failed to connect to remote libvirt URI %s: %s",
                      dconnuri, msg);
        return -1;
    }
    ddom = vkDomainMigrateSequence(dom, dconn, params, nparams, flags);
    saved = vkErrorSave();
    if (ddom)
        virDomainFree(ddom);
    virConnectClose(dconn);
    vkErrorRestore(&saved);
    return ddom ? 0 : -1;
}

int
vkQemuMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                            virTypedParameterPtr params, int nparams, const char *cookiein,
                            int cookieinlen, char **cookieout, int *cookieoutlen,
                            unsigned int flags)
{
    const char *uri = vkMigrateParamString(params, nparams, VIR_MIGRATE_PARAM_URI);
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc = -1;

    (void)cookiein;
    (void)cookieinlen;
    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, -1);
    if (vkQemuMigrateCheckFlags(flags) < 0)
        return -1;
    if (flags & VIR_MIGRATE_PEER2PEER) {
        if (!dconnuri) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "peer-to-peer migration needs the destination's URI");
            return -1;
        }
        return performP2P(dom, dconnuri, params, nparams, flags);
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    if (flags & VIR_MIGRATE_OFFLINE) {
        rc = 0;     /* nothing runs: the definition went with Prepare */
    } else if (!uri) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "no migration URI from the destination");
    } else if (vkQemuCheckActive(obj) && obj->run) {
        rc = migrateOut(st, obj, uri, params, nparams, flags);
    }
    if (rc == 0 && cookieout && cookieoutlen)
        *cookieout = vkQemuMigrateCookie(obj->name, obj->uuid, NULL, cookieoutlen);
    vkQemuEndJob(st, obj);
 unref:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuMigrateConfirm3Params(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                            const char *cookiein, int cookieinlen, unsigned int flags,
                            int cancelled)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    bool undefine = false;
    int rc = -1;

    (void)params;
    (void)nparams;
    (void)cookiein;
    (void)cookieinlen;
    vkCheckFlags(VK_QEMU_MIGRATE_FLAGS, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto unref;
    rc = 0;
    if (cancelled) {
        bool wasOut = obj->mig.dir == VK_QEMU_MIG_OUT;

        obj->mig.dir = VK_QEMU_MIG_NONE;
        /* Perform finished but the destination could not take the guest:
         * it runs here again. */
        if (wasOut && obj->run && obj->state == VIR_DOMAIN_PAUSED &&
            obj->reason == VIR_DOMAIN_PAUSED_MIGRATION && !(flags & VIR_MIGRATE_OFFLINE)) {
            vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
            rc = vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL);
            if (rc == 0)
                vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                                    VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
        }
    } else if (flags & VIR_MIGRATE_OFFLINE) {
        undefine = (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent && obj->id < 0;
    } else if (obj->mig.dir != VK_QEMU_MIG_OUT) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not being migrated out",
                      obj->name);
        rc = -1;
    } else {
        obj->mig.dir = VK_QEMU_MIG_NONE;
        vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_MIGRATED,
                          VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
        undefine = (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && obj->persistent && !obj->removed;
    }
    vkQemuEndJob(st, obj);
 unref:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    if (rc == 0 && undefine)
        rc = vkStateDomainUndefineFlags(dom, 0);
    return rc;
}

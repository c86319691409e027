/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics of a running QEMU guest, each answered as libvirt 9.0's QEMU
 * driver answers it: the balloon (query-balloon and the balloon's QOM
 * guest-stats), the disks (query-blockstats, matched to a disk by its
 * device alias), a tap's counters (/proc/net/dev), QEMU's CPU time
 * (/proc), control and job state, and the refusals where libvirt needs
 * the guest agent (get/set time).
 *
 * A query takes the domain's job like any monitor call: QEMU answers one
 * command at a time, and a domain going away meanwhile yields libvirt's
 * "domain is not running".
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "conf/domain-conf-priv.h"
#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/qemu-blockdev.h"

#define BALLOON_PATH "/machine/peripheral/balloon0"

int
vkQemuQuery(vkQemuState *st, vkQemuDomain *obj, const char *cmd, vkJSON *args,
            vkJSON **ret)
{
    int rc;

    if (vkQemuBeginJob(st, obj) < 0) {
        vkJSONFree(args);
        return -1;
    }
    rc = vkQemuDomainMonitorCommand(st, obj, cmd, args, ret);
    vkQemuEndJob(st, obj);
    return rc;
}

/* The domain of dom, locked and referenced, when it runs; else NULL
 * (unlocked) with libvirt's error. */
static vkQemuDomain *
getRunning(virDomainPtr dom, vkQemuState **st)
{
    vkQemuDomain *obj = vkQemuDomainGet(dom, st);

    if (!obj)
        return NULL;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&(*st)->lock);
        return NULL;
    }
    return vkQemuDomainRef(obj);
}

static void
release(vkQemuState *st, vkQemuDomain *obj)
{
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
}

bool
vkQemuHasBalloon(const vkDomainDef *def)
{
    GPtrArray *other = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; other && i < other->len; i++) {
        const vkXmlElem *e = other->pdata[i];

        if (strcmp(e->name, "memballoon") == 0)
            return g_strcmp0(vkXmlElemGetAttr(e, "model"), "none") != 0;
    }
    return false;
}

static vkXmlElem *
balloonElem(vkDomainDef *def)
{
    GPtrArray *other = def->priv->devs[VK_DOMAIN_DEVICE_OTHER];

    for (guint i = 0; other && i < other->len; i++) {
        vkXmlElem *e = other->pdata[i];

        if (strcmp(e->name, "memballoon") == 0 &&
            g_strcmp0(vkXmlElemGetAttr(e, "model"), "none") != 0)
            return e;
    }
    return NULL;
}

int
vkQemuBalloonApplyPeriod(vkQemuMonitor *mon, const vkDomainDef *def)
{
    vkXmlElem *bal = balloonElem((vkDomainDef *)def);
    const char *period = NULL;
    vkJSON *args;

    for (guint i = 0; bal && bal->children && i < bal->children->len; i++) {
        const vkXmlElem *c = bal->children->pdata[i];

        if (strcmp(c->name, "stats") == 0)
            period = vkXmlElemGetAttr(c, "period");
    }
    if (!period || g_ascii_strtoll(period, NULL, 10) <= 0)
        return 0;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "path", BALLOON_PATH);
    vkJSONObjectAppendString(args, "property", "guest-stats-polling-interval");
    vkJSONObjectAppendInt(args, "value", g_ascii_strtoll(period, NULL, 10));
    return vkQemuMonitorCommand(mon, "qom-set", args, NULL);
}

vkJSON *
vkQemuBlockStatsFor(const vkJSON *ret, const vkDomainDef *def, int idx)
{
    const vkDomainDiskDef *d = def->priv->devs[VK_DOMAIN_DEVICE_DISK]->pdata[idx];
    g_autofree char *alias = vkQemuDiskAlias(def, d);
    g_autofree char *inner = g_strdup_printf("/%s/", alias);
    g_autofree char *tail = g_strdup_printf("/%s", alias);

    /* With -blockdev the entry names its guest device by QOM path
     * ("/machine/peripheral/virtio-disk0/virtio-backend") or by id. */
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        vkJSON *e = vkJSONArrayGet(ret, i);
        const char *qdev = vkJSONObjectGetString(e, "qdev");

        if (qdev && (strcmp(qdev, alias) == 0 || strstr(qdev, inner) ||
                     g_str_has_suffix(qdev, tail)))
            return vkJSONObjectGet(e, "stats");
    }
    return NULL;
}

/* ---- memory ---- */

static unsigned long long
jsonULL(const vkJSON *obj, const char *key)
{
    long long v = 0;
    vkJSON *j = obj ? vkJSONObjectGet(obj, key) : NULL;

    if (!j || vkJSONGetInt64(j, &v) < 0 || v < 0)
        return 0;
    return v;
}

/* A guest-stats member QEMU reports -1 for when the guest never said. */
static bool
guestStat(const vkJSON *stats, const char *key, unsigned long long *v)
{
    vkJSON *j = stats ? vkJSONObjectGet(stats, key) : NULL;
    long long n;

    if (!j || vkJSONGetInt64(j, &n) < 0 || n < 0)
        return false;
    *v = n;
    return true;
}

int
vkQemuMemoryStatsGet(vkQemuState *st, vkQemuDomain *obj, virDomainMemoryStatPtr stats,
                     unsigned int nr_stats)
{
    /* libvirt's order: the balloon's size, what the guest reports, then
     * QEMU's own resident size.  Memory figures are KiB. */
    static const struct { const char *key; int tag; bool bytes; } guest[] = {
        { "stat-swap-in", VIR_DOMAIN_MEMORY_STAT_SWAP_IN, true },
        { "stat-swap-out", VIR_DOMAIN_MEMORY_STAT_SWAP_OUT, true },
        { "stat-major-faults", VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, false },
        { "stat-minor-faults", VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT, false },
        { "stat-free-memory", VIR_DOMAIN_MEMORY_STAT_UNUSED, true },
        { "stat-total-memory", VIR_DOMAIN_MEMORY_STAT_AVAILABLE, true },
        { "stat-available-memory", VIR_DOMAIN_MEMORY_STAT_USABLE, true },
        { "stat-disk-caches", VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, true },
        { "stat-htlb-pgalloc", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, false },
        { "stat-htlb-pgfail", VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, false },
    };
    g_autoptr(vkJSON) bal = NULL;
    g_autoptr(vkJSON) gs = NULL;
    vkQemuProcStat ps;
    unsigned int n = 0;

#define PUT(t, v) do { if (n < nr_stats) { stats[n].tag = (t); stats[n].val = (v); n++; } } while (0)
    if (vkQemuHasBalloon(obj->def)) {
        vkJSON *args = vkJSONNewObject();
        vkJSON *gstats;

        if (vkQemuQuery(st, obj, "query-balloon", NULL, &bal) < 0) {
            vkJSONFree(args);
            return -1;
        }
        PUT(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, jsonULL(bal, "actual") / 1024);
        vkJSONObjectAppendString(args, "path", BALLOON_PATH);
        vkJSONObjectAppendString(args, "property", "guest-stats");
        if (vkQemuQuery(st, obj, "qom-get", args, &gs) < 0)
            return -1;
        gstats = vkJSONObjectGet(gs, "stats");
        for (size_t i = 0; i < G_N_ELEMENTS(guest); i++) {
            unsigned long long v;

            if (guestStat(gstats, guest[i].key, &v))
                PUT(guest[i].tag, guest[i].bytes ? v / 1024 : v);
        }
        PUT(VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, jsonULL(gs, "last-update"));
    } else {
        PUT(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON,
            obj->def->currentMemory ? obj->def->currentMemory : obj->def->maxMemory);
    }
    if (obj->run && vkQemuProcStatRead(obj->run->pid, 0, &ps) == 0)
        PUT(VIR_DOMAIN_MEMORY_STAT_RSS, ps.rssKiB);
#undef PUT
    return n;
}

int
vkQemuDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                        unsigned int nr_stats, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    int ret;

    vkCheckFlags(0, -1);
    if (!(obj = getRunning(dom, &st)))
        return -1;
    ret = vkQemuMemoryStatsGet(st, obj, stats, nr_stats);
    release(st, obj);
    return ret;
}

int
vkQemuAffect(vkQemuDomain *obj, unsigned int flags, bool *live, bool *config)
{
    *live = flags & VIR_DOMAIN_AFFECT_LIVE;
    *config = flags & VIR_DOMAIN_AFFECT_CONFIG;
    if (!*live && !*config) {
        *live = obj->id >= 0;
        *config = !*live;
    }
    if (*live && !vkQemuCheckActive(obj))
        return -1;
    if (*config && !obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "transient domains do not have any persistent config");
        return -1;
    }
    return 0;
}

/* <memballoon><stats period='N'/>: first of its children, as libvirt
 * writes it; a period of 0 (polling off) is not written. */
static void
setStatsPeriod(vkXmlElem *bal, const char *period)
{
    vkXmlElem *s = NULL;

    for (guint i = 0; bal->children && i < bal->children->len; i++) {
        vkXmlElem *c = bal->children->pdata[i];

        if (strcmp(c->name, "stats") == 0) {
            if (strcmp(period, "0") == 0) {
                g_ptr_array_remove_index(bal->children, i);
                return;
            }
            s = c;
        }
    }
    if (strcmp(period, "0") == 0)
        return;
    if (!s) {
        s = g_new0(vkXmlElem, 1);
        s->name = g_strdup("stats");
        if (!bal->children)
            bal->children = g_ptr_array_new_with_free_func((GDestroyNotify)vkXmlElemFree);
        g_ptr_array_insert(bal->children, 0, s);
    }
    vkXmlElemSetAttr(s, "period", period);
}

int
vkQemuDomainSetMemoryStatsPeriod(virDomainPtr dom, int period, unsigned int flags)
{
    g_autofree char *text = g_strdup_printf("%d", period);
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainDef *cfg;
    bool live, config;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (period < 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "period in virDomainSetMemoryStatsPeriod must be zero or greater");
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (vkQemuAffect(obj, flags, &live, &config) < 0)
        goto out;
    cfg = obj->newDef ? obj->newDef : obj->def;
    if ((live && !balloonElem(obj->def)) || (config && !balloonElem(cfg))) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "No memory balloon device configured, can not set the collection period");
        goto out;
    }
    if (live) {
        vkJSON *args = vkJSONNewObject();

        vkJSONObjectAppendString(args, "path", BALLOON_PATH);
        vkJSONObjectAppendString(args, "property", "guest-stats-polling-interval");
        vkJSONObjectAppendInt(args, "value", period);
        if (vkQemuDomainMonitorCommand(st, obj, "qom-set", args, NULL) < 0)
            goto out;
        if (obj->run) {
            setStatsPeriod(balloonElem(obj->def), text);
            if (vkQemuWriteStatus(st, obj) < 0)
                vkErrorReset();
        }
    }
    if (config) {
        setStatsPeriod(balloonElem(cfg), text);
        if (vkQemuSaveConfig(st, cfg) < 0)
            goto out;
    }
    ret = 0;
 out:
    vkQemuEndJob(st, obj);
 nojob:
    release(st, obj);
    return ret;
}

int
vkQemuDomainSetMaxMemory(virDomainPtr dom, unsigned long memory)
{
    /* as libvirt: the maximum of whatever definition is current */
    return vkQemuDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_MEM_MAXIMUM);
}

/* ---- control, time, jobs ---- */

int
vkQemuDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info,
                           unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    /* Never waits for the job: this is how a client learns that QEMU is
     * busy with another call. */
    if (obj->run && obj->run->monitorEOF) {
        /* the monitor is what failed, as libvirt says */
        info->state = VIR_DOMAIN_CONTROL_ERROR;
        info->details = VIR_DOMAIN_CONTROL_ERROR_REASON_MONITOR;
    } else if (obj->job)
        info->state = VIR_DOMAIN_CONTROL_JOB;
    else
        info->state = VIR_DOMAIN_CONTROL_OK;
    g_mutex_unlock(&st->lock);
    return 0;
}

/* What a job in progress looks like from outside: a save (or managed
 * save) is QEMU's migration to a file, the only long job here; its
 * progress is query-migrate's, asked without waiting for the job the
 * save holds (QMP queues the query behind nothing long). */
typedef struct {
    int type;                /* virDomainJobType */
    unsigned long long elapsedMs, total, processed, remaining;
} jobProgress;

static int
jobProgressGet(virDomainPtr dom, jobProgress *jp)
{
    g_autoptr(vkJSON) ret = NULL;
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc = -1;

    memset(jp, 0, sizeof(*jp));
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (!vkQemuCheckActive(obj))
        goto out;
    rc = 0;
    if (!obj->job || !obj->run || !obj->run->migStatus ||
        vkQemuMigrationDone(obj->run->migStatus))
        goto out;
    if (vkQemuDomainMonitorCommand(st, obj, "query-migrate", NULL, &ret) < 0) {
        vkErrorReset();      /* the save ended meanwhile: no job */
        goto out;
    }
    if (g_strcmp0(vkJSONObjectGetString(ret, "status"), "active") == 0 ||
        g_strcmp0(vkJSONObjectGetString(ret, "status"), "setup") == 0) {
        vkJSON *ram = vkJSONObjectGet(ret, "ram");

        jp->type = VIR_DOMAIN_JOB_UNBOUNDED;
        jp->elapsedMs = jsonULL(ret, "total-time");
        jp->total = jsonULL(ram, "total");
        jp->processed = jsonULL(ram, "transferred");
        jp->remaining = jsonULL(ram, "remaining");
    }
 out:
    release(st, obj);
    return rc;
}

int
vkQemuSaveJobGetInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    jobProgress jp;

    if (jobProgressGet(dom, &jp) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    info->type = jp.type;
    info->timeElapsed = jp.elapsedMs;
    info->dataTotal = info->memTotal = jp.total;
    info->dataProcessed = info->memProcessed = jp.processed;
    info->dataRemaining = info->memRemaining = jp.remaining;
    return 0;
}

/* A save's progress as virDomainGetJobStats' typed parameters. */
static int
jobParams(const jobProgress *jp, virTypedParameterPtr *params, int *nparams)
{
    const struct { const char *name; unsigned long long value; } figures[] = {
        { VIR_DOMAIN_JOB_TIME_ELAPSED, jp->elapsedMs },
        { VIR_DOMAIN_JOB_DATA_TOTAL, jp->total },
        { VIR_DOMAIN_JOB_DATA_PROCESSED, jp->processed },
        { VIR_DOMAIN_JOB_DATA_REMAINING, jp->remaining },
        { VIR_DOMAIN_JOB_MEMORY_TOTAL, jp->total },
        { VIR_DOMAIN_JOB_MEMORY_PROCESSED, jp->processed },
        { VIR_DOMAIN_JOB_MEMORY_REMAINING, jp->remaining },
    };
    int max = 0;
    bool ok = virTypedParamsAddInt(params, nparams, &max, VIR_DOMAIN_JOB_OPERATION,
                                   VIR_DOMAIN_JOB_OPERATION_SAVE) == 0;

    for (size_t i = 0; ok && i < G_N_ELEMENTS(figures); i++)
        ok = virTypedParamsAddULLong(params, nparams, &max, figures[i].name,
                                     figures[i].value) == 0;
    if (!ok) {
        virTypedParamsFree(*params, *nparams);
        *params = NULL;
        *nparams = 0;
        return -1;
    }
    return 0;
}

int
vkQemuSaveJobGetStats(virDomainPtr dom, int *type, virTypedParameterPtr *params,
                      int *nparams, unsigned int flags)
{
    jobProgress jp;

    vkCheckFlags(VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED, -1);
    *params = NULL;
    *nparams = 0;
    if (flags & VIR_DOMAIN_JOB_STATS_COMPLETED) {
        /* no record of finished jobs is kept */
        *type = VIR_DOMAIN_JOB_NONE;
        return 0;
    }
    if (jobProgressGet(dom, &jp) < 0)
        return -1;
    *type = jp.type;
    return jp.type == VIR_DOMAIN_JOB_NONE ? 0 : jobParams(&jp, params, nparams);
}

int
vkQemuSaveJobAbort(virDomainPtr dom)
{
    jobProgress jp;
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc;

    if (jobProgressGet(dom, &jp) < 0)
        return -1;
    if (jp.type == VIR_DOMAIN_JOB_NONE) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "no job is active on the domain");
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    /* the save holds the job and sees its migration fail */
    rc = vkQemuDomainMonitorCommand(st, obj, "migrate_cancel", NULL, NULL);
    release(st, obj);
    return rc;
}

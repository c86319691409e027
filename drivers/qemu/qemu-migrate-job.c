/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The job calls around a migration: progress (domjobinfo, from QMP's
 * query-migrate, and for copied disks from their mirrors' block jobs),
 * abort (migrate_cancel), and the tuning that QEMU reads
 * at the start of a migration and while it runs (speed, downtime).
 *
 * None of them takes the domain's job: Perform holds it for the whole
 * stream, and these must answer meanwhile.  They read obj->mig under the
 * lock and talk to QEMU through a reference on its monitor (one command
 * at a time per monitor, so they queue behind nothing of Perform's).
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/qemu/qemu-stats.h"

/* libvirt's "unlimited" speed (INT64_MAX bytes/s in MiB/s), what
 * migrate-getspeed shows before anyone set one. */
#define SPEED_UNLIMITED 8796093022207ULL
/* QEMU's default downtime-limit, ms. */
#define DOWNTIME_DEFAULT 300ULL

int
vkQemuMigrateApplyTuning(vkQemuMonitor *mon, unsigned long long speed,
                         unsigned long long downtime)
{
    vkJSON *args = vkJSONNewObject();

    vkJSONObjectAppend(args, "max-bandwidth",
                       vkJSONNewUInt((speed ? speed : SPEED_UNLIMITED) * 1024ULL * 1024ULL));
    if (downtime)
        vkJSONObjectAppend(args, "downtime-limit", vkJSONNewUInt(downtime));
    return vkQemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
}

static void
addCap(vkJSON *caps, const char *name, bool on)
{
    vkJSON *cap = vkJSONNewObject();

    vkJSONObjectAppendString(cap, "capability", name);
    vkJSONObjectAppendBool(cap, "state", on);
    vkJSONArrayAppend(caps, cap);
}

int
vkQemuMigrateSetCapabilities(vkQemuMonitor *mon, unsigned int flags,
                             unsigned long long channels)
{
    vkJSON *args = vkJSONNewObject();
    vkJSON *caps = vkJSONNewArray();

    /* each set on or off, so a previous migration's choice does not
     * linger in a QEMU that migrates again */
    addCap(caps, "events", true);
    addCap(caps, "auto-converge", flags & VIR_MIGRATE_AUTO_CONVERGE);
    /* --compressed means xbzrle when no method is named, as in libvirt;
     * QEMU's multithreaded "compress" (libvirt's "mt") is refused before
     * this: measured here, it hands a TCG guest corrupted memory */
    addCap(caps, "xbzrle", flags & VIR_MIGRATE_COMPRESSED);
    addCap(caps, "compress", false);
    addCap(caps, "multifd", flags & VIR_MIGRATE_PARALLEL);
    addCap(caps, "postcopy-ram", flags & VIR_MIGRATE_POSTCOPY);
    /* copied disks: their mirrors end while the guest is stopped and
     * before the destination takes its images (qemu-migrate-nbd.c) */
    addCap(caps, "pause-before-switchover", vkQemuMigrateCopiesStorage(flags));
    vkJSONObjectAppend(args, "capabilities", caps);
    if (vkQemuMonitorCommand(mon, "migrate-set-capabilities", args, NULL) < 0)
        return -1;
    if (!channels || !(flags & VIR_MIGRATE_PARALLEL))
        return 0;
    args = vkJSONNewObject();
    vkJSONObjectAppendInt(args, "multifd-channels", (long long)channels);
    return vkQemuMonitorCommand(mon, "migrate-set-parameters", args, NULL);
}

/* The monitor of obj's outgoing migration, referenced; NULL (locked,
 * nothing reported) when there is none. */
static vkQemuMonitor *
migrationMonitor(vkQemuDomain *obj)
{
    if (obj->mig.dir != VK_QEMU_MIG_OUT || !obj->run)
        return NULL;
    return vkQemuMonitorRef(obj->run->mon);
}

typedef struct {
    int type;                    /* virDomainJobType */
    int operation;               /* virDomainJobOperation */
    unsigned long long elapsed;  /* ms */
    unsigned long long total, processed, remaining, bps, downtime;
    unsigned long long diskTotal, diskProcessed, diskRemaining;
    bool hasDowntime;
} jobFacts;

static unsigned long long
member(const vkJSON *obj, const char *key)
{
    unsigned long long v = 0;

    if (vkJSONGetUInt64(vkJSONObjectGet(obj, key), &v) < 0)
        return 0;
    return v;
}

/* The copied disks' progress: the sum of their mirror jobs' (libvirt's
 * disk_total and disk_transferred come from the same two numbers).
 * Once the mirrors ended (the guest is paused for the switchover) there
 * is none left to count. */
static int
queryMirrors(vkQemuMonitor *mon, jobFacts *f)
{
    vkJSON *jobs = NULL;

    if (vkQemuMonitorCommand(mon, "query-block-jobs", NULL, &jobs) < 0)
        return -1;
    for (size_t i = 0; i < vkJSONArraySize(jobs); i++) {
        const vkJSON *j = vkJSONArrayGet(jobs, i);

        if (!g_str_has_prefix(vkJSONObjectGetString(j, "device") ?: "",
                              VK_QEMU_MIGRATE_MIRROR_PREFIX))
            continue;
        f->diskTotal += member(j, "len");
        f->diskProcessed += member(j, "offset");
    }
    /* a mirror's len grows with what the guest writes meanwhile; never
     * below its offset, but a negative remainder would wrap */
    f->diskRemaining = f->diskTotal > f->diskProcessed ? f->diskTotal - f->diskProcessed : 0;
    vkJSONFree(jobs);
    return 0;
}

/* What the domain's migration is doing; type NONE when there is none. */
static int
queryJob(virDomainPtr dom, jobFacts *f)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuMonitor *mon;
    vkJSON *ret = NULL;
    int dir;
    gint64 started;
    bool disks;
    int rc;

    memset(f, 0, sizeof(*f));
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    dir = obj->mig.dir;
    started = obj->mig.started;
    disks = vkQemuMigrateCopiesStorage(obj->mig.flags);
    mon = migrationMonitor(obj);
    g_mutex_unlock(&st->lock);
    if (dir == VK_QEMU_MIG_NONE)
        return 0;
    f->type = VIR_DOMAIN_JOB_UNBOUNDED;
    f->operation = dir == VK_QEMU_MIG_OUT ? VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT :
                   VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN;
    f->elapsed = (unsigned long long)((g_get_real_time() - started) / 1000);
    if (!mon)
        return 0;       /* incoming: QEMU knows no more than "active" */
    rc = vkQemuMonitorCommand(mon, "query-migrate", NULL, &ret);
    if (rc == 0 && disks)
        rc = queryMirrors(mon, f);
    vkQemuMonitorUnref(mon);
    if (rc < 0)
        return -1;
    {
        const vkJSON *ram = vkJSONObjectGet(ret, "ram");

        f->total = member(ram, "total");
        f->processed = member(ram, "transferred");
        f->remaining = member(ram, "remaining");
        f->bps = (unsigned long long)(member(ram, "mbps") * 1000000ULL / 8ULL);
        if (vkJSONObjectGet(ret, "expected-downtime")) {
            f->downtime = member(ret, "expected-downtime");
            f->hasDowntime = true;
        }
    }
    vkJSONFree(ret);
    return 0;
}

int
vkQemuDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    jobFacts f;

    if (queryJob(dom, &f) < 0)
        return -1;
    if (f.type == VIR_DOMAIN_JOB_NONE)
        return vkQemuSaveJobGetInfo(dom, info);
    memset(info, 0, sizeof(*info));
    info->type = f.type;
    info->timeElapsed = f.elapsed;
    info->memTotal = f.total;
    info->memProcessed = f.processed;
    info->memRemaining = f.remaining;
    info->fileTotal = f.diskTotal;
    info->fileProcessed = f.diskProcessed;
    info->fileRemaining = f.diskRemaining;
    /* data is memory and disks together, as in libvirt */
    info->dataTotal = f.total + info->fileTotal;
    info->dataProcessed = f.processed + info->fileProcessed;
    info->dataRemaining = f.remaining + info->fileRemaining;
    return 0;
}

static void
addULL(virTypedParameterPtr p, int *n, const char *field, unsigned long long v)
{
    g_strlcpy(p[*n].field, field, VIR_TYPED_PARAM_FIELD_LENGTH);
    p[*n].type = VIR_TYPED_PARAM_ULLONG;
    p[(*n)++].value.ul = v;
}

int
vkQemuDomainGetJobStats(virDomainPtr dom, int *type, virTypedParameterPtr *params,
                        int *nparams, unsigned int flags)
{
    virTypedParameterPtr p;
    jobFacts f;
    int n = 0;

    vkCheckFlags(VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED, -1);
    if (flags & VIR_DOMAIN_JOB_STATS_COMPLETED)
        return vkQemuSaveJobGetStats(dom, type, params, nparams, flags);
    if (queryJob(dom, &f) < 0)
        return -1;
    if (f.type == VIR_DOMAIN_JOB_NONE)
        return vkQemuSaveJobGetStats(dom, type, params, nparams, flags);
    *type = f.type;
    *params = NULL;
    *nparams = 0;
    p = g_new0(virTypedParameter, 13);
    g_strlcpy(p[n].field, VIR_DOMAIN_JOB_OPERATION, VIR_TYPED_PARAM_FIELD_LENGTH);
    p[n].type = VIR_TYPED_PARAM_INT;
    p[n++].value.i = f.operation;
    addULL(p, &n, VIR_DOMAIN_JOB_TIME_ELAPSED, f.elapsed);
    addULL(p, &n, VIR_DOMAIN_JOB_DATA_TOTAL, f.total + f.diskTotal);
    addULL(p, &n, VIR_DOMAIN_JOB_DATA_PROCESSED, f.processed + f.diskProcessed);
    addULL(p, &n, VIR_DOMAIN_JOB_DATA_REMAINING, f.remaining + f.diskRemaining);
    addULL(p, &n, VIR_DOMAIN_JOB_MEMORY_TOTAL, f.total);
    addULL(p, &n, VIR_DOMAIN_JOB_MEMORY_PROCESSED, f.processed);
    addULL(p, &n, VIR_DOMAIN_JOB_MEMORY_REMAINING, f.remaining);
    if (f.bps > 0)      /* as libvirt: no rate, no field (a job that was quick) */
        addULL(p, &n, VIR_DOMAIN_JOB_MEMORY_BPS, f.bps);
    /* libvirt gives the disk fields with every migration job, zero
     * when no disk is copied */
    addULL(p, &n, VIR_DOMAIN_JOB_DISK_TOTAL, f.diskTotal);
    addULL(p, &n, VIR_DOMAIN_JOB_DISK_PROCESSED, f.diskProcessed);
    addULL(p, &n, VIR_DOMAIN_JOB_DISK_REMAINING, f.diskRemaining);
    if (f.hasDowntime)
        addULL(p, &n, VIR_DOMAIN_JOB_DOWNTIME, f.downtime);
    *params = p;
    *nparams = n;
    return 0;
}

int
vkQemuDomainAbortJob(virDomainPtr dom)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuMonitor *mon;
    int rc;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!(mon = migrationMonitor(obj))) {
        g_mutex_unlock(&st->lock);
        return vkQemuSaveJobAbort(dom);      /* a save, or no job at all */
    }
    obj->mig.abort = true;
    g_mutex_unlock(&st->lock);
    rc = vkQemuMonitorCommand(mon, "migrate_cancel", NULL, NULL);
    vkQemuMonitorUnref(mon);
    return rc;
}

int
vkQemuDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuMonitor *mon;
    unsigned long long downtime;
    int rc = 0;

    vkCheckFlags(0, -1);
    if (bandwidth > SPEED_UNLIMITED) {
        vkReportError(VIR_ERR_OVERFLOW, "bandwidth must be less than %llu",
                      SPEED_UNLIMITED + 1);
        return -1;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    obj->mig.speed = bandwidth;
    downtime = obj->mig.downtime;
    mon = migrationMonitor(obj);
    g_mutex_unlock(&st->lock);
    if (mon) {
        rc = vkQemuMigrateApplyTuning(mon, bandwidth, downtime);
        vkQemuMonitorUnref(mon);
    }
    return rc;
}

int
vkQemuDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    *bandwidth = obj->mig.speed ? (unsigned long)obj->mig.speed : (unsigned long)SPEED_UNLIMITED;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkQemuDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                                  unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuMonitor *mon;
    unsigned long long speed;
    int rc = 0;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    obj->mig.downtime = downtime;
    speed = obj->mig.speed;
    mon = migrationMonitor(obj);
    g_mutex_unlock(&st->lock);
    if (mon) {
        rc = vkQemuMigrateApplyTuning(mon, speed, downtime);
        vkQemuMonitorUnref(mon);
    }
    return rc;
}

int
vkQemuDomainMigrateGetMaxDowntime(virDomainPtr dom, unsigned long long *downtime,
                                  unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc = -1;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (vkQemuCheckActive(obj)) {
        *downtime = obj->mig.downtime ? obj->mig.downtime : DOWNTIME_DEFAULT;
        rc = 0;
    }
    g_mutex_unlock(&st->lock);
    return rc;
}

int
vkQemuDomainMigrateStartPostCopy(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkQemuMonitor *mon = NULL;
    int rc = -1;

    vkCheckFlags(0, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!vkQemuCheckActive(obj)) {
        /* reported */
    } else if (!(mon = migrationMonitor(obj))) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "post-copy can only be started while outgoing migration is in progress");
    } else if (!(obj->mig.flags & VIR_MIGRATE_POSTCOPY)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "switching to post-copy requires migration to be started with "
                      "VIR_MIGRATE_POSTCOPY flag");
    } else if (!obj->mig.memoryMoving) {
        /* still mirroring the disks: Perform switches once the memory
         * stream starts */
        obj->mig.postcopyAsked = true;
        vkQemuMonitorUnref(mon);
        g_mutex_unlock(&st->lock);
        return 0;
    } else {
        rc = 0;
    }
    g_mutex_unlock(&st->lock);
    if (rc == 0)
        rc = vkQemuMonitorCommand(mon, "migrate-start-postcopy", NULL, NULL);
    if (mon)
        vkQemuMonitorUnref(mon);
    return rc;
}

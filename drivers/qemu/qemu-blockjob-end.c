/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Block jobs to their end: QEMU's BLOCK_JOB_* events, abort and pivot,
 * job info and speed.
 *
 * The one idea: QEMU says a job ended on the monitor's event thread,
 * which must not talk to QEMU; what the end means for the guest's live
 * definition (the chain QEMU now has), its nodes (blockdev-del of what
 * left the chain, or of a cancelled copy's target) and libvirt's
 * BLOCK_JOB / BLOCK_JOB_2 events is applied under the domain's job, by
 * the caller of a synchronous abort that waits for it, or else by a
 * short-lived worker thread.  Only then is the job forgotten, so a
 * client that hears the event reads the new XML.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-blockjob.h"

void
vkQemuBlockJobFree(vkQemuBlockJob *job)
{
    if (!job)
        return;
    g_free(job->id);
    g_free(job->dst);
    if (job->oldNodes)
        g_ptr_array_unref(job->oldNodes);
    g_free(job->targetNode);
    g_free(job);
}

int
vkQemuBlockJobAdd(vkQemuDomain *obj, vkQemuBlockJob *job)
{
    if (!obj->run) {
        vkQemuBlockJobFree(job);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return -1;
    }
    if (!obj->run->blockJobs)
        obj->run->blockJobs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                    (GDestroyNotify)vkQemuBlockJobFree);
    g_hash_table_replace(obj->run->blockJobs, job->id, job);
    return 0;
}

void
vkQemuBlockJobRemove(vkQemuDomain *obj, const char *id)
{
    if (obj->run && obj->run->blockJobs)
        g_hash_table_remove(obj->run->blockJobs, id);
}

static vkQemuBlockJob *
jobById(vkQemuDomain *obj, const char *id)
{
    if (!obj->run || !obj->run->blockJobs || !id)
        return NULL;
    return g_hash_table_lookup(obj->run->blockJobs, id);
}

vkQemuBlockJob *
vkQemuBlockJobOfDisk(vkQemuDomain *obj, const char *dst)
{
    GHashTableIter it;
    gpointer value;

    if (!obj->run || !obj->run->blockJobs)
        return NULL;
    g_hash_table_iter_init(&it, obj->run->blockJobs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (strcmp(((vkQemuBlockJob *)value)->dst, dst) == 0)
            return value;
    }
    return NULL;
}

void
vkQemuBlockDeleteNode(vkQemuState *st, vkQemuDomain *obj, const char *node)
{
    unsigned int n;
    g_autofree char *storage = NULL;
    vkJSON *args;

    if (!node || sscanf(node, "libvirt-%u-format", &n) != 1)
        return;
    storage = g_strdup_printf("libvirt-%u-storage", n);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", node);
    if (vkQemuDomainMonitorCommand(st, obj, "blockdev-del", args, NULL) < 0)
        vkErrorReset();
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", storage);
    if (vkQemuDomainMonitorCommand(st, obj, "blockdev-del", args, NULL) < 0)
        vkErrorReset();
}

static void
emit(vkQemuState *st, vkQemuDomain *obj, const char *path, const char *dst, int type,
     int status)
{
    vkDomainEventQueueBlockJob(st->events, obj->name, obj->uuid, obj->id,
                               VIR_DOMAIN_EVENT_ID_BLOCK_JOB, path ? path : dst, type,
                               status);
    vkDomainEventQueueBlockJob(st->events, obj->name, obj->uuid, obj->id,
                               VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, dst, type, status);
}

static bool
inChain(const GPtrArray *chain, const char *node)
{
    for (guint i = 0; chain && i < chain->len; i++) {
        if (g_strcmp0(((vkQemuImage *)chain->pdata[i])->node, node) == 0)
            return true;
    }
    return false;
}

/* The end of job id, applied; called locked with the domain's job. */
static void
applyEnd(vkQemuState *st, vkQemuDomain *obj, const char *jobId)
{
    vkQemuBlockJob *job = jobById(obj, jobId);
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dst = NULL;
    g_autofree char *id = g_strdup(jobId);
    vkDomainDiskDef *d;
    int type, status;

    if (!job || job->end < 0 || job->applied)
        return;
    job->applied = true;
    dst = g_strdup(job->dst);
    type = job->type;
    status = job->end;
    d = vkQemuBlockFindDisk(obj, dst);
    vkErrorReset();
    if (d)
        vkQemuBlockSetMirror(d, NULL, NULL, NULL);
    if (status == VIR_DOMAIN_BLOCK_JOB_COMPLETED && d) {
        for (guint i = 0; i < job->oldNodes->len; i++)
            g_ptr_array_add(drop, g_strdup(job->oldNodes->pdata[i]));
        chain = vkQemuBlockChain(st, obj, d);
        vkErrorReset();
        /* the lock was dropped: the run, the job or the disk may be gone */
        if (chain && jobById(obj, id) && (d = vkQemuBlockFindDisk(obj, dst)))
            vkQemuBlockSetChain(d, chain);
        vkErrorReset();
    } else if (job->targetNode) {
        g_ptr_array_add(drop, g_strdup(job->targetNode));
    }
    for (guint i = 0; i < drop->len; i++) {
        if (!inChain(chain, drop->pdata[i]) && obj->run)
            vkQemuBlockDeleteNode(st, obj, drop->pdata[i]);
    }
    if (!obj->run)
        return;
    d = vkQemuBlockFindDisk(obj, dst);
    vkErrorReset();
    emit(st, obj, d ? d->src : NULL, dst, type, status);
    if (obj->run->blockJobs)
        g_hash_table_remove(obj->run->blockJobs, id);
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
}

typedef struct {
    vkQemuState *st;
    vkQemuDomain *obj;
    guint64 gen;
    char *id;
} endWork;

/* The worker that applies an end no caller waits for. */
static gpointer
endWorker(gpointer opaque)
{
    endWork *w = opaque;
    vkQemuState *st = w->st;
    vkQemuDomain *obj = w->obj;

    g_mutex_lock(&st->lock);
    /* BeginJob gives up after a while; the end is still due while the run lasts */
    while (obj->run && obj->run->gen == w->gen && jobById(obj, w->id)) {
        if (vkQemuBeginJob(st, obj) == 0) {
            if (obj->run && obj->run->gen == w->gen)
                applyEnd(st, obj, w->id);
            vkQemuEndJob(st, obj);
            break;
        }
        vkErrorReset();
    }
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    g_free(w->id);
    g_free(w);
    return NULL;
}

void
vkQemuBlockJobEvent(vkQemuState *st, vkQemuDomain *obj, const char *name, vkJSON *data)
{
    vkQemuBlockJob *job = jobById(obj, vkJSONObjectGetString(data, "device"));
    vkDomainDiskDef *d;
    endWork *w;

    if (!job || job->end >= 0)
        return;
    if (strcmp(name, "BLOCK_JOB_READY") == 0) {
        job->ready = true;
        d = vkQemuBlockFindDisk(obj, job->dst);
        vkErrorReset();
        for (guint i = 0; d && d->extra && i < d->extra->len; i++) {
            vkXmlElem *e = d->extra->pdata[i];

            if (strcmp(e->name, "mirror") == 0)
                vkXmlElemSetAttr(e, "ready", "yes");
        }
        emit(st, obj, d ? d->src : NULL, job->dst, job->type, VIR_DOMAIN_BLOCK_JOB_READY);
        g_cond_broadcast(&st->jobCond);
        return;
    }
    if (strcmp(name, "BLOCK_JOB_COMPLETED") == 0) {
        /* a ready mirror that is cancelled completes without pivoting */
        job->end = vkJSONObjectGetString(data, "error") ? VIR_DOMAIN_BLOCK_JOB_FAILED :
                   job->cancelling ? VIR_DOMAIN_BLOCK_JOB_CANCELED :
                   VIR_DOMAIN_BLOCK_JOB_COMPLETED;
    } else if (strcmp(name, "BLOCK_JOB_CANCELLED") == 0) {
        job->end = VIR_DOMAIN_BLOCK_JOB_CANCELED;
    } else {
        return;          /* BLOCK_JOB_ERROR, BLOCK_JOB_PENDING: QEMU goes on */
    }
    g_cond_broadcast(&st->jobCond);
    w = g_new0(endWork, 1);
    w->st = st;
    w->obj = vkQemuDomainRef(obj);
    w->gen = obj->run->gen;
    w->id = g_strdup(job->id);
    g_thread_unref(g_thread_new("vk-blockjob-end", endWorker, w));
}

/* Domain, job held, running, the disk's block job: the frame of the
 * calls below.  NULL job with no error: the disk has none. */
typedef struct {
    vkQemuState *st;
    vkQemuDomain *obj;
    bool jobHeld;
} frame;

static int
frameBegin(frame *f, virDomainPtr dom)
{
    if (!(f->obj = vkQemuDomainGet(dom, &f->st)))
        return -1;
    vkQemuDomainRef(f->obj);
    if (vkQemuBeginJob(f->st, f->obj) < 0)
        return -1;
    f->jobHeld = true;
    return vkQemuCheckActive(f->obj) ? 0 : -1;
}

static void
frameEnd(frame *f)
{
    if (!f->obj)
        return;
    if (f->jobHeld)
        vkQemuEndJob(f->st, f->obj);
    g_mutex_unlock(&f->st->lock);
    vkQemuDomainUnref(f->obj);
}

static vkQemuBlockJob *
diskJob(frame *f, const char *path, bool required)
{
    vkDomainDiskDef *d = vkQemuBlockFindDisk(f->obj, path);
    vkQemuBlockJob *job;

    if (!d)
        return NULL;
    if (!(job = vkQemuBlockJobOfDisk(f->obj, d->dst)) && required)
        vkReportError(VIR_ERR_INVALID_ARG, "disk %s does not have an active block job",
                      d->dst);
    return job;
}

int
vkQemuBlockJobFinish(vkQemuState *st, vkQemuDomain *obj, const char *id, bool pivot)
{
    guint64 gen = obj->run->gen;
    g_autofree char *dst = NULL;
    vkQemuBlockJob *job;
    int status;

#define VK_SAME_RUN (obj->run && obj->run->gen == gen)
    while (VK_SAME_RUN && (job = jobById(obj, id)) && job->end < 0 && !(pivot && job->ready))
        g_cond_wait(&st->jobCond, &st->lock);
    if (VK_SAME_RUN && (job = jobById(obj, id)) && job->end < 0) {
        vkJSON *args = vkJSONNewObject();

        vkJSONObjectAppendString(args, "id", id);
        if (vkQemuDomainMonitorCommand(st, obj, "job-complete", args, NULL) < 0)
            return -1;
        while (VK_SAME_RUN && (job = jobById(obj, id)) && job->end < 0)
            g_cond_wait(&st->jobCond, &st->lock);
    }
    if (!VK_SAME_RUN || !(job = jobById(obj, id))) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "domain '%s' ended during block job %s",
                      obj->name, id);
        return -1;
    }
#undef VK_SAME_RUN
    status = job->end;
    dst = g_strdup(job->dst);
    applyEnd(st, obj, id);
    if (status != VIR_DOMAIN_BLOCK_JOB_COMPLETED) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "block job %s of disk '%s' %s", id, dst,
                      status == VIR_DOMAIN_BLOCK_JOB_CANCELED ? "was cancelled" : "failed");
        return -1;
    }
    return 0;
}

int
vkQemuDomainBlockJobAbort(virDomainPtr dom, const char *path, unsigned int flags)
{
    frame f = { 0 };
    vkQemuBlockJob *job;
    g_autofree char *id = NULL;
    guint64 gen;
    vkJSON *args;
    int rc = -1;

    vkCheckFlags(VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC | VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT, -1);
    if (frameBegin(&f, dom) < 0 || !(job = diskJob(&f, path, true)))
        goto out;
    id = g_strdup(job->id);
    gen = f.obj->run->gen;
    if (job->end >= 0) {
        /* ended already: only what it means is left to do */
        applyEnd(f.st, f.obj, id);
        rc = 0;
        goto out;
    }
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, flags & VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT ? "id" : "device",
                             id);
    if (flags & VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) {
        if (job->type != VIR_DOMAIN_BLOCK_JOB_TYPE_COPY &&
            job->type != VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT) {
            vkJSONFree(args);
            vkReportError(VIR_ERR_OPERATION_INVALID, "job type '%s' does not support pivot",
                          job->type == VIR_DOMAIN_BLOCK_JOB_TYPE_PULL ? "pull" : "commit");
            goto out;
        }
        if (!job->ready) {
            vkJSONFree(args);
            vkReportError(VIR_ERR_BLOCK_COPY_ACTIVE, "disk '%s' not ready for pivot yet",
                          job->dst);
            goto out;
        }
        if (vkQemuDomainMonitorCommand(f.st, f.obj, "job-complete", args, NULL) < 0)
            goto out;
    } else {
        job->cancelling = true;
        if (vkQemuDomainMonitorCommand(f.st, f.obj, "block-job-cancel", args, NULL) < 0) {
            if ((job = jobById(f.obj, id)))
                job->cancelling = false;
            goto out;
        }
    }
    rc = 0;
    if (flags & VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC)
        goto out;
    /* libvirt's synchronous abort returns once the job is over */
    while ((job = jobById(f.obj, id)) && f.obj->run->gen == gen && job->end < 0)
        g_cond_wait(&f.st->jobCond, &f.st->lock);
    if (job && job->end >= 0)
        applyEnd(f.st, f.obj, id);
 out:
    frameEnd(&f);
    return rc;
}

int
vkQemuDomainGetBlockJobInfo(virDomainPtr dom, const char *path,
                            virDomainBlockJobInfoPtr info, unsigned int flags)
{
    frame f = { 0 };
    vkQemuBlockJob *job;
    g_autoptr(vkJSON) jobs = NULL;
    g_autofree char *id = NULL;
    int type;
    int rc = -1;

    vkCheckFlags(VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES, -1);
    memset(info, 0, sizeof(*info));
    if (frameBegin(&f, dom) < 0 || !vkQemuBlockFindDisk(f.obj, path))
        goto out;
    rc = 0;
    if (!(job = diskJob(&f, path, false)))
        goto out;
    id = g_strdup(job->id);
    type = job->type;
    if (job->end >= 0) {
        /* over, its end not applied yet: done, as libvirt shows it */
        info->type = type;
        info->cur = info->end = 1;
        rc = 1;
        goto out;
    }
    if (vkQemuDomainMonitorCommand(f.st, f.obj, "query-block-jobs", NULL, &jobs) < 0) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < vkJSONArraySize(jobs); i++) {
        const vkJSON *j = vkJSONArrayGet(jobs, i);
        unsigned long long speed = 0, cur = 0, end = 0;

        if (g_strcmp0(vkJSONObjectGetString(j, "device"), id) != 0)
            continue;
        vkJSONGetUInt64(vkJSONObjectGet(j, "speed"), &speed);
        vkJSONGetUInt64(vkJSONObjectGet(j, "offset"), &cur);
        vkJSONGetUInt64(vkJSONObjectGet(j, "len"), &end);
        info->type = type;
        info->bandwidth = flags & VIR_DOMAIN_BLOCK_JOB_INFO_BANDWIDTH_BYTES ? speed :
                          speed >> 20;
        info->cur = cur;
        info->end = end;
        rc = 1;
    }
 out:
    frameEnd(&f);
    return rc;
}

int
vkQemuDomainBlockJobSetSpeed(virDomainPtr dom, const char *path, unsigned long bandwidth,
                             unsigned int flags)
{
    frame f = { 0 };
    vkQemuBlockJob *job;
    long long speed;
    vkJSON *args;
    int rc = -1;

    vkCheckFlags(VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES, -1);
    if ((speed = vkQemuBlockBandwidth(bandwidth,
                                      flags & VIR_DOMAIN_BLOCK_JOB_SPEED_BANDWIDTH_BYTES)) < 0)
        return -1;
    if (frameBegin(&f, dom) < 0 || !(job = diskJob(&f, path, true)))
        goto out;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "device", job->id);
    vkJSONObjectAppendInt(args, "speed", speed);
    rc = vkQemuDomainMonitorCommand(f.st, f.obj, "block-job-set-speed", args, NULL);
 out:
    frameEnd(&f);
    return rc;
}

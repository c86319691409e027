/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting block jobs on a running guest: pull (block-stream), commit
 * (block-commit, active or not), copy (the target opened with
 * blockdev-add, then blockdev-mirror), and block_resize.
 *
 * The one idea: the images a caller names are looked up in the chain
 * QEMU has open (qemu-blockjob-chain.c), and the job is recorded before
 * QEMU is asked to start it, since its end may be announced first.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-blockjob.h"
#include "drivers/qemu/qemu-blockdev.h"

static int
cmd(vkQemuState *st, vkQemuDomain *obj, const char *name, vkJSON *args, vkJSON **ret)
{
    return vkQemuDomainMonitorCommand(st, obj, name, args, ret);
}

long long
vkQemuBlockBandwidth(unsigned long bandwidth, bool bytes)
{
    if (bytes) {
        if ((unsigned long long)bandwidth > LLONG_MAX) {
            vkReportError(VIR_ERR_OVERFLOW, "bandwidth must be less than %llu",
                          (unsigned long long)LLONG_MAX);
            return -1;
        }
        return bandwidth;
    }
    if ((unsigned long long)bandwidth > (unsigned long long)LLONG_MAX >> 20) {
        vkReportError(VIR_ERR_OVERFLOW, "bandwidth must be less than %llu",
                      (unsigned long long)LLONG_MAX >> 20);
        return -1;
    }
    return (long long)bandwidth << 20;
}

/* The storage module's errors, as libvirt reports a chain lookup. */
#define chainError(...) \
    vkReportErrorFull(VIR_FROM_STORAGE, VIR_ERR_INVALID_ARG, __FILE__, __func__, __LINE__, \
                      __VA_ARGS__)

/* The image of chain that path names (its file), looked for beneath image
 * from (-1: anywhere); -1 with libvirt's error. */
static int
chainFind(const GPtrArray *chain, const char *path, const char *dst, int from)
{
    for (guint i = from + 1; i < chain->len; i++) {
        if (strcmp(((vkQemuImage *)chain->pdata[i])->file, path) == 0)
            return i;
    }
    if (from >= 0)
        chainError("could not find image '%s' beneath '%s' in chain for '%s'", path,
                   ((vkQemuImage *)chain->pdata[from])->file, dst);
    else
        chainError("could not find image '%s' in chain for '%s'", path, dst);
    return -1;
}

typedef enum { START_PULL, START_COMMIT, START_COPY } startKind;

/* What an API asked for, checked; the job is started with it. */
typedef struct {
    startKind kind;
    const char *path;
    const char *base;
    const char *top;
    long long speed;
    unsigned int flags;
    /* copy */
    const char *dest;
    const char *destFormat;  /* NULL: the disk's */
    unsigned long long granularity, bufSize;
    bool shallow, reuse;
} startArgs;

static vkQemuBlockJob *
jobNew(const char *kind, const vkDomainDiskDef *d, const GPtrArray *chain, int type)
{
    vkQemuBlockJob *job = g_new0(vkQemuBlockJob, 1);

    const char *node = ((vkQemuImage *)chain->pdata[0])->node;

    /* QEMU's ids are identifiers: an automatic node name's '#' is not */
    job->id = g_strdup_printf("%s-%s-%s", kind, d->dst, node[0] == '#' ? node + 1 : node);
    job->dst = g_strdup(d->dst);
    job->type = type;
    job->end = -1;
    job->oldNodes = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < chain->len; i++)
        g_ptr_array_add(job->oldNodes, g_strdup(((vkQemuImage *)chain->pdata[i])->node));
    return job;
}

/* Sends the QMP command that starts job (taken), known beforehand: QEMU
 * may announce its end before the command's reply. */
static int
runStart(vkQemuState *st, vkQemuDomain *obj, vkQemuBlockJob *job, const char *name,
         vkJSON *args)
{
    g_autofree char *id = g_strdup(job->id);

    if (vkQemuBlockJobAdd(obj, job) < 0) {
        vkJSONFree(args);
        return -1;
    }
    if (cmd(st, obj, name, args, NULL) < 0) {
        vkQemuBlockJobRemove(obj, id);
        return -1;
    }
    return 0;
}

static void
addSpeed(vkJSON *args, long long speed)
{
    if (speed > 0)
        vkJSONObjectAppendInt(args, "speed", speed);
}

static int
startPull(vkQemuState *st, vkQemuDomain *obj, vkDomainDiskDef *d,
          const GPtrArray *chain, const startArgs *a)
{
    vkJSON *args = vkJSONNewObject();
    vkQemuBlockJob *job;
    int base = -1;

    if (a->base && (base = chainFind(chain, a->base, d->dst, 0)) < 0) {
        vkJSONFree(args);
        return -1;
    }
    job = jobNew("pull", d, chain, VIR_DOMAIN_BLOCK_JOB_TYPE_PULL);
    vkJSONObjectAppendString(args, "job-id", job->id);
    vkJSONObjectAppendString(args, "device", ((vkQemuImage *)chain->pdata[0])->node);
    if (base > 0)
        vkJSONObjectAppendString(args, "base-node", ((vkQemuImage *)chain->pdata[base])->node);
    addSpeed(args, a->speed);
    return runStart(st, obj, job, "block-stream", args);
}

static int
startCommit(vkQemuState *st, vkQemuDomain *obj, vkDomainDiskDef *d,
            const GPtrArray *chain, const startArgs *a)
{
    vkJSON *args;
    vkQemuBlockJob *job;
    int top = 0, base;
    bool active = a->flags & VIR_DOMAIN_BLOCK_COMMIT_ACTIVE;

    if (a->top && (top = chainFind(chain, a->top, d->dst, -1)) < 0)
        return -1;
    if (top == 0 && !active) {
        vkReportError(VIR_ERR_INVALID_ARG, "commit of '%s' active layer requires active flag",
                      d->dst);
        return -1;
    }
    if (top != 0 && active) {
        vkReportError(VIR_ERR_INVALID_ARG, "active commit requested but '%s' is not active",
                      ((vkQemuImage *)chain->pdata[top])->file);
        return -1;
    }
    if ((guint)top + 1 >= chain->len) {
        chainError("could not find base image in chain for '%s'", d->dst);
        return -1;
    }
    if (a->flags & VIR_DOMAIN_BLOCK_COMMIT_SHALLOW) {
        base = top + 1;
        if (a->base && strcmp(a->base, ((vkQemuImage *)chain->pdata[base])->file) != 0) {
            vkReportError(VIR_ERR_INVALID_ARG, "base '%s' is not immediately below '%s' "
                          "in chain for '%s'", a->base,
                          ((vkQemuImage *)chain->pdata[top])->file, d->dst);
            return -1;
        }
    } else if (a->base) {
        if ((base = chainFind(chain, a->base, d->dst, top)) < 0)
            return -1;
    } else {
        base = chain->len - 1;
    }
    job = jobNew(active ? "active-commit" : "commit", d, chain,
                 active ? VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT :
                 VIR_DOMAIN_BLOCK_JOB_TYPE_COMMIT);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "job-id", job->id);
    vkJSONObjectAppendString(args, "device", ((vkQemuImage *)chain->pdata[0])->node);
    vkJSONObjectAppendString(args, "top-node", ((vkQemuImage *)chain->pdata[top])->node);
    vkJSONObjectAppendString(args, "base-node", ((vkQemuImage *)chain->pdata[base])->node);
    addSpeed(args, a->speed);
    /* the domain's job keeps d in the definition while the lock is dropped;
     * <mirror> is there before QEMU's READY may come */
    if (active)
        vkQemuBlockSetMirror(d, chain->pdata[base], "active-commit", NULL);
    if (runStart(st, obj, job, "block-commit", args) < 0) {
        vkQemuBlockSetMirror(d, NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int
vkQemuBlockCommitDown(vkQemuState *st, vkQemuDomain *obj, vkDomainDiskDef *d,
                      const char *topFile)
{
    startArgs a = { .kind = START_COMMIT, .top = topFile,
                    .flags = VIR_DOMAIN_BLOCK_COMMIT_SHALLOW };
    g_autoptr(GPtrArray) chain = NULL;
    vkQemuBlockJob *job;

    if (vkQemuBlockJobOfDisk(obj, d->dst)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "disk '%s' already in active block job",
                      d->dst);
        return -1;
    }
    if (!(chain = vkQemuBlockChain(st, obj, d)))
        return -1;
    if (chain->len && strcmp(((vkQemuImage *)chain->pdata[0])->file, topFile) == 0)
        a.flags |= VIR_DOMAIN_BLOCK_COMMIT_ACTIVE;
    if (startCommit(st, obj, d, chain, &a) < 0)
        return -1;
    /* the domain's job is held: the job's end waits for us to apply it */
    if (!(job = vkQemuBlockJobOfDisk(obj, d->dst))) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "block commit of disk '%s' vanished", d->dst);
        return -1;
    }
    return vkQemuBlockJobFinish(st, obj, job->id, a.flags & VIR_DOMAIN_BLOCK_COMMIT_ACTIVE);
}

unsigned int
vkQemuBlockNextNodeIndex(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkJSON) ret = NULL;
    unsigned int max = 0;

    if (cmd(st, obj, "query-named-block-nodes", NULL, &ret) < 0)
        return 0;
    for (size_t i = 0; i < vkJSONArraySize(ret); i++) {
        const char *name = vkJSONObjectGetString(vkJSONArrayGet(ret, i), "node-name");
        unsigned int n;

        if (name && sscanf(name, "libvirt-%u-", &n) == 1 && n > max)
            max = n;
    }
    return max + 1;
}

/* Creates the copy's target with qemu-img: an empty image of the disk's
 * size, or for a shallow qcow2 copy an overlay on the disk's backing
 * image (-u: QEMU holds that image open). */
static int
createTarget(const char *dest, const char *format, unsigned long long size,
             const vkQemuImage *backing)
{
    g_autofree char *sz = g_strdup_printf("%llu", size);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    int status = 0;

    g_ptr_array_add(argv, (char *)"qemu-img");
    g_ptr_array_add(argv, (char *)"create");
    g_ptr_array_add(argv, (char *)"-q");
    g_ptr_array_add(argv, (char *)"-f");
    g_ptr_array_add(argv, (char *)format);
    if (backing) {
        g_ptr_array_add(argv, (char *)"-u");
        g_ptr_array_add(argv, (char *)"-F");
        g_ptr_array_add(argv, backing->format);
        g_ptr_array_add(argv, (char *)"-b");
        g_ptr_array_add(argv, backing->file);
    }
    g_ptr_array_add(argv, (char *)dest);
    g_ptr_array_add(argv, sz);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &out, &err, &status, &gerr) ||
        !g_spawn_check_wait_status(status, NULL)) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "failed to create copy target '%s': %s",
                      dest, gerr ? gerr->message : g_strstrip(err));
        return -1;
    }
    return 0;
}

static int
startCopy(vkQemuState *st, vkQemuDomain *obj, vkDomainDiskDef *d,
          const GPtrArray *chain, const startArgs *a)
{
    const vkQemuImage *top = chain->pdata[0];
    const vkQemuImage *backing = chain->len > 1 ? chain->pdata[1] : NULL;
    const char *format = a->destFormat ? a->destFormat : top->format;
    bool shallow = a->shallow && backing;
    bool canBack = strcmp(format, "qcow2") == 0 || strcmp(format, "qed") == 0;
    g_autofree char *stName = NULL;
    g_autofree char *fmtName = NULL;
    unsigned int index;
    vkQemuBlockJob *job;
    vkQemuImage target;
    vkJSON *args;
    bool created = false;

    if (shallow && !canBack) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "shallow copy of disk '%s' into a '%s' "
                      "image, which has no backing file", d->dst, format);
        return -1;
    }
    if (a->reuse && access(a->dest, F_OK) < 0) {
        vkReportSystemError(errno, "missing destination file for disk %s: %s", d->dst,
                            a->dest);
        return -1;
    }
    if (!a->reuse) {
        if (createTarget(a->dest, format, top->size, shallow ? backing : NULL) < 0)
            return -1;
        created = true;
    }
    if ((index = vkQemuBlockNextNodeIndex(st, obj)) == 0)
        goto fail;
    stName = g_strdup_printf("libvirt-%u-storage", index);
    fmtName = g_strdup_printf("libvirt-%u-format", index);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "driver", "file");
    vkJSONObjectAppendString(args, "filename", a->dest);
    vkJSONObjectAppendString(args, "node-name", stName);
    vkJSONObjectAppendBool(args, "auto-read-only", true);
    vkJSONObjectAppendString(args, "discard", "unmap");
    if (cmd(st, obj, "blockdev-add", args, NULL) < 0)
        goto fail;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", fmtName);
    vkJSONObjectAppendBool(args, "read-only", false);
    vkJSONObjectAppendString(args, "driver", format);
    vkJSONObjectAppendString(args, "file", stName);
    if (canBack) {
        if (shallow)
            vkJSONObjectAppendString(args, "backing", backing->node);
        else
            vkJSONObjectAppend(args, "backing", vkJSONNewNull());
    }
    if (cmd(st, obj, "blockdev-add", args, NULL) < 0)
        goto failnodes;
    target = (vkQemuImage){ .node = fmtName, .file = (char *)a->dest,
                            .format = (char *)format };
    job = jobNew("copy", d, chain, VIR_DOMAIN_BLOCK_JOB_TYPE_COPY);
    job->targetNode = g_strdup(fmtName);
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "job-id", job->id);
    vkJSONObjectAppendString(args, "device", top->node);
    vkJSONObjectAppendString(args, "target", fmtName);
    vkJSONObjectAppendString(args, "sync", shallow ? "top" : "full");
    addSpeed(args, a->speed);
    if (a->granularity)
        vkJSONObjectAppendInt(args, "granularity", a->granularity);
    if (a->bufSize)
        vkJSONObjectAppendInt(args, "buf-size", a->bufSize);
    if (a->flags & VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES)
        vkJSONObjectAppendString(args, "copy-mode", "write-blocking");
    vkQemuBlockSetMirror(d, &target, "copy", NULL);
    if (runStart(st, obj, job, "blockdev-mirror", args) < 0) {
        vkQemuBlockSetMirror(d, NULL, NULL, NULL);
        goto failnodes;
    }
    return 0;

 failnodes:
    vkQemuBlockDeleteNode(st, obj, fmtName);
 fail:
    if (created)
        g_unlink(a->dest);
    return -1;
}

/* The common frame: domain, job, running, disk free of jobs, its chain. */
static int
startJob(virDomainPtr dom, const startArgs *a)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainDiskDef *d;
    g_autoptr(GPtrArray) chain = NULL;
    int rc = -1;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj) || !(d = vkQemuBlockFindDisk(obj, a->path)))
        goto out;
    if (vkQemuBlockJobOfDisk(obj, d->dst)) {
        vkReportError(VIR_ERR_BLOCK_COPY_ACTIVE, "disk '%s' already in active block job",
                      d->dst);
        goto out;
    }
    if (!(chain = vkQemuBlockChain(st, obj, d)))
        goto out;
    /* the monitor calls dropped the lock: the disk may be gone */
    if (!(d = vkQemuBlockFindDisk(obj, a->path)))
        goto out;
    switch (a->kind) {
    case START_PULL:
        rc = startPull(st, obj, d, chain, a);
        break;
    case START_COMMIT:
        rc = startCommit(st, obj, d, chain, a);
        break;
    case START_COPY:
        rc = startCopy(st, obj, d, chain, a);
        break;
    }
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainBlockRebase(virDomainPtr dom, const char *path, const char *base,
                        unsigned long bandwidth, unsigned int flags)
{
    startArgs a = { .kind = START_PULL, .path = path, .base = base, .flags = flags };

    vkCheckFlags(VIR_DOMAIN_BLOCK_REBASE_SHALLOW | VIR_DOMAIN_BLOCK_REBASE_REUSE_EXT |
                 VIR_DOMAIN_BLOCK_REBASE_COPY_RAW | VIR_DOMAIN_BLOCK_REBASE_COPY |
                 VIR_DOMAIN_BLOCK_REBASE_RELATIVE | VIR_DOMAIN_BLOCK_REBASE_BANDWIDTH_BYTES, -1);
    if ((a.speed = vkQemuBlockBandwidth(bandwidth,
                                        flags & VIR_DOMAIN_BLOCK_REBASE_BANDWIDTH_BYTES)) < 0)
        return -1;
    if (flags & VIR_DOMAIN_BLOCK_REBASE_COPY) {
        if (!base) {
            vkReportError(VIR_ERR_INVALID_ARG, "destination of block copy must be given");
            return -1;
        }
        a.kind = START_COPY;
        a.base = NULL;
        a.dest = base;
        a.destFormat = flags & VIR_DOMAIN_BLOCK_REBASE_COPY_RAW ? "raw" : NULL;
        a.shallow = flags & VIR_DOMAIN_BLOCK_REBASE_SHALLOW;
        a.reuse = flags & VIR_DOMAIN_BLOCK_REBASE_REUSE_EXT;
        a.flags = 0;
        return startJob(dom, &a);
    }
    if (flags & (VIR_DOMAIN_BLOCK_REBASE_SHALLOW | VIR_DOMAIN_BLOCK_REBASE_REUSE_EXT |
                 VIR_DOMAIN_BLOCK_REBASE_COPY_RAW)) {
        vkReportError(VIR_ERR_INVALID_ARG, "flags 0x%x need VIR_DOMAIN_BLOCK_REBASE_COPY",
                      flags & 7);
        return -1;
    }
    if ((flags & VIR_DOMAIN_BLOCK_REBASE_RELATIVE) && !base) {
        vkReportError(VIR_ERR_INVALID_ARG, "flag VIR_DOMAIN_BLOCK_REBASE_RELATIVE is valid "
                      "only with non-null base");
        return -1;
    }
    return startJob(dom, &a);
}

int
vkQemuDomainBlockPull(virDomainPtr dom, const char *path, unsigned long bandwidth,
                      unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_BLOCK_PULL_BANDWIDTH_BYTES, -1);
    return vkQemuDomainBlockRebase(dom, path, NULL, bandwidth, flags);
}

int
vkQemuDomainBlockCommit(virDomainPtr dom, const char *path, const char *base,
                        const char *top, unsigned long bandwidth, unsigned int flags)
{
    startArgs a = { .kind = START_COMMIT, .path = path, .base = base, .top = top,
                    .flags = flags };

    vkCheckFlags(VIR_DOMAIN_BLOCK_COMMIT_SHALLOW | VIR_DOMAIN_BLOCK_COMMIT_ACTIVE |
                 VIR_DOMAIN_BLOCK_COMMIT_RELATIVE | VIR_DOMAIN_BLOCK_COMMIT_DELETE |
                 VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES, -1);
    if (flags & VIR_DOMAIN_BLOCK_COMMIT_DELETE) {
        vkReportError(VIR_ERR_OPERATION_UNSUPPORTED, "deleting the committed images "
                      "(VIR_DOMAIN_BLOCK_COMMIT_DELETE) is not supported");
        return -1;
    }
    if ((a.speed = vkQemuBlockBandwidth(bandwidth,
                                        flags & VIR_DOMAIN_BLOCK_COMMIT_BANDWIDTH_BYTES)) < 0)
        return -1;
    return startJob(dom, &a);
}

/* The copy target of a <disk> destxml: a file and its format. */
static int
parseDest(const char *destxml, char **path, char **format)
{
    g_autoptr(vkDomainDeviceDef) dev = NULL;
    const vkDomainDiskDef *d;

    if (!(dev = vkDomainDeviceDefParseString(destxml, NULL, VK_DOMAIN_PARSE_DISK_SOURCE)))
        return -1;
    if (dev->type != VK_DOMAIN_DEVICE_DISK) {
        vkReportError(VIR_ERR_INVALID_ARG, "block copy destination must be a <disk>");
        return -1;
    }
    d = dev->data.disk;
    if (d->type != VK_DOMAIN_DISK_TYPE_FILE || !d->src) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED, "block copy destination of type '%s' "
                      "(only a file with a <source file=''/>)", vkDomainDiskTypeTable[d->type]);
        return -1;
    }
    *path = g_strdup(d->src);
    *format = g_strdup(d->driverType);
    return 0;
}

int
vkQemuDomainBlockCopy(virDomainPtr dom, const char *path, const char *destxml,
                      virTypedParameterPtr params, int nparams, unsigned int flags)
{
    startArgs a = { .kind = START_COPY, .path = path, .flags = flags };
    g_autofree char *dest = NULL;
    g_autofree char *format = NULL;
    unsigned long long bw = 0;
    unsigned int gran = 0;

    vkCheckFlags(VIR_DOMAIN_BLOCK_COPY_SHALLOW | VIR_DOMAIN_BLOCK_COPY_REUSE_EXT |
                 VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB |
                 VIR_DOMAIN_BLOCK_COPY_SYNCHRONOUS_WRITES, -1);
    for (int i = 0; i < nparams; i++) {
        const char *f = params[i].field;

        if (strcmp(f, VIR_DOMAIN_BLOCK_COPY_BANDWIDTH) == 0 &&
            params[i].type == VIR_TYPED_PARAM_ULLONG) {
            bw = params[i].value.ul;
        } else if (strcmp(f, VIR_DOMAIN_BLOCK_COPY_GRANULARITY) == 0 &&
                   params[i].type == VIR_TYPED_PARAM_UINT) {
            gran = params[i].value.ui;
        } else if (strcmp(f, VIR_DOMAIN_BLOCK_COPY_BUF_SIZE) == 0 &&
                   params[i].type == VIR_TYPED_PARAM_ULLONG) {
            a.bufSize = params[i].value.ul;
        } else {
            vkReportError(VIR_ERR_INVALID_ARG, "invalid parameter '%s' or type", f);
            return -1;
        }
    }
    if (bw > LLONG_MAX) {
        vkReportError(VIR_ERR_OVERFLOW, "bandwidth must be less than '%llu'",
                      (unsigned long long)LLONG_MAX);
        return -1;
    }
    if (gran && (gran < 512 || gran > 64 * 1024 * 1024 || (gran & (gran - 1)))) {
        vkReportError(VIR_ERR_INVALID_ARG, "granularity must be a power of 2 between 512 "
                      "and 64 MiB");
        return -1;
    }
    if (parseDest(destxml, &dest, &format) < 0)
        return -1;
    a.speed = bw;
    a.granularity = gran;
    a.dest = dest;
    a.destFormat = format;
    a.shallow = flags & VIR_DOMAIN_BLOCK_COPY_SHALLOW;
    a.reuse = flags & VIR_DOMAIN_BLOCK_COPY_REUSE_EXT;
    return startJob(dom, &a);
}

int
vkQemuDomainBlockResize(virDomainPtr dom, const char *path, unsigned long long size,
                        unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    vkDomainDiskDef *d;
    g_autoptr(GPtrArray) chain = NULL;
    vkJSON *args;
    int rc = -1;

    vkCheckFlags(VIR_DOMAIN_BLOCK_RESIZE_BYTES, -1);
    if (!(flags & VIR_DOMAIN_BLOCK_RESIZE_BYTES)) {
        if (size > ULLONG_MAX / 1024) {
            vkReportError(VIR_ERR_OVERFLOW, "size must be less than %llu", ULLONG_MAX / 1024);
            return -1;
        }
        size *= 1024;
    }
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj) || !(d = vkQemuBlockFindDisk(obj, path)))
        goto out;
    if (!(chain = vkQemuBlockChain(st, obj, d)))
        goto out;
    /* qcow2 and qed sizes are whole sectors */
    if (g_strcmp0(((vkQemuImage *)chain->pdata[0])->format, "qcow2") == 0 ||
        g_strcmp0(((vkQemuImage *)chain->pdata[0])->format, "qed") == 0)
        size = (size + 511) / 512 * 512;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "node-name", ((vkQemuImage *)chain->pdata[0])->node);
    vkJSONObjectAppendInt(args, "size", size);
    rc = cmd(st, obj, "block_resize", args, NULL);
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU domains: what QEMU adds to the frame's domain calls
 * (core/state-domains.h), which serve lookups, listing, define and
 * undefine for every stateful driver: QEMU's parsing and defaults, the
 * managed save image, and the information that asks the process.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-snapshot.h"
#include "drivers/qemu/qemu-checkpoint.h"

static bool
hasManagedSave(const void *obj, void *opaque)
{
    g_autofree char *image = vkQemuManagedSavePath(opaque, ((const vkQemuDomain *)obj)->name);

    return g_file_test(image, G_FILE_TEST_EXISTS);
}

static bool
hasSnapshot(const void *obj, void *opaque)
{
    return vkQemuSnapshotCount(opaque, ((const vkQemuDomain *)obj)->name) > 0;
}

static vkDomainDef *
parseForDefine(vkStateBase *st, const char *xml)
{
    return vkQemuParseDefFlags((vkQemuState *)st, xml, VK_DOMAIN_PARSE_INACTIVE);
}

/* A managed save image goes with the domain only when asked for.  The
 * domain's job orders the removal with a start that may be resuming from
 * that image; the frame finishes the undefine under the lock the job
 * returns with, so no start slips in between. */
static int
undefineManagedSave(vkStateBase *base, void *opaque, unsigned int flags)
{
    vkQemuState *st = (vkQemuState *)base;
    vkQemuDomain *obj = opaque;
    g_autofree char *image = NULL;
    int ret = -1;

    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (obj->removed) {
        vkReportError(VIR_ERR_NO_DOMAIN, "domain '%s' was undefined", obj->name);
        goto out;
    }
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot undefine transient domain '%s'",
                      obj->name);
        goto out;
    }
    if (vkQemuUndefineFirmware(st, obj->newDef ? obj->newDef : obj->def, flags) < 0)
        goto out;
    /* libvirt keeps an inactive domain with snapshots unless told */
    if (obj->id < 0) {
        int n = vkQemuSnapshotCount(st, obj->name);
        if (n < 0)
            goto out;
        if (n > 0 && !(flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "cannot delete inactive domain with %d snapshots", n);
            goto out;
        }
    }
    /* and one with checkpoints */
    if (obj->id < 0) {
        int n = vkQemuCheckpointCount(st, obj->name);
        if (n < 0)
            goto out;
        if (n > 0 && !(flags & VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "cannot delete inactive domain with %d checkpoints", n);
            goto out;
        }
    }
    image = vkQemuManagedSavePath(st, obj->name);
    if (g_file_test(image, G_FILE_TEST_EXISTS)) {
        if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "domain '%s' has a managed save image; remove it or undefine "
                          "with the managed-save flag", obj->name);
            goto out;
        }
        if (g_unlink(image) < 0) {
            vkReportSystemError(errno, "cannot remove managed save image '%s'", image);
            goto out;
        }
    }
    if (flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
        vkQemuSnapshotDropAll(st, obj->name);
    if (flags & VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)
        vkQemuCheckpointDropAll(st, obj->name);
    ret = 0;
 out:
    vkQemuEndJob(st, obj);
 nojob:
    /* the domain list still holds the domain unless it was undefined
     * meanwhile, in which case the frame stops here */
    vkQemuDomainUnref(obj);
    return ret;
}

const vkStateDomainOps vkQemuStateDomainOps = {
    .virtTypes = "kvm,qemu",
    .parse = parseForDefine,
    .hasManagedSave = hasManagedSave,
    .hasSnapshot = hasSnapshot,
    .undefine = undefineManagedSave,
};

int
vkQemuDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkQemuState *st;
    vkQemuDomain *obj = vkQemuDomainGet(dom, &st);
    unsigned long long cpu = 0, rss = 0;

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->maxMem = obj->def->maxMemory;
    info->memory = obj->def->currentMemory ? obj->def->currentMemory : obj->def->maxMemory;
    info->nrVirtCpu = obj->def->vcpus ? obj->def->vcpus : 1;
    if (obj->run && vkQemuProcessStats(obj->run->pid, &cpu, &rss) == 0)
        info->cpuTime = cpu;
    g_mutex_unlock(&st->lock);
    return 0;
}

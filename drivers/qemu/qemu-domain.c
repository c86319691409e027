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

static bool
hasManagedSave(const void *obj, void *opaque)
{
    g_autofree char *image = vkQemuManagedSavePath(opaque, ((const vkQemuDomain *)obj)->name);

    return g_file_test(image, G_FILE_TEST_EXISTS);
}

static vkDomainDef *
parseForDefine(vkStateBase *st, const char *xml)
{
    return vkQemuParseDef((vkQemuState *)st, xml);
}

/* A managed save image goes with the domain only when asked for. */
static int
undefineManagedSave(vkStateBase *st, void *opaque, unsigned int flags)
{
    vkQemuDomain *obj = opaque;
    g_autofree char *image = vkQemuManagedSavePath((vkQemuState *)st, obj->name);

    if (!g_file_test(image, G_FILE_TEST_EXISTS))
        return 0;
    if (!(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "domain '%s' has a managed save image; remove it or undefine "
                      "with the managed-save flag", obj->name);
        return -1;
    }
    if (g_unlink(image) < 0) {
        vkReportSystemError(errno, "cannot remove managed save image '%s'", image);
        return -1;
    }
    return 0;
}

const vkStateDomainOps vkQemuStateDomainOps = {
    .virtTypes = "kvm,qemu",
    .parse = parseForDefine,
    .hasManagedSave = hasManagedSave,
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hypervisor sub-driver: hypercalls through libxenctrl.
 *
 * It knows what Xen itself knows of running domains (id, UUID, state
 * flags, pages, CPU time, online vCPUs) and of the host, and can pause,
 * unpause, destroy and cap memory; names and configs are not Xen's
 * business (xenstore and xend answer those).  Without /dev/xen, or when
 * built without libxenctrl, it simply does not open: every entry then
 * answers "not mine".  Root only, as the privcmd device is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_XEN
#include "util/error.h"
#include "drivers/xen/xen-private.h"

#include "drivers/xen/xen-libs.h"

#ifdef WITH_XENCTRL

# define XEN_MAX_DOMAINS 1024

int
vkXenHypervisorOpen(vkXenPriv *p)
{
    if (access("/dev/xen/privcmd", F_OK) < 0 && access("/proc/xen/privcmd", F_OK) < 0)
        return VK_XEN_UNHANDLED;
    /* without the library, as without the device: the next sub-driver */
    if (!vkXenCtrlLoad(NULL))
        return VK_XEN_UNHANDLED;
    xc_interface *xc = xc_interface_open(NULL, NULL, 0);
    if (!xc)
        return VK_XEN_UNHANDLED;
    p->hv = xc;
    return 0;
}

void
vkXenHypervisorClose(vkXenPriv *p)
{
    if (p->hv)
        xc_interface_close(p->hv);
    p->hv = NULL;
}

static void
fillInfo(vkXenDomInfo *info, const xc_domaininfo_t *d, long pageKiB)
{
    info->id = d->domain;
    if (!info->haveUUID) {
        memcpy(info->uuid, d->handle, VIR_UUID_BUFLEN);
        info->haveUUID = true;
    }
    if (d->flags & XEN_DOMINF_dying || d->flags & XEN_DOMINF_shutdown)
        info->state = VIR_DOMAIN_SHUTDOWN;
    else if (d->flags & XEN_DOMINF_paused)
        info->state = VIR_DOMAIN_PAUSED;
    else if (d->flags & XEN_DOMINF_blocked)
        info->state = VIR_DOMAIN_BLOCKED;
    else
        info->state = VIR_DOMAIN_RUNNING;
    info->haveState = true;
    info->memory = d->tot_pages * pageKiB;
    info->maxMem = d->max_pages * pageKiB;
    info->vcpus = d->nr_online_vcpus;
    info->cpuTime = d->cpu_time;
}

static int
hvList(vkXenPriv *p, bool inactive, GPtrArray *out)
{
    if (!p->hv || inactive)
        return VK_XEN_UNHANDLED;
    g_autofree xc_domaininfo_t *infos = g_new0(xc_domaininfo_t, XEN_MAX_DOMAINS);
    g_mutex_lock(&p->lock);
    int n = xc_domain_getinfolist(p->hv, 0, XEN_MAX_DOMAINS, infos);
    g_mutex_unlock(&p->lock);
    if (n < 0) {
        vkReportSystemError(errno, "%s", "hypercall getdomaininfolist failed");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        vkXenDomInfo *info = vkXenDomInfoNew();
        fillInfo(info, &infos[i], getpagesize() / 1024);
        g_ptr_array_add(out, info);
    }
    return 0;
}

/* Finds the running domain whose handle is uuid; its id, or -1. */
static int
idFromUUID(vkXenPriv *p, const unsigned char *uuid)
{
    g_autofree xc_domaininfo_t *infos = g_new0(xc_domaininfo_t, XEN_MAX_DOMAINS);
    int id = -1;

    g_mutex_lock(&p->lock);
    int n = xc_domain_getinfolist(p->hv, 0, XEN_MAX_DOMAINS, infos);
    g_mutex_unlock(&p->lock);
    for (int i = 0; i < n && id < 0; i++) {
        if (memcmp(infos[i].handle, uuid, VIR_UUID_BUFLEN) == 0)
            id = infos[i].domain;
    }
    return id;
}

static int
hvLookup(vkXenPriv *p, vkXenKeyType key, vkXenDomInfo *info)
{
    xc_domaininfo_t d;

    if (!p->hv)
        return VK_XEN_UNHANDLED;
    if (info->id < 0 && key == VK_XEN_KEY_UUID)
        info->id = idFromUUID(p, info->uuid);
    if (info->id < 0)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    int n = xc_domain_getinfolist(p->hv, info->id, 1, &d);
    g_mutex_unlock(&p->lock);
    if (n != 1 || d.domain != info->id)
        return VK_XEN_UNHANDLED;
    fillInfo(info, &d, getpagesize() / 1024);
    return 0;
}

static int
hvControl(vkXenPriv *p, const vkXenDomInfo *dom, vkXenOp op, unsigned long long arg)
{
    int rc;

    if (!p->hv || dom->id < 0)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    switch (op) {
    case VK_XEN_OP_PAUSE: rc = xc_domain_pause(p->hv, dom->id); break;
    case VK_XEN_OP_UNPAUSE: rc = xc_domain_unpause(p->hv, dom->id); break;
    case VK_XEN_OP_DESTROY: rc = xc_domain_destroy(p->hv, dom->id); break;
    case VK_XEN_OP_SET_MAXMEM: rc = xc_domain_setmaxmem(p->hv, dom->id, arg); break;
    default:
        g_mutex_unlock(&p->lock);
        return VK_XEN_UNHANDLED;
    }
    g_mutex_unlock(&p->lock);
    if (rc < 0) {
        vkReportSystemError(errno, "hypercall for domain '%s' (id %d) failed",
                            dom->name ? dom->name : "?", dom->id);
        return -1;
    }
    return 0;
}

static int
hvNodeInfo(vkXenPriv *p, virNodeInfoPtr info)
{
    xc_physinfo_t phys = { 0 };

    if (!p->hv)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    int rc = xc_physinfo(p->hv, &phys);
    g_mutex_unlock(&p->lock);
    if (rc < 0) {
        vkReportSystemError(errno, "%s", "hypercall physinfo failed");
        return -1;
    }
    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, "x86_64", sizeof(info->model));
    info->memory = phys.total_pages * (getpagesize() / 1024);
    info->cpus = phys.nr_cpus;
    info->mhz = phys.cpu_khz / 1000;
    info->nodes = phys.nr_nodes ? phys.nr_nodes : 1;
    info->threads = phys.threads_per_core ? phys.threads_per_core : 1;
    info->cores = phys.cores_per_socket ? phys.cores_per_socket : 1;
    info->sockets = info->cpus / (info->nodes * info->cores * info->threads);
    if (!info->sockets)
        info->sockets = 1;
    return 0;
}

/* major * 1000000 + minor * 1000 + release: the release is the number
 * that opens the extra version (".7+13-g2445b30a44" is release 7).
 * Caller holds p->lock. */
static int
versionLocked(vkXenPriv *p, unsigned long *ver)
{
    xen_extraversion_t extra = { 0 };

    int v = xc_version(p->hv, XENVER_version, NULL);
    if (v < 0)
        return -1;
    unsigned long release = 0;
    if (xc_version(p->hv, XENVER_extraversion, &extra) == 0 && extra[0] == '.')
        release = strtoul(extra + 1, NULL, 10);
    *ver = (unsigned long)(v >> 16) * 1000000 + (unsigned long)(v & 0xffff) * 1000 +
           release % 1000;
    return 0;
}

static int
hvVersion(vkXenPriv *p, unsigned long *ver)
{
    if (!p->hv)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    int rc = versionLocked(p, ver);
    g_mutex_unlock(&p->lock);
    return rc < 0 ? VK_XEN_UNHANDLED : 0;
}

static int
hvCapabilities(vkXenPriv *p, char **xenCaps, unsigned long *ver)
{
    xen_capabilities_info_t info = { 0 };

    if (!p->hv)
        return VK_XEN_UNHANDLED;
    g_mutex_lock(&p->lock);
    int rc = xc_version(p->hv, XENVER_capabilities, &info);
    if (rc == 0 && versionLocked(p, ver) < 0)
        rc = -1;
    g_mutex_unlock(&p->lock);
    if (rc < 0) {
        vkReportSystemError(errno, "%s", "hypercall xen_version(capabilities) failed");
        return -1;
    }
    *xenCaps = g_strndup(info, sizeof(info));
    return 0;
}

const vkXenSubDriver vkXenHypervisorSub = {
    .name = "hypervisor",
    .list = hvList,
    .lookup = hvLookup,
    .control = hvControl,
    .nodeInfo = hvNodeInfo,
    .version = hvVersion,
    .capabilities = hvCapabilities,
};

#else /* !WITH_XENCTRL */

int
vkXenHypervisorOpen(vkXenPriv *p)
{
    return VK_XEN_UNHANDLED;
}

void
vkXenHypervisorClose(vkXenPriv *p)
{
}

const vkXenSubDriver vkXenHypervisorSub = {
    .name = "hypervisor",
};

#endif

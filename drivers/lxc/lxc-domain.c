/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LXC domains: what LXC adds to the frame's domain calls
 * (core/state-domains.h), which serve lookups, listing, define and
 * undefine for every stateful driver: the container checks at define,
 * the information read from the cgroup, and the console.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "core/fd-stream.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"

static vkDomainDef *
parseForDefine(vkStateBase *st, const char *xml)
{
    return vkLxcParseDef(xml, 0);
}

/* No managed save for containers. */
const vkStateDomainOps vkLxcStateDomainOps = {
    .virtTypes = "lxc",
    .parse = parseForDefine,
};

int
vkLxcDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vkLxcState *st;
    vkLxcDomain *obj = vkLxcDomainGet(dom, &st);
    unsigned long long cpu = 0, rss = 0;

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->maxMem = obj->def->maxMemory;
    info->memory = obj->def->currentMemory ? obj->def->currentMemory : obj->def->maxMemory;
    info->nrVirtCpu = obj->def->vcpus ? obj->def->vcpus : 1;
    /* A container's memory and CPU time are its cgroup's. */
    if (obj->run && obj->run->cgroup &&
        vkCgroupGetStats(obj->run->cgroup, &cpu, &rss) == 0) {
        info->cpuTime = cpu;
        info->memory = rss;
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

/* The console is the supervisor's socket (lxc-console.c); the stream
 * relays it.  There is one console, "console0" as libvirt names it; a
 * new client takes it over from an earlier one, so FORCE is the only
 * behaviour and SAFE (which promises refusal) is not offered. */
int
vkLxcDomainOpenConsole(virDomainPtr dom, const char *devName, virStreamPtr stream,
                       unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    g_autofree char *path = NULL;
    g_autofree char *name = NULL;
    int fd;

    vkCheckFlags(VIR_DOMAIN_CONSOLE_FORCE, -1);
    if (devName && strcmp(devName, "console0") != 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "domain '%s' has no console '%s' (only console0)",
                      dom->name, devName);
        return -1;
    }
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    path = g_strdup(obj->run->consolePath);
    name = g_strdup(obj->name);
    g_mutex_unlock(&st->lock);
    if ((fd = vkLxcConsoleConnect(path, name)) < 0)
        return -1;
    return vkFdStreamOpen(stream, fd);
}

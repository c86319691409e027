/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reattaching to running containers when a state is created (a daemon's
 * restart, or an embedding application opening its root again).
 *
 * The supervisors outlive whoever started them; ROOT/run/<name>.xml says
 * which pid is the supervisor, which is the init, and where the cgroup
 * is.  A supervisor still there (checked by its comm, since pids are
 * reused) is followed again through a new pidfd; one that is gone has
 * its leftovers (cgroup, status files) removed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "conf/domain-status.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"

/* Is pid still the supervisor we started?  Its comm carries our prefix. */
static bool
isSupervisor(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/comm", pid);
    g_autofree char *comm = NULL;

    return g_file_get_contents(path, &comm, NULL, NULL) &&
           g_str_has_prefix(comm, VK_LXC_PROC_PREFIX);
}

/* An int extra of the status file, range-checked; *out keeps the
 * caller's default when the file has none. */
static bool
statusInt(const vkDomainStatus *status, const char *key, long long max, int *out)
{
    long long v;
    int r = vkDomainStatusGetInt(status, key, &v);

    if (r > 0 && (v < -1 || v > max)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "status value '%s' is out of range: %lld",
                      key, v);
        return false;
    }
    if (r > 0)
        *out = (int)v;
    return r >= 0;
}

static void
reattachOne(vkLxcState *st, const char *path)
{
    g_autofree char *text = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    g_autoptr(vkDomainStatus) status = NULL;
    vkLxcDomain *obj;
    vkLxcRun *run;
    int sup, init = -1, cstate = VK_CONTAINER_RUNNING, pidfd = -1;
    g_autofree char *exitPath = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    if (!(status = vkDomainStatusParse(text, "lxc", &def)) ||
        !statusInt(status, "init", G_MAXINT, &init) ||
        !statusInt(status, "cstate", VK_CONTAINER_LAST - 1, &cstate))
        goto bad;
    if (!status->cgroup) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s", "no cgroup in the status file");
        goto bad;
    }
    sup = status->pid;
    exitPath = g_strndup(path, strlen(path) - 4);
    {
        char *e = g_strconcat(exitPath, ".exit", NULL);

        g_free(exitPath);
        exitPath = e;
    }
    if (!isSupervisor(sup) || (pidfd = pidfd_open(sup, 0)) < 0) {
        /* It ended while nobody watched: clean up what it left. */
        g_autoptr(vkCgroup) cg = vkCgroupOpen(status->cgroup);

        if (cg) {
            vkCgroupKill(cg);
            vkCgroupRemove(cg);
        }
        vkErrorReset();
        g_unlink(path);
        g_unlink(exitPath);
        return;
    }
    if (!(obj = vkLxcDomainAdd(st, &def, true)))
        goto bad;
    run = g_new0(vkLxcRun, 1);
    run->gen = ++obj->nextGen;
    run->stopWhy = -1;
    run->supervisor = sup;
    run->init = init;
    run->supervisorPidfd = pidfd;
    run->initPidfd = init > 0 ? pidfd_open(init, 0) : -1;
    run->statusPath = g_strdup(path);
    run->consolePath = vkLxcRunFile(st, obj->name, ".console");
    run->exitPath = g_steal_pointer(&exitPath);
    run->cgroup = vkCgroupOpen(status->cgroup);
    if (!run->cgroup) {
        close(pidfd);
        g_free(run->statusPath);
        g_free(run->exitPath);
        g_free(run->consolePath);
        g_free(run);
        goto bad;
    }
    obj->run = run;
    obj->id = status->id > 0 ? status->id : vkDomainListNewID(&st->domains);
    obj->def->id = obj->id;
    vkDomainListReserveID(&st->domains, obj->id);
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkLxcSetState(st, obj, cstate == VK_CONTAINER_PAUSED ? VK_CONTAINER_PAUSED :
                  VK_CONTAINER_RUNNING, VK_CONTAINER_WHY_RESTORED);
    vkLxcWatchRun(st, obj);
    return;

 bad:
    g_warning("LXC driver: cannot reattach from '%s': %s", path,
              vkErrorIsSet() ? vkErrorGetLast()->message : "bad status file");
    vkErrorReset();
    if (pidfd >= 0)
        close(pidfd);
}

void
vkLxcReattachAll(vkLxcState *st)
{
    g_autoptr(GDir) dir = g_dir_open(st->runDir, 0, NULL);
    const char *n;

    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (n[0] == '.' || !g_str_has_suffix(n, ".xml"))
            continue;
        path = g_build_filename(st->runDir, n, NULL);
        reattachOne(st, path);
    }
}

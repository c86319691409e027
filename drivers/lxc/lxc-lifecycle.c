/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running containers: start, stop, freeze, and following the supervisor.
 *
 * A running domain owns a vkLxcRun (supervisor and init pids, pidfds,
 * cgroup) tagged with a generation number.  The supervisor's exit, seen
 * on its pidfd, is the one fact that ends a run: destroy and shutdown
 * only say why (stopWhy), and an init that ends by itself is told apart
 * by the wait status the supervisor left in ROOT/run/<name>.exit.  The
 * live state file ROOT/run/<name>.xml names the supervisor, the init and
 * the cgroup, which is all a new process needs to reattach (lxc-reattach.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/uuid.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"
#include "drivers/lxc/lxc-netlink.h"
#include "drivers/lxc/lxc-net.h"
#include "conf/domain-conf-priv.h"
#include "conf/domain-status.h"
#include "conf/domain-name.h"

char *
vkLxcRunFile(vkLxcState *st, const char *name, const char *suffix)
{
    return vkDomainNameFile(st->runDir, name, suffix);
}

/* The supervisor is the pid followed; LXC's own facts are extras. */
static int
writeStatus(vkLxcState *st, vkLxcDomain *obj)
{
    g_autoptr(vkDomainStatus) status = vkDomainStatusNew();
    g_autofree char *text = NULL;
    vkLxcRun *run = obj->run;

    status->state = obj->state;
    status->reason = obj->reason;
    status->id = obj->id;
    status->pid = run->supervisor;
    status->cgroup = g_strdup(vkCgroupPath(run->cgroup));
    vkDomainStatusSetInt(status, "init", run->init);
    vkDomainStatusSetInt(status, "cstate", obj->cstate);
    if (!(text = vkDomainStatusFormat(status, obj->def)))
        return -1;
    return vkAtomicFileWrite(run->statusPath, text, strlen(text), 0600);
}

static void
detachNets(vkLxcDomain *obj)
{
    GPtrArray *nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *dn = nets->pdata[i];

        if (dn->ifname && vkLxcNetDetach(dn->ifname) < 0) {
            g_warning("LXC driver: %s", vkErrorGetLast()->message);
            vkErrorReset();
        }
    }
}

/* Ends the current run: the supervisor is gone, or we stop following
 * it (keepFiles).  Locked. */
static void
runRelease(vkLxcState *st, vkLxcDomain *obj, bool keepFiles)
{
    vkLxcRun *run = g_steal_pointer(&obj->run);

    vkProcWatchRelease(run->watch);
    if (!keepFiles) {
        /* The namespace died with its init; anything that still sits in
         * the group (a process that joined it from outside) goes too. */
        if (!vkCgroupIsEmpty(run->cgroup))
            vkCgroupKill(run->cgroup);
        if (vkCgroupRemove(run->cgroup) < 0) {
            g_warning("LXC driver: %s", vkErrorGetLast()->message);
            vkErrorReset();
        }
        g_unlink(run->statusPath);
        g_unlink(run->exitPath);
        g_unlink(run->consolePath);
        detachNets(obj);
        vkLxcNetReleasePorts(st->root, obj->def);
    }
    close(run->supervisorPidfd);
    if (run->initPidfd >= 0)
        close(run->initPidfd);
    vkCgroupFree(run->cgroup);
    g_free(run->statusPath);
    g_free(run->exitPath);
    g_free(run->consolePath);
    g_free(run);
}

static void
endRun(vkLxcState *st, vkLxcDomain *obj, vkContainerState to, vkContainerWhy why)
{
    runRelease(st, obj, false);
    obj->id = -1;
    obj->def->id = -1;
    if (!vkLxcSetState(st, obj, to, why))
        vkErrorReset();
    if (obj->newDef) {
        vkDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    if (!obj->persistent && !obj->removed)
        vkLxcDomainRemove(st, obj);
}

/* Why did the init end by itself?  A normal exit is a shutdown; death
 * by a signal we did not send, or no word from the supervisor, a crash. */
static bool
initExitedNormally(vkLxcRun *run)
{
    g_autofree char *text = NULL;
    int status;

    if (!g_file_get_contents(run->exitPath, &text, NULL, NULL))
        return false;
    status = atoi(text);
    return WIFEXITED(status);
}

static void
onExit(vkProcWatch *w)
{
    vkLxcState *st = w->st;
    vkLxcRun *run;

    g_mutex_lock(&st->lock);
    run = ((vkLxcDomain *)w->obj)->run;
    if (run && run->gen == w->gen) {
        if (run->stopWhy >= 0)
            endRun(st, w->obj, VK_CONTAINER_SHUTOFF, run->stopWhy);
        else if (initExitedNormally(run))
            endRun(st, w->obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_SHUTDOWN);
        else
            endRun(st, w->obj, VK_CONTAINER_CRASHED, VK_CONTAINER_WHY_FAILED);
    }
    g_mutex_unlock(&st->lock);
}

void
vkLxcWatchRun(vkLxcState *st, vkLxcDomain *obj)
{
    vkLxcRun *run = obj->run;

    run->watch = vkProcWatchNew(st, vkLxcDomainRef(obj), (GDestroyNotify)vkLxcDomainUnref,
                                run->gen, st->ctx);
    vkProcWatchStart(run->watch, run->supervisorPidfd, onExit);
}

/* Waits up to ms for the supervisor's exit; true when it has exited. */
static bool
waitSupervisor(vkLxcRun *run, int ms)
{
    struct pollfd p = { .fd = run->supervisorPidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    int rc;

    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;

        rc = poll(&p, 1, left > 0 ? (int)left : 0);
        if (rc > 0)
            return true;
        if (rc == 0 || errno != EINTR)
            return false;
    }
}

static char **
buildEnv(const vkDomainDef *def, const vkContainerDef *cdef)
{
    GPtrArray *env = g_ptr_array_new();
    char uuid[VIR_UUID_STRING_BUFLEN];

    vkUUIDFormat(def->uuid, uuid);
    /* What systemd and friends look for to know they are in a container,
     * as libvirt's LXC driver sets it. */
    g_ptr_array_add(env, g_strdup("container=lxc-libvirt"));
    g_ptr_array_add(env, g_strdup("PATH=/bin:/usr/bin:/sbin:/usr/sbin"));
    g_ptr_array_add(env, g_strdup("TERM=linux"));
    g_ptr_array_add(env, g_strdup("HOME=/"));
    g_ptr_array_add(env, g_strdup_printf("container_uuid=%s", uuid));
    g_ptr_array_add(env, g_strdup_printf("LIBVIRT_LXC_UUID=%s", uuid));
    g_ptr_array_add(env, g_strdup_printf("LIBVIRT_LXC_NAME=%s", def->name));
    for (char **e = cdef->env; e && *e; e++)
        g_ptr_array_add(env, g_strdup(*e));
    g_ptr_array_add(env, NULL);
    return (char **)g_ptr_array_free(env, FALSE);
}

typedef struct {
    vkLxcDomain *obj;
    const vkContainerDef *cdef;
    GPtrArray *hostNames;      /* the host end of each interface */
} netPrep;

/* Between clone and exec: each <interface type='bridge'> becomes a veth
 * whose host end (named after the init's pid, unique while it lives,
 * unless the XML names it) joins the bridge. */
static int
attachNets(pid_t init, void *opaque)
{
    netPrep *np = opaque;
    for (guint i = 0; i < np->cdef->nets->len; i++) {
        const vkContainerNet *net = np->cdef->nets->pdata[i];
        g_autofree char *host = net->ifname ? g_strdup(net->ifname) :
                                g_strdup_printf(VK_LXC_NET_PREFIX "%dn%u", (int)init, i);
        g_autofree char *peer = g_strdup_printf("eth%u", i);

        if (vkLxcNetAttach(np->obj->name, net, host, peer, init) < 0)
            return -1;
        g_ptr_array_add(np->hostNames, g_steal_pointer(&host));
    }
    return 0;
}

/* The live definition records each host end as libvirt's <target dev=>
 * (not the persistent one: a generated name is only good for this run). */
static void
recordNetNames(vkLxcDomain *obj, GPtrArray *hostNames)
{
    GPtrArray *defNets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];

    for (guint i = 0; defNets && i < defNets->len && i < hostNames->len; i++) {
        vkDomainNetDef *dn = defNets->pdata[i];

        if (!dn->ifname)
            dn->ifname = g_strdup(hostNames->pdata[i]);
    }
}

/* Starts obj: called and returning locked. */
static int
startDomain(vkLxcState *st, vkLxcDomain *obj, unsigned int flags)
{
    g_autoptr(vkContainerDef) cdef = NULL;
    g_autofree char *cgPath = NULL;
    g_autofree char *logPath = NULL;
    g_autofree char *procName = NULL;
    g_auto(GStrv) env = NULL;
    g_autoptr(vkCgroup) cg = NULL;
    vkCgroupLimits lim = { 0 };
    vkLxcLaunchPlan plan = { 0 };
    vkLxcLaunched out = { 0 };
    vkLxcRun *run;
    virErrorPtr saved;

    g_autoptr(GPtrArray) hostNames = g_ptr_array_new_with_free_func(g_free);
    netPrep np = { .obj = obj, .hostNames = hostNames };
    g_auto(vkLxcNetPorts) ports = { 0 };   /* deleted on failure */

    if (!(cdef = vkContainerDefFromDomain(obj->def)) ||
        vkLxcNetPlugPorts(st->root, obj->def, cdef, &ports) < 0)
        return -1;
    /* said before anything is made, so a missing bridge costs nothing */
    for (guint i = 0; i < cdef->nets->len; i++) {
        const vkContainerNet *net = cdef->nets->pdata[i];

        if (!vkLxcBridgeExists(net->bridge)) {
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "container '%s': bridge '%s' does not exist on the host",
                          obj->name, net->bridge);
            return -1;
        }
    }
    if (vkLxcEnsureDirs(st) < 0)
        return -1;
    if (!g_file_test(cdef->rootDir, G_FILE_TEST_IS_DIR)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "root filesystem '%s' of container '%s' is not a directory",
                      cdef->rootDir, obj->name);
        return -1;
    }
    if (!vkLxcSetState(st, obj, VK_CONTAINER_STARTING, VK_CONTAINER_WHY_BOOT))
        return -1;

    {
        /* never the bare name: "." or ".." would be the base or its parent */
        g_autofree char *leaf = vkDomainNameCgroupLeaf(obj->name, ".libvirt-lxc");

        cgPath = g_strdup_printf("%s/%s", st->cgroupBase, leaf);
    }
    if (!(cg = vkCgroupCreate(cgPath)))
        goto error;
    if (!vkCgroupIsEmpty(cg)) {
        /* a leftover of a container we lost track of */
        vkCgroupKill(cg);
    }
    lim.memoryKiB = cdef->memoryKiB;
    lim.cpuShares = cdef->cpuShares;
    lim.cpuPeriodUs = cdef->cpuPeriodUs;
    lim.cpuQuotaUs = cdef->cpuQuotaUs;
    if (vkCgroupApply(cg, &lim, obj->name) < 0)
        goto error;

    env = buildEnv(obj->def, cdef);
    logPath = vkDomainNameFile(st->logDir, obj->name, ".log");
    procName = g_strndup(VK_LXC_PROC_PREFIX, 15);
    {
        g_autofree char *full = g_strdup_printf(VK_LXC_PROC_PREFIX "%s", obj->name);

        g_free(procName);
        procName = g_strndup(full, 15);
    }
    run = g_new0(vkLxcRun, 1);
    run->gen = ++obj->nextGen;
    run->stopWhy = -1;
    run->initPidfd = -1;
    run->statusPath = vkLxcRunFile(st, obj->name, ".xml");
    run->exitPath = vkLxcRunFile(st, obj->name, ".exit");
    run->consolePath = vkLxcRunFile(st, obj->name, ".console");
    g_unlink(run->exitPath);
    np.cdef = cdef;

    plan.cdef = cdef;
    plan.hostname = obj->name;
    plan.env = env;
    plan.cgroupJoin = vkCgroupJoinFiles(cg);
    plan.logPath = logPath;
    plan.exitPath = run->exitPath;
    plan.procName = procName;
    plan.consolePath = run->consolePath;
    plan.netCount = cdef->nets->len;
    plan.prepare = attachNets;
    plan.prepareOpaque = &np;
    if (vkLxcLaunch(&plan, &out) < 0) {
        g_free(run->statusPath);
        g_free(run->exitPath);
        g_free(run->consolePath);
        g_free(run);
        goto error;
    }
    run->supervisor = out.supervisor;
    run->init = out.init;
    run->supervisorPidfd = out.supervisorPidfd;
    run->initPidfd = pidfd_open(out.init, 0);
    run->cgroup = g_steal_pointer(&cg);
    obj->run = run;
    obj->id = vkDomainListNewID(&st->domains);
    obj->def->id = obj->id;
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    recordNetNames(obj, hostNames);
    vkLxcNetKeepPorts(obj->def, cdef, &ports);
    vkLxcSetState(st, obj, VK_CONTAINER_RUNNING, VK_CONTAINER_WHY_BOOT);
    if ((flags & VIR_DOMAIN_START_PAUSED) &&
        vkCgroupSetFrozen(run->cgroup, true, obj->name) == 0)
        vkLxcSetState(st, obj, VK_CONTAINER_PAUSED, VK_CONTAINER_WHY_USER);
    vkErrorReset();
    if (writeStatus(st, obj) < 0)
        vkErrorReset();     /* only a reattach needs it; the container runs */
    vkLxcWatchRun(st, obj);
    return 0;

 error:
    saved = vkErrorSave();
    if (cg) {
        vkCgroupKill(cg);
        vkCgroupRemove(cg);
    }
    vkLxcSetState(st, obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_FAILED);
    vkErrorRestore(&saved);
    return -1;
}

virDomainPtr
vkLxcDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkLxcState *st = vkLxcConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkLxcDomain *obj;
    virDomainPtr ret = NULL;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED, NULL);
    if (!(def = vkLxcParseDef(xml, 0)))
        return NULL;
    g_mutex_lock(&st->lock);
    if (!(obj = vkLxcDomainAdd(st, &def, true)))
        goto out;
    if (startDomain(st, obj, flags) < 0) {
        if (!obj->persistent)
            vkLxcDomainRemove(st, obj);
        else if (obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        goto out;
    }
    ret = vkLxcMakeHandle(conn, obj);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (obj->id >= 0) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already running", obj->name);
    } else if (startDomain(st, obj, flags) == 0) {
        dom->id = obj->id;
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainCreate(virDomainPtr dom)
{
    return vkLxcDomainCreateWithFlags(dom, 0);
}

/* SIGKILL to the init (the kernel then kills its whole pid namespace)
 * and to the cgroup, then wait for the supervisor.  Locked. */
static int
killAndWait(vkLxcState *st, vkLxcDomain *obj)
{
    vkLxcRun *run = obj->run;

    if (run->initPidfd >= 0)
        pidfd_send_signal(run->initPidfd, SIGKILL, NULL, 0);
    vkCgroupKill(run->cgroup);
    /* v1 frozen tasks only die once thawed */
    if (obj->cstate == VK_CONTAINER_PAUSED || vkCgroupIsFrozen(run->cgroup) == 1) {
        if (vkCgroupSetFrozen(run->cgroup, false, obj->name) < 0)
            vkErrorReset();
    }
    if (!waitSupervisor(run, VK_LXC_DESTROY_WAIT_MS)) {
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "the supervisor of container '%s' (pid %d) did not exit",
                      obj->name, run->supervisor);
        return -1;
    }
    return 0;
}

int
vkLxcDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj))
        goto out;
    obj->run->stopWhy = VK_CONTAINER_WHY_DESTROYED;
    if (killAndWait(st, obj) < 0)
        goto out;
    endRun(st, obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_DESTROYED);
    dom->id = -1;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainDestroy(virDomainPtr dom)
{
    return vkLxcDomainDestroyFlags(dom, 0);
}

int
vkLxcDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_SHUTDOWN_SIGNAL, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj))
        goto out;
    if (obj->cstate == VK_CONTAINER_PAUSED) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "container '%s' is paused; resume it to shut it down", obj->name);
        goto out;
    }
    if (obj->run->initPidfd < 0 ||
        pidfd_send_signal(obj->run->initPidfd, SIGTERM, NULL, 0) < 0) {
        vkReportSystemError(errno, "cannot signal the init of container '%s'", obj->name);
        goto out;
    }
    obj->run->stopWhy = VK_CONTAINER_WHY_SHUTDOWN;
    vkLxcSetState(st, obj, VK_CONTAINER_STOPPING, VK_CONTAINER_WHY_USER);
    /* An init without a SIGTERM handler ignores it (the kernel protects
     * a namespace's init); after the grace period it is killed. */
    if (!waitSupervisor(obj->run, VK_LXC_SHUTDOWN_GRACE_MS) && killAndWait(st, obj) < 0)
        goto out;
    endRun(st, obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_SHUTDOWN);
    dom->id = -1;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainShutdown(virDomainPtr dom)
{
    return vkLxcDomainShutdownFlags(dom, 0);
}

/* Reboot is a new run of the same live definition: the init's namespace
 * is killed (a container has no firmware to reset) and the container
 * starts again.  As for libvirt's containers, where the id is the new
 * controller's pid, the run gets a new id; clients see the reboot event,
 * then stopped (shutdown) and started (booted). */
int
vkLxcDomainReboot(virDomainPtr dom, unsigned int flags)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    GPtrArray *nets;
    int ret = -1;

    vkCheckFlags(0, -1);
    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj))
        goto out;
    vkDomainEventQueueReboot(st->events, obj->name, obj->uuid, obj->id);
    obj->run->stopWhy = VK_CONTAINER_WHY_SHUTDOWN;
    if (killAndWait(st, obj) < 0)
        goto out;
    runRelease(st, obj, false);
    obj->id = -1;
    obj->def->id = -1;
    if (!vkLxcSetState(st, obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_SHUTDOWN))
        vkErrorReset();
    /* host ends named after the old init are not names the user chose */
    nets = obj->def->priv->devs[VK_DOMAIN_DEVICE_NET];
    for (guint i = 0; nets && i < nets->len; i++) {
        vkDomainNetDef *dn = nets->pdata[i];

        if (dn->ifname && vkLxcNetNameIsGenerated(dn->ifname))
            g_clear_pointer(&dn->ifname, g_free);
    }
    if (startDomain(st, obj, 0) < 0) {
        virErrorPtr saved = vkErrorSave();

        /* what a run that ended leaves: the persistent definition back,
         * a transient domain forgotten */
        if (obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
        if (!obj->persistent && !obj->removed)
            vkLxcDomainRemove(st, obj);
        dom->id = -1;
        vkErrorRestore(&saved);
        goto out;
    }
    dom->id = obj->id;
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
setPaused(virDomainPtr dom, bool pause)
{
    vkLxcState *st;
    vkLxcDomain *obj;
    int ret = -1;
    vkContainerState to = pause ? VK_CONTAINER_PAUSED : VK_CONTAINER_RUNNING;
    vkContainerTransition t;

    if (!(obj = vkLxcDomainGet(dom, &st)))
        return -1;
    if (!vkLxcCheckActive(obj))
        goto out;
    if (!vkContainerStateTransition(obj->cstate, to, VK_CONTAINER_WHY_USER, &t)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "container '%s' is %s", obj->name,
                      vkContainerStateName(obj->cstate));
        goto out;
    }
    if (vkCgroupSetFrozen(obj->run->cgroup, pause, obj->name) < 0)
        goto out;
    vkLxcSetState(st, obj, to, VK_CONTAINER_WHY_USER);
    if (writeStatus(st, obj) < 0)
        vkErrorReset();
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkLxcDomainSuspend(virDomainPtr dom)
{
    return setPaused(dom, true);
}

int
vkLxcDomainResume(virDomainPtr dom)
{
    return setPaused(dom, false);
}

void
vkLxcDetachAll(vkLxcState *st)
{
    for (GList *l = st->domains.order.head; l; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (obj->run)
            runRelease(st, obj, true);
    }
}

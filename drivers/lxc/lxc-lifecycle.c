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
 * the cgroup, which is all a new process needs to reattach.
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
#include <libxml/parser.h>
#include <libxml/tree.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "util/atomic-file.h"
#include "util/uuid.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-process.h"

typedef struct {
    vkLxcState *st;
    vkLxcDomain *obj;        /* a reference */
    guint64 gen;
} lxcWatch;

static void
watchFree(lxcWatch *w)
{
    vkLxcDomainUnref(w->obj);
    g_free(w);
}

static gboolean
idleOnce(gpointer opaque)
{
    return G_SOURCE_REMOVE;
}

/* Frees w from the event loop, after any callback using it has returned. */
static void
watchFreeLater(vkLxcState *st, lxcWatch *w)
{
    GSource *idle = g_idle_source_new();

    g_source_set_callback(idle, G_SOURCE_FUNC(idleOnce), w, (GDestroyNotify)watchFree);
    g_source_attach(idle, st->ctx);
    g_source_unref(idle);
}

static char *
runFile(vkLxcState *st, const char *name, const char *suffix)
{
    g_autofree char *file = g_strdup_printf("%s%s", name, suffix);

    return g_build_filename(st->runDir, file, NULL);
}

static int
writeStatus(vkLxcState *st, vkLxcDomain *obj)
{
    g_autofree char *xml = vkDomainDefFormat(obj->def, VIR_DOMAIN_XML_SECURE);
    g_autofree char *text = NULL;
    vkLxcRun *run = obj->run;

    if (!xml)
        return -1;
    text = g_strdup_printf("<domstatus state='%d' reason='%d' cstate='%d' id='%d' "
                           "supervisor='%d' init='%d' cgroup='%s'>\n%s</domstatus>\n",
                           obj->state, obj->reason, obj->cstate, obj->id, run->supervisor,
                           run->init, vkCgroupPath(run->cgroup), xml);
    return vkAtomicFileWrite(run->statusPath, text, strlen(text), 0600);
}

/* Ends the current run: the supervisor is gone, or we stop following
 * it (keepFiles).  Locked. */
static void
runRelease(vkLxcState *st, vkLxcDomain *obj, bool keepFiles)
{
    vkLxcRun *run = g_steal_pointer(&obj->run);

    if (run->exitSource) {
        g_source_destroy(run->exitSource);
        g_source_unref(run->exitSource);
    }
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
    }
    close(run->supervisorPidfd);
    if (run->initPidfd >= 0)
        close(run->initPidfd);
    if (run->watch)
        watchFreeLater(st, run->watch);
    vkCgroupFree(run->cgroup);
    g_free(run->statusPath);
    g_free(run->exitPath);
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

static gboolean
onExit(gint fd, GIOCondition cond, gpointer opaque)
{
    lxcWatch *w = opaque;
    vkLxcState *st = w->st;
    vkLxcRun *run;

    g_mutex_lock(&st->lock);
    run = w->obj->run;
    if (run && run->gen == w->gen) {
        if (run->stopWhy >= 0)
            endRun(st, w->obj, VK_CONTAINER_SHUTOFF, run->stopWhy);
        else if (initExitedNormally(run))
            endRun(st, w->obj, VK_CONTAINER_SHUTOFF, VK_CONTAINER_WHY_SHUTDOWN);
        else
            endRun(st, w->obj, VK_CONTAINER_CRASHED, VK_CONTAINER_WHY_FAILED);
    }
    g_mutex_unlock(&st->lock);
    return G_SOURCE_REMOVE;
}

static void
watchRun(vkLxcState *st, vkLxcDomain *obj)
{
    vkLxcRun *run = obj->run;
    lxcWatch *w = g_new0(lxcWatch, 1);

    w->st = st;
    w->obj = vkLxcDomainRef(obj);
    w->gen = run->gen;
    run->watch = w;
    run->exitSource = g_unix_fd_source_new(run->supervisorPidfd, G_IO_IN);
    g_source_set_callback(run->exitSource, G_SOURCE_FUNC(onExit), w, NULL);
    g_source_attach(run->exitSource, st->ctx);
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

    if (!(cdef = vkContainerDefFromDomain(obj->def)))
        return -1;
    if (cdef->nets->len > 0) {
        vkReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                      "container '%s': veth networking into a bridge is not implemented "
                      "yet (the container gets a private network with only lo)", obj->name);
        return -1;
    }
    if (!g_file_test(cdef->rootDir, G_FILE_TEST_IS_DIR)) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "root filesystem '%s' of container '%s' is not a directory",
                      cdef->rootDir, obj->name);
        return -1;
    }
    if (!vkLxcSetState(st, obj, VK_CONTAINER_STARTING, VK_CONTAINER_WHY_BOOT))
        return -1;

    cgPath = g_strdup_printf("%s/%s", st->cgroupBase, obj->name);
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
    logPath = g_strdup_printf("%s/%s.log", st->logDir, obj->name);
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
    run->statusPath = runFile(st, obj->name, ".xml");
    run->exitPath = runFile(st, obj->name, ".exit");
    g_unlink(run->exitPath);

    plan.cdef = cdef;
    plan.hostname = obj->name;
    plan.env = env;
    plan.cgroupJoin = vkCgroupJoinFiles(cg);
    plan.logPath = logPath;
    plan.exitPath = run->exitPath;
    plan.procName = procName;
    if (vkLxcLaunch(&plan, &out) < 0) {
        g_free(run->statusPath);
        g_free(run->exitPath);
        g_free(run);
        goto error;
    }
    run->supervisor = out.supervisor;
    run->init = out.init;
    run->supervisorPidfd = out.supervisorPidfd;
    run->initPidfd = pidfd_open(out.init, 0);
    run->cgroup = g_steal_pointer(&cg);
    obj->run = run;
    obj->id = st->nextId++;
    obj->def->id = obj->id;
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkLxcSetState(st, obj, VK_CONTAINER_RUNNING, VK_CONTAINER_WHY_BOOT);
    if ((flags & VIR_DOMAIN_START_PAUSED) &&
        vkCgroupSetFrozen(run->cgroup, true, obj->name) == 0)
        vkLxcSetState(st, obj, VK_CONTAINER_PAUSED, VK_CONTAINER_WHY_USER);
    vkErrorReset();
    if (writeStatus(st, obj) < 0)
        vkErrorReset();     /* only a reattach needs it; the container runs */
    watchRun(st, obj);
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
    for (GList *l = st->order.head; l; l = l->next) {
        vkLxcDomain *obj = l->data;

        if (obj->run)
            runRelease(st, obj, true);
    }
}

/* Is pid still the supervisor we started?  Its comm carries our prefix. */
static bool
isSupervisor(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/comm", pid);
    g_autofree char *comm = NULL;

    return g_file_get_contents(path, &comm, NULL, NULL) &&
           g_str_has_prefix(comm, VK_LXC_PROC_PREFIX);
}

static int
attrInt(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v ? atoi((const char *)v) : -1;

    xmlFree(v);
    return r;
}

static void
reattachOne(vkLxcState *st, const char *path)
{
    g_autofree char *text = NULL;
    g_autofree char *cgPath = NULL;
    g_autoptr(vkDomainDef) def = NULL;
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n;
    vkLxcDomain *obj;
    vkLxcRun *run;
    int sup, init, cstate, id, pidfd = -1;
    g_autofree char *exitPath = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    doc = xmlReadMemory(text, strlen(text), path, NULL, XML_PARSE_NONET);
    if (!doc || !(root = xmlDocGetRootElement(doc)) ||
        strcmp((const char *)root->name, "domstatus") != 0)
        goto bad;
    sup = attrInt(root, "supervisor");
    init = attrInt(root, "init");
    cstate = attrInt(root, "cstate");
    id = attrInt(root, "id");
    {
        xmlChar *v = xmlGetProp(root, (const xmlChar *)"cgroup");

        cgPath = v ? g_strdup((const char *)v) : NULL;
        xmlFree(v);
    }
    for (n = root->children; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    if (!n || sup <= 0 || !cgPath || !(def = vkDomainDefParseNode(n, "lxc", 0)))
        goto bad;
    exitPath = g_strndup(path, strlen(path) - 4);
    {
        char *e = g_strconcat(exitPath, ".exit", NULL);

        g_free(exitPath);
        exitPath = e;
    }
    if (!isSupervisor(sup) || (pidfd = pidfd_open(sup, 0)) < 0) {
        /* It ended while nobody watched: clean up what it left. */
        g_autoptr(vkCgroup) cg = vkCgroupOpen(cgPath);

        if (cg) {
            vkCgroupKill(cg);
            vkCgroupRemove(cg);
        }
        vkErrorReset();
        g_unlink(path);
        g_unlink(exitPath);
        xmlFreeDoc(doc);
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
    run->exitPath = g_steal_pointer(&exitPath);
    run->cgroup = vkCgroupOpen(cgPath);
    if (!run->cgroup) {
        close(pidfd);
        g_free(run->statusPath);
        g_free(run->exitPath);
        g_free(run);
        goto bad;
    }
    obj->run = run;
    obj->id = id > 0 ? id : st->nextId;
    obj->def->id = obj->id;
    if (obj->id >= st->nextId)
        st->nextId = obj->id + 1;
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkLxcSetState(st, obj, cstate == VK_CONTAINER_PAUSED ? VK_CONTAINER_PAUSED :
                  VK_CONTAINER_RUNNING, VK_CONTAINER_WHY_RESTORED);
    watchRun(st, obj);
    xmlFreeDoc(doc);
    return;

 bad:
    g_warning("LXC driver: cannot reattach from '%s': %s", path,
              vkErrorIsSet() ? vkErrorGetLast()->message : "bad status file");
    vkErrorReset();
    if (pidfd >= 0)
        close(pidfd);
    if (doc)
        xmlFreeDoc(doc);
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running QEMU: start, stop, and following what the guest does.
 *
 * A running domain owns a vkQemuRun (process, pidfd, monitor) tagged with
 * a generation number; every watcher (the pidfd exit source, the QMP
 * callbacks) carries the generation it was made for and does nothing when
 * the domain has moved on.  So a destroy racing with a guest power-off or
 * a kill -9 from outside ends the run exactly once, whichever notices
 * first.  The process's exit, seen on its pidfd, is the one fact that
 * ends a run; QMP events only say why (SHUTDOWN -> shut down, a destroy
 * in progress -> destroyed, nothing -> crashed).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/atomic-file.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-net.h"
#include "drivers/qemu/command.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-console.h"

typedef struct {
    vkQemuState *st;
    vkQemuDomain *obj;        /* a reference */
    guint64 gen;
} qemuWatch;

static void
watchFree(qemuWatch *w)
{
    vkQemuDomainUnref(w->obj);
    g_free(w);
}

static gboolean
idleOnce(gpointer opaque)
{
    return G_SOURCE_REMOVE;
}

/* Frees w from the event loop, after any callback using it has returned. */
static void
watchFreeLater(vkQemuState *st, qemuWatch *w)
{
    GSource *idle = g_idle_source_new();

    g_source_set_callback(idle, G_SOURCE_FUNC(idleOnce), w, (GDestroyNotify)watchFree);
    g_source_attach(idle, st->ctx);
    g_source_unref(idle);
}

/* Called locked: is w still about the domain's current run? */
static vkQemuRun *
watchRun(qemuWatch *w)
{
    vkQemuRun *run = w->obj->run;

    return run && run->gen == w->gen ? run : NULL;
}

int
vkQemuWriteStatus(vkQemuState *st, vkQemuDomain *obj)
{
    g_autofree char *xml = vkDomainDefFormat(obj->def, VIR_DOMAIN_XML_SECURE);
    g_autofree char *text = NULL;

    if (!xml)
        return -1;
    /* The monitor path is derived from the name on reattach; it is here
     * for people reading the file. */
    text = g_strdup_printf("<domstatus state='%d' reason='%d' pid='%d' id='%d' monitor='%s'>\n%s"
                           "</domstatus>\n", obj->state, obj->reason, obj->run->pid,
                           obj->id, obj->run->monitorPath, xml);
    return vkAtomicFileWrite(obj->run->statusPath, text, strlen(text), 0600);
}

void
vkQemuSetState(vkQemuDomain *obj, int state, int reason)
{
    obj->state = state;
    obj->reason = reason;
}

static void
runFree(vkQemuRun *run)
{
    g_free(run->monitorPath);
    g_free(run->statusPath);
    g_free(run->migStatus);
    g_ptr_array_unref(run->deleted);
    g_free(run);
}

static gboolean onExit(gint fd, GIOCondition cond, gpointer opaque);

/* A run for obj's next QEMU, with its watch; not yet installed. */
static vkQemuRun *
runNew(vkQemuState *st, vkQemuDomain *obj)
{
    g_autofree char *monitorFile = g_strdup_printf("%s.monitor", obj->name);
    g_autofree char *statusFile = g_strdup_printf("%s.xml", obj->name);
    vkQemuRun *run = g_new0(vkQemuRun, 1);
    qemuWatch *w = g_new0(qemuWatch, 1);

    run->gen = ++obj->nextGen;
    run->stopReason = -1;
    run->pidfd = -1;
    run->monitorPath = g_build_filename(st->runDir, monitorFile, NULL);
    run->statusPath = g_build_filename(st->runDir, statusFile, NULL);
    run->deleted = g_ptr_array_new_with_free_func(g_free);
    w->st = st;
    w->obj = vkQemuDomainRef(obj);
    w->gen = run->gen;
    run->watch = w;
    return run;
}

/* Makes run obj's current one and watches QEMU's exit.  Locked. */
static void
runInstall(vkQemuState *st, vkQemuDomain *obj, vkQemuRun *run)
{
    obj->run = run;
    run->exitSource = g_unix_fd_source_new(run->pidfd, G_IO_IN);
    g_source_set_callback(run->exitSource, G_SOURCE_FUNC(onExit), run->watch, NULL);
    g_source_attach(run->exitSource, st->ctx);
}

/* Ends the current run: QEMU is gone (or being abandoned).  Locked. */
static void
runRelease(vkQemuState *st, vkQemuDomain *obj, bool keepFiles)
{
    vkQemuRun *run = g_steal_pointer(&obj->run);

    vkQemuMonitorClose(run->mon);
    if (run->exitSource) {
        g_source_destroy(run->exitSource);
        g_source_unref(run->exitSource);
    }
    if (!keepFiles) {
        vkQemuProcessReap(run->pid);
        g_unlink(run->monitorPath);
        g_unlink(run->statusPath);
    }
    close(run->pidfd);
    watchFreeLater(st, run->watch);
    runFree(run);
    /* Anyone waiting for an event of this run must look again. */
    g_cond_broadcast(&st->jobCond);
}

void
vkQemuStopProcess(vkQemuState *st, vkQemuDomain *obj, int reason, int detail)
{
    runRelease(st, obj, false);
    obj->id = -1;
    obj->def->id = -1;
    vkQemuSetState(obj, VIR_DOMAIN_SHUTOFF, reason);
    if (obj->newDef) {
        vkDomainDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STOPPED, detail);
    if (!obj->persistent && !obj->removed)
        vkQemuDomainRemove(st, obj);
}

void
vkQemuDetachAll(vkQemuState *st)
{
    for (GList *l = st->domains.order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (obj->run)
            runRelease(st, obj, true);
    }
}

static gboolean
onExit(gint fd, GIOCondition cond, gpointer opaque)
{
    qemuWatch *w = opaque;
    vkQemuState *st = w->st;
    vkQemuRun *run;

    g_mutex_lock(&st->lock);
    if ((run = watchRun(w))) {
        int reason = run->stopReason;
        int detail;

        if (reason < 0)
            reason = run->guestShutdown ? VIR_DOMAIN_SHUTOFF_SHUTDOWN : VIR_DOMAIN_SHUTOFF_CRASHED;
        detail = reason == VIR_DOMAIN_SHUTOFF_SHUTDOWN ? VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN :
                 reason == VIR_DOMAIN_SHUTOFF_DESTROYED ? VIR_DOMAIN_EVENT_STOPPED_DESTROYED :
                 reason == VIR_DOMAIN_SHUTOFF_SAVED ? VIR_DOMAIN_EVENT_STOPPED_SAVED :
                 VIR_DOMAIN_EVENT_STOPPED_FAILED;
        /* runRelease destroys this very source; returning REMOVE after
         * that is harmless. */
        vkQemuStopProcess(st, w->obj, reason, detail);
    }
    g_mutex_unlock(&st->lock);
    return G_SOURCE_REMOVE;
}

static void
onMonitorEvent(vkQemuMonitor *mon, const char *name, vkJSON *data, void *opaque)
{
    qemuWatch *w = opaque;
    vkQemuState *st = w->st;
    vkQemuDomain *obj = w->obj;
    vkQemuRun *run;

    g_mutex_lock(&st->lock);
    /* A restore waits for MIGRATION before its run is installed. */
    if (strcmp(name, "MIGRATION") == 0 && !watchRun(w) && obj->starting &&
        obj->starting->gen == w->gen) {
        g_free(obj->starting->migStatus);
        obj->starting->migStatus = g_strdup(vkJSONObjectGetString(data, "status"));
        g_cond_broadcast(&st->jobCond);
        goto out;
    }
    if (!(run = watchRun(w)))
        goto out;
    if (strcmp(name, "STOP") == 0) {
        if (obj->state == VIR_DOMAIN_RUNNING) {
            vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        }
    } else if (strcmp(name, "RESUME") == 0) {
        if (obj->state == VIR_DOMAIN_PAUSED) {
            vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                                VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        }
    } else if (strcmp(name, "SHUTDOWN") == 0) {
        bool guest = false;

        vkJSONGetBool(vkJSONObjectGet(data, "guest"), &guest);
        run->guestShutdown = true;
        vkQemuSetState(obj, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
        vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SHUTDOWN,
                            guest ? VIR_DOMAIN_EVENT_SHUTDOWN_GUEST :
                            VIR_DOMAIN_EVENT_SHUTDOWN_HOST);
        /* -no-shutdown kept QEMU alive so we could see this; the guest
         * is off now (on_poweroff restart is not supported yet), so let
         * QEMU go.  Its exit on the pidfd then ends the run. */
        if (run->stopReason < 0)
            run->stopReason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
        pidfd_send_signal(run->pidfd, SIGTERM, NULL, 0);
    } else if (strcmp(name, "RESET") == 0) {
        vkDomainEventQueueReboot(st->events, obj->name, obj->uuid, obj->id);
    } else if (strcmp(name, "MIGRATION") == 0) {
        /* A save or restore waits on jobCond for the final status. */
        g_free(run->migStatus);
        run->migStatus = g_strdup(vkJSONObjectGetString(data, "status"));
        g_cond_broadcast(&st->jobCond);
    } else if (strcmp(name, "DEVICE_DELETED") == 0) {
        const char *dev = vkJSONObjectGetString(data, "device");

        if (dev) {
            g_ptr_array_add(run->deleted, g_strdup(dev));
            g_cond_broadcast(&st->jobCond);
        }
    }
 out:
    g_mutex_unlock(&st->lock);
}

static void
onMonitorEOF(vkQemuMonitor *mon, const char *error, void *opaque)
{
    /* The pidfd tells when QEMU is gone; a monitor that breaks while QEMU
     * lives just makes later commands fail.  A start waiting for an
     * incoming migration must look again, though. */
    qemuWatch *w = opaque;
    vkQemuDomain *obj = w->obj;
    vkQemuRun *run;

    g_mutex_lock(&w->st->lock);
    run = watchRun(w);
    if (!run && obj->starting && obj->starting->gen == w->gen)
        run = obj->starting;
    if (run)
        run->monitorEOF = true;
    g_cond_broadcast(&w->st->jobCond);
    g_mutex_unlock(&w->st->lock);
}

static const vkQemuMonitorCallbacks monitorCallbacks = {
    .event = onMonitorEvent,
    .eof = onMonitorEOF,
};

static char *
logTail(const char *path)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    const char *p;

    if (!g_file_get_contents(path, &text, &len, NULL) || len == 0)
        return g_strdup("(no output from QEMU)");
    p = len > 1024 ? text + len - 1024 : text;
    return g_strstrip(g_strdup(p));
}

/* After the handshake of an incoming QEMU (-incoming defer): feeds it the
 * saved stream from uri and waits for the MIGRATION event saying it
 * finished.  Unlocked; mon is the caller's reference. */
static int
runIncoming(vkQemuState *st, vkQemuDomain *obj, vkQemuRun *run, vkQemuMonitor *mon,
            const char *uri)
{
    vkJSON *args;
    bool ok;

    if (vkQemuMonitorSetMigrationEvents(mon) < 0)
        return -1;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "uri", uri);
    if (vkQemuMonitorCommand(mon, "migrate-incoming", args, NULL) < 0)
        return -1;
    g_mutex_lock(&st->lock);
    while (!vkQemuMigrationDone(run->migStatus) && !run->monitorEOF)
        g_cond_wait(&st->jobCond, &st->lock);
    ok = g_strcmp0(run->migStatus, "completed") == 0;
    g_mutex_unlock(&st->lock);
    if (!ok) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU for domain '%s' could not load the saved state (migration %s)",
                      obj->name, run->migStatus ? run->migStatus : "ended with QEMU");
        return -1;
    }
    return 0;
}

int
vkQemuStartDomain(vkQemuState *st, vkQemuDomain *obj, unsigned int flags,
                  const char *incomingUri)
{
    g_autofree char *logFile = g_strdup_printf("%s.log", obj->name);
    g_autofree char *logPath = g_build_filename(st->logDir, logFile, NULL);
    vkQemuCommandOpts opts = { .emulator = VK_QEMU_DEFAULT_EMULATOR,
                               .monitorFd = VK_QEMU_MONITOR_FD,
                               .incoming = incomingUri ? "defer" : NULL };
    g_auto(GStrv) argv = NULL;
    vkQemuLaunched proc;
    vkQemuRun *run;
    bool paused = flags & VIR_DOMAIN_START_PAUSED;
    g_autoptr(GHashTable) ptys = NULL;
    g_auto(vkQemuNetPlan) net = { 0 };   /* our tap fds: closed on return */

    if (vkQemuCapsCheckDef(st, obj->def) < 0 ||
        vkQemuNetPrepare(st->root, obj->def, &net) < 0)
        return -1;
    opts.netFds = net.netFds;
    opts.vhostFds = net.vhostFds;
    if (!(argv = vkQemuBuildArgv(obj->def, &opts)))
        return -1;

    run = runNew(st, obj);
    obj->starting = run;
    vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);

    g_mutex_unlock(&st->lock);
    if (vkQemuProcessLaunchFds(argv, run->monitorPath, logPath, st->runDir,
                               (const int *)(void *)net.passFds->data, net.passFds->len,
                               &proc) < 0) {
        g_mutex_lock(&st->lock);
        goto error;
    }
    run->pid = proc.pid;
    run->pidfd = proc.pidfd;
    run->mon = vkQemuMonitorOpen(proc.monitorFd, st->ctx, &monitorCallbacks, run->watch);
    if (vkQemuMonitorHandshake(run->mon, VK_QEMU_HANDSHAKE_TIMEOUT_MS) < 0 ||
        (incomingUri && runIncoming(st, obj, run, run->mon, incomingUri) < 0) ||
        (!paused && vkQemuMonitorCont(run->mon) < 0)) {
        g_autofree char *tail = NULL;
        g_autofree char *first = g_strdup(vkErrorIsSet() ? vkErrorGetLast()->message : "");

        vkQemuProcessKill(run->pidfd, run->pid, 1000, true);
        vkQemuProcessReap(run->pid);
        tail = logTail(logPath);
        vkErrorReset();
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU for domain '%s' failed to start: %s%s%s",
                      obj->name, first, *first ? ": " : "", tail);
        vkQemuMonitorClose(run->mon);
        close(run->pidfd);
        run->pidfd = -1;
        g_unlink(run->monitorPath);
        g_mutex_lock(&st->lock);
        goto error;
    }

    ptys = vkQemuConsoleQueryPtys(run->mon);
    if (!ptys)
        vkErrorReset();     /* the guest runs; only its consoles are unknown */
    g_mutex_lock(&st->lock);
    vkQemuConsoleApplyPtys(obj->def, ptys);
    obj->starting = NULL;
    obj->id = vkDomainListNewID(&st->domains);
    obj->def->id = obj->id;
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkQemuNetApplyNames(obj->def, &net);
    if (paused)
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    else
        vkQemuSetState(obj, VIR_DOMAIN_RUNNING, incomingUri ? VIR_DOMAIN_RUNNING_RESTORED :
                       VIR_DOMAIN_RUNNING_BOOTED);
    runInstall(st, obj, run);
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();     /* only reattach needs it; the guest runs */
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STARTED,
                        incomingUri ? VIR_DOMAIN_EVENT_STARTED_RESTORED :
                        VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused)
        vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;

 error:
    obj->starting = NULL;
    vkQemuSetState(obj, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED);
    watchFreeLater(st, run->watch);
    runFree(run);
    return -1;
}

int
vkQemuRunAttach(vkQemuState *st, vkQemuDomain *obj, int pid, int pidfd, int monitorFd)
{
    vkQemuRun *run;
    g_autofree char *status = NULL;
    bool running = false;

    g_mutex_lock(&st->lock);
    run = runNew(st, obj);
    g_mutex_unlock(&st->lock);
    run->pid = pid;
    run->pidfd = pidfd;
    run->mon = vkQemuMonitorOpen(monitorFd, st->ctx, &monitorCallbacks, run->watch);
    if (vkQemuMonitorHandshake(run->mon, VK_QEMU_HANDSHAKE_TIMEOUT_MS) < 0 ||
        !(status = vkQemuMonitorQueryStatus(run->mon, &running))) {
        vkQemuMonitorClose(run->mon);
        g_mutex_lock(&st->lock);
        watchFreeLater(st, run->watch);
        run->pidfd = -1;            /* the caller's */
        runFree(run);
        g_mutex_unlock(&st->lock);
        return -1;
    }

    g_mutex_lock(&st->lock);
    obj->def->id = obj->id;
    if (running)
        vkQemuSetState(obj, VIR_DOMAIN_RUNNING,
                       obj->state == VIR_DOMAIN_RUNNING ? obj->reason : VIR_DOMAIN_RUNNING_UNPAUSED);
    else if (strcmp(status, "shutdown") == 0)
        vkQemuSetState(obj, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
    else
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED,
                       obj->state == VIR_DOMAIN_PAUSED ? obj->reason : VIR_DOMAIN_PAUSED_UNKNOWN);
    runInstall(st, obj, run);
    if (strcmp(status, "shutdown") == 0) {
        /* The guest powered off while nobody watched; -no-shutdown kept
         * QEMU waiting for us to let it go. */
        run->guestShutdown = true;
        run->stopReason = VIR_DOMAIN_SHUTOFF_SHUTDOWN;
        pidfd_send_signal(run->pidfd, SIGTERM, NULL, 0);
    }
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
    g_mutex_unlock(&st->lock);
    return 0;
}

virDomainPtr
vkQemuDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkQemuState *st = vkQemuConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkQemuDomain *obj;
    virDomainPtr ret = NULL;
    bool existed;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED, NULL);
    g_mutex_lock(&st->lock);
    if (!(def = vkQemuParseDef(st, xml)))
        goto cleanup;
    existed = vkQemuDomainFindByUUID(st, def->uuid) != NULL;
    {
        vkDomainDef *tmp = g_steal_pointer(&def);

        obj = vkQemuDomainAdd(st, &tmp, true, NULL);
        vkDomainDefFree(tmp);
    }
    if (!obj)
        goto cleanup;
    vkQemuDomainRef(obj);
    vkQemuBeginJob(st, obj);
    if (vkQemuStartDomain(st, obj, flags, NULL) < 0) {
        if (!existed && !obj->removed)
            vkQemuDomainRemove(st, obj);
        else if (obj->persistent && obj->newDef) {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(&obj->newDef);
        }
    } else {
        ret = vkQemuMakeHandle(conn, obj);
    }
    vkQemuEndJob(st, obj);
    vkQemuDomainUnref(obj);

 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkQemuDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    int ret = -1;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_FORCE_BOOT, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    vkQemuBeginJob(st, obj);
    if (obj->id < 0 && (flags & VIR_DOMAIN_START_FORCE_BOOT)) {
        g_autofree char *image = vkQemuManagedSavePath(st, obj->name);

        g_unlink(image);     /* a fresh boot: the saved state is dropped */
    }
    flags &= ~VIR_DOMAIN_START_FORCE_BOOT;
    if (obj->id >= 0)
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is already running", obj->name);
    else if (obj->removed)
        vkReportError(VIR_ERR_NO_DOMAIN, "domain '%s' was undefined", obj->name);
    else {
        /* A managed save image, when there is one, is where the guest
         * left off; otherwise it boots. */
        int rc = vkQemuRestoreManaged(st, obj, flags);

        if (rc == 0)
            rc = vkQemuStartDomain(st, obj, flags, NULL);
        if (rc >= 0) {
            dom->id = obj->id;
            ret = 0;
        }
    }
    vkQemuEndJob(st, obj);
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return ret;
}

int
vkQemuDomainCreate(virDomainPtr dom)
{
    return vkQemuDomainCreateWithFlags(dom, 0);
}

int
vkQemuDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vkQemuState *st;
    vkQemuDomain *obj;
    guint64 gen;
    int pidfd, pid, rc;

    vkCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!obj->run) {
        g_mutex_unlock(&st->lock);
        return vkQemuCheckActive(obj) ? 0 : -1;
    }
    /* Kill first, without the job: a call stuck on a hung QEMU must not
     * keep destroy from working; its monitor then fails at once. */
    vkQemuDomainRef(obj);
    obj->run->stopReason = VIR_DOMAIN_SHUTOFF_DESTROYED;
    gen = obj->run->gen;
    pid = obj->run->pid;
    pidfd = dup(obj->run->pidfd);
    g_mutex_unlock(&st->lock);

    rc = vkQemuProcessKill(pidfd, pid, VK_QEMU_DESTROY_GRACE_MS,
                           !(flags & VIR_DOMAIN_DESTROY_GRACEFUL));
    close(pidfd);

    g_mutex_lock(&st->lock);
    vkQemuBeginJob(st, obj);
    /* The exit watch may have ended the run already; then we are done. */
    if (rc == 0 && obj->run && obj->run->gen == gen)
        vkQemuStopProcess(st, obj, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    else if (rc < 0 && obj->run && obj->run->gen == gen)
        obj->run->stopReason = -1;      /* still running: not destroyed */
    vkQemuEndJob(st, obj);
    g_mutex_unlock(&st->lock);
    if (rc == 0)
        dom->id = -1;
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainDestroy(virDomainPtr dom)
{
    return vkQemuDomainDestroyFlags(dom, 0);
}

/* Runs fn on the domain's monitor under the job; called and returning
 * locked.  *gen gets the run it talked to. */
static int
monitorCall(vkQemuState *st, vkQemuDomain *obj, int (*fn)(vkQemuMonitor *), guint64 *gen)
{
    vkQemuMonitor *mon;
    int rc;

    if (!obj->run || obj->state == VIR_DOMAIN_SHUTOFF) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", obj->name);
        return -1;
    }
    mon = vkQemuMonitorRef(obj->run->mon);
    *gen = obj->run->gen;
    g_mutex_unlock(&st->lock);
    rc = fn(mon);
    vkQemuMonitorUnref(mon);
    g_mutex_lock(&st->lock);
    return rc;
}

typedef enum { OP_SUSPEND, OP_RESUME, OP_POWERDOWN, OP_RESET } qemuOp;

static int
runOp(virDomainPtr dom, qemuOp op)
{
    static int (*const fns[])(vkQemuMonitor *) = {
        [OP_SUSPEND] = vkQemuMonitorStop,
        [OP_RESUME] = vkQemuMonitorCont,
        [OP_POWERDOWN] = vkQemuMonitorSystemPowerdown,
        [OP_RESET] = vkQemuMonitorSystemReset,
    };
    vkQemuState *st;
    vkQemuDomain *obj;
    guint64 gen = 0;
    int rc;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    vkQemuBeginJob(st, obj);
    if (op == OP_RESUME && obj->run && obj->state != VIR_DOMAIN_PAUSED) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not paused", obj->name);
        rc = -1;
        goto out;
    }
    if (op == OP_SUSPEND && obj->run && obj->state == VIR_DOMAIN_PAUSED) {
        rc = 0;          /* libvirt: suspending a paused domain succeeds */
        goto out;
    }
    rc = monitorCall(st, obj, fns[op], &gen);
    if (rc == 0 && obj->run && obj->run->gen == gen) {
        /* The STOP/RESUME events may not have arrived yet: the reply is
         * what makes the new state true for our caller. */
        if (op == OP_SUSPEND && obj->state == VIR_DOMAIN_RUNNING) {
            vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        } else if (op == OP_RESUME && obj->state == VIR_DOMAIN_PAUSED) {
            vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                                VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        }
        if (op == OP_SUSPEND || op == OP_RESUME) {
            if (vkQemuWriteStatus(st, obj) < 0)
                vkErrorReset();
        }
    }
 out:
    vkQemuEndJob(st, obj);
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainSuspend(virDomainPtr dom)
{
    return runOp(dom, OP_SUSPEND);
}

int
vkQemuDomainResume(virDomainPtr dom)
{
    return runOp(dom, OP_RESUME);
}

int
vkQemuDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN, -1);
    return runOp(dom, OP_POWERDOWN);
}

int
vkQemuDomainShutdown(virDomainPtr dom)
{
    return vkQemuDomainShutdownFlags(dom, 0);
}

int
vkQemuDomainReboot(virDomainPtr dom, unsigned int flags)
{
    /* Without a guest agent or a fake-reboot cycle yet, a reboot is the
     * hardware reset; the guest's state is lost as with reset. */
    vkCheckFlags(VIR_DOMAIN_REBOOT_ACPI_POWER_BTN, -1);
    return runOp(dom, OP_RESET);
}

int
vkQemuDomainReset(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return runOp(dom, OP_RESET);
}

int
vkQemuDomainMonitorCommand(vkQemuState *st, vkQemuDomain *obj, const char *cmd,
                           vkJSON *args, vkJSON **ret)
{
    vkQemuMonitor *mon;
    int rc;

    if (!obj->run || obj->state == VIR_DOMAIN_SHUTOFF) {
        vkJSONFree(args);
        vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", obj->name);
        return -1;
    }
    mon = vkQemuMonitorRef(obj->run->mon);
    g_mutex_unlock(&st->lock);
    rc = vkQemuMonitorCommand(mon, cmd, args, ret);
    vkQemuMonitorUnref(mon);
    g_mutex_lock(&st->lock);
    return rc;
}

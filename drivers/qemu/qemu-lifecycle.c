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
 * in progress -> destroyed, nothing -> crashed).  A run being started
 * (obj->starting) is destroyed the same way: the kill ends every wait of
 * the start on QEMU, and the start then fails instead of installing it.
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
#include "conf/domain-status.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-events.h"
#include "drivers/qemu/qemu-stats.h"
#include "drivers/qemu/qemu-firmware.h"
#include "drivers/qemu/qemu-net.h"
#include "drivers/qemu/command.h"
#include "drivers/qemu/process.h"
#include "drivers/qemu/qemu-console.h"
#include "drivers/qemu/qemu-graphics.h"
#include "drivers/qemu/qemu-blockjob.h"
#include "drivers/qemu/qemu-migrate.h"
#include "drivers/storage/storage-driver.h"

/* Called locked: is w still about the domain's current run? */
static vkQemuRun *
watchRun(vkProcWatch *w)
{
    vkQemuRun *run = ((vkQemuDomain *)w->obj)->run;

    return run && run->gen == w->gen ? run : NULL;
}

int
vkQemuWriteStatus(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkDomainStatus) status = vkDomainStatusNew();
    g_autofree char *text = NULL;

    status->state = obj->state;
    status->reason = obj->reason;
    status->id = obj->id;
    status->pid = obj->run->pid;
    /* The monitor path is derived from the name on reattach; it is here
     * for people reading the file. */
    status->monitor = g_strdup(obj->run->monitorPath);
    /* where a migration stands, for a daemon restarted in its middle
     * (vkQemuMigrateRecover) */
    if (obj->mig.dir != VK_QEMU_MIG_NONE)
        vkDomainStatusSetString(status, "migration",
                                obj->mig.dir == VK_QEMU_MIG_IN ? "in" :
                                obj->mig.performed ? "out-done" : "out");
    if (!(text = vkDomainStatusFormat(status, obj->def)))
        return -1;
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
    if (run->blockJobs)
        g_hash_table_unref(run->blockJobs);
    g_free(run);
}

static void onExit(vkProcWatch *w);

/* A run for obj's next QEMU, with its watch; not yet installed. */
static vkQemuRun *
runNew(vkQemuState *st, vkQemuDomain *obj)
{
    g_autofree char *monitorFile = g_strdup_printf("%s.monitor", obj->name);
    g_autofree char *statusFile = g_strdup_printf("%s.xml", obj->name);
    vkQemuRun *run = g_new0(vkQemuRun, 1);

    run->gen = ++obj->nextGen;
    run->stopReason = -1;
    run->pidfd = -1;
    run->monitorPath = g_build_filename(st->runDir, monitorFile, NULL);
    run->statusPath = g_build_filename(st->runDir, statusFile, NULL);
    run->deleted = g_ptr_array_new_with_free_func(g_free);
    run->watch = vkProcWatchNew(st, vkQemuDomainRef(obj), (GDestroyNotify)vkQemuDomainUnref,
                                run->gen, st->ctx);
    return run;
}

/* Makes run obj's current one and watches QEMU's exit.  Locked. */
static void
runInstall(vkQemuState *st, vkQemuDomain *obj, vkQemuRun *run)
{
    obj->run = run;
    vkProcWatchStart(run->watch, run->pidfd, onExit);
}

/* Where a guest's sockets that libvirt names itself go (qemu-ga
 * channel, <listen type='socket'/>): a directory of its own. */
static char *
domainDir(vkQemuState *st, vkQemuDomain *obj)
{
    g_autofree char *leaf = g_strdup_printf("%s.d", obj->name);

    return g_build_filename(st->runDir, leaf, NULL);
}

/* Ends the current run: QEMU is gone (or being abandoned).  Locked. */
static void
runRelease(vkQemuState *st, vkQemuDomain *obj, bool keepFiles)
{
    vkQemuRun *run = g_steal_pointer(&obj->run);

    vkQemuMonitorClose(run->mon);
    vkProcWatchRelease(run->watch);
    if (!keepFiles) {
        vkQemuProcessReap(run->pid);
        g_autofree char *dir = domainDir(st, obj);

        g_unlink(run->monitorPath);
        g_unlink(run->statusPath);
        vkQemuGraphicsRemoveDir(dir);
    }
    close(run->pidfd);
    runFree(run);
    /* Anyone waiting for an event of this run must look again. */
    g_cond_broadcast(&st->jobCond);
}

void
vkQemuStopProcess(vkQemuState *st, vkQemuDomain *obj, int reason, int detail)
{
    runRelease(st, obj, false);
    vkQemuNetReleasePorts(st->root, obj->def);
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

static void
onExit(vkProcWatch *w)
{
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
                 reason == VIR_DOMAIN_SHUTOFF_MIGRATED ? VIR_DOMAIN_EVENT_STOPPED_MIGRATED :
                 VIR_DOMAIN_EVENT_STOPPED_FAILED;
        vkQemuStopProcess(st, w->obj, reason, detail);
    }
    g_mutex_unlock(&st->lock);
}

static void
onMonitorEvent(vkQemuMonitor *mon, const char *name, vkJSON *data, void *opaque)
{
    vkProcWatch *w = opaque;
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
    vkQemuMonitorEventForward(st, obj, mon, name, data);
    if (strcmp(name, "STOP") == 0) {
        /* An outgoing migration stops the guest for its last pass. */
        bool mig = obj->mig.dir == VK_QEMU_MIG_OUT;

        if (obj->state == VIR_DOMAIN_RUNNING) {
            vkQemuSetState(obj, VIR_DOMAIN_PAUSED,
                           mig ? VIR_DOMAIN_PAUSED_MIGRATION : VIR_DOMAIN_PAUSED_USER);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                                mig ? VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED :
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        }
    } else if (strcmp(name, "RESUME") == 0) {
        /* ... and QEMU restarts it when that migration fails. */
        bool mig = obj->mig.dir == VK_QEMU_MIG_OUT;

        if (obj->state == VIR_DOMAIN_PAUSED) {
            vkQemuSetState(obj, VIR_DOMAIN_RUNNING,
                           mig ? VIR_DOMAIN_RUNNING_MIGRATION_CANCELED :
                           VIR_DOMAIN_RUNNING_UNPAUSED);
            vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED,
                                mig ? VIR_DOMAIN_EVENT_RESUMED_MIGRATED :
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
    } else if (strcmp(name, "VSERPORT_CHANGE") == 0) {
        vkQemuAgentPortEvent(st, obj, data);
    } else if (g_str_has_prefix(name, "BLOCK_JOB_")) {
        vkQemuBlockJobEvent(st, obj, name, data);
    } else {
        vkQemuEventForward(st, obj, name, data);
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
    vkProcWatch *w = opaque;
    vkQemuState *st = w->st;
    vkQemuDomain *obj = w->obj;
    vkQemuRun *run;

    g_mutex_lock(&st->lock);
    run = watchRun(w);
    if (!run && obj->starting && obj->starting->gen == w->gen)
        run = obj->starting;
    if (run)
        run->monitorEOF = true;
    /* A monitor that fails (not one QEMU closed by going away) while the
     * guest runs is libvirt's CONTROL_ERROR: the domain can no longer be
     * managed. */
    if (error && run && run == obj->run &&
        (obj->state == VIR_DOMAIN_RUNNING || obj->state == VIR_DOMAIN_PAUSED))
        vkDomainEventQueueInt(st->events, obj->name, obj->uuid, obj->id,
                              VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, 0);
    g_cond_broadcast(&st->jobCond);
    g_mutex_unlock(&st->lock);
}

static const vkQemuMonitorCallbacks monitorCallbacks = {
    .event = onMonitorEvent,
    .eof = onMonitorEOF,
};

/* The log's size before a start, so its error quotes that start only. */
static gsize
logSize(const char *path)
{
    GStatBuf sb;

    return g_stat(path, &sb) == 0 ? (gsize)sb.st_size : 0;
}

/* Where QEMU is in the saved state (it shares the file offset with our
 * fd), or -1 for a stream without one (a pipe). */
static off_t
incomingPos(int fd)
{
    return lseek(fd, 0, SEEK_CUR);
}

/* After the handshake of an incoming QEMU (-incoming defer): hands it our
 * fd on the saved state (QMP getfd, then migrate-incoming "fd:NAME") and
 * waits for the MIGRATION event saying it finished.  The wait ends too
 * when QEMU goes away, when a destroy ends the start, or when QEMU reads
 * nothing for VK_QEMU_MIGRATION_STALL_MS (on a pipe, where progress cannot
 * be seen, that is the whole allowance).  Unlocked; mon is the caller's
 * reference. */
static int
runIncoming(vkQemuState *st, vkQemuDomain *obj, vkQemuRun *run, vkQemuMonitor *mon,
            const vkQemuIncoming *incoming)
{
    const gint64 stall = (gint64)VK_QEMU_MIGRATION_STALL_MS * G_TIME_SPAN_MILLISECOND;
    int fd = incoming->fd;
    vkJSON *args;
    gint64 deadline;
    off_t pos;
    bool ok, stalled = false;

    if (vkQemuMonitorSetMigrationEvents(mon) < 0 ||
        (fd >= 0 && vkQemuMonitorSendFd(mon, "vk-incoming", fd) < 0) ||
        (incoming->uri &&
         (vkQemuMigrateSetCapabilities(mon, incoming->migFlags, incoming->channels) < 0 ||
          vkQemuMigrateSetTLS(st, mon, incoming->migFlags, true, NULL) < 0)))
        return -1;
    args = vkJSONNewObject();
    vkJSONObjectAppendString(args, "uri", incoming->uri ? incoming->uri : "fd:vk-incoming");
    if (vkQemuMonitorCommand(mon, "migrate-incoming", args, NULL) < 0)
        return -1;
    if (incoming->uri)
        return 0;       /* a migration: the stream comes after Prepare */
    g_mutex_lock(&st->lock);
    pos = incomingPos(fd);
    deadline = g_get_monotonic_time() + stall;
    while (!vkQemuMigrationDone(run->migStatus) && !run->monitorEOF &&
           run->stopReason != VIR_DOMAIN_SHUTOFF_DESTROYED) {
        off_t now;

        if (g_cond_wait_until(&st->jobCond, &st->lock, deadline))
            continue;
        if ((now = incomingPos(fd)) >= 0 && now != pos) {
            pos = now;
            deadline = g_get_monotonic_time() + stall;
            continue;
        }
        stalled = true;
        break;
    }
    ok = g_strcmp0(run->migStatus, "completed") == 0;
    g_mutex_unlock(&st->lock);
    if (ok)
        return 0;
    if (stalled)
        vkReportError(VIR_ERR_OPERATION_TIMEOUT,
                      "QEMU for domain '%s' read nothing of the saved state for %d s",
                      obj->name, VK_QEMU_MIGRATION_STALL_MS / 1000);
    else
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "QEMU for domain '%s' could not load the saved state (migration %s)",
                      obj->name, run->migStatus ? run->migStatus : "ended with QEMU");
    return -1;
}

/* A start that went wrong after the launch: QEMU is killed (it may be
 * dead already) and the error says why, with QEMU's last words.
 * Unlocked; the pidfd stays open for the caller to close locked, since a
 * destroy may be dup()ing it. */
static void
startAbort(vkQemuDomain *obj, vkQemuRun *run, const char *logPath, gsize logStart,
           bool destroyed)
{
    g_autofree char *tail = NULL;
    g_autofree char *first = g_strdup(vkErrorIsSet() ? vkErrorGetLast()->message : "");

    vkQemuProcessKill(run->pidfd, run->pid, 1000, true);
    vkQemuProcessReap(run->pid);
    vkErrorReset();
    if (destroyed) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "domain '%s' was destroyed while it was starting", obj->name);
    } else {
        tail = vkQemuLogTail(logPath, logStart);
        vkReportError(VIR_ERR_OPERATION_FAILED, "QEMU for domain '%s' failed to start: %s%s%s",
                      obj->name, first, *first ? ": " : "", tail);
    }
    vkQemuMonitorClose(g_steal_pointer(&run->mon));
    g_unlink(run->monitorPath);
}

int
vkQemuStartDomain(vkQemuState *st, vkQemuDomain *obj, unsigned int flags,
                  const vkQemuIncoming *incoming)
{
    g_autofree char *logFile = g_strdup_printf("%s.log", obj->name);
    g_autofree char *logPath = g_build_filename(st->logDir, logFile, NULL);
    vkQemuCommandOpts opts = { .emulator = VK_QEMU_DEFAULT_EMULATOR,
                               .monitorFd = VK_QEMU_MONITOR_FD,
                               .incoming = incoming ? "defer" : NULL };
    g_auto(GStrv) argv = NULL;
    vkQemuLaunched proc;
    vkQemuRun *run;
    bool migrating = incoming && incoming->uri;
    bool paused = (flags & VIR_DOMAIN_START_PAUSED) || migrating;
    bool destroyed;
    g_autoptr(GHashTable) ptys = NULL;
    g_autoptr(vkDomainDef) resolved = NULL;
    g_autoptr(GPtrArray) missing = NULL;
    int rc;
    g_auto(vkQemuNetPlan) net = { 0 };   /* our tap fds: closed on return */
    g_autofree char *dir = domainDir(st, obj);
    gsize logStart;
    int vncPort;

    /* Taps first (their names go into the live definition), then
     * <disk type='volume'>: the command line gets the volume's path */
    if (vkQemuCapsCheckDef(st, obj->def) < 0 || vkQemuCapsCheckHugepages(obj->def) < 0 ||
        vkQemuNetPrepare(st->root, obj->def, &net) < 0 ||
        !(resolved = vkDomainDefCopy(obj->def)) ||
        vkStorageResolveDiskVolumes(st->privileged ? NULL : st->root, resolved) < 0 ||
        vkQemuGraphicsCheckHost(resolved, "/dev/dri") < 0 ||
        vkQemuGraphicsAllocPorts(resolved) < 0 ||
        vkQemuPrepareFirmware(st, resolved) < 0)
        return -1;
    missing = vkQemuDropMissingSources(resolved);
    if (vkQemuGraphicsNeedsDir(resolved) && g_mkdir_with_parents(dir, 0700) < 0) {
        vkReportSystemError(errno, "cannot create '%s'", dir);
        return -1;
    }
    if (vkQemuGraphicsWriteSecrets(resolved, dir) < 0) {
        vkQemuGraphicsRemoveDir(dir);
        return -1;
    }
    opts.domainDir = dir;
    opts.netFds = net.netFds;
    opts.vhostFds = net.vhostFds;
    if (!(argv = vkQemuBuildArgv(resolved, &opts))) {
        vkQemuGraphicsRemoveDir(dir);
        return -1;
    }

    run = runNew(st, obj);
    obj->starting = run;
    vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);

    logStart = logSize(logPath);
    g_mutex_unlock(&st->lock);
    rc = vkQemuProcessLaunchFds(argv, run->monitorPath, logPath, st->runDir,
                                (const int *)(void *)net.passFds->data, net.passFds->len,
                                &proc);
    g_mutex_lock(&st->lock);
    if (rc < 0)
        goto error;
    /* Published locked: a destroy reads them to kill this QEMU. */
    run->pid = proc.pid;
    run->pidfd = proc.pidfd;
    run->mon = vkQemuMonitorOpen(proc.monitorFd, st->ctx, &monitorCallbacks, run->watch);
    destroyed = run->stopReason == VIR_DOMAIN_SHUTOFF_DESTROYED;
    g_mutex_unlock(&st->lock);

    if (destroyed ||
        vkQemuMonitorHandshake(run->mon, VK_QEMU_HANDSHAKE_TIMEOUT_MS) < 0 ||
        (incoming && runIncoming(st, obj, run, run->mon, incoming) < 0) ||
        vkQemuBalloonApplyPeriod(run->mon, resolved) < 0 ||
        vkQemuGraphicsApplyExpiry(run->mon, resolved) < 0)
        goto abort;
    /* Asked while the vCPUs are still stopped: under TCG a running guest
     * slows every monitor round trip (each took 50-150 ms after cont for
     * virt-install's default guest on a loaded host). */
    ptys = vkQemuConsoleQueryPtys(run->mon);
    if (!ptys)
        vkErrorReset();     /* only the guest's consoles are unknown */
    vncPort = vkQemuGraphicsQueryVncPort(run->mon, resolved);
    if (!paused && vkQemuMonitorCont(run->mon) < 0)
        goto abort;
    g_mutex_lock(&st->lock);
    if (run->stopReason == VIR_DOMAIN_SHUTOFF_DESTROYED) {
        g_mutex_unlock(&st->lock);
        goto abort;
    }
    vkQemuConsoleApplyPtys(obj->def, ptys);
    obj->starting = NULL;
    obj->id = vkDomainListNewID(&st->domains);
    obj->def->id = obj->id;
    if (obj->persistent && !obj->newDef)
        obj->newDef = vkDomainDefCopy(obj->def);
    vkQemuFirmwareApplyLive(obj->def, resolved);
    vkQemuNetApplyNames(obj->def, &net);
    vkQemuGraphicsApplyLive(obj->def, resolved, vncPort, dir);
    vkQemuAgentStartState(obj->def);
    vkQemuApplyMissingSources(st, obj, missing);
    if (paused)
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED,
                       migrating ? VIR_DOMAIN_PAUSED_MIGRATION : VIR_DOMAIN_PAUSED_USER);
    else
        vkQemuSetState(obj, VIR_DOMAIN_RUNNING, incoming ? VIR_DOMAIN_RUNNING_RESTORED :
                       VIR_DOMAIN_RUNNING_BOOTED);
    runInstall(st, obj, run);
    if (vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();     /* only reattach needs it; the guest runs */
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STARTED,
                        migrating ? VIR_DOMAIN_EVENT_STARTED_MIGRATED :
                        incoming ? VIR_DOMAIN_EVENT_STARTED_RESTORED :
                        VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused && !migrating)
        vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;

 abort:
    g_mutex_lock(&st->lock);
    destroyed = run->stopReason == VIR_DOMAIN_SHUTOFF_DESTROYED;
    g_mutex_unlock(&st->lock);
    startAbort(obj, run, logPath, logStart, destroyed);
    g_mutex_lock(&st->lock);
    close(run->pidfd);
    run->pidfd = -1;
 error:
    obj->starting = NULL;
    vkQemuSetState(obj, VIR_DOMAIN_SHUTOFF,
                   run->stopReason == VIR_DOMAIN_SHUTOFF_DESTROYED ?
                   VIR_DOMAIN_SHUTOFF_DESTROYED : VIR_DOMAIN_SHUTOFF_FAILED);
    vkProcWatchRelease(run->watch);
    runFree(run);
    /* A destroy waiting for this start's end looks again. */
    g_cond_broadcast(&st->jobCond);
    vkQemuGraphicsRemoveDir(dir);
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
        vkProcWatchRelease(run->watch);
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
    if (vkQemuBeginJob(st, obj) < 0) {
        vkQemuDomainUnref(obj);
        goto cleanup;
    }
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
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
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
 nojob:
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
    vkQemuRun *run;
    guint64 gen;
    int pidfd = -1, pid, rc = 0;
    bool job;

    vkCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL, -1);
    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    if (!(run = obj->run ? obj->run : obj->starting)) {
        g_mutex_unlock(&st->lock);
        return vkQemuCheckActive(obj) ? 0 : -1;
    }
    /* Kill first, without the job: a call stuck on a hung QEMU, or a
     * start still waiting on its QEMU, must not keep destroy from
     * working; their waits on QEMU end with it.  A start whose QEMU is
     * not launched yet sees the mark and kills it itself. */
    vkQemuDomainRef(obj);
    run->stopReason = VIR_DOMAIN_SHUTOFF_DESTROYED;
    gen = run->gen;
    pid = run->pid;
    if (run->pidfd >= 0)
        pidfd = dup(run->pidfd);
    g_cond_broadcast(&st->jobCond);
    g_mutex_unlock(&st->lock);

    if (pidfd >= 0) {
        rc = vkQemuProcessKill(pidfd, pid, VK_QEMU_DESTROY_GRACE_MS,
                               !(flags & VIR_DOMAIN_DESTROY_GRACEFUL));
        close(pidfd);
    }

    g_mutex_lock(&st->lock);
    /* The job orders us after a start (which fails now) or any other
     * call; past its deadline the exit watch does what we would. */
    job = vkQemuBeginJob(st, obj) == 0;
    if (!job && rc == 0)
        vkErrorReset();
    /* The exit watch may have ended the run already; then we are done. */
    if (rc == 0 && obj->run && obj->run->gen == gen)
        vkQemuStopProcess(st, obj, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    else if (rc < 0 && (run = obj->run ? obj->run : obj->starting) && run->gen == gen)
        run->stopReason = -1;      /* still running: not destroyed */
    if (job)
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Calls that talk to a running QEMU through its monitor: suspend, resume,
 * shutdown, reboot, reset, and the helper other files use for one QMP
 * command under the job.
 *
 * The one idea: a command can race QEMU's end (a destroy, a guest
 * power-off, a crash), and then the socket breaks under it.  What the
 * caller hears is then what libvirt says, "domain is not running"
 * (VIR_ERR_OPERATION_INVALID), never a broken pipe: a failed command
 * looks at the run it talked to (gone, or marked as ending) and, when the
 * monitor broke, at QEMU's exit on its pidfd.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-private.h"

/* Called locked after a monitor command of run gen failed: when QEMU is
 * gone or going (destroyed, shut down, crashed under us), the error is
 * libvirt's "domain is not running" rather than a broken pipe.  A broken
 * monitor alone is not proof, so QEMU's exit on its pidfd, which follows
 * the socket's close within moments, is waited for (bounded). */
static void
monitorFailed(vkQemuState *st, vkQemuDomain *obj, guint64 gen, vkQemuMonitor *mon)
{
    vkQemuRun *run = obj->run;
    bool gone = !run || run->gen != gen || run->stopReason >= 0;

    if (!gone && vkQemuMonitorIsBroken(mon)) {
        struct pollfd pfd = { .fd = dup(run->pidfd), .events = POLLIN };

        g_mutex_unlock(&st->lock);
        while (pfd.fd >= 0 && poll(&pfd, 1, 1000) < 0 && errno == EINTR)
            ;
        gone = pfd.revents & POLLIN;
        if (pfd.fd >= 0)
            close(pfd.fd);
        g_mutex_lock(&st->lock);
    }
    if (!gone)
        return;
    vkErrorReset();
    vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
}

/* The live run to talk to, or NULL with libvirt's error. */
static vkQemuRun *
liveRun(vkQemuDomain *obj)
{
    if (!obj->run || obj->state == VIR_DOMAIN_SHUTOFF ||
        obj->run->stopReason == VIR_DOMAIN_SHUTOFF_DESTROYED) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s", "domain is not running");
        return NULL;
    }
    return obj->run;
}

/* Runs fn on the domain's monitor under the job; called and returning
 * locked.  *gen gets the run it talked to. */
static int
monitorCall(vkQemuState *st, vkQemuDomain *obj, int (*fn)(vkQemuMonitor *), guint64 *gen)
{
    vkQemuMonitor *mon;
    vkQemuRun *run;
    int rc;

    if (!(run = liveRun(obj)))
        return -1;
    mon = vkQemuMonitorRef(run->mon);
    *gen = run->gen;
    g_mutex_unlock(&st->lock);
    rc = fn(mon);
    g_mutex_lock(&st->lock);
    if (rc < 0)
        monitorFailed(st, obj, *gen, mon);
    vkQemuMonitorUnref(mon);
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
    if (vkQemuBeginJob(st, obj) < 0) {
        rc = -1;
        goto nojob;
    }
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
 nojob:
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
    int rc;

    vkCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN | VIR_DOMAIN_SHUTDOWN_GUEST_AGENT, -1);
    rc = vkQemuAgentPowerOp(dom, false, flags & VIR_DOMAIN_SHUTDOWN_GUEST_AGENT,
                            !flags || (flags & VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN));
    if (rc <= 0)
        return rc;
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
    int rc;

    /* The guest agent reboots the guest itself; without it (no fake-reboot
     * cycle yet) a reboot is the hardware reset, and the guest's state is
     * lost as with reset. */
    vkCheckFlags(VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | VIR_DOMAIN_REBOOT_GUEST_AGENT, -1);
    rc = vkQemuAgentPowerOp(dom, true, flags & VIR_DOMAIN_REBOOT_GUEST_AGENT,
                            !flags || (flags & VIR_DOMAIN_REBOOT_ACPI_POWER_BTN));
    if (rc <= 0)
        return rc;
    return runOp(dom, OP_RESET);
}

int
vkQemuDomainReset(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return runOp(dom, OP_RESET);
}

/* The monitor of obj's run, unlocked around fn; see the header. */
static int
withMonitor(vkQemuState *st, vkQemuDomain *obj,
            int (*fn)(vkQemuMonitor *mon, void *opaque), void *opaque)
{
    vkQemuMonitor *mon;
    vkQemuRun *run;
    guint64 gen;
    int rc;

    if (!(run = liveRun(obj)))
        return -1;
    mon = vkQemuMonitorRef(run->mon);
    gen = run->gen;
    g_mutex_unlock(&st->lock);
    rc = fn(mon, opaque);
    g_mutex_lock(&st->lock);
    if (rc < 0)
        monitorFailed(st, obj, gen, mon);
    vkQemuMonitorUnref(mon);
    return rc;
}

typedef struct {
    const char *cmd;
    vkJSON *args;
    vkJSON **ret;
    int fd;
} monitorCmd;

static int
runCommand(vkQemuMonitor *mon, void *opaque)
{
    monitorCmd *c = opaque;
    vkJSON *args = g_steal_pointer(&c->args);

    return vkQemuMonitorCommand(mon, c->cmd, args, c->ret);
}

static int
runSendFd(vkQemuMonitor *mon, void *opaque)
{
    monitorCmd *c = opaque;

    return vkQemuMonitorSendFd(mon, c->cmd, c->fd);
}

int
vkQemuDomainMonitorCommand(vkQemuState *st, vkQemuDomain *obj, const char *cmd,
                           vkJSON *args, vkJSON **ret)
{
    monitorCmd c = { .cmd = cmd, .args = args, .ret = ret, .fd = -1 };
    int rc = withMonitor(st, obj, runCommand, &c);

    vkJSONFree(c.args);          /* not sent: the domain was not running */
    return rc;
}

int
vkQemuDomainMonitorSendFd(vkQemuState *st, vkQemuDomain *obj, const char *name, int fd)
{
    monitorCmd c = { .cmd = name, .fd = fd };

    return withMonitor(st, obj, runSendFd, &c);
}

typedef struct {
    const char *json;
    int fd;
    char **reply;
} rawCmd;

static int
runRaw(vkQemuMonitor *mon, void *opaque)
{
    rawCmd *c = opaque;

    return vkQemuMonitorCommandRaw(mon, c->json, c->fd, c->reply);
}

int
vkQemuDomainMonitorRaw(vkQemuState *st, vkQemuDomain *obj, const char *json, int fd,
                       char **reply)
{
    rawCmd c = { .json = json, .fd = fd, .reply = reply };

    return withMonitor(st, obj, runRaw, &c);
}

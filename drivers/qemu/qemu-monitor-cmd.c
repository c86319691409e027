/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-qemu's monitor passthrough: virDomainQemuMonitorCommand(WithFiles).
 *
 * The one idea: virtkit does not interpret what the caller sends.  A QMP
 * command goes to QEMU as written (an id is added so that its reply is
 * told apart from ours) and QEMU's whole answer comes back, a QMP error
 * included, exactly as libvirt returns it; only a command that cannot be
 * delivered is an error of the call.  With the HMP flag the line is
 * wrapped in QMP's human-monitor-command and the text it prints is the
 * answer, as libvirt does for QEMUs without a human monitor of their own.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-private.h"
#include "core/qemu-monitor-event.h"

static int
runHmp(vkQemuState *st, vkQemuDomain *obj, const char *line, char **result)
{
    vkJSON *args = vkJSONNewObject();
    g_autoptr(vkJSON) ret = NULL;

    vkJSONObjectAppendString(args, "command-line", line);
    if (vkQemuDomainMonitorCommand(st, obj, "human-monitor-command", args, &ret) < 0)
        return -1;
    if (!vkJSONGetString(ret)) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                      "human-monitor-command did not return a string");
        return -1;
    }
    *result = g_strdup(vkJSONGetString(ret));
    return 0;
}

int
vkQemuDomainQemuMonitorCommandWithFiles(virDomainPtr dom, const char *cmd,
                                        unsigned int ninfiles, int *infiles,
                                        unsigned int *noutfiles, int **outfiles,
                                        char **result, unsigned int flags)
{
    bool hmp = flags & VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP;
    vkQemuState *st;
    vkQemuDomain *obj;
    int rc = -1;

    vkCheckFlags(VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, -1);
    *result = NULL;
    /* QEMU takes one descriptor per message and gives none back. */
    if (ninfiles > 1) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "at most 1 fd can be passed to qemu along with a command");
        return -1;
    }
    if (ninfiles && hmp) {
        vkReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      "fd passing is not supported with HMP commands");
        return -1;
    }
    if (noutfiles)
        *noutfiles = 0;
    if (outfiles)
        *outfiles = NULL;

    if (!(obj = vkQemuDomainGet(dom, &st)))
        return -1;
    vkQemuDomainRef(obj);
    if (vkQemuBeginJob(st, obj) < 0)
        goto nojob;
    if (!vkQemuCheckActive(obj))
        goto out;
    if (hmp)
        rc = runHmp(st, obj, cmd, result);
    else
        rc = vkQemuDomainMonitorRaw(st, obj, cmd, ninfiles ? infiles[0] : -1, result);
 out:
    vkQemuEndJob(st, obj);
 nojob:
    g_mutex_unlock(&st->lock);
    vkQemuDomainUnref(obj);
    return rc;
}

int
vkQemuDomainQemuMonitorCommand(virDomainPtr dom, const char *cmd, char **result,
                               unsigned int flags)
{
    return vkQemuDomainQemuMonitorCommandWithFiles(dom, cmd, 0, NULL, NULL, NULL, result,
                                                   flags);
}

/* Monitor events: the registrations live in the driver's event state
 * (src/core/qemu-monitor-event.c), and every QMP event of a running
 * domain is queued there with QEMU's timestamp and its data as compact
 * JSON; the registry's name filter decides who hears it. */
int
vkQemuConnectDomainQemuMonitorEventRegister(virConnectPtr conn, virDomainPtr dom,
                                            const char *event,
                                            virConnectDomainQemuMonitorEventCallback cb,
                                            void *opaque, virFreeCallback freecb,
                                            unsigned int flags)
{
    return vkQemuMonitorEventRegister(vkStateOf(conn)->events, conn, dom, event, cb, opaque,
                                      freecb, flags);
}

int
vkQemuConnectDomainQemuMonitorEventDeregister(virConnectPtr conn, int callbackID)
{
    return vkQemuMonitorEventDeregister(vkStateOf(conn)->events, conn, callbackID);
}

void
vkQemuMonitorEventForward(vkQemuState *st, vkQemuDomain *obj, vkQemuMonitor *mon,
                          const char *name, vkJSON *data)
{
    g_autofree char *details = data ? vkJSONFormat(data) : NULL;
    long long seconds;
    unsigned int micros;

    vkQemuMonitorEventTime(mon, &seconds, &micros);
    vkQemuMonitorEventQueue(st->events, obj->name, obj->uuid, obj->id, name, seconds, micros,
                            details);
}

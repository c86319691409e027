/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain events a QEMU guest raises beyond its lifecycle: each QMP
 * event that has a libvirt counterpart mapped to that event's arguments,
 * and the JOB_COMPLETED the driver sends itself when a save, dump or
 * outgoing migration finished (its figures are query-migrate's last).
 *
 * The mapping is a pure function of the QMP event and the domain's live
 * definition (vkQemuEventMap, tested from data); queueing is the caller's.
 */
#include <string.h>

#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-events.h"

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"

static int
indexOf(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static bool
boolMember(const vkJSON *data, const char *key)
{
    bool b = false;
    vkJSON *j = data ? vkJSONObjectGet(data, key) : NULL;

    if (j)
        vkJSONGetBool(j, &b);
    return b;
}

static long long
intMember(const vkJSON *data, const char *key, bool *found)
{
    long long v = 0;
    vkJSON *j = data ? vkJSONObjectGet(data, key) : NULL;

    *found = j && vkJSONGetInt64(j, &v) == 0;
    return v;
}

/* QMP's WatchdogAction, in virDomainEventWatchdogAction's order where both
 * have it; QEMU's "debug" and "inject-nmi" are libvirt's DEBUG and
 * INJECTNMI, "reset" and "pause" swap places. */
static int
watchdogAction(const char *action)
{
    static const char *const qmp[] = {
        "none", "pause", "reset", "poweroff", "shutdown", "debug", "inject-nmi", NULL,
    };
    int i = indexOf(qmp, action);

    return i < 0 ? VIR_DOMAIN_EVENT_WATCHDOG_NONE : i;
}

bool
vkQemuEventMap(const char *name, const vkJSON *data, vkQemuEvent *out)
{
    bool found;

    memset(out, 0, sizeof(*out));
    if (strcmp(name, "DEVICE_TRAY_MOVED") == 0) {
        /* "id" is the device's QEMU id, which is its libvirt alias */
        out->eventID = VIR_DOMAIN_EVENT_ID_TRAY_CHANGE;
        out->str = vkJSONObjectGetString(data, "id");
        out->num = boolMember(data, "tray-open") ? VIR_DOMAIN_EVENT_TRAY_CHANGE_OPEN :
                   VIR_DOMAIN_EVENT_TRAY_CHANGE_CLOSE;
        return out->str && *out->str;
    }
    if (strcmp(name, "SUSPEND") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_PMSUSPEND;
        return true;
    }
    if (strcmp(name, "SUSPEND_DISK") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK;
        return true;
    }
    if (strcmp(name, "WAKEUP") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_PMWAKEUP;
        return true;
    }
    if (strcmp(name, "BALLOON_CHANGE") == 0) {
        /* QEMU counts bytes, libvirt KiB */
        out->eventID = VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE;
        out->num = intMember(data, "actual", &found) / 1024;
        return found && out->num >= 0;
    }
    if (strcmp(name, "MIGRATION_PASS") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION;
        out->num = intMember(data, "pass", &found);
        return found;
    }
    if (strcmp(name, "DEVICE_UNPLUG_GUEST_ERROR") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED;
        out->str = vkJSONObjectGetString(data, "device");
        return out->str && *out->str;
    }
    if (strcmp(name, "RTC_CHANGE") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_RTC_CHANGE;
        out->num = intMember(data, "offset", &found);
        return found;
    }
    if (strcmp(name, "WATCHDOG") == 0) {
        out->eventID = VIR_DOMAIN_EVENT_ID_WATCHDOG;
        out->num = watchdogAction(vkJSONObjectGetString(data, "action"));
        return true;
    }
    if (strcmp(name, "MEMORY_FAILURE") == 0) {
        static const char *const recipients[] = { "hypervisor", "guest", NULL };
        static const char *const actions[] = { "ignore", "inject", "fatal", "reset", NULL };
        vkJSON *flags = data ? vkJSONObjectGet(data, "flags") : NULL;

        out->eventID = VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE;
        out->num = indexOf(recipients, vkJSONObjectGetString(data, "recipient"));
        out->num2 = indexOf(actions, vkJSONObjectGetString(data, "action"));
        if (boolMember(flags, "action-required"))
            out->flags |= VIR_DOMAIN_MEMORY_FAILURE_ACTION_REQUIRED;
        if (boolMember(flags, "recursive"))
            out->flags |= VIR_DOMAIN_MEMORY_FAILURE_RECURSIVE;
        return out->num >= 0 && out->num2 >= 0;
    }
    return false;
}

bool
vkQemuEventForward(vkQemuState *st, vkQemuDomain *obj, const char *name, const vkJSON *data)
{
    vkEventState *ev = st->events;
    vkQemuEvent e;

    if (!vkQemuEventMap(name, data, &e))
        return false;
    switch (e.eventID) {
    case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE:
        vkDomainEventQueueTrayChange(ev, obj->name, obj->uuid, obj->id, e.str, e.num);
        break;
    case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE:
        vkDomainEventQueueBalloonChange(ev, obj->name, obj->uuid, obj->id, e.num);
        break;
    case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED:
        vkDomainEventQueueDevice(ev, obj->name, obj->uuid, obj->id, e.eventID, e.str);
        break;
    case VIR_DOMAIN_EVENT_ID_RTC_CHANGE:
        vkDomainEventQueueRTCChange(ev, obj->name, obj->uuid, obj->id, e.num);
        break;
    case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE:
        vkDomainEventQueueMemoryFailure(ev, obj->name, obj->uuid, obj->id, e.num, e.num2,
                                        e.flags);
        break;
    default:
        /* PM*, MIGRATION_ITERATION, WATCHDOG: one int */
        vkDomainEventQueueInt(ev, obj->name, obj->uuid, obj->id, e.eventID, e.num);
        break;
    }
    return true;
}

int
vkQemuJobCompletedParams(const vkJSON *migrate, int operation, virTypedParameterPtr *params,
                         int *nparams)
{
    const vkJSON *ram = migrate ? vkJSONObjectGet(migrate, "ram") : NULL;
    bool found;
    long long total = intMember(ram, "total", &found);
    long long done = intMember(ram, "transferred", &found);
    long long left = intMember(ram, "remaining", &found);
    vkJSON *mbpsJ = ram ? vkJSONObjectGet(ram, "mbps") : NULL;
    double mbps = 0;
    long long downtime = intMember(migrate, "downtime", &found);
    bool hasDowntime = found;
    const struct { const char *name; long long value; } figures[] = {
        { VIR_DOMAIN_JOB_TIME_ELAPSED, intMember(migrate, "total-time", &found) },
        { VIR_DOMAIN_JOB_DATA_TOTAL, total },
        { VIR_DOMAIN_JOB_DATA_PROCESSED, done },
        { VIR_DOMAIN_JOB_DATA_REMAINING, left },
        { VIR_DOMAIN_JOB_MEMORY_TOTAL, total },
        { VIR_DOMAIN_JOB_MEMORY_PROCESSED, done },
        { VIR_DOMAIN_JOB_MEMORY_REMAINING, left },
        { VIR_DOMAIN_JOB_MEMORY_BPS, (mbpsJ && vkJSONGetDouble(mbpsJ, &mbps) == 0) ?
                                     (long long)(mbps * 1000000 / 8) : 0 },
    };
    int max = 0;
    int rc;

    *params = NULL;
    *nparams = 0;
    rc = virTypedParamsAddInt(params, nparams, &max, VIR_DOMAIN_JOB_OPERATION, operation);
    for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(figures); i++)
        rc = virTypedParamsAddULLong(params, nparams, &max, figures[i].name,
                                     figures[i].value < 0 ? 0 : figures[i].value);
    if (rc == 0 && hasDowntime)
        rc = virTypedParamsAddULLong(params, nparams, &max, VIR_DOMAIN_JOB_DOWNTIME,
                                     downtime < 0 ? 0 : downtime);
    if (rc < 0) {
        virTypedParamsFree(*params, *nparams);
        *params = NULL;
        *nparams = 0;
    }
    return rc;
}

void
vkQemuEmitJobCompleted(vkQemuState *st, vkQemuDomain *obj, int operation)
{
    g_autoptr(vkJSON) ret = NULL;
    virTypedParameterPtr params = NULL;
    int nparams = 0;

    /* The job's figures are worth an event only if QEMU still has them;
     * a failed query must not fail the job that did succeed. */
    if (vkQemuDomainMonitorCommand(st, obj, "query-migrate", NULL, &ret) < 0) {
        vkErrorReset();
        return;
    }
    if (vkQemuJobCompletedParams(ret, operation, &params, &nparams) < 0) {
        vkErrorReset();
        return;
    }
    vkDomainEventQueueParams(st->events, obj->name, obj->uuid, obj->id,
                             VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, params, nparams);
    virTypedParamsFree(params, nparams);
}

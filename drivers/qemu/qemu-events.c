/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain events a QEMU guest raises beyond its lifecycle: each QMP
 * event that has a libvirt counterpart mapped to that event's arguments,
 * and the JOB_COMPLETED the driver sends itself when a save, dump or
 * outgoing migration finished (its figures are query-migrate's last).
 *
 * The mapping is a pure function of the QMP event (vkQemuEventMap, tested
 * from data); queueing is the caller's.  DISK_CHANGE comes from the start
 * itself: a source its startupPolicy lets be missing, and missing.
 */
#include <string.h>

#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-events.h"
#include "drivers/qemu/qemu-blockdev.h"

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

/* query-migrate's members as libvirt's job statistics: where each one is
 * (in "ram" or at the top) and its QMP name.  The bandwidth, a float in
 * Mbit/s, is converted apart. */
static const struct {
    const char *field;
    bool inRam;
    const char *key;
} jobFigures[] = {
    { VIR_DOMAIN_JOB_TIME_ELAPSED, false, "total-time" },
    { VIR_DOMAIN_JOB_DOWNTIME, false, "downtime" },
    { VIR_DOMAIN_JOB_SETUP_TIME, false, "setup-time" },
    { VIR_DOMAIN_JOB_DATA_TOTAL, true, "total" },
    { VIR_DOMAIN_JOB_DATA_PROCESSED, true, "transferred" },
    { VIR_DOMAIN_JOB_DATA_REMAINING, true, "remaining" },
    { VIR_DOMAIN_JOB_MEMORY_TOTAL, true, "total" },
    { VIR_DOMAIN_JOB_MEMORY_PROCESSED, true, "transferred" },
    { VIR_DOMAIN_JOB_MEMORY_REMAINING, true, "remaining" },
    { VIR_DOMAIN_JOB_MEMORY_BPS, true, "mbps" },
    { VIR_DOMAIN_JOB_MEMORY_CONSTANT, true, "duplicate" },
    { VIR_DOMAIN_JOB_MEMORY_NORMAL, true, "normal" },
    { VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES, true, "normal-bytes" },
    { VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, true, "dirty-pages-rate" },
    { VIR_DOMAIN_JOB_MEMORY_ITERATION, true, "dirty-sync-count" },
    { VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS, true, "postcopy-requests" },
    { VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, true, "page-size" },
};

int
vkQemuJobCompletedParams(const vkJSON *migrate, int operation, virTypedParameterPtr *params,
                         int *nparams)
{
    const vkJSON *ram = migrate ? vkJSONObjectGet(migrate, "ram") : NULL;
    int max = 0;
    int rc;

    *params = NULL;
    *nparams = 0;
    rc = virTypedParamsAddInt(params, nparams, &max, VIR_DOMAIN_JOB_OPERATION, operation);
    for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(jobFigures); i++) {
        const vkJSON *from = jobFigures[i].inRam ? ram : migrate;
        vkJSON *j = from ? vkJSONObjectGet(from, jobFigures[i].key) : NULL;
        long long v = 0;
        double mbps = 0;

        if (!j)
            continue;       /* QEMU gives what the migration had */
        if (strcmp(jobFigures[i].key, "mbps") == 0) {
            if (vkJSONGetDouble(j, &mbps) < 0)
                continue;
            v = (long long)(mbps * 1000000 / 8);
            if (v <= 0)
                continue;   /* libvirt names the rate only when there is one */
        } else if (vkJSONGetInt64(j, &v) < 0) {
            continue;
        }
        rc = virTypedParamsAddULLong(params, nparams, &max, jobFigures[i].field,
                                     v < 0 ? 0 : v);
    }
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

static void
missingFree(void *p)
{
    vkQemuMissingSource *m = p;

    g_free(m->dst);
    g_free(m->src);
    g_free(m->alias);
    g_free(m);
}

/* The test the command line builder makes too (command-disk.c): any
 * policy but mandatory lets a file that is not there be dropped. */
static bool
sourceMissing(const vkDomainDiskDef *d)
{
    const char *policy = d->srcRest ? vkXmlElemGetAttr(d->srcRest, "startupPolicy") : NULL;

    return policy && strcmp(policy, "mandatory") != 0 && d->src &&
           d->type == VK_DOMAIN_DISK_TYPE_FILE && !g_file_test(d->src, G_FILE_TEST_EXISTS);
}

/* Drops the source of disks[i], or the disk itself. */
static void
dropSource(GPtrArray *disks, guint i)
{
    vkDomainDiskDef *d = disks->pdata[i];

    if (d->device == VK_DOMAIN_DISK_DEVICE_DISK) {
        g_ptr_array_remove_index(disks, i);     /* frees d */
        return;
    }
    g_clear_pointer(&d->src, g_free);
    g_clear_pointer(&d->srcRest, vkXmlElemFree);
}

GPtrArray *
vkQemuDropMissingSources(vkDomainDef *def)
{
    GPtrArray *dropped = g_ptr_array_new_with_free_func(missingFree);
    GPtrArray *disks = def->priv ? def->priv->devs[VK_DOMAIN_DEVICE_DISK] : NULL;

    for (guint i = disks ? disks->len : 0; i-- > 0;) {
        vkDomainDiskDef *d = disks->pdata[i];
        vkQemuMissingSource *m;

        if (!sourceMissing(d))
            continue;
        m = g_new0(vkQemuMissingSource, 1);
        m->dst = g_strdup(d->dst);
        m->src = g_strdup(d->src);
        m->alias = vkQemuDiskAlias(def, d);
        m->reason = d->device == VK_DOMAIN_DISK_DEVICE_DISK ?
                    VIR_DOMAIN_EVENT_DISK_DROP_MISSING_ON_START :
                    VIR_DOMAIN_EVENT_DISK_CHANGE_MISSING_ON_START;
        g_ptr_array_add(dropped, m);
        dropSource(disks, i);
    }
    return dropped;
}

void
vkQemuApplyMissingSources(vkQemuState *st, vkQemuDomain *obj, GPtrArray *dropped)
{
    GPtrArray *disks = obj->def->priv ? obj->def->priv->devs[VK_DOMAIN_DEVICE_DISK] : NULL;

    for (guint i = 0; dropped && i < dropped->len; i++) {
        const vkQemuMissingSource *m = dropped->pdata[i];

        for (guint j = 0; disks && j < disks->len; j++) {
            if (strcmp(((vkDomainDiskDef *)disks->pdata[j])->dst, m->dst) == 0) {
                dropSource(disks, j);
                break;
            }
        }
        vkDomainEventQueueDiskChange(st->events, obj->name, obj->uuid, obj->id, m->src, NULL,
                                     m->alias, m->reason);
    }
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* commands-event.c: `event` — wait for domain events and print each as virsh
 * does (`event 'lifecycle' for domain 'test': Stopped Destroyed`). The shell
 * registered the default event loop before connecting; this command only
 * registers callbacks and lets vkshEventLoop (commands-objevent.c) turn the
 * loop until an event (or, with --loop, a timeout or Ctrl-C) ends the wait. */
#include <string.h>

#include "vksh.h"

#define NAME_OF(table, i) \
    ((i) >= 0 && (size_t)(i) < G_N_ELEMENTS(table) ? (table)[i] : "unknown")

/* Lifecycle event names and their details, by libvirt's enum values. */
static const char *const lifecycleEvents[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped",
    "Shutdown", "PMSuspended", "Crashed",
};
static const char *const detailDefined[] = { "Added", "Updated", "Renamed", "Snapshot" };
static const char *const detailUndefined[] = { "Removed", "Renamed" };
static const char *const detailStarted[] = {
    "Booted", "Migrated", "Restored", "Snapshot", "Event wakeup",
};
static const char *const detailSuspended[] = {
    "Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot",
    "API error", "Post-copy", "Post-copy Error",
};
static const char *const detailResumed[] = {
    "Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error",
};
static const char *const detailStopped[] = {
    "Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed", "Snapshot",
};
static const char *const detailShutdown[] = {
    "Finished", "Finished after guest request", "Finished after host request",
};
static const char *const detailPMSuspended[] = { "Memory", "Disk" };
static const char *const detailCrashed[] = { "Panicked", "Crashloaded" };

static const char *
lifecycleDetail(int event, int detail)
{
    switch (event) {
    case 0: return NAME_OF(detailDefined, detail);
    case 1: return NAME_OF(detailUndefined, detail);
    case 2: return NAME_OF(detailStarted, detail);
    case 3: return NAME_OF(detailSuspended, detail);
    case 4: return NAME_OF(detailResumed, detail);
    case 5: return NAME_OF(detailStopped, detail);
    case 6: return NAME_OF(detailShutdown, detail);
    case 7: return NAME_OF(detailPMSuspended, detail);
    case 8: return NAME_OF(detailCrashed, detail);
    default: return "unknown";
    }
}

static int
onLifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    vkshEventPrint(opaque, "event 'lifecycle' for domain '%s': %s %s\n",
               virDomainGetName(dom), NAME_OF(lifecycleEvents, event),
               lifecycleDetail(event, detail));
    return 0;
}

static void
onReboot(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    vkshEventPrint(opaque, "event 'reboot' for domain '%s'\n", virDomainGetName(dom));
}

static void
onControlError(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    vkshEventPrint(opaque, "event 'control-error' for domain '%s'\n", virDomainGetName(dom));
}

static void
onRTCChange(virConnectPtr conn, virDomainPtr dom, long long offset, void *opaque)
{
    vkshEventPrint(opaque, "event 'rtc-change' for domain '%s': %lld\n",
               virDomainGetName(dom), offset);
}

static void
onWatchdog(virConnectPtr conn, virDomainPtr dom, int action, void *opaque)
{
    static const char *const actions[] = { "none", "pause", "reset", "poweroff",
                                           "shutdown", "debug", "inject-nmi" };

    vkshEventPrint(opaque, "event 'watchdog' for domain '%s': %s\n",
               virDomainGetName(dom), NAME_OF(actions, action));
}

static const char *const ioActions[] = { "none", "pause", "report" };

static void
onIOError(virConnectPtr conn, virDomainPtr dom, const char *path,
          const char *alias, int action, void *opaque)
{
    vkshEventPrint(opaque, "event 'io-error' for domain '%s': %s (%s) %s\n",
               virDomainGetName(dom), path, alias, NAME_OF(ioActions, action));
}

static void
onIOErrorReason(virConnectPtr conn, virDomainPtr dom, const char *path,
                const char *alias, int action, const char *reason, void *opaque)
{
    vkshEventPrint(opaque, "event 'io-error-reason' for domain '%s': %s (%s) %s due to %s\n",
               virDomainGetName(dom), path, alias, NAME_OF(ioActions, action), reason);
}

static const char *const jobTypes[] = {
    "Unknown", "Block Pull", "Block Copy", "Block Commit", "Active Block Commit",
    "Backup",
};
static const char *const jobStatus[] = { "completed", "failed", "canceled", "ready" };

static void
onBlockJob(virConnectPtr conn, virDomainPtr dom, const char *disk, int type,
           int status, void *opaque)
{
    vkshEventPrint(opaque, "event 'block-job' for domain '%s': %s for %s %s\n",
               virDomainGetName(dom), NAME_OF(jobTypes, type), disk,
               NAME_OF(jobStatus, status));
}

static void
onBlockJob2(virConnectPtr conn, virDomainPtr dom, const char *disk, int type,
            int status, void *opaque)
{
    vkshEventPrint(opaque, "event 'block-job-2' for domain '%s': %s for %s %s\n",
               virDomainGetName(dom), NAME_OF(jobTypes, type), disk,
               NAME_OF(jobStatus, status));
}

static void
onDiskChange(virConnectPtr conn, virDomainPtr dom, const char *oldPath,
             const char *newPath, const char *alias, int reason, void *opaque)
{
    static const char *const reasons[] = { "start", "dropped" };

    vkshEventPrint(opaque, "event 'disk-change' for domain '%s' disk %s: %s -> %s: %s\n",
               virDomainGetName(dom), alias, oldPath ? oldPath : "",
               newPath ? newPath : "", NAME_OF(reasons, reason));
}

static void
onTrayChange(virConnectPtr conn, virDomainPtr dom, const char *alias, int reason,
             void *opaque)
{
    static const char *const reasons[] = { "opened", "closed" };

    vkshEventPrint(opaque, "event 'tray-change' for domain '%s' disk %s: %s\n",
               virDomainGetName(dom), alias, NAME_OF(reasons, reason));
}

static void
onPMWakeup(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    vkshEventPrint(opaque, "event 'pm-wakeup' for domain '%s'\n", virDomainGetName(dom));
}

static void
onPMSuspend(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    vkshEventPrint(opaque, "event 'pm-suspend' for domain '%s'\n", virDomainGetName(dom));
}

static void
onPMSuspendDisk(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
    vkshEventPrint(opaque, "event 'pm-suspend-disk' for domain '%s'\n",
               virDomainGetName(dom));
}

static void
onBalloonChange(virConnectPtr conn, virDomainPtr dom, unsigned long long actual,
                void *opaque)
{
    vkshEventPrint(opaque, "event 'balloon-change' for domain '%s': %lluKiB\n",
               virDomainGetName(dom), actual);
}

static void
onDeviceRemoved(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
    vkshEventPrint(opaque, "event 'device-removed' for domain '%s': %s\n",
               virDomainGetName(dom), alias);
}

static void
onDeviceAdded(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
    vkshEventPrint(opaque, "event 'device-added' for domain '%s': %s\n",
               virDomainGetName(dom), alias);
}

static void
onDeviceRemovalFailed(virConnectPtr conn, virDomainPtr dom, const char *alias,
                      void *opaque)
{
    vkshEventPrint(opaque, "event 'device-removal-failed' for domain '%s': %s\n",
               virDomainGetName(dom), alias);
}

static void
onAgentLifecycle(virConnectPtr conn, virDomainPtr dom, int state, int reason,
                 void *opaque)
{
    static const char *const states[] = { "unknown", "connected", "disconnected" };
    static const char *const reasons[] = { "unknown", "domain started", "channel event" };

    vkshEventPrint(opaque, "event 'agent-lifecycle' for domain '%s': state: '%s' reason: '%s'\n",
               virDomainGetName(dom), NAME_OF(states, state), NAME_OF(reasons, reason));
}

static void
onMigrationIteration(virConnectPtr conn, virDomainPtr dom, int iteration, void *opaque)
{
    vkshEventPrint(opaque, "event 'migration-iteration' for domain '%s': iteration: '%d'\n",
               virDomainGetName(dom), iteration);
}

static void
onMetadataChange(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
                 void *opaque)
{
    static const char *const types[] = { "description", "title", "element" };

    vkshEventPrint(opaque, "event 'metadata-change' for domain '%s': type %s, uri %s\n",
               virDomainGetName(dom), NAME_OF(types, type), nsuri ? nsuri : "n/a");
}

static void
onBlockThreshold(virConnectPtr conn, virDomainPtr dom, const char *dev,
                 const char *path, unsigned long long threshold,
                 unsigned long long excess, void *opaque)
{
    vkshEventPrint(opaque, "event 'block-threshold' for domain '%s': dev: %s(%s) %llu %llu\n",
               virDomainGetName(dom), dev, path ? path : "", threshold, excess);
}

/* The API takes every callback as the generic type and calls it with the
 * event's own signature; that cast is the documented contract. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

/* Every event id, in libvirt's numbering; a NULL callback means the shell
 * cannot print that event yet. */
static const struct {
    const char *name;
    virConnectDomainEventGenericCallback cb;
} eventTypes[] = {
    { "lifecycle", VIR_DOMAIN_EVENT_CALLBACK(onLifecycle) },
    { "reboot", onReboot },
    { "rtc-change", VIR_DOMAIN_EVENT_CALLBACK(onRTCChange) },
    { "watchdog", VIR_DOMAIN_EVENT_CALLBACK(onWatchdog) },
    { "io-error", VIR_DOMAIN_EVENT_CALLBACK(onIOError) },
    { "graphics", NULL },
    { "io-error-reason", VIR_DOMAIN_EVENT_CALLBACK(onIOErrorReason) },
    { "control-error", onControlError },
    { "block-job", VIR_DOMAIN_EVENT_CALLBACK(onBlockJob) },
    { "disk-change", VIR_DOMAIN_EVENT_CALLBACK(onDiskChange) },
    { "tray-change", VIR_DOMAIN_EVENT_CALLBACK(onTrayChange) },
    { "pm-wakeup", VIR_DOMAIN_EVENT_CALLBACK(onPMWakeup) },
    { "pm-suspend", VIR_DOMAIN_EVENT_CALLBACK(onPMSuspend) },
    { "balloon-change", VIR_DOMAIN_EVENT_CALLBACK(onBalloonChange) },
    { "pm-suspend-disk", VIR_DOMAIN_EVENT_CALLBACK(onPMSuspendDisk) },
    { "device-removed", VIR_DOMAIN_EVENT_CALLBACK(onDeviceRemoved) },
    { "block-job-2", VIR_DOMAIN_EVENT_CALLBACK(onBlockJob2) },
    { "tunable", NULL },
    { "agent-lifecycle", VIR_DOMAIN_EVENT_CALLBACK(onAgentLifecycle) },
    { "device-added", VIR_DOMAIN_EVENT_CALLBACK(onDeviceAdded) },
    { "migration-iteration", VIR_DOMAIN_EVENT_CALLBACK(onMigrationIteration) },
    { "job-completed", NULL },
    { "device-removal-failed", VIR_DOMAIN_EVENT_CALLBACK(onDeviceRemovalFailed) },
    { "metadata-change", VIR_DOMAIN_EVENT_CALLBACK(onMetadataChange) },
    { "block-threshold", VIR_DOMAIN_EVENT_CALLBACK(onBlockThreshold) },
    { "memory-failure", NULL },
    { "memory-device-size-change", NULL },
};

static const vkshOptDef optsEvent[] = {
    { "domain", VKSH_OT_STRING, 0, "only events of this domain (name, id or uuid)" },
    { "event", VKSH_OT_STRING, 0, "the event type to wait for" },
    { "all", VKSH_OT_BOOL, 0, "wait for events of every type" },
    { "loop", VKSH_OT_BOOL, 0, "keep waiting after the first event" },
    { "timeout", VKSH_OT_INT, 0, "stop waiting after this many seconds" },
    { "list", VKSH_OT_BOOL, 0, "list the event types" },
    { "timestamp", VKSH_OT_BOOL, 0, "prefix each event with the time it arrived" },
    { NULL, 0, 0, NULL },
};

static bool
cmdEvent(vkshCtl *ctl, const vkshCmd *cmd)
{
    const char *eventName = vkshOptString(cmd, "event");
    const char *domName = vkshOptString(cmd, "domain");
    vkshEventWait w = { ctl, vkshOptBool(cmd, "loop"), vkshOptBool(cmd, "timestamp"),
                        false, false, 0 };
    int ids[G_N_ELEMENTS(eventTypes)];
    g_autoptr(virDomain) dom = NULL;
    int timeout = 0;
    size_t registered = 0;
    bool ok = false;

    if (vkshOptBool(cmd, "list")) {
        for (size_t i = 0; i < G_N_ELEMENTS(eventTypes); i++)
            vkshPrint(ctl, "%s\n", eventTypes[i].name);
        return true;
    }
    if (!eventName && !vkshOptBool(cmd, "all")) {
        vkshError(ctl, "one of --list, --all, or --event <type> is required");
        return false;
    }
    if (!vkshOptExclusive(ctl, cmd, "all", "event"))
        return false;
    if (!vkshEventTimeout(ctl, cmd, &timeout))
        return false;
    if (domName && !(dom = vkshLookupDomain(ctl, domName, VKSH_BYANY)))
        return false;

    for (size_t i = 0; i < G_N_ELEMENTS(eventTypes); i++)
        ids[i] = -1;
    for (size_t i = 0; i < G_N_ELEMENTS(eventTypes); i++) {
        if (eventName && strcmp(eventName, eventTypes[i].name) != 0)
            continue;
        if (!eventTypes[i].cb) {
            if (eventName) {
                vkshError(ctl, "event type '%s' is not supported by this shell", eventName);
                goto cleanup;
            }
            continue;
        }
        ids[i] = virConnectDomainEventRegisterAny(ctl->conn, dom, (int)i,
                                                  eventTypes[i].cb, &w, NULL);
        if (ids[i] < 0) {
            /* With --all, a driver lacking some event type is no failure. */
            if (eventName) {
                vkshSaveLibError(ctl);
                goto cleanup;
            }
            vkshResetLibError(ctl);
            continue;
        }
        registered++;
    }
    if (eventName && registered == 0) {
        vkshError(ctl, "unknown event type %s", eventName);
        goto cleanup;
    }
    if (registered == 0) {
        vkshError(ctl, "no event type could be registered");
        goto cleanup;
    }

    ok = vkshEventLoop(ctl, &w, timeout);

 cleanup:
    for (size_t i = 0; i < G_N_ELEMENTS(eventTypes); i++) {
        if (ids[i] >= 0)
            virConnectDomainEventDeregisterAny(ctl->conn, ids[i]);
    }
    return ok;
}

static const vkshCmdDef cmdDefEvent = {
    "event", cmdEvent, optsEvent, "Domain Events",
    "Lists the event types, or waits for domain events and prints them.", 0,
};

const vkshCmdDef *const vkshEventCmds[] = {
    &cmdDefEvent,
    NULL,
};

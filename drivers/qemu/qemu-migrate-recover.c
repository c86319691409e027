/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A daemon restarted in the middle of a migration: the QEMU it reattached
 * to was one end of it (the status file says which, and how far), and
 * nobody will send the steps that would have ended it.  Resolved as
 * libvirt resolves its own phases:
 *
 * - "in": the incoming QEMU of a Prepare whose Finish never came here;
 *   the source gets an error for the Finish it asked for (and runs the
 *   guest again in Confirm), so this half goes;
 * - "out": Perform had not returned; its caller got an error, so the
 *   destination was told to drop its half (Finish cancelled, or the
 *   connection of a peer-to-peer Prepare closed): the migration is
 *   cancelled and the guest runs here again, even when QEMU had sent
 *   everything;
 * - "out-done": Perform succeeded and Confirm never came; whether the
 *   destination's Finish ran the guest cannot be known here, so it stays
 *   paused (migration) for someone who can (libvirt leaves it so too) -
 *   except after post-copy, where it is marked as the failed half.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "drivers/qemu/qemu-migrate.h"

/* How long the cancel of the migration may take, in polls of 100 ms. */
#define CANCEL_POLLS 100

static bool
active(const char *status)
{
    return status && (strcmp(status, "setup") == 0 || strcmp(status, "active") == 0 ||
                      strcmp(status, "cancelling") == 0 ||
                      strcmp(status, "pre-switchover") == 0 ||
                      strcmp(status, "device") == 0 || strcmp(status, "wait-unplug") == 0);
}

/* QEMU's migration status, a copy, or NULL (error reset). */
static char *
migrationStatus(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkJSON) ret = NULL;

    if (vkQemuDomainMonitorCommand(st, obj, "query-migrate", NULL, &ret) < 0) {
        vkErrorReset();
        return NULL;
    }
    return g_strdup(vkJSONObjectGetString(ret, "status"));
}

/* The storage mirrors of Perform (qemu-migrate-nbd.c) go with it. */
static void
cancelMirrors(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkJSON) jobs = NULL;

    if (vkQemuDomainMonitorCommand(st, obj, "query-block-jobs", NULL, &jobs) < 0) {
        vkErrorReset();
        return;
    }
    for (size_t i = 0; obj->run && i < vkJSONArraySize(jobs); i++) {
        const char *id = vkJSONObjectGetString(vkJSONArrayGet(jobs, i), "device");
        vkJSON *args;

        if (!id || !g_str_has_prefix(id, "vk-migrate-"))
            continue;
        args = vkJSONNewObject();
        vkJSONObjectAppendString(args, "device", id);
        vkJSONObjectAppendBool(args, "force", true);
        if (vkQemuDomainMonitorCommand(st, obj, "block-job-cancel", args, NULL) < 0)
            vkErrorReset();
    }
}

/* "out": the migration is cancelled and the guest runs again. */
static void
resumeOut(vkQemuState *st, vkQemuDomain *obj)
{
    g_autoptr(vkJSON) ret = NULL;
    g_autofree char *status = NULL;
    bool running = false;

    if (vkQemuDomainMonitorCommand(st, obj, "migrate_cancel", NULL, NULL) < 0)
        vkErrorReset();
    cancelMirrors(st, obj);
    for (int i = 0; i < CANCEL_POLLS && obj->run; i++) {
        g_free(status);
        if (!active(status = migrationStatus(st, obj)))
            break;
        g_cond_wait_until(&st->jobCond, &st->lock,
                          g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND);
    }
    if (!obj->run)
        return;
    if (g_strcmp0(status, "postcopy-active") == 0 ||
        obj->reason == VIR_DOMAIN_PAUSED_POSTCOPY) {
        /* the guest's newest memory is on the destination */
        vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);
        return;
    }
    if (vkQemuDomainMonitorCommand(st, obj, "query-status", NULL, &ret) == 0)
        vkJSONGetBool(vkJSONObjectGet(ret, "running"), &running);
    vkErrorReset();
    /* QEMU restarts the CPUs of a cancelled migration itself, unless it
     * had completed */
    if (!running && vkQemuDomainMonitorCommand(st, obj, "cont", NULL, NULL) < 0) {
        g_warning("QEMU driver: cannot resume domain '%s' after its migration: %s",
                  obj->name, vkErrorGetLast() ? vkErrorGetLast()->message : "");
        vkErrorReset();
        return;
    }
    vkQemuSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
    vkQemuEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
}

void
vkQemuMigrateRecover(vkQemuState *st, vkQemuDomain *obj, const char *phase)
{
    if (!phase)
        return;
    g_mutex_lock(&st->lock);
    if (vkQemuBeginJob(st, obj) < 0) {
        vkErrorReset();
        g_mutex_unlock(&st->lock);
        return;
    }
    obj->mig.dir = VK_QEMU_MIG_NONE;
    obj->mig.performed = false;
    if (!obj->run) {
        /* gone meanwhile: its exit was handled */
    } else if (strcmp(phase, "in") == 0) {
        g_warning("QEMU driver: incoming migration of domain '%s' never finished: "
                  "killing its QEMU", obj->name);
        vkQemuMigrateKill(st, obj, VIR_DOMAIN_SHUTOFF_FAILED, VIR_DOMAIN_EVENT_STOPPED_FAILED);
    } else if (strcmp(phase, "out") == 0) {
        g_warning("QEMU driver: outgoing migration of domain '%s' was cut short: "
                  "cancelling it", obj->name);
        resumeOut(st, obj);
    } else {
        g_warning("QEMU driver: domain '%s' was migrated but not confirmed: left paused",
                  obj->name);
        if (obj->reason == VIR_DOMAIN_PAUSED_POSTCOPY)
            vkQemuSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);
    }
    if (obj->run && vkQemuWriteStatus(st, obj) < 0)
        vkErrorReset();
    vkQemuEndJob(st, obj);
    g_mutex_unlock(&st->lock);
}

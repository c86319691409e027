/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain lifecycle in the test driver: define/undefine, start, stop,
 * pause, reboot.
 *
 * Nothing runs, so every transition is immediate: a shutdown request shuts
 * the domain off before the call returns, as in libvirt's test driver.  What
 * matters is that each transition checks the same preconditions, reports
 * the same errors and queues the same lifecycle events (event and detail
 * numbers) as libvirt, because that is what programs under test observe.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "drivers/test/test-private.h"

virDomainPtr
vkTestDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkTestState *st = vkTestConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkTestDomain *obj;
    virDomainPtr dom;
    bool wasPersistent;

    vkCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    if ((flags & VIR_DOMAIN_DEFINE_VALIDATE) && vkDomainXMLValidate(xml) < 0)
        return NULL;
    if (!(def = vkTestParseDef(xml, VK_DOMAIN_PARSE_INACTIVE)))
        return NULL;

    g_mutex_lock(&st->lock);
    if (!(obj = vkTestDomainAdd(st, &def, false, &wasPersistent))) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_DEFINED,
                        wasPersistent ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                                        VIR_DOMAIN_EVENT_DEFINED_ADDED);
    dom = vkTestMakeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    return dom;
}

virDomainPtr
vkTestDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vkTestDomainDefineXMLFlags(conn, xml, 0);
}

int
vkTestDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    /* libvirt's test driver takes only these two (no NVRAM, TPM or
     * checkpoint metadata flags) */
    VK_TEST_CHECK_FLAGS("testDomainUndefineFlags", VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                        VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA, flags);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;

    if (obj->managedSaveXML && !(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "Refusing to undefine while domain managed save image exists");
        return -1;
    }
    if (obj->id < 0 && vkTestDomainSnapshotCount(obj) > 0 &&
        !(flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
        int n = vkTestDomainSnapshotCount(obj);
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "cannot delete inactive domain with %d snapshots", n);
        return -1;
    }
    g_clear_pointer(&obj->managedSaveXML, g_free);

    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_UNDEFINED,
                        VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    if (obj->id >= 0) {
        /* A running domain keeps running, now transient. */
        obj->persistent = false;
        obj->autostart = false;
        obj->updated = false;
        g_clear_pointer(&obj->newDef, vkDomainDefFree);
    } else {
        vkTestDomainRemove(st, obj);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainUndefine(virDomainPtr dom)
{
    return vkTestDomainUndefineFlags(dom, 0);
}

/* Start obj (shut off) from its definition and queue the events. */
static int
startBooted(vkTestState *st, vkTestDomain *obj, bool paused)
{
    if (vkTestDomainStart(st, obj, VIR_DOMAIN_RUNNING_BOOTED) < 0)
        return -1;
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused) {
        vkTestDomainSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED,
                            VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    return 0;
}

virDomainPtr
vkTestDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkTestState *st = vkTestConnState(conn);
    g_autoptr(vkDomainDef) def = NULL;
    vkTestDomain *obj;
    virDomainPtr dom = NULL;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_BYPASS_CACHE |
                 VIR_DOMAIN_START_VALIDATE, NULL);
    if ((flags & VIR_DOMAIN_START_VALIDATE) && vkDomainXMLValidate(xml) < 0)
        return NULL;
    if (!(def = vkTestParseDef(xml, 0)))
        return NULL;

    g_mutex_lock(&st->lock);
    if (!(obj = vkTestDomainAdd(st, &def, true, NULL)))
        goto cleanup;
    if (startBooted(st, obj, flags & VIR_DOMAIN_START_PAUSED) < 0) {
        if (!obj->persistent)
            vkTestDomainRemove(st, obj);
        goto cleanup;
    }
    dom = vkTestMakeHandle(conn, obj);

 cleanup:
    g_mutex_unlock(&st->lock);
    return dom;
}

int
vkTestDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;
    bool paused = flags & VIR_DOMAIN_START_PAUSED;
    int ret;

    vkCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_BYPASS_CACHE |
                 VIR_DOMAIN_START_FORCE_BOOT | VIR_DOMAIN_START_VALIDATE, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->state != VIR_DOMAIN_SHUTOFF) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "Domain '%s' is already running", dom->name);
        return -1;
    }
    if (flags & VIR_DOMAIN_START_FORCE_BOOT)
        g_clear_pointer(&obj->managedSaveXML, g_free);

    if (obj->managedSaveXML)
        ret = vkTestDomainStartManagedSave(st, obj, paused);
    else
        ret = startBooted(st, obj, paused);
    if (ret == 0)
        dom->id = obj->id;
    g_mutex_unlock(&st->lock);
    return ret;
}

/* As libvirt's test driver: the descriptors are accepted and left to the
 * caller, since nothing in a test domain could read them. */
virDomainPtr
vkTestDomainCreateXMLWithFiles(virConnectPtr conn, const char *xml, unsigned int nfiles,
                               int *files, unsigned int flags)
{
    (void)nfiles;
    (void)files;
    return vkTestDomainCreateXML(conn, xml, flags);
}

int
vkTestDomainCreateWithFiles(virDomainPtr dom, unsigned int nfiles, int *files,
                            unsigned int flags)
{
    (void)nfiles;
    (void)files;
    return vkTestDomainCreateWithFlags(dom, flags);
}

int
vkTestDomainCreate(virDomainPtr dom)
{
    return vkTestDomainCreateWithFlags(dom, 0);
}

int
vkTestDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL | VIR_DOMAIN_DESTROY_REMOVE_LOGS, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_DESTROYED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    dom->id = -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainDestroy(virDomainPtr dom)
{
    return vkTestDomainDestroyFlags(dom, 0);
}

int
vkTestDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    vkTestState *st;
    vkTestDomain *obj;

    vkCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN | VIR_DOMAIN_SHUTDOWN_GUEST_AGENT |
                 VIR_DOMAIN_SHUTDOWN_INITCTL | VIR_DOMAIN_SHUTDOWN_SIGNAL |
                 VIR_DOMAIN_SHUTDOWN_PARAVIRT, -1);
    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->state == VIR_DOMAIN_SHUTOFF) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "domain '%s' not running", dom->name);
        return -1;
    }
    /* The guest "obeys" at once. */
    vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    dom->id = -1;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainShutdown(virDomainPtr dom)
{
    return vkTestDomainShutdownFlags(dom, 0);
}

/* A guest reset or reboot: <on_reboot>destroy</on_reboot> turns it into a
 * shutdown, anything else restarts the guest in place. */
static int
rebootDomain(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (!vkTestCheckActive(obj)) {
        g_mutex_unlock(&st->lock);
        return -1;
    }
    if (st->events)
        vkDomainEventQueueReboot(st->events, obj->name, obj->uuid, obj->id);
    if (obj->def->onReboot == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY) {
        vkTestDomainStop(st, obj, VIR_DOMAIN_SHUTOFF_SHUTDOWN,
                         VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        dom->id = -1;
    } else {
        vkTestDomainSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainReboot(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(VIR_DOMAIN_REBOOT_ACPI_POWER_BTN | VIR_DOMAIN_REBOOT_GUEST_AGENT |
                 VIR_DOMAIN_REBOOT_INITCTL | VIR_DOMAIN_REBOOT_SIGNAL |
                 VIR_DOMAIN_REBOOT_PARAVIRT, -1);
    return rebootDomain(dom);
}

int
vkTestDomainReset(virDomainPtr dom, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return rebootDomain(dom);
}

int
vkTestDomainSuspend(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->state != VIR_DOMAIN_RUNNING) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "domain '%s' not running", dom->name);
        return -1;
    }
    vkTestDomainSetState(obj, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestDomainResume(virDomainPtr dom)
{
    vkTestState *st;
    vkTestDomain *obj;

    if (!(obj = vkTestDomainGet(dom, &st)))
        return -1;
    if (obj->state != VIR_DOMAIN_PAUSED) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "domain '%s' not paused", dom->name);
        return -1;
    }
    vkTestDomainSetState(obj, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
    vkTestEmitLifecycle(st, obj, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    g_mutex_unlock(&st->lock);
    return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU driver: its table, connection open/close, and the per-root
 * state with the domain objects every other file works on.
 *
 * The idea: one vkQemuState per root directory, found through a
 * process-wide table, owns the domains, a private GLib main context run
 * by its own thread (QMP sockets and pidfds are watched there, so guests
 * are followed even when the application runs no event loop), and the
 * event fan-out to applications.  Domain objects are reference counted
 * because a call that waits on QEMU keeps using one after dropping the
 * state lock, while an exit notification may remove it meanwhile.
 */
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_QEMU
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-driver.h"

static GMutex statesLock;
static GHashTable *states;   /* root -> vkQemuState */

vkQemuState *
vkQemuConnState(virConnectPtr conn)
{
    return conn->privateData;
}

vkQemuDomain *
vkQemuDomainRef(vkQemuDomain *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
vkQemuDomainUnref(vkQemuDomain *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    vkDomainDefFree(obj->def);
    vkDomainDefFree(obj->newDef);
    g_free(obj->name);
    g_free(obj);
}

vkQemuDomain *
vkQemuDomainFindByUUID(vkQemuState *st, const unsigned char *uuid)
{
    for (GList *l = st->order.head; l; l = l->next) {
        vkQemuDomain *obj = l->data;

        if (memcmp(obj->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

vkQemuDomain *
vkQemuDomainGet(virDomainPtr dom, vkQemuState **stp)
{
    vkQemuState *st = dom->conn->privateData;
    vkQemuDomain *obj;

    g_mutex_lock(&st->lock);
    obj = vkQemuDomainFindByUUID(st, dom->uuid);
    if (!obj) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        g_mutex_unlock(&st->lock);
        vkUUIDFormat(dom->uuid, uuidstr);
        vkReportError(VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                      uuidstr, dom->name);
        return NULL;
    }
    *stp = st;
    return obj;
}

virDomainPtr
vkQemuMakeHandle(virConnectPtr conn, vkQemuDomain *obj)
{
    return vkGetDomain(conn, obj->name, obj->uuid, obj->id);
}

void
vkQemuEmitLifecycle(vkQemuState *st, vkQemuDomain *obj, int event, int detail)
{
    vkDomainEventQueueLifecycle(st->events, obj->name, obj->uuid, obj->id, event, detail);
}

bool
vkQemuCheckActive(vkQemuDomain *obj)
{
    if (obj->id >= 0)
        return true;
    vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", obj->name);
    return false;
}

void
vkQemuBeginJob(vkQemuState *st, vkQemuDomain *obj)
{
    while (obj->job)
        g_cond_wait(&st->jobCond, &st->lock);
    obj->job = true;
}

void
vkQemuEndJob(vkQemuState *st, vkQemuDomain *obj)
{
    obj->job = false;
    g_cond_broadcast(&st->jobCond);
}

vkQemuDomain *
vkQemuDomainAdd(vkQemuState *st, vkDomainDef **defp, bool live, bool *wasPersistent)
{
    vkDomainDef *def = *defp;
    vkQemuDomain *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (wasPersistent)
        *wasPersistent = false;
    obj = vkQemuDomainFindByUUID(st, def->uuid);
    if (obj) {
        if (strcmp(obj->name, def->name) != 0) {
            vkUUIDFormat(obj->uuid, uuidstr);
            vkReportError(VIR_ERR_OPERATION_FAILED,
                          "domain '%s' is already defined with uuid %s", obj->name, uuidstr);
            return NULL;
        }
        if (live) {
            if (obj->id >= 0 || obj->job) {
                vkReportError(VIR_ERR_OPERATION_INVALID,
                              "domain '%s' is already active", obj->name);
                return NULL;
            }
            if (obj->persistent) {
                vkDomainDefFree(obj->newDef);
                obj->newDef = obj->def;
            } else {
                vkDomainDefFree(obj->def);
            }
            obj->def = g_steal_pointer(defp);
            return obj;
        }
        if (wasPersistent)
            *wasPersistent = obj->persistent;
        if (obj->id >= 0) {
            vkDomainDefFree(obj->newDef);
            obj->newDef = g_steal_pointer(defp);
        } else {
            vkDomainDefFree(obj->def);
            obj->def = g_steal_pointer(defp);
        }
        obj->persistent = true;
        return obj;
    }
    obj = g_hash_table_lookup(st->byName, def->name);
    if (obj) {
        vkUUIDFormat(obj->uuid, uuidstr);
        vkReportError(VIR_ERR_OPERATION_FAILED, "domain '%s' already exists with uuid %s",
                      obj->name, uuidstr);
        return NULL;
    }
    obj = g_new0(vkQemuDomain, 1);
    obj->refs = 1;
    obj->name = g_strdup(def->name);
    memcpy(obj->uuid, def->uuid, VIR_UUID_BUFLEN);
    obj->id = -1;
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    obj->persistent = !live;
    obj->def = g_steal_pointer(defp);
    obj->def->id = -1;
    g_hash_table_insert(st->byName, obj->name, obj);
    g_queue_push_tail(&st->order, obj);
    return obj;
}

void
vkQemuDomainRemove(vkQemuState *st, vkQemuDomain *obj)
{
    obj->removed = true;
    g_queue_remove(&st->order, obj);
    g_hash_table_remove(st->byName, obj->name);   /* drops the table's ref */
}

static gpointer
loopThread(gpointer opaque)
{
    vkQemuState *st = opaque;

    g_main_context_push_thread_default(st->ctx);
    g_main_loop_run(st->loop);
    g_main_context_pop_thread_default(st->ctx);
    return NULL;
}

static void
stateFree(vkQemuState *st)
{
    if (st->loop) {
        g_mutex_lock(&st->lock);
        vkQemuDetachAll(st);
        g_mutex_unlock(&st->lock);
        g_main_loop_quit(st->loop);
        g_thread_join(st->thread);
        /* Run what the loop had left (deferred frees of watch data). */
        while (g_main_context_pending(st->ctx))
            g_main_context_iteration(st->ctx, FALSE);
        g_main_loop_unref(st->loop);
        g_main_context_unref(st->ctx);
    }
    g_queue_clear(&st->order);
    g_hash_table_destroy(st->byName);
    vkQemuCapsFree(st->caps);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->root);
    g_free(st->configDir);
    g_free(st->runDir);
    g_free(st->logDir);
    g_mutex_clear(&st->lock);
    g_cond_clear(&st->jobCond);
    g_free(st);
}

static vkQemuState *
stateNew(const char *root)
{
    vkQemuState *st = g_new0(vkQemuState, 1);
    const char *dirs[3];

    g_mutex_init(&st->lock);
    g_cond_init(&st->jobCond);
    st->refs = 1;
    st->root = g_strdup(root);
    st->configDir = g_build_filename(root, "etc", NULL);
    st->runDir = g_build_filename(root, "run", NULL);
    st->logDir = g_build_filename(root, "log", NULL);
    st->byName = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)vkQemuDomainUnref);
    g_queue_init(&st->order);
    st->nextId = 1;
    st->events = vkEventStateNew();

    dirs[0] = st->configDir;
    dirs[1] = st->runDir;
    dirs[2] = st->logDir;
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0700) < 0) {
            vkReportSystemError(errno, "cannot create QEMU driver directory '%s'", dirs[i]);
            stateFree(st);
            return NULL;
        }
    }
    if (vkQemuLoadConfigs(st) < 0) {
        stateFree(st);
        return NULL;
    }
    st->ctx = g_main_context_new();
    st->loop = g_main_loop_new(st->ctx, FALSE);
    st->thread = g_thread_new("vk-qemu-events", loopThread, st);
    return st;
}

static vkDrvOpenStatus
qemuConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const char *root;
    g_autofree char *canon = NULL;
    vkQemuState *st;

    if (!uri || !uri->scheme || strcmp(uri->scheme, "qemu") != 0 ||
        (uri->server && *uri->server) || uri->transport ||
        !uri->path || strcmp(uri->path, "/embed") != 0)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);

    root = vkURIGetParam(uri, "root");
    if (!root || root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "qemu:///embed needs an absolute root directory "
                      "(qemu:///embed?root=/path), not '%s'", root ? root : "");
        return VK_DRV_OPEN_ERROR;
    }
    canon = g_canonicalize_filename(root, "/");

    g_mutex_lock(&statesLock);
    if (!states)
        states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    st = g_hash_table_lookup(states, canon);
    if (st) {
        g_mutex_lock(&st->lock);
        st->refs++;
        g_mutex_unlock(&st->lock);
    } else {
        if (!(st = stateNew(canon))) {
            g_mutex_unlock(&statesLock);
            return VK_DRV_OPEN_ERROR;
        }
        g_hash_table_insert(states, g_strdup(canon), st);
    }
    g_mutex_unlock(&statesLock);
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

static int
qemuConnectClose(virConnectPtr conn)
{
    vkQemuState *st = conn->privateData;
    bool last;

    if (!st)
        return 0;
    vkEventStateRemoveConnect(st->events, conn);
    conn->privateData = NULL;

    g_mutex_lock(&statesLock);
    g_mutex_lock(&st->lock);
    last = --st->refs == 0;
    g_mutex_unlock(&st->lock);
    if (last)
        g_hash_table_remove(states, st->root);
    g_mutex_unlock(&statesLock);
    /* Guests still running stay running: their status files under
     * ROOT/run describe them for a later reattach. */
    if (last)
        stateFree(st);
    return 0;
}

static int
qemuConnectIsAlive(virConnectPtr conn)
{
    return 1;
}

static int
qemuConnectIsSecure(virConnectPtr conn)
{
    return 1;
}

static int
qemuConnectIsEncrypted(virConnectPtr conn)
{
    return 0;
}

static int
qemuEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                  void *opaque, virFreeCallback freecb)
{
    return vkDomainEventRegister(vkQemuConnState(conn)->events, conn, cb, opaque, freecb);
}

static int
qemuEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    return vkDomainEventDeregister(vkQemuConnState(conn)->events, conn, cb);
}

static int
qemuEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                     virConnectDomainEventGenericCallback cb, void *opaque,
                     virFreeCallback freecb)
{
    return vkDomainEventRegisterAny(vkQemuConnState(conn)->events, conn, dom, eventID,
                                    cb, opaque, freecb);
}

static int
qemuEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkDomainEventDeregisterAny(vkQemuConnState(conn)->events, conn, callbackID);
}

static virHypervisorDriver qemuHypervisorDriver = {
    .name = "QEMU",
    .connectOpen = qemuConnectOpen,
    .connectClose = qemuConnectClose,

    .connectGetType = vkQemuConnectGetType,
    .connectGetVersion = vkQemuConnectGetVersion,
    .connectGetHostname = vkQemuConnectGetHostname,
    .connectGetCapabilities = vkQemuConnectGetCapabilities,
    .connectIsAlive = qemuConnectIsAlive,
    .connectIsSecure = qemuConnectIsSecure,
    .connectIsEncrypted = qemuConnectIsEncrypted,
    .nodeGetInfo = vkQemuNodeGetInfo,

    .connectListAllDomains = vkQemuConnectListAllDomains,
    .connectListDomains = vkQemuConnectListDomains,
    .connectNumOfDomains = vkQemuConnectNumOfDomains,
    .connectListDefinedDomains = vkQemuConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkQemuConnectNumOfDefinedDomains,
    .domainLookupByID = vkQemuDomainLookupByID,
    .domainLookupByUUID = vkQemuDomainLookupByUUID,
    .domainLookupByName = vkQemuDomainLookupByName,
    .domainGetInfo = vkQemuDomainGetInfo,
    .domainGetState = vkQemuDomainGetState,
    .domainGetXMLDesc = vkQemuDomainGetXMLDesc,
    .domainGetOSType = vkQemuDomainGetOSType,
    .domainGetMaxMemory = vkQemuDomainGetMaxMemory,
    .domainIsActive = vkQemuDomainIsActive,
    .domainIsPersistent = vkQemuDomainIsPersistent,
    .domainDefineXML = vkQemuDomainDefineXML,
    .domainDefineXMLFlags = vkQemuDomainDefineXMLFlags,
    .domainUndefine = vkQemuDomainUndefine,
    .domainUndefineFlags = vkQemuDomainUndefineFlags,

    .domainCreateXML = vkQemuDomainCreateXML,
    .domainCreate = vkQemuDomainCreate,
    .domainCreateWithFlags = vkQemuDomainCreateWithFlags,
    .domainDestroy = vkQemuDomainDestroy,
    .domainDestroyFlags = vkQemuDomainDestroyFlags,
    .domainShutdown = vkQemuDomainShutdown,
    .domainShutdownFlags = vkQemuDomainShutdownFlags,
    .domainReboot = vkQemuDomainReboot,
    .domainReset = vkQemuDomainReset,
    .domainSuspend = vkQemuDomainSuspend,
    .domainResume = vkQemuDomainResume,

    .connectDomainEventRegister = qemuEventRegister,
    .connectDomainEventDeregister = qemuEventDeregister,
    .connectDomainEventRegisterAny = qemuEventRegisterAny,
    .connectDomainEventDeregisterAny = qemuEventDeregisterAny,
};

static const char *const qemuUriSchemes[] = { "qemu", NULL };

static const vkConnectDriver qemuConnectDriver = {
    .name = "QEMU",
    .uriSchemes = qemuUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &qemuHypervisorDriver,
};

int
vkQemuDriverRegister(void)
{
    return vkRegisterConnectDriver(&qemuConnectDriver);
}

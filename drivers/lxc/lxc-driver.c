/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LXC driver: its table, connection open/close, and the per-root
 * state with the domain objects every other file works on.
 *
 * Shaped like the QEMU driver on purpose (same state-per-root, same
 * private event thread); the container specifics live in
 * drivers/container (definition view, state machine, cgroups) and
 * lxc-process.c (namespaces).
 *
 * The idea: one vkLxcState per root directory, found through a
 * process-wide table, owns the domains and a private GLib main context run
 * by its own thread, where every supervisor's pidfd is watched, so a
 * container's end is noticed even when the application runs no loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_LXC
#include "util/error.h"
#include "drivers/lxc/lxc-private.h"
#include "drivers/lxc/lxc-driver.h"

static GMutex statesLock;
static GHashTable *states;   /* root -> vkLxcState */

vkLxcState *
vkLxcConnState(virConnectPtr conn)
{
    return conn->privateData;
}

vkLxcDomain *
vkLxcDomainRef(vkLxcDomain *obj)
{
    g_atomic_int_inc(&obj->refs);
    return obj;
}

void
vkLxcDomainUnref(vkLxcDomain *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->refs))
        return;
    vkDomainDefFree(obj->def);
    vkDomainDefFree(obj->newDef);
    g_free(obj->name);
    g_free(obj);
}

vkLxcDomain *
vkLxcDomainGet(virDomainPtr dom, vkLxcState **stp)
{
    vkLxcState *st = dom->conn->privateData;
    vkLxcDomain *obj;

    g_mutex_lock(&st->lock);
    if (!(obj = vkDomainListFindHandle(&st->domains, dom))) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    *stp = st;
    return obj;
}

virDomainPtr
vkLxcMakeHandle(virConnectPtr conn, vkLxcDomain *obj)
{
    return vkGetDomain(conn, obj->name, obj->uuid, obj->id);
}

void
vkLxcEmitLifecycle(vkLxcState *st, vkLxcDomain *obj, int event, int detail)
{
    vkDomainEventQueueLifecycle(st->events, obj->name, obj->uuid, obj->id, event, detail);
}

bool
vkLxcCheckActive(vkLxcDomain *obj)
{
    if (obj->id >= 0)
        return true;
    vkReportError(VIR_ERR_OPERATION_INVALID, "domain '%s' is not running", obj->name);
    return false;
}

static void *
domainAlloc(void)
{
    vkLxcDomain *obj = g_new0(vkLxcDomain, 1);

    obj->refs = 1;
    return obj;
}

static const vkDomainObjOps domainOps =
    VK_DOMAIN_OBJ_OPS(vkLxcDomain, domainAlloc, vkLxcDomainUnref, NULL);

static void
stateFree(vkLxcState *st)
{
    if (st->evthread) {
        g_mutex_lock(&st->lock);
        vkLxcDetachAll(st);
        g_mutex_unlock(&st->lock);
        vkEventThreadFree(st->evthread);
    }
    vkDomainListClear(&st->domains);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->root);
    g_free(st->configDir);
    g_free(st->runDir);
    g_free(st->logDir);
    g_free(st->saveDir);
    g_free(st->autostartDir);
    g_mutex_clear(&st->lock);
    g_free(st->cgroupBase);
    g_free(st);
}

/* The directories of a state: ROOT/{etc,run,log,save} for an embedded
 * root, the system locations for lxc:///system. */
typedef struct {
    const char *key;
    char *configDir, *runDir, *logDir, *saveDir;
} stateDirs;

static void
stateDirsForRoot(stateDirs *d, const char *root)
{
    d->configDir = g_build_filename(root, "etc", NULL);
    d->runDir = g_build_filename(root, "run", NULL);
    d->logDir = g_build_filename(root, "log", NULL);
    d->saveDir = g_build_filename(root, "save", NULL);
}

static vkLxcState *
stateNew(stateDirs *d, bool privileged)
{
    vkLxcState *st = g_new0(vkLxcState, 1);

    g_mutex_init(&st->lock);
    st->refs = 1;
    st->privileged = privileged;
    st->root = g_strdup(d->key);
    st->configDir = g_steal_pointer(&d->configDir);
    st->runDir = g_steal_pointer(&d->runDir);
    st->logDir = g_steal_pointer(&d->logDir);
    st->saveDir = g_steal_pointer(&d->saveDir);
    st->autostartDir = g_build_filename(st->configDir, "autostart", NULL);
    vkDomainListInit(&st->domains, &domainOps, VIR_FROM_LXC, &st->lock);
    st->events = vkEventStateNew();

    /* Created at the first define or start (vkLxcEnsureDirs): a daemon
     * that never runs a container leaves the host's /etc and /run alone. */
    {
        /* keyed by the files' place, so two daemons on different roots
         * never share a group */
        g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                             st->configDir, -1);

        sum[12] = '\0';
        st->cgroupBase = g_strdup_printf("virtkit/lxc-%s", sum);
    }
    if (vkLxcLoadConfigs(st) < 0) {
        stateFree(st);
        return NULL;
    }
    st->evthread = vkEventThreadNew("vk-lxc-events");
    st->ctx = vkEventThreadContext(st->evthread);
    g_mutex_lock(&st->lock);
    vkLxcReattachAll(st);
    g_mutex_unlock(&st->lock);
    return st;
}

int
vkLxcEnsureDirs(vkLxcState *st)
{
    const char *dirs[] = { st->configDir, st->runDir, st->logDir };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0700) < 0) {
            vkReportSystemError(errno, "cannot create LXC driver directory '%s'", dirs[i]);
            return -1;
        }
    }
    return 0;
}

/* Finds or creates the state for d->key, taking a reference; under
 * statesLock.  Consumes d's strings. */
static vkLxcState *
stateAcquire(stateDirs *d, bool privileged)
{
    vkLxcState *st;

    if (!states)
        states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    st = g_hash_table_lookup(states, d->key);
    if (st) {
        g_mutex_lock(&st->lock);
        st->refs++;
        g_mutex_unlock(&st->lock);
    } else if ((st = stateNew(d, privileged))) {
        g_hash_table_insert(states, g_strdup(d->key), st);
    }
    g_free(d->configDir);
    g_free(d->runDir);
    g_free(d->logDir);
    g_free(d->saveDir);
    return st;
}

#define SYSTEM_KEY "lxc:///system"
static bool systemAllowed;
static char *systemRoot;

int
vkLxcDriverSetPrivileged(const char *root)
{
    stateDirs d = { .key = SYSTEM_KEY };
    const char *env = g_getenv("VIRTKIT_LXC_ROOT");
    vkLxcState *st;

    if (!root && env && *env)
        root = env;
    if (root && root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the LXC driver's root must be an absolute path, not '%s'", root);
        return -1;
    }
    g_mutex_lock(&statesLock);
    if (systemAllowed) {
        g_mutex_unlock(&statesLock);
        return 0;
    }
    g_free(systemRoot);
    systemRoot = root ? g_canonicalize_filename(root, "/") : NULL;
    if (systemRoot) {
        stateDirsForRoot(&d, systemRoot);
    } else {
        d.configDir = g_strdup("/etc/virtkit/lxc");
        d.runDir = g_strdup("/run/virtkit/lxc");
        d.logDir = g_strdup("/var/log/virtkit/lxc");
        d.saveDir = g_strdup("/var/lib/virtkit/lxc/save");
    }
    /* Created now, not at the first client: guests are reattached and
     * autostarted when the daemon starts.  This reference is the
     * daemon's, never dropped. */
    st = stateAcquire(&d, true);
    systemAllowed = st != NULL;
    g_mutex_unlock(&statesLock);
    return st ? 0 : -1;
}

static vkDrvOpenStatus
lxcConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const char *root;
    g_autofree char *canon = NULL;
    stateDirs d = { 0 };
    vkLxcState *st;

    if (!uri || !uri->scheme || strcmp(uri->scheme, "lxc") != 0 ||
        (uri->server && *uri->server) || uri->transport || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    if (strcmp(uri->path, "/system") == 0) {
        /* Only inside virtkitd; elsewhere the remote driver takes it. */
        vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);
        g_mutex_lock(&statesLock);
        st = systemAllowed ? g_hash_table_lookup(states, SYSTEM_KEY) : NULL;
        if (st) {
            g_mutex_lock(&st->lock);
            st->refs++;
            g_mutex_unlock(&st->lock);
        }
        g_mutex_unlock(&statesLock);
        if (!st)
            return VK_DRV_OPEN_DECLINED;
        conn->privateData = st;
        return VK_DRV_OPEN_SUCCESS;
    }
    if (strcmp(uri->path, "/embed") != 0)
        return VK_DRV_OPEN_DECLINED;
    vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);

    root = vkURIGetParam(uri, "root");
    if (!root || root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "lxc:///embed needs an absolute root directory "
                      "(lxc:///embed?root=/path), not '%s'", root ? root : "");
        return VK_DRV_OPEN_ERROR;
    }
    canon = g_canonicalize_filename(root, "/");

    g_mutex_lock(&statesLock);
    if (systemRoot && strcmp(canon, systemRoot) == 0) {
        g_mutex_unlock(&statesLock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "root '%s' is in use by lxc:///system in this process", canon);
        return VK_DRV_OPEN_ERROR;
    }
    d.key = canon;
    stateDirsForRoot(&d, canon);
    st = stateAcquire(&d, false);
    g_mutex_unlock(&statesLock);
    if (!st)
        return VK_DRV_OPEN_ERROR;
    conn->privateData = st;
    return VK_DRV_OPEN_SUCCESS;
}

static int
lxcConnectClose(virConnectPtr conn)
{
    vkLxcState *st = conn->privateData;
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
lxcConnectIsAlive(virConnectPtr conn)
{
    return 1;
}

static int
lxcConnectIsSecure(virConnectPtr conn)
{
    return 1;
}

static int
lxcConnectIsEncrypted(virConnectPtr conn)
{
    return 0;
}

static int
lxcEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                  void *opaque, virFreeCallback freecb)
{
    return vkDomainEventRegister(vkLxcConnState(conn)->events, conn, cb, opaque, freecb);
}

static int
lxcEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    return vkDomainEventDeregister(vkLxcConnState(conn)->events, conn, cb);
}

static int
lxcEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                     virConnectDomainEventGenericCallback cb, void *opaque,
                     virFreeCallback freecb)
{
    return vkDomainEventRegisterAny(vkLxcConnState(conn)->events, conn, dom, eventID,
                                    cb, opaque, freecb);
}

static int
lxcEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkDomainEventDeregisterAny(vkLxcConnState(conn)->events, conn, callbackID);
}

static const char *
lxcConnectGetType(virConnectPtr conn)
{
    return "LXC";
}

static int
lxcConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    struct utsname u;
    unsigned int maj = 0, min = 0, mic = 0;

    /* libvirt's LXC driver reports the host kernel's version */
    if (uname(&u) < 0 || sscanf(u.release, "%u.%u.%u", &maj, &min, &mic) < 2) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "cannot parse the kernel version");
        return -1;
    }
    *hvVer = maj * 1000000UL + min * 1000UL + mic;
    return 0;
}

static char *
lxcConnectGetHostname(virConnectPtr conn)
{
    return g_strdup(g_get_host_name());
}

bool
vkLxcSetState(vkLxcState *st, vkLxcDomain *obj, vkContainerState to, vkContainerWhy why)
{
    vkContainerTransition t;

    if (!vkContainerStateTransition(obj->cstate, to, why, &t)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "container '%s' cannot go from %s to %s",
                      obj->name, vkContainerStateName(obj->cstate), vkContainerStateName(to));
        return false;
    }
    obj->cstate = to;
    obj->state = t.state;
    obj->reason = t.reason;
    if (t.event >= 0)
        vkLxcEmitLifecycle(st, obj, t.event, t.detail);
    return true;
}

vkDomainDef *
vkLxcParseDef(const char *xml, unsigned int flags)
{
    g_autoptr(vkDomainDef) def = vkDomainDefParseString(xml, "lxc", flags);
    g_autoptr(vkContainerDef) cdef = NULL;

    if (!def)
        return NULL;
    if (!(cdef = vkContainerDefFromDomain(def)))
        return NULL;
    return g_steal_pointer(&def);
}

static virHypervisorDriver lxcHypervisorDriver = {
    .name = "LXC",
    .connectOpen = lxcConnectOpen,
    .connectClose = lxcConnectClose,

    .connectGetType = lxcConnectGetType,
    .connectGetVersion = lxcConnectGetVersion,
    .connectGetHostname = lxcConnectGetHostname,
    .connectIsAlive = lxcConnectIsAlive,
    .connectIsSecure = lxcConnectIsSecure,
    .connectIsEncrypted = lxcConnectIsEncrypted,

    .connectListAllDomains = vkLxcConnectListAllDomains,
    .connectListDomains = vkLxcConnectListDomains,
    .connectNumOfDomains = vkLxcConnectNumOfDomains,
    .connectListDefinedDomains = vkLxcConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vkLxcConnectNumOfDefinedDomains,
    .domainLookupByID = vkLxcDomainLookupByID,
    .domainLookupByUUID = vkLxcDomainLookupByUUID,
    .domainLookupByName = vkLxcDomainLookupByName,
    .domainGetInfo = vkLxcDomainGetInfo,
    .domainGetState = vkLxcDomainGetState,
    .domainGetXMLDesc = vkLxcDomainGetXMLDesc,
    .domainGetOSType = vkLxcDomainGetOSType,
    .domainGetMaxMemory = vkLxcDomainGetMaxMemory,
    .domainIsActive = vkLxcDomainIsActive,
    .domainIsPersistent = vkLxcDomainIsPersistent,
    .domainDefineXML = vkLxcDomainDefineXML,
    .domainDefineXMLFlags = vkLxcDomainDefineXMLFlags,
    .domainUndefine = vkLxcDomainUndefine,
    .domainUndefineFlags = vkLxcDomainUndefineFlags,

    .domainCreateXML = vkLxcDomainCreateXML,
    .domainCreate = vkLxcDomainCreate,
    .domainCreateWithFlags = vkLxcDomainCreateWithFlags,
    .domainDestroy = vkLxcDomainDestroy,
    .domainDestroyFlags = vkLxcDomainDestroyFlags,
    .domainShutdown = vkLxcDomainShutdown,
    .domainShutdownFlags = vkLxcDomainShutdownFlags,
    .domainSuspend = vkLxcDomainSuspend,
    .domainResume = vkLxcDomainResume,
    .domainReboot = vkLxcDomainReboot,
    .domainOpenConsole = vkLxcDomainOpenConsole,

    .connectDomainEventRegister = lxcEventRegister,
    .connectDomainEventDeregister = lxcEventDeregister,
    .connectDomainEventRegisterAny = lxcEventRegisterAny,
    .connectDomainEventDeregisterAny = lxcEventDeregisterAny,
};

static const char *const lxcUriSchemes[] = { "lxc", NULL };

static const vkConnectDriver lxcConnectDriver = {
    .features = VK_CONNECT_FEATURE_HOST_SERVICES,
    .name = "LXC",
    .uriSchemes = lxcUriSchemes,
    .localOnly = true,
    .hypervisorDriver = &lxcHypervisorDriver,
};

int
vkLxcDriverRegister(void)
{
    return vkRegisterConnectDriver(&lxcConnectDriver);
}

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
#include "drivers/qemu/qemu-private.h"
#include "drivers/qemu/qemu-driver.h"
#include "drivers/qemu/qemu-console.h"

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
vkQemuDomainGet(virDomainPtr dom, vkQemuState **stp)
{
    vkQemuState *st = dom->conn->privateData;
    vkQemuDomain *obj;

    g_mutex_lock(&st->lock);
    if (!(obj = vkDomainListFindHandle(&st->domains, dom))) {
        g_mutex_unlock(&st->lock);
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

static void *
domainAlloc(void)
{
    vkQemuDomain *obj = g_new0(vkQemuDomain, 1);

    obj->refs = 1;
    return obj;
}

/* A domain whose QEMU is being started takes no new live definition. */
static bool
domainBusy(const void *obj)
{
    return ((const vkQemuDomain *)obj)->job;
}

static const vkDomainObjOps domainOps =
    VK_DOMAIN_OBJ_OPS(vkQemuDomain, domainAlloc, vkQemuDomainUnref, domainBusy);

static void
stateFree(vkQemuState *st)
{
    if (st->evthread) {
        g_mutex_lock(&st->lock);
        vkQemuDetachAll(st);
        g_mutex_unlock(&st->lock);
        vkEventThreadFree(st->evthread);
    }
    vkDomainListClear(&st->domains);
    vkQemuCapsFree(st->caps);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->root);
    g_free(st->configDir);
    g_free(st->runDir);
    g_free(st->logDir);
    g_free(st->saveDir);
    g_free(st->autostartDir);
    g_mutex_clear(&st->lock);
    g_cond_clear(&st->jobCond);
    g_free(st);
}

/* The directories of a state: ROOT/{etc,run,log,save} for an embedded
 * root, the system locations for qemu:///system. */
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

static vkQemuState *
stateNew(stateDirs *d, bool privileged)
{
    vkQemuState *st = g_new0(vkQemuState, 1);
    const char *dirs[4];

    g_mutex_init(&st->lock);
    g_cond_init(&st->jobCond);
    st->refs = 1;
    st->privileged = privileged;
    st->root = g_strdup(d->key);
    st->configDir = g_steal_pointer(&d->configDir);
    st->runDir = g_steal_pointer(&d->runDir);
    st->logDir = g_steal_pointer(&d->logDir);
    st->saveDir = g_steal_pointer(&d->saveDir);
    st->autostartDir = g_build_filename(st->configDir, "autostart", NULL);
    vkDomainListInit(&st->domains, &domainOps, VIR_FROM_QEMU, &st->lock);
    st->events = vkEventStateNew();

    dirs[0] = st->configDir;
    dirs[1] = st->runDir;
    dirs[2] = st->logDir;
    dirs[3] = st->saveDir;
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
    st->evthread = vkEventThreadNew("vk-qemu-events");
    st->ctx = vkEventThreadContext(st->evthread);
    /* Guests a previous owner of this root left running come first, so
     * autostart does not start a second copy of one. */
    vkQemuReattachAll(st);
    if (privileged)
        vkQemuAutostartAll(st);
    return st;
}

/* Finds or creates the state for d->key, taking a reference; under
 * statesLock.  Consumes d's strings. */
static vkQemuState *
stateAcquire(stateDirs *d, bool privileged)
{
    vkQemuState *st;

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

#define SYSTEM_KEY "qemu:///system"
static bool systemAllowed;
static char *systemRoot;     /* NULL: the system directories */

static void
systemDirs(stateDirs *d)
{
    d->key = SYSTEM_KEY;
    if (systemRoot) {
        stateDirsForRoot(d, systemRoot);
    } else {
        d->configDir = g_strdup("/etc/virtkit/qemu");
        d->runDir = g_strdup("/run/virtkit/qemu");
        d->logDir = g_strdup("/var/log/virtkit/qemu");
        d->saveDir = g_strdup("/var/lib/virtkit/qemu/save");
    }
}

/* The qemu:///system state, created on first need with one reference
 * that is the daemon's and never dropped; under statesLock. */
static vkQemuState *
systemState(void)
{
    stateDirs d = { 0 };
    vkQemuState *st = states ? g_hash_table_lookup(states, SYSTEM_KEY) : NULL;

    if (st || !systemAllowed)
        return st;
    systemDirs(&d);
    return stateAcquire(&d, true);
}

int
vkQemuDriverSetPrivileged(const char *root)
{
    const char *env = g_getenv("VIRTKIT_QEMU_ROOT");
    stateDirs d = { 0 };
    bool used;
    int ret = 0;

    if (!root && env && *env)
        root = env;
    if (root && root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the QEMU driver's root must be an absolute path, not '%s'", root);
        return -1;
    }
    g_mutex_lock(&statesLock);
    if (systemAllowed) {
        g_mutex_unlock(&statesLock);
        return 0;
    }
    systemRoot = root ? g_canonicalize_filename(root, "/") : NULL;
    systemAllowed = true;
    /* Guests to reattach or autostart exist only where the driver ran
     * before; otherwise nothing is created until a client asks for
     * qemu:///system, so a daemon that never runs QEMU leaves no
     * directories behind. */
    systemDirs(&d);
    used = root || g_file_test(d.configDir, G_FILE_TEST_IS_DIR) ||
        g_file_test(d.runDir, G_FILE_TEST_IS_DIR);
    g_free(d.configDir);
    g_free(d.runDir);
    g_free(d.logDir);
    g_free(d.saveDir);
    if (used && !systemState())
        ret = -1;
    g_mutex_unlock(&statesLock);
    return ret;
}

static vkDrvOpenStatus
qemuConnectOpen(virConnectPtr conn, virConnectAuthPtr auth, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const char *root;
    g_autofree char *canon = NULL;
    stateDirs d = { 0 };
    vkQemuState *st;

    if (!uri || !uri->scheme || strcmp(uri->scheme, "qemu") != 0 ||
        (uri->server && *uri->server) || uri->transport || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    if (strcmp(uri->path, "/system") == 0) {
        /* Only inside virtkitd; elsewhere the remote driver takes it. */
        vkCheckFlags(VIR_CONNECT_RO | VIR_CONNECT_NO_ALIASES, VK_DRV_OPEN_ERROR);
        g_mutex_lock(&statesLock);
        if (!systemAllowed) {
            g_mutex_unlock(&statesLock);
            return VK_DRV_OPEN_DECLINED;
        }
        if ((st = systemState())) {
            g_mutex_lock(&st->lock);
            st->refs++;
            g_mutex_unlock(&st->lock);
        }
        g_mutex_unlock(&statesLock);
        if (!st)
            return VK_DRV_OPEN_ERROR;
        conn->privateData = st;
        return VK_DRV_OPEN_SUCCESS;
    }
    if (strcmp(uri->path, "/embed") != 0)
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
    if (systemRoot && strcmp(canon, systemRoot) == 0) {
        g_mutex_unlock(&statesLock);
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "root '%s' is in use by qemu:///system in this process", canon);
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
    .connectGetDomainCapabilities = vkQemuConnectGetDomainCapabilities,
    .connectGetCPUModelNames = vkQemuConnectGetCPUModelNames,
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
    .domainSetAutostart = vkQemuDomainSetAutostart,
    .domainRename = vkQemuDomainRename,
    .domainGetAutostart = vkQemuDomainGetAutostart,
    .domainSetMemory = vkQemuDomainSetMemory,
    .domainSetMemoryFlags = vkQemuDomainSetMemoryFlags,
    .domainSave = vkQemuDomainSave,
    .domainSaveFlags = vkQemuDomainSaveFlags,
    .domainRestore = vkQemuDomainRestore,
    .domainRestoreFlags = vkQemuDomainRestoreFlags,
    .domainManagedSave = vkQemuDomainManagedSave,
    .domainHasManagedSaveImage = vkQemuDomainHasManagedSaveImage,
    .domainManagedSaveRemove = vkQemuDomainManagedSaveRemove,
    .domainAttachDevice = vkQemuDomainAttachDevice,
    .domainAttachDeviceFlags = vkQemuDomainAttachDeviceFlags,
    .domainDetachDevice = vkQemuDomainDetachDevice,
    .domainDetachDeviceFlags = vkQemuDomainDetachDeviceFlags,
    .domainOpenConsole = vkQemuDomainOpenConsole,

    .connectDomainEventRegister = qemuEventRegister,
    .connectDomainEventDeregister = qemuEventDeregister,
    .connectDomainEventRegisterAny = qemuEventRegisterAny,
    .connectDomainEventDeregisterAny = qemuEventDeregisterAny,
};

static const char *const qemuUriSchemes[] = { "qemu", NULL };

static const vkConnectDriver qemuConnectDriver = {
    .features = VK_CONNECT_FEATURE_HOST_SERVICES,
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver: a secondary driver that serves pools and volumes
 * for the connections of host-managing drivers (QEMU, LXC), inside
 * virtkitd for /system and in-process for embed?root=DIR.
 *
 * The idea: one vkStorageState per root, found through a process-wide
 * table and shared by every connection on that root, whatever driver
 * opened it (qemu:///system and lxc:///system see the same pools, as in
 * libvirt where one storage daemon serves both).  A state is created on
 * the first connection, loads its pools from disk and lives until the
 * last connection on it closes; the /system state is kept for the
 * daemon's lifetime.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "core/uri.h"
#include "core/secondary-alone.h"
#include "core/state-driver.h"
#include "conf/domain-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/storage/storage-private.h"
#include "drivers/storage/storage-driver.h"

void vkStoragePoolFillTable(virHypervisorDriver *t);
void vkStorageVolFillTable(virHypervisorDriver *t);

static GMutex statesLock;
static GHashTable *states;       /* key -> vkStorageState */
static bool systemAllowed;
static char *systemRoot;         /* NULL: /etc/virtkit, /run/virtkit */

#define SYSTEM_KEY "storage:///system"

vkStorageState *
vkStorageConnState(virConnectPtr conn)
{
    return conn->familyPrivate[VK_FAMILY_STORAGE];
}

static void
stateFree(vkStorageState *st)
{
    if (!st)
        return;
    if (st->pools)
        g_ptr_array_unref(st->pools);
    if (st->events)
        vkEventStateFree(st->events);
    g_free(st->key);
    g_free(st->configDir);
    g_free(st->autostartDir);
    g_free(st->runDir);
    g_mutex_clear(&st->lock);
    g_free(st);
}

/* root NULL: the system directories. */
static vkStorageState *
stateNew(const char *key, const char *root, bool privileged)
{
    vkStorageState *st = g_new0(vkStorageState, 1);

    g_mutex_init(&st->lock);
    st->refs = 1;
    st->key = g_strdup(key);
    if (root) {
        st->configDir = g_build_filename(root, "etc", "storage", NULL);
        st->runDir = g_build_filename(root, "run", "storage", NULL);
    } else {
        st->configDir = g_strdup("/etc/virtkit/storage");
        st->runDir = g_strdup("/run/virtkit/storage");
    }
    st->autostartDir = g_build_filename(st->configDir, "autostart", NULL);
    st->pools = g_ptr_array_new_with_free_func((GDestroyNotify)vkStoragePoolObjFree);
    st->events = vkEventStateNew();
    g_mutex_lock(&st->lock);
    if (vkStorageStateLoad(st) < 0) {
        g_mutex_unlock(&st->lock);
        stateFree(st);
        return NULL;
    }
    if (privileged)
        vkStoragePoolAutostartAll(st);
    g_mutex_unlock(&st->lock);
    return st;
}

/* Finds or creates the state of key with a reference; under statesLock. */
static vkStorageState *
stateAcquire(const char *key, const char *root, bool privileged)
{
    vkStorageState *st;

    if (!states)
        states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if ((st = g_hash_table_lookup(states, key))) {
        st->refs++;
        return st;
    }
    if (!(st = stateNew(key, root, privileged)))
        return NULL;
    g_hash_table_insert(states, g_strdup(key), st);
    return st;
}

static void
stateRelease(vkStorageState *st)
{
    bool last;

    g_mutex_lock(&statesLock);
    last = --st->refs == 0;
    if (last)
        g_hash_table_remove(states, st->key);
    g_mutex_unlock(&statesLock);
    if (last)
        stateFree(st);
}

int
vkStorageDriverSetPrivileged(const char *root)
{
    const char *env = g_getenv("VIRTKIT_STORAGE_ROOT");
    vkStorageState *st;

    if ((!root || !*root) && env && *env)
        root = env;
    if (root && *root && root[0] != '/') {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "the storage driver's root must be an absolute path, not '%s'", root);
        return -1;
    }
    g_mutex_lock(&statesLock);
    if (systemAllowed) {
        g_mutex_unlock(&statesLock);
        return 0;
    }
    systemRoot = root && *root ? g_canonicalize_filename(root, "/") : NULL;
    systemAllowed = true;
    /* The daemon holds the first reference for its whole life, so
     * autostart pools start once, at daemon start. */
    st = stateAcquire(SYSTEM_KEY, systemRoot, true);
    g_mutex_unlock(&statesLock);
    return st ? 0 : -1;
}

static vkDrvOpenStatus
storageOpen(virConnectPtr conn, unsigned int flags)
{
    const vkURI *uri = conn->uri;
    const char *root;
    g_autofree char *canon = NULL;
    vkStorageState *st;

    (void)flags;
    if (!conn->connectDriver ||
        !(conn->connectDriver->features & VK_CONNECT_FEATURE_HOST_SERVICES) ||
        !uri || !uri->path)
        return VK_DRV_OPEN_DECLINED;
    if (strcmp(uri->path, "/system") == 0) {
        g_mutex_lock(&statesLock);
        st = systemAllowed ? stateAcquire(SYSTEM_KEY, systemRoot, true) : NULL;
        g_mutex_unlock(&statesLock);
        if (!st)
            return systemAllowed ? VK_DRV_OPEN_ERROR : VK_DRV_OPEN_DECLINED;
    } else if (strcmp(uri->path, "/embed") == 0) {
        /* The hypervisor driver has accepted the root already. */
        if (!(root = vkURIGetParam(uri, "root")) || root[0] != '/')
            return VK_DRV_OPEN_DECLINED;
        canon = g_canonicalize_filename(root, "/");
        g_mutex_lock(&statesLock);
        st = stateAcquire(canon, canon, false);
        g_mutex_unlock(&statesLock);
        if (!st)
            return VK_DRV_OPEN_ERROR;
    } else {
        return VK_DRV_OPEN_DECLINED;
    }
    conn->familyPrivate[VK_FAMILY_STORAGE] = st;
    return VK_DRV_OPEN_SUCCESS;
}

static void
storageClose(virConnectPtr conn)
{
    vkStorageState *st = vkStorageConnState(conn);

    if (!st)
        return;
    vkEventStateRemoveConnect(st->events, conn);
    conn->familyPrivate[VK_FAMILY_STORAGE] = NULL;
    stateRelease(st);
}

static virHypervisorDriver storageTable = {
    .name = "storage",
};

static const vkSecondaryDriver storageDriver = {
    .name = "storage",
    .family = VK_FAMILY_STORAGE,
    .table = &storageTable,
    .open = storageOpen,
    .close = storageClose,
};

/* storage:///system: the storage driver alone (inside virtkitd) */
static const vkAloneService storageAlone = {
    .scheme = "storage",
    .systemAllowed = &systemAllowed,
    .lock = &statesLock,
};

/* In virtkitd: pools for every /system connection.  A daemon given a
 * private QEMU root through the environment keeps its pools there too,
 * never in /etc. */
static int
storageStateInit(const vkStateDriver *drv, bool privileged, const char *location)
{
    const char *qemuRoot = vkStateDriverLocation("qemu-root");
    const char *env = g_getenv("VIRTKIT_QEMU_ROOT");

    (void)drv;
    (void)privileged;
    if (!qemuRoot && env && *env)
        qemuRoot = env;
    if ((!location || !*location) && !g_getenv("VIRTKIT_STORAGE_ROOT"))
        location = qemuRoot;
    return vkStorageDriverSetPrivileged(location);
}

static const vkStateDriver storageStateDriver = {
    .name = "storage",
    .option = "storage-root",
    .optionArg = "DIR",
    .optionHelp = "keep the storage driver's pool configs and state under DIR/etc/storage "
                  "and DIR/run/storage (default: VIRTKIT_STORAGE_ROOT, else "
                  "the QEMU root, else /etc/virtkit/storage, /run/virtkit/storage)",
    .init = storageStateInit,
};

int
vkStorageDriverRegister(void)
{
    vkStoragePoolFillTable(&storageTable);
    vkStorageVolFillTable(&storageTable);
    if (vkRegisterStateDriver(&storageStateDriver) < 0)
        return -1;
    if (vkRegisterAloneService(&storageAlone) < 0)
        return -1;
    return vkRegisterSecondaryDriver(&storageDriver);
}

/* ---- for hypervisor drivers ---- */

static int
resolveDisk(vkStorageState *st, vkDomainDiskDef *d)
{
    vkStoragePoolObj *obj = vkStoragePoolFindByName(st, d->srcPool);
    vkStorageVol *v;

    if (!obj) {
        vkReportError(VIR_ERR_NO_STORAGE_POOL, "no storage pool with matching name '%s'",
                      d->srcPool);
        return -1;
    }
    if (!obj->active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' containing volume "
                      "'%s' is not active", d->srcPool, d->src);
        return -1;
    }
    if (!(v = vkStorageVolFindIn(obj->vols, d->src)) || v->building) {
        vkReportError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching name '%s'",
                      d->src);
        return -1;
    }
    g_free(d->src);
    d->src = g_strdup(v->def->path);
    g_clear_pointer(&d->srcPool, g_free);
    d->type = VK_DOMAIN_DISK_TYPE_FILE;
    if (!d->driverType)
        d->driverType = g_strdup(v->def->format);
    return 0;
}

int
vkStorageResolveDiskVolumes(const char *root, vkDomainDef *def)
{
    GPtrArray *disks = vkDomainDevList(def, VK_DOMAIN_DEVICE_DISK);
    g_autofree char *canon = root ? g_canonicalize_filename(root, "/") : NULL;
    vkStorageState *st = NULL;
    int ret = 0;

    for (guint i = 0; disks && i < disks->len && ret == 0; i++) {
        vkDomainDiskDef *d = disks->pdata[i];

        if (d->type != VK_DOMAIN_DISK_TYPE_VOLUME)
            continue;
        if (!d->srcPool || !d->src) {
            vkReportError(VIR_ERR_XML_ERROR, "disk '%s' of type 'volume' needs a pool "
                          "and a volume", d->dst ? d->dst : "");
            return -1;
        }
        if (!st) {
            g_mutex_lock(&statesLock);
            if (states && (st = g_hash_table_lookup(states, canon ? canon : SYSTEM_KEY)))
                st->refs++;
            g_mutex_unlock(&statesLock);
            if (!st) {
                vkReportError(VIR_ERR_NO_STORAGE_POOL, "no storage pool with matching "
                              "name '%s' (no storage driver serves this connection)",
                              d->srcPool);
                return -1;
            }
            g_mutex_lock(&st->lock);
        }
        ret = resolveDisk(st, d);
    }
    if (st) {
        g_mutex_unlock(&st->lock);
        stateRelease(st);
    }
    return ret;
}

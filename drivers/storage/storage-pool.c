/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's pool calls: listing, lookups, define/create,
 * build/start/stop/undefine/delete, refresh, info, XML, autostart and
 * lifecycle events.
 *
 * The idea: a pool is its definition plus three flags, and the volumes
 * are a cache of what the pool's storage holds, rebuilt by a refresh (on
 * start, on request, after every volume change).  What is on disk is
 * changed first, the objects after, so a failure leaves both as they
 * were: a define whose config cannot be written defines nothing, a start
 * whose backend fails stays inactive.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/storage/storage-private.h"

vkStoragePoolObj *
vkStoragePoolObjNew(vkStoragePoolDef *def)
{
    vkStoragePoolObj *obj = g_new0(vkStoragePoolObj, 1);

    obj->def = def;
    obj->vols = g_ptr_array_new();
    return obj;
}

static void
volFree(vkStorageVol *v)
{
    vkStorageVolDefFree(v->def);
    g_free(v);
}

void
vkStoragePoolObjFree(vkStoragePoolObj *obj)
{
    if (!obj)
        return;
    vkStoragePoolDefFree(obj->def);
    vkStoragePoolDefFree(obj->newDef);
    g_ptr_array_set_free_func(obj->vols, (GDestroyNotify)volFree);
    g_ptr_array_unref(obj->vols);
    g_free(obj);
}

vkStoragePoolObj *
vkStoragePoolFindByName(vkStorageState *st, const char *name)
{
    for (guint i = 0; i < st->pools->len; i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];

        if (strcmp(o->def->name, name) == 0)
            return o;
    }
    return NULL;
}

static vkStoragePoolObj *
findByUUID(vkStorageState *st, const unsigned char *uuid)
{
    for (guint i = 0; i < st->pools->len; i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];

        if (memcmp(o->def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return o;
    }
    return NULL;
}

static bool
requireState(vkStoragePoolObj *obj, bool wantActive)
{
    if (obj->active == wantActive)
        return true;
    vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is %s",
                  obj->def->name, wantActive ? "not active" : "already active");
    return false;
}

vkStoragePoolObj *
vkStoragePoolGetLocked(virConnectPtr conn, const char *name, bool wantActive,
                       vkStorageState **stp)
{
    vkStorageState *st = vkStorageConnState(conn);
    vkStoragePoolObj *obj;

    g_mutex_lock(&st->lock);
    if (!(obj = vkStoragePoolFindByName(st, name))) {
        vkReportError(VIR_ERR_NO_STORAGE_POOL, "no storage pool with matching name '%s'",
                      name);
    } else if (!wantActive || requireState(obj, true)) {
        *stp = st;
        return obj;
    }
    g_mutex_unlock(&st->lock);
    return NULL;
}

static vkStoragePoolObj *
poolGet(virStoragePoolPtr pool, bool wantActive, vkStorageState **stp)
{
    return vkStoragePoolGetLocked(pool->conn, pool->name, wantActive, stp);
}

void
vkStoragePoolEmit(vkStorageState *st, vkStoragePoolObj *obj, int event)
{
    vkStoragePoolEventQueueLifecycle(st->events, obj->def->name, obj->def->uuid, event, 0);
}

static virStoragePoolPtr
handle(virConnectPtr conn, vkStoragePoolObj *obj)
{
    return vkGetStoragePool(conn, obj->def->name, obj->def->uuid);
}

/* Drops a pool object that is neither running nor defined. */
static void
dropIfGone(vkStorageState *st, vkStoragePoolObj *obj)
{
    if (!obj->active && !obj->persistent)
        g_ptr_array_remove_fast(st->pools, obj);
}

int
vkStoragePoolRefreshLocked(vkStoragePoolObj *obj)
{
    const vkStorageBackend *be = vkStorageBackendFor(obj->def->type);
    g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func(
        (GDestroyNotify)vkStorageVolDefFree);
    GPtrArray *fresh;

    if (!be || be->refresh(obj->def, defs) < 0)
        return -1;
    /* Volume objects stay where they are (a job running unlocked holds
     * one): only their definitions are replaced.  Those being built or
     * used are kept even when the disk does not show them (yet). */
    fresh = g_ptr_array_new();
    for (guint i = 0; i < defs->len; i++) {
        vkStorageVolDef *d = defs->pdata[i];
        vkStorageVol *v = vkStorageVolFindIn(obj->vols, d->name);

        if (v && v->building)
            continue;
        if (!v) {
            v = g_new0(vkStorageVol, 1);
        } else {
            vkStorageVolDefFree(v->def);
            g_ptr_array_remove_fast(obj->vols, v);
        }
        v->def = g_steal_pointer(&defs->pdata[i]);
        g_ptr_array_add(fresh, v);
    }
    for (guint i = 0; i < obj->vols->len; i++) {
        vkStorageVol *v = obj->vols->pdata[i];

        if (v->building || v->users)
            g_ptr_array_add(fresh, v);
        else
            volFree(v);
    }
    g_ptr_array_unref(obj->vols);
    obj->vols = fresh;
    return 0;
}

/* Runs the backend's start and the first refresh; on failure the pool
 * is stopped again.  Locked. */
static int
startPool(vkStorageState *st, vkStoragePoolObj *obj, unsigned int flags)
{
    const vkStorageBackend *be = vkStorageBackendFor(obj->def->type);

    if (!be || vkStorageBackendCheckOverlap(st, obj->def) < 0)
        return -1;
    if (flags & (VIR_STORAGE_POOL_CREATE_WITH_BUILD |
                 VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE |
                 VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)) {
        unsigned int bflags = 0;

        if (flags & VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE)
            bflags |= VIR_STORAGE_POOL_BUILD_OVERWRITE;
        if (flags & VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)
            bflags |= VIR_STORAGE_POOL_BUILD_NO_OVERWRITE;
        if (be->build(obj->def, bflags) < 0)
            return -1;
    }
    if (be->start(obj->def) < 0)
        return -1;
    if (vkStoragePoolRefreshLocked(obj) < 0 || vkStorageStateSaveLive(st, obj->def) < 0) {
        virErrorPtr saved = vkErrorSave();

        be->stop(obj->def);
        vkErrorRestore(&saved);
        return -1;
    }
    obj->active = true;
    return 0;
}

void
vkStoragePoolAutostartAll(vkStorageState *st)
{
    for (guint i = 0; i < st->pools->len; i++) {
        vkStoragePoolObj *obj = st->pools->pdata[i];

        if (!obj->autostart || obj->active)
            continue;
        if (startPool(st, obj, 0) < 0) {
            g_warning("storage driver: cannot autostart pool '%s': %s", obj->def->name,
                      vkErrorIsSet() ? vkErrorGetLast()->message : "unknown error");
            vkErrorReset();
            continue;
        }
        vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_STARTED);
    }
}

/* ---- listing and lookups ---- */

#define POOL_TYPE_FLAGS (((1u << VK_STORAGE_POOL_LAST) - 1) << 6)

static bool
listMatch(vkStoragePoolObj *o, unsigned int flags)
{
#define PAIR(a, b, v) \
    if ((flags & ((a) | (b))) && !((flags & (a)) && (v)) && !((flags & (b)) && !(v))) \
        return false
    PAIR(VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE, VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE,
         o->active);
    PAIR(VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT, VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT,
         o->persistent);
    PAIR(VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART,
         VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART, o->autostart);
#undef PAIR
    return !(flags & POOL_TYPE_FLAGS) || (flags & (1u << (6 + o->def->type)));
}

static int
storageConnectListAllStoragePools(virConnectPtr conn, virStoragePoolPtr **pools,
                                  unsigned int flags)
{
    vkStorageState *st = vkStorageConnState(conn);
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    int n = 0;

    vkCheckFlags(0x3f | POOL_TYPE_FLAGS, -1);
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->pools->len; i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];

        if (!listMatch(o, flags))
            continue;
        n++;
        if (pools)
            g_ptr_array_add(out, handle(conn, o));
    }
    g_mutex_unlock(&st->lock);
    if (pools) {
        g_ptr_array_add(out, NULL);
        *pools = (virStoragePoolPtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}

static int
listNames(virConnectPtr conn, char **const names, int maxnames, bool active)
{
    vkStorageState *st = vkStorageConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->pools->len && (!names || n < maxnames); i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];

        if (o->active != active)
            continue;
        if (names)
            names[n] = g_strdup(o->def->name);
        n++;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

static int
storageConnectNumOfStoragePools(virConnectPtr conn)
{
    return listNames(conn, NULL, 0, true);
}

static int
storageConnectListStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    return listNames(conn, names, maxnames, true);
}

static int
storageConnectNumOfDefinedStoragePools(virConnectPtr conn)
{
    return listNames(conn, NULL, 0, false);
}

static int
storageConnectListDefinedStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    return listNames(conn, names, maxnames, false);
}

static virStoragePoolPtr
storagePoolLookupByName(virConnectPtr conn, const char *name)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = vkStoragePoolGetLocked(conn, name, false, &st);
    virStoragePoolPtr ret;

    if (!obj)
        return NULL;
    ret = handle(conn, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

static virStoragePoolPtr
storagePoolLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkStorageState *st = vkStorageConnState(conn);
    virStoragePoolPtr ret = NULL;
    vkStoragePoolObj *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if ((obj = findByUUID(st, uuid)))
        ret = handle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_STORAGE_POOL, "no storage pool with matching uuid '%s'",
                      vkUUIDFormat(uuid, uuidstr));
    return ret;
}

static virStoragePoolPtr
storagePoolLookupByVolume(virStorageVolPtr vol)
{
    return storagePoolLookupByName(vol->conn, vol->pool);
}

static virStoragePoolPtr
storagePoolLookupByTargetPath(virConnectPtr conn, const char *path)
{
    vkStorageState *st = vkStorageConnState(conn);
    g_autofree char *want = g_canonicalize_filename(path, "/");
    virStoragePoolPtr ret = NULL;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->pools->len && !ret; i++) {
        vkStoragePoolObj *o = st->pools->pdata[i];
        g_autofree char *t = o->def->targetPath
            ? g_canonicalize_filename(o->def->targetPath, "/") : NULL;

        if (o->active && t && strcmp(t, want) == 0)
            ret = handle(conn, o);
    }
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_STORAGE_POOL,
                      "no storage pool with matching target path '%s'", path);
    return ret;
}

/* ---- define, create, undefine ---- */

/* libvirt's rules for a new definition against the existing pools. */
static vkStoragePoolObj *
checkDuplicate(vkStorageState *st, const vkStoragePoolDef *def, bool *err)
{
    vkStoragePoolObj *byName = vkStoragePoolFindByName(st, def->name);
    vkStoragePoolObj *byUUID = findByUUID(st, def->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *err = true;
    if (byUUID && strcmp(byUUID->def->name, def->name) != 0) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "pool '%s' is already defined with uuid %s",
                      byUUID->def->name, vkUUIDFormat(byUUID->def->uuid, uuidstr));
        return NULL;
    }
    if (byName && memcmp(byName->def->uuid, def->uuid, VIR_UUID_BUFLEN) != 0) {
        vkReportError(VIR_ERR_OPERATION_FAILED, "pool '%s' already exists with uuid %s",
                      byName->def->name, vkUUIDFormat(byName->def->uuid, uuidstr));
        return NULL;
    }
    *err = false;
    return byName;
}

static virStoragePoolPtr
storagePoolDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkStorageState *st = vkStorageConnState(conn);
    g_autoptr(vkStoragePoolDef) def = NULL;
    virStoragePoolPtr ret = NULL;
    vkStoragePoolObj *obj;
    bool err;

    vkCheckFlags(VIR_STORAGE_POOL_DEFINE_VALIDATE, NULL);
    if (!(def = vkStoragePoolDefParseString(xml)) || !vkStorageBackendPrepare(def))
        return NULL;
    g_mutex_lock(&st->lock);
    obj = checkDuplicate(st, def, &err);
    if (err || vkStorageBackendCheckOverlap(st, def) < 0 ||
        vkStorageStateSaveConfig(st, def) < 0)
        goto cleanup;
    if (!obj) {
        obj = vkStoragePoolObjNew(g_steal_pointer(&def));
        g_ptr_array_add(st->pools, obj);
    } else if (obj->active) {
        /* The running definition stays until the next start. */
        vkStoragePoolDefFree(obj->newDef);
        obj->newDef = g_steal_pointer(&def);
    } else {
        vkStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&def);
    }
    obj->persistent = true;
    vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_DEFINED);
    ret = handle(conn, obj);
 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

#define CREATE_BUILD_FLAGS (VIR_STORAGE_POOL_CREATE_WITH_BUILD | \
                            VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE | \
                            VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)

static int
checkOverwriteFlags(unsigned int flags, unsigned int a, unsigned int b)
{
    if ((flags & a) && (flags & b)) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "%s",
                      "overwrite and no-overwrite flags are mutually exclusive");
        return -1;
    }
    return 0;
}

static virStoragePoolPtr
storagePoolCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkStorageState *st = vkStorageConnState(conn);
    g_autoptr(vkStoragePoolDef) def = NULL;
    virStoragePoolPtr ret = NULL;
    vkStoragePoolObj *obj;
    bool err;

    vkCheckFlags(CREATE_BUILD_FLAGS, NULL);
    if (checkOverwriteFlags(flags, VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE,
                            VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return NULL;
    if (!(def = vkStoragePoolDefParseString(xml)) || !vkStorageBackendPrepare(def))
        return NULL;
    g_mutex_lock(&st->lock);
    obj = checkDuplicate(st, def, &err);
    if (err)
        goto cleanup;
    if (obj) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is already %s",
                      def->name, obj->active ? "active" : "defined");
        goto cleanup;
    }
    obj = vkStoragePoolObjNew(g_steal_pointer(&def));
    g_ptr_array_add(st->pools, obj);
    if (startPool(st, obj, flags) < 0) {
        /* the list's free function frees it */
        g_ptr_array_remove_fast(st->pools, obj);
        goto cleanup;
    }
    vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_STARTED);
    ret = handle(conn, obj);
 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolUndefine(virStoragePoolPtr pool)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, false, &st);
    int ret = -1;

    if (!obj)
        return -1;
    if (!obj->persistent) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is not persistent",
                      obj->def->name);
        goto cleanup;
    }
    if (vkStorageStateDeleteConfig(st, obj->def->name) < 0)
        goto cleanup;
    obj->persistent = false;
    obj->autostart = false;
    g_clear_pointer(&obj->newDef, vkStoragePoolDefFree);
    vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_UNDEFINED);
    dropIfGone(st, obj);
    ret = 0;
 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- build, start, stop, delete, refresh ---- */

static int
storagePoolCreate(virStoragePoolPtr pool, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    int ret = -1;

    vkCheckFlags(CREATE_BUILD_FLAGS, -1);
    if (checkOverwriteFlags(flags, VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE,
                            VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return -1;
    if (!(obj = poolGet(pool, false, &st)))
        return -1;
    if (requireState(obj, false) && startPool(st, obj, flags) == 0) {
        vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_STARTED);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolBuild(virStoragePoolPtr pool, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    const vkStorageBackend *be;
    int ret = -1;

    vkCheckFlags(VIR_STORAGE_POOL_BUILD_NEW | VIR_STORAGE_POOL_BUILD_REPAIR |
                 VIR_STORAGE_POOL_BUILD_RESIZE | VIR_STORAGE_POOL_BUILD_NO_OVERWRITE |
                 VIR_STORAGE_POOL_BUILD_OVERWRITE, -1);
    if (checkOverwriteFlags(flags, VIR_STORAGE_POOL_BUILD_OVERWRITE,
                            VIR_STORAGE_POOL_BUILD_NO_OVERWRITE) < 0)
        return -1;
    if (!(obj = poolGet(pool, false, &st)))
        return -1;
    if (requireState(obj, false) && (be = vkStorageBackendFor(obj->def->type)) &&
        be->build(obj->def, flags) == 0) {
        vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_CREATED);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static bool
requireIdle(vkStoragePoolObj *obj)
{
    if (!obj->busy)
        return true;
    vkReportError(VIR_ERR_OPERATION_INVALID,
                  "pool '%s' has asynchronous jobs running.", obj->def->name);
    return false;
}

static int
storagePoolDestroy(virStoragePoolPtr pool)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, true, &st);
    const vkStorageBackend *be;
    int ret = -1;

    if (!obj)
        return -1;
    if (!requireIdle(obj) || !(be = vkStorageBackendFor(obj->def->type)) ||
        be->stop(obj->def) < 0)
        goto cleanup;
    vkStorageStateDeleteLive(st, obj->def->name);
    obj->active = false;
    g_ptr_array_set_free_func(obj->vols, (GDestroyNotify)volFree);
    g_ptr_array_set_size(obj->vols, 0);
    g_ptr_array_set_free_func(obj->vols, NULL);
    if (obj->newDef) {
        vkStoragePoolDefFree(obj->def);
        obj->def = g_steal_pointer(&obj->newDef);
    }
    vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_STOPPED);
    dropIfGone(st, obj);
    ret = 0;
 cleanup:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolDelete(virStoragePoolPtr pool, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    const vkStorageBackend *be;
    int ret = -1;

    vkCheckFlags(VIR_STORAGE_POOL_DELETE_ZEROED, -1);
    if (!(obj = poolGet(pool, false, &st)))
        return -1;
    if (obj->active) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is still active",
                      obj->def->name);
    } else if ((be = vkStorageBackendFor(obj->def->type)) && be->remove(obj->def, flags) == 0) {
        vkStoragePoolEmit(st, obj, VIR_STORAGE_POOL_EVENT_DELETED);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolRefresh(virStoragePoolPtr pool, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    int ret = -1;

    vkCheckFlags(0, -1);
    if (!(obj = poolGet(pool, true, &st)))
        return -1;
    if (requireIdle(obj) && vkStoragePoolRefreshLocked(obj) == 0) {
        vkStoragePoolEventQueueRefresh(st->events, obj->def->name, obj->def->uuid);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- queries ---- */

static int
storagePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, false, &st);

    if (!obj)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->active ? VIR_STORAGE_POOL_RUNNING : VIR_STORAGE_POOL_INACTIVE;
    if (obj->active) {
        info->capacity = obj->def->capacity;
        info->allocation = obj->def->allocation;
        info->available = obj->def->available;
    }
    g_mutex_unlock(&st->lock);
    return 0;
}

static char *
storagePoolGetXMLDesc(virStoragePoolPtr pool, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    char *ret;

    vkCheckFlags(VIR_STORAGE_XML_INACTIVE, NULL);
    if (!(obj = poolGet(pool, false, &st)))
        return NULL;
    ret = vkStoragePoolDefFormat((flags & VIR_STORAGE_XML_INACTIVE) && obj->newDef
                                 ? obj->newDef : obj->def);
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolGetAutostart(virStoragePoolPtr pool, int *autostart)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, false, &st);

    if (!obj)
        return -1;
    *autostart = obj->autostart;
    g_mutex_unlock(&st->lock);
    return 0;
}

static int
storagePoolSetAutostart(virStoragePoolPtr pool, int autostart)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, false, &st);
    int ret = -1;

    if (!obj)
        return -1;
    if (!obj->persistent)
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot set autostart for transient pool");
    else if (vkStorageStateSetAutostart(st, obj->def->name, autostart != 0) == 0) {
        obj->autostart = autostart != 0;
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
flagQuery(virStoragePoolPtr pool, bool persistent)
{
    vkStorageState *st;
    vkStoragePoolObj *obj = poolGet(pool, false, &st);
    int ret;

    if (!obj)
        return -1;
    ret = persistent ? obj->persistent : obj->active;
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
storagePoolIsActive(virStoragePoolPtr pool)
{
    return flagQuery(pool, false);
}

static int
storagePoolIsPersistent(virStoragePoolPtr pool)
{
    return flagQuery(pool, true);
}

static char *
storageConnectFindStoragePoolSources(virConnectPtr conn, const char *type,
                                     const char *srcSpec, unsigned int flags)
{
    (void)conn;
    vkCheckFlags(0, NULL);
    return vkStorageBackendFindSources(type, srcSpec);
}

/* ---- events ---- */

static int
storageConnectStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                          int eventID,
                                          virConnectStoragePoolEventGenericCallback cb,
                                          void *opaque, virFreeCallback freecb)
{
    return vkStoragePoolEventRegisterAny(vkStorageConnState(conn)->events, conn, pool,
                                         eventID, cb, opaque, freecb);
}

static int
storageConnectStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkObjectEventDeregisterAny(vkStorageConnState(conn)->events, conn,
                                      VK_EVENT_FAMILY_STORAGE_POOL, callbackID);
}

void vkStoragePoolFillTable(virHypervisorDriver *t);
void
vkStoragePoolFillTable(virHypervisorDriver *t)
{
    t->connectListAllStoragePools = storageConnectListAllStoragePools;
    t->connectNumOfStoragePools = storageConnectNumOfStoragePools;
    t->connectListStoragePools = storageConnectListStoragePools;
    t->connectNumOfDefinedStoragePools = storageConnectNumOfDefinedStoragePools;
    t->connectListDefinedStoragePools = storageConnectListDefinedStoragePools;
    t->connectFindStoragePoolSources = storageConnectFindStoragePoolSources;
    t->storagePoolLookupByName = storagePoolLookupByName;
    t->storagePoolLookupByUUID = storagePoolLookupByUUID;
    t->storagePoolLookupByVolume = storagePoolLookupByVolume;
    t->storagePoolLookupByTargetPath = storagePoolLookupByTargetPath;
    t->storagePoolDefineXML = storagePoolDefineXML;
    t->storagePoolCreateXML = storagePoolCreateXML;
    t->storagePoolUndefine = storagePoolUndefine;
    t->storagePoolCreate = storagePoolCreate;
    t->storagePoolBuild = storagePoolBuild;
    t->storagePoolDestroy = storagePoolDestroy;
    t->storagePoolDelete = storagePoolDelete;
    t->storagePoolRefresh = storagePoolRefresh;
    t->storagePoolGetInfo = storagePoolGetInfo;
    t->storagePoolGetXMLDesc = storagePoolGetXMLDesc;
    t->storagePoolGetAutostart = storagePoolGetAutostart;
    t->storagePoolSetAutostart = storagePoolSetAutostart;
    t->storagePoolIsActive = storagePoolIsActive;
    t->storagePoolIsPersistent = storagePoolIsPersistent;
    t->connectStoragePoolEventRegisterAny = storageConnectStoragePoolEventRegisterAny;
    t->connectStoragePoolEventDeregisterAny = storageConnectStoragePoolEventDeregisterAny;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage volumes of the test hypervisor's pools: created, cloned,
 * resized and deleted in memory.
 *
 * The idea: a volume is only its definition inside its pool's list; its
 * key and path are <pool target>/<name>, set here and never taken from
 * input, and its allocation is charged to the pool on creation and given
 * back on deletion, so the pool's sizes always add up.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "conf/storage-conf.h"
#include "drivers/test/test-private.h"

static vkStorageVolDef *
findVol(vkTestPool *pool, const char *name)
{
    for (guint i = 0; i < pool->vols->len; i++) {
        vkStorageVolDef *v = pool->vols->pdata[i];
        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

static virStorageVolPtr
makeHandle(virConnectPtr conn, vkTestPool *pool, vkStorageVolDef *v)
{
    return vkGetStorageVol(conn, pool->def->name, v->name, v->key);
}

/* Locks the state and finds the pool and volume of a handle; NULL
 * (unlocked, error set) when either is gone or the pool is inactive. */
static vkStorageVolDef *
volGet(virStorageVolPtr vol, vkTestState **stp, vkTestPool **poolp)
{
    vkTestState *st = vol->conn->privateData;
    vkTestPool *pool;
    vkStorageVolDef *v;

    g_mutex_lock(&st->lock);
    if (!(pool = vkTestStoragePoolFind(st, vol->pool))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_STORAGE_POOL,
                      "no storage pool with matching name '%s'", vol->pool);
        return NULL;
    }
    if (!vkTestStoragePoolRequireActive(st, pool))
        return NULL;
    if (!(v = findVol(pool, vol->name))) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching name '%s'", vol->name);
        return NULL;
    }
    *stp = st;
    *poolp = pool;
    return v;
}

static unsigned long long
volAllocation(const vkStorageVolDef *v)
{
    return v->hasAllocation ? v->allocation : v->capacity;
}

/* ---- listing ---- */

int
vkTestStoragePoolNumOfVolumes(virStoragePoolPtr pool)
{
    vkTestState *st;
    vkTestPool *obj;
    int n;

    if (!(obj = vkTestStoragePoolGetActive(pool, &st)))
        return -1;
    n = (int)obj->vols->len;
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestStoragePoolListVolumes(virStoragePoolPtr pool, char **const names, int maxnames)
{
    vkTestState *st;
    vkTestPool *obj;
    int n = 0;

    if (!(obj = vkTestStoragePoolGetActive(pool, &st)))
        return -1;
    for (guint i = 0; i < obj->vols->len && n < maxnames; i++)
        names[n++] = g_strdup(((vkStorageVolDef *)obj->vols->pdata[i])->name);
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestStoragePoolListAllVolumes(virStoragePoolPtr pool, virStorageVolPtr **vols,
                                unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;
    int n;

    vkCheckFlags(0, -1);
    if (!(obj = vkTestStoragePoolGetActive(pool, &st)))
        return -1;
    n = (int)obj->vols->len;
    if (vols) {
        *vols = g_new0(virStorageVolPtr, n + 1);
        for (int i = 0; i < n; i++)
            (*vols)[i] = makeHandle(pool->conn, obj, obj->vols->pdata[i]);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

/* ---- create, clone, delete ---- */

/* Called locked: adds def to pool after the name and space checks. */
static vkStorageVolDef *
volAdd(vkTestPool *pool, vkStorageVolDef *def)
{
    unsigned long long alloc;

    if (findVol(pool, def->name)) {
        vkReportError(VIR_ERR_OPERATION_FAILED,
                      "storage vol already exists: '%s' in pool '%s'",
                      def->name, pool->def->name);
        return NULL;
    }
    if (def->hasAllocation && def->allocation > def->capacity)
        def->allocation = def->capacity;
    alloc = volAllocation(def);
    if (alloc > pool->def->available) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "Not enough free space in pool for volume '%s'", def->name);
        return NULL;
    }
    g_free(def->key);
    g_free(def->path);
    def->path = g_build_filename(pool->def->targetPath ? pool->def->targetPath : "/",
                                 def->name, NULL);
    def->key = g_strdup(def->path);
    if (!def->format && (pool->def->type == VK_STORAGE_POOL_DIR ||
                         pool->def->type == VK_STORAGE_POOL_FS ||
                         pool->def->type == VK_STORAGE_POOL_NETFS))
        def->format = g_strdup("raw");
    pool->def->allocation += alloc;
    pool->def->available -= alloc;
    g_ptr_array_add(pool->vols, def);
    return def;
}

vkStorageVolDef *
vkTestPoolAddVolume(vkTestPool *pool, vkStorageVolDef *def)
{
    return volAdd(pool, def);
}

#define VOL_CREATE_FLAGS (VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA | \
                          VIR_STORAGE_VOL_CREATE_REFLINK | \
                          VIR_STORAGE_VOL_CREATE_VALIDATE)

virStorageVolPtr
vkTestStorageVolCreateXML(virStoragePoolPtr pool, const char *xml, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;
    vkStorageVolDef *def, *v;
    virStorageVolPtr ret;

    vkCheckFlags(VOL_CREATE_FLAGS, NULL);
    if (!(def = vkStorageVolDefParseString(xml)))
        return NULL;
    if (!(obj = vkTestStoragePoolGetActive(pool, &st))) {
        vkStorageVolDefFree(def);
        return NULL;
    }
    if (!(v = volAdd(obj, def))) {
        g_mutex_unlock(&st->lock);
        vkStorageVolDefFree(def);
        return NULL;
    }
    ret = makeHandle(pool->conn, obj, v);
    g_mutex_unlock(&st->lock);
    return ret;
}

virStorageVolPtr
vkTestStorageVolCreateXMLFrom(virStoragePoolPtr pool, const char *xml,
                              virStorageVolPtr clonevol, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj, *srcPool;
    vkStorageVolDef *def, *src, *v;
    virStorageVolPtr ret;

    vkCheckFlags(VOL_CREATE_FLAGS, NULL);
    if (!(def = vkStorageVolDefParseString(xml)))
        return NULL;
    if (!(obj = vkTestStoragePoolGetActive(pool, &st))) {
        vkStorageVolDefFree(def);
        return NULL;
    }
    srcPool = vkTestStoragePoolFind(st, clonevol->pool);
    src = srcPool && srcPool->active ? findVol(srcPool, clonevol->name) : NULL;
    if (!src) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching name '%s'", clonevol->name);
        vkStorageVolDefFree(def);
        return NULL;
    }
    /* The clone is at least as large as what it copies. */
    if (def->capacity < src->capacity)
        def->capacity = src->capacity;
    if (!def->format)
        def->format = g_strdup(src->format);
    if (!(v = volAdd(obj, def))) {
        g_mutex_unlock(&st->lock);
        vkStorageVolDefFree(def);
        return NULL;
    }
    ret = makeHandle(pool->conn, obj, v);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestStorageVolDelete(virStorageVolPtr vol, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *pool;
    vkStorageVolDef *v;
    unsigned long long alloc;

    vkCheckFlags(VIR_STORAGE_VOL_DELETE_ZEROED | VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS, -1);
    if (!(v = volGet(vol, &st, &pool)))
        return -1;
    alloc = volAllocation(v);
    pool->def->allocation -= alloc;
    pool->def->available += alloc;
    g_ptr_array_remove(pool->vols, v);   /* frees v */
    g_mutex_unlock(&st->lock);
    return 0;
}

/* ---- lookups ---- */

virStorageVolPtr
vkTestStorageVolLookupByName(virStoragePoolPtr pool, const char *name)
{
    vkTestState *st;
    vkTestPool *obj;
    vkStorageVolDef *v;
    virStorageVolPtr ret = NULL;

    if (!(obj = vkTestStoragePoolGetActive(pool, &st)))
        return NULL;
    if ((v = findVol(obj, name)))
        ret = makeHandle(pool->conn, obj, v);
    g_mutex_unlock(&st->lock);
    if (!v)
        vkReportError(VIR_ERR_NO_STORAGE_VOL,
                      "no storage vol with matching name '%s'", name);
    return ret;
}

/* Searches the active pools for a volume whose key (byKey) or path is s. */
static virStorageVolPtr
lookupAcross(virConnectPtr conn, const char *s, bool byKey)
{
    vkTestState *st = conn->privateData;
    virStorageVolPtr ret = NULL;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->pools->len && !ret; i++) {
        vkTestPool *pool = st->pools->pdata[i];

        if (!pool->active)
            continue;
        for (guint j = 0; j < pool->vols->len && !ret; j++) {
            vkStorageVolDef *v = pool->vols->pdata[j];
            if (strcmp(byKey ? v->key : v->path, s) == 0)
                ret = makeHandle(conn, pool, v);
        }
    }
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching %s '%s'",
                      byKey ? "key" : "path", s);
    return ret;
}

virStorageVolPtr
vkTestStorageVolLookupByKey(virConnectPtr conn, const char *key)
{
    return lookupAcross(conn, key, true);
}

virStorageVolPtr
vkTestStorageVolLookupByPath(virConnectPtr conn, const char *path)
{
    return lookupAcross(conn, path, false);
}

/* ---- queries ---- */

int
vkTestStorageVolGetInfo(virStorageVolPtr vol, virStorageVolInfoPtr info)
{
    vkTestState *st;
    vkTestPool *pool;
    vkStorageVolDef *v;

    if (!(v = volGet(vol, &st, &pool)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->type = v->type;
    info->capacity = v->capacity;
    /* In memory the physical size is the allocation. */
    info->allocation = volAllocation(v);
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkTestStorageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *pool;
    vkStorageVolDef *v;
    char *ret;

    vkCheckFlags(0, NULL);
    if (!(v = volGet(vol, &st, &pool)))
        return NULL;
    ret = vkStorageVolDefFormat(v);
    g_mutex_unlock(&st->lock);
    return ret;
}

char *
vkTestStorageVolGetPath(virStorageVolPtr vol)
{
    vkTestState *st;
    vkTestPool *pool;
    vkStorageVolDef *v;
    char *ret;

    if (!(v = volGet(vol, &st, &pool)))
        return NULL;
    ret = g_strdup(v->path);
    g_mutex_unlock(&st->lock);
    return ret;
}


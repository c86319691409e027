/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver's volume calls: listing, lookups, create, clone,
 * delete, wipe, resize, upload/download, info and XML.
 *
 * The idea: a volume's key and path are <pool target>/<name> and come
 * from the driver, never from input.  Long jobs (creating, cloning,
 * wiping, streaming) run with the state unlocked: the new volume is
 * listed as "building" (other calls do not see it, a second create of the
 * name is refused), the pool's busy count keeps it running, and a
 * volume's user count keeps it from being deleted under the job.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define VIR_FROM_THIS VIR_FROM_STORAGE
#include "util/error.h"
#include "drivers/storage/storage-private.h"

vkStorageVol *
vkStorageVolFindIn(GPtrArray *vols, const char *name)
{
    for (guint i = 0; i < vols->len; i++) {
        vkStorageVol *v = vols->pdata[i];

        if (v && strcmp(v->def->name, name) == 0)
            return v;
    }
    return NULL;
}

static vkStorageVol *
findReady(vkStoragePoolObj *obj, const char *name)
{
    vkStorageVol *v = vkStorageVolFindIn(obj->vols, name);

    return v && !v->building ? v : NULL;
}

static virStorageVolPtr
handle(virConnectPtr conn, vkStoragePoolObj *obj, vkStorageVol *v)
{
    return vkGetStorageVol(conn, obj->def->name, v->def->name, v->def->key);
}

/* Locks the state; the volume of a handle in its running pool, or NULL
 * unlocked with the error set. */
static vkStorageVol *
volGet(virStorageVolPtr vol, vkStorageState **stp, vkStoragePoolObj **poolp)
{
    vkStoragePoolObj *obj = vkStoragePoolGetLocked(vol->conn, vol->pool, true, stp);
    vkStorageVol *v;

    if (!obj)
        return NULL;
    if (!(v = findReady(obj, vol->name))) {
        g_mutex_unlock(&(*stp)->lock);
        vkReportError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching name '%s'",
                      vol->name);
        return NULL;
    }
    *poolp = obj;
    return v;
}

/* After a volume changed: the pool's sizes and volume list again.  A
 * failure here does not undo the change; it is only logged. */
static void
refreshAfter(vkStoragePoolObj *obj)
{
    /* the caller's own error (a failed job) survives the refresh */
    virErrorPtr saved = vkErrorSave();

    if (vkStoragePoolRefreshLocked(obj) < 0)
        g_warning("storage driver: cannot refresh pool '%s': %s", obj->def->name,
                  vkErrorIsSet() ? vkErrorGetLast()->message : "unknown error");
    vkErrorRestore(&saved);
}

/* ---- listing and lookups ---- */

static int
storagePoolListAllVolumes(virStoragePoolPtr pool, virStorageVolPtr **vols,
                          unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    int n = 0;

    vkCheckFlags(0, -1);
    if (!(obj = vkStoragePoolGetLocked(pool->conn, pool->name, true, &st)))
        return -1;
    for (guint i = 0; i < obj->vols->len; i++) {
        vkStorageVol *v = obj->vols->pdata[i];

        if (v->building)
            continue;
        n++;
        if (vols)
            g_ptr_array_add(out, handle(pool->conn, obj, v));
    }
    g_mutex_unlock(&st->lock);
    if (vols) {
        g_ptr_array_add(out, NULL);
        *vols = (virStorageVolPtr *)g_ptr_array_free(g_steal_pointer(&out), FALSE);
    }
    return n;
}

static int
storagePoolListVolumes(virStoragePoolPtr pool, char **const names, int maxnames)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    int n = 0;

    if (!(obj = vkStoragePoolGetLocked(pool->conn, pool->name, true, &st)))
        return -1;
    for (guint i = 0; i < obj->vols->len && (!names || n < maxnames); i++) {
        vkStorageVol *v = obj->vols->pdata[i];

        if (v->building)
            continue;
        if (names)
            names[n] = g_strdup(v->def->name);
        n++;
    }
    g_mutex_unlock(&st->lock);
    return n;
}

static int
storagePoolNumOfVolumes(virStoragePoolPtr pool)
{
    return storagePoolListVolumes(pool, NULL, 0);
}

static virStorageVolPtr
storageVolLookupByName(virStoragePoolPtr pool, const char *name)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    virStorageVolPtr ret = NULL;
    vkStorageVol *v;

    if (!(obj = vkStoragePoolGetLocked(pool->conn, pool->name, true, &st)))
        return NULL;
    if ((v = findReady(obj, name)))
        ret = handle(pool->conn, obj, v);
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching name '%s'", name);
    return ret;
}

/* Key and path are the same for file volumes; a path is also found
 * through symlinks and "..". */
static virStorageVolPtr
lookupEverywhere(virConnectPtr conn, const char *want, bool byPath)
{
    vkStorageState *st = vkStorageConnState(conn);
    g_autofree char *canon = byPath ? g_canonicalize_filename(want, "/") : NULL;
    g_autofree char *real = byPath ? realpath(canon, NULL) : NULL;
    virStorageVolPtr ret = NULL;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->pools->len && !ret; i++) {
        vkStoragePoolObj *obj = st->pools->pdata[i];

        for (guint j = 0; obj->active && j < obj->vols->len && !ret; j++) {
            vkStorageVol *v = obj->vols->pdata[j];

            if (v->building)
                continue;
            if (strcmp(v->def->key, want) == 0 ||
                (byPath && (strcmp(v->def->path, canon) == 0 ||
                            (real && strcmp(v->def->path, real) == 0))))
                ret = handle(conn, obj, v);
        }
    }
    g_mutex_unlock(&st->lock);
    if (!ret)
        vkReportError(VIR_ERR_NO_STORAGE_VOL, byPath
                      ? "no storage vol with matching path '%s'"
                      : "no storage vol with matching key %s", want);
    return ret;
}

static virStorageVolPtr
storageVolLookupByKey(virConnectPtr conn, const char *key)
{
    return lookupEverywhere(conn, key, false);
}

static virStorageVolPtr
storageVolLookupByPath(virConnectPtr conn, const char *path)
{
    return lookupEverywhere(conn, path, true);
}

/* ---- create and clone ---- */

static int
checkVolName(const char *name)
{
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/')) {
        vkReportError(VIR_ERR_OPERATION_INVALID,
                      "volume name '%s' cannot be '.', '..' or contain '/'", name);
        return -1;
    }
    return 0;
}

/* The backend of a pool whose volumes a tool makes (partitions, logical
 * volumes); NULL for pools of files. */
static const vkStorageBackend *
blockPool(vkStoragePoolObj *obj)
{
    const vkStorageBackend *be = vkStorageBackendFor(obj->def->type);

    return be && be->volCreate ? be : NULL;
}

/* A copy of a pool's definition for a job running unlocked (a refresh
 * meanwhile rewrites the original's source). */
static vkStoragePoolDef *
poolDefCopy(const vkStoragePoolDef *def)
{
    g_autofree char *xml = vkStoragePoolDefFormat(def);

    return vkStoragePoolDefParseString(xml);
}

/* Registers def (path and key set here) as a building volume of obj;
 * locked.  NULL with the error set when the name is taken. */
static vkStorageVol *
beginCreate(vkStoragePoolObj *obj, vkStorageVolDef *def)
{
    vkStorageVol *v;

    if (checkVolName(def->name) < 0)
        return NULL;
    if (vkStorageVolFindIn(obj->vols, def->name)) {
        vkReportError(VIR_ERR_STORAGE_VOL_EXIST, "'%s'", def->name);
        return NULL;
    }
    g_free(def->path);
    g_free(def->key);
    def->path = g_build_filename(obj->def->targetPath, def->name, NULL);
    def->key = g_strdup(def->path);
    def->type = blockPool(obj) ? VIR_STORAGE_VOL_BLOCK : VIR_STORAGE_VOL_FILE;
    if (!def->format)
        def->format = g_strdup(blockPool(obj) ? "none" : "raw");
    v = g_new0(vkStorageVol, 1);
    v->def = def;
    v->building = true;
    g_ptr_array_add(obj->vols, v);
    obj->busy++;
    return v;
}

/* Ends the job of beginCreate (relocked): the volume becomes ready with
 * what the disk now says, or goes away on failure. */
static virStorageVolPtr
endCreate(virConnectPtr conn, vkStoragePoolObj *obj, vkStorageVol *v, int rc)
{
    virStorageVolPtr ret = NULL;
    vkStorageVolDef *probed;

    obj->busy--;
    if (rc == 0 && blockPool(obj)) {
        /* the volume is what the table or group now lists */
        g_autofree char *name = g_strdup(v->def->name);
        vkStorageVol *made;

        g_ptr_array_remove(obj->vols, v);
        vkStorageVolDefFree(v->def);
        g_free(v);
        refreshAfter(obj);
        if ((made = findReady(obj, name)))
            return handle(conn, obj, made);
        vkReportError(VIR_ERR_INTERNAL_ERROR, "volume '%s' was made but is not listed", name);
        return NULL;
    }
    if (rc == 0 && (probed = vkStorageFileProbe(v->def->path, v->def->name))) {
        vkStorageVolDefFree(v->def);
        v->def = probed;
        v->building = false;
        ret = handle(conn, obj, v);
        refreshAfter(obj);
        return ret;
    }
    if (rc == 0)
        g_unlink(v->def->path);
    g_ptr_array_remove(obj->vols, v);
    vkStorageVolDefFree(v->def);
    g_free(v);
    return NULL;
}

#define CREATE_FLAGS (VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA | \
                      VIR_STORAGE_VOL_CREATE_VALIDATE)

static virStorageVolPtr
storageVolCreateXML(virStoragePoolPtr pool, const char *xml, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVolDef *def;
    vkStorageVol *v;
    virStorageVolPtr ret;
    const vkStorageBackend *be;
    g_autoptr(vkStoragePoolDef) poolDef = NULL;
    int rc;

    vkCheckFlags(CREATE_FLAGS, NULL);
    if (!(def = vkStorageVolDefParseString(xml)))
        return NULL;
    if (!(obj = vkStoragePoolGetLocked(pool->conn, pool->name, true, &st))) {
        vkStorageVolDefFree(def);
        return NULL;
    }
    if ((be = blockPool(obj)))
        poolDef = poolDefCopy(obj->def);
    if ((be && !poolDef) || !(v = beginCreate(obj, def))) {
        g_mutex_unlock(&st->lock);
        vkStorageVolDefFree(def);
        return NULL;
    }
    g_mutex_unlock(&st->lock);
    rc = be ? be->volCreate(poolDef, v->def) : vkStorageFileCreate(v->def, flags);
    g_mutex_lock(&st->lock);
    ret = endCreate(pool->conn, obj, v, rc);
    g_mutex_unlock(&st->lock);
    return ret;
}

/* The source volume of a clone, in any running pool of the state;
 * locked.  Its user count is raised. */
static vkStorageVol *
cloneSource(vkStorageState *st, virStorageVolPtr src, vkStoragePoolObj **srcPool)
{
    vkStoragePoolObj *obj = vkStoragePoolFindByName(st, src->pool);
    vkStorageVol *v = obj && obj->active ? findReady(obj, src->name) : NULL;

    if (!v) {
        vkReportError(VIR_ERR_NO_STORAGE_VOL, "no storage vol with matching name '%s'",
                      src->name);
        return NULL;
    }
    v->users++;
    obj->busy++;
    *srcPool = obj;
    return v;
}

static virStorageVolPtr
storageVolCreateXMLFrom(virStoragePoolPtr pool, const char *xml, virStorageVolPtr clonevol,
                        unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj, *srcPool = NULL;
    g_autoptr(vkStorageVolDef) srcDef = NULL;
    vkStorageVolDef *def;
    vkStorageVol *v, *src;
    virStorageVolPtr ret = NULL;
    int rc;

    vkCheckFlags(CREATE_FLAGS | VIR_STORAGE_VOL_CREATE_REFLINK, NULL);
    if (!(def = vkStorageVolDefParseString(xml)))
        return NULL;
    if (!(obj = vkStoragePoolGetLocked(pool->conn, pool->name, true, &st))) {
        vkStorageVolDefFree(def);
        return NULL;
    }
    if (!(src = cloneSource(st, clonevol, &srcPool))) {
        g_mutex_unlock(&st->lock);
        vkStorageVolDefFree(def);
        return NULL;
    }
    if (blockPool(obj)) {
        vkReportError(VIR_ERR_NO_SUPPORT, "cloning a volume into a '%s' pool is not supported",
                      vkStoragePoolTypeToString(obj->def->type));
        src->users--;
        srcPool->busy--;
        g_mutex_unlock(&st->lock);
        vkStorageVolDefFree(def);
        return NULL;
    }
    srcDef = vkStorageVolDefCopy(src->def);
    /* libvirt's rules: the clone keeps the source's format unless told,
     * and is never smaller than the source. */
    if (!def->format)
        def->format = g_strdup(srcDef->format);
    if (def->capacity < srcDef->capacity)
        def->capacity = srcDef->capacity;
    if (!(v = beginCreate(obj, def))) {
        vkStorageVolDefFree(def);
        rc = -1;
    } else {
        g_mutex_unlock(&st->lock);
        rc = vkStorageFileClone(v->def, srcDef, flags);
        g_mutex_lock(&st->lock);
        ret = endCreate(pool->conn, obj, v, rc);
    }
    src->users--;
    srcPool->busy--;
    g_mutex_unlock(&st->lock);
    return ret;
}

/* ---- jobs on an existing volume ---- */

typedef int (*volJobFn)(vkStorageVolDef *def, void *opaque);

/* Runs fn unlocked on a copy of the volume's definition, then refreshes
 * the pool.  exclusive: refused while another job uses the volume. */
static int
volJob(virStorageVolPtr vol, volJobFn fn, void *opaque)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;
    g_autoptr(vkStorageVolDef) copy = NULL;
    int rc;

    if (!(v = volGet(vol, &st, &obj)))
        return -1;
    copy = vkStorageVolDefCopy(v->def);
    v->users++;
    obj->busy++;
    g_mutex_unlock(&st->lock);
    rc = fn(copy, opaque);
    g_mutex_lock(&st->lock);
    obj->busy--;
    v->users--;
    refreshAfter(obj);
    g_mutex_unlock(&st->lock);
    return rc;
}

static int
wipeJob(vkStorageVolDef *def, void *opaque)
{
    return vkStorageFileWipe(def, *(unsigned int *)opaque);
}

static int
storageVolWipePattern(virStorageVolPtr vol, unsigned int algorithm, unsigned int flags)
{
    vkCheckFlags(0, -1);
    if (algorithm >= VIR_STORAGE_VOL_WIPE_ALG_LAST) {
        vkReportError(VIR_ERR_INVALID_ARG, "wiping algorithm %u not supported", algorithm);
        return -1;
    }
    return volJob(vol, wipeJob, &algorithm);
}

static int
storageVolWipe(virStorageVolPtr vol, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return storageVolWipePattern(vol, VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0);
}

static int
storageVolDelete(virStorageVolPtr vol, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;
    const vkStorageBackend *be;
    int ret = -1;

    vkCheckFlags(VIR_STORAGE_VOL_DELETE_ZEROED | VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS, -1);
    if ((flags & VIR_STORAGE_VOL_DELETE_ZEROED) &&
        storageVolWipePattern(vol, VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0) < 0)
        return -1;
    if (!(v = volGet(vol, &st, &obj)))
        return -1;
    if (v->users) {
        vkReportError(VIR_ERR_OPERATION_INVALID, "volume '%s' is still in use.",
                      v->def->name);
    } else if ((be = blockPool(obj)) ? be->volDelete(obj->def, v->def) < 0
                                     : (g_unlink(v->def->path) < 0 && errno != ENOENT)) {
        if (!be)
            vkReportSystemError(errno, "cannot unlink file '%s'", v->def->path);
    } else {
        g_ptr_array_remove(obj->vols, v);
        vkStorageVolDefFree(v->def);
        g_free(v);
        refreshAfter(obj);
        ret = 0;
    }
    g_mutex_unlock(&st->lock);
    return ret;
}

typedef struct {
    unsigned long long capacity;
    unsigned int flags;
    unsigned long long available;
} resizeArgs;

static int
resizeJob(vkStorageVolDef *def, void *opaque)
{
    resizeArgs *a = opaque;
    unsigned long long cap = a->capacity;

    if (a->flags & VIR_STORAGE_VOL_RESIZE_DELTA) {
        if (a->flags & VIR_STORAGE_VOL_RESIZE_SHRINK)
            cap = def->capacity > cap ? def->capacity - cap : 0;
        else
            cap = def->capacity + cap;
    }
    /* libvirt's order: below the allocation first, whatever the flags */
    if (cap < def->allocation) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "can't shrink capacity below existing allocation");
        return -1;
    }
    if (cap < def->capacity && !(a->flags & VIR_STORAGE_VOL_RESIZE_SHRINK)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "Can't shrink capacity below current capacity unless shrink "
                      "flag explicitly specified");
        return -1;
    }
    if (cap == 0) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "can't shrink capacity below zero");
        return -1;
    }
    if ((a->flags & VIR_STORAGE_VOL_RESIZE_ALLOCATE) && cap > def->allocation &&
        cap - def->allocation > a->available) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s", "Not enough space left in storage pool");
        return -1;
    }
    return vkStorageFileResize(def, cap, a->flags);
}

static int
storageVolResize(virStorageVolPtr vol, unsigned long long capacity, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    resizeArgs a = { capacity, flags, 0 };

    vkCheckFlags(VIR_STORAGE_VOL_RESIZE_ALLOCATE | VIR_STORAGE_VOL_RESIZE_DELTA |
                 VIR_STORAGE_VOL_RESIZE_SHRINK, -1);
    if (!volGet(vol, &st, &obj))
        return -1;
    if (blockPool(obj)) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_NO_SUPPORT, "%s",
                      "storage pool does not support changing of volume capacity");
        return -1;
    }
    a.available = obj->def->available;
    g_mutex_unlock(&st->lock);
    return volJob(vol, resizeJob, &a);
}

/* ---- streams ---- */

static int
openStream(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
           unsigned long long length, bool upload)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;
    int rc;

    if (!(v = volGet(vol, &st, &obj)))
        return -1;
    if (upload && v->users) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "volume '%s' is still in use.",
                      vol->name);
        return -1;
    }
    rc = vkStorageFileOpenStream(stream, v->def->path, upload, offset, length);
    g_mutex_unlock(&st->lock);
    return rc;
}

static int
storageVolUpload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
                 unsigned long long length, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return openStream(vol, stream, offset, length, true);
}

static int
storageVolDownload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
                   unsigned long long length, unsigned int flags)
{
    vkCheckFlags(0, -1);
    return openStream(vol, stream, offset, length, false);
}

/* ---- queries ---- */

static int
storageVolGetInfoFlags(virStorageVolPtr vol, virStorageVolInfoPtr info, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;

    vkCheckFlags(VIR_STORAGE_VOL_GET_PHYSICAL, -1);
    if (!(v = volGet(vol, &st, &obj)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->type = v->def->type;
    info->capacity = v->def->capacity;
    info->allocation = (flags & VIR_STORAGE_VOL_GET_PHYSICAL) ? v->def->physical
                                                               : v->def->allocation;
    g_mutex_unlock(&st->lock);
    return 0;
}

static int
storageVolGetInfo(virStorageVolPtr vol, virStorageVolInfoPtr info)
{
    return storageVolGetInfoFlags(vol, info, 0);
}

static char *
storageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;
    char *ret;

    vkCheckFlags(0, NULL);
    if (!(v = volGet(vol, &st, &obj)))
        return NULL;
    ret = vkStorageVolDefFormat(v->def);
    g_mutex_unlock(&st->lock);
    return ret;
}

static char *
storageVolGetPath(virStorageVolPtr vol)
{
    vkStorageState *st;
    vkStoragePoolObj *obj;
    vkStorageVol *v;
    char *ret;

    if (!(v = volGet(vol, &st, &obj)))
        return NULL;
    ret = g_strdup(v->def->path);
    g_mutex_unlock(&st->lock);
    return ret;
}

void vkStorageVolFillTable(virHypervisorDriver *t);
void
vkStorageVolFillTable(virHypervisorDriver *t)
{
    t->storagePoolListAllVolumes = storagePoolListAllVolumes;
    t->storagePoolListVolumes = storagePoolListVolumes;
    t->storagePoolNumOfVolumes = storagePoolNumOfVolumes;
    t->storageVolLookupByName = storageVolLookupByName;
    t->storageVolLookupByKey = storageVolLookupByKey;
    t->storageVolLookupByPath = storageVolLookupByPath;
    t->storageVolCreateXML = storageVolCreateXML;
    t->storageVolCreateXMLFrom = storageVolCreateXMLFrom;
    t->storageVolDelete = storageVolDelete;
    t->storageVolWipe = storageVolWipe;
    t->storageVolWipePattern = storageVolWipePattern;
    t->storageVolResize = storageVolResize;
    t->storageVolUpload = storageVolUpload;
    t->storageVolDownload = storageVolDownload;
    t->storageVolGetInfo = storageVolGetInfo;
    t->storageVolGetInfoFlags = storageVolGetInfoFlags;
    t->storageVolGetXMLDesc = storageVolGetXMLDesc;
    t->storageVolGetPath = storageVolGetPath;
}

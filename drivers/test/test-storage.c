/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pools and volumes of the test hypervisor, in memory only, with
 * libvirt's test driver's default pool 'default-pool' (a 100 GiB dir pool
 * at /default-pool).
 *
 * The idea: a pool's sizes are bookkeeping, not measurement.  Every volume
 * created or deleted moves its allocation between the pool's "allocation"
 * and "available", so the numbers always add up to the capacity and a
 * volume that does not fit is refused, as on a real host.  A volume's key
 * and path are <pool target>/<name>.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/uuid.h"
#include "conf/storage-conf.h"
#include "conf/domain-conf-priv.h"
#include "drivers/test/test-objects.h"

#define DEFAULT_POOL_CAPACITY (100ULL << 30)

static const char defaultPoolXML[] =
    "<pool type='dir'>"
    "<name>default-pool</name>"
    "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>"
    "<target><path>/default-pool</path></target>"
    "</pool>";

static void
poolFree(vkTestPool *obj)
{
    if (!obj)
        return;
    vkStoragePoolDefFree(obj->def);
    g_ptr_array_unref(obj->vols);
    g_free(obj);
}

static vkTestPool *
poolNew(vkStoragePoolDef *def)
{
    vkTestPool *obj = g_new0(vkTestPool, 1);

    obj->def = def;
    def->capacity = DEFAULT_POOL_CAPACITY;
    def->allocation = 0;
    def->available = DEFAULT_POOL_CAPACITY;
    obj->vols = g_ptr_array_new_with_free_func((GDestroyNotify)vkStorageVolDefFree);
    return obj;
}

int
vkTestStorageInit(vkTestState *st, bool defaults)
{
    vkStoragePoolDef *def;
    vkTestPool *obj;

    if (!st->pools)
        st->pools = g_ptr_array_new_with_free_func((GDestroyNotify)poolFree);
    if (!defaults)
        return 0;
    if (!(def = vkStoragePoolDefParseString(defaultPoolXML)))
        return -1;
    obj = poolNew(def);
    obj->active = true;
    obj->persistent = true;
    g_ptr_array_add(st->pools, obj);
    return 0;
}

int
vkTestStorageAddHost(vkTestState *st, const char *xml, GPtrArray *volumeXMLs)
{
    vkStoragePoolDef *def = vkStoragePoolDefParseString(xml);
    vkTestPool *obj;

    if (!def)
        return -1;
    obj = poolNew(def);
    obj->active = true;
    obj->persistent = true;
    g_ptr_array_add(st->pools, obj);
    for (guint i = 0; i < volumeXMLs->len; i++) {
        vkStorageVolDef *v = vkStorageVolDefParseString(volumeXMLs->pdata[i]);

        if (!v || !vkTestPoolAddVolume(obj, v)) {
            vkStorageVolDefFree(v);
            return -1;
        }
    }
    return 0;
}

static virStoragePoolPtr
makeHandle(virConnectPtr conn, vkTestPool *obj)
{
    return vkGetStoragePool(conn, obj->def->name, obj->def->uuid);
}

static GPtrArray *
poolObjects(vkTestState *st)
{
    return st->pools;
}

static void
poolFields(void *opaque, vkTestObjFields *out)
{
    vkTestPool *obj = opaque;

    out->name = obj->def->name;
    out->uuid = obj->def->uuid;
    out->active = &obj->active;
    out->persistent = &obj->persistent;
    out->autostart = &obj->autostart;
}

static void *
poolHandle(virConnectPtr conn, void *obj)
{
    return makeHandle(conn, obj);
}

static const vkTestObjClass poolClass = {
    .noun = "storage pool",
    .conflictNoun = "pool",
    .conflictDomain = VIR_FROM_STORAGE,
    .noObjectError = VIR_ERR_NO_STORAGE_POOL,
    .objects = poolObjects,
    .fields = poolFields,
    .handle = poolHandle,
};

/* Locks the state and finds a handle's pool; NULL unlocked with
 * VIR_ERR_NO_STORAGE_POOL when it is gone. */
static vkTestPool *
poolGet(virStoragePoolPtr pool, vkTestState **stp)
{
    return vkTestObjGet(&poolClass, pool->conn, pool->name, pool->uuid, stp);
}

/* Called locked: reports and unlocks unless the pool is active (want
 * true) or inactive (want false). */
static bool
requireActive(vkTestState *st, vkTestPool *obj, bool want)
{
    if (obj->active == want)
        return true;
    g_mutex_unlock(&st->lock);
    vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is %s",
                  obj->def->name, want ? "not active" : "active");
    return false;
}

/* Locked pool lookup that also requires it to be active. */
static vkTestPool *
poolGetActive(virStoragePoolPtr pool, vkTestState **stp)
{
    vkTestPool *obj = poolGet(pool, stp);

    if (obj && !requireActive(*stp, obj, true))
        return NULL;
    return obj;
}

static void
emit(vkTestState *st, vkTestPool *obj, int event)
{
    if (st->events)
        vkStoragePoolEventQueueLifecycle(st->events, obj->def->name, obj->def->uuid,
                                         event, 0);
}

/* ---- listing ---- */

int
vkTestConnectNumOfStoragePools(virConnectPtr conn)
{
    return vkTestObjCount(&poolClass, conn, true);
}

int
vkTestConnectListStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    return vkTestObjListNames(&poolClass, conn, names, maxnames, true);
}

int
vkTestConnectNumOfDefinedStoragePools(virConnectPtr conn)
{
    return vkTestObjCount(&poolClass, conn, false);
}

int
vkTestConnectListDefinedStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    return vkTestObjListNames(&poolClass, conn, names, maxnames, false);
}

#define POOL_TYPE_FLAGS (((1u << VK_STORAGE_POOL_LAST) - 1) << 6)

/* The pool type bits of listAllStoragePools, one per vkStoragePoolType. */
static bool
poolTypeMatches(void *opaque, unsigned int flags)
{
    vkTestPool *obj = opaque;

    return !(flags & POOL_TYPE_FLAGS) || (flags & (1u << (6 + obj->def->type)));
}

int
vkTestConnectListAllStoragePools(virConnectPtr conn, virStoragePoolPtr **pools,
                                 unsigned int flags)
{
    void **handles = NULL;
    int n;

    vkCheckFlags(VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
                 VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE |
                 VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT |
                 VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT |
                 VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART |
                 VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART | POOL_TYPE_FLAGS, -1);
    n = vkTestObjListAll(&poolClass, conn, flags, poolTypeMatches, pools ? &handles : NULL);
    if (pools)
        *pools = (virStoragePoolPtr *)handles;
    return n;
}

/* ---- pool lookups ---- */

virStoragePoolPtr
vkTestStoragePoolLookupByName(virConnectPtr conn, const char *name)
{
    return vkTestObjLookupByName(&poolClass, conn, name);
}

virStoragePoolPtr
vkTestStoragePoolLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    return vkTestObjLookupByUUID(&poolClass, conn, uuid);
}

virStoragePoolPtr
vkTestStoragePoolLookupByVolume(virStorageVolPtr vol)
{
    return vkTestStoragePoolLookupByName(vol->conn, vol->pool);
}

/* ---- pool define, create, build, undefine, destroy, delete, refresh ---- */

/* Moves the run-time sizes of the old definition onto its replacement. */
static void
replaceDef(vkTestPool *obj, vkStoragePoolDef *def)
{
    def->capacity = obj->def->capacity;
    def->allocation = obj->def->allocation;
    def->available = obj->def->available;
    vkStoragePoolDefFree(obj->def);
    obj->def = def;
}

/* defineXML (start false) and createXML (start true), flags checked. */
static virStoragePoolPtr
poolAdd(virConnectPtr conn, const char *xml, bool start)
{
    vkTestState *st = conn->privateData;
    g_autoptr(vkStoragePoolDef) def = NULL;
    virStoragePoolPtr ret;
    vkTestPool *obj;
    bool err;

    if (!(def = vkStoragePoolDefParseString(xml)))
        return NULL;

    g_mutex_lock(&st->lock);
    obj = vkTestObjCheckConflict(&poolClass, st, def->name, def->uuid, &err);
    if (err) {
        g_mutex_unlock(&st->lock);
        return NULL;
    }
    if (obj && (start || obj->active)) {
        bool active = obj->active;

        g_mutex_unlock(&st->lock);
        if (start)
            vkReportError(VIR_ERR_OPERATION_INVALID, "storage pool '%s' is already %s",
                          def->name, active ? "active" : "defined");
        else
            vkReportError(VIR_ERR_OPERATION_INVALID,
                          "storage pool '%s' is active; destroy it before redefining it",
                          def->name);
        return NULL;
    }
    if (obj) {
        replaceDef(obj, g_steal_pointer(&def));
    } else {
        obj = poolNew(g_steal_pointer(&def));
        g_ptr_array_add(st->pools, obj);
    }
    if (start)
        obj->active = true;
    else
        obj->persistent = true;
    emit(st, obj, start ? VIR_STORAGE_POOL_EVENT_STARTED : VIR_STORAGE_POOL_EVENT_DEFINED);
    ret = makeHandle(conn, obj);
    g_mutex_unlock(&st->lock);
    return ret;
}

virStoragePoolPtr
vkTestStoragePoolDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(VIR_STORAGE_POOL_DEFINE_VALIDATE, NULL);
    return poolAdd(conn, xml, false);
}

#define POOL_CREATE_FLAGS (VIR_STORAGE_POOL_CREATE_WITH_BUILD | \
                           VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE | \
                           VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)

static int
checkBuildFlags(unsigned int flags, unsigned int overwrite, unsigned int noOverwrite)
{
    if ((flags & overwrite) && (flags & noOverwrite)) {
        vkReportError(VIR_ERR_INVALID_ARG, "%s",
                      "overwrite and no-overwrite build flags are mutually exclusive");
        return -1;
    }
    return 0;
}

virStoragePoolPtr
vkTestStoragePoolCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkCheckFlags(POOL_CREATE_FLAGS, NULL);
    if (checkBuildFlags(flags, VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE,
                        VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return NULL;
    return poolAdd(conn, xml, true);
}

int
vkTestStoragePoolCreate(virStoragePoolPtr pool, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;

    vkCheckFlags(POOL_CREATE_FLAGS, -1);
    if (checkBuildFlags(flags, VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE,
                        VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) < 0)
        return -1;
    if (!(obj = poolGet(pool, &st)) || !requireActive(st, obj, false))
        return -1;
    obj->active = true;
    emit(st, obj, VIR_STORAGE_POOL_EVENT_STARTED);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestStoragePoolBuild(virStoragePoolPtr pool, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;

    vkCheckFlags(VIR_STORAGE_POOL_BUILD_NEW | VIR_STORAGE_POOL_BUILD_REPAIR |
                 VIR_STORAGE_POOL_BUILD_RESIZE | VIR_STORAGE_POOL_BUILD_NO_OVERWRITE |
                 VIR_STORAGE_POOL_BUILD_OVERWRITE, -1);
    if (checkBuildFlags(flags, VIR_STORAGE_POOL_BUILD_OVERWRITE,
                        VIR_STORAGE_POOL_BUILD_NO_OVERWRITE) < 0)
        return -1;
    if (!(obj = poolGet(pool, &st)) || !requireActive(st, obj, false))
        return -1;
    emit(st, obj, VIR_STORAGE_POOL_EVENT_CREATED);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestStoragePoolUndefine(virStoragePoolPtr pool)
{
    vkTestState *st;
    vkTestPool *obj;

    if (!(obj = poolGet(pool, &st)) || !requireActive(st, obj, false))
        return -1;
    emit(st, obj, VIR_STORAGE_POOL_EVENT_UNDEFINED);
    g_ptr_array_remove(st->pools, obj);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestStoragePoolDestroy(virStoragePoolPtr pool)
{
    vkTestState *st;
    vkTestPool *obj;

    if (!(obj = poolGetActive(pool, &st)))
        return -1;
    obj->active = false;
    emit(st, obj, VIR_STORAGE_POOL_EVENT_STOPPED);
    if (!obj->persistent)
        g_ptr_array_remove(st->pools, obj);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestStoragePoolDelete(virStoragePoolPtr pool, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;

    vkCheckFlags(VIR_STORAGE_POOL_DELETE_ZEROED, -1);
    if (!(obj = poolGet(pool, &st)) || !requireActive(st, obj, false))
        return -1;
    emit(st, obj, VIR_STORAGE_POOL_EVENT_DELETED);
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestStoragePoolRefresh(virStoragePoolPtr pool, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;

    vkCheckFlags(0, -1);
    if (!(obj = poolGetActive(pool, &st)))
        return -1;
    if (st->events)
        vkStoragePoolEventQueueRefresh(st->events, obj->def->name, obj->def->uuid);
    g_mutex_unlock(&st->lock);
    return 0;
}

/* ---- pool queries ---- */

int
vkTestStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info)
{
    vkTestState *st;
    vkTestPool *obj;

    if (!(obj = poolGet(pool, &st)))
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = obj->active ? VIR_STORAGE_POOL_RUNNING : VIR_STORAGE_POOL_INACTIVE;
    info->capacity = obj->def->capacity;
    info->allocation = obj->def->allocation;
    info->available = obj->def->available;
    g_mutex_unlock(&st->lock);
    return 0;
}

char *
vkTestStoragePoolGetXMLDesc(virStoragePoolPtr pool, unsigned int flags)
{
    vkTestState *st;
    vkTestPool *obj;
    char *ret;

    vkCheckFlags(VIR_STORAGE_XML_INACTIVE, NULL);
    if (!(obj = poolGet(pool, &st)))
        return NULL;
    ret = vkStoragePoolDefFormat(obj->def);
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestStoragePoolGetAutostart(virStoragePoolPtr pool, int *autostart)
{
    return vkTestObjGetAutostart(&poolClass, pool->conn, pool->name, pool->uuid, autostart);
}

int
vkTestStoragePoolSetAutostart(virStoragePoolPtr pool, int autostart)
{
    return vkTestObjSetAutostart(&poolClass, pool->conn, pool->name, pool->uuid, autostart);
}

int
vkTestStoragePoolIsActive(virStoragePoolPtr pool)
{
    return vkTestObjIsActive(&poolClass, pool->conn, pool->name, pool->uuid);
}

int
vkTestStoragePoolIsPersistent(virStoragePoolPtr pool)
{
    return vkTestObjIsPersistent(&poolClass, pool->conn, pool->name, pool->uuid);
}

/* ---- events ---- */

int
vkTestConnectStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                         int eventID,
                                         virConnectStoragePoolEventGenericCallback cb,
                                         void *opaque, virFreeCallback freecb)
{
    vkTestState *st = conn->privateData;

    return vkStoragePoolEventRegisterAny(st->events, conn, pool, eventID, cb,
                                         opaque, freecb);
}

int
vkTestConnectStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    vkTestState *st = conn->privateData;

    return vkObjectEventDeregisterAny(st->events, conn, VK_EVENT_FAMILY_STORAGE_POOL,
                                      callbackID);
}

/* ---- for the volume calls (test-storage-vol.c) ---- */

vkTestPool *
vkTestStoragePoolGetActive(virStoragePoolPtr pool, vkTestState **stp)
{
    return poolGetActive(pool, stp);
}

vkTestPool *
vkTestStoragePoolFind(vkTestState *st, const char *name)
{
    return vkTestObjFindByName(&poolClass, st, name);
}

bool
vkTestStoragePoolRequireActive(vkTestState *st, vkTestPool *obj)
{
    return requireActive(st, obj, true);
}

/* ---- source discovery: libvirt's test driver's made-up answers ---- */

static const char logicalSources[] =
    "<sources>\n"
    "  <source>\n"
    "    <device path='/dev/sda20'/>\n"
    "    <name>testvg1</name>\n"
    "    <format type='lvm2'/>\n"
    "  </source>\n"
    "  <source>\n"
    "    <device path='/dev/sda21'/>\n"
    "    <name>testvg2</name>\n"
    "    <format type='lvm2'/>\n"
    "  </source>\n"
    "</sources>\n";

/* As libvirt 9.0's test driver, to the letter: "dir" (type 0) is taken
 * for an unknown type, a name it does not know for a known type without
 * discovery; logical and netfs answer fixed sources. */
char *
vkTestConnectFindStoragePoolSources(virConnectPtr conn, const char *type, const char *srcSpec,
                                    unsigned int flags)
{
    g_autofree char *host = NULL;
    int t = 0;
    bool bad;

    (void)conn;
    if (flags) {
        vkReportError(VIR_ERR_INVALID_ARG,
                      "unsupported flags (0x%x) in function testConnectFindStoragePoolSources",
                      flags);
        return NULL;
    }
    while (t < VK_STORAGE_POOL_LAST && strcmp(vkStoragePoolTypeToString(t), type) != 0)
        t++;
    if (t == 0) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "unknown storage pool type %s", type);
        return NULL;
    }
    host = vkStoragePoolSourceSpecHost(srcSpec, &bad);
    if (bad)
        return NULL;
    if (t == VK_STORAGE_POOL_LOGICAL)
        return g_strdup(logicalSources);
    if (t == VK_STORAGE_POOL_NETFS) {
        g_autofree char *name = NULL;

        if (!host) {
            vkReportError(VIR_ERR_INVALID_ARG, "%s",
                          "hostname must be specified for netfs sources");
            return NULL;
        }
        name = g_markup_escape_text(host, -1);
        return g_strdup_printf("<sources>\n  <source>\n    <host name='%s'/>\n"
                               "    <dir path='/testshare'/>\n    <format type='nfs'/>\n"
                               "  </source>\n</sources>\n", name);
    }
    vkReportError(VIR_ERR_NO_SUPPORT, "pool type '%s' does not support source discovery",
                  type);
    return NULL;
}

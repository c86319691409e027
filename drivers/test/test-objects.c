/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared bookkeeping of the test driver's networks and storage pools; see
 * test-objects.h.
 */
#include <string.h>

#define VIR_FROM_THIS VIR_FROM_TEST
#include "util/error.h"
#include "util/uuid.h"
#include "drivers/test/test-objects.h"

/* vkTestObjListAll serves both kinds with the network flag names. */
#define SAME_BIT(name) \
    ((int)VIR_CONNECT_LIST_NETWORKS_##name == (int)VIR_CONNECT_LIST_STORAGE_POOLS_##name)
G_STATIC_ASSERT(SAME_BIT(ACTIVE) && SAME_BIT(INACTIVE) && SAME_BIT(PERSISTENT) &&
                SAME_BIT(TRANSIENT) && SAME_BIT(AUTOSTART) && SAME_BIT(NO_AUTOSTART));
#undef SAME_BIT

static vkTestObjFields
fieldsOf(const vkTestObjClass *cls, void *obj)
{
    vkTestObjFields f;

    cls->fields(obj, &f);
    return f;
}

void *
vkTestObjFindByName(const vkTestObjClass *cls, vkTestState *st, const char *name)
{
    GPtrArray *objs = cls->objects(st);

    for (guint i = 0; i < objs->len; i++) {
        if (strcmp(fieldsOf(cls, objs->pdata[i]).name, name) == 0)
            return objs->pdata[i];
    }
    return NULL;
}

void *
vkTestObjFindByUUID(const vkTestObjClass *cls, vkTestState *st, const unsigned char *uuid)
{
    GPtrArray *objs = cls->objects(st);

    for (guint i = 0; i < objs->len; i++) {
        if (memcmp(fieldsOf(cls, objs->pdata[i]).uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return objs->pdata[i];
    }
    return NULL;
}

void *
vkTestObjGet(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
             const unsigned char *uuid, vkTestState **stp)
{
    vkTestState *st = conn->privateData;
    void *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if (!(obj = vkTestObjFindByUUID(cls, st, uuid))) {
        g_mutex_unlock(&st->lock);
        vkReportError(cls->noObjectError, "no %s with matching uuid '%s' (%s)",
                      cls->noun, vkUUIDFormat(uuid, uuidstr), name);
        return NULL;
    }
    *stp = st;
    return obj;
}

/* ---- listing ---- */

int
vkTestObjCount(const vkTestObjClass *cls, virConnectPtr conn, bool active)
{
    vkTestState *st = conn->privateData;
    GPtrArray *objs;
    int n = 0;

    g_mutex_lock(&st->lock);
    objs = cls->objects(st);
    for (guint i = 0; i < objs->len; i++)
        n += *fieldsOf(cls, objs->pdata[i]).active == active;
    g_mutex_unlock(&st->lock);
    return n;
}

int
vkTestObjListNames(const vkTestObjClass *cls, virConnectPtr conn, char **const names,
                   int maxnames, bool active)
{
    vkTestState *st = conn->privateData;
    GPtrArray *objs;
    int n = 0;

    g_mutex_lock(&st->lock);
    objs = cls->objects(st);
    for (guint i = 0; i < objs->len && n < maxnames; i++) {
        vkTestObjFields f = fieldsOf(cls, objs->pdata[i]);
        if (*f.active == active)
            names[n++] = g_strdup(f.name);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

/* A flag pair filters only when exactly one of its two bits is set. */
int
vkTestObjListAll(const vkTestObjClass *cls, virConnectPtr conn, unsigned int flags,
                 bool (*match)(void *obj, unsigned int flags), void ***handles)
{
    vkTestState *st = conn->privateData;
    GPtrArray *objs;
    GPtrArray *out = g_ptr_array_new();
    int n;

    g_mutex_lock(&st->lock);
    objs = cls->objects(st);
    for (guint i = 0; i < objs->len; i++) {
        void *obj = objs->pdata[i];
        vkTestObjFields f = fieldsOf(cls, obj);

        if (!vkListFlagsMatch(flags, *f.active, *f.persistent, *f.autostart) ||
            (match && !match(obj, flags)))
            continue;
        g_ptr_array_add(out, handles ? cls->handle(conn, obj) : obj);
    }
    g_mutex_unlock(&st->lock);

    n = (int)out->len;
    if (handles) {
        g_ptr_array_add(out, NULL);
        *handles = g_ptr_array_free(out, FALSE);
    } else {
        g_ptr_array_unref(out);
    }
    return n;
}

/* ---- lookups ---- */

void *
vkTestObjLookupByName(const vkTestObjClass *cls, virConnectPtr conn, const char *name)
{
    vkTestState *st = conn->privateData;
    void *ret = NULL;
    void *obj;

    g_mutex_lock(&st->lock);
    if ((obj = vkTestObjFindByName(cls, st, name)))
        ret = cls->handle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(cls->noObjectError, "no %s with matching name '%s'", cls->noun, name);
    return ret;
}

void *
vkTestObjLookupByUUID(const vkTestObjClass *cls, virConnectPtr conn,
                      const unsigned char *uuid)
{
    vkTestState *st = conn->privateData;
    void *ret = NULL;
    void *obj;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if ((obj = vkTestObjFindByUUID(cls, st, uuid)))
        ret = cls->handle(conn, obj);
    g_mutex_unlock(&st->lock);
    if (!obj)
        vkReportError(cls->noObjectError, "no %s with matching uuid '%s'", cls->noun,
                      vkUUIDFormat(uuid, uuidstr));
    return ret;
}

/* ---- define ---- */

void *
vkTestObjCheckConflict(const vkTestObjClass *cls, vkTestState *st, const char *name,
                       const unsigned char *uuid, bool *err)
{
    void *obj;
    vkTestObjFields f;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    *err = false;
    if ((obj = vkTestObjFindByUUID(cls, st, uuid))) {
        f = fieldsOf(cls, obj);
        if (strcmp(f.name, name) != 0) {
            vkReportErrorFull(cls->conflictDomain, VIR_ERR_OPERATION_FAILED, __FILE__,
                              __func__, __LINE__, "%s '%s' is already defined with uuid %s",
                              cls->conflictNoun, f.name, vkUUIDFormat(f.uuid, uuidstr));
            *err = true;
            return NULL;
        }
        return obj;
    }
    if ((obj = vkTestObjFindByName(cls, st, name))) {
        f = fieldsOf(cls, obj);
        vkReportErrorFull(cls->conflictDomain, VIR_ERR_OPERATION_FAILED, __FILE__,
                          __func__, __LINE__, "%s '%s' already exists with uuid %s",
                          cls->conflictNoun, f.name, vkUUIDFormat(f.uuid, uuidstr));
        *err = true;
    }
    return NULL;
}

/* ---- flags ---- */

int
vkTestObjGetAutostart(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                      const unsigned char *uuid, int *autostart)
{
    vkTestState *st;
    void *obj;

    if (!(obj = vkTestObjGet(cls, conn, name, uuid, &st)))
        return -1;
    *autostart = *fieldsOf(cls, obj).autostart;
    g_mutex_unlock(&st->lock);
    return 0;
}

int
vkTestObjSetAutostart(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                      const unsigned char *uuid, int autostart)
{
    vkTestState *st;
    vkTestObjFields f;
    void *obj;

    if (!(obj = vkTestObjGet(cls, conn, name, uuid, &st)))
        return -1;
    f = fieldsOf(cls, obj);
    if (!*f.persistent) {
        g_mutex_unlock(&st->lock);
        vkReportError(VIR_ERR_OPERATION_INVALID, "cannot set autostart for transient %s '%s'",
                      cls->noun, name);
        return -1;
    }
    *f.autostart = autostart != 0;
    g_mutex_unlock(&st->lock);
    return 0;
}

/* IsActive (persistent false) and IsPersistent. */
static int
readFlag(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
         const unsigned char *uuid, bool persistent)
{
    vkTestState *st;
    vkTestObjFields f;
    void *obj;
    int ret;

    if (!(obj = vkTestObjGet(cls, conn, name, uuid, &st)))
        return -1;
    f = fieldsOf(cls, obj);
    ret = persistent ? *f.persistent : *f.active;
    g_mutex_unlock(&st->lock);
    return ret;
}

int
vkTestObjIsActive(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                  const unsigned char *uuid)
{
    return readFlag(cls, conn, name, uuid, false);
}

int
vkTestObjIsPersistent(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                      const unsigned char *uuid)
{
    return readFlag(cls, conn, name, uuid, true);
}

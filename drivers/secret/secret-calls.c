/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secret driver's table members: define, undefine, lookups, lists,
 * values and events, with libvirt 9.0's rules and messages.
 *
 * The rules that matter: a UUID keeps its usage (redefining it for
 * another usage ID is refused), a usage belongs to one UUID, a private
 * secret cannot be made public again, and a private value never leaves
 * the driver through the public API (virSecretGetValue answers "secret is
 * private" in-process and over the wire alike).  Disk is written before
 * memory changes, so a call that fails leaves both as they were.
 */
#include <string.h>
#include <strings.h>

#define VIR_FROM_THIS VIR_FROM_SECRET
#include "util/error.h"
#include "util/uuid.h"
#include "core/driver.h"
#include "drivers/secret/secret-private.h"

#define LIST_FLAGS \
    (VIR_CONNECT_LIST_SECRETS_EPHEMERAL | VIR_CONNECT_LIST_SECRETS_NO_EPHEMERAL | \
     VIR_CONNECT_LIST_SECRETS_PRIVATE | VIR_CONNECT_LIST_SECRETS_NO_PRIVATE)

static vkSecretObj *
findByUUID(vkSecretState *st, const unsigned char *uuid)
{
    for (guint i = 0; i < st->secrets->len; i++) {
        vkSecretObj *obj = st->secrets->pdata[i];

        if (memcmp(obj->def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return obj;
    }
    return NULL;
}

static vkSecretObj *
findByUsage(vkSecretState *st, int usageType, const char *usageID)
{
    for (guint i = 0; i < st->secrets->len; i++) {
        vkSecretObj *obj = st->secrets->pdata[i];

        if (obj->def->usageType == usageType && usageType != VIR_SECRET_USAGE_TYPE_NONE &&
            g_strcmp0(obj->def->usageID, usageID) == 0)
            return obj;
    }
    return NULL;
}

/* The object behind a handle, under st->lock; NULL with VIR_ERR_NO_SECRET. */
static vkSecretObj *
objOf(vkSecretState *st, virSecretPtr secret)
{
    vkSecretObj *obj = findByUUID(st, secret->uuid);
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!obj)
        vkReportError(VIR_ERR_NO_SECRET, "no secret with matching uuid '%s'",
                      vkUUIDFormat(secret->uuid, uuid));
    return obj;
}

static virSecretPtr
handleOf(virConnectPtr conn, const vkSecretDef *def)
{
    return vkGetSecret(conn, def->uuid, def->usageType, def->usageID ? def->usageID : "");
}

static int
secretConnectNumOfSecrets(virConnectPtr conn)
{
    vkSecretState *st = vkSecretConnState(conn);
    int n;

    g_mutex_lock(&st->lock);
    n = (int)st->secrets->len;
    g_mutex_unlock(&st->lock);
    return n;
}

static int
secretConnectListSecrets(virConnectPtr conn, char **uuids, int maxuuids)
{
    vkSecretState *st = vkSecretConnState(conn);
    int n = 0;

    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->secrets->len && n < maxuuids; i++) {
        vkSecretObj *obj = st->secrets->pdata[i];

        uuids[n] = g_malloc(VIR_UUID_STRING_BUFLEN);
        vkUUIDFormat(obj->def->uuid, uuids[n++]);
    }
    g_mutex_unlock(&st->lock);
    return n;
}

static bool
listMatches(const vkSecretDef *def, unsigned int flags)
{
    return vkListFlagPairMatches(flags, VIR_CONNECT_LIST_SECRETS_EPHEMERAL,
                                 VIR_CONNECT_LIST_SECRETS_NO_EPHEMERAL, def->ephemeral) &&
           vkListFlagPairMatches(flags, VIR_CONNECT_LIST_SECRETS_PRIVATE,
                                 VIR_CONNECT_LIST_SECRETS_NO_PRIVATE, def->isPrivate);
}

static int
secretConnectListAllSecrets(virConnectPtr conn, virSecretPtr **secrets, unsigned int flags)
{
    vkSecretState *st = vkSecretConnState(conn);
    GPtrArray *list;
    int n;

    vkCheckFlags(LIST_FLAGS, -1);
    list = g_ptr_array_new();
    g_mutex_lock(&st->lock);
    for (guint i = 0; i < st->secrets->len; i++) {
        vkSecretObj *obj = st->secrets->pdata[i];

        if (listMatches(obj->def, flags))
            g_ptr_array_add(list, secrets ? (void *)handleOf(conn, obj->def) : obj);
    }
    g_mutex_unlock(&st->lock);
    n = (int)list->len;
    if (secrets) {
        g_ptr_array_add(list, NULL);
        *secrets = (virSecretPtr *)g_ptr_array_free(list, FALSE);
    } else {
        g_ptr_array_free(list, TRUE);
    }
    return n;
}

static virSecretPtr
secretSecretLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    vkSecretState *st = vkSecretConnState(conn);
    virSecretPtr ret = NULL;
    vkSecretObj *obj;
    char s[VIR_UUID_STRING_BUFLEN];

    g_mutex_lock(&st->lock);
    if ((obj = findByUUID(st, uuid)))
        ret = handleOf(conn, obj->def);
    else
        vkReportError(VIR_ERR_NO_SECRET, "no secret with matching uuid '%s'",
                      vkUUIDFormat(uuid, s));
    g_mutex_unlock(&st->lock);
    return ret;
}

static virSecretPtr
secretSecretLookupByUsage(virConnectPtr conn, int usageType, const char *usageID)
{
    vkSecretState *st = vkSecretConnState(conn);
    virSecretPtr ret = NULL;
    vkSecretObj *obj;

    g_mutex_lock(&st->lock);
    if ((obj = findByUsage(st, usageType, usageID)))
        ret = handleOf(conn, obj->def);
    else
        vkReportError(VIR_ERR_NO_SECRET, "no secret with matching usage '%s'", usageID);
    g_mutex_unlock(&st->lock);
    return ret;
}

/* libvirt's checks when def replaces old (NULL: a new UUID). */
static int
checkRedefine(vkSecretState *st, const vkSecretObj *old, const vkSecretDef *def)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    const vkSecretObj *other;

    if (old) {
        if (g_strcmp0(old->def->usageID, def->usageID) != 0) {
            vkReportError(VIR_ERR_INTERNAL_ERROR,
                          "a secret with UUID %s is already defined for use with %s",
                          vkUUIDFormat(def->uuid, uuid),
                          old->def->usageID ? old->def->usageID : "(null)");
            return -1;
        }
        if (old->def->isPrivate && !def->isPrivate) {
            vkReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                          "cannot change private flag on existing secret");
            return -1;
        }
        return 0;
    }
    if ((other = findByUsage(st, def->usageType, def->usageID))) {
        vkReportError(VIR_ERR_INTERNAL_ERROR,
                      "a secret with UUID %s already defined for use with %s",
                      vkUUIDFormat(other->def->uuid, uuid), def->usageID);
        return -1;
    }
    return 0;
}

/* Puts def on disk as it will be once defined: a persistent secret's
 * definition (and a value it brings from an ephemeral past), or nothing
 * for an ephemeral one (removing what a persistent past left). */
static int
storeDefine(vkSecretState *st, vkSecretObj *old, const vkSecretDef *def)
{
    if (def->ephemeral)
        return old && !old->def->ephemeral ? vkSecretStoreDelete(st, def->uuid) : 0;
    if (old && old->def->ephemeral && old->value) {
        vkSecretObj tmp = { .def = (vkSecretDef *)def, .value = old->value,
                            .valueLen = old->valueLen };

        if (vkSecretStoreSaveValue(st, &tmp) < 0)
            return -1;
    }
    return vkSecretStoreSaveDef(st, def);
}

static virSecretPtr
secretSecretDefineXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vkSecretState *st = vkSecretConnState(conn);
    g_autoptr(vkSecretDef) def = NULL;
    virSecretPtr ret = NULL;
    vkSecretObj *obj;

    /* the schema check libvirt adds with VALIDATE is no stricter than
     * this parser for the elements it reads */
    vkCheckFlags(VIR_SECRET_DEFINE_VALIDATE, NULL);
    if (!(def = vkSecretDefParseString(xml)))
        return NULL;
    g_mutex_lock(&st->lock);
    obj = findByUUID(st, def->uuid);
    if (checkRedefine(st, obj, def) < 0 || storeDefine(st, obj, def) < 0)
        goto out;
    if (!obj) {
        obj = g_new0(vkSecretObj, 1);
        g_ptr_array_add(st->secrets, obj);
    }
    vkSecretDefFree(obj->def);
    obj->def = g_steal_pointer(&def);
    ret = handleOf(conn, obj->def);
    vkSecretEventQueueLifecycle(st->events, obj->def->uuid, obj->def->usageType,
                                obj->def->usageID, VIR_SECRET_EVENT_DEFINED, 0);
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static char *
secretSecretGetXMLDesc(virSecretPtr secret, unsigned int flags)
{
    vkSecretState *st = vkSecretConnState(secret->conn);
    vkSecretObj *obj;
    char *ret = NULL;

    vkCheckFlags(0, NULL);
    g_mutex_lock(&st->lock);
    if ((obj = objOf(st, secret)))
        ret = vkSecretDefFormat(obj->def);
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
secretSecretSetValue(virSecretPtr secret, const unsigned char *value, size_t value_size,
                     unsigned int flags)
{
    vkSecretState *st = vkSecretConnState(secret->conn);
    vkSecretObj next = { 0 };
    vkSecretObj *obj;
    int ret = -1;

    vkCheckFlags(0, -1);
    g_mutex_lock(&st->lock);
    if (!(obj = objOf(st, secret)))
        goto out;
    next.def = obj->def;
    next.value = g_malloc(value_size ? value_size : 1);
    memcpy(next.value, value, value_size);
    next.valueLen = value_size;
    if (!obj->def->ephemeral && vkSecretStoreSaveValue(st, &next) < 0) {
        explicit_bzero(next.value, value_size);
        g_free(next.value);
        goto out;
    }
    if (obj->value)
        explicit_bzero(obj->value, obj->valueLen);
    g_free(obj->value);
    obj->value = next.value;
    obj->valueLen = next.valueLen;
    vkSecretEventQueueValueChanged(st->events, obj->def->uuid, obj->def->usageType,
                                   obj->def->usageID);
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static unsigned char *
secretSecretGetValue(virSecretPtr secret, size_t *value_size, unsigned int flags)
{
    vkSecretState *st = vkSecretConnState(secret->conn);
    unsigned char *ret = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    vkSecretObj *obj;

    vkCheckFlags(0, NULL);
    g_mutex_lock(&st->lock);
    if (!(obj = objOf(st, secret)))
        goto out;
    if (obj->def->isPrivate) {
        vkReportError(VIR_ERR_INVALID_SECRET, "%s", "secret is private");
        goto out;
    }
    if (!obj->value) {
        vkReportError(VIR_ERR_NO_SECRET, "secret '%s' does not have a value",
                      vkUUIDFormat(obj->def->uuid, uuid));
        goto out;
    }
    ret = g_malloc(obj->valueLen ? obj->valueLen : 1);
    memcpy(ret, obj->value, obj->valueLen);
    *value_size = obj->valueLen;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
secretSecretUndefine(virSecretPtr secret)
{
    vkSecretState *st = vkSecretConnState(secret->conn);
    vkSecretObj *obj;
    int ret = -1;

    g_mutex_lock(&st->lock);
    if (!(obj = objOf(st, secret)))
        goto out;
    if (!obj->def->ephemeral && vkSecretStoreDelete(st, obj->def->uuid) < 0)
        goto out;
    vkSecretEventQueueLifecycle(st->events, obj->def->uuid, obj->def->usageType,
                                obj->def->usageID, VIR_SECRET_EVENT_UNDEFINED, 0);
    g_ptr_array_remove(st->secrets, obj);
    ret = 0;
 out:
    g_mutex_unlock(&st->lock);
    return ret;
}

static int
secretConnectSecretEventRegisterAny(virConnectPtr conn, virSecretPtr secret, int eventID,
                                    virConnectSecretEventGenericCallback cb, void *opaque,
                                    virFreeCallback freecb)
{
    return vkSecretEventRegisterAny(vkSecretConnState(conn)->events, conn, secret, eventID,
                                    cb, opaque, freecb);
}

static int
secretConnectSecretEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return vkObjectEventDeregisterAny(vkSecretConnState(conn)->events, conn,
                                      VK_EVENT_FAMILY_SECRET, callbackID);
}

void
vkSecretFillTable(virHypervisorDriver *t)
{
    t->connectNumOfSecrets = secretConnectNumOfSecrets;
    t->connectListSecrets = secretConnectListSecrets;
    t->connectListAllSecrets = secretConnectListAllSecrets;
    t->secretLookupByUUID = secretSecretLookupByUUID;
    t->secretLookupByUsage = secretSecretLookupByUsage;
    t->secretDefineXML = secretSecretDefineXML;
    t->secretGetXMLDesc = secretSecretGetXMLDesc;
    t->secretSetValue = secretSecretSetValue;
    t->secretGetValue = secretSecretGetValue;
    t->secretUndefine = secretSecretUndefine;
    t->connectSecretEventRegisterAny = secretConnectSecretEventRegisterAny;
    t->connectSecretEventDeregisterAny = secretConnectSecretEventDeregisterAny;
}

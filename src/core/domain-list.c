/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One domain object list for the stateful drivers (see domain-list.h).
 *
 * Objects are found by name and by UUID through hash tables, and walked
 * in definition order for listing; ids are looked up by a walk, since a
 * driver changes an object's id in many places and a third index would
 * have to follow each of them.
 */
#include <string.h>

#include "util/error.h"
#include "util/uuid.h"
#include "core/driver.h"
#include "core/domain-list.h"

#define listError(list, code, ...) \
    vkReportErrorFull((list)->from, code, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* The common fields of a driver object, by their offsets. */
#define FIELD VK_DOMAIN_OBJ_FIELD
#define NAME(list, obj) FIELD(list, obj, name, char *)
#define UUID(list, obj) ((unsigned char *)(obj) + (list)->ops->uuid)
#define ID(list, obj) FIELD(list, obj, id, int)
#define STATE(list, obj) FIELD(list, obj, state, int)
#define REASON(list, obj) FIELD(list, obj, reason, int)
#define PERSISTENT(list, obj) FIELD(list, obj, persistent, bool)
#define AUTOSTART(list, obj) FIELD(list, obj, autostart, bool)
#define REMOVED(list, obj) FIELD(list, obj, removed, bool)
#define DEF(list, obj) FIELD(list, obj, def, vkDomainDef *)
#define NEWDEF(list, obj) FIELD(list, obj, newDef, vkDomainDef *)

void
vkDomainListInit(vkDomainList *list, const vkDomainObjOps *ops, int from, GMutex *lock)
{
    list->ops = ops;
    list->from = from;
    list->lock = lock;
    list->byName = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, ops->unref);
    list->byUUID = g_hash_table_new(vkUUIDHash, vkUUIDEqual);
    g_queue_init(&list->order);
    list->nextId = 1;
}

void
vkDomainListClear(vkDomainList *list)
{
    g_queue_clear(&list->order);
    g_clear_pointer(&list->byUUID, g_hash_table_destroy);
    g_clear_pointer(&list->byName, g_hash_table_destroy);
}

void *
vkDomainListFindByUUID(vkDomainList *list, const unsigned char *uuid)
{
    return g_hash_table_lookup(list->byUUID, uuid);
}

void *
vkDomainListFindByName(vkDomainList *list, const char *name)
{
    return g_hash_table_lookup(list->byName, name);
}

void *
vkDomainListFindHandle(vkDomainList *list, virDomainPtr dom)
{
    void *obj = g_hash_table_lookup(list->byUUID, dom->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (obj)
        return obj;
    vkUUIDFormat(dom->uuid, uuidstr);
    listError(list, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
              uuidstr, dom->name);
    return NULL;
}

virDomainPtr
vkDomainListMakeHandle(vkDomainList *list, virConnectPtr conn, const void *obj)
{
    return vkGetDomain(conn, NAME(list, obj), UUID(list, obj), ID(list, obj));
}

bool
vkDomainListObjActive(vkDomainList *list, const void *obj)
{
    return ID(list, obj) >= 0 || (list->ops->busy && list->ops->busy(obj));
}

bool
vkDomainListCheckNew(vkDomainList *list, const vkDomainDef *def)
{
    void *obj = g_hash_table_lookup(list->byUUID, def->uuid);
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (obj && strcmp(NAME(list, obj), def->name) != 0) {
        vkUUIDFormat(UUID(list, obj), uuidstr);
        listError(list, VIR_ERR_OPERATION_FAILED, "domain '%s' is already defined with uuid %s",
                  NAME(list, obj), uuidstr);
        return false;
    }
    if (!obj && (obj = g_hash_table_lookup(list->byName, def->name))) {
        vkUUIDFormat(UUID(list, obj), uuidstr);
        listError(list, VIR_ERR_OPERATION_FAILED, "domain '%s' already exists with uuid %s",
                  NAME(list, obj), uuidstr);
        return false;
    }
    return true;
}

/* An existing domain gets a new definition: live (about to start) or
 * persistent. */
static void *
update(vkDomainList *list, void *obj, vkDomainDef **defp, bool live, bool *wasPersistent)
{
    vkDomainDef **def = &DEF(list, obj);
    vkDomainDef **newDef = &NEWDEF(list, obj);

    if (live) {
        if (vkDomainListObjActive(list, obj)) {
            listError(list, VIR_ERR_OPERATION_INVALID, "domain '%s' is already active",
                      NAME(list, obj));
            return NULL;
        }
        /* The stored definition stays the next-boot one. */
        if (PERSISTENT(list, obj)) {
            vkDomainDefFree(*newDef);
            *newDef = *def;
        } else {
            vkDomainDefFree(*def);
        }
        *def = g_steal_pointer(defp);
        return obj;
    }
    if (wasPersistent)
        *wasPersistent = PERSISTENT(list, obj);
    if (ID(list, obj) >= 0) {
        vkDomainDefFree(*newDef);
        *newDef = g_steal_pointer(defp);
    } else {
        vkDomainDefFree(*def);
        *def = g_steal_pointer(defp);
    }
    PERSISTENT(list, obj) = true;
    return obj;
}

void *
vkDomainListAdd(vkDomainList *list, vkDomainDef **defp, bool live, bool *wasPersistent)
{
    vkDomainDef *def = *defp;
    void *obj;

    if (wasPersistent)
        *wasPersistent = false;
    if (!vkDomainListCheckNew(list, def))
        return NULL;
    if ((obj = g_hash_table_lookup(list->byUUID, def->uuid)))
        return update(list, obj, defp, live, wasPersistent);

    obj = list->ops->alloc();
    NAME(list, obj) = g_strdup(def->name);
    memcpy(UUID(list, obj), def->uuid, VIR_UUID_BUFLEN);
    ID(list, obj) = -1;
    STATE(list, obj) = VIR_DOMAIN_SHUTOFF;
    REASON(list, obj) = VIR_DOMAIN_SHUTOFF_UNKNOWN;
    PERSISTENT(list, obj) = !live;
    DEF(list, obj) = g_steal_pointer(defp);
    DEF(list, obj)->id = -1;
    g_hash_table_insert(list->byName, NAME(list, obj), obj);
    g_hash_table_insert(list->byUUID, UUID(list, obj), obj);
    g_queue_push_tail(&list->order, obj);
    return obj;
}

void
vkDomainListRemove(vkDomainList *list, void *obj)
{
    REMOVED(list, obj) = true;
    g_queue_remove(&list->order, obj);
    g_hash_table_remove(list->byUUID, UUID(list, obj));
    g_hash_table_remove(list->byName, NAME(list, obj));   /* drops the list's ref */
}

void
vkDomainListRename(vkDomainList *list, void *obj, const char *newName)
{
    /* the name is the key: out of the table while it changes */
    g_hash_table_steal(list->byName, NAME(list, obj));
    g_free(NAME(list, obj));
    NAME(list, obj) = g_strdup(newName);
    g_free(DEF(list, obj)->name);
    DEF(list, obj)->name = g_strdup(newName);
    g_hash_table_insert(list->byName, NAME(list, obj), obj);
}

int
vkDomainListNewID(vkDomainList *list)
{
    return list->nextId++;
}

void
vkDomainListReserveID(vkDomainList *list, int id)
{
    if (id >= list->nextId)
        list->nextId = id + 1;
}

/* A yes/no filter pair: no bit or both bits set pass everything. */
static bool
pairMatch(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    unsigned int pair = flags & (yes | no);

    if (!pair || pair == (yes | no))
        return true;
    return value ? pair == yes : pair == no;
}

bool
vkDomainListFilterMatch(unsigned int flags, const vkDomainFilterFacts *f)
{
    unsigned int bit;

    if (!pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE,
                   f->active) ||
        !pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
                   VIR_CONNECT_LIST_DOMAINS_TRANSIENT, f->persistent) ||
        !pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART,
                   VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, f->autostart) ||
        !pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                   VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, f->managedSave))
        return false;
    /* No driver using this filter keeps checkpoints. */
    if (!pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                   VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, f->snapshot) ||
        !pairMatch(flags, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT,
                   VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, false))
        return false;
    if (!(flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING | VIR_CONNECT_LIST_DOMAINS_PAUSED |
                   VIR_CONNECT_LIST_DOMAINS_SHUTOFF | VIR_CONNECT_LIST_DOMAINS_OTHER)))
        return true;
    switch (f->state) {
    case VIR_DOMAIN_RUNNING: bit = VIR_CONNECT_LIST_DOMAINS_RUNNING; break;
    case VIR_DOMAIN_PAUSED: bit = VIR_CONNECT_LIST_DOMAINS_PAUSED; break;
    case VIR_DOMAIN_SHUTOFF: bit = VIR_CONNECT_LIST_DOMAINS_SHUTOFF; break;
    default: bit = VIR_CONNECT_LIST_DOMAINS_OTHER; break;
    }
    return flags & bit;
}

/* Whether obj passes ListAllDomains' filter flags. */
static bool
match(vkDomainList *list, const void *obj, unsigned int flags,
      vkDomainListManagedSaveFunc managedSave, vkDomainListManagedSaveFunc hasSnapshot,
      void *opaque)
{
    vkDomainFilterFacts f = {
        .active = ID(list, obj) >= 0,
        .persistent = PERSISTENT(list, obj),
        .autostart = AUTOSTART(list, obj),
        .state = STATE(list, obj),
    };

    /* asked only when the flags filter on it: it may look at files */
    if (flags & (VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE | VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE))
        f.managedSave = managedSave && managedSave(obj, opaque);
    if (flags & (VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT | VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT))
        f.snapshot = hasSnapshot && hasSnapshot(obj, opaque);
    return vkDomainListFilterMatch(flags, &f);
}

int
vkDomainListExport(vkDomainList *list, virConnectPtr conn, virDomainPtr **domains,
                   unsigned int flags, vkDomainListManagedSaveFunc managedSave,
                   vkDomainListManagedSaveFunc hasSnapshot, void *opaque)
{
    g_autoptr(GPtrArray) out = NULL;
    int n = 0;

    g_mutex_lock(list->lock);
    /* sized once: no realloc (and copy) per doubling of a large list */
    if (domains)
        out = g_ptr_array_sized_new(list->order.length + 1);
    for (GList *l = list->order.head; l; l = l->next) {
        if (!match(list, l->data, flags, managedSave, hasSnapshot, opaque))
            continue;
        if (out)
            g_ptr_array_add(out, vkDomainListMakeHandle(list, conn, l->data));
        n++;
    }
    g_mutex_unlock(list->lock);
    if (out) {
        g_ptr_array_add(out, NULL);
        *domains = (virDomainPtr *)g_ptr_array_steal(out, NULL);
    }
    return n;
}

int
vkDomainListActiveIDs(vkDomainList *list, int *ids, int maxids)
{
    int n = 0;

    g_mutex_lock(list->lock);
    for (GList *l = list->order.head; l && n < maxids; l = l->next) {
        if (ID(list, l->data) >= 0)
            ids[n++] = ID(list, l->data);
    }
    g_mutex_unlock(list->lock);
    return n;
}

int
vkDomainListInactiveNames(vkDomainList *list, char **const names, int maxnames)
{
    int n = 0;

    g_mutex_lock(list->lock);
    for (GList *l = list->order.head; l && n < maxnames; l = l->next) {
        if (ID(list, l->data) < 0)
            names[n++] = g_strdup(NAME(list, l->data));
    }
    g_mutex_unlock(list->lock);
    return n;
}

virDomainPtr
vkDomainListLookupByID(vkDomainList *list, virConnectPtr conn, int id)
{
    virDomainPtr ret = NULL;

    g_mutex_lock(list->lock);
    for (GList *l = list->order.head; l && id >= 0; l = l->next) {
        if (ID(list, l->data) == id) {
            ret = vkDomainListMakeHandle(list, conn, l->data);
            break;
        }
    }
    g_mutex_unlock(list->lock);
    if (!ret && !vkErrorIsSet())
        listError(list, VIR_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return ret;
}

virDomainPtr
vkDomainListLookupByUUID(vkDomainList *list, virConnectPtr conn, const unsigned char *uuid)
{
    void *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(list->lock);
    if ((obj = g_hash_table_lookup(list->byUUID, uuid)))
        ret = vkDomainListMakeHandle(list, conn, obj);
    g_mutex_unlock(list->lock);
    if (!obj) {
        char s[VIR_UUID_STRING_BUFLEN];

        vkUUIDFormat(uuid, s);
        listError(list, VIR_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", s);
    }
    return ret;
}

virDomainPtr
vkDomainListLookupByName(vkDomainList *list, virConnectPtr conn, const char *name)
{
    void *obj;
    virDomainPtr ret = NULL;

    g_mutex_lock(list->lock);
    if ((obj = g_hash_table_lookup(list->byName, name)))
        ret = vkDomainListMakeHandle(list, conn, obj);
    g_mutex_unlock(list->lock);
    if (!obj)
        listError(list, VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return ret;
}

void *
vkDomainListLockHandle(vkDomainList *list, virDomainPtr dom)
{
    void *obj;

    g_mutex_lock(list->lock);
    if (!(obj = vkDomainListFindHandle(list, dom)))
        g_mutex_unlock(list->lock);
    return obj;
}

int
vkDomainListGetState(vkDomainList *list, virDomainPtr dom, int *state, int *reason)
{
    void *obj = vkDomainListLockHandle(list, dom);

    if (!obj)
        return -1;
    *state = STATE(list, obj);
    if (reason)
        *reason = REASON(list, obj);
    g_mutex_unlock(list->lock);
    return 0;
}

char *
vkDomainListGetXMLDesc(vkDomainList *list, virDomainPtr dom, unsigned int flags)
{
    void *obj = vkDomainListLockHandle(list, dom);
    const vkDomainDef *def;
    char *ret;

    if (!obj)
        return NULL;
    def = (flags & VIR_DOMAIN_XML_INACTIVE) && NEWDEF(list, obj) ? NEWDEF(list, obj) :
        DEF(list, obj);
    ret = vkDomainDefFormat(def, flags);
    g_mutex_unlock(list->lock);
    return ret;
}

char *
vkDomainListGetOSType(vkDomainList *list, virDomainPtr dom)
{
    void *obj = vkDomainListLockHandle(list, dom);
    char *ret;

    if (!obj)
        return NULL;
    ret = g_strdup(DEF(list, obj)->osType ? DEF(list, obj)->osType : "hvm");
    g_mutex_unlock(list->lock);
    return ret;
}

unsigned long
vkDomainListGetMaxMemory(vkDomainList *list, virDomainPtr dom)
{
    void *obj = vkDomainListLockHandle(list, dom);
    unsigned long ret;

    if (!obj)
        return 0;
    ret = DEF(list, obj)->maxMemory;
    g_mutex_unlock(list->lock);
    return ret;
}

int
vkDomainListIsActive(vkDomainList *list, virDomainPtr dom)
{
    void *obj = vkDomainListLockHandle(list, dom);
    int ret;

    if (!obj)
        return -1;
    ret = ID(list, obj) >= 0;
    g_mutex_unlock(list->lock);
    return ret;
}

int
vkDomainListIsPersistent(vkDomainList *list, virDomainPtr dom)
{
    void *obj = vkDomainListLockHandle(list, dom);
    int ret;

    if (!obj)
        return -1;
    ret = PERSISTENT(list, obj);
    g_mutex_unlock(list->lock);
    return ret;
}

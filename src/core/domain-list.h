/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain object list of a stateful driver (QEMU, LXC): the objects
 * indexed by name and UUID, kept in definition order for listing, with
 * libvirt's name/uuid uniqueness rules, id allocation, ListAll filtering
 * and the read-only entry points that need nothing but the common fields.
 *
 * The idea: each driver keeps its own object type (its files read
 * obj->name, obj->run, ... directly), and every such type carries the
 * common fields under the same names and types.  The list reaches them
 * through the offsets in a vkDomainObjOps, built by VK_DOMAIN_OBJ_OPS(),
 * so one implementation serves every driver without a shared base type.
 *
 * Locking: `lock` is the driver state's mutex.  Functions documented
 * "locked" expect the caller to hold it; the entry points (Lookup*,
 * List*, Count, Get*, Is*) take it themselves.  The list holds one
 * reference on each object, dropped through ops->unref.
 */
#ifndef VK_CORE_DOMAIN_LIST_H
#define VK_CORE_DOMAIN_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "core/object.h"
#include "conf/domain-conf.h"

typedef struct {
    /* Where the common fields are in the driver's object type. */
    size_t name;             /* char *: also the byName key (see Rename) */
    size_t uuid;             /* unsigned char[VIR_UUID_BUFLEN] */
    size_t id;               /* int: -1 while inactive */
    size_t state;            /* int: virDomainState */
    size_t reason;           /* int */
    size_t persistent;       /* bool */
    size_t autostart;        /* bool */
    size_t removed;          /* bool: set when the list forgets it */
    size_t def;              /* vkDomainDef *: live while running */
    size_t newDef;           /* vkDomainDef *: next-boot while running */
    /* A zeroed object holding the one reference the list will own. */
    void *(*alloc)(void);
    GDestroyNotify unref;
    /* Optional: an object about to run (a start in progress) counts as
     * active for a new live definition and for undefine. */
    bool (*busy)(const void *obj);
} vkDomainObjOps;

#define VK_DOMAIN_OBJ_OPS(type, allocFn, unrefFn, busyFn) { \
    .name = offsetof(type, name), .uuid = offsetof(type, uuid), \
    .id = offsetof(type, id), .state = offsetof(type, state), \
    .reason = offsetof(type, reason), .persistent = offsetof(type, persistent), \
    .autostart = offsetof(type, autostart), .removed = offsetof(type, removed), \
    .def = offsetof(type, def), .newDef = offsetof(type, newDef), \
    .alloc = (allocFn), .unref = (GDestroyNotify)(unrefFn), .busy = (busyFn) }

/* Defines the reference counting of a driver object type that has the
 * common fields and a `gint refs`: PREFIX##New (one reference, for
 * VK_DOMAIN_OBJ_OPS's alloc), PREFIX##Ref and PREFIX##Unref (the last
 * frees the definitions and the name; the driver has dropped its run). */
#define VK_DOMAIN_OBJ_DEFINE_REFS(type, prefix) \
    static void *prefix##New(void) \
    { \
        type *obj_ = g_new0(type, 1); \
        obj_->refs = 1; \
        return obj_; \
    } \
    type *prefix##Ref(type *obj) \
    { \
        g_atomic_int_inc(&obj->refs); \
        return obj; \
    } \
    void prefix##Unref(type *obj) \
    { \
        if (!obj || !g_atomic_int_dec_and_test(&obj->refs)) \
            return; \
        vkDomainDefFree(obj->def); \
        vkDomainDefFree(obj->newDef); \
        g_free(obj->name); \
        g_free(obj); \
    }

/* A common field of obj, by its offset in ops. */
#define VK_DOMAIN_OBJ_FIELD(list, obj, f, type) (*(type *)((char *)(obj) + (list)->ops->f))

typedef struct _vkDomainList {
    const vkDomainObjOps *ops;
    int from;                /* virErrorDomain of the errors reported */
    GMutex *lock;
    GHashTable *byName;      /* name -> object (the list's reference) */
    GHashTable *byUUID;      /* uuid bytes -> object */
    GQueue order;            /* objects in definition order */
    int nextId;
} vkDomainList;

void vkDomainListInit(vkDomainList *list, const vkDomainObjOps *ops, int from,
                      GMutex *lock);
/* Drops every object; the list must not be used again until Init. */
void vkDomainListClear(vkDomainList *list);

/* Locked. */
void *vkDomainListFindByUUID(vkDomainList *list, const unsigned char *uuid);
void *vkDomainListFindByName(vkDomainList *list, const char *name);
/* Locked: the object behind a handle; NULL with VIR_ERR_NO_DOMAIN. */
void *vkDomainListFindHandle(vkDomainList *list, virDomainPtr dom);
/* Locked: reports (VIR_ERR_OPERATION_FAILED) and returns false when def
 * would clash with a domain of another name and the same UUID, or of
 * the same name and another UUID. */
bool vkDomainListCheckNew(vkDomainList *list, const vkDomainDef *def);
/* Locked: adds *def as a new domain or updates the one with its UUID,
 * taking ownership (*def set NULL) on success.  live: *def is about to
 * be started and becomes the live definition (refused while the domain
 * is active).  Otherwise *def becomes the persistent definition, the
 * next-boot one while running; *wasPersistent (may be NULL) tells
 * whether an existing persistent domain was updated. */
void *vkDomainListAdd(vkDomainList *list, vkDomainDef **def, bool live,
                      bool *wasPersistent);
/* Locked: a new handle on obj for conn. */
virDomainPtr vkDomainListMakeHandle(vkDomainList *list, virConnectPtr conn, const void *obj);
/* Locked: running, or busy starting (ops->busy). */
bool vkDomainListObjActive(vkDomainList *list, const void *obj);
/* Takes the lock and finds the object behind dom; NULL (unlocked, error
 * reported) when it is gone. */
void *vkDomainListLockHandle(vkDomainList *list, virDomainPtr dom);
/* Locked: forgets obj (its removed flag set) and drops the list's
 * reference. */
void vkDomainListRemove(vkDomainList *list, void *obj);
/* Locked: renames an inactive obj (the byName key and its definition's
 * name); the caller has checked newName is free. */
void vkDomainListRename(vkDomainList *list, void *obj, const char *newName);
/* Locked: the id for a domain being started; ReserveID keeps an id that
 * a reattached domain already has from being handed out again. */
int vkDomainListNewID(vkDomainList *list);
void vkDomainListReserveID(vkDomainList *list, int id);

/* Whether obj has a managed save image, asked (locked) only when the
 * ListAll flags filter on it. */
typedef bool (*vkDomainListManagedSaveFunc)(const void *obj, void *opaque);

/* What ListAllDomains' flags look at in one domain.  A driver that keeps
 * no objects (OpenVZ) fills it in itself; a fact the flags do not filter
 * on may be left false. */
typedef struct {
    bool active;
    bool persistent;
    bool autostart;
    bool managedSave;
    bool snapshot;           /* has at least one snapshot */
    int state;               /* virDomainState */
} vkDomainFilterFacts;

/* libvirt's ListAllDomains filter: each yes/no pair passes everything
 * when neither or both of its bits are set; no domain has checkpoints;
 * the state bits, when any is set, are alternatives. */
bool vkDomainListFilterMatch(unsigned int flags, const vkDomainFilterFacts *facts);

/* Entry points (take the lock).  The caller has checked flags.  Export
 * is ListAllDomains (managedSave NULL: no domain has an image;
 * hasSnapshot, the same question for snapshots, NULL: none has one);
 * with domains NULL it only counts. */
int vkDomainListExport(vkDomainList *list, virConnectPtr conn, virDomainPtr **domains,
                       unsigned int flags, vkDomainListManagedSaveFunc managedSave,
                       vkDomainListManagedSaveFunc hasSnapshot, void *opaque);
int vkDomainListActiveIDs(vkDomainList *list, int *ids, int maxids);
int vkDomainListInactiveNames(vkDomainList *list, char **const names, int maxnames);
virDomainPtr vkDomainListLookupByID(vkDomainList *list, virConnectPtr conn, int id);
virDomainPtr vkDomainListLookupByUUID(vkDomainList *list, virConnectPtr conn,
                                      const unsigned char *uuid);
virDomainPtr vkDomainListLookupByName(vkDomainList *list, virConnectPtr conn,
                                      const char *name);
int vkDomainListGetState(vkDomainList *list, virDomainPtr dom, int *state, int *reason);
char *vkDomainListGetXMLDesc(vkDomainList *list, virDomainPtr dom, unsigned int flags);
char *vkDomainListGetOSType(vkDomainList *list, virDomainPtr dom);
unsigned long vkDomainListGetMaxMemory(vkDomainList *list, virDomainPtr dom);
int vkDomainListIsActive(vkDomainList *list, virDomainPtr dom);
int vkDomainListIsPersistent(vkDomainList *list, virDomainPtr dom);

#endif

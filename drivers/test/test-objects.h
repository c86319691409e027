/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bookkeeping the test driver's networks and storage pools share: both
 * are kept in definition order in a GPtrArray of the state, named by their
 * definition's name and UUID, and carry active/persistent/autostart flags.
 * A vkTestObjClass tells the shared code where those live and how a kind
 * of object words its errors, so listing, lookups, conflict checks and the
 * flag getters/setters exist once.  All functions taking a vkTestState
 * expect it locked; those taking a connection lock it themselves.
 */
#ifndef VK_DRIVERS_TEST_OBJECTS_H
#define VK_DRIVERS_TEST_OBJECTS_H

#include "drivers/test/test-private.h"

/* One object's identity and flags, as pointers into the object. */
typedef struct {
    const char *name;
    const unsigned char *uuid;
    bool *active;
    bool *persistent;
    bool *autostart;
} vkTestObjFields;

typedef struct {
    const char *noun;             /* "network", "storage pool" */
    const char *conflictNoun;     /* libvirt words conflicts "network", "pool" */
    int conflictDomain;           /* virErrorDomain of conflict errors */
    int noObjectError;            /* VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL */
    GPtrArray *(*objects)(vkTestState *st);
    void (*fields)(void *obj, vkTestObjFields *out);
    void *(*handle)(virConnectPtr conn, void *obj);   /* a new public handle */
} vkTestObjClass;

void *vkTestObjFindByName(const vkTestObjClass *cls, vkTestState *st, const char *name);
void *vkTestObjFindByUUID(const vkTestObjClass *cls, vkTestState *st,
                          const unsigned char *uuid);
/* Locks the connection's state and finds the object of a handle; on
 * failure reports cls->noObjectError and returns NULL unlocked. */
void *vkTestObjGet(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                   const unsigned char *uuid, vkTestState **stp);

int vkTestObjCount(const vkTestObjClass *cls, virConnectPtr conn, bool active);
int vkTestObjListNames(const vkTestObjClass *cls, virConnectPtr conn, char **const names,
                       int maxnames, bool active);
/* The listAll calls: flags are the ACTIVE/INACTIVE, PERSISTENT/TRANSIENT
 * and AUTOSTART/NO_AUTOSTART pairs (same bits for networks and pools);
 * match (may be NULL) filters further.  With handles, stores a
 * NULL-terminated array of new public handles.  Returns the count. */
int vkTestObjListAll(const vkTestObjClass *cls, virConnectPtr conn, unsigned int flags,
                     bool (*match)(void *obj, unsigned int flags), void ***handles);

void *vkTestObjLookupByName(const vkTestObjClass *cls, virConnectPtr conn,
                            const char *name);
void *vkTestObjLookupByUUID(const vkTestObjClass *cls, virConnectPtr conn,
                            const unsigned char *uuid);

/* libvirt's name/UUID conflict rules for a new definition: returns the
 * existing object with the same name and UUID, NULL when there is none,
 * or NULL with *err set and an error reported. */
void *vkTestObjCheckConflict(const vkTestObjClass *cls, vkTestState *st, const char *name,
                             const unsigned char *uuid, bool *err);

/* The flag calls of a handle (conn, name, uuid). */
int vkTestObjGetAutostart(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                          const unsigned char *uuid, int *autostart);
int vkTestObjSetAutostart(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                          const unsigned char *uuid, int autostart);
int vkTestObjIsActive(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                      const unsigned char *uuid);
int vkTestObjIsPersistent(const vkTestObjClass *cls, virConnectPtr conn, const char *name,
                          const unsigned char *uuid);

#endif

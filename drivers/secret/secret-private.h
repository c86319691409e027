/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The secret driver's state and objects, shared by its three files:
 * secret-driver.c (opening, the state per root, registration),
 * secret-calls.c (the table's members) and secret-store.c (the files).
 *
 * One state per root on the stateful-driver frame; every connection on
 * that root (qemu:///system, lxc:///system, secret:///system, or the
 * embed?root= of either) shares its secrets, its lock and its events.
 */
#ifndef VK_DRIVERS_SECRET_PRIVATE_H
#define VK_DRIVERS_SECRET_PRIVATE_H

#include "core/state-root.h"
#include "conf/secret-conf.h"

typedef struct {
    vkSecretDef *def;
    unsigned char *value;          /* NULL: no value set yet */
    size_t valueLen;
} vkSecretObj;

typedef struct {
    VK_STATE_BASE;
    GPtrArray *secrets;            /* vkSecretObj *, under lock */
} vkSecretState;

/* The state serving conn's secrets. */
vkSecretState *vkSecretConnState(virConnectPtr conn);

void vkSecretObjFree(vkSecretObj *obj);

/* secret-store.c: CONFIGDIR/UUID.xml and CONFIGDIR/UUID.base64, 0600,
 * written atomically.  Ephemeral secrets never touch the disk. */
void vkSecretStoreLoad(vkSecretState *st);
int vkSecretStoreSaveDef(vkSecretState *st, const vkSecretDef *def);
int vkSecretStoreSaveValue(vkSecretState *st, const vkSecretObj *obj);
/* Removes both files of uuid (absent ones are fine). */
int vkSecretStoreDelete(vkSecretState *st, const unsigned char *uuid);

/* The builtin-driver hook (drivers/meson.build). */
int vkSecretDriverRegister(void);

/* secret-calls.c */
void vkSecretFillTable(virHypervisorDriver *t);

#endif

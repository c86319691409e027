/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public handle objects: virConnect and virDomain.
 *
 * Both are reference counted with atomic counters, so they can be shared
 * between threads; the last unref frees.  A virDomain is a plain
 * (name, uuid, id) triple plus a reference on its connection: handles are
 * made fresh on every lookup, never interned, exactly like libvirt's, so a
 * handle's id may go stale after the domain stops.  The driver keeps the
 * real state in its own objects.
 */
#ifndef VK_CORE_OBJECT_H
#define VK_CORE_OBJECT_H

#include <stdbool.h>
#include <glib.h>

#include "virtkit/virtkit.h"
#include "core/uri.h"

typedef struct _virHypervisorDriver virHypervisorDriver;
typedef struct _vkConnectDriver vkConnectDriver;

#define VK_CONNECT_MAGIC 0x7643434fu
#define VK_DOMAIN_MAGIC 0x76444f4du

struct _virConnect {
    unsigned int magic;
    gint refs;
    unsigned int flags;             /* VIR_CONNECT_RO, ... */
    vkURI *uri;
    const vkConnectDriver *connectDriver;
    const virHypervisorDriver *driver;
    void *privateData;              /* the driver's, set by connectOpen */

    GMutex lock;                    /* guards the fields below */
    virError err;                   /* last error seen on this connection */
    virErrorFunc handler;
    void *userData;
    virConnectCloseFunc closeCb;
    void *closeOpaque;
    virFreeCallback closeFree;
};

struct _virDomain {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;             /* a reference is held */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;                         /* -1 when inactive */
};

virConnectPtr vkConnectNew(void);
void vkConnectRef(virConnectPtr conn);
/* Drops a reference; the last one closes the driver and frees. */
void vkConnectUnref(virConnectPtr conn);

/* A new handle (refs = 1); NULL with an error set when name is empty. */
virDomainPtr vkGetDomain(virConnectPtr conn, const char *name,
                         const unsigned char *uuid, int id);
void vkDomainRef(virDomainPtr dom);
void vkDomainUnref(virDomainPtr dom);

/* Validity checks used at the API door: they report VIR_ERR_INVALID_CONN /
 * VIR_ERR_INVALID_DOMAIN and return false for NULL or freed handles. */
bool vkCheckConnect(virConnectPtr conn, const char *func);
bool vkCheckDomain(virDomainPtr dom, const char *func);

#endif

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
#include "virtkit/virtkit-qemu.h"
#include "virtkit/virtkit-lxc.h"
#include "core/uri.h"

typedef struct _virHypervisorDriver virHypervisorDriver;
typedef struct _vkConnectDriver vkConnectDriver;
typedef struct _vkSecondaryDriver vkSecondaryDriver;

/* The API sections a connection dispatches through separate tables (as
 * libvirt's secondary drivers): a qemu:///system connection reaches the
 * QEMU driver for domains but the daemon's storage driver for pools. */
typedef enum {
    VK_FAMILY_HYPERVISOR = 0,       /* domains, host, and everything else */
    VK_FAMILY_NETWORK,              /* networks and their ports */
    VK_FAMILY_STORAGE,              /* pools and volumes */
    VK_FAMILY_NODEDEV,
    VK_FAMILY_SECRET,
    VK_FAMILY_INTERFACE,
    VK_FAMILY_NWFILTER,
    VK_FAMILY_LAST
} vkDriverFamily;

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
    /* The table each family dispatches to: conn->driver unless a
     * secondary driver claimed the family at open. */
    const virHypervisorDriver *familyDriver[VK_FAMILY_LAST];
    const vkSecondaryDriver *secondary[VK_FAMILY_LAST];
    void *familyPrivate[VK_FAMILY_LAST];   /* a secondary driver's own data */

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

#define VK_NETWORK_MAGIC 0x764e4554u
#define VK_NETWORK_PORT_MAGIC 0x764e5054u
#define VK_STORAGE_POOL_MAGIC 0x7653504fu
#define VK_STORAGE_VOL_MAGIC 0x7653564fu
#define VK_NODE_DEVICE_MAGIC 0x764e4456u
#define VK_DOMAIN_SNAPSHOT_MAGIC 0x76534e50u

/* The other handle kinds follow the same pattern as virDomain. */
struct _virNetwork {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNetworkPort {
    unsigned int magic;
    gint refs;
    virNetworkPtr net;              /* a reference is held */
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virStoragePool {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virStorageVol {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *pool;                     /* name of the pool holding it */
    char *name;
    char *key;                      /* unique, usually the path */
};

/* A snapshot is named within its domain; the handle holds the domain. */
struct _virDomainSnapshot {
    unsigned int magic;
    gint refs;
    virDomainPtr domain;            /* a reference is held */
    char *name;
};

struct _virNodeDevice {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *name;
    char *parentName;               /* may be NULL */
};

#define VK_SECRET_MAGIC 0x76534543u
#define VK_INTERFACE_MAGIC 0x76494643u
#define VK_NWFILTER_MAGIC 0x764e5746u
#define VK_NWFILTER_BINDING_MAGIC 0x764e5742u
#define VK_CHECKPOINT_MAGIC 0x76434b50u

struct _virSecret {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int usageType;                  /* virSecretUsageType */
    char *usageID;                  /* NULL for usage type none */
};

struct _virInterface {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *name;
    char *mac;                      /* "" for links without one */
};

struct _virNWFilter {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNWFilterBinding {
    unsigned int magic;
    gint refs;
    virConnectPtr conn;
    char *portdev;                  /* the host side of the port */
    char *filtername;
};

struct _virDomainCheckpoint {
    unsigned int magic;
    gint refs;
    virDomainPtr domain;            /* a reference is held */
    char *name;
};

virConnectPtr vkConnectNew(void);
void vkConnectRef(virConnectPtr conn);
/* Drops a reference; the last one closes the driver and frees. */
void vkConnectUnref(virConnectPtr conn);

/* A new handle (refs = 1); NULL with an error set when name is empty. */
virDomainPtr vkGetDomain(virConnectPtr conn, const char *name,
                         const unsigned char *uuid, int id);
/* The same from the first len bytes of name (no terminator needed). */
virDomainPtr vkGetDomainN(virConnectPtr conn, const char *name, size_t len,
                          const unsigned char *uuid, int id);
void vkDomainRef(virDomainPtr dom);
void vkDomainUnref(virDomainPtr dom);
/* Renames the handle (its name may live inside it: never free it directly). */
void vkDomainSetName(virDomainPtr dom, const char *name);

virNetworkPtr vkGetNetwork(virConnectPtr conn, const char *name,
                           const unsigned char *uuid);
void vkNetworkUnref(virNetworkPtr net);
virNetworkPortPtr vkGetNetworkPort(virNetworkPtr net, const unsigned char *uuid);
void vkNetworkPortUnref(virNetworkPortPtr port);
virStoragePoolPtr vkGetStoragePool(virConnectPtr conn, const char *name,
                                   const unsigned char *uuid);
void vkStoragePoolUnref(virStoragePoolPtr pool);
virStorageVolPtr vkGetStorageVol(virConnectPtr conn, const char *pool,
                                 const char *name, const char *key);
void vkStorageVolUnref(virStorageVolPtr vol);
virNodeDevicePtr vkGetNodeDevice(virConnectPtr conn, const char *name,
                                 const char *parentName);
void vkNodeDeviceUnref(virNodeDevicePtr dev);
/* object-secret.c: secrets, network filters, bindings, checkpoints */
virSecretPtr vkGetSecret(virConnectPtr conn, const unsigned char *uuid,
                         int usageType, const char *usageID);
void vkSecretUnref(virSecretPtr secret);
virInterfacePtr vkGetInterface(virConnectPtr conn, const char *name, const char *mac);
void vkInterfaceUnref(virInterfacePtr iface);
virNWFilterPtr vkGetNWFilter(virConnectPtr conn, const char *name,
                             const unsigned char *uuid);
void vkNWFilterUnref(virNWFilterPtr filter);
virNWFilterBindingPtr vkGetNWFilterBinding(virConnectPtr conn, const char *portdev,
                                           const char *filtername);
void vkNWFilterBindingUnref(virNWFilterBindingPtr binding);
virDomainCheckpointPtr vkGetDomainCheckpoint(virDomainPtr domain, const char *name);
void vkDomainCheckpointUnref(virDomainCheckpointPtr checkpoint);

/* false with VIR_ERR_INTERNAL_ERROR for a handle made without a name. */
bool vkHandleCheckName(const char *name, const char *what);
/* Defines fn(obj, func): false with error code for NULL, a freed handle or
 * another kind of handle (magicval tells them apart). */
#define VK_DEFINE_HANDLE_CHECK(fn, type, magicval, code) \
    bool fn(type obj, const char *func) \
    { \
        if (!obj || obj->magic != magicval || obj->refs <= 0) { \
            vkReportError(code, "%s", func); \
            return false; \
        } \
        return true; \
    }
virDomainSnapshotPtr vkGetDomainSnapshot(virDomainPtr dom, const char *name);
void vkDomainSnapshotUnref(virDomainSnapshotPtr snap);
/* With snaps (may be NULL), a new NULL-terminated array of handles of
 * dom's snapshots named by names; returns how many names there are. */
int vkGetDomainSnapshots(virDomainPtr dom, char **names, virDomainSnapshotPtr **snaps);

/* Validity checks used at the API door: they report VIR_ERR_INVALID_CONN /
 * VIR_ERR_INVALID_DOMAIN and return false for NULL or freed handles. */
bool vkCheckConnect(virConnectPtr conn, const char *func);
bool vkCheckDomain(virDomainPtr dom, const char *func);
bool vkCheckNetwork(virNetworkPtr net, const char *func);
bool vkCheckNetworkPort(virNetworkPortPtr port, const char *func);
bool vkCheckStoragePool(virStoragePoolPtr pool, const char *func);
bool vkCheckStorageVol(virStorageVolPtr vol, const char *func);
bool vkCheckNodeDevice(virNodeDevicePtr dev, const char *func);
bool vkCheckSecret(virSecretPtr secret, const char *func);
bool vkCheckInterface(virInterfacePtr iface, const char *func);
bool vkCheckNWFilter(virNWFilterPtr filter, const char *func);
bool vkCheckNWFilterBinding(virNWFilterBindingPtr binding, const char *func);
bool vkCheckDomainCheckpoint(virDomainCheckpointPtr checkpoint, const char *func);
bool vkCheckDomainSnapshot(virDomainSnapshotPtr snap, const char *func);

#endif

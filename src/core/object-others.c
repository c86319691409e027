/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network, network port, storage pool, storage volume, node device and
 * domain snapshot handles: the same refcount + magic pattern as virDomain (object.c), each
 * holding a reference on its connection (a port on its network).
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "core/object.h"

#include <string.h>

#include "util/error.h"

bool
vkHandleCheckName(const char *name, const char *what)
{
    if (!name || !*name) {
        vkReportError(VIR_ERR_INTERNAL_ERROR, "%s handle without a name", what);
        return false;
    }
    return true;
}

virNetworkPtr
vkGetNetwork(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    virNetworkPtr net;
    if (!vkHandleCheckName(name, "network"))
        return NULL;
    net = g_new0(virNetwork, 1);
    net->magic = VK_NETWORK_MAGIC;
    net->refs = 1;
    net->name = g_strdup(name);
    if (uuid)
        memcpy(net->uuid, uuid, VIR_UUID_BUFLEN);
    vkConnectRef(conn);
    net->conn = conn;
    return net;
}

void
vkNetworkUnref(virNetworkPtr net)
{
    if (!net || !g_atomic_int_dec_and_test(&net->refs))
        return;
    vkConnectUnref(net->conn);
    g_free(net->name);
    net->magic = 0;
    g_free(net);
}

virNetworkPortPtr
vkGetNetworkPort(virNetworkPtr net, const unsigned char *uuid)
{
    virNetworkPortPtr port = g_new0(virNetworkPort, 1);
    port->magic = VK_NETWORK_PORT_MAGIC;
    port->refs = 1;
    memcpy(port->uuid, uuid, VIR_UUID_BUFLEN);
    g_atomic_int_inc(&net->refs);
    port->net = net;
    return port;
}

void
vkNetworkPortUnref(virNetworkPortPtr port)
{
    if (!port || !g_atomic_int_dec_and_test(&port->refs))
        return;
    vkNetworkUnref(port->net);
    port->magic = 0;
    g_free(port);
}

virStoragePoolPtr
vkGetStoragePool(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    virStoragePoolPtr pool;
    if (!vkHandleCheckName(name, "storage pool"))
        return NULL;
    pool = g_new0(virStoragePool, 1);
    pool->magic = VK_STORAGE_POOL_MAGIC;
    pool->refs = 1;
    pool->name = g_strdup(name);
    if (uuid)
        memcpy(pool->uuid, uuid, VIR_UUID_BUFLEN);
    vkConnectRef(conn);
    pool->conn = conn;
    return pool;
}

void
vkStoragePoolUnref(virStoragePoolPtr pool)
{
    if (!pool || !g_atomic_int_dec_and_test(&pool->refs))
        return;
    vkConnectUnref(pool->conn);
    g_free(pool->name);
    pool->magic = 0;
    g_free(pool);
}

virStorageVolPtr
vkGetStorageVol(virConnectPtr conn, const char *pool, const char *name,
                const char *key)
{
    virStorageVolPtr vol;
    if (!vkHandleCheckName(name, "storage volume") ||
        !vkHandleCheckName(pool, "storage volume pool") ||
        !vkHandleCheckName(key, "storage volume key"))
        return NULL;
    vol = g_new0(virStorageVol, 1);
    vol->magic = VK_STORAGE_VOL_MAGIC;
    vol->refs = 1;
    vol->pool = g_strdup(pool);
    vol->name = g_strdup(name);
    vol->key = g_strdup(key);
    vkConnectRef(conn);
    vol->conn = conn;
    return vol;
}

void
vkStorageVolUnref(virStorageVolPtr vol)
{
    if (!vol || !g_atomic_int_dec_and_test(&vol->refs))
        return;
    vkConnectUnref(vol->conn);
    g_free(vol->pool);
    g_free(vol->name);
    g_free(vol->key);
    vol->magic = 0;
    g_free(vol);
}

virNodeDevicePtr
vkGetNodeDevice(virConnectPtr conn, const char *name, const char *parentName)
{
    virNodeDevicePtr dev;
    if (!vkHandleCheckName(name, "node device"))
        return NULL;
    dev = g_new0(virNodeDevice, 1);
    dev->magic = VK_NODE_DEVICE_MAGIC;
    dev->refs = 1;
    dev->name = g_strdup(name);
    dev->parentName = g_strdup(parentName);
    vkConnectRef(conn);
    dev->conn = conn;
    return dev;
}

void
vkNodeDeviceUnref(virNodeDevicePtr dev)
{
    if (!dev || !g_atomic_int_dec_and_test(&dev->refs))
        return;
    vkConnectUnref(dev->conn);
    g_free(dev->name);
    g_free(dev->parentName);
    dev->magic = 0;
    g_free(dev);
}

virDomainSnapshotPtr
vkGetDomainSnapshot(virDomainPtr dom, const char *name)
{
    virDomainSnapshotPtr snap;
    if (!vkHandleCheckName(name, "snapshot"))
        return NULL;
    snap = g_new0(virDomainSnapshot, 1);
    snap->magic = VK_DOMAIN_SNAPSHOT_MAGIC;
    snap->refs = 1;
    snap->name = g_strdup(name);
    vkDomainRef(dom);
    snap->domain = dom;
    return snap;
}

void
vkDomainSnapshotUnref(virDomainSnapshotPtr snap)
{
    if (!snap || !g_atomic_int_dec_and_test(&snap->refs))
        return;
    vkDomainUnref(snap->domain);
    g_free(snap->name);
    snap->magic = 0;
    g_free(snap);
}

int
vkGetDomainSnapshots(virDomainPtr dom, char **names, virDomainSnapshotPtr **snaps)
{
    int n = (int)g_strv_length(names);

    if (snaps) {
        *snaps = g_new0(virDomainSnapshotPtr, n + 1);
        for (int i = 0; i < n; i++)
            (*snaps)[i] = vkGetDomainSnapshot(dom, names[i]);
    }
    return n;
}

static VK_DEFINE_HANDLE_CHECK(checkNetworkOnly, virNetworkPtr, VK_NETWORK_MAGIC, VIR_ERR_INVALID_NETWORK)
static VK_DEFINE_HANDLE_CHECK(checkPortOnly, virNetworkPortPtr, VK_NETWORK_PORT_MAGIC, VIR_ERR_INVALID_NETWORK_PORT)
static VK_DEFINE_HANDLE_CHECK(checkPoolOnly, virStoragePoolPtr, VK_STORAGE_POOL_MAGIC, VIR_ERR_INVALID_STORAGE_POOL)
static VK_DEFINE_HANDLE_CHECK(checkVolOnly, virStorageVolPtr, VK_STORAGE_VOL_MAGIC, VIR_ERR_INVALID_STORAGE_VOL)
static VK_DEFINE_HANDLE_CHECK(checkDevOnly, virNodeDevicePtr, VK_NODE_DEVICE_MAGIC, VIR_ERR_INVALID_NODE_DEVICE)
static VK_DEFINE_HANDLE_CHECK(checkSnapOnly, virDomainSnapshotPtr, VK_DOMAIN_SNAPSHOT_MAGIC,
                              VIR_ERR_INVALID_DOMAIN_SNAPSHOT)

bool
vkCheckNetwork(virNetworkPtr net, const char *func)
{
    return checkNetworkOnly(net, func) && vkCheckConnect(net->conn, func);
}

bool
vkCheckNetworkPort(virNetworkPortPtr port, const char *func)
{
    return checkPortOnly(port, func) && vkCheckNetwork(port->net, func);
}

bool
vkCheckStoragePool(virStoragePoolPtr pool, const char *func)
{
    return checkPoolOnly(pool, func) && vkCheckConnect(pool->conn, func);
}

bool
vkCheckStorageVol(virStorageVolPtr vol, const char *func)
{
    return checkVolOnly(vol, func) && vkCheckConnect(vol->conn, func);
}

bool
vkCheckNodeDevice(virNodeDevicePtr dev, const char *func)
{
    return checkDevOnly(dev, func) && vkCheckConnect(dev->conn, func);
}

bool
vkCheckDomainSnapshot(virDomainSnapshotPtr snap, const char *func)
{
    return checkSnapOnly(snap, func) && vkCheckDomain(snap->domain, func);
}

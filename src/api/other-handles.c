/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handle accessors of networks, ports, storage pools and volumes and node
 * devices: answered from the handle itself, never from a driver.  The
 * shapes repeat per kind, so each is stamped out by one macro.
 */
#define VIR_FROM_THIS VIR_FROM_NONE
#include "api/api-internal.h"

#include <string.h>

#include "api/handle-macros.h"
#include "util/uuid.h"

HANDLE_FREE_REF(Network, virNetworkPtr, vkCheckNetwork, vkNetworkUnref, refs)
HANDLE_STRING(virNetworkGetName, virNetworkPtr, vkCheckNetwork, obj->name)
HANDLE_CONNECT(virNetworkGetConnect, virNetworkPtr, vkCheckNetwork, obj->conn)
HANDLE_UUID(Network, virNetworkPtr, vkCheckNetwork)

HANDLE_FREE_REF(NetworkPort, virNetworkPortPtr, vkCheckNetworkPort, vkNetworkPortUnref, refs)
HANDLE_UUID(NetworkPort, virNetworkPortPtr, vkCheckNetworkPort)

virNetworkPtr
virNetworkPortGetNetwork(virNetworkPortPtr port)
{
    vkErrorReset();
    if (!vkCheckNetworkPort(port, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    return port->net;
}

HANDLE_FREE_REF(StoragePool, virStoragePoolPtr, vkCheckStoragePool, vkStoragePoolUnref, refs)
HANDLE_STRING(virStoragePoolGetName, virStoragePoolPtr, vkCheckStoragePool, obj->name)
HANDLE_CONNECT(virStoragePoolGetConnect, virStoragePoolPtr, vkCheckStoragePool, obj->conn)
HANDLE_UUID(StoragePool, virStoragePoolPtr, vkCheckStoragePool)

HANDLE_FREE_REF(StorageVol, virStorageVolPtr, vkCheckStorageVol, vkStorageVolUnref, refs)
HANDLE_STRING(virStorageVolGetName, virStorageVolPtr, vkCheckStorageVol, obj->name)
HANDLE_STRING(virStorageVolGetKey, virStorageVolPtr, vkCheckStorageVol, obj->key)
HANDLE_CONNECT(virStorageVolGetConnect, virStorageVolPtr, vkCheckStorageVol, obj->conn)

HANDLE_FREE_REF(NodeDevice, virNodeDevicePtr, vkCheckNodeDevice, vkNodeDeviceUnref, refs)
HANDLE_STRING(virNodeDeviceGetName, virNodeDevicePtr, vkCheckNodeDevice, obj->name)

const char *
virNodeDeviceGetParent(virNodeDevicePtr dev)
{
    vkErrorReset();
    if (!vkCheckNodeDevice(dev, __func__)) {
        vkDispatchError(NULL);
        return NULL;
    }
    /* Drivers fill the parent in when they make the handle; a device
     * without one (the root "computer") answers NULL without an error. */
    return dev->parentName;
}

void
virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease)
{
    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

LOOKUP_BY_UUID_STRING(virNetworkLookupByUUIDString, virNetworkLookupByUUID,
                      virNetworkPtr, virConnectPtr,
                      vkCheckConnect, obj, VK_FAMILY_NETWORK, networkLookupByUUID)
LOOKUP_BY_UUID_STRING(virStoragePoolLookupByUUIDString, virStoragePoolLookupByUUID,
                      virStoragePoolPtr, virConnectPtr,
                      vkCheckConnect, obj, VK_FAMILY_STORAGE, storagePoolLookupByUUID)
LOOKUP_BY_UUID_STRING(virNetworkPortLookupByUUIDString, virNetworkPortLookupByUUID,
                      virNetworkPortPtr, virNetworkPtr,
                      vkCheckNetwork, obj->conn, VK_FAMILY_NETWORK, networkPortLookupByUUID)

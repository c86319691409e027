/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conversions between public handles / typed parameters and their wire
 * forms, shared by the generated server dispatchers and client members.
 *
 * Direction matters for ownership: vkRemoteArg* fill an args struct that
 * only borrows the handle's strings (the caller never xdr_frees it), while
 * vkRemoteMake* fill a reply with malloc-compatible copies that the
 * daemon's xdr_free releases.  vkRemoteGet* build a fresh handle from a
 * wire identity without any lookup, as libvirt's daemon does.
 */
#ifndef VK_RPC_REMOTE_CONVERT_H
#define VK_RPC_REMOTE_CONVERT_H

#include <string.h>

#include "core/object.h"
#include "remote_protocol.h"

/* xdr_void has no parameters in libtirpc's prototype; going through a
 * generic function pointer keeps -Wcast-function-type quiet. */
#define VK_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)

/* ---- handle -> args (borrowing) ---- */
static inline void
vkRemoteArgDomain(remote_nonnull_domain *dst, virDomainPtr dom)
{
    dst->name = dom->name;
    memcpy(dst->uuid, dom->uuid, VIR_UUID_BUFLEN);
    dst->id = dom->id;
}

static inline void
vkRemoteArgNetwork(remote_nonnull_network *dst, virNetworkPtr net)
{
    dst->name = net->name;
    memcpy(dst->uuid, net->uuid, VIR_UUID_BUFLEN);
}

static inline void
vkRemoteArgNetworkPort(remote_nonnull_network_port *dst, virNetworkPortPtr port)
{
    vkRemoteArgNetwork(&dst->net, port->net);
    memcpy(dst->uuid, port->uuid, VIR_UUID_BUFLEN);
}

static inline void
vkRemoteArgStoragePool(remote_nonnull_storage_pool *dst, virStoragePoolPtr pool)
{
    dst->name = pool->name;
    memcpy(dst->uuid, pool->uuid, VIR_UUID_BUFLEN);
}

static inline void
vkRemoteArgStorageVol(remote_nonnull_storage_vol *dst, virStorageVolPtr vol)
{
    dst->pool = vol->pool;
    dst->name = vol->name;
    dst->key = vol->key;
}

static inline void
vkRemoteArgNodeDevice(remote_nonnull_node_device *dst, virNodeDevicePtr dev)
{
    dst->name = dev->name;
}

static inline void
vkRemoteArgInterface(remote_nonnull_interface *dst, virInterfacePtr iface)
{
    dst->name = iface->name;
    dst->mac = iface->mac;
}

static inline void
vkRemoteArgDomainSnapshot(remote_nonnull_domain_snapshot *dst, virDomainSnapshotPtr snap)
{
    dst->name = snap->name;
    vkRemoteArgDomain(&dst->dom, snap->domain);
}

static inline void
vkRemoteArgSecret(remote_nonnull_secret *dst, virSecretPtr secret)
{
    memcpy(dst->uuid, secret->uuid, VIR_UUID_BUFLEN);
    dst->usageType = secret->usageType;
    dst->usageID = secret->usageID ? secret->usageID : (char *)"";
}

static inline void
vkRemoteArgNWFilter(remote_nonnull_nwfilter *dst, virNWFilterPtr filter)
{
    dst->name = filter->name;
    memcpy(dst->uuid, filter->uuid, VIR_UUID_BUFLEN);
}

static inline void
vkRemoteArgNWFilterBinding(remote_nonnull_nwfilter_binding *dst, virNWFilterBindingPtr b)
{
    dst->portdev = b->portdev;
    dst->filtername = b->filtername;
}

static inline void
vkRemoteArgDomainCheckpoint(remote_nonnull_domain_checkpoint *dst, virDomainCheckpointPtr cp)
{
    dst->name = cp->name;
    vkRemoteArgDomain(&dst->dom, cp->domain);
}

/* ---- handle -> reply (copying; freed by xdr_free) ---- */
void vkRemoteMakeDomain(remote_nonnull_domain *dst, virDomainPtr dom);
void vkRemoteMakeNetwork(remote_nonnull_network *dst, virNetworkPtr net);
void vkRemoteMakeNetworkPort(remote_nonnull_network_port *dst, virNetworkPortPtr port);
void vkRemoteMakeStoragePool(remote_nonnull_storage_pool *dst, virStoragePoolPtr pool);
void vkRemoteMakeStorageVol(remote_nonnull_storage_vol *dst, virStorageVolPtr vol);
void vkRemoteMakeNodeDevice(remote_nonnull_node_device *dst, virNodeDevicePtr dev);
void vkRemoteMakeInterface(remote_nonnull_interface *dst, virInterfacePtr iface);
void vkRemoteMakeDomainSnapshot(remote_nonnull_domain_snapshot *dst, virDomainSnapshotPtr snap);
void vkRemoteMakeSecret(remote_nonnull_secret *dst, virSecretPtr secret);
void vkRemoteMakeNWFilter(remote_nonnull_nwfilter *dst, virNWFilterPtr filter);
void vkRemoteMakeNWFilterBinding(remote_nonnull_nwfilter_binding *dst,
                                 virNWFilterBindingPtr binding);
void vkRemoteMakeDomainCheckpoint(remote_nonnull_domain_checkpoint *dst,
                                  virDomainCheckpointPtr checkpoint);

/* ---- wire -> new handle (refs = 1; NULL with an error set) ---- */
virDomainPtr vkRemoteGetDomain(virConnectPtr conn, const remote_nonnull_domain *src);
virNetworkPtr vkRemoteGetNetwork(virConnectPtr conn, const remote_nonnull_network *src);
virNetworkPortPtr vkRemoteGetNetworkPort(virConnectPtr conn,
                                         const remote_nonnull_network_port *src);
virStoragePoolPtr vkRemoteGetStoragePool(virConnectPtr conn,
                                         const remote_nonnull_storage_pool *src);
virStorageVolPtr vkRemoteGetStorageVol(virConnectPtr conn,
                                       const remote_nonnull_storage_vol *src);
virNodeDevicePtr vkRemoteGetNodeDevice(virConnectPtr conn,
                                       const remote_nonnull_node_device *src);
virInterfacePtr vkRemoteGetInterface(virConnectPtr conn, const remote_nonnull_interface *src);
virDomainSnapshotPtr vkRemoteGetDomainSnapshot(virConnectPtr conn,
                                               const remote_nonnull_domain_snapshot *src);
virSecretPtr vkRemoteGetSecret(virConnectPtr conn, const remote_nonnull_secret *src);
virNWFilterPtr vkRemoteGetNWFilter(virConnectPtr conn, const remote_nonnull_nwfilter *src);
virNWFilterBindingPtr vkRemoteGetNWFilterBinding(virConnectPtr conn,
                                                 const remote_nonnull_nwfilter_binding *src);
virDomainCheckpointPtr vkRemoteGetDomainCheckpoint(virConnectPtr conn,
                                                   const remote_nonnull_domain_checkpoint *src);

/* ---- typed parameters ----
 * Serialize: params -> a malloc'd wire array (reply or args).  More than
 * max entries is VIR_ERR_RPC.  Returns 0 or -1 with an error set. */
int vkRemoteSerializeTypedParams(virTypedParameterPtr params, int nparams,
                                 unsigned int max, remote_typed_param **val,
                                 u_int *len);
/* Frees what Serialize made for an args struct. */
void vkRemoteTypedParamsFree(remote_typed_param *val, u_int len);
/* Deserialize into a new array (free with virTypedParamsFree). */
int vkRemoteDeserializeTypedParams(const remote_typed_param *val, u_int len,
                                   unsigned int max, virTypedParameterPtr *params,
                                   int *nparams);
/* Deserialize into the caller's array of *nparams slots; *nparams becomes
 * the number filled. */
int vkRemoteDeserializeTypedParamsInto(const remote_typed_param *val, u_int len,
                                       virTypedParameterPtr params, int *nparams);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handle and typed-parameter conversions for the remote program.
 *
 * Everything that goes into a reply is allocated with GLib's allocator,
 * which is malloc on glibc, so rpcgen's xdr_free (free()) releases it.
 */
#include <stdlib.h>
#include <string.h>

#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote-convert.h"

void
vkRemoteMakeDomain(remote_nonnull_domain *dst, virDomainPtr dom)
{
    dst->name = g_strdup(dom->name);
    memcpy(dst->uuid, dom->uuid, VIR_UUID_BUFLEN);
    dst->id = dom->id;
}

void
vkRemoteMakeNetwork(remote_nonnull_network *dst, virNetworkPtr net)
{
    dst->name = g_strdup(net->name);
    memcpy(dst->uuid, net->uuid, VIR_UUID_BUFLEN);
}

void
vkRemoteMakeNetworkPort(remote_nonnull_network_port *dst, virNetworkPortPtr port)
{
    vkRemoteMakeNetwork(&dst->net, port->net);
    memcpy(dst->uuid, port->uuid, VIR_UUID_BUFLEN);
}

void
vkRemoteMakeStoragePool(remote_nonnull_storage_pool *dst, virStoragePoolPtr pool)
{
    dst->name = g_strdup(pool->name);
    memcpy(dst->uuid, pool->uuid, VIR_UUID_BUFLEN);
}

void
vkRemoteMakeStorageVol(remote_nonnull_storage_vol *dst, virStorageVolPtr vol)
{
    dst->pool = g_strdup(vol->pool);
    dst->name = g_strdup(vol->name);
    dst->key = g_strdup(vol->key);
}

void
vkRemoteMakeNodeDevice(remote_nonnull_node_device *dst, virNodeDevicePtr dev)
{
    dst->name = g_strdup(dev->name);
}

void
vkRemoteMakeInterface(remote_nonnull_interface *dst, virInterfacePtr iface)
{
    dst->name = g_strdup(iface->name);
    dst->mac = g_strdup(iface->mac);
}

void
vkRemoteMakeDomainSnapshot(remote_nonnull_domain_snapshot *dst, virDomainSnapshotPtr snap)
{
    dst->name = g_strdup(snap->name);
    vkRemoteMakeDomain(&dst->dom, snap->domain);
}

virDomainPtr
vkRemoteGetDomain(virConnectPtr conn, const remote_nonnull_domain *src)
{
    return vkGetDomain(conn, src->name, (const unsigned char *)src->uuid, src->id);
}

virNetworkPtr
vkRemoteGetNetwork(virConnectPtr conn, const remote_nonnull_network *src)
{
    return vkGetNetwork(conn, src->name, (const unsigned char *)src->uuid);
}

virNetworkPortPtr
vkRemoteGetNetworkPort(virConnectPtr conn, const remote_nonnull_network_port *src)
{
    virNetworkPtr net = vkRemoteGetNetwork(conn, &src->net);
    virNetworkPortPtr port;

    if (!net)
        return NULL;
    port = vkGetNetworkPort(net, (const unsigned char *)src->uuid);
    vkNetworkUnref(net);
    return port;
}

virStoragePoolPtr
vkRemoteGetStoragePool(virConnectPtr conn, const remote_nonnull_storage_pool *src)
{
    return vkGetStoragePool(conn, src->name, (const unsigned char *)src->uuid);
}

virStorageVolPtr
vkRemoteGetStorageVol(virConnectPtr conn, const remote_nonnull_storage_vol *src)
{
    return vkGetStorageVol(conn, src->pool, src->name, src->key);
}

virNodeDevicePtr
vkRemoteGetNodeDevice(virConnectPtr conn, const remote_nonnull_node_device *src)
{
    return vkGetNodeDevice(conn, src->name, NULL);
}

virInterfacePtr
vkRemoteGetInterface(virConnectPtr conn, const remote_nonnull_interface *src)
{
    return vkGetInterface(conn, src->name, src->mac);
}

virDomainSnapshotPtr
vkRemoteGetDomainSnapshot(virConnectPtr conn, const remote_nonnull_domain_snapshot *src)
{
    virDomainPtr dom = vkRemoteGetDomain(conn, &src->dom);
    virDomainSnapshotPtr snap;

    if (!dom)
        return NULL;
    snap = vkGetDomainSnapshot(dom, src->name);
    vkDomainUnref(dom);
    return snap;
}

void
vkRemoteTypedParamsFree(remote_typed_param *val, u_int len)
{
    if (!val)
        return;
    for (u_int i = 0; i < len; i++) {
        g_free(val[i].field);
        if (val[i].value.type == VIR_TYPED_PARAM_STRING)
            g_free(val[i].value.remote_typed_param_value_u.s);
    }
    g_free(val);
}

int
vkRemoteSerializeTypedParams(virTypedParameterPtr params, int nparams,
                             unsigned int max, remote_typed_param **val, u_int *len)
{
    remote_typed_param *out;
    u_int n = 0;

    *val = NULL;
    *len = 0;
    if (nparams < 0 || (unsigned int)nparams > max) {
        vkReportError(VIR_ERR_RPC, "too many typed parameters: %d (at most %u)",
                      nparams, max);
        return -1;
    }
    out = g_new0(remote_typed_param, nparams + 1);
    for (int i = 0; i < nparams; i++) {
        remote_typed_param *p = &out[n];
        /* Unset entries (empty field) are what libvirt skips too. */
        if (!params[i].field[0])
            continue;
        p->field = g_strdup(params[i].field);
        p->value.type = params[i].type;
        switch (params[i].type) {
        case VIR_TYPED_PARAM_INT:
            p->value.remote_typed_param_value_u.i = params[i].value.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            p->value.remote_typed_param_value_u.ui = params[i].value.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            p->value.remote_typed_param_value_u.l = params[i].value.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            p->value.remote_typed_param_value_u.ul = params[i].value.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            p->value.remote_typed_param_value_u.d = params[i].value.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            p->value.remote_typed_param_value_u.b = params[i].value.b;
            break;
        case VIR_TYPED_PARAM_STRING:
            p->value.remote_typed_param_value_u.s = g_strdup(params[i].value.s ?
                                                             params[i].value.s : "");
            break;
        default:
            vkReportError(VIR_ERR_RPC, "typed parameter '%s' has unknown type %d",
                          params[i].field, params[i].type);
            vkRemoteTypedParamsFree(out, n + 1);
            return -1;
        }
        n++;
    }
    *val = out;
    *len = n;
    return 0;
}

static int
fillOne(virTypedParameterPtr dst, const remote_typed_param *src)
{
    if (!src->field || strlen(src->field) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
        vkReportError(VIR_ERR_RPC, "typed parameter name '%s' too long",
                      src->field ? src->field : "");
        return -1;
    }
    memset(dst, 0, sizeof(*dst));
    g_strlcpy(dst->field, src->field, VIR_TYPED_PARAM_FIELD_LENGTH);
    dst->type = src->value.type;
    switch (src->value.type) {
    case VIR_TYPED_PARAM_INT:
        dst->value.i = src->value.remote_typed_param_value_u.i;
        break;
    case VIR_TYPED_PARAM_UINT:
        dst->value.ui = src->value.remote_typed_param_value_u.ui;
        break;
    case VIR_TYPED_PARAM_LLONG:
        dst->value.l = src->value.remote_typed_param_value_u.l;
        break;
    case VIR_TYPED_PARAM_ULLONG:
        dst->value.ul = src->value.remote_typed_param_value_u.ul;
        break;
    case VIR_TYPED_PARAM_DOUBLE:
        dst->value.d = src->value.remote_typed_param_value_u.d;
        break;
    case VIR_TYPED_PARAM_BOOLEAN:
        dst->value.b = src->value.remote_typed_param_value_u.b;
        break;
    case VIR_TYPED_PARAM_STRING:
        dst->value.s = g_strdup(src->value.remote_typed_param_value_u.s);
        break;
    default:
        vkReportError(VIR_ERR_RPC, "typed parameter '%s' has unknown type %d",
                      src->field, src->value.type);
        return -1;
    }
    return 0;
}

int
vkRemoteDeserializeTypedParams(const remote_typed_param *val, u_int len,
                               unsigned int max, virTypedParameterPtr *params,
                               int *nparams)
{
    virTypedParameterPtr out;

    *params = NULL;
    *nparams = 0;
    if (len > max) {
        vkReportError(VIR_ERR_RPC, "too many typed parameters: %u (at most %u)", len, max);
        return -1;
    }
    out = g_new0(virTypedParameter, len + 1);
    for (u_int i = 0; i < len; i++) {
        if (fillOne(&out[i], &val[i]) < 0) {
            virTypedParamsFree(out, i);
            return -1;
        }
    }
    *params = out;
    *nparams = len;
    return 0;
}

int
vkRemoteDeserializeTypedParamsInto(const remote_typed_param *val, u_int len,
                                   virTypedParameterPtr params, int *nparams)
{
    if (*nparams < 0 || len > (u_int)*nparams) {
        vkReportError(VIR_ERR_RPC, "reply has %u typed parameters, room for %d",
                      len, *nparams);
        return -1;
    }
    for (u_int i = 0; i < len; i++) {
        if (fillOne(&params[i], &val[i]) < 0) {
            virTypedParamsClear(params, i);
            return -1;
        }
    }
    *nparams = len;
    return 0;
}

void
vkRemoteMakeSecret(remote_nonnull_secret *dst, virSecretPtr secret)
{
    memcpy(dst->uuid, secret->uuid, VIR_UUID_BUFLEN);
    dst->usageType = secret->usageType;
    dst->usageID = g_strdup(secret->usageID ? secret->usageID : "");
}

virSecretPtr
vkRemoteGetSecret(virConnectPtr conn, const remote_nonnull_secret *src)
{
    return vkGetSecret(conn, (const unsigned char *)src->uuid, src->usageType, src->usageID);
}

void
vkRemoteMakeNWFilter(remote_nonnull_nwfilter *dst, virNWFilterPtr filter)
{
    dst->name = g_strdup(filter->name);
    memcpy(dst->uuid, filter->uuid, VIR_UUID_BUFLEN);
}

void
vkRemoteMakeNWFilterBinding(remote_nonnull_nwfilter_binding *dst, virNWFilterBindingPtr binding)
{
    dst->portdev = g_strdup(binding->portdev);
    dst->filtername = g_strdup(binding->filtername);
}

void
vkRemoteMakeDomainCheckpoint(remote_nonnull_domain_checkpoint *dst,
                             virDomainCheckpointPtr checkpoint)
{
    dst->name = g_strdup(checkpoint->name);
    vkRemoteMakeDomain(&dst->dom, checkpoint->domain);
}

virNWFilterPtr
vkRemoteGetNWFilter(virConnectPtr conn, const remote_nonnull_nwfilter *src)
{
    return vkGetNWFilter(conn, src->name, (const unsigned char *)src->uuid);
}

virNWFilterBindingPtr
vkRemoteGetNWFilterBinding(virConnectPtr conn, const remote_nonnull_nwfilter_binding *src)
{
    return vkGetNWFilterBinding(conn, src->portdev, src->filtername);
}

virDomainCheckpointPtr
vkRemoteGetDomainCheckpoint(virConnectPtr conn, const remote_nonnull_domain_checkpoint *src)
{
    virDomainPtr dom = vkRemoteGetDomain(conn, &src->dom);
    virDomainCheckpointPtr checkpoint;

    if (!dom)
        return NULL;
    checkpoint = vkGetDomainCheckpoint(dom, src->name);
    vkDomainUnref(dom);
    return checkpoint;
}

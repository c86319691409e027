/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client side of virDomainInterfaceAddresses: the reply's interfaces and
 * their addresses become the records virDomainInterfaceFree frees; and
 * virDomainGetFSInfo's filesystems with their disks, for
 * virDomainFSInfoFree.
 */
#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_REMOTE
#include "util/error.h"
#include "core/driver.h"
#include "core/ifaddr.h"
#include "rpc-interfaces.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "drivers/remote/remote-members.h"

int
vkRemoteDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                 unsigned int source, unsigned int flags)
{
    remote_domain_interface_addresses_args args = { 0 };
    remote_domain_interface_addresses_ret ret = { 0 };
    vkIfaddrList *list;
    int rv = -1;

    vkRemoteArgDomain(&args.dom, dom);
    args.source = source;
    args.flags = flags;
    if (vkRemoteCall(dom->conn, REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES,
                     (xdrproc_t)xdr_remote_domain_interface_addresses_args, &args,
                     (xdrproc_t)xdr_remote_domain_interface_addresses_ret, &ret) < 0)
        return -1;
    if (ret.ifaces.ifaces_len > REMOTE_DOMAIN_INTERFACE_MAX) {
        vkReportError(VIR_ERR_RPC, "Number of interfaces, %u exceeds the max limit: %d",
                      ret.ifaces.ifaces_len, REMOTE_DOMAIN_INTERFACE_MAX);
        goto out;
    }
    list = vkIfaddrListNew();
    for (u_int i = 0; i < ret.ifaces.ifaces_len; i++) {
        const remote_domain_interface *w = &ret.ifaces.ifaces_val[i];
        virDomainInterfacePtr iface;

        if (w->addrs.addrs_len > REMOTE_DOMAIN_IP_ADDR_MAX) {
            vkReportError(VIR_ERR_RPC, "Number of addresses, %u exceeds the max limit: %d",
                          w->addrs.addrs_len, REMOTE_DOMAIN_IP_ADDR_MAX);
            vkIfaddrListFree(list);
            goto out;
        }
        iface = vkIfaddrAdd(list, w->name, w->hwaddr ? *w->hwaddr : NULL);
        for (u_int j = 0; j < w->addrs.addrs_len; j++)
            vkIfaddrAddAddress(iface, w->addrs.addrs_val[j].type, w->addrs.addrs_val[j].addr,
                               w->addrs.addrs_val[j].prefix);
    }
    rv = vkIfaddrListSteal(list, ifaces);
 out:
    xdr_free((xdrproc_t)xdr_remote_domain_interface_addresses_ret, (char *)&ret);
    return rv;
}

int
vkRemoteDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags)
{
    remote_domain_get_fsinfo_args args = { 0 };
    remote_domain_get_fsinfo_ret ret = { 0 };
    virDomainFSInfoPtr *out;
    int rv = -1;

    vkRemoteArgDomain(&args.dom, dom);
    args.flags = flags;
    if (vkRemoteCall(dom->conn, REMOTE_PROC_DOMAIN_GET_FSINFO,
                     (xdrproc_t)xdr_remote_domain_get_fsinfo_args, &args,
                     (xdrproc_t)xdr_remote_domain_get_fsinfo_ret, &ret) < 0)
        return -1;
    if (ret.info.info_len > REMOTE_DOMAIN_FSINFO_MAX) {
        vkReportError(VIR_ERR_RPC, "Too many mountpoints in fsinfo: %u for limit %d",
                      ret.info.info_len, REMOTE_DOMAIN_FSINFO_MAX);
        goto out;
    }
    out = g_new0(virDomainFSInfoPtr, ret.info.info_len + 1);
    for (u_int i = 0; i < ret.info.info_len; i++) {
        const remote_domain_fsinfo *w = &ret.info.info_val[i];
        virDomainFSInfoPtr fs = g_new0(virDomainFSInfo, 1);

        fs->mountpoint = g_strdup(w->mountpoint);
        fs->name = g_strdup(w->name);
        fs->fstype = g_strdup(w->fstype);
        fs->ndevAlias = MIN(w->dev_aliases.dev_aliases_len, REMOTE_DOMAIN_FSINFO_DISKS_MAX);
        fs->devAlias = g_new0(char *, fs->ndevAlias + 1);
        for (size_t j = 0; j < fs->ndevAlias; j++)
            fs->devAlias[j] = g_strdup(w->dev_aliases.dev_aliases_val[j]);
        out[i] = fs;
    }
    if (info) {
        *info = out;
    } else {
        for (u_int i = 0; i < ret.info.info_len; i++)
            virDomainFSInfoFree(out[i]);
        g_free(out);
    }
    rv = (int)ret.info.info_len;
 out:
    xdr_free((xdrproc_t)xdr_remote_domain_get_fsinfo_ret, (char *)&ret);
    return rv;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client side of virDomainInterfaceAddresses: the reply's interfaces and
 * their addresses become the records virDomainInterfaceFree frees.
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

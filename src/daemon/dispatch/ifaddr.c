/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Server side of virDomainInterfaceAddresses: a reply of interfaces, each
 * with its own array of addresses, which the generator's one-level array
 * rules do not cover.  Both levels are bounded by the protocol's limits.
 * virDomainGetFSInfo's filesystems, each with its disks, are the same
 * shape.
 */
#include "virtkit/virtkit.h"

#define VIR_FROM_THIS VIR_FROM_RPC
#include "util/error.h"
#include "remote_protocol.h"
#include "remote-convert.h"
#include "daemon/dispatch/dispatch.h"

static int
fill(remote_domain_interface_addresses_ret *ret, virDomainInterfacePtr *ifaces, int n)
{
    if (n > REMOTE_DOMAIN_INTERFACE_MAX) {
        vkReportError(VIR_ERR_RPC, "Number of interfaces, %d exceeds the max limit: %d",
                      n, REMOTE_DOMAIN_INTERFACE_MAX);
        return -1;
    }
    ret->ifaces.ifaces_len = n;
    ret->ifaces.ifaces_val = g_new0(remote_domain_interface, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        remote_domain_interface *w = &ret->ifaces.ifaces_val[i];
        virDomainInterfacePtr iface = ifaces[i];

        if (iface->naddrs > REMOTE_DOMAIN_IP_ADDR_MAX) {
            vkReportError(VIR_ERR_RPC, "Number of addresses, %u exceeds the max limit: %d",
                          iface->naddrs, REMOTE_DOMAIN_IP_ADDR_MAX);
            return -1;
        }
        w->name = g_strdup(iface->name ? iface->name : "");
        if (iface->hwaddr) {
            w->hwaddr = g_new0(char *, 1);
            *w->hwaddr = g_strdup(iface->hwaddr);
        }
        w->addrs.addrs_len = iface->naddrs;
        w->addrs.addrs_val = g_new0(remote_domain_ip_addr, iface->naddrs ? iface->naddrs : 1);
        for (unsigned int j = 0; j < iface->naddrs; j++) {
            w->addrs.addrs_val[j].type = iface->addrs[j].type;
            w->addrs.addrs_val[j].addr = g_strdup(iface->addrs[j].addr ? iface->addrs[j].addr
                                                                       : "");
            w->addrs.addrs_val[j].prefix = iface->addrs[j].prefix;
        }
    }
    return 0;
}

int
vkDispatchDomainInterfaceAddresses(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_interface_addresses_args *args = argsp;
    remote_domain_interface_addresses_ret *ret = retp;
    virDomainInterfacePtr *ifaces = NULL;
    virDomainPtr dom;
    int n, rc;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    n = virDomainInterfaceAddresses(dom, &ifaces, args->source, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    rc = fill(ret, ifaces, n);
    for (int i = 0; i < n; i++)
        virDomainInterfaceFree(ifaces[i]);
    g_free(ifaces);
    return rc;
}

int
vkDispatchDomainGetFSInfo(vkServerClient *client, void *argsp, void *retp)
{
    remote_domain_get_fsinfo_args *args = argsp;
    remote_domain_get_fsinfo_ret *ret = retp;
    virDomainFSInfoPtr *info = NULL;
    virDomainPtr dom;
    int n, rc = -1;

    if (!(dom = vkRemoteGetDomain(client->conn, &args->dom)))
        return -1;
    n = virDomainGetFSInfo(dom, &info, args->flags);
    vkDomainUnref(dom);
    if (n < 0)
        return -1;
    if (n > REMOTE_DOMAIN_FSINFO_MAX) {
        vkReportError(VIR_ERR_RPC, "Too many mountpoints in fsinfo: %d for limit %d", n,
                      REMOTE_DOMAIN_FSINFO_MAX);
        goto out;
    }
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_domain_fsinfo, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        remote_domain_fsinfo *w = &ret->info.info_val[i];

        if (info[i]->ndevAlias > REMOTE_DOMAIN_FSINFO_DISKS_MAX) {
            vkReportError(VIR_ERR_RPC, "Too many disks in fsinfo: %zu for limit %d",
                          info[i]->ndevAlias, REMOTE_DOMAIN_FSINFO_DISKS_MAX);
            goto out;
        }
        w->mountpoint = g_strdup(info[i]->mountpoint ? info[i]->mountpoint : "");
        w->name = g_strdup(info[i]->name ? info[i]->name : "");
        w->fstype = g_strdup(info[i]->fstype ? info[i]->fstype : "");
        w->dev_aliases.dev_aliases_len = info[i]->ndevAlias;
        w->dev_aliases.dev_aliases_val = g_new0(char *, info[i]->ndevAlias + 1);
        for (size_t j = 0; j < info[i]->ndevAlias; j++)
            w->dev_aliases.dev_aliases_val[j] = g_strdup(info[i]->devAlias[j]);
    }
    ret->ret = n;
    rc = 0;
 out:
    for (int i = 0; i < n; i++)
        virDomainFSInfoFree(info[i]);
    g_free(info);
    return rc;
}
